// End to end: the real forge-preview-cli previews small real projects (a Vite app from a local
// repository, an Express app cloned over git smart HTTP), with real git, real npm installs from the
// registry and real bubblewrap where it works. Checks that the preview answers with the fixture's
// own content and that after Ctrl+C no process of the sandbox is left. The same on the Daytona back
// end, through the Daytona emulator program (forge-daytona-emulator) and its private preview proxy.

#include "CliProcesses.h"
#include "FixtureRepository.h"
#include "Fixtures.h"
#include "GitHttpServer.h"
#include "ProcessTree.h"

#include <QDateTime>
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkProxy>
#include <QProcess>
#include <QSet>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <csignal>

using namespace Qt::StringLiterals;
using forge::test::CliRun;
using forge::test::descendantsOf;
using forge::test::EmulatorProcess;
using forge::test::FixtureRepository;
using forge::test::GitHttpServer;
using forge::test::isAlive;
using forge::test::ProcessId;

namespace {

constexpr int InstallAndStartTimeoutMs = 8 * 60 * 1000; // a cold npm install of Vite on a slow network
constexpr int StopTimeoutMs = 60 * 1000;

} // namespace

class TestCliPreview : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void previewsViteAppFromLocalRepository();
    void previewsExpressAppOverGitHttp();
    void exitWhenReadyLeavesNothingRunning();
    void killedDuringInstallResumesAtInstall();
    void secondPreviewRestoresTheInstallCache();
    void refusesAFolderThatIsNotARepository();
    void reportsNothingRunnable();
    void explainsAMissingRepository();
    void refusesHostileInputBeforeRunningAnything();
    void previewsViteOnDaytonaThroughTheEmulator();
    void daytonaRefusesALocalFolder();
    void daytonaPreviewsAWorkingCopy();
    void daytonaSecondPreviewRestoresTheInstallCache();
    void daytonaWithoutAnApiKeySaysWhatToSet();
    void failsClosedWithoutBubblewrap();
    void noIsolationWarnsBeforeRunning();

private:
    // A static site (nothing to install), committed once in the work folder.
    QString staticSite();
    // Serves the preview until it answers, then checks its content and that Ctrl+C ends everything.
    void previewAndInterrupt(const QStringList& arguments, const QByteArray& expectedContent);
    QByteArray fetch(const QUrl& url, int* status, const QMap<QByteArray, QByteArray>& headers = {});

    QTemporaryDir m_work;
    QString m_repositories; // bare repositories served over HTTP
    std::unique_ptr<GitHttpServer> m_server;
    QNetworkAccessManager m_network;
};

void TestCliPreview::initTestCase()
{
    QVERIFY(m_work.isValid());
    QVERIFY2(QFile::exists(QStringLiteral(FORGE_CLI_PATH)), FORGE_CLI_PATH);
    m_network.setProxy(QNetworkProxy::NoProxy);
    m_repositories = m_work.filePath(u"served"_s);
    const QString prepared =
        forge::test::prepareServedFixtures(m_work.path(), m_repositories, {u"vite-app"_s, u"express-app"_s});
    QVERIFY2(prepared.isEmpty(), qPrintable(prepared));
    QString error;
    m_server = std::make_unique<GitHttpServer>(m_repositories);
    QVERIFY2(m_server->listen(&error), qPrintable(error));
}

QByteArray TestCliPreview::fetch(const QUrl& url, int* status, const QMap<QByteArray, QByteArray>& headers)
{
    // A redirect is an answer to look at (Daytona's proxy sends strangers to sign in with a 307).
    return forge::test::fetchBody(m_network, url, status, headers, forge::test::Redirects::Return);
}

