#pragma once

#include <QMap>
#include <QString>
#include <QStringList>

namespace forge::shell {

// One argument for a POSIX shell: single-quoted, with embedded quotes closed and escaped, so the
// shell passes it through unchanged whatever it contains ($, `, ;, newlines...).
QString quote(const QString& argument);

// A command line for a POSIX shell that changes to `directory`, sets `environment` for the program
// only (through env(1), so names and values are never interpreted) and runs `argv` as given. The
// toolbox's session API takes a shell line, not an argument vector (docs/daytona-api.md §8); this is
// the one place that builds it. Throws std::invalid_argument for an empty argv or an environment
// name that is not a valid identifier. `pathPrefix`: absolute folders put first on PATH.
QString commandLine(const QStringList& argv, const QString& directory,
                    const QMap<QString, QString>& environment, const QStringList& pathPrefix = {});

} // namespace forge::shell
