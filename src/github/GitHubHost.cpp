#include "GitHubHost.h"

using namespace Qt::StringLiterals;

namespace forge::github {

namespace {

bool isLoopbackName(const QString& host)
{
    QUrl url;
    url.setHost(host);
    return GitHubConfig::isLoopback(url);
}

// The URL's port, or -1 when it is its scheme's default (https 443, http 80), so "host" and
// "host:443" name the same server.
int explicitPort(const QUrl& url)
{
    const int port = url.port(-1);
    const bool schemeDefault =
        (url.scheme() == u"https"_s && port == 443) || (url.scheme() == u"http"_s && port == 80);
    return schemeDefault ? -1 : port;
}

QString withPort(const QString& host, int port)
{
    const QString shown = host.contains(u':') ? u"[%1]"_s.arg(host) : host;
    return port < 0 ? shown : u"%1:%2"_s.arg(shown).arg(port);
}

} // namespace

GitHubHost::GitHubHost()
    : m_host(QString::fromLatin1(GitHubCom))
{}

GitHubHost::GitHubHost(QString host, int port)
    : m_host(std::move(host))
    , m_port(port)
{}

std::optional<GitHubHost> GitHubHost::parse(const QString& text, QString* error)
{
    const QString trimmed = text.trimmed();
    auto fail = [&](const QString& message) -> std::optional<GitHubHost> {
        if (error)
            *error = message;
        return std::nullopt;
    };
    if (trimmed.isEmpty())
        return fail(u"The GitHub host is empty. Give a host name such as github.com or "
                    u"github.example.com (optionally with :PORT)."_s);
    // Parsed as the authority of a URL, so IPv6 brackets and ports follow the usual rules; anything
    // that makes it more than an authority (a scheme, a path, user info) is refused.
    const QUrl url(u"https://"_s + trimmed, QUrl::StrictMode);
    if (!url.isValid() || url.host().isEmpty() || !url.userInfo().isEmpty() || !url.path().isEmpty() ||
        url.hasQuery() || url.hasFragment() || trimmed.contains(u"://"_s))
        return fail(u"“%1” is not a GitHub host. Give only the host name, such as github.com or "
                    u"github.example.com, optionally with :PORT (no https://, no path)."_s.arg(trimmed));
    const QString host = url.host().toLower();
    int port = explicitPort(url);
    if (port == 80 && isLoopbackName(host))
        port = -1; // a loopback host is reached over http
    if (host == u"api.github.com"_s || host == u"www.github.com"_s)
        return GitHubHost();
    return GitHubHost(host, port);
}

GitHubHost GitHubHost::fromApiUrl(const QUrl& apiUrl)
{
    const QString host = apiUrl.host().toLower();
    if (host.isEmpty() || host == u"api.github.com"_s)
        return GitHubHost();
    return GitHubHost(host, explicitPort(apiUrl));
}

QString GitHubHost::name() const
{
    return withPort(m_host, m_port);
}

bool GitHubHost::isGitHubCom() const
{
    return m_host == QLatin1StringView(GitHubCom) && m_port < 0;
}

bool GitHubHost::isLoopback() const
{
    return isLoopbackName(m_host);
}

GitHubConfig GitHubHost::config(const QString& clientId) const
{
    if (isGitHubCom())
        return GitHubConfig::gitHubCom(clientId);
    if (isLoopback()) {
        QUrl base;
        base.setScheme(u"http"_s);
        base.setHost(m_host);
        base.setPort(m_port);
        return GitHubConfig::singleServer(base, clientId);
    }
    return GitHubConfig::enterprise(name(), clientId);
}

QUrl GitHubHost::apiUrl() const
{
    return config(QString()).apiUrl;
}

bool GitHubHost::serves(const QUrl& repositoryUrl) const
{
    const QString scheme = repositoryUrl.scheme();
    const QString host = repositoryUrl.host().toLower();
    if (host.isEmpty() || !repositoryUrl.userInfo().isEmpty())
        return false;
    if (scheme != u"https"_s && !(scheme == u"http"_s && isLoopback()))
        return false;
    return host == m_host && explicitPort(repositoryUrl) == m_port;
}

} // namespace forge::github