void TestCliPreview::previewAndInterrupt(const QStringList& arguments, const QByteArray& expectedContent)
{
    QTemporaryDir data;
    CliRun run(data.path());
    run.start(arguments);
    QTRY_VERIFY2_WITH_TIMEOUT(run.event(u"ready"_s) || run.finished(), qPrintable(run.transcript()),
                              InstallAndStartTimeoutMs);
    QVERIFY2(run.event(u"ready"_s), qPrintable(run.transcript()));

    // Every step reported, in order, each started and then finished.
    QStringList finishedSteps;
    for (const QJsonObject& event : run.events()) {
        if (event.value(u"event"_s) == u"step"_s && event.value(u"status"_s) != u"running"_s)
            finishedSteps.append(event.value(u"step"_s).toString());
    }
    QCOMPARE(finishedSteps, (QStringList{u"create-sandbox"_s, u"clone-repository"_s, u"detect-framework"_s,
                                         u"install-dependencies"_s, u"build-project"_s, u"start-dev-server"_s,
                                         u"publish-preview"_s}));

    const QUrl url(run.event(u"ready"_s)->value(u"url"_s).toString());
    QVERIFY2(url.isValid() && url.host() == u"127.0.0.1"_s, qPrintable(url.toString()));
    int status = 0;
    const QByteArray body = fetch(url, &status);
    QCOMPARE(status, 200);
    QVERIFY2(body.contains(expectedContent), body.constData());

    const QSet<ProcessId> sandboxProcesses = descendantsOf(run.process().processId());
    QVERIFY2(sandboxProcesses.size() >= 2,
             "the dev server's process tree should be visible"); // wrapper + server

    ::kill(static_cast<pid_t>(run.process().processId()), SIGINT);
    QSignalSpy exited(&run.process(), &QProcess::finished);
    QVERIFY2(run.finished() || exited.wait(StopTimeoutMs), qPrintable(run.transcript()));
    QCOMPARE(run.process().exitStatus(), QProcess::NormalExit);
    QCOMPARE(run.process().exitCode(), 0);
    QVERIFY(run.event(u"stopped"_s));

    for (const ProcessId& process : sandboxProcesses)
        QTRY_VERIFY2_WITH_TIMEOUT(!isAlive(process),
                                  qPrintable(u"pid %1 outlived the CLI"_s.arg(process.pid)), 5000);
    fetch(url, &status);
    QCOMPARE(status, 0); // nothing answers any more
}

void TestCliPreview::previewsViteAppFromLocalRepository()
{
    previewAndInterrupt({u"preview"_s, m_work.filePath(u"vite-app"_s), u"--json"_s},
                        "Forge fixture: Vite app");
}

void TestCliPreview::previewsExpressAppOverGitHttp()
{
    previewAndInterrupt({u"preview"_s, m_server->repositoryUrl(u"express-app"_s).toString(), u"--branch"_s,
                         u"main"_s, u"--json"_s},
                        "Forge fixture: Express app");
}

void TestCliPreview::exitWhenReadyLeavesNothingRunning()
{
    QTemporaryDir data;
    CliRun run(data.path());
    run.start({u"preview"_s, m_server->repositoryUrl(u"express-app"_s).toString(), u"--exit-when-ready"_s,
               u"--json"_s});
    QSignalSpy exited(&run.process(), &QProcess::finished);
    QVERIFY2(exited.wait(InstallAndStartTimeoutMs), qPrintable(run.transcript()));
    QCOMPARE(run.process().exitCode(), 0);
    QVERIFY(run.event(u"ready"_s));
    const QUrl url(run.event(u"ready"_s)->value(u"url"_s).toString());
    int status = 0;
    fetch(url, &status);
    QCOMPARE(status, 0);
}

