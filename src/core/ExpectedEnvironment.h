#pragma once

#include "ProjectEnvironment.h"
#include "ProjectSnapshot.h"

#include <QList>
#include <QString>
#include <QStringList>
#include <QStringView>

namespace forge {

// A variable a repository expects to be set before its first run.
struct ExpectedVariable
{
    QString name;
    QString hint;   // from the example file's comments; empty for a name only seen in code
    QString source; // where it was seen, relative to the repository root: ".env.example",
                    // "apps/web/.env.sample", "src/lib/supabase.ts"

    friend bool operator==(const ExpectedVariable&, const ExpectedVariable&) = default;
};

// What a repository expects in its environment (issue 20), worked out from a ProjectSnapshot so that
// it stays pure:
// - the example files (exampleFileNames()) at the repository root and in the plan's project
//   directory, read with EnvFile as examples;
// - the framework public variables (NEXT_PUBLIC_, VITE_, NUXT_PUBLIC_, PUBLIC_, REACT_APP_) the
//   source refers to, as ProjectSnapshot::variableReferences() recorded them. Only public ones:
//   their names are fixed by the framework's convention, so a reference is a real expectation,
//   while server code reads process.env.ANYTHING for optional settings too.
class ExpectedEnvironment final
{
public:
    // `.env.example`, `.env.sample`, `.env.template`: read at the root and in workspace packages.
    static const QStringList& exampleFileNames();

    // Deduplicated by name: an example file beats a reference in code (it has the hint), the
    // project directory's example files beat the root's, and an empty hint is filled from a later
    // example file. Sorted by source (example files before code), then name. Left out: names a
    // project cannot set (ProjectEnvironment::nameProblem: PORT…), NODE_ENV, and, from code, the
    // public names the frameworks or Vercel set themselves (isSetByFramework). References in code count in
    // the files under `projectDirectory` (relative, empty for the root: everywhere) and under the workspace
    // packages it depends on (from package.json, transitively), not in its sibling apps.
    static QList<ExpectedVariable> fromSnapshot(const ProjectSnapshot& snapshot,
                                                const QString& projectDirectory);

    // The expected variables `environment` does not have (by name; a set but empty value counts as
    // set: the user chose it).
    static QList<ExpectedVariable> missingFrom(const QList<ExpectedVariable>& expected,
                                               const ProjectEnvironment& environment);

    // Whether `name` has a framework's public prefix (NEXT_PUBLIC_, VITE_, NUXT_PUBLIC_, PUBLIC_,
    // REACT_APP_) and is not one the framework or the host sets itself.
    static bool isPublicName(const QString& name);
    // Names the frameworks or their hosts set themselves, so no user is asked for them: NODE_ENV,
    // Vite's BASE_URL, MODE, DEV, PROD, SSR and VITE_USER_NODE_ENV, Create React App's PUBLIC_URL,
    // and Vercel's system variables under any public prefix (NEXT_PUBLIC_VERCEL_URL…).
    static bool isSetByFramework(const QString& name);

    // The public names (isPublicName) that JavaScript-family source refers to, in order of first
    // appearance: `process.env.NAME`, `process.env["NAME"]`, `import.meta.env.NAME`,
    // `const { NAME } = process.env`, SvelteKit's `import { NAME } from '$env/static/public'` and
    // `env.NAME` in a file importing '$env/dynamic/public'. Comments are not told apart from code.
    static QStringList publicNamesReferencedIn(QStringView source);
};

} // namespace forge
