#pragma once

#include "DaytonaHttp.h"
#include "SandboxApi.h"
#include "ToolboxApi.h"

#include <memory>

namespace forge::daytona {

// The entry point: one HTTP connection pool and config for the API and every sandbox's toolbox.
class DaytonaClient final
{
    Q_DISABLE_COPY_MOVE(DaytonaClient)
public:
    explicit DaytonaClient(DaytonaConfig config);

    DaytonaHttp& http() { return m_http; }
    SandboxApi& sandboxes() { return m_sandboxes; }
    // The toolbox of a sandbox read from the API (docs/daytona-api.md §7). Throws InvalidArgument when the
    // sandbox has no toolboxProxyUrl (an old server or a sandbox that is not started yet).
    std::unique_ptr<ToolboxApi> toolbox(const Sandbox& sandbox);

private:
    DaytonaHttp m_http;
    SandboxApi m_sandboxes;
};

} // namespace forge::daytona