void TestCliPreview::killedDuringInstallResumesAtInstall()
{
    QTemporaryDir data;
    const QStringList arguments{u"preview"_s, m_server->repositoryUrl(u"express-app"_s).toString(),
                                u"--exit-when-ready"_s, u"--json"_s};
    const auto installRunning = [](const CliRun& run) {
        for (const QJsonObject& event : run.events()) {
            if (event.value(u"step"_s) == u"install-dependencies"_s &&
                event.value(u"status"_s) == u"running"_s)
                return true;
        }
        return false;
    };
    {
        CliRun first(data.path());
        first.start(arguments);
        QTRY_VERIFY2_WITH_TIMEOUT(installRunning(first) || first.finished(), qPrintable(first.transcript()),
                                  InstallAndStartTimeoutMs);
        QVERIFY2(!first.finished(), qPrintable(first.transcript()));
        // No chance to clean up: as if the machine lost power or the process was killed.
        ::kill(static_cast<pid_t>(first.process().processId()), SIGKILL);
        QSignalSpy exited(&first.process(), &QProcess::finished);
        QVERIFY(first.finished() || exited.wait(10000));
    }
    QVERIFY(!m_server->requests().isEmpty()); // the first run cloned
    m_server->clearRequests();

    CliRun second(data.path());
    second.start(arguments);
    QSignalSpy exited(&second.process(), &QProcess::finished);
    QVERIFY2(exited.wait(InstallAndStartTimeoutMs), qPrintable(second.transcript()));
    QCOMPARE(second.process().exitCode(), 0);
    QVERIFY2(second.event(u"ready"_s), qPrintable(second.transcript()));
    QVERIFY2(second.standardOutput().contains(u"Continuing the interrupted run"_s),
             qPrintable(second.transcript()));

    // Create and clone were read back, not run again; install ran (it was cut short).
    QStringList restored;
    QStringList ran;
    for (const QJsonObject& event : second.events()) {
        if (event.value(u"event"_s) != u"step"_s)
            continue;
        const QString step = event.value(u"step"_s).toString();
        if (event.value(u"restored"_s).toBool())
            restored.append(step);
        else if (event.value(u"status"_s) == u"running"_s)
            ran.append(step);
    }
    QVERIFY2(restored.contains(u"clone-repository"_s), qPrintable(second.transcript()));
    QVERIFY2(!ran.contains(u"clone-repository"_s), qPrintable(second.transcript()));
    QVERIFY2(ran.contains(u"install-dependencies"_s), qPrintable(second.transcript()));
    QVERIFY2(!ran.contains(u"create-sandbox"_s), qPrintable(second.transcript()));
    // The git server never heard from the second run, and there is exactly one sandbox.
    QCOMPARE(m_server->requests().size(), 0);
    const QStringList sandboxes =
        QDir(data.filePath(u"sandboxes"_s)).entryList(QDir::Dirs | QDir::NoDotAndDotDot);
    QCOMPARE(sandboxes.size(), 1);

    // The next run of the same project is a new run (the last one finished).
    CliRun third(data.path());
    third.start(arguments);
    QSignalSpy thirdExited(&third.process(), &QProcess::finished);
    QVERIFY2(thirdExited.wait(InstallAndStartTimeoutMs), qPrintable(third.transcript()));
    QCOMPARE(third.process().exitCode(), 0);
    QVERIFY(!third.standardOutput().contains(u"Continuing the interrupted run"_s));
}

