#pragma once

#include "github/GitHubHost.h"

#include <QCoro/QCoroTask>
#include <QProcessEnvironment>
#include <QString>
#include <optional>

namespace forge {
class SecretStore;
}

namespace forge::cli {

// The GitHub host and token a command-line preview uses for private repositories, found the way the
// GitHub CLI finds them: the host from --github-host, GH_HOST, the signed-in account, the GitHub
// set in Settings, else github.com; the token from GH_TOKEN, GITHUB_TOKEN, else the keychain entry of the
// account the desktop app signed in with on that host. The token is only for repositories on that host.
struct GitHubCredentials
{
    github::GitHubHost host;
    QString token;
    QString source;  // where the token came from ("GH_TOKEN", "the keychain (octocat)"); never the token
    QString problem; // a keychain that could not be read; the preview goes on without a token

    // `option` is --github-host when given. Never throws; an unusable GH_HOST or keychain ends in
    // `problem` and no token.
    static QCoro::Task<GitHubCredentials> resolve(std::optional<github::GitHubHost> option,
                                                  QProcessEnvironment environment, SecretStore& secrets);
    // The token when `repositoryUrl` is on the host, else empty.
    QString tokenFor(const QUrl& repositoryUrl) const;
};

} // namespace forge::cli
