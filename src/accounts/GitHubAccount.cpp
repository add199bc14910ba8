#include "accounts/GitHubAccount.h"

#include "github/GitHubParsing.h"

#include <QSettings>

using namespace Qt::StringLiterals;

namespace forge {

QString GitHubSettings::buildClientId()
{
    return QStringLiteral(FORGE_GITHUB_CLIENT_ID);
}

QString GitHubSettings::apiUrlProblem() const
{
    const QString text = apiUrl.trimmed();
    if (text.isEmpty())
        return {};
    const QUrl url(text, QUrl::StrictMode);
    // Never echoed back: a password in it would end up on the screen.
    if (!url.userInfo().isEmpty())
        return u"The API address must not contain a user name or password; sign in instead. Enter "
               u"only the address, such as https://github.example.com/api/v3."_s;
    if (!url.isValid() || url.host().isEmpty() || url.hasQuery() || url.hasFragment())
        return u"“%1” is not an API address. Leave it empty for github.com, or enter your GitHub "
               u"Enterprise Server's API, such as https://github.example.com/api/v3."_s.arg(text);
    const github::GitHubConfig config = this->config();
    return config.validationError();
}

github::GitHubHost GitHubSettings::host() const
{
    return github::GitHubHost::fromApiUrl(QUrl(apiUrl.trimmed()));
}

namespace {

// The configuration for the GitHub whose API is at `apiUrl` (empty: github.com), keeping the API
// path as given (Enterprise servers answer on /api/v3; a test server on its root).
github::GitHubConfig configForApi(const QUrl& apiUrl, const QString& clientId)
{
    const github::GitHubHost host = github::GitHubHost::fromApiUrl(apiUrl);
    github::GitHubConfig config = host.config(clientId);
    if (!host.isGitHubCom())
        config.apiUrl = apiUrl;
    return config;
}

} // namespace

github::GitHubConfig GitHubSettings::config() const
{
    return configForApi(QUrl(apiUrl.trimmed()), effectiveClientId());
}

GitHubSettings GitHubSettings::load(const QSettings& settings)
{
    GitHubSettings result;
    result.apiUrl = settings.value(u"github/apiUrl"_s).toString();
    result.clientId = settings.value(u"github/clientId"_s).toString();
    return result;
}

GitHubSettings GitHubSettings::load()
{
    return load(QSettings());
}

void GitHubSettings::save(QSettings& settings) const
{
    settings.setValue(u"github/apiUrl"_s, apiUrl.trimmed());
    settings.setValue(u"github/clientId"_s, clientId.trimmed());
}

void GitHubSettings::save() const
{
    QSettings settings;
    save(settings);
}

github::GitHubConfig GitHubAccount::config() const
{
    return configForApi(apiUrl, GitHubSettings::buildClientId());
}

QString GitHubAccount::describe() const
{
    return u"%1 on %2"_s.arg(login, host().name());
}

bool GitHubAccount::missingRepoScope() const
{
    return scopesKnown && !github::parsing::hasRepoScope(scopes);
}

std::optional<GitHubAccount> GitHubAccount::load(const QSettings& settings)
{
    GitHubAccount account;
    account.login = settings.value(u"github/account/login"_s).toString();
    account.apiUrl = QUrl(settings.value(u"github/account/apiUrl"_s).toString());
    if (account.login.isEmpty() || !account.apiUrl.isValid() || account.apiUrl.host().isEmpty())
        return std::nullopt;
    account.name = settings.value(u"github/account/name"_s).toString();
    account.avatarUrl = QUrl(settings.value(u"github/account/avatarUrl"_s).toString());
    account.scopes = settings.value(u"github/account/scopes"_s).toStringList();
    account.scopesKnown = settings.value(u"github/account/scopesKnown"_s, false).toBool();
    return account;
}

std::optional<GitHubAccount> GitHubAccount::load()
{
    return load(QSettings());
}

void GitHubAccount::save(QSettings& settings) const
{
    settings.setValue(u"github/account/login"_s, login);
    settings.setValue(u"github/account/name"_s, name);
    settings.setValue(u"github/account/avatarUrl"_s, avatarUrl.toString());
    settings.setValue(u"github/account/apiUrl"_s, apiUrl.toString());
    settings.setValue(u"github/account/scopes"_s, scopes);
    settings.setValue(u"github/account/scopesKnown"_s, scopesKnown);
}

void GitHubAccount::clear(QSettings& settings)
{
    settings.remove(u"github/account"_s);
}

} // namespace forge
