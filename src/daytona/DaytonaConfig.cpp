#include "DaytonaConfig.h"

using namespace Qt::StringLiterals;

namespace forge::daytona {

namespace {

QString masked(const QString& secret)
{
    if (secret.isEmpty())
        return u"<unset>"_s;
    // Four characters identify which key is in use without making it guessable.
    return secret.size() <= 12 ? u"***"_s : u"***"_s + secret.right(4);
}

QUrl normalizedUrl(QString text)
{
    text = text.trimmed();
    while (text.endsWith(u'/'))
        text.chop(1);
    return QUrl(text, QUrl::StrictMode);
}

} // namespace

DaytonaConfig DaytonaConfig::fromEnvironment(const QProcessEnvironment& env)
{
    DaytonaConfig config;
    config.apiKey = env.value(u"DAYTONA_API_KEY"_s).trimmed();
    config.jwtToken = env.value(u"DAYTONA_JWT_TOKEN"_s).trimmed();
    config.organizationId = env.value(u"DAYTONA_ORGANIZATION_ID"_s).trimmed();
    config.target = env.value(u"DAYTONA_TARGET"_s).trimmed();
    QString url = env.value(u"DAYTONA_API_URL"_s);
    if (url.trimmed().isEmpty())
        url = env.value(u"DAYTONA_SERVER_URL"_s); // legacy name, still read by the SDKs
    if (url.trimmed().isEmpty())
        url = QString::fromLatin1(DefaultApiUrl);
    config.apiUrl = normalizedUrl(url);
    return config;
}

QString DaytonaConfig::validationError() const
{
    if (apiKey.isEmpty() && jwtToken.isEmpty())
        return u"No Daytona credentials: set DAYTONA_API_KEY to an API key from "
               u"https://app.daytona.io/dashboard/keys (or DAYTONA_JWT_TOKEN together with "
               u"DAYTONA_ORGANIZATION_ID)."_s;
    if (authMode() == AuthMode::Jwt && organizationId.isEmpty())
        return u"DAYTONA_JWT_TOKEN is set but DAYTONA_ORGANIZATION_ID is not: set it to your Daytona "
               u"organization id, or use DAYTONA_API_KEY instead."_s;
    const QString scheme = apiUrl.scheme();
    if (!apiUrl.isValid() || apiUrl.host().isEmpty() || (scheme != u"https"_s && scheme != u"http"_s))
        return u"DAYTONA_API_URL is not a valid http(s) URL (\"%1\"): set it to the Daytona API, for "
               u"example https://app.daytona.io/api, or unset it to use that default."_s.arg(
                   apiUrl.toDisplayString());
    if (requestTimeout.count() <= 0 || lifecycleTimeout.count() <= 0)
        return u"The Daytona request timeouts must be positive."_s;
    return {};
}

QString DaytonaConfig::redacted() const
{
    const QString auth = authMode() == AuthMode::Jwt
                             ? u"jwt=%1 org=%2"_s.arg(masked(jwtToken), organizationId)
                             : u"apiKey=%1"_s.arg(masked(apiKey));
    return u"DaytonaConfig(url=%1 %2 target=%3 timeout=%4ms)"_s.arg(
        apiUrl.toDisplayString(QUrl::RemoveUserInfo), auth, target.isEmpty() ? u"<default>"_s : target,
        QString::number(requestTimeout.count()));
}

} // namespace forge::daytona
