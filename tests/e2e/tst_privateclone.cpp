// End to end: private repositories. A git smart-HTTP server that wants Basic authentication
// (git http-backend behind it) plays the GitHub host's git service. forge-preview-cli clones from
// it with the token from GH_TOKEN, or from the keychain of the account the desktop app signed in
// with, on this machine and in a Daytona sandbox (through the emulator program). Checked: the clone
// works with the token and fails clearly without it; the token goes to that host and port only;
// and while and after it runs, the token is in no process's command line, in no file under the
// app's data (the sandbox's .git/config, logs, settings) and not in the CLI's --json output or the
// emulator's log. Runs inside its own D-Bus session with a fresh gnome-keyring
// (tests/support/run-keyring-test).

#include "CliProcesses.h"
#include "FixtureRepository.h"
#include "Fixtures.h"
#include "GitHttpServer.h"
#include "SecretLeakScanner.h"
#include "accounts/GitHubAccount.h"
#include "secrets/SecretStore.h"

#include <QCoroTask>
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QSettings>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;
using forge::test::CliRun;
using forge::test::EmulatorProcess;
using forge::test::FixtureRepository;
using forge::test::GitHttpServer;
using forge::test::SecretLeakScanner;

namespace {

const QString Canary = u"ghp_CANARYprivateclone0123456789abcdefAB"_s;
constexpr int InstallAndStartTimeoutMs = 8 * 60 * 1000;

} // namespace

class TestPrivateClone : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void tokenFromTheEnvironmentClonesAndLeaksNowhere();
    void withoutATokenTheCloneFailsClearly();
    void aTokenForAnotherHostIsNeverSent();
    void signedInAccountsTokenComesFromTheKeychain();
    void daytonaClonesWithTheTokenAndLeaksNowhere();
    void refusesAGitHubHostThatIsNotAHost();

private:
    // Runs the CLI to readiness (--exit-when-ready) while sampling every command line.
    void runAndScan(CliRun& run, const QStringList& arguments, SecretLeakScanner& scanner);
    void verifyNoLeaks(const CliRun& run, const SecretLeakScanner& scanner, const QString& dataDirectory);
    QStringList privateArguments(const QStringList& extra = {}) const;

    QTemporaryDir m_work;
    std::unique_ptr<GitHttpServer> m_private;
    QUrl m_repositoryUrl;
    QString m_host; // 127.0.0.1:PORT, the "GitHub host" of these tests
};

void TestPrivateClone::initTestCase()
{
    QVERIFY(m_work.isValid());
    QVERIFY2(qEnvironmentVariable("FORGE_TEST_KEYRING") == u"yes"_s,
             "run through tests/support/run-keyring-test (ctest does)");
    const QString served = m_work.filePath(u"served"_s);
    const QString prepared = forge::test::prepareServedFixtures(m_work.path(), served, {u"express-app"_s});
    QVERIFY2(prepared.isEmpty(), qPrintable(prepared));
    m_private = std::make_unique<GitHttpServer>(served);
    QString error;
    QVERIFY2(m_private->listen(&error), qPrintable(error));
    // Exactly the header git sends with GitEnvironment's http.extraHeader (and the toolbox's clone).
    m_private->requireAuthorization("basic " + QByteArray("x-access-token:" + Canary.toUtf8()).toBase64());
    m_repositoryUrl = m_private->repositoryUrl(u"express-app"_s);
    m_host = m_repositoryUrl.authority();
}

void TestPrivateClone::init()
{
    m_private->clearRequests();
}

QStringList TestPrivateClone::privateArguments(const QStringList& extra) const
{
    return QStringList{u"preview"_s, m_repositoryUrl.toString(), u"--exit-when-ready"_s, u"--json"_s} + extra;
}

void TestPrivateClone::runAndScan(CliRun& run, const QStringList& arguments, SecretLeakScanner& scanner)
{
    QSignalSpy exited(&run.process(), &QProcess::finished);
    scanner.startSamplingCommandLines();
    run.start(arguments);
    QVERIFY2(exited.wait(InstallAndStartTimeoutMs), qPrintable(run.transcript()));
    scanner.stop();
    QVERIFY(scanner.samplesTaken() > 10);
}

