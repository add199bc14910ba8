#pragma once

#include <QByteArray>
#include <QMap>
#include <QString>
#include <QStringList>

namespace forge::shell {

// One argument for a POSIX shell: single-quoted, with embedded quotes closed and escaped, so the
// shell passes it through unchanged whatever it contains ($, `, ;, newlines...).
QString quote(const QString& argument);

// Whether `name` can be an environment variable set from a shell: [A-Za-z_][A-Za-z0-9_]*.
bool isVariableName(const QString& name);

// A command line for a POSIX shell that changes to `directory`, sets `environment` for the program
// only (through env(1), so names and values are never interpreted) and runs `argv` as given. The
// toolbox's session API takes a shell line, not an argument vector (docs/daytona-api.md §8); this is
// the one place that builds it. Throws std::invalid_argument for an empty argv or an environment
// name that is not a valid identifier. `pathPrefix`: absolute folders put first on PATH.
//
// `environmentFile` (an absolute path; empty for none) holds exportScript() lines with values that
// must not be in the line itself (secrets: a session command's text is kept by Daytona). Before
// anything else, the line reads the file into the shell and deletes it, whether or not reading
// worked; only then does it export what it read, change folder and run `argv`. All of that happens
// in a subshell, which exec's the program, so the values never reach the session's own shell (which
// outlives the command) and the program is still the session shell's child. A file that cannot be
// read, or whose lines fail, ends the line with a non-zero status before `argv` runs. `environment`
// (through env(1)) wins over the file for a name both set.
QString commandLine(const QStringList& argv, const QString& directory,
                    const QMap<QString, QString>& environment, const QStringList& pathPrefix = {},
                    const QString& environmentFile = {});

// The content of a commandLine() `environmentFile`: one `export NAME='value'` line per variable,
// values quoted as quote() does. Throws std::invalid_argument for a name that is not isVariableName()
// or a value with a NUL character (no environment can carry one).
QByteArray exportScript(const QMap<QString, QString>& environment);

} // namespace forge::shell
