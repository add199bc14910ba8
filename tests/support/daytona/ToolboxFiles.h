#pragma once

#include "HttpMessages.h"

#include <QString>
#include <optional>

namespace forge::test::daytona {

// A path a toolbox client sent, relative to the workspace. The emulator's sandboxes have no fixed
// absolute work dir: the path GET /work-dir reports (the host path, or /workspace when commands run
// inside bubblewrap) and "/" all mean the workspace root.
// Empty optional when the path leaves the workspace ("..").
std::optional<QString> workspaceRelative(const QString& path, const QString& workspace);

// One emulated sandbox's file system: its writable folders on this machine and where its commands
// see them (inside bubblewrap: the work dir /workspace, the home /home/daytona and /tmp; without
// isolation the host paths). The rest of its root is the system, read-only.
struct SandboxPaths
{
    QString workspace, workspaceInside;
    QString home, homeInside;
    QString tmp, tmpInside;
};

// The host path of a path a toolbox client sent, resolved as the daemon resolves it (it runs in the
// work dir: a relative path is below it) and mapped to the folder that holds it. nullopt for a path
// outside the sandbox's writable folders.
std::optional<QString> hostPath(const QString& path, const SandboxPaths& paths);
// The path a sandbox's commands see for a host path hostPath() returned.
QString insidePath(const QString& hostPath, const SandboxPaths& paths);

// The toolbox file endpoints (docs/daytona-api.md §9; all paths in `?path=`): list, info, download,
// bulk-download, folder, delete, upload-v2 (raw body) and bulk-upload. nullopt when `path` is not one
// of them.
std::optional<HttpResponse> handleFiles(const RecordedRequest& request, const QByteArray& path,
                                        const SandboxPaths& paths);

} // namespace forge::test::daytona
