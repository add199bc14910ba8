#include "Sandbox.h"

using namespace Qt::StringLiterals;

namespace forge::daytona {

Sandbox Sandbox::fromJson(const QJsonObject& object)
{
    Sandbox sandbox;
    sandbox.id = object.value(u"id"_s).toString();
    sandbox.name = object.value(u"name"_s).toString();
    sandbox.state = object.value(u"state"_s).toString();
    sandbox.desiredState = object.value(u"desiredState"_s).toString();
    const QJsonObject labels = object.value(u"labels"_s).toObject();
    for (auto it = labels.constBegin(); it != labels.constEnd(); ++it) {
        if (it.value().isString())
            sandbox.labels.insert(it.key(), it.value().toString());
    }
    sandbox.errorReason = object.value(u"errorReason"_s).toString();
    sandbox.recoverable = object.value(u"recoverable"_s).toBool();
    sandbox.toolboxProxyUrl = object.value(u"toolboxProxyUrl"_s).toString();
    sandbox.isPublic = object.value(u"public"_s).toBool();
    sandbox.cpu = object.value(u"cpu"_s).toInt();
    sandbox.memory = object.value(u"memory"_s).toInt();
    sandbox.disk = object.value(u"disk"_s).toInt();
    sandbox.target = object.value(u"target"_s).toString();
    sandbox.snapshot = object.value(u"snapshot"_s).toString();
    return sandbox;
}

QUrl Sandbox::toolboxBaseUrl() const
{
    if (toolboxProxyUrl.isEmpty() || id.isEmpty())
        return {};
    // docs/daytona-api.md §7: baseURL = toolboxProxyUrl + (endsWith('/') ? '' : '/') + id.
    const QString base = toolboxProxyUrl.endsWith(u'/') ? toolboxProxyUrl : toolboxProxyUrl + u'/';
    return QUrl(base + QString::fromLatin1(QUrl::toPercentEncoding(id)), QUrl::StrictMode);
}

bool Sandbox::isFailed() const
{
    return state == QLatin1StringView(SandboxState::Error) ||
           state == QLatin1StringView(SandboxState::BuildFailed);
}

bool Sandbox::isSettled() const
{
    return desiredState.isEmpty() || state == desiredState;
}

bool Sandbox::isStartable() const
{
    for (const char* startable :
         {SandboxState::Stopped, SandboxState::Archived, SandboxState::Archiving, SandboxState::Paused}) {
        if (state == QLatin1StringView(startable))
            return true;
    }
    return false;
}

} // namespace forge::daytona