// The second preview of a project with the same lockfile takes node_modules from the install cache
// instead of running npm ci; --no-install-cache and a changed lockfile install again.
void TestCliPreview::secondPreviewRestoresTheInstallCache()
{
    QTemporaryDir data;
    forge::test::FixtureRepository repository(m_work.filePath(u"express-cached"_s));
    QVERIFY2(repository.initialize(QStringLiteral(FORGE_FIXTURES_DIR) + u"/projects/express-app"_s),
             qPrintable(repository.errorString()));
    const QStringList arguments{u"preview"_s, repository.path(), u"--exit-when-ready"_s, u"--json"_s};
    const auto previewOnce = [&data](const QStringList& withArguments) {
        auto run = std::make_unique<CliRun>(data.path());
        run->start(withArguments);
        QSignalSpy exited(&run->process(), &QProcess::finished);
        if (!run->finished())
            exited.wait(InstallAndStartTimeoutMs);
        return run;
    };
    const QString installed = u"$ npm ci"_s;
    const QString restored = u"from the install cache"_s;

    auto first = previewOnce(arguments);
    QVERIFY2(first->finished() && first->process().exitCode() == 0, qPrintable(first->transcript()));
    QVERIFY2(first->standardOutput().contains(installed), qPrintable(first->transcript()));
    QVERIFY(!first->standardOutput().contains(restored));
    QVERIFY2(!QDir(data.filePath(u"cache/installs"_s)).entryList(QDir::Dirs | QDir::NoDotAndDotDot).isEmpty(),
             "nothing was saved in the install cache");

    auto second = previewOnce(arguments);
    QVERIFY2(second->finished() && second->process().exitCode() == 0, qPrintable(second->transcript()));
    QVERIFY2(second->standardOutput().contains(restored), qPrintable(second->transcript()));
    QVERIFY2(!second->standardOutput().contains(installed), qPrintable(second->transcript()));

    auto bypassed = previewOnce(arguments + QStringList{u"--no-install-cache"_s});
    QVERIFY2(bypassed->finished() && bypassed->process().exitCode() == 0, qPrintable(bypassed->transcript()));
    QVERIFY2(bypassed->standardOutput().contains(installed), qPrintable(bypassed->transcript()));

    // Same dependencies, but a lockfile that is not byte for byte the same: installed again.
    QFile lockfile(repository.path() + u"/package-lock.json"_s);
    QVERIFY(lockfile.open(QIODevice::ReadOnly));
    const QByteArray relocked = lockfile.readAll() + "\n";
    lockfile.close();
    QVERIFY2(repository.commitFile(u"package-lock.json"_s, relocked), qPrintable(repository.errorString()));
    auto changed = previewOnce(arguments);
    QVERIFY2(changed->finished() && changed->process().exitCode() == 0, qPrintable(changed->transcript()));
    QVERIFY2(changed->standardOutput().contains(installed), qPrintable(changed->transcript()));
    QVERIFY(!changed->standardOutput().contains(restored));
}

void TestCliPreview::refusesAFolderThatIsNotARepository()
{
    QTemporaryDir data;
    QTemporaryDir plain;
    CliRun run(data.path());
    run.start({u"preview"_s, plain.path()});
    QSignalSpy exited(&run.process(), &QProcess::finished);
    QVERIFY(exited.wait(30000));
    QCOMPARE(run.process().exitCode(), 2);
    QVERIFY2(run.standardError().contains(u"not a git repository"_s), qPrintable(run.transcript()));
}

void TestCliPreview::reportsNothingRunnable()
{
    QTemporaryDir data;
    FixtureRepository words(m_work.filePath(u"words-only"_s));
    QVERIFY2(words.initializeWithFiles({{u"README.md"_s, "# Just words\n"}}),
             qPrintable(words.errorString()));
    const QString repository = words.path();

    CliRun run(data.path());
    run.start({u"preview"_s, repository, u"--json"_s});
    QSignalSpy exited(&run.process(), &QProcess::finished);
    QVERIFY(exited.wait(60000));
    QCOMPARE(run.process().exitCode(), 5);
    const auto failed = run.event(u"failed"_s);
    QVERIFY2(failed, qPrintable(run.transcript()));
    QCOMPARE(failed->value(u"step"_s).toString(), u"detect-framework"_s);
    QVERIFY(!failed->value(u"advice"_s).toString().isEmpty());
}

void TestCliPreview::explainsAMissingRepository()
{
    QTemporaryDir data;
    CliRun run(data.path());
    run.start({u"preview"_s, m_server->repositoryUrl(u"no-such-repository"_s).toString()});
    QSignalSpy exited(&run.process(), &QProcess::finished);
    QVERIFY(exited.wait(60000));
    QCOMPARE(run.process().exitCode(), 4);
    QVERIFY2(run.standardError().contains(u"was not found"_s), qPrintable(run.transcript()));
    QVERIFY2(run.standardError().contains(u"What to do:"_s), qPrintable(run.transcript()));
}

