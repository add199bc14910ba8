// Which GitHub a token belongs to (GitHubHost), where the app signs in (GitHubSettings) and the
// signed-in account kept with the settings (GitHubAccount): the rules that decide which clones may
// carry a token.

#include "accounts/GitHubAccount.h"
#include "github/GitHubHost.h"

#include <QFile>
#include <QSettings>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;
using forge::GitHubAccount;
using forge::GitHubSettings;
using forge::github::GitHubHost;

class TestGitHubHost : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void parsesHostNames_data()
    {
        QTest::addColumn<QString>("input");
        QTest::addColumn<QString>("name"); // empty: refused
        QTest::newRow("github.com") << u"github.com"_s << u"github.com"_s;
        QTest::newRow("upper case") << u"GitHub.COM"_s << u"github.com"_s;
        QTest::newRow("api host means github.com") << u"api.github.com"_s << u"github.com"_s;
        QTest::newRow("enterprise") << u"ghe.example.com"_s << u"ghe.example.com"_s;
        QTest::newRow("default https port dropped") << u"ghe.example.com:443"_s << u"ghe.example.com"_s;
        QTest::newRow("other port kept") << u"ghe.example.com:8443"_s << u"ghe.example.com:8443"_s;
        QTest::newRow("loopback with port") << u" 127.0.0.1:8080 "_s << u"127.0.0.1:8080"_s;
        QTest::newRow("ipv6 loopback") << u"[::1]:9000"_s << u"[::1]:9000"_s;
        QTest::newRow("scheme") << u"https://github.com"_s << QString();
        QTest::newRow("path") << u"github.com/owner"_s << QString();
        QTest::newRow("user info") << u"token@github.com"_s << QString();
        QTest::newRow("bad port") << u"github.com:99999"_s << QString();
        QTest::newRow("empty") << u"  "_s << QString();
        QTest::newRow("space inside") << u"git hub.com"_s << QString();
    }

    void parsesHostNames()
    {
        QFETCH(QString, input);
        QFETCH(QString, name);
        QString error;
        const auto host = GitHubHost::parse(input, &error);
        if (name.isEmpty()) {
            QVERIFY2(!host, qPrintable(input));
            QVERIFY2(error.contains(u"github.com"_s), qPrintable(error)); // says what to give instead
        } else {
            QVERIFY2(host, qPrintable(error));
            QCOMPARE(host->name(), name);
        }
    }

    void derivesTheHostFromTheApiUrl()
    {
        QCOMPARE(GitHubHost::fromApiUrl(QUrl(u"https://api.github.com"_s)).name(), u"github.com"_s);
        QVERIFY(GitHubHost::fromApiUrl(QUrl(u"https://api.github.com"_s)).isGitHubCom());
        QCOMPARE(GitHubHost::fromApiUrl(QUrl(u"https://ghe.example.com/api/v3"_s)).name(),
                 u"ghe.example.com"_s);
        QCOMPARE(GitHubHost::fromApiUrl(QUrl(u"http://127.0.0.1:4567"_s)).name(), u"127.0.0.1:4567"_s);
    }

    void configurationFollowsTheHost()
    {
        QCOMPARE(GitHubHost().config(u"id"_s).apiUrl, QUrl(u"https://api.github.com"_s));
        QCOMPARE(GitHubHost().config(u"id"_s).webUrl, QUrl(u"https://github.com"_s));
        const auto enterprise = GitHubHost::parse(u"ghe.example.com"_s);
        QCOMPARE(enterprise->config({}).apiUrl, QUrl(u"https://ghe.example.com/api/v3"_s));
        QCOMPARE(enterprise->config({}).webUrl, QUrl(u"https://ghe.example.com"_s));
        const auto local = GitHubHost::parse(u"127.0.0.1:4567"_s);
        QCOMPARE(local->config({}).apiUrl, QUrl(u"http://127.0.0.1:4567"_s));
        QVERIFY(local->config({}).validationError().isEmpty());
    }

    void tokenGoesOnlyToItsOwnHost_data()
    {
        QTest::addColumn<QString>("host");
        QTest::addColumn<QString>("repository");
        QTest::addColumn<bool>("serves");
        QTest::newRow("github.com repo") << u"github.com"_s << u"https://github.com/o/r.git"_s << true;
        QTest::newRow("explicit 443") << u"github.com"_s << u"https://github.com:443/o/r"_s << true;
        QTest::newRow("another host") << u"github.com"_s << u"https://gitlab.com/o/r.git"_s << false;
        QTest::newRow("look-alike host")
            << u"github.com"_s << u"https://github.com.evil.example/o/r"_s << false;
        QTest::newRow("subdomain") << u"github.com"_s << u"https://gist.github.com/o/r"_s << false;
        QTest::newRow("plain http") << u"github.com"_s << u"http://github.com/o/r"_s << false;
        QTest::newRow("other port") << u"github.com"_s << u"https://github.com:8443/o/r"_s << false;
        QTest::newRow("credentials in url") << u"github.com"_s << u"https://x@github.com/o/r"_s << false;
        QTest::newRow("enterprise") << u"ghe.example.com"_s << u"https://ghe.example.com/o/r.git"_s << true;
        QTest::newRow("github.com for ghe") << u"ghe.example.com"_s << u"https://github.com/o/r"_s << false;
        QTest::newRow("loopback http") << u"127.0.0.1:4567"_s << u"http://127.0.0.1:4567/o/r.git"_s << true;
        QTest::newRow("loopback other port")
            << u"127.0.0.1:4567"_s << u"http://127.0.0.1:4568/o/r"_s << false;
        QTest::newRow("file url") << u"github.com"_s << u"file:///tmp/r"_s << false;
    }

    void tokenGoesOnlyToItsOwnHost()
    {
        QFETCH(QString, host);
        QFETCH(QString, repository);
        QFETCH(bool, serves);
        QCOMPARE(GitHubHost::parse(host)->serves(QUrl(repository)), serves);
    }

    void settingsPointTheAppAtAGitHub()
    {
        GitHubSettings settings;
        QVERIFY(settings.apiUrlProblem().isEmpty());
        QVERIFY(settings.host().isGitHubCom());
        QCOMPARE(settings.config().apiUrl, QUrl(u"https://api.github.com"_s));

        settings.apiUrl = u"https://ghe.example.com/api/v3"_s;
        QVERIFY(settings.apiUrlProblem().isEmpty());
        QCOMPARE(settings.host().name(), u"ghe.example.com"_s);
        QCOMPARE(settings.config().webUrl, QUrl(u"https://ghe.example.com"_s));

        settings.apiUrl = u"http://127.0.0.1:4567"_s; // how tests point the app at a fake GitHub
        QVERIFY(settings.apiUrlProblem().isEmpty());
        QCOMPARE(settings.config().apiUrl, QUrl(u"http://127.0.0.1:4567"_s));
        QCOMPARE(settings.config().webUrl, QUrl(u"http://127.0.0.1:4567"_s));

        settings.apiUrl = u"http://ghe.example.com/api/v3"_s;
        QVERIFY2(settings.apiUrlProblem().contains(u"https"_s), qPrintable(settings.apiUrlProblem()));
        settings.apiUrl = u"https://user:pw@ghe.example.com/api/v3"_s;
        QVERIFY(!settings.apiUrlProblem().isEmpty());
        QVERIFY2(!settings.apiUrlProblem().contains(u"pw"_s), qPrintable(settings.apiUrlProblem()));

        settings.clientId = u"  Iv1.custom "_s;
        QCOMPARE(settings.effectiveClientId(), u"Iv1.custom"_s);
        settings.clientId.clear();
        QCOMPARE(settings.effectiveClientId(), GitHubSettings::buildClientId());
    }

    void accountIsKeptWithoutItsToken()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(u"settings.ini"_s);
        GitHubAccount account;
        account.login = u"octocat"_s;
        account.name = u"The Octocat"_s;
        account.avatarUrl = QUrl(u"https://avatars.example/u/1"_s);
        account.apiUrl = QUrl(u"https://ghe.example.com/api/v3"_s);
        account.scopes = {u"read:org"_s};
        account.scopesKnown = true;
        {
            QSettings settings(path, QSettings::IniFormat);
            QVERIFY(!GitHubAccount::load(settings));
            account.save(settings);
        }
        QSettings settings(path, QSettings::IniFormat);
        const auto loaded = GitHubAccount::load(settings);
        QVERIFY(loaded);
        QCOMPARE(loaded->login, account.login);
        QCOMPARE(loaded->host().name(), u"ghe.example.com"_s);
        QCOMPARE(loaded->config().apiUrl, account.apiUrl);
        QVERIFY(loaded->missingRepoScope());
        QCOMPARE(loaded->tokenKey().toKeychainKey(), u"github-token/ghe.example.com/octocat"_s);
        QCOMPARE(loaded->describe(), u"octocat on ghe.example.com"_s);
        GitHubAccount::clear(settings);
        QVERIFY(!GitHubAccount::load(settings));
    }
};

QTEST_GUILESS_MAIN(TestGitHubHost)
#include "tst_githubhost.moc"
