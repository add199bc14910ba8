// Issue 22, hot reload through the preview whatever the dev server's host checks: a dev server that
// checks the Host or Origin of its requests runs behind Forge's preview proxy in the sandbox
// (workflow/DevServerProxy.h), so the preview's requests reach it as its own.
//
// - Next.js (>= 15.2 blocks cross-origin requests to /_next/* and its HMR socket unless the origin
//   is localhost or in next.config's allowedDevOrigins), previewed locally at http://127.0.0.1:<port>:
//   the dev server logs no "Blocked cross-origin request", an upgrade to /_next/hmr with the
//   preview's own Origin (what the page in the pane sends) gets 101, and an edit of app/page.js in
//   the sandbox's workspace is served on the next GET. Without the proxy the upgrade is refused and
//   the dev server logs the block (the issue's symptom; blockCrossSiteDEV in next/dist/server/lib/
//   router-utils/block-cross-site-dev.js).
// - Vite behind Daytona (the emulator, passing a proxy host name as Host as Daytona's proxy does):
//   the page loads (no "Blocked request"), and the HMR socket upgrade with that Host and the
//   preview's Origin, sent through the emulator's preview proxy with the preview's token as the
//   pane sends it, gets 101 (the proxy passes its own host name on, as Daytona's does).

#include "CliProcesses.h"
#include "EmulatorFixture.h"
#include "Fixtures.h"
#include "sandbox/LocalProvider.h"
#include "sandbox/daytona/DaytonaProvider.h"
#include "workflow/ProjectSession.h"

#include <QNetworkAccessManager>
#include <QNetworkProxy>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;
using forge::LocalProvider;
using forge::ProjectSession;
using forge::ProjectStatus;
using forge::StepId;
using forge::test::FixtureRepository;
using forge::test::GitHttpServer;