void TestCliPreview::refusesHostileInputBeforeRunningAnything()
{
    const QStringList hostile{u"--upload-pack=touch /tmp/pwned"_s, u"ext::sh -c touch% /tmp/pwned"_s,
                              u"file:///etc"_s, u"https://user:Passw0rdCanary@github.com/a/b"_s,
                              u"git@github.com:a/b.git"_s};
    for (const QString& input : hostile) {
        QTemporaryDir data;
        CliRun run(data.path());
        run.start({u"preview"_s, input});
        QSignalSpy exited(&run.process(), &QProcess::finished);
        QVERIFY(exited.wait(30000));
        QVERIFY2(run.process().exitCode() == 2, qPrintable(input + u": "_s + run.transcript()));
        QVERIFY2(!run.standardError().trimmed().isEmpty(), qPrintable(input));
        // A word of its own: the usage text printed with the refusal speaks of secrets.
        QVERIFY2(!run.standardError().contains(u"Passw0rdCanary"_s), "the password must not be echoed");
        QVERIFY(!QDir(data.filePath(u"sandboxes"_s)).exists()); // refused before any sandbox existed
    }
}

namespace {

constexpr auto EmulatorKey = forge::test::EmulatorProcess::DefaultApiKey;

// A call to the emulator's API as any Daytona client would make it.
QJsonDocument daytonaGet(QNetworkAccessManager& network, const QString& url)
{
    return QJsonDocument::fromJson(forge::test::fetchBody(
        network, QUrl(url), nullptr, {{"Authorization", QByteArray("Bearer ") + EmulatorKey}}));
}

} // namespace

void TestCliPreview::previewsViteOnDaytonaThroughTheEmulator()
{
    QTemporaryDir data;
    QTemporaryDir emulatorData;
    EmulatorProcess emulator(emulatorData.path());
    const QUrl api = emulator.apiUrl();
    QVERIFY2(api.isValid() && api.port() > 0, qPrintable(api.toString()));

    CliRun run(data.path(), {{u"DAYTONA_API_KEY"_s, QString::fromLatin1(EmulatorKey)}});
    run.start({u"preview"_s, m_server->repositoryUrl(u"vite-app"_s).toString(), u"--provider"_s, u"daytona"_s,
               u"--api-url"_s, api.toString(), u"--json"_s, u"--signed-url"_s, u"5"_s});
    QTRY_VERIFY2_WITH_TIMEOUT(run.event(u"signed-url"_s) || run.finished(), qPrintable(run.transcript()),
                              InstallAndStartTimeoutMs);
    QVERIFY2(run.event(u"ready"_s), qPrintable(run.transcript()));
    const QUrl url(run.event(u"ready"_s)->value(u"url"_s).toString());

    // The preview is private: the emulator's proxy sends a browser without the token to sign in, as
    // Daytona's does (a 307, not 401), and the CLI says that organization members can open it so.
    int status = 0;
    fetch(url, &status);
    QCOMPARE(status, 307);
    QVERIFY2(run.standardOutput().contains(u"after signing in to Daytona"_s), qPrintable(run.transcript()));

    // --signed-url 5: a link anyone can open for five minutes, without the token (issue 17).
    const QJsonObject signedUrl = *run.event(u"signed-url"_s);
    const QDateTime expires = QDateTime::fromString(signedUrl.value(u"expiresAt"_s).toString(), Qt::ISODate);
    const qint64 left = QDateTime::currentDateTimeUtc().secsTo(expires);
    QVERIFY2(left > 240 && left <= 300, qPrintable(signedUrl.value(u"expiresAt"_s).toString()));
    const QByteArray signedBody = fetch(QUrl(signedUrl.value(u"url"_s).toString()), &status);
    QCOMPARE(status, 200);
    QVERIFY2(signedBody.contains("Forge fixture: Vite app"), signedBody.constData());

    // With the token, as another API client gets it, the fixture's page loads.
    // GET /sandbox answers a plain array or a cursor page, depending on the API version.
    const QJsonDocument listed = daytonaGet(m_network, api.toString() + u"/sandbox"_s);
    const QJsonArray sandboxes =
        listed.isArray() ? listed.array() : listed.object().value(u"items"_s).toArray();
    QCOMPARE(sandboxes.size(), 1);
    const QString sandboxId = sandboxes.first().toObject().value(u"id"_s).toString();
    int port = 0;
    for (const QJsonObject& event : run.events()) {
        if (event.value(u"step"_s) == u"start-dev-server"_s && event.value(u"status"_s) == u"succeeded"_s)
            port = event.value(u"summary"_s).toString().section(u' ', -1).toInt();
    }
    QVERIFY2(port > 0, qPrintable(run.transcript()));
    const QJsonObject link =
        daytonaGet(m_network, api.toString() + u"/sandbox/%1/ports/%2/preview-url"_s.arg(sandboxId).arg(port))
            .object();
    const QByteArray token = link.value(u"token"_s).toString().toUtf8();
    QVERIFY(!token.isEmpty());
    QCOMPARE(QUrl(link.value(u"url"_s).toString()), url);
    const QByteArray body = fetch(url, &status, {{"x-daytona-preview-token", token}});
    QCOMPARE(status, 200);
    QVERIFY2(body.contains("Forge fixture: Vite app"), body.constData());

    // Ctrl+C stops the sandbox (its files stay); neither the token nor the key was ever printed.
    ::kill(static_cast<pid_t>(run.process().processId()), SIGINT);
    QSignalSpy exited(&run.process(), &QProcess::finished);
    QVERIFY2(run.finished() || exited.wait(StopTimeoutMs), qPrintable(run.transcript()));
    QCOMPARE(run.process().exitCode(), 0);
    QTRY_COMPARE_WITH_TIMEOUT(daytonaGet(m_network, api.toString() + u"/sandbox/"_s + sandboxId)
                                  .object()
                                  .value(u"state"_s)
                                  .toString(),
                              u"stopped"_s, 30000);
    QVERIFY(!run.transcript().contains(QString::fromUtf8(token)));
    QVERIFY(!run.transcript().contains(QString::fromLatin1(EmulatorKey)));
    QVERIFY2(run.standardOutput().contains(u"private"_s), qPrintable(run.transcript()));
}

