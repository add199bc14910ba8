// The dev-server proxy (workflow/DevServerProxy.h): which frameworks go behind it, its command, and
// its header rules, run with this machine's node in front of a server that echoes what it received.

#include "workflow/DevServerProxy.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>

using namespace Qt::StringLiterals;
using forge::Framework;
using forge::ProxyHosts;
using forge::RunMode;

namespace {

// Answers with the request's headers as JSON; /redirect with a redirect to itself on localhost; exits
// with status 3 on /exit. Upgrades answer 101 with the headers in X-Seen.
const QString EchoServer = uR"JS(
const http = require('http');
const port = Number(process.argv[1]);
const server = http.createServer((req, res) => {
  if (req.url === '/exit') { res.end('bye'); setTimeout(() => process.exit(3), 50); return; }
  if (req.url === '/redirect') { res.writeHead(307, { location: `http://localhost:${port}/there?x=1` }); res.end(); return; }
  res.setHeader('access-control-allow-origin', req.headers.origin || '*');
  res.end(JSON.stringify(req.headers));
});
server.on('upgrade', (req, socket) => {
  socket.end('HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nX-Seen: ' +
             JSON.stringify(req.headers) + '\r\n\r\n');
});
server.listen(port, '127.0.0.1', () => console.log(`echo ready on ${port}`));
)JS"_s;

int freePort()
{
    QTcpServer server;
    server.listen(QHostAddress::LocalHost, 0);
    return server.serverPort();
}

struct Answer
{
    int status = 0;
    QByteArray head;
    QByteArray body;
    QString header(const QByteArray& name) const
    {
        const QRegularExpression line(u"(?im)^%1: ([^\\r\\n]*)"_s.arg(QString::fromLatin1(name)));
        return line.match(QString::fromUtf8(head)).captured(1);
    }
    QJsonObject seen() const
    {
        const QByteArray json = body.isEmpty() ? header("X-Seen").toUtf8() : body;
        return QJsonDocument::fromJson(json).object();
    }
};

// One request over a fresh connection, with exactly `headers` (Host among them).
Answer send(int port, const QByteArray& path, const QList<QPair<QByteArray, QByteArray>>& headers,
            bool upgrade = false)
{
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, quint16(port));
    if (!socket.waitForConnected(5000))
        return {};
    QByteArray request = "GET " + path + " HTTP/1.1\r\n";
    for (const auto& [name, value] : headers)
        request += name + ": " + value + "\r\n";
    request += upgrade ? "Connection: Upgrade\r\nUpgrade: websocket\r\n\r\n" : "Connection: close\r\n\r\n";
    socket.write(request);
    QByteArray received;
    while (socket.waitForReadyRead(5000))
        received += socket.readAll();
    received += socket.readAll();
    Answer answer;
    const qsizetype split = received.indexOf("\r\n\r\n");
    answer.head = received.left(split);
    answer.body = split < 0 ? QByteArray() : received.mid(split + 4);
    if (answer.head.contains("Transfer-Encoding: chunked")) {
        // One chunk is all the echo server sends: strip its size line and the terminator.
        const qsizetype line = answer.body.indexOf("\r\n");
        answer.body = answer.body.mid(line + 2);
        answer.body.truncate(answer.body.lastIndexOf("\r\n0\r\n"));
    }
    answer.status = QRegularExpression(u"^HTTP/1\\.1 (\\d{3})"_s)
                        .match(QString::fromLatin1(answer.head))
                        .captured(1)
                        .toInt();
    return answer;
}

} // namespace

class TestDevServerProxy : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void frameworksThatCheckHostsGoBehindIt();
    void previewOriginsDropDefaultPorts();
    void commandKeepsTheDevCommandAfterTheSeparator();
    void localPreviewHeadersBecomeLocalhost();
    void otherSitesKeepTheirHeaders();
    void behindACloudProxyAnyHostIsThePreviews();
    void theDevServersEndIsTheProxys();

private:
    // Starts the proxy (in `m_proxy`) on a free port in front of the echo server; false when node is
    // missing or it did not come up.
    bool startProxy(ProxyHosts hosts, const QStringList& origins);

    QProcess m_proxy;
    int m_public = 0;
    int m_dev = 0;
};