namespace {

constexpr int LiveTimeoutMs = 8 * 60 * 1000; // a cold install of Next.js on a slow machine
constexpr int StopTimeoutMs = 60 * 1000;
constexpr auto DaytonaApiKey = "hmr-host-checks-key";

QByteArray readFile(const QString& path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

QByteArray nextPage(const QByteArray& text)
{
    return "export default function Page() {\n  return <h1 id=\"text\">" + text + "</h1>;\n}\n";
}

// The status line's code of a WebSocket upgrade of `path` sent to 127.0.0.1:`port` with `headers`
// (Host among them); 0 when nothing answered.
int upgradeStatus(int port, const QByteArray& path, const QList<QPair<QByteArray, QByteArray>>& headers,
                  QByteArray* answer = nullptr)
{
    // Waits with the event loop running: the emulator's proxy answers from this process.
    QTcpSocket socket;
    socket.setProxy(QNetworkProxy::NoProxy);
    QByteArray received;
    QObject::connect(&socket, &QTcpSocket::readyRead, &socket, [&] { received += socket.readAll(); });
    socket.connectToHost(u"127.0.0.1"_s, quint16(port));
    if (!QTest::qWaitFor([&] { return socket.state() == QAbstractSocket::ConnectedState; }, 10'000))
        return 0;
    QByteArray request = "GET " + path + " HTTP/1.1\r\n";
    for (const auto& [name, value] : headers)
        request += name + ": " + value + "\r\n";
    request += "Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\n"
               "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n";
    socket.write(request);
    const bool ended = QTest::qWaitFor(
        [&] { return received.contains("\r\n\r\n") || socket.state() != QAbstractSocket::ConnectedState; },
        30'000);
    if (!ended)
        qWarning("no answer to the upgrade of %s in 30 s", path.constData());
    if (answer)
        *answer = received;
    static const QRegularExpression statusLine(u"^HTTP/1\\.1 (\\d{3})"_s);
    return statusLine.match(QString::fromLatin1(received)).captured(1).toInt();
}

} // namespace

class TestHmrHostChecks : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();
    void nextJsHotReloadsLocally();
    void viteAcceptsDaytonasHostName();

private:
    QString serve(const QString& name, const QMap<QString, QByteArray>& files);
    // A dev-mode session of `name`, started and live; null (with a warning) otherwise.
    ProjectSession* startLive(const QString& name);
    QByteArray fetch(const QString& path);
    void useDaytona();

    QTemporaryDir m_work;
    QString m_served;
    std::unique_ptr<GitHttpServer> m_server;
    QNetworkAccessManager m_network;

    std::unique_ptr<QTemporaryDir> m_data;
    std::unique_ptr<forge::SandboxProvider> m_provider;
    LocalProvider* m_local = nullptr;
    forge::test::EmulatorFixture m_emulator;
    std::unique_ptr<ProjectSession> m_session;
    QStringList m_serverOutput; // what the start-dev-server step printed
    int m_sandboxPort = 0;      // the preview's port in the sandbox (from the step's summary)
};

void TestHmrHostChecks::initTestCase()
{
    QVERIFY(m_work.isValid());
    m_network.setProxy(QNetworkProxy::NoProxy);
    m_served = m_work.filePath(u"served"_s);
    m_server = std::make_unique<GitHttpServer>(m_served);
    QString error;
    QVERIFY2(m_server->listen(&error), qPrintable(error));
}

void TestHmrHostChecks::init()
{
    m_data = std::make_unique<QTemporaryDir>();
    QVERIFY(m_data->isValid());
    auto local = std::make_unique<LocalProvider>(
        LocalProvider::Options{m_data->path(), LocalProvider::Isolation::Bubblewrap, {}});
    m_local = local.get();
    m_provider = std::move(local);
    m_serverOutput.clear();
    m_sandboxPort = 0;
}

void TestHmrHostChecks::useDaytona()
{
    const QString started = m_emulator.start(QString::fromLatin1(DaytonaApiKey));
    QVERIFY2(started.isEmpty(), qPrintable(started));
    forge::daytona::DaytonaConfig config;
    config.apiKey = QString::fromLatin1(DaytonaApiKey);
    config.apiUrl = m_emulator->apiUrl();
    m_local = nullptr;
    m_provider = std::make_unique<forge::DaytonaProvider>(config, forge::DaytonaSandboxOptions{});
}

void TestHmrHostChecks::cleanup()
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

QString TestHmrHostChecks::serve(const QString& name, const QMap<QString, QByteArray>& files)
{
    FixtureRepository repository(m_work.filePath(name));
    if (!repository.initializeWithFiles(files) || !repository.createBareClone(m_served, name))
        return repository.errorString();
    return {};
}

ProjectSession* TestHmrHostChecks::startLive(const QString& name)
{
    const auto parsed = forge::RepoRef::parse(m_server->repositoryUrl(name).toString(), QString());
    if (!std::holds_alternative<forge::RepoRef>(parsed))
        return nullptr;
    const forge::Project project =
        forge::newProject(std::get<forge::RepoRef>(parsed), {}, forge::RunMode::Dev);
    m_session = std::make_unique<ProjectSession>(*m_provider, project);
    connect(m_session.get(), &ProjectSession::stepOutput, this,
            [this](StepId step, forge::OutputChannel, const QString& line) {
                if (step == StepId::StartDevServer)
                    m_serverOutput.append(line);
            });
    connect(m_session.get(), &ProjectSession::stepFinished, this,
            [this](StepId step, forge::StepStatus, qint64, const QString& summary) {
                static const QRegularExpression port(u"answering on port (\\d+)"_s);
                if (step == StepId::StartDevServer)
                    m_sandboxPort = port.match(summary).captured(1).toInt();
            });
    QSignalSpy ready(m_session.get(), &ProjectSession::previewReady);
    m_session->start();
    if (!ready.wait(LiveTimeoutMs) || m_session->status() != ProjectStatus::Live) {
        qWarning("the preview did not go live: %s",
                 m_session->failure() ? qPrintable(m_session->failure()->message()) : "no failure");
        return nullptr;
    }
    return m_session.get();
}

QByteArray TestHmrHostChecks::fetch(const QString& path)
{
    return forge::test::fetchBody(m_network, m_session->previewUrl().resolved(QUrl(path)), nullptr,
                                  m_session->previewEndpoint().headers);
}

void TestHmrHostChecks::nextJsHotReloadsLocally()
{
    const QByteArray manifest = R"({
  "name": "hmr-next",
  "private": true,
  "scripts": {"dev": "next dev"},
  "dependencies": {"next": "16.5.0", "react": "^19.0.0", "react-dom": "^19.0.0"}
})";
    const QByteArray layout = "export default function RootLayout({ children }) {\n"
                              "  return <html lang=\"en\"><body>{children}</body></html>;\n}\n";
    const QString problem = serve(u"next"_s, {{u"package.json"_s, manifest},
                                              {u"app/layout.js"_s, layout},
                                              {u"app/page.js"_s, nextPage("first version")}});
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    QVERIFY(startLive(u"next"_s));
    QVERIFY2(fetch(u"/"_s).contains("first version"), fetch(u"/"_s).constData());

    // (b) The pane's HMR socket: the page's own origin, http://127.0.0.1:<port>.
    const QUrl preview = m_session->previewUrl();
    const QByteArray origin = "http://127.0.0.1:" + QByteArray::number(preview.port());
    QByteArray answer;
    const int status = upgradeStatus(
        preview.port(), "/_next/hmr",
        {{"Host", "127.0.0.1:" + QByteArray::number(preview.port())}, {"Origin", origin}}, &answer);
    QVERIFY2(status == 101, answer.constData());

    // (c) An edit in the sandbox's workspace is what the next GET serves.
    QFile page(m_local->workspacePath(m_session->sandboxId()) + u"/app/page.js"_s);
    QVERIFY(page.open(QIODevice::WriteOnly | QIODevice::Truncate));
    page.write(nextPage("hot reloaded"));
    page.close();
    QTRY_VERIFY_WITH_TIMEOUT(fetch(u"/"_s).contains("hot reloaded"), 60'000);

    // (a) Nothing was refused on the way.
    const QString output = m_serverOutput.join(u'\n');
    QVERIFY2(!output.contains(u"Blocked cross-origin request"_s), qPrintable(output));
    QVERIFY2(output.contains(u"behind Forge's preview proxy"_s), qPrintable(output));
}

void TestHmrHostChecks::viteAcceptsDaytonasHostName()
{
    useDaytona();
    m_emulator->setPreviewHostTemplate(u"{port}-{id}.proxy.daytona.test"_s);
    const QString fixture = forge::test::fixtureProjectPath(u"vite-app"_s);
    QMap<QString, QByteArray> files;
    for (const QString& name : {u"package.json"_s, u"index.html"_s, u"main.js"_s})
        files.insert(name, readFile(fixture + u'/' + name));
    const QString problem = serve(u"vite"_s, files);
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    QVERIFY(startLive(u"vite"_s));
    QVERIFY2(fetch(u"/"_s).contains("Forge fixture: Vite"), fetch(u"/"_s).constData());
    const QByteArray client = fetch(u"/@vite/client"_s);
    static const QRegularExpression tokenPattern(u"wsToken = \"([^\"]+)\""_s);
    const QString token = tokenPattern.match(QString::fromUtf8(client)).captured(1);
    QVERIFY2(!token.isEmpty(), client.left(400).constData());

    // The pane's HMR socket through Daytona's proxy: the preview's token, the page's origin; the
    // proxy passes on its own host name.
    const QUrl preview = m_session->previewUrl();
    QList<QPair<QByteArray, QByteArray>> headers{{"Host", "127.0.0.1:" + QByteArray::number(preview.port())},
                                                 {"Origin", preview.adjusted(QUrl::RemovePath).toEncoded()},
                                                 {"Sec-WebSocket-Protocol", "vite-hmr"}};
    const auto endpointHeaders = m_session->previewEndpoint().headers;
    for (auto header = endpointHeaders.begin(); header != endpointHeaders.end(); ++header)
        headers.append({header.key(), header.value()});
    QByteArray answer;
    const int status = upgradeStatus(preview.port(), "/?token=" + token.toUtf8(), headers, &answer);
    QVERIFY2(status == 101, answer.constData());
    const auto upgrades = m_emulator->requests();
    QVERIFY(std::any_of(upgrades.begin(), upgrades.end(), [](const auto& request) {
        return request.header("Upgrade") == "websocket" && request.status == 101;
    }));
    const QString output = m_serverOutput.join(u'\n');
    QVERIFY2(!output.contains(u"Blocked request"_s), qPrintable(output));
}

QTEST_GUILESS_MAIN(TestHmrHostChecks)
#include "tst_hmrhostchecks.moc"