// On Daytona the install cache lives in the sandbox: the second preview of the project (same
// sandbox, started again) takes node_modules from it.
void TestCliPreview::daytonaSecondPreviewRestoresTheInstallCache()
{
    QTemporaryDir data;
    QTemporaryDir emulatorData;
    EmulatorProcess emulator(emulatorData.path());
    const QUrl api = emulator.apiUrl();
    QVERIFY2(api.isValid() && api.port() > 0, qPrintable(api.toString()));
    const QStringList arguments{u"preview"_s,           m_server->repositoryUrl(u"express-app"_s).toString(),
                                u"--provider"_s,        u"daytona"_s,
                                u"--api-url"_s,         api.toString(),
                                u"--exit-when-ready"_s, u"--json"_s};
    QStringList outputs;
    for (int run = 0; run < 2; ++run) {
        CliRun cli(data.path(), {{u"DAYTONA_API_KEY"_s, QString::fromLatin1(EmulatorKey)}});
        cli.start(arguments);
        QSignalSpy exited(&cli.process(), &QProcess::finished);
        QVERIFY2(cli.finished() || exited.wait(InstallAndStartTimeoutMs), qPrintable(cli.transcript()));
        QVERIFY2(cli.process().exitCode() == 0, qPrintable(cli.transcript()));
        outputs.append(cli.standardOutput());
    }
    QVERIFY2(outputs.at(0).contains(u"$ npm ci"_s), qPrintable(outputs.at(0)));
    QVERIFY2(outputs.at(1).contains(u"from the install cache"_s), qPrintable(outputs.at(1)));
    QVERIFY2(!outputs.at(1).contains(u"$ npm ci"_s), qPrintable(outputs.at(1)));
}

void TestCliPreview::daytonaRefusesALocalFolder()
{
    QTemporaryDir data;
    CliRun run(data.path(), {{u"DAYTONA_API_KEY"_s, u"unused"_s}});
    run.start({u"preview"_s, m_work.filePath(u"vite-app"_s), u"--provider"_s, u"daytona"_s});
    QSignalSpy exited(&run.process(), &QProcess::finished);
    QVERIFY(exited.wait(30000));
    QCOMPARE(run.process().exitCode(), 2);
    QVERIFY2(run.standardError().contains(u"cannot clone the folder"_s), qPrintable(run.transcript()));
    QVERIFY2(run.standardError().contains(u"--working-copy"_s), qPrintable(run.transcript()));
    QVERIFY2(run.standardError().contains(u"--provider local"_s), qPrintable(run.transcript()));
}

