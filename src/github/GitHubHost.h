#pragma once

#include "github/GitHubConfig.h"

#include <QString>
#include <QUrl>
#include <optional>

namespace forge::github {

// The GitHub a token belongs to, named the way GH_HOST and git URLs name it: "github.com",
// "github.example.com", or "127.0.0.1:8080" for a local server in tests. A token is only ever sent
// to repositories this host serves(), never to another git host the user previews.
class GitHubHost final
{
public:
    static constexpr auto GitHubCom = "github.com";

    GitHubHost(); // github.com

    // "HOST" or "HOST:PORT" (GH_HOST, --github-host); nullopt with `error` set for anything else:
    // a scheme, a path, user info, an invalid port.
    static std::optional<GitHubHost> parse(const QString& text, QString* error = nullptr);
    // The host an API base belongs to: https://api.github.com -> github.com,
    // https://HOST/api/v3 -> HOST, http://127.0.0.1:PORT -> 127.0.0.1:PORT.
    static GitHubHost fromApiUrl(const QUrl& apiUrl);

    // host[:port], lower case; the port only when it is not the scheme's default.
    QString name() const;
    bool isGitHubCom() const;
    bool isLoopback() const;

    // github.com, an Enterprise server (https://HOST/api/v3) or, for loopback, one local server
    // answering both the API and the sign-in (http://HOST:PORT).
    GitHubConfig config(const QString& clientId) const;
    // The API base of that configuration (https://api.github.com, https://HOST/api/v3, …).
    QUrl apiUrl() const;

    // True when `repositoryUrl` is on this host and port: https, or http for a loopback host. This
    // is the rule that decides whether a clone may carry this host's token.
    bool serves(const QUrl& repositoryUrl) const;

    friend bool operator==(const GitHubHost&, const GitHubHost&) = default;

private:
    GitHubHost(QString host, int port);

    QString m_host; // lower case, without brackets
    int m_port = -1;
};

} // namespace forge::github
