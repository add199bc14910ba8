#pragma once

#include "accounts/GitHubAccount.h"
#include "core/CloneCredentials.h"
#include "secrets/SecretResult.h"

#include <QCoro/QCoroTask>
#include <QObject>
#include <QUrl>
#include <optional>

namespace forge {

class SecretStore;

// Signing in to GitHub and out again: validates a token with GET /user, keeps it in the keychain
// (SecretStore) and the account (login, avatar, host, scopes) with the settings, and hands the
// token out only for repositories on that account's host. Every way of signing in (device flow,
// pasted token, the GitHub CLI's token) ends in signInWithToken().
class GitHubAccountManager final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(GitHubAccountManager)

public:
    struct SignInResult
    {
        bool ok = false;
        GitHubAccount account;
        QString message; // why it failed and what to do; empty when ok
        QString warning; // e.g. the token cannot read private repositories; may be set when ok
    };

    explicit GitHubAccountManager(SecretStore& secrets, QObject* parent = nullptr);

    SecretStore& secrets() const { return m_secrets; }
    const std::optional<GitHubAccount>& account() const { return m_account; }
    // Where new sign-ins go (read from the settings when made; setSettings() stores new ones).
    const GitHubSettings& settings() const { return m_settings; }
    void setSettings(const GitHubSettings& settings);

    // Checks `token` against the settings' GitHub with GET /user, then stores it in the keychain
    // and the account with the settings, replacing any account signed in before. Never throws.
    QCoro::Task<SignInResult> signInWithToken(QString token);
    // Removes the token from the keychain and forgets the account. The account is forgotten even
    // when the keychain fails (the result then says what to remove by hand).
    QCoro::Task<SecretResult> signOut();
    // The signed-in account's token (NotFound when signed out).
    QCoro::Task<SecretResult> token();
    // The token for cloning `repositoryUrl`: only when it is on the signed-in account's host.
    QCoro::Task<CloneCredentials> credentialsFor(QUrl repositoryUrl);

    static QString missingRepoScopeWarning();

Q_SIGNALS:
    void accountChanged();

private:
    SecretStore& m_secrets;
    GitHubSettings m_settings;
    std::optional<GitHubAccount> m_account;
};

} // namespace forge
