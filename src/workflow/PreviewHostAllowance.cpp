#include "PreviewHostAllowance.h"

#include <QHostAddress>

using namespace Qt::StringLiterals;

namespace forge {

QMap<QString, QString> previewHostEnvironment(const QUrl& previewUrl, Framework framework)
{
    const QString host = previewUrl.host().toLower();
    const bool alwaysAccepted = host.isEmpty() || !QHostAddress(host).isNull() || host == u"localhost"_s ||
                                host.endsWith(u".localhost"_s);
    if (alwaysAccepted)
        return {};
    QMap<QString, QString> environment{{u"__VITE_ADDITIONAL_SERVER_ALLOWED_HOSTS"_s, host}};
    if (framework == Framework::CreateReactApp)
        environment.insert(u"DANGEROUSLY_DISABLE_HOST_CHECK"_s, u"true"_s);
    return environment;
}

QMap<QString, QString> mergedInto(QMap<QString, QString> environment, const QMap<QString, QString>& allowance)
{
    for (auto it = allowance.cbegin(); it != allowance.cend(); ++it) {
        if (!environment.contains(it.key()))
            environment.insert(it.key(), it.value());
    }
    return environment;
}

} // namespace forge
