#pragma once

#include "github/GitHubHost.h"
#include "secrets/SecretKey.h"

#include <QString>
#include <QStringList>
#include <QUrl>
#include <optional>

class QSettings;

namespace forge {

// Where the app signs in to GitHub, kept with QSettings under "github/": the API base (empty for
// github.com, https://HOST/api/v3 for GitHub Enterprise Server, or a local server in tests) and the
// OAuth app's client id for the device flow (empty: the one this build was made with).
struct GitHubSettings
{
    QString apiUrl;
    QString clientId;

    // FORGE_GITHUB_CLIENT_ID given to CMake; empty when the build has none.
    static QString buildClientId();
    QString effectiveClientId() const
    {
        return clientId.trimmed().isEmpty() ? buildClientId() : clientId.trimmed();
    }

    // Empty when usable; otherwise what to enter instead.
    QString apiUrlProblem() const;
    github::GitHubHost host() const;
    github::GitHubConfig config() const;

    static GitHubSettings load(const QSettings& settings);
    static GitHubSettings load();
    void save(QSettings& settings) const;
    void save() const;
    bool operator==(const GitHubSettings&) const = default;
};

// The signed-in GitHub account, kept with QSettings under "github/account/" (never the token, which
// lives in the keychain under tokenKey()). One account at a time.
struct GitHubAccount
{
    QString login;
    QString name;
    QUrl avatarUrl;
    QUrl apiUrl; // the API it signed in to; its token is only ever sent there and to host()
    QStringList scopes;
    bool scopesKnown = false;

    github::GitHubHost host() const { return github::GitHubHost::fromApiUrl(apiUrl); }
    SecretKey tokenKey() const { return {SecretKind::GitHubToken, host().name(), login}; }
    // The API configuration to list repositories with (the client id does not matter there).
    github::GitHubConfig config() const;
    // "octocat on github.com"
    QString describe() const;
    bool missingRepoScope() const;

    static std::optional<GitHubAccount> load(const QSettings& settings);
    static std::optional<GitHubAccount> load();
    void save(QSettings& settings) const;
    static void clear(QSettings& settings);
};

} // namespace forge
