// The Daytona emulator driven with raw HTTP (QNetworkAccessManager), checked against what
// docs/daytona-api.md says the real service answers.
#include "DaytonaEmulator.h"

#include <QEventLoop>
#include <QHttpMultiPart>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>
#include <QUrlQuery>
#include <QWebSocket>
#include <memory>

using namespace forge::test;
using namespace Qt::StringLiterals;
using namespace std::chrono_literals;

namespace {

struct Reply
{
    int status = 0;
    QNetworkReply::NetworkError error = QNetworkReply::NoError;
    QByteArray body;
    QList<QNetworkReply::RawHeaderPair> headers;

    QJsonObject json() const { return QJsonDocument::fromJson(body).object(); }
    QByteArray header(const QByteArray& name) const
    {
        for (const auto& [n, v] : headers)
            if (n.compare(name, Qt::CaseInsensitive) == 0)
                return v;
        return {};
    }
};

} // namespace

class TestDaytonaEmulator : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::unique_ptr<DaytonaEmulator> m_emulator;
    QNetworkAccessManager m_network;
    const QByteArray m_key = "test-api-key";

    Reply call(const QByteArray& method, const QUrl& url, const QByteArray& body = {},
               const QList<std::pair<QByteArray, QByteArray>>& headers = {}, bool auth = true,
               int timeoutMs = 60000)
    {
        QNetworkRequest request(url);
        request.setTransferTimeout(timeoutMs);
        request.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::ManualRedirectPolicy);
        if (auth)
            request.setRawHeader("Authorization", "Bearer " + m_key);
        if (!body.isEmpty())
            request.setHeader(QNetworkRequest::ContentTypeHeader, u"application/json"_s);
        for (const auto& [name, value] : headers)
            request.setRawHeader(name, value);
        QNetworkReply* reply = m_network.sendCustomRequest(request, method, body);
        QEventLoop loop;
        connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
        if (!reply->isFinished())
            loop.exec();
        Reply result;
        result.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        result.error = reply->error();
        if (reply->isOpen())
            result.body = reply->readAll();
        result.headers = reply->rawHeaderPairs();
        reply->deleteLater();
        return result;
    }

    QUrl api(const QString& path) const { return QUrl(m_emulator->apiUrl().toString() + path); }

    QUrl toolbox(const QString& id, const QString& path) const
    {
        return QUrl(m_emulator->toolboxProxyUrl().toString() + u'/' + id + path);
    }

    QJsonObject createSandbox(const QJsonObject& body)
    {
        const Reply reply = call("POST", api(u"/sandbox"_s), QJsonDocument(body).toJson());
        if (reply.status != 200)
            qWarning("create answered %d: %s", reply.status, reply.body.constData());
        return reply.json();
    }

    static void checkNestError(const Reply& reply, int status, const QString& message)
    {
        QCOMPARE(reply.status, status);
        const QJsonObject error = reply.json();
        QCOMPARE(error.value(u"statusCode"_s).toInt(), status);
        QVERIFY(error.contains(u"path"_s));
        QVERIFY(error.contains(u"timestamp"_s));
        QVERIFY(error.contains(u"error"_s));
        if (!message.isEmpty())
            QCOMPARE(error.value(u"message"_s).toString(), message);
    }