void TestPrivateClone::verifyNoLeaks(const CliRun& run, const SecretLeakScanner& scanner,
                                     const QString& dataDirectory)
{
    QVERIFY2(scanner.commandLineLeaks().isEmpty(), qPrintable(scanner.commandLineLeaks().join(u'\n')));
    QVERIFY2(!scanner.contains(run.transcript().toUtf8()), "the token is in the CLI's output");
    const QStringList files = scanner.filesContainingSecrets(dataDirectory);
    QVERIFY2(files.isEmpty(), qPrintable(files.join(u'\n')));
}

void TestPrivateClone::tokenFromTheEnvironmentClonesAndLeaksNowhere()
{
    QTemporaryDir data;
    // The host from GH_HOST, as the GitHub CLI reads it (--github-host is the Daytona case's).
    CliRun run(data.path(), {{u"GH_TOKEN"_s, Canary}, {u"GH_HOST"_s, m_host}});
    SecretLeakScanner scanner(SecretLeakScanner::formsOf(Canary));
    runAndScan(run, privateArguments(), scanner);
    QCOMPARE(run.process().exitCode(), 0);
    QVERIFY2(run.event(u"ready"_s), qPrintable(run.transcript()));
    // The user is told which token is used, never the token.
    QVERIFY2(run.standardOutput().contains(u"GitHub token from GH_TOKEN"_s), qPrintable(run.transcript()));

    const auto requests = m_private->requests();
    QVERIFY(!requests.isEmpty());
    for (const auto& request : requests)
        QCOMPARE(request.status, 200);
    // The clone is in the sandbox, and its .git/config names the plain URL, with no credentials.
    QStringList configs;
    QDirIterator it(data.path(), {u"config"_s}, QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString path = it.next();
        if (path.endsWith(u"/.git/config"_s))
            configs.append(path);
    }
    QCOMPARE(configs.size(), 1);
    QFile config(configs.first());
    QVERIFY(config.open(QIODevice::ReadOnly));
    const QByteArray text = config.readAll();
    QVERIFY2(text.contains(m_repositoryUrl.toEncoded()), text.constData());
    QVERIFY2(!text.contains('@') && !text.toLower().contains("extraheader"), text.constData());
    verifyNoLeaks(run, scanner, data.path());
}

void TestPrivateClone::withoutATokenTheCloneFailsClearly()
{
    QTemporaryDir data;
    CliRun run(data.path());
    SecretLeakScanner scanner(SecretLeakScanner::formsOf(Canary));
    runAndScan(run, privateArguments({u"--github-host"_s, m_host}), scanner);
    QCOMPARE(run.process().exitCode(), 4); // clone-repository
    const auto failed = run.event(u"failed"_s);
    QVERIFY2(failed, qPrintable(run.transcript()));
    QCOMPARE(failed->value(u"step"_s).toString(), u"clone-repository"_s);
    // What went wrong and what to do: sign in (or a token) for a private repository.
    const QString explanation =
        failed->value(u"message"_s).toString() + u' ' + failed->value(u"advice"_s).toString();
    QVERIFY2(explanation.contains(u"private"_s, Qt::CaseInsensitive), qPrintable(explanation));
    QVERIFY2(explanation.contains(u"sign in"_s, Qt::CaseInsensitive), qPrintable(explanation));
    QCOMPARE(m_private->requests().first().status, 401);
}

void TestPrivateClone::aTokenForAnotherHostIsNeverSent()
{
    // The token belongs to github.com (the default host): this server must never see it, not even
    // the same address on another port.
    for (const QStringList& hostArguments :
         {QStringList{}, QStringList{u"--github-host"_s, m_repositoryUrl.host() + u":1"_s}}) {
        m_private->clearRequests();
        QTemporaryDir data;
        CliRun run(data.path(), {{u"GITHUB_TOKEN"_s, Canary}});
        SecretLeakScanner scanner(SecretLeakScanner::formsOf(Canary));
        runAndScan(run, privateArguments(hostArguments), scanner);
        QCOMPARE(run.process().exitCode(), 4);
        QVERIFY(!m_private->requests().isEmpty());
        QCOMPARE(m_private->requestsWithAuthorization(), 0);
        verifyNoLeaks(run, scanner, data.path());
    }
}

