// Issue 20 through forge-preview-cli: a project's variables reach its dev server, a secret reaches
// it too and nothing else (no argv of any process, no file under the data folder, no line the CLI
// prints, in text or JSON), and the desktop app's stored environment is used with its secret read
// from the keychain. Runs inside its own D-Bus session with a fresh gnome-keyring
// (tests/support/run-keyring-test).

#include "CliProcesses.h"
#include "Fixtures.h"
#include "SecretLeakScanner.h"
#include "core/RepoRef.h"
#include "secrets/ProjectSecrets.h"
#include "secrets/SecretStore.h"
#include "store/ProjectStore.h"
#include "workflow/ProjectSession.h"

#include <QCoroTask>
#include <QCryptographicHash>
#include <QNetworkAccessManager>
#include <QRandomGenerator>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <csignal>

using namespace Qt::StringLiterals;
using forge::test::CliRun;
using forge::test::SecretLeakScanner;

namespace {

constexpr int InstallAndStartTimeoutMs = 5 * 60 * 1000;
constexpr int StopTimeoutMs = 60 * 1000;

QString randomSecret()
{
    QString secret = u"sk_test_"_s;
    for (int i = 0; i < 24; ++i)
        secret += QChar(u"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"_s.at(
            QRandomGenerator::global()->bounded(62)));
    return secret;
}

QByteArray digestOf(const QString& secret)
{
    return QCryptographicHash::hash(secret.toUtf8(), QCryptographicHash::Sha256).toHex();
}

} // namespace

class TestProjectEnvironmentCli : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void envFileAndEnvReachTheAppAndTheSecretNothingElse();
    void storedEnvironmentIsUsedWithItsSecretFromTheKeychain();
    void aStoredSecretMissingFromTheKeychainStopsTheRunFirst();
    void aBrokenEnvFileIsRefusedWithItsLine();
    void aDevServerDyingForAVariableSaysWhichAndWhatIsExpected();

private:
    // Runs the preview until ready, reads the page, interrupts; returns the page.
    QByteArray previewAndRead(CliRun& run, const QStringList& extra, SecretLeakScanner* scanner);
    forge::Project storeProject(const QString& dataDirectory, const forge::ProjectEnvironment& environment);

    QTemporaryDir m_work;
    QString m_project; // the env-echo fixture, committed in a git repository
    QNetworkAccessManager m_network;
};

void TestProjectEnvironmentCli::initTestCase()
{
    QVERIFY(m_work.isValid());
    QVERIFY2(qEnvironmentVariable("FORGE_TEST_KEYRING") == u"yes"_s,
             "run through tests/support/run-keyring-test (ctest does)");
    forge::test::FixtureRepository repository(m_work.filePath(u"env-echo"_s));
    QVERIFY2(repository.initialize(forge::test::fixtureProjectPath(u"env-echo"_s)),
             qPrintable(repository.errorString()));
    m_project = m_work.filePath(u"env-echo"_s);
}

QByteArray TestProjectEnvironmentCli::previewAndRead(CliRun& run, const QStringList& extra,
                                                     SecretLeakScanner* scanner)
{
    if (scanner)
        scanner->startSamplingCommandLines();
    run.start(QStringList{u"preview"_s, m_project, u"--json"_s} + extra);
    const bool ended =
        QTest::qWaitFor([&run] { return run.event(u"ready"_s) || run.finished(); }, InstallAndStartTimeoutMs);
    if (!ended || !run.event(u"ready"_s)) {
        qWarning().noquote() << run.transcript();
        return {};
    }
    const QByteArray page =
        forge::test::fetchBody(m_network, QUrl(run.event(u"ready"_s)->value(u"url"_s).toString()));
    ::kill(static_cast<pid_t>(run.process().processId()), SIGINT);
    QSignalSpy exited(&run.process(), &QProcess::finished);
    if (!run.finished())
        exited.wait(StopTimeoutMs);
    if (scanner)
        scanner->stop();
    return page;
}

