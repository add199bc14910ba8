#pragma once

#include <QString>
#include <QStringList>
#include <optional>

namespace forge {

// Which environment variable a dev server that died complained was unset (issue 20), so that the
// failure can say "set X" instead of showing a stack trace. Pure: the last lines of its output in,
// a name out.
class MissingVariable final
{
public:
    // `lastLines`: the end of the dev server's output (ANSI colours are ignored). `candidates`: the
    // expected variables that are not set (ExpectedEnvironment::missingFrom), preferred when the
    // output names several. In order:
    // 1. a name the output states is missing, by the messages of Node apps and libraries ("Missing
    //    environment variable: X", "Environment variable X is required", "X is not set", "The X
    //    environment variable is missing or empty", "process.env.X is undefined", envalid's list),
    //    Prisma ("Environment variable not found: X"), and zod / @t3-oss/env (`X: [ 'Required' ]`,
    //    `"path": ["X"]` with "Required" or "received undefined"): a candidate among them, else the
    //    first;
    // 2. a candidate written in a line next to "required", "missing", "undefined", "not set"…;
    // 3. a library's option named in camel case ("supabaseUrl is required.", "Missing
    //    publishableKey") matched to the one candidate whose words hold its words
    //    (NEXT_PUBLIC_SUPABASE_URL), when only one does.
    // Names are read in capitals (A_NAME, as variables are written) and, outside phrases that name an
    // environment variable, only with an underscore: "JSX is not defined" is about code, not the
    // environment. Names a project cannot set (ProjectEnvironment::nameProblem: PORT…) are never
    // returned.
    static std::optional<QString> find(const QStringList& lastLines, const QStringList& candidates);
};

} // namespace forge