void TestPrivateClone::signedInAccountsTokenComesFromTheKeychain()
{
    // What the desktop app leaves after signing in on this host: the account in its settings, the
    // token in the keychain.
    QTemporaryDir data;
    forge::GitHubAccount account;
    account.login = u"octocat"_s;
    account.apiUrl = QUrl(u"http://"_s + m_host);
    {
        QSettings settings(data.filePath(u"config/forge-preview/forge-preview.conf"_s),
                           QSettings::NativeFormat);
        account.save(settings);
    }
    forge::SecretStore secrets;
    const forge::SecretResult stored = QCoro::waitFor(secrets.write(account.tokenKey(), Canary));
    QVERIFY2(stored.ok(), qPrintable(stored.message()));

    CliRun run(data.path());
    SecretLeakScanner scanner(SecretLeakScanner::formsOf(Canary));
    runAndScan(run, privateArguments(), scanner); // the host comes from the account
    QCOMPARE(run.process().exitCode(), 0);
    QVERIFY2(run.standardOutput().contains(u"keychain (octocat)"_s), qPrintable(run.transcript()));
    QVERIFY(m_private->requestsWithAuthorization() > 0);
    verifyNoLeaks(run, scanner, data.path());
    QVERIFY(QCoro::waitFor(secrets.remove(account.tokenKey())).ok());
}

void TestPrivateClone::daytonaClonesWithTheTokenAndLeaksNowhere()
{
    QTemporaryDir data;
    QTemporaryDir emulatorData;
    EmulatorProcess emulator(emulatorData.path());
    const QUrl api = emulator.apiUrl();
    QVERIFY2(api.isValid() && api.port() > 0, qPrintable(api.toString()));

    CliRun run(data.path(), {{u"GH_TOKEN"_s, Canary},
                             {u"DAYTONA_API_KEY"_s, QString::fromLatin1(EmulatorProcess::DefaultApiKey)}});
    SecretLeakScanner scanner(SecretLeakScanner::formsOf(Canary));
    runAndScan(run,
               privateArguments({u"--github-host"_s, m_host, u"--provider"_s, u"daytona"_s, u"--api-url"_s,
                                 api.toString()}),
               scanner);
    QCOMPARE(run.process().exitCode(), 0);
    QVERIFY2(run.event(u"ready"_s), qPrintable(run.transcript()));
    QVERIFY(m_private->requestsWithAuthorization() > 0);
    verifyNoLeaks(run, scanner, data.path());
    // The emulator's own files (its sandboxes) and log hold no token either.
    const QStringList files = scanner.filesContainingSecrets(emulatorData.path());
    QVERIFY2(files.isEmpty(), qPrintable(files.join(u'\n')));
    QVERIFY2(!scanner.contains(emulator.log()), emulator.log().constData());
}

void TestPrivateClone::refusesAGitHubHostThatIsNotAHost()
{
    QTemporaryDir data;
    CliRun run(data.path(), {{u"GH_TOKEN"_s, Canary}});
    QSignalSpy exited(&run.process(), &QProcess::finished);
    run.start(privateArguments({u"--github-host"_s, u"https://github.example.com/api"_s}));
    QVERIFY(exited.wait(30000));
    QCOMPARE(run.process().exitCode(), 2);
    QVERIFY2(run.standardError().contains(u"--github-host"_s), qPrintable(run.transcript()));
    QVERIFY2(run.standardError().contains(u"no https://"_s), qPrintable(run.transcript()));
    QVERIFY(m_private->requests().isEmpty());
}

QTEST_GUILESS_MAIN(TestPrivateClone)
#include "tst_privateclone.moc"