forge::Project TestProjectEnvironmentCli::storeProject(const QString& dataDirectory,
                                                       const forge::ProjectEnvironment& environment)
{
    const auto repository = std::get<forge::RepoRef>(forge::RepoRef::parse(m_project, QString()));
    forge::Project project = forge::newProject(repository, QString(), forge::RunMode::Dev);
    project.environment = environment;
    forge::ProjectStore store(dataDirectory + u"/forge-preview.db"_s);
    if (!store.load().ok())
        return {};
    store.put(project);
    if (!store.save().ok())
        return {};
    return project;
}

void TestProjectEnvironmentCli::envFileAndEnvReachTheAppAndTheSecretNothingElse()
{
    const QString secret = randomSecret();
    QTemporaryDir data;
    QFile envFile(data.filePath(u"local.env"_s));
    QVERIFY(envFile.open(QIODevice::WriteOnly));
    envFile.write("# from the Stripe dashboard\r\nexport STRIPE_SECRET_KEY=\"" + secret.toUtf8() +
                  "\"\r\nGREETING=from the file\r\n");
    envFile.close();

    CliRun run(data.path());
    SecretLeakScanner scanner(SecretLeakScanner::formsOf(secret));
    // --env after --env-file wins.
    const QByteArray page = previewAndRead(
        run, {u"--env-file"_s, envFile.fileName(), u"--env"_s, u"GREETING=Hello from --env"_s}, &scanner);
    QVERIFY2(page.contains("<h1 id=\"greeting\">Hello from --env</h1>"), page.constData());
    QVERIFY2(page.contains(digestOf(secret)), "the dev server did not get the secret");

    // The app printed its key, plain and base64: the output shows it masked.
    QVERIFY2(run.outputLines().contains(u"Starting with key *** (***)"_s), qPrintable(run.transcript()));
    QVERIFY2(!scanner.contains(run.transcript().toUtf8()), "the secret is in the CLI's output");
    QVERIFY2(scanner.samplesTaken() > 10, "the command lines were not sampled");
    QVERIFY2(scanner.commandLineLeaks().isEmpty(), qPrintable(scanner.commandLineLeaks().join(u'\n')));
    // The data folder (database, run log, sandbox) holds it nowhere but the file the test wrote.
    QStringList files = scanner.filesContainingSecrets(data.path());
    files.removeAll(envFile.fileName());
    QVERIFY2(files.isEmpty(), qPrintable(files.join(u'\n')));
    // The warning that --env is visible on the command line, and the names (never the values).
    QVERIFY2(run.standardOutput().contains(u"--env puts its value on the command line"_s),
             qPrintable(run.transcript()));
    QVERIFY2(run.standardOutput().contains(u"Environment: STRIPE_SECRET_KEY, GREETING"_s) ||
                 run.standardOutput().contains(u"Environment: GREETING, STRIPE_SECRET_KEY"_s),
             qPrintable(run.transcript()));
}

void TestProjectEnvironmentCli::storedEnvironmentIsUsedWithItsSecretFromTheKeychain()
{
    const QString secret = randomSecret();
    QTemporaryDir data;
    forge::ProjectEnvironment environment;
    environment.set({u"GREETING"_s, u"Stored by the desktop app"_s});
    environment.set({u"STRIPE_SECRET_KEY"_s, QString(), true});
    const forge::Project project = storeProject(data.path(), environment);
    QVERIFY(!project.id.isEmpty());
    forge::SecretStore store;
    forge::ProjectSecrets secrets(store);
    const forge::SecretResult written =
        QCoro::waitFor(secrets.write(project.id, u"STRIPE_SECRET_KEY"_s, secret));
    QVERIFY2(written.ok(), qPrintable(written.message()));

    CliRun run(data.path());
    SecretLeakScanner scanner(SecretLeakScanner::formsOf(secret));
    const QByteArray page = previewAndRead(run, {}, &scanner);
    QVERIFY2(page.contains("Stored by the desktop app"), qPrintable(run.transcript()));
    QVERIFY2(page.contains(digestOf(secret)), "the dev server did not get the stored secret");
    QVERIFY2(!scanner.contains(run.transcript().toUtf8()), "the secret is in the CLI's output");
    QVERIFY2(scanner.commandLineLeaks().isEmpty(), qPrintable(scanner.commandLineLeaks().join(u'\n')));
    const QStringList files = scanner.filesContainingSecrets(data.path());
    QVERIFY2(files.isEmpty(), qPrintable(files.join(u'\n')));
    QCoro::waitFor(secrets.remove(project.id, u"STRIPE_SECRET_KEY"_s));
}