// Issue 22: a folder's working copy goes up to Daytona as files (one upload), uncommitted edit
// included, where its branch would have to be cloned.
void TestCliPreview::daytonaPreviewsAWorkingCopy()
{
    const QString folder = m_work.filePath(u"working-copy-site"_s);
    FixtureRepository site(folder);
    QVERIFY2(site.initializeWithFiles({{u"index.html"_s, "<!doctype html><h1>committed</h1>\n"}}),
             qPrintable(site.errorString()));
    QFile page(folder + u"/index.html"_s);
    QVERIFY(page.open(QIODevice::WriteOnly | QIODevice::Truncate));
    page.write("<!doctype html><h1>not committed yet</h1>\n");
    page.close();

    QTemporaryDir data;
    QTemporaryDir emulatorData;
    EmulatorProcess emulator(emulatorData.path());
    const QUrl api = emulator.apiUrl();
    QVERIFY2(api.isValid() && api.port() > 0, qPrintable(api.toString()));
    CliRun run(data.path(), {{u"DAYTONA_API_KEY"_s, QString::fromLatin1(EmulatorKey)}});
    run.start({u"preview"_s, folder, u"--working-copy"_s, u"--provider"_s, u"daytona"_s, u"--api-url"_s,
               api.toString(), u"--json"_s, u"--exit-when-ready"_s});
    QSignalSpy exited(&run.process(), &QProcess::finished);
    QVERIFY(exited.wait(InstallAndStartTimeoutMs));
    QVERIFY2(run.process().exitCode() == 0, qPrintable(run.transcript()));
    QCOMPARE(run.event(u"start"_s)->value(u"source"_s).toString(), u"working-copy"_s);
    const QString workspaces = emulatorData.path();
    bool uploaded = false;
    for (QDirIterator it(workspaces, {u"index.html"_s}, QDir::Files, QDirIterator::Subdirectories);
         it.hasNext();) {
        QFile copy(it.next());
        uploaded =
            uploaded || (copy.open(QIODevice::ReadOnly) && copy.readAll().contains("not committed yet"));
    }
    QVERIFY2(uploaded, qPrintable(run.transcript()));
}

void TestCliPreview::daytonaWithoutAnApiKeySaysWhatToSet()
{
    QTemporaryDir data;
    CliRun run(data.path());
    run.start(
        {u"preview"_s, m_server->repositoryUrl(u"vite-app"_s).toString(), u"--provider"_s, u"daytona"_s});
    QSignalSpy exited(&run.process(), &QProcess::finished);
    QVERIFY(exited.wait(30000));
    QCOMPARE(run.process().exitCode(), 2);
    QVERIFY2(run.standardError().contains(u"DAYTONA_API_KEY"_s), qPrintable(run.transcript()));

    // Daytona's options with the local back end are a mistake worth saying.
    CliRun local(data.path());
    local.start({u"preview"_s, m_server->repositoryUrl(u"vite-app"_s).toString(), u"--size"_s, u"large"_s});
    QSignalSpy localExited(&local.process(), &QProcess::finished);
    QVERIFY(localExited.wait(30000));
    QCOMPARE(local.process().exitCode(), 2);
    QVERIFY2(local.standardError().contains(u"--size only applies to --provider daytona"_s),
             qPrintable(local.transcript()));
}

QString TestCliPreview::staticSite()
{
    const QString path = m_work.filePath(u"static-site"_s);
    if (!QFile::exists(path + u"/index.html"_s)) {
        FixtureRepository site(path);
        if (!site.initializeWithFiles(
                {{u"index.html"_s, "<!doctype html><h1>Forge fixture: static site</h1>\n"}}))
            qWarning("%s", qPrintable(site.errorString()));
    }
    return path;
}