bool TestDevServerProxy::startProxy(ProxyHosts hosts, const QStringList& origins)
{
    if (m_proxy.state() != QProcess::NotRunning) {
        m_proxy.terminate();
        m_proxy.waitForFinished(5000);
    }
    m_public = freePort();
    m_dev = freePort();
    while (m_dev == m_public)
        m_dev = freePort();
    QStringList origin = origins;
    for (QString& value : origin)
        value.replace(u"{port}"_s, QString::number(m_public));
    const QStringList command = forge::devServerProxyCommand(
        m_public, m_dev, hosts, origin, {u"node"_s, u"-e"_s, EchoServer, u"--"_s, QString::number(m_dev)});
    m_proxy.setProcessChannelMode(QProcess::MergedChannels);
    m_proxy.start(command.first(), command.mid(1));
    if (!m_proxy.waitForStarted(5000))
        return false;
    QByteArray output;
    while (!output.contains("echo ready") && m_proxy.waitForReadyRead(10'000))
        output += m_proxy.readAll();
    return output.contains("echo ready");
}

void TestDevServerProxy::frameworksThatCheckHostsGoBehindIt()
{
    for (Framework framework :
         {Framework::NextJs, Framework::Vite, Framework::VueCli, Framework::Nuxt, Framework::Astro,
          Framework::SvelteKit, Framework::Angular, Framework::CreateReactApp}) {
        QVERIFY(forge::usesDevServerProxy(framework, RunMode::Dev));
        QVERIFY(!forge::usesDevServerProxy(framework, RunMode::Production));
    }
    QVERIFY(!forge::usesDevServerProxy(Framework::NodeServer, RunMode::Dev));
    QVERIFY(!forge::usesDevServerProxy(Framework::StaticHtml, RunMode::Dev));
}

void TestDevServerProxy::previewOriginsDropDefaultPorts()
{
    QCOMPARE(forge::previewOrigins(QUrl(u"http://127.0.0.1:5173/"_s)),
             QStringList{u"http://127.0.0.1:5173"_s});
    QCOMPARE(forge::previewOrigins(QUrl(u"https://5173-AbC.proxy.daytona.works/"_s)),
             QStringList{u"https://5173-abc.proxy.daytona.works"_s});
    QCOMPARE(forge::previewOrigins(QUrl(u"https://x.example:443/path"_s)),
             QStringList{u"https://x.example"_s});
    QVERIFY(forge::previewOrigins(QUrl(u"file:///tmp"_s)).isEmpty());
}

void TestDevServerProxy::commandKeepsTheDevCommandAfterTheSeparator()
{
    const QStringList command =
        forge::devServerProxyCommand(3000, 3001, ProxyHosts::Any, {u"https://3000-a.proxy.test"_s},
                                     {u"npm"_s, u"run"_s, u"dev"_s, u"--"_s, u"-p"_s});
    QCOMPARE(command.mid(0, 2), (QStringList{u"node"_s, u"-e"_s}));
    QCOMPARE(command.at(2), forge::devServerProxyScript());
    QCOMPARE(command.mid(3),
             (QStringList{u"--"_s, u"3000"_s, u"3001"_s, u"any"_s, u"https://3000-a.proxy.test"_s, u"--"_s,
                          u"npm"_s, u"run"_s, u"dev"_s, u"--"_s, u"-p"_s}));
    QVERIFY(forge::devServerProxyCommand(1, 2, ProxyHosts::Listed, {}, {u"x"_s}).contains(u"listed"_s));
}

void TestDevServerProxy::localPreviewHeadersBecomeLocalhost()
{
    if (QStandardPaths::findExecutable(u"node"_s).isEmpty())
        QSKIP("node is not installed");
    QVERIFY(startProxy(ProxyHosts::Listed, {u"http://127.0.0.1:{port}"_s}));
    const QByteArray own = "127.0.0.1:" + QByteArray::number(m_public);
    const QString local = u"localhost:%1"_s.arg(m_dev);
    const Answer answer = send(m_public, "/_next/static/x.js",
                               {{"Host", own},
                                {"Origin", "http://" + own},
                                {"Referer", "http://" + own + "/page?q=1"},
                                {"Sec-Fetch-Site", "same-origin"}});
    QCOMPARE(answer.status, 200);
    const QJsonObject seen = answer.seen();
    QCOMPARE(seen.value(u"host"_s).toString(), local);
    QCOMPARE(seen.value(u"origin"_s).toString(), u"http://"_s + local);
    QCOMPARE(seen.value(u"referer"_s).toString(), u"http://%1/page?q=1"_s.arg(local));
    QCOMPARE(seen.value(u"sec-fetch-site"_s).toString(), u"same-origin"_s);
    // An answer naming the dev server's own origin names the preview's to the browser.
    QCOMPARE(answer.header("access-control-allow-origin"), u"http://"_s + QString::fromLatin1(own));

    const Answer redirect = send(m_public, "/redirect", {{"Host", own}});
    QCOMPARE(redirect.status, 307);
    QCOMPARE(redirect.header("location"), u"http://%1/there?x=1"_s.arg(QString::fromLatin1(own)));

    // The HMR socket: the same rewriting on the upgrade.
    const Answer upgrade = send(m_public, "/_next/hmr", {{"Host", own}, {"Origin", "http://" + own}}, true);
    QCOMPARE(upgrade.status, 101);
    QCOMPARE(upgrade.seen().value(u"host"_s).toString(), local);
    QCOMPARE(upgrade.seen().value(u"origin"_s).toString(), u"http://"_s + local);
}

void TestDevServerProxy::otherSitesKeepTheirHeaders()
{
    if (QStandardPaths::findExecutable(u"node"_s).isEmpty())
        QSKIP("node is not installed");
    QVERIFY(startProxy(ProxyHosts::Listed, {u"http://127.0.0.1:{port}"_s}));
    const QByteArray own = "127.0.0.1:" + QByteArray::number(m_public);
    // Another site's page in the user's browser: its Origin stays, and the dev server refuses it.
    const QJsonObject crossSite =
        send(m_public, "/_next/hmr", {{"Host", own}, {"Origin", "https://evil.example"}}, true).seen();
    QCOMPARE(crossSite.value(u"origin"_s).toString(), u"https://evil.example"_s);
    // DNS rebinding: a foreign name for 127.0.0.1 keeps its Host, which host checks refuse.
    const QByteArray rebound = "evil.example:" + QByteArray::number(m_public);
    const QJsonObject rebinding =
        send(m_public, "/", {{"Host", rebound}, {"Origin", "http://" + rebound}}).seen();
    QCOMPARE(rebinding.value(u"host"_s).toString(), QString::fromLatin1(rebound));
    QCOMPARE(rebinding.value(u"origin"_s).toString(), u"http://"_s + QString::fromLatin1(rebound));
}

void TestDevServerProxy::behindACloudProxyAnyHostIsThePreviews()
{
    if (QStandardPaths::findExecutable(u"node"_s).isEmpty())
        QSKIP("node is not installed");
    QVERIFY(startProxy(ProxyHosts::Any, {u"https://3000-abc.proxy.daytona.works"_s}));
    const QString local = u"localhost:%1"_s.arg(m_dev);
    const QJsonObject seen = send(m_public, "/_next/hmr",
                                  {{"Host", "3000-abc.proxy.daytona.works"},
                                   {"Origin", "https://3000-abc.proxy.daytona.works"},
                                   {"X-Forwarded-Host", "3000-abc.proxy.daytona.works"}},
                                  true)
                                 .seen();
    QCOMPARE(seen.value(u"host"_s).toString(), local);
    QCOMPARE(seen.value(u"origin"_s).toString(), u"http://"_s + local);
    QCOMPARE(seen.value(u"x-forwarded-host"_s).toString(), local);
    // The preview opened elsewhere (the emulator's address) while the proxy passes its own host name.
    const QJsonObject other =
        send(m_public, "/", {{"Host", "p.proxy.test"}, {"Origin", "https://3000-abc.proxy.daytona.works"}})
            .seen();
    QCOMPARE(other.value(u"origin"_s).toString(), u"http://"_s + local);
    const Answer redirect = send(m_public, "/redirect", {{"Host", "3000-abc.proxy.daytona.works"}});
    QCOMPARE(redirect.header("location"), u"https://3000-abc.proxy.daytona.works/there?x=1"_s);
    // Still never another site's origin.
    const QJsonObject crossSite =
        send(m_public, "/", {{"Host", "3000-abc.proxy.daytona.works"}, {"Origin", "https://evil.example"}})
            .seen();
    QCOMPARE(crossSite.value(u"origin"_s).toString(), u"https://evil.example"_s);
}

void TestDevServerProxy::theDevServersEndIsTheProxys()
{
    if (QStandardPaths::findExecutable(u"node"_s).isEmpty())
        QSKIP("node is not installed");
    QVERIFY(startProxy(ProxyHosts::Listed, {u"http://127.0.0.1:{port}"_s}));
    send(m_public, "/exit", {{"Host", "127.0.0.1"}});
    QVERIFY(m_proxy.waitForFinished(10'000));
    QCOMPARE(m_proxy.exitStatus(), QProcess::NormalExit);
    QCOMPARE(m_proxy.exitCode(), 3);

    // Stopped, it stops the dev server and ends as it did.
    QVERIFY(startProxy(ProxyHosts::Listed, {}));
    m_proxy.terminate();
    QVERIFY(m_proxy.waitForFinished(10'000));
    QCOMPARE(m_proxy.exitStatus(), QProcess::CrashExit); // SIGTERM, passed on and taken over
    QTcpSocket probe;
    probe.connectToHost(QHostAddress::LocalHost, quint16(m_dev));
    QVERIFY(!probe.waitForConnected(1000));
}

QTEST_GUILESS_MAIN(TestDevServerProxy)
#include "tst_devserverproxy.moc"
