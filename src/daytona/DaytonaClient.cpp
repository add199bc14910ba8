#include "DaytonaClient.h"

using namespace Qt::StringLiterals;

namespace forge::daytona {

DaytonaClient::DaytonaClient(DaytonaConfig config)
    : m_http(std::move(config))
    , m_sandboxes(m_http)
{}

std::unique_ptr<ToolboxApi> DaytonaClient::toolbox(const Sandbox& sandbox)
{
    const QUrl base = sandbox.toolboxBaseUrl();
    if (!base.isValid() || base.isEmpty())
        throw DaytonaError(
            DaytonaError::Kind::InvalidArgument,
            u"Sandbox %1 has no toolbox URL yet; fetch it again once it is started."_s.arg(sandbox.id));
    return std::make_unique<ToolboxApi>(m_http, base);
}

} // namespace forge::daytona