private Q_SLOTS:
    void init()
    {
        QVERIFY(m_dir.isValid());
        DaytonaEmulator::Options options;
        options.dataDirectory = m_dir.path();
        m_emulator = std::make_unique<DaytonaEmulator>(options);
        QVERIFY(m_emulator->listen());
    }

    void cleanup() { m_emulator.reset(); }

    void refusesRequestsWithoutTheKey()
    {
        const Reply none = call("GET", api(u"/sandbox"_s), {}, {}, false);
        checkNestError(none, 401, u"Unauthorized"_s);
        const Reply wrong = call("GET", api(u"/sandbox"_s), {}, {{"Authorization", "Bearer nope"}}, false);
        QCOMPARE(wrong.status, 401);
        const Reply toolboxNone = call("POST", toolbox(u"x"_s, u"/process/execute"_s), "{}", {}, false);
        QCOMPARE(toolboxNone.status, 401);
        QCOMPARE(toolboxNone.json().value(u"code"_s).toString(), u"UNAUTHORIZED"_s);
        QVERIFY(toolboxNone.json().contains(u"method"_s));
    }

    void lifecycleFollowsTheStateMachine()
    {
        const QJsonObject created = createSandbox(
            {{u"name"_s, u"alpha"_s}, {u"labels"_s, QJsonObject{{u"forge.project"_s, u"p1"_s}}}});
        const QString id = created.value(u"id"_s).toString();
        QVERIFY(!id.isEmpty());
        QCOMPARE(created.value(u"state"_s).toString(), u"started"_s);
        QCOMPARE(created.value(u"name"_s).toString(), u"alpha"_s);
        QCOMPARE(created.value(u"toolboxProxyUrl"_s).toString(), m_emulator->toolboxProxyUrl().toString());
        createSandbox({{u"name"_s, u"beta"_s}, {u"labels"_s, QJsonObject{{u"forge.project"_s, u"p2"_s}}}});

        const Reply duplicate = call("POST", api(u"/sandbox"_s), "{\"name\":\"alpha\"}");
        checkNestError(duplicate, 409, u"Sandbox with name alpha already exists"_s);

        const Reply byName = call("GET", api(u"/sandbox/alpha"_s));
        QCOMPARE(byName.status, 200);
        QCOMPARE(byName.json().value(u"id"_s).toString(), id);

        QUrl listUrl = api(u"/sandbox"_s);
        listUrl.setQuery(QUrlQuery{{u"labels"_s, u"{\"forge.project\":\"p1\"}"_s}});
        const Reply list = call("GET", listUrl);
        QCOMPARE(list.status, 200);
        const QJsonArray items = list.json().value(u"items"_s).toArray();
        QCOMPARE(items.size(), 1);
        QCOMPARE(items.at(0).toObject().value(u"id"_s).toString(), id);
        QVERIFY(list.json().contains(u"nextCursor"_s));

        QUrl pageUrl = api(u"/sandbox"_s);
        pageUrl.setQuery(QUrlQuery{{u"limit"_s, u"1"_s}});
        const Reply page = call("GET", pageUrl);
        QCOMPARE(page.json().value(u"items"_s).toArray().size(), 1);
        const QString cursor = page.json().value(u"nextCursor"_s).toString();
        QVERIFY(!cursor.isEmpty());
        pageUrl.setQuery(QUrlQuery{{u"limit"_s, u"1"_s}, {u"cursor"_s, cursor}});
        const Reply page2 = call("GET", pageUrl);
        QCOMPARE(page2.json().value(u"items"_s).toArray().size(), 1);
        QVERIFY(page2.json().value(u"nextCursor"_s).isNull());

        // Starting a started sandbox answers it as it is (SandboxService.start, v0.190.0).
        const Reply alreadyStarted = call("POST", api(u"/sandbox/"_s + id + u"/start"_s));
        QCOMPARE(alreadyStarted.status, 200);
        QCOMPARE(alreadyStarted.json().value(u"state"_s).toString(), u"started"_s);
        checkNestError(call("POST", api(u"/sandbox/"_s + id + u"/archive"_s)), 400,
                       u"Sandbox is not stopped"_s);

        const Reply stopped = call("POST", api(u"/sandbox/"_s + id + u"/stop"_s));
        QCOMPARE(stopped.status, 200);
        QCOMPARE(stopped.json().value(u"state"_s).toString(), u"stopped"_s);
        checkNestError(call("POST", api(u"/sandbox/"_s + id + u"/stop"_s)), 400,
                       u"Sandbox is not in a stoppable state"_s);

        const Reply started = call("POST", api(u"/sandbox/"_s + id + u"/start"_s));
        QCOMPARE(started.status, 200);
        QCOMPARE(started.json().value(u"state"_s).toString(), u"started"_s);

        // A transition in progress answers 409.
        m_emulator->setTransitionDelay(300ms);
        const Reply stopping = call("POST", api(u"/sandbox/"_s + id + u"/stop"_s));
        QCOMPARE(stopping.json().value(u"state"_s).toString(), u"stopping"_s);
        checkNestError(call("POST", api(u"/sandbox/"_s + id + u"/start"_s)), 409,
                       u"Sandbox state change in progress"_s);
        QTRY_COMPARE(m_emulator->state(id), u"stopped"_s);
        m_emulator->setTransitionDelay(0ms);

        // Archive needs stopped; start restores; toolbox calls need started.
        QCOMPARE(call("POST", api(u"/sandbox/"_s + id + u"/archive"_s)).json().value(u"state"_s).toString(),
                 u"archived"_s);
        QCOMPARE(call("POST", toolbox(id, u"/process/execute"_s), "{\"command\":\"true\"}").status, 400);
        QCOMPARE(call("POST", api(u"/sandbox/"_s + id + u"/start"_s)).json().value(u"state"_s).toString(),
                 u"started"_s);

        // Recover only from a recoverable error.
        checkNestError(call("POST", api(u"/sandbox/"_s + id + u"/recover"_s)), 400, {});
        m_emulator->setSandboxError(id, u"disk full"_s, true);
        const Reply broken = call("GET", api(u"/sandbox/"_s + id));
        QCOMPARE(broken.json().value(u"state"_s).toString(), u"error"_s);
        QCOMPARE(broken.json().value(u"errorReason"_s).toString(), u"disk full"_s);
        QCOMPARE(call("POST", api(u"/sandbox/"_s + id + u"/recover"_s)).json().value(u"state"_s).toString(),
                 u"started"_s);

        const Reply deleted = call("DELETE", api(u"/sandbox/"_s + id));
        QCOMPARE(deleted.status, 200);
        QCOMPARE(deleted.json().value(u"id"_s).toString(), id);
        checkNestError(call("GET", api(u"/sandbox/"_s + id)), 404, {});
        // Labels and auto-stop.
        const QString other = createSandbox({{u"name"_s, u"gamma"_s}}).value(u"id"_s).toString();
        const Reply relabelled = call("PUT", api(u"/sandbox/gamma/labels"_s), "{\"labels\":{\"k\":\"v\"}}");
        QCOMPARE(relabelled.json().value(u"labels"_s).toObject().value(u"k"_s).toString(), u"v"_s);
        const Reply autostop = call("POST", api(u"/sandbox/"_s + other + u"/autostop/0"_s));
        QCOMPARE(autostop.json().value(u"autoStopInterval"_s).toInt(), 0);
        QCOMPARE(autostop.header("X-Daytona-Api-Version").isEmpty(), false);
        QUrl stateUrl = api(u"/sandbox"_s);
        stateUrl.setQuery(u"states=started&name=gamma"_s);
        QCOMPARE(call("GET", stateUrl).json().value(u"items"_s).toArray().size(), 1);
        stateUrl.setQuery(u"states=stopped&name=gamma"_s);
        QCOMPARE(call("GET", stateUrl).json().value(u"items"_s).toArray().size(), 0);
        QCOMPARE(call("GET", api(u"/config"_s)).json().value(u"proxyToolboxUrl"_s).toString(),
                 m_emulator->toolboxProxyUrl().toString());
    }

    void createCanBeSlowOrFail()
    {
        // Past the server's wait for `started` the create answers in the state of the moment.
        m_emulator->setTransitionDelay(200ms);
        m_emulator->setStartedWait(0ms);
        const QJsonObject creating = createSandbox({{u"name"_s, u"slow"_s}});
        QCOMPARE(creating.value(u"state"_s).toString(), u"creating"_s);
        const QString id = creating.value(u"id"_s).toString();
        checkNestError(call("POST", api(u"/sandbox/"_s + id + u"/stop"_s)), 409,
                       u"Sandbox state change in progress"_s);
        QTRY_COMPARE(call("GET", api(u"/sandbox/"_s + id)).json().value(u"state"_s).toString(), u"started"_s);
        const QJsonObject built = createSandbox(
            {{u"name"_s, u"built"_s},
             {u"buildInfo"_s, QJsonObject{{u"dockerfileContent"_s, u"FROM node:22-bookworm\n"_s}}},
             {u"cpu"_s, 2}});
        QCOMPARE(built.value(u"state"_s).toString(), u"pending_build"_s);
        QCOMPARE(built.value(u"cpu"_s).toInt(), 2);
        m_emulator->setTransitionDelay(0ms);

        m_emulator->failNextSandboxCreate(u"boom"_s, true);
        checkNestError(call("POST", api(u"/sandbox"_s), "{\"name\":\"broken\"}"), 400,
                       u"Sandbox failed to start: boom"_s);
        const Reply broken = call("GET", api(u"/sandbox/broken"_s));
        QCOMPARE(broken.json().value(u"state"_s).toString(), u"error"_s);
        QCOMPARE(broken.json().value(u"recoverable"_s).toBool(), true);
        const Reply recovered = call("POST", api(u"/sandbox/broken/recover"_s));
        QCOMPARE(recovered.status, 200);
        QCOMPARE(recovered.json().value(u"state"_s).toString(), u"started"_s);
        const Reply works =
            call("POST", toolbox(recovered.json().value(u"id"_s).toString(), u"/process/execute"_s),
                 "{\"command\":\"echo ok\"}");
        QCOMPARE(works.json().value(u"result"_s).toString(), u"ok\n"_s);
    }

    void createValidatesResources()
    {
        checkNestError(call("POST", api(u"/sandbox"_s), "{\"cpu\":2}"), 400,
                       u"Cannot specify Sandbox resources when using a snapshot"_s);
        // An organisation's default per-sandbox maximum is 4 CPU, 8 GB memory, 10 GB disk, answered
        // in validateOrganizationQuotas's words (apps/api sandbox.service.ts, v0.190.0).
        const QByteArray large = R"({"buildInfo":{"dockerfileContent":"FROM node:22-bookworm\n"},)"
                                 R"("cpu":4,"memory":8,"disk":20})";
        checkNestError(call("POST", api(u"/sandbox"_s), large), 400,
                       u"Disk request 20GB exceeds maximum allowed per sandbox (10GB).\nNeed higher resource "
                       u"limits per-sandbox? Contact us at support@daytona.io and let us know about your use "
                       u"case."_s);
        forge::test::DaytonaOrganization raised;
        raised.maxDiskPerSandbox = 20;
        m_emulator->setOrganization(raised);
        QCOMPARE(call("POST", api(u"/sandbox"_s), large).status, 200);
    }

    void executesRealCommands()
    {
        const QString id = createSandbox({{u"name"_s, u"exec"_s}}).value(u"id"_s).toString();
        const Reply hi = call("POST", toolbox(id, u"/process/execute"_s), "{\"command\":\"echo hi\"}");
        QCOMPARE(hi.status, 200);
        QCOMPARE(hi.json().value(u"exitCode"_s).toInt(), 0);
        QCOMPARE(hi.json().value(u"result"_s).toString().trimmed(), u"hi"_s);

        const Reply failing = call("POST", toolbox(id, u"/process/execute"_s),
                                   "{\"command\":\"echo $FOO >&2; exit 3\",\"envs\":{\"FOO\":\"bar\"}}");
        QCOMPARE(failing.status, 200);
        QCOMPARE(failing.json().value(u"exitCode"_s).toInt(), 3);
        QCOMPARE(failing.json().value(u"result"_s).toString().trimmed(), u"bar"_s);

        const Reply timedOut =
            call("POST", toolbox(id, u"/process/execute"_s), "{\"command\":\"sleep 30\",\"timeout\":1}");
        QCOMPARE(timedOut.status, 408);
        QCOMPARE(timedOut.json().value(u"code"_s).toString(), u"REQUEST_TIMEOUT"_s);
    }

    void sessionCommandLogs()
    {
        const QString id = createSandbox({{u"name"_s, u"sessions"_s}}).value(u"id"_s).toString();
        QCOMPARE(call("POST", toolbox(id, u"/process/session"_s), "{\"sessionId\":\"s1\"}").status, 201);
        QCOMPARE(call("POST", toolbox(id, u"/process/session"_s), "{\"sessionId\":\"s1\"}").status, 409);
        const Reply exec = call("POST", toolbox(id, u"/process/session/s1/exec"_s),
                                "{\"command\":\"echo out; echo err >&2\",\"runAsync\":true}");
        QCOMPARE(exec.status, 202);
        const QString cmdId = exec.json().value(u"cmdId"_s).toString();
        QVERIFY(!cmdId.isEmpty());
        const QUrl commandUrl = toolbox(id, u"/process/session/s1/command/"_s + cmdId);
        QTRY_VERIFY_WITH_TIMEOUT(call("GET", commandUrl).json().contains(u"exitCode"_s), 20000);
        QCOMPARE(call("GET", commandUrl).json().value(u"exitCode"_s).toInt(), 0);

        const QUrl logsUrl = toolbox(id, u"/process/session/s1/command/"_s + cmdId + u"/logs"_s);
        const Reply split = call("GET", logsUrl, {}, {{"X-Daytona-SDK-Version", "0.190.0"}});
        QCOMPARE(split.json().value(u"stdout"_s).toString(), u"out\n"_s);
        QCOMPARE(split.json().value(u"stderr"_s).toString(), u"err\n"_s);
        const QByteArray raw = split.json().value(u"output"_s).toString().toUtf8();
        QVERIFY(raw.contains("\x01\x01\x01out\n"));
        QVERIFY(raw.contains(QByteArray(QByteArray("\x02\x02\x02") + "err\n")));
        const Reply plain = call("GET", logsUrl);
        QVERIFY(!plain.body.contains('\x01'));
        QVERIFY(plain.body.contains("out\n"));
        const Reply marked = call("GET", logsUrl, {}, {{"X-Daytona-Split-Output", "true"}});
        QVERIFY(marked.body.contains("\x01\x01\x01out\n"));

        const Reply sync = call("POST", toolbox(id, u"/process/session/s1/exec"_s),
                                "{\"command\":\"echo sync\"}", {{"X-Daytona-SDK-Version", "0.190.0"}});
        QCOMPARE(sync.status, 200);
        QCOMPARE(sync.json().value(u"stdout"_s).toString(), u"sync\n"_s);
        QCOMPARE(sync.json().value(u"exitCode"_s).toInt(), 0);

        // The session keeps its working folder and exported variables between commands.
        const QUrl execUrl = toolbox(id, u"/process/session/s1/exec"_s);
        QCOMPARE(call("POST", execUrl, "{\"command\":\"mkdir -p sub && cd sub && export FOO=kept\"}").status,
                 200);
        const Reply state = call("POST", execUrl, "{\"command\":\"echo $FOO; pwd\"}");
        QCOMPARE(state.status, 200);
        const QStringList lines = state.json().value(u"output"_s).toString().trimmed().split(u'\n');
        QCOMPARE(lines.value(0), u"kept"_s);
        QVERIFY2(lines.value(1).endsWith(u"/sub"_s), qPrintable(lines.value(1)));
        QCOMPARE(call("DELETE", toolbox(id, u"/process/session/s1"_s)).status, 204);
        QCOMPARE(call("GET", toolbox(id, u"/process/session/s1"_s)).status, 404);
    }

    void followsLogsOverAWebSocket()
    {
        const QString id = createSandbox({{u"name"_s, u"follow"_s}}).value(u"id"_s).toString();
        QCOMPARE(call("POST", toolbox(id, u"/process/session"_s), "{\"sessionId\":\"f\"}").status, 201);
        const Reply exec = call("POST", toolbox(id, u"/process/session/f/exec"_s),
                                "{\"command\":\"echo one; sleep 0.5; echo two >&2\",\"runAsync\":true}");
        const QString cmdId = exec.json().value(u"cmdId"_s).toString();
        QUrl url = toolbox(id, u"/process/session/f/command/"_s + cmdId + u"/logs"_s);
        url.setScheme(u"ws"_s);
        url.setQuery(u"follow=true"_s);
        QNetworkRequest request(url);
        request.setRawHeader("Authorization", "Bearer " + m_key);
        request.setRawHeader("X-Daytona-SDK-Version", "0.190.0");
        QWebSocket socket;
        QByteArray received;
        connect(&socket, &QWebSocket::binaryMessageReceived, this,
                [&received](const QByteArray& bytes) { received += bytes; });
        QSignalSpy closed(&socket, &QWebSocket::disconnected);
        socket.open(request);
        QVERIFY(closed.wait(20000));
        QCOMPARE(socket.closeCode(), QWebSocketProtocol::CloseCodeNormal);
        QVERIFY2(received.contains("\x01\x01\x01one\n"), received.constData());
        QVERIFY2(received.contains(QByteArray(QByteArray("\x02\x02\x02") + "two\n")), received.constData());

        // Without the upgrade it is refused.
        QUrl plain = url;
        plain.setScheme(u"http"_s);
        QCOMPARE(call("GET", plain).status, 400);

        // A stream that closes early: what existed, then a normal close while the command runs.
        m_emulator->setLogStreamClosesEarly(true);
        const Reply slow = call("POST", toolbox(id, u"/process/session/f/exec"_s),
                                "{\"command\":\"echo early; sleep 30\",\"runAsync\":true}");
        const QString slowId = slow.json().value(u"cmdId"_s).toString();
        const QUrl slowLogs = toolbox(id, u"/process/session/f/command/"_s + slowId + u"/logs"_s);
        QTRY_VERIFY_WITH_TIMEOUT(call("GET", slowLogs).body.contains("early"), 20000);
        QUrl slowUrl = slowLogs;
        slowUrl.setScheme(u"ws"_s);
        slowUrl.setQuery(u"follow=true"_s);
        QNetworkRequest slowRequest(slowUrl);
        slowRequest.setRawHeader("Authorization", "Bearer " + m_key);
        QWebSocket early;
        QByteArray earlyBytes;
        connect(&early, &QWebSocket::binaryMessageReceived, this,
                [&earlyBytes](const QByteArray& bytes) { earlyBytes += bytes; });
        QSignalSpy earlyClosed(&early, &QWebSocket::disconnected);
        early.open(slowRequest);
        QVERIFY(earlyClosed.wait(20000));
        QCOMPARE(earlyBytes, QByteArray("early\n"));
        QVERIFY(!call("GET", toolbox(id, u"/process/session/f/command/"_s + slowId))
                     .json()
                     .contains(u"exitCode"_s));
        m_emulator->setLogStreamClosesEarly(false);
        m_emulator->setLogStreamRefused(true);
        QWebSocket refused;
        QSignalSpy refusedClosed(&refused, &QWebSocket::disconnected);
        QSignalSpy refusedOpened(&refused, &QWebSocket::connected);
        refused.open(slowRequest);
        QVERIFY(refusedClosed.wait(20000));
        QCOMPARE(refusedOpened.size(), 0);
        m_emulator->setLogStreamRefused(false);
    }

    void previewProxyForwardsWithTheToken()
    {
        const QString id = createSandbox({{u"name"_s, u"preview"_s}}).value(u"id"_s).toString();
        int port = 0;
        {
            QTcpServer probe;
            QVERIFY(probe.listen(QHostAddress::LocalHost));
            port = probe.serverPort();
        }
        const Reply link = call("GET", api(u"/sandbox/%1/ports/%2/preview-url"_s.arg(id).arg(port)));
        QCOMPARE(link.status, 200);
        QCOMPARE(link.json().value(u"sandboxId"_s).toString(), id);
        const QUrl url(link.json().value(u"url"_s).toString());
        const QByteArray token = link.json().value(u"token"_s).toString().toUtf8();
        QVERIFY(!token.isEmpty());

        // Nothing listens yet: 502.
        QCOMPARE(call("GET", url, {}, {{"x-daytona-preview-token", token}}, false).status, 502);

        call("POST", toolbox(id, u"/process/execute"_s), "{\"command\":\"echo hello-preview > index.html\"}");
        QCOMPARE(call("POST", toolbox(id, u"/process/session"_s), "{\"sessionId\":\"dev\"}").status, 201);
        const QByteArray serve = "{\"command\":\"exec python3 -m http.server " + QByteArray::number(port) +
                                 " --bind 127.0.0.1\",\"runAsync\":true}";
        QCOMPARE(call("POST", toolbox(id, u"/process/session/dev/exec"_s), serve).status, 202);

        QTRY_COMPARE_WITH_TIMEOUT(call("GET", url, {}, {{"x-daytona-preview-token", token}}, false).status,
                                  200, 20000);
        const Reply page = call("GET", QUrl(url.toString() + u"/index.html"_s), {},
                                {{"x-daytona-preview-token", token}}, false);
        QCOMPARE(page.body.trimmed(), QByteArray("hello-preview"));
        // Without a valid token: a 307 to the sign-in page, as Daytona's proxy answers (issue 17).
        QCOMPARE(call("GET", url, {}, {}, false).status, 307);
        QCOMPARE(call("GET", url, {}, {{"x-daytona-preview-token", "wrong"}}, false).status, 307);

        // A signed URL needs no header until it is revoked.
        const Reply signedLink = call(
            "GET", api(u"/sandbox/%1/ports/%2/signed-preview-url?expiresInSeconds=120"_s.arg(id).arg(port)));
        QCOMPARE(signedLink.status, 200);
        QCOMPARE(signedLink.json().value(u"port"_s).toInt(), port);
        const QUrl signedUrl(signedLink.json().value(u"url"_s).toString());
        QCOMPARE(call("GET", signedUrl, {}, {}, false).status, 200);
        const QString signedToken = signedLink.json().value(u"token"_s).toString();
        QCOMPARE(
            call("POST", api(u"/sandbox/%1/ports/%2/signed-preview-url/%3/expire"_s.arg(id).arg(port).arg(
                             signedToken)))
                .status,
            200);
        QCOMPARE(call("GET", signedUrl, {}, {}, false).status, 307);

        // A public sandbox needs no token.
        const QString publicId =
            createSandbox({{u"name"_s, u"open"_s}, {u"public"_s, true}}).value(u"id"_s).toString();
        const Reply publicLink =
            call("GET", api(u"/sandbox/%1/ports/%2/preview-url"_s.arg(publicId).arg(port)));
        QCOMPARE(call("GET", QUrl(publicLink.json().value(u"url"_s).toString()), {}, {}, false).status, 200);
    }

    void faultsAreInjected()
    {
        m_emulator->failNext("GET", u"^/api/sandbox$"_s, 503);
        checkNestError(call("GET", api(u"/sandbox"_s)), 503, {});
        QCOMPARE(call("GET", api(u"/sandbox"_s)).status, 200); // only the next one

        m_emulator->rateLimitNext("POST", u"^/api/sandbox$"_s, "Retry-After-sandbox-create", 7);
        const Reply limited = call("POST", api(u"/sandbox"_s), "{}");
        QCOMPARE(limited.status, 429);
        QCOMPARE(limited.header("Retry-After-sandbox-create"), QByteArray("7"));

        m_emulator->failNext({}, u"^/api/sandbox"_s, 409, 2);
        QCOMPARE(call("GET", api(u"/sandbox"_s)).status, 409);
        QCOMPARE(call("GET", api(u"/sandbox"_s)).status, 409);
        QCOMPARE(call("GET", api(u"/sandbox"_s)).status, 200);

        m_emulator->malformNext("GET", u"^/api/sandbox$"_s);
        const Reply malformed = call("GET", api(u"/sandbox"_s));
        QCOMPARE(malformed.status, 200);
        QVERIFY(QJsonDocument::fromJson(malformed.body).isNull());

        m_emulator->delayNext("GET", u"^/api/sandbox$"_s, 400ms);
        QElapsedTimer timer;
        timer.start();
        QCOMPARE(call("GET", api(u"/sandbox"_s)).status, 200);
        QVERIFY(timer.elapsed() >= 400);

        m_emulator->hangNext("GET", u"^/api/sandbox$"_s);
        const Reply hung = call("GET", api(u"/sandbox"_s), {}, {}, true, 500);
        QCOMPARE(hung.status, 0);
        QVERIFY(hung.error != QNetworkReply::NoError);

        // Toolbox routes fail in the Go shape.
        m_emulator->failNext("POST", u"/process/execute$"_s, 502);
        const Reply toolboxFault = call("POST", toolbox(u"any"_s, u"/process/execute"_s), "{}");
        QCOMPARE(toolboxFault.status, 502);
        QCOMPARE(toolboxFault.json().value(u"code"_s).toString(), u"BAD_GATEWAY"_s);
        QCOMPARE(toolboxFault.json().value(u"method"_s).toString(), u"POST"_s);

        // External stop and disappearance.
        const QString id = createSandbox({{u"name"_s, u"victim"_s}}).value(u"id"_s).toString();
        m_emulator->stopSandboxExternally(id);
        QCOMPARE(call("GET", api(u"/sandbox/"_s + id)).json().value(u"state"_s).toString(), u"stopped"_s);
        m_emulator->removeSandboxExternally(id);
        QCOMPARE(call("GET", api(u"/sandbox/"_s + id)).status, 404);

        // The request log.
        const QList<DaytonaRequest> log = m_emulator->requests();
        QVERIFY(m_emulator->requestCount() >= 10);
        QCOMPARE(log.first().method, QByteArray("GET"));
        QCOMPARE(log.first().path(), QByteArray("/api/sandbox"));
        QCOMPARE(log.first().status, 503);
        QCOMPARE(log.first().header("Authorization"), "Bearer " + m_key);
    }

    void skipActivityHeaderIsRespected()
    {
        const QString id = createSandbox({{u"name"_s, u"idle"_s}}).value(u"id"_s).toString();
        const QDateTime before = m_emulator->lastActivity(id).value();
        QTRY_VERIFY(QDateTime::currentDateTimeUtc() > before.addMSecs(5));
        call("POST", toolbox(id, u"/process/execute"_s), "{\"command\":\"true\"}",
             {{"X-Daytona-Skip-Last-Activity-Update", "true"}});
        QCOMPARE(m_emulator->lastActivity(id).value(), before);
        call("POST", toolbox(id, u"/process/execute"_s), "{\"command\":\"true\"}");
        QVERIFY(m_emulator->lastActivity(id).value() > before);
        const QDateTime afterExec = m_emulator->lastActivity(id).value();
        QTRY_VERIFY(QDateTime::currentDateTimeUtc() > afterExec.addMSecs(5));
        QVERIFY(call("POST", api(u"/sandbox/"_s + id + u"/last-activity"_s)).status < 300);
        QVERIFY(m_emulator->lastActivity(id).value() > afterExec);
    }

    void filesLiveInTheWorkspace()
    {
        const QString id = createSandbox({{u"name"_s, u"files"_s}}).value(u"id"_s).toString();
        QCOMPARE(call("POST", toolbox(id, u"/files/folder?path=src&mode=0755"_s)).status, 201);
        const Reply uploaded = call("POST", toolbox(id, u"/files/upload-v2?path=src/a.txt"_s), "hello file");
        QCOMPARE(uploaded.status, 200);
        const Reply listed = call("GET", toolbox(id, u"/files?path=src"_s));
        QCOMPARE(listed.status, 200);
        const QJsonArray entries = QJsonDocument::fromJson(listed.body).array();
        QCOMPARE(entries.size(), 1);
        QCOMPARE(entries.at(0).toObject().value(u"name"_s).toString(), u"a.txt"_s);
        QCOMPARE(entries.at(0).toObject().value(u"size"_s).toInt(), 10);
        QCOMPARE(entries.at(0).toObject().value(u"isDir"_s).toBool(), false);
        const Reply info = call("GET", toolbox(id, u"/files/info?path=src"_s));
        QCOMPARE(info.json().value(u"isDir"_s).toBool(), true);
        QCOMPARE(info.json().value(u"permissions"_s).toString(), u"0755"_s);
        QCOMPARE(call("GET", toolbox(id, u"/files/download?path=src/a.txt"_s)).body,
                 QByteArray("hello file"));
        const Reply cat =
            call("POST", toolbox(id, u"/process/execute"_s), "{\"command\":\"cat a.txt\",\"cwd\":\"src\"}");
        QCOMPARE(cat.json().value(u"result"_s).toString(), u"hello file"_s);
        // Bulk upload (multipart, path part before file part), as the SDK's uploadFile sends it.
        {
            QHttpMultiPart multipart(QHttpMultiPart::FormDataType);
            QHttpPart pathPart;
            pathPart.setHeader(QNetworkRequest::ContentDispositionHeader,
                               u"form-data; name=\"files[0].path\""_s);
            pathPart.setBody("src/deep/b.bin");
            QHttpPart filePart;
            filePart.setHeader(QNetworkRequest::ContentDispositionHeader,
                               u"form-data; name=\"files[0].file\"; filename=\"b.bin\""_s);
            filePart.setBody(QByteArray("\r\nbinary\0data\r\n", 15));
            multipart.append(pathPart);
            multipart.append(filePart);
            QNetworkRequest request(toolbox(id, u"/files/bulk-upload"_s));
            request.setRawHeader("Authorization", "Bearer " + m_key);
            QNetworkReply* reply = m_network.post(request, &multipart);
            QSignalSpy finished(reply, &QNetworkReply::finished);
            QVERIFY(finished.wait(20000));
            QCOMPARE(reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 200);
            const QJsonObject answer = QJsonDocument::fromJson(reply->readAll()).object();
            QCOMPARE(answer.value(u"files"_s).toArray().at(0).toObject().value(u"bytes"_s).toInt(), 15);
            delete reply;
        }
        QCOMPARE(call("GET", toolbox(id, u"/files/download?path=src/deep/b.bin"_s)).body,
                 QByteArray("\r\nbinary\0data\r\n", 15));
        QCOMPARE(call("DELETE", toolbox(id, u"/files?path=src"_s)).status, 400); // needs recursive
        QCOMPARE(call("DELETE", toolbox(id, u"/files?path=src&recursive=true"_s)).status, 204);
        QCOMPARE(call("GET", toolbox(id, u"/files/info?path=src"_s)).status, 404);
        QCOMPARE(call("GET", toolbox(id, u"/files?path=../.."_s)).status, 400);
    }

    void gitCloneBodiesAreRecorded()
    {
        const QString id = createSandbox({{u"name"_s, u"git"_s}}).value(u"id"_s).toString();
        const Reply clone =
            call("POST", toolbox(id, u"/git/clone"_s),
                 "{\"url\":\"https://127.0.0.1:1/none.git\",\"path\":\"repo\",\"insecure_skip_tls\":true}");
        QVERIFY(clone.status >= 400); // nothing serves that URL
        QCOMPARE(m_emulator->gitCloneBodies().size(), 1);
        QCOMPARE(m_emulator->gitCloneBodies().first().value(u"insecure_skip_tls"_s).toBool(), true);
    }
};

QTEST_GUILESS_MAIN(TestDaytonaEmulator)
#include "tst_daytonaemulator.moc"
