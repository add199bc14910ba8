#include "GitHubConfig.h"

#include <QHostAddress>

using namespace Qt::StringLiterals;

namespace forge::github {

GitHubConfig GitHubConfig::gitHubCom(const QString& clientId)
{
    GitHubConfig config;
    config.clientId = clientId;
    return config;
}

GitHubConfig GitHubConfig::enterprise(const QString& host, const QString& clientId)
{
    GitHubConfig config;
    config.clientId = clientId;
    config.webUrl = QUrl(u"https://"_s + host.trimmed());
    config.apiUrl = QUrl(u"https://"_s + host.trimmed() + u"/api/v3"_s);
    return config;
}

GitHubConfig GitHubConfig::singleServer(const QUrl& base, const QString& clientId)
{
    GitHubConfig config;
    config.clientId = clientId;
    config.apiUrl = base;
    config.webUrl = base;
    return config;
}

bool GitHubConfig::isLoopback(const QUrl& url)
{
    const QString host = url.host();
    if (host.compare(u"localhost"_s, Qt::CaseInsensitive) == 0)
        return true;
    const QHostAddress address(host);
    return !address.isNull() && address.isLoopback();
}

static QString checkUrl(const QUrl& url, const QString& name)
{
    if (!url.isValid() || url.host().isEmpty())
        return u"The GitHub %1 \"%2\" is not a valid URL. Use https://github.com or your GitHub "
               u"Enterprise address, for example https://github.example.com."_s.arg(name, url.toString());
    if (url.scheme() == u"https"_s)
        return {};
    if (url.scheme() == u"http"_s && GitHubConfig::isLoopback(url))
        return {};
    return u"The GitHub %1 \"%2\" must use https (plain http is allowed only for this computer). "
           u"Change it to https://%3."_s.arg(name, url.toString(), url.authority());
}

QString GitHubConfig::validationError() const
{
    if (QString error = checkUrl(apiUrl, u"API address"_s); !error.isEmpty())
        return error;
    if (QString error = checkUrl(webUrl, u"sign-in address"_s); !error.isEmpty())
        return error;
    return {};
}

} // namespace forge::github
