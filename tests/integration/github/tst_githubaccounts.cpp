// GitHubAccountManager against the fake GitHub and a real Secret Service (gnome-keyring in its own
// D-Bus session, tests/support/run-keyring-test): signing in keeps the token in the keychain and the
// account (never the token) in the settings; signing out removes both; a refused token stores
// nothing; a clone gets the token only on the account's own host; the GitHub CLI's token can be
// imported. The manager's tasks never throw, so they are awaited directly.

#include "FakeGitHub.h"
#include "accounts/GitHubAccountManager.h"
#include "accounts/GitHubCliToken.h"
#include "secrets/SecretStore.h"

#include <QCoroTask>
#include <QFile>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;
using forge::GitHubAccountManager;
using forge::SecretStore;

class TestGitHubAccounts : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY2(qEnvironmentVariable("FORGE_TEST_KEYRING") == u"yes"_s,
                 "run through tests/support/run-keyring-test (ctest does)");
        QCoreApplication::setOrganizationName(u"forge-preview-test"_s);
        QCoreApplication::setApplicationName(u"test_github_accounts"_s);
        QVERIFY(m_github.listen());
    }

    void init()
    {
        QSettings().clear();
        m_github.scopes = "repo, read:org";
        m_github.login = u"octocat"_s;
    }

    void signInKeepsTheTokenInTheKeychainOnly()
    {
        SecretStore secrets;
        GitHubAccountManager accounts(secrets);
        accounts.setSettings(settings());
        QSignalSpy changed(&accounts, &GitHubAccountManager::accountChanged);
        const auto result = QCoro::waitFor(accounts.signInWithToken(u"  "_s + m_github.token + u"\n"_s));
        QVERIFY2(result.ok, qPrintable(result.message));
        QVERIFY(result.warning.isEmpty());
        QCOMPARE(changed.count(), 1);
        QCOMPARE(accounts.account()->login, u"octocat"_s);
        QCOMPARE(accounts.account()->host().name(), m_github.url().authority());

        // The keychain has it under the host and login; the settings file never does.
        QCOMPARE(QCoro::waitFor(secrets.read(accounts.account()->tokenKey())).secret(), m_github.token);
        QSettings settings;
        settings.sync();
        QFile file(settings.fileName());
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QByteArray stored = file.readAll();
        QVERIFY(stored.contains("octocat"));
        QVERIFY(!stored.contains(m_github.token.toUtf8()));

        // A second manager (the next start, or the CLI) finds the account.
        GitHubAccountManager again(secrets);
        QVERIFY(again.account());
        QCOMPARE(QCoro::waitFor(again.token()).secret(), m_github.token);

        // Sign out: the token leaves the keychain and the account the settings.
        const auto key = accounts.account()->tokenKey();
        QVERIFY(QCoro::waitFor(accounts.signOut()).ok());
        QVERIFY(!accounts.account());
        QCOMPARE(QCoro::waitFor(secrets.read(key)).status(), forge::SecretResult::Status::NotFound);
        QVERIFY(!GitHubAccountManager(secrets).account());
    }

    void refusedTokenStoresNothing()
    {
        SecretStore secrets;
        GitHubAccountManager accounts(secrets);
        accounts.setSettings(settings());
        const QString wrong = u"ghp_wrongwrongwrongwrongwrongwrong0000"_s;
        const auto result = QCoro::waitFor(accounts.signInWithToken(wrong));
        QVERIFY(!result.ok);
        QVERIFY2(result.message.contains(u"refused"_s), qPrintable(result.message));
        QVERIFY(!result.message.contains(wrong));
        QVERIFY(!accounts.account());
        QCOMPARE(QCoro::waitFor(
                     secrets.read({forge::SecretKind::GitHubToken, m_github.url().authority(), u"octocat"_s}))
                     .status(),
                 forge::SecretResult::Status::NotFound);

        const auto empty = QCoro::waitFor(accounts.signInWithToken(u" "_s));
        QVERIFY(!empty.ok && empty.message.contains(u"empty"_s));
    }

    void warnsWhenTheTokenCannotReadPrivateRepositories()
    {
        SecretStore secrets;
        GitHubAccountManager accounts(secrets);
        accounts.setSettings(settings());
        m_github.scopes = "read:org, public_repo";
        const auto result = QCoro::waitFor(accounts.signInWithToken(m_github.token));
        QVERIFY(result.ok);
        QVERIFY2(result.warning.contains(u"repo"_s), qPrintable(result.warning));
        QVERIFY(accounts.account()->missingRepoScope());
        QVERIFY(QCoro::waitFor(accounts.signOut()).ok());
    }

    void anotherAccountReplacesTheFirstAndItsToken()
    {
        SecretStore secrets;
        GitHubAccountManager accounts(secrets);
        accounts.setSettings(settings());
        QVERIFY(QCoro::waitFor(accounts.signInWithToken(m_github.token)).ok);
        const auto firstKey = accounts.account()->tokenKey();
        m_github.login = u"hubot"_s;
        QVERIFY(QCoro::waitFor(accounts.signInWithToken(m_github.token)).ok);
        QCOMPARE(accounts.account()->login, u"hubot"_s);
        QCOMPARE(QCoro::waitFor(secrets.read(firstKey)).status(), forge::SecretResult::Status::NotFound);
        QVERIFY(QCoro::waitFor(accounts.signOut()).ok());
    }

    void clonesGetTheTokenOnlyOnTheAccountsHost()
    {
        SecretStore secrets;
        GitHubAccountManager accounts(secrets);
        accounts.setSettings(settings());
        // Signed out: nothing for anyone.
        QVERIFY(QCoro::waitFor(accounts.credentialsFor(QUrl(u"https://github.com/o/r"_s))).token.isEmpty());
        QVERIFY(QCoro::waitFor(accounts.signInWithToken(m_github.token)).ok);
        const QUrl own = m_github.url().resolved(QUrl(u"/octocat/private.git"_s));
        QCOMPARE(QCoro::waitFor(accounts.credentialsFor(own)).token, m_github.token);
        QUrl otherPort = own;
        otherPort.setPort(own.port() + 1);
        for (const QUrl& other : {QUrl(u"https://github.com/octocat/r.git"_s),
                                  QUrl(u"https://gitlab.com/octocat/r.git"_s), otherPort}) {
            const auto credentials = QCoro::waitFor(accounts.credentialsFor(other));
            QVERIFY2(credentials.token.isEmpty(), qPrintable(other.toString()));
            QVERIFY(credentials.problem.isEmpty());
        }
        // The token vanished from the keychain behind the app's back: the clone is told why.
        QVERIFY(QCoro::waitFor(secrets.remove(accounts.account()->tokenKey())).ok());
        const auto missing = QCoro::waitFor(accounts.credentialsFor(own));
        QVERIFY(missing.token.isEmpty());
        QVERIFY2(missing.problem.contains(u"Sign in again"_s), qPrintable(missing.problem));
        QVERIFY(QCoro::waitFor(accounts.signOut()).ok());
    }

    void importsTheGitHubCliToken()
    {
        // A `gh` that knows one host, as `gh auth token --hostname HOST` does.
        QTemporaryDir bin;
        const QString gh = bin.filePath(u"gh"_s);
        QFile script(gh);
        QVERIFY(script.open(QIODevice::WriteOnly));
        script.write("#!/bin/sh\n"
                     "if [ \"$1 $2 $3\" = \"auth token --hostname\" ] && [ \"$4\" = \"" +
                     m_github.url().authority().toUtf8() + "\" ]; then echo '" + m_github.token.toUtf8() +
                     "'; exit 0; fi\n"
                     "echo \"no oauth token found for $4\" >&2; exit 1\n");
        script.close();
        QVERIFY(script.setPermissions(QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner));
        const QByteArray path = qgetenv("PATH");
        qputenv("PATH", bin.path().toUtf8() + ':' + path);
        QVERIFY(forge::GitHubCliToken::isInstalled());

        const auto known = QCoro::waitFor(forge::GitHubCliToken::read(settings().host()));
        QVERIFY2(known.problem.isEmpty(), qPrintable(known.problem));
        QCOMPARE(known.token, m_github.token);
        SecretStore secrets;
        GitHubAccountManager accounts(secrets);
        accounts.setSettings(settings());
        QVERIFY(QCoro::waitFor(accounts.signInWithToken(known.token)).ok);
        QVERIFY(QCoro::waitFor(accounts.signOut()).ok());

        const auto unknown = QCoro::waitFor(forge::GitHubCliToken::read(forge::github::GitHubHost()));
        QVERIFY(unknown.token.isEmpty());
        QVERIFY2(unknown.problem.contains(u"gh auth login"_s), qPrintable(unknown.problem));
        QVERIFY2(unknown.problem.contains(u"no oauth token found"_s), qPrintable(unknown.problem));
        qputenv("PATH", path);
    }

private:
    forge::GitHubSettings settings() const
    {
        forge::GitHubSettings settings;
        settings.apiUrl = m_github.url().toString();
        settings.clientId = m_github.clientId;
        return settings;
    }

    FakeGitHub m_github;
};

QTEST_GUILESS_MAIN(TestGitHubAccounts)
#include "tst_githubaccounts.moc"