void TestProjectEnvironmentCli::aStoredSecretMissingFromTheKeychainStopsTheRunFirst()
{
    QTemporaryDir data;
    forge::ProjectEnvironment environment;
    environment.set({u"DATABASE_PASSWORD"_s, QString(), true});
    QVERIFY(!storeProject(data.path(), environment).id.isEmpty());

    CliRun run(data.path());
    QSignalSpy exited(&run.process(), &QProcess::finished);
    run.start({u"preview"_s, m_project, u"--json"_s});
    QVERIFY2(run.finished() || exited.wait(StopTimeoutMs), qPrintable(run.transcript()));
    QCOMPARE(run.process().exitCode(), 2);
    const auto failed = run.event(u"failed"_s);
    QVERIFY2(failed, qPrintable(run.transcript()));
    const QString message = failed->value(u"message"_s).toString();
    QVERIFY2(message.contains(u"DATABASE_PASSWORD"_s) && message.contains(u"keychain"_s),
             qPrintable(message));
    // Nothing ran: no step started.
    QVERIFY2(!run.event(u"step"_s), qPrintable(run.transcript()));
}

void TestProjectEnvironmentCli::aBrokenEnvFileIsRefusedWithItsLine()
{
    QTemporaryDir data;
    QFile envFile(data.filePath(u"broken.env"_s));
    QVERIFY(envFile.open(QIODevice::WriteOnly));
    envFile.write("GOOD=1\nthis is not an assignment\n");
    envFile.close();
    CliRun run(data.path());
    QSignalSpy exited(&run.process(), &QProcess::finished);
    run.start({u"preview"_s, m_project, u"--env-file"_s, envFile.fileName()});
    QVERIFY2(run.finished() || exited.wait(StopTimeoutMs), qPrintable(run.transcript()));
    QCOMPARE(run.process().exitCode(), 2);
    QVERIFY2(run.standardError().contains(u"line 2"_s), qPrintable(run.transcript()));
}

void TestProjectEnvironmentCli::aDevServerDyingForAVariableSaysWhichAndWhatIsExpected()
{
    QTemporaryDir data;
    CliRun run(data.path());
    QSignalSpy exited(&run.process(), &QProcess::finished);
    run.start({u"preview"_s, m_project, u"--json"_s, u"--env"_s, u"REQUIRE_SUPABASE=1"_s});
    QVERIFY2(run.finished() || exited.wait(InstallAndStartTimeoutMs), qPrintable(run.transcript()));
    QCOMPARE(run.process().exitCode(), 8); // start-dev-server
    // Detection read .env.example and says what is not set, before anything runs.
    QVERIFY2(run.outputLines().contains(u"The repository expects variables that are not set: GREETING, "
                                        u"STRIPE_SECRET_KEY (from .env.example)"_s),
             qPrintable(run.transcript()));
    const auto failed = run.event(u"failed"_s);
    QVERIFY2(failed, qPrintable(run.transcript()));
    QCOMPARE(failed->value(u"message"_s).toString(),
             u"The dev server stopped because the environment variable SUPABASE_URL is not set."_s);
    QVERIFY2(failed->value(u"advice"_s).toString().contains(u"--env-file"_s), qPrintable(run.transcript()));
}

QTEST_GUILESS_MAIN(TestProjectEnvironmentCli)
#include "tst_projectenvironment.moc"