// Issue 16, "fail closed": without bubblewrap the run stops at its first step, saying why, what to
// install and that --no-isolation exists, and runs none of the repository's code. (With the old
// automatic fallback the same run went on as plain processes, after a notice.)
void TestCliPreview::failsClosedWithoutBubblewrap()
{
    QTemporaryDir data;
    QTemporaryDir bin; // a PATH with a shell and nothing else: no bwrap, no pasta
    QVERIFY(QFile::link(u"/bin/sh"_s, bin.filePath(u"sh"_s)));
    CliRun run(data.path(), {{u"PATH"_s, bin.path()}});
    run.start({u"preview"_s, staticSite(), u"--json"_s});
    QSignalSpy exited(&run.process(), &QProcess::finished);
    // It ends by itself (a run that fails before anything waits must not leave the CLI hanging).
    QVERIFY2(run.finished() || exited.wait(60000), qPrintable(run.transcript()));
    QVERIFY(!run.event(u"ready"_s));
    const auto failed = run.event(u"failed"_s);
    QVERIFY2(failed, qPrintable(run.transcript()));
    const QString message = failed->value(u"message"_s).toString();
    const QString advice = failed->value(u"advice"_s).toString();
    QVERIFY2(message.startsWith(u"Repository code cannot be isolated on this computer"_s),
             qPrintable(message));
    QVERIFY2(message.contains(u"bwrap"_s), qPrintable(message));
    for (const QString& words : {u"bubblewrap"_s, u"passt"_s, u"--no-isolation"_s})
        QVERIFY2(advice.contains(words), qPrintable(advice));
    // Nothing of the repository reached a sandbox.
    QDirIterator files(data.filePath(u"sandboxes"_s), {u"index.html"_s}, QDir::Files,
                       QDirIterator::Subdirectories);
    QVERIFY2(!files.hasNext(), qPrintable(files.hasNext() ? files.next() : QString()));
    QCOMPARE(failed->value(u"step"_s).toString(), u"create-sandbox"_s);
    QCOMPARE(run.process().exitCode(), 3);
}

// --no-isolation: the warning comes first, before any step (a `notice` event with --json, a "!"
// line on standard error as text), and the project then runs as plain processes.
void TestCliPreview::noIsolationWarnsBeforeRunning()
{
    const QString site = staticSite();
    {
        QTemporaryDir data;
        CliRun run(data.path());
        run.start({u"preview"_s, site, u"--no-isolation"_s, u"--exit-when-ready"_s, u"--json"_s});
        QSignalSpy exited(&run.process(), &QProcess::finished);
        QVERIFY2(run.finished() || exited.wait(120000), qPrintable(run.transcript()));
        QVERIFY2(run.process().exitCode() == 0 && run.event(u"ready"_s), qPrintable(run.transcript()));
        const QList<QJsonObject> events = run.events();
        qsizetype warning = -1;
        qsizetype firstStep = -1;
        for (qsizetype i = 0; i < events.size(); ++i) {
            const QString name = events.at(i).value(u"event"_s).toString();
            if (warning < 0 && name == u"notice"_s &&
                events.at(i).value(u"message"_s).toString().startsWith(u"Running without isolation"_s))
                warning = i;
            if (firstStep < 0 && name == u"step"_s)
                firstStep = i;
        }
        QVERIFY2(warning >= 0, qPrintable(run.transcript()));
        QVERIFY(warning < firstStep);
        const QString text = events.at(warning).value(u"message"_s).toString();
        for (const QString& words : {u"--no-isolation"_s, u"as you"_s, u"your files"_s, u"network"_s})
            QVERIFY2(text.contains(words), qPrintable(text));
    }
    QTemporaryDir data;
    CliRun run(data.path());
    run.start({u"preview"_s, site, u"--no-isolation"_s, u"--exit-when-ready"_s});
    QSignalSpy exited(&run.process(), &QProcess::finished);
    QVERIFY2(run.finished() || exited.wait(120000), qPrintable(run.transcript()));
    QCOMPARE(run.process().exitCode(), 0);
    QVERIFY2(run.standardError().contains(u"! Running without isolation (--no-isolation)"_s),
             qPrintable(run.transcript()));
}

QTEST_GUILESS_MAIN(TestCliPreview)
#include "tst_clipreview.moc"
