#include "SandboxProvider.h"

using namespace Qt::StringLiterals;

namespace forge {

QString toString(SandboxState state)
{
    switch (state) {
    case SandboxState::Creating:
        return u"creating"_s;
    case SandboxState::Started:
        return u"started"_s;
    case SandboxState::Stopped:
        return u"stopped"_s;
    case SandboxState::Error:
        return u"error"_s;
    case SandboxState::Gone:
        return u"gone"_s;
    }
    return u"unknown"_s;
}

QCoro::Task<std::optional<QList<int>>> SandboxProvider::listeningPorts(QString id)
{
    Q_UNUSED(id);
    co_return std::nullopt;
}

QCoro::Task<> SandboxProvider::refreshActivity(QString id)
{
    Q_UNUSED(id);
    co_return;
}

} // namespace forge
