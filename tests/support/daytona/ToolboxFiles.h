#pragma once

#include "HttpConnection.h"

#include <QString>
#include <optional>

namespace forge::test::daytona {

// A path a toolbox client sent, relative to the workspace. The emulator's sandboxes have no fixed
// absolute work dir: the path GET /work-dir reports (the host path, or /workspace when commands run
// inside bubblewrap) and "/" all mean the workspace root.
// Empty optional when the path leaves the workspace ("..").
std::optional<QString> workspaceRelative(const QString& path, const QString& workspace);

// The toolbox file endpoints (ENDPOINTS.md section 9; all paths in `?path=`): list, info, download,
// folder, delete and upload-v2 (raw body). nullopt when `path` is not one of them.
std::optional<HttpResponse> handleFiles(const HttpRequest& request, const QByteArray& path,
                                        const QString& workspace);

} // namespace forge::test::daytona
