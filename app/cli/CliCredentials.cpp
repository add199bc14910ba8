#include "CliCredentials.h"

#include "accounts/GitHubAccount.h"
#include "secrets/SecretStore.h"

using namespace Qt::StringLiterals;

namespace forge::cli {

QCoro::Task<GitHubCredentials> GitHubCredentials::resolve(std::optional<github::GitHubHost> option,
                                                          QProcessEnvironment environment,
                                                          SecretStore& secrets)
{
    GitHubCredentials credentials;
    const std::optional<GitHubAccount> account = GitHubAccount::load();
    if (option) {
        credentials.host = *option;
    } else if (const QString ghHost = environment.value(u"GH_HOST"_s).trimmed(); !ghHost.isEmpty()) {
        QString error;
        const auto parsed = github::GitHubHost::parse(ghHost, &error);
        if (!parsed) {
            credentials.problem = u"GH_HOST is not usable (%1); no GitHub token is used."_s.arg(error);
            co_return credentials;
        }
        credentials.host = *parsed;
    } else if (account) {
        credentials.host = account->host();
    } else {
        credentials.host = GitHubSettings::load().host(); // the Enterprise server set in Settings
    }

    for (const auto* name : {"GH_TOKEN", "GITHUB_TOKEN"}) {
        const QString value = environment.value(QString::fromLatin1(name)).trimmed();
        if (!value.isEmpty()) {
            credentials.token = value;
            credentials.source = QString::fromLatin1(name);
            co_return credentials;
        }
    }
    if (!account || !(account->host() == credentials.host))
        co_return credentials;
    const SecretKey key = account->tokenKey();
    const QString login = account->login;
    const SecretResult stored = co_await secrets.read(key);
    if (stored.isFound()) {
        credentials.token = stored.secret();
        credentials.source = u"the keychain (%1)"_s.arg(login);
    } else if (!stored.ok()) {
        credentials.problem = u"The GitHub token of %1 could not be read, so private repositories will "
                              u"not clone: %2 Or set GH_TOKEN."_s.arg(login, stored.message());
    }
    co_return credentials;
}

QString GitHubCredentials::tokenFor(const QUrl& repositoryUrl) const
{
    return host.serves(repositoryUrl) ? token : QString();
}

} // namespace forge::cli
