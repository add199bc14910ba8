#include "accounts/GitHubAccountManager.h"

#include "github/GitHubClient.h"
#include "github/GitHubError.h"
#include "secrets/SecretStore.h"

#include <QPointer>
#include <QRegularExpression>
#include <QSettings>

using namespace Qt::StringLiterals;

namespace forge {

GitHubAccountManager::GitHubAccountManager(SecretStore& secrets, QObject* parent)
    : QObject(parent)
    , m_secrets(secrets)
    , m_settings(GitHubSettings::load())
    , m_account(GitHubAccount::load())
{}

void GitHubAccountManager::setSettings(const GitHubSettings& settings)
{
    m_settings = settings;
    m_settings.save();
}

QString GitHubAccountManager::missingRepoScopeWarning()
{
    return u"This token cannot read private repositories: it lacks the “repo” scope. Public "
           u"repositories work; for private ones sign in with the browser, or create a token with "
           u"the repo scope."_s;
}

QCoro::Task<GitHubAccountManager::SignInResult> GitHubAccountManager::signInWithToken(QString token)
{
    SignInResult result;
    token = token.trimmed();
    if (token.isEmpty()) {
        result.message = u"The token is empty. Paste a GitHub personal access token (it starts "
                         u"with ghp_ or github_pat_)."_s;
        co_return result;
    }
    if (token.contains(QRegularExpression(u"\\s"_s))) {
        result.message = u"The token contains spaces or line breaks. Paste only the token."_s;
        co_return result;
    }
    const QString configProblem = m_settings.apiUrlProblem();
    if (!configProblem.isEmpty()) {
        result.message = configProblem;
        co_return result;
    }

    QPointer<GitHubAccountManager> self(this);
    const github::GitHubConfig config = m_settings.config();
    github::GitHubClient client(config);
    client.setToken(token);
    github::GitHubUser user;
    try {
        user = co_await client.currentUser();
    } catch (const github::GitHubError& error) {
        result.message = error.errorKind() == github::GitHubError::Kind::Unauthorized
                             ? u"GitHub (%1) refused the token: it is wrong, expired or revoked. "
                               u"Create a new token or sign in with the browser."_s.arg(config.apiUrl.host())
                             : error.userMessage();
        co_return result;
    }
    if (!self) {
        result.message = u"Sign-in was interrupted."_s;
        co_return result;
    }

    GitHubAccount account;
    account.login = user.login;
    account.name = user.name;
    account.avatarUrl = user.avatarUrl;
    account.apiUrl = config.apiUrl;
    account.scopes = user.scopes;
    account.scopesKnown = user.scopesKnown;

    // Replacing another account: its token goes first, so no token is left behind unowned.
    if (m_account && !(m_account->tokenKey() == account.tokenKey())) {
        const SecretKey previous = m_account->tokenKey();
        co_await m_secrets.remove(previous);
        if (!self) {
            result.message = u"Sign-in was interrupted."_s;
            co_return result;
        }
    }
    const SecretResult stored = co_await m_secrets.write(account.tokenKey(), token);
    if (!self) {
        result.message = u"Sign-in was interrupted."_s;
        co_return result;
    }
    if (!stored.ok()) {
        result.message =
            u"Signed in as %1, but the token could not be kept: %2"_s.arg(account.login, stored.message());
        co_return result;
    }
    QSettings settings;
    account.save(settings);
    m_account = account;
    result.ok = true;
    result.account = account;
    if (user.missingRepoScope)
        result.warning = missingRepoScopeWarning();
    Q_EMIT accountChanged();
    co_return result;
}

QCoro::Task<SecretResult> GitHubAccountManager::signOut()
{
    if (!m_account)
        co_return SecretResult::done();
    const SecretKey key = m_account->tokenKey();
    QPointer<GitHubAccountManager> self(this);
    const SecretResult removed = co_await m_secrets.remove(key);
    if (!self)
        co_return removed;
    QSettings settings;
    GitHubAccount::clear(settings);
    m_account.reset();
    Q_EMIT accountChanged();
    co_return removed;
}

QCoro::Task<SecretResult> GitHubAccountManager::token()
{
    if (!m_account)
        co_return SecretResult::notFound();
    const SecretKey key = m_account->tokenKey();
    co_return co_await m_secrets.read(key);
}

QCoro::Task<CloneCredentials> GitHubAccountManager::credentialsFor(QUrl repositoryUrl)
{
    CloneCredentials credentials;
    if (!m_account || !m_account->host().serves(repositoryUrl))
        co_return credentials;
    const QString login = m_account->login;
    const SecretResult result = co_await token();
    if (result.isFound())
        credentials.token = result.secret();
    else if (result.status() == SecretResult::Status::NotFound)
        credentials.problem =
            u"You are signed in to GitHub as %1, but the keychain has no token for "
            u"that account; private repositories will not clone. Sign in again."_s.arg(login);
    else
        credentials.problem = u"The GitHub token could not be read, so the clone goes without it "
                              u"(private repositories will fail): %1"_s.arg(result.message());
    co_return credentials;
}

} // namespace forge
