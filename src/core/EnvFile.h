#pragma once

#include "ProjectEnvironment.h"

#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringList>

namespace forge {

// One assignment of a dotenv file.
struct EnvEntry
{
    QString name;
    QString value;
    // The comment lines directly above the entry and a `# comment` after its value, trimmed of
    // `#` and decoration (`# ---- Database ----` gives "Database"), joined with spaces.
    QString hint;
    int line = 0; // 1-based, where the entry starts

    friend bool operator==(const EnvEntry&, const EnvEntry&) = default;
};

// A dotenv file (issue 20): a user's `.env` to import, or a repository's `.env.example` that says
// which variables it expects. Pure: text in, entries and problems out.
//
// What is read, as the dotenv packages (Node's dotenv, python-dotenv, Docker Compose) agree on:
// - `NAME=value`, `export NAME=value`, spaces around `=`; `NAME=` is an empty value; the first `=`
//   ends the name, later ones belong to the value;
// - unquoted values are trimmed, and ` # comment` (a `#` after a space or tab) ends them, so that
//   `https://host/#/route` keeps its `#`;
// - 'single quotes' and `backticks` are literal; "double quotes" read \n, \r, \t, \" and \\ (any
//   other backslash stays as written); a quoted value may span lines until its closing quote, and a
//   `# comment` may follow it;
// - `#` comment lines, blank lines, CRLF line endings and a UTF-8 byte order mark.
// A bare `NAME` line is an entry with an empty value in an example file (they list names that
// way) and a problem in a values file (in a user's `.env` it is more likely a broken paste than
// a deliberately empty variable). Lines that are none of these, names that are not
// ProjectEnvironment::isValidName() and quotes that never close are reported and skipped; a name
// given twice is reported, and the later assignment replaces the earlier one in its place.
class EnvFile final
{
public:
    enum class Kind { Values, Example };

    QList<EnvEntry> entries;
    QStringList problems; // "line 7: “- foo” is not NAME=value"

    static EnvFile parse(const QString& text, Kind kind = Kind::Values);
    // UTF-8 bytes, as read from a file.
    static EnvFile parse(const QByteArray& utf8, Kind kind = Kind::Values);

    QStringList names() const;

    // What "copy the names" puts on the clipboard: one `NAME=` line per variable, in order, with no
    // value (secret or not), `.env.example` style.
    static QString namesOnly(const ProjectEnvironment& environment);

    // The entries as project variables for the run step; a name that looksSecret() becomes a secret
    // whose value is kept in the struct (putting it in the keychain is the caller's job). Names a
    // project cannot have (ProjectEnvironment::nameProblem: PORT, PATH, FORGE_…) are left out, with
    // the reason in `problems`.
    static ProjectEnvironment toEnvironment(const QList<EnvEntry>& entries, QStringList* problems = nullptr);
};

} // namespace forge
