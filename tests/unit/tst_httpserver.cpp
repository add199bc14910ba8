// The test HTTP server every fake is built on (tests/support/http): its parser on byte streams
// split any way, and the server over real sockets: answers, 400s, keep-alive with pipelining, held
// answers, hangs, and sockets handed over for a WebSocket or a broken answer.

#include "HttpServer.h"
#include "RequestParser.h"

#include <QSignalSpy>
#include <QTcpSocket>
#include <QTest>

using namespace Qt::StringLiterals;
using forge::test::HttpExchange;
using forge::test::HttpResponse;
using forge::test::HttpServer;
using forge::test::RecordedRequest;
using forge::test::RequestParser;
using Progress = RequestParser::Progress;

namespace {

// A client on a raw socket: sends exactly the given bytes and keeps everything that comes back.
class RawClient : public QObject
{
public:
    explicit RawClient(quint16 port)
    {
        connect(&socket, &QTcpSocket::readyRead, this, [this] { received += socket.readAll(); });
        connect(&socket, &QTcpSocket::disconnected, this, [this] { closed = true; });
        socket.connectToHost(QHostAddress::LocalHost, port);
        socket.waitForConnected(10000); // the kernel accepts for the listening server
    }
    void send(const QByteArray& bytes)
    {
        socket.write(bytes);
        socket.flush();
    }
    QTcpSocket socket;
    QByteArray received;
    bool closed = false;
};

QByteArray get(const QByteArray& path, const QByteArray& extraHeaders = {})
{
    return "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + extraHeaders + "\r\n";
}

// A server that answers every request with its own path as a text body.
std::unique_ptr<HttpServer> echoServer()
{
    auto server = std::make_unique<HttpServer>();
    server->setHandler([](const RecordedRequest& request, const std::shared_ptr<HttpExchange>& exchange) {
        exchange->send(HttpResponse::text(200, request.path()));
    });
    return server;
}

} // namespace

class TestHttpServer : public QObject
{
    Q_OBJECT
private slots:
    void parsesAContentLengthBodyFedByteByByte()
    {
        const QByteArray wire = "POST /upload?x=1&y=%20 HTTP/1.1\r\nHost: h\r\nContent-Length: 11\r\n"
                                "X-Name :  spaced  \r\n\r\nhello world";
        RequestParser parser;
        for (qsizetype i = 0; i < wire.size() - 1; ++i) {
            parser.append(wire.mid(i, 1));
            QCOMPARE(parser.parse(), Progress::NeedMore);
        }
        parser.append(wire.right(1));
        QCOMPARE(parser.parse(), Progress::Complete);
        const RecordedRequest request = parser.takeRequest();
        QCOMPARE(request.method, "POST"_ba);
        QCOMPARE(request.target, "/upload?x=1&y=%20"_ba);
        QCOMPARE(request.path(), "/upload"_ba);
        QCOMPARE(request.queryItems().queryItemValue(u"y"_s, QUrl::FullyDecoded), u" "_s);
        QCOMPARE(request.header("x-name"), "spaced"_ba);
        QCOMPARE(request.body, "hello world"_ba);
        QVERIFY(!parser.closeRequested());
    }

    void parsesAChunkedBodyWithExtensionsAndTrailers()
    {
        RequestParser parser;
        parser.append(
            "POST /c HTTP/1.1\r\nTransfer-Encoding: chunked\r\nExpect: 100-continue\r\n\r\n5;ext=1\r\nhel");
        QCOMPARE(parser.parse(), Progress::NeedMore);
        QVERIFY(parser.takeContinueExpected());
        QVERIFY(!parser.takeContinueExpected()); // once per request
        parser.append("lo\r\nA\r\n, chunked!\r");
        QCOMPARE(parser.parse(), Progress::NeedMore);
        parser.append("\n0\r\nX-Trailer: yes\r\n");
        QCOMPARE(parser.parse(), Progress::NeedMore);
        parser.append("\r\n");
        QCOMPARE(parser.parse(), Progress::Complete);
        QCOMPARE(parser.takeRequest().body, "hello, chunked!"_ba);
    }

    void splitsPipelinedRequests()
    {
        RequestParser parser;
        parser.append(get("/one") + "POST /two HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc" +
                      get("/three", "Connection: close\r\n"));
        QCOMPARE(parser.parse(), Progress::Complete);
        QCOMPARE(parser.takeRequest().target, "/one"_ba);
        QCOMPARE(parser.parse(), Progress::Complete);
        const RecordedRequest second = parser.takeRequest();
        QCOMPARE(second.target, "/two"_ba);
        QCOMPARE(second.body, "abc"_ba);
        QCOMPARE(parser.parse(), Progress::Complete);
        QVERIFY(parser.closeRequested());
        QCOMPARE(parser.takeRequest().target, "/three"_ba);
        QCOMPARE(parser.parse(), Progress::NeedMore);
    }

    void rejectsMalformedRequests_data()
    {
        QTest::addColumn<QByteArray>("wire");
        QTest::addColumn<int>("status");
        QTest::newRow("two-word request line") << "GET /\r\n\r\n"_ba << 400;
        QTest::newRow("not HTTP/1") << "GET / HTTP/2.0\r\n\r\n"_ba << 400;
        QTest::newRow("bad length") << "POST / HTTP/1.1\r\nContent-Length: ten\r\n\r\n"_ba << 400;
        QTest::newRow("negative length") << "POST / HTTP/1.1\r\nContent-Length: -1\r\n\r\n"_ba << 400;
        QTest::newRow("huge length") << "POST / HTTP/1.1\r\nContent-Length: 99999999999\r\n\r\n"_ba << 413;
        QTest::newRow("bad chunk size")
            << "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n"_ba << 400;
        QTest::newRow("chunk overruns")
            << "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabc\r\n"_ba << 400;
        QTest::newRow("endless head") << "GET / HTTP/1.1\r\nX: "_ba + QByteArray(70 * 1024, 'a') << 400;
    }
    void rejectsMalformedRequests()
    {
        QFETCH(QByteArray, wire);
        QFETCH(int, status);
        RequestParser parser;
        parser.append(wire);
        QCOMPARE(parser.parse(), Progress::Failed);
        QCOMPARE(parser.failureStatus(), status);
    }

    void answersRecordsAndCloses()
    {
        auto server = echoServer();
        QVERIFY(server->listen());
        QSignalSpy answered(server.get(), &HttpServer::requestAnswered);
        RawClient client(server->port());
        client.send("POST /echo HTTP/1.1\r\nContent-Length: 2\r\nAuthorization: Bearer t\r\n\r\nhi");
        QTRY_VERIFY(client.closed);
        QVERIFY2(client.received.startsWith("HTTP/1.1 200 OK\r\n"), client.received.constData());
        QVERIFY(client.received.contains("\r\nConnection: close\r\n"));
        QVERIFY(client.received.endsWith("\r\nContent-Length: 5\r\nConnection: close\r\n\r\n/echo"));
        QCOMPARE(server->requests().size(), 1);
        const RecordedRequest recorded = server->requests().constFirst();
        QCOMPARE(recorded.status, 200);
        QCOMPARE(recorded.body, "hi"_ba);
        QCOMPARE(recorded.header("authorization"), "Bearer t"_ba);
        QCOMPARE(answered.size(), 1);
        QCOMPARE(server->connectionCount(), 1);
        QCOMPARE(server->requestsTo("/echo").size(), 1);
        server->clearRequests();
        QVERIFY(server->requests().isEmpty());
    }

    void malformedRequestGets400()
    {
        auto server = echoServer();
        QVERIFY(server->listen());
        RawClient client(server->port());
        client.send("POST /x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n");
        QTRY_VERIFY(client.closed);
        QVERIFY2(client.received.startsWith("HTTP/1.1 400 Bad Request\r\n"), client.received.constData());
        // Its head was read, so it is on record with the answer it got.
        QCOMPARE(server->requests().size(), 1);
        QCOMPARE(server->requests().constFirst().status, 400);
    }

    void expectContinueIsAnsweredBeforeTheBody()
    {
        auto server = echoServer();
        QVERIFY(server->listen());
        RawClient client(server->port());
        client.send("PUT /big HTTP/1.1\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\n");
        QTRY_COMPARE(client.received, "HTTP/1.1 100 Continue\r\n\r\n"_ba);
        client.send("data");
        QTRY_VERIFY(client.closed);
        QVERIFY(client.received.startsWith("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\n"));
    }

    // Keep-alive: three requests in one write, the first answered late, come back in order on
    // one connection; "Connection: close" on the last ends it.
    void keepAliveAnswersPipelinedRequestsInOrder()
    {
        HttpServer server;
        server.setKeepAlive(true);
        std::shared_ptr<HttpExchange> held;
        server.setHandler([&](const RecordedRequest& request, const std::shared_ptr<HttpExchange>& exchange) {
            if (request.path() == "/slow")
                held = exchange;
            else
                exchange->send(HttpResponse::text(200, request.path()));
        });
        QVERIFY(server.listen());
        RawClient client(server.port());
        client.send(get("/slow") + get("/fast") + get("/last", "Connection: close\r\n"));
        QTRY_VERIFY(held);
        QVERIFY(client.received.isEmpty()); // /fast waits behind /slow: the order below shows it
        held->send(HttpResponse::text(200, "/slow"));
        QTRY_VERIFY(client.closed);
        const qsizetype slow = client.received.indexOf("\r\n\r\n/slow");
        const qsizetype fast = client.received.indexOf("\r\n\r\n/fast");
        const qsizetype last = client.received.indexOf("\r\n\r\n/last");
        QVERIFY2(slow >= 0 && slow < fast && fast < last, client.received.constData());
        QCOMPARE(client.received.count("Connection: close"), 1);
        QCOMPARE(server.connectionCount(), 1);
        QCOMPARE(server.requests().size(), 3);
    }

    // A hang: nothing is sent, the connection stays open, and once the client is gone the
    // exchange is closed and sending does nothing.
    void aHeldAnswerOutlivesItsClientSafely()
    {
        HttpServer server;
        std::shared_ptr<HttpExchange> held;
        server.setHandler(
            [&](const RecordedRequest&, const std::shared_ptr<HttpExchange>& exchange) { held = exchange; });
        QVERIFY(server.listen());
        auto client = std::make_unique<RawClient>(server.port());
        client->send(get("/hang"));
        QTRY_VERIFY(held);
        QVERIFY(held->isOpen());
        QVERIFY(held->isInProgress());
        QVERIFY(held->context());
        client.reset();
        QTRY_VERIFY(!held->isOpen());
        QVERIFY(!held->context());
        held->send(HttpResponse::text(200, "late"));
        QCOMPARE(server.requests().constFirst().status, 0);
    }

    // The upgrade hand-off: 101 with the accept key of RFC 6455's example, then the socket is the
    // handler's: what either side writes next passes untouched.
    void handsAWebSocketUpgradeOver()
    {
        HttpServer server;
        QPointer<QTcpSocket> upgraded;
        std::weak_ptr<HttpExchange> exchangeSeen; // the connection keeps it while it lasts
        server.setHandler([&](const RecordedRequest& request, const std::shared_ptr<HttpExchange>& exchange) {
            exchangeSeen = exchange;
            upgraded = exchange->acceptWebSocket(request);
            upgraded->write("frames");
        });
        QVERIFY(server.listen());
        RawClient client(server.port());
        client.send(get("/ws", "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                               "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                               "Sec-WebSocket-Protocol: chat, superchat\r\nSec-WebSocket-Version: 13\r\n"));
        QTRY_VERIFY(client.received.endsWith("\r\n\r\nframes"));
        QVERIFY2(client.received.startsWith("HTTP/1.1 101 Switching Protocols\r\n"),
                 client.received.constData());
        QVERIFY(client.received.contains("Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n"));
        QVERIFY(client.received.contains("Sec-WebSocket-Protocol: chat\r\n"));
        QVERIFY(!client.received.contains("Content-Length"));
        QVERIFY(exchangeSeen.lock()->isTakenOver() && exchangeSeen.lock()->isInProgress());
        QCOMPARE(server.requests().constFirst().status, 101);

        QByteArray fromClient;
        connect(upgraded, &QTcpSocket::readyRead, this, [&] { fromClient += upgraded->readAll(); });
        client.send(get("/not-parsed"));
        QTRY_COMPARE(fromClient, get("/not-parsed"));
        QCOMPARE(server.requests().size(), 1);
        client.socket.disconnectFromHost();
        QTRY_VERIFY(!upgraded); // the server still deletes the socket when the client goes
        QVERIFY(exchangeSeen.expired());
    }

    // A faulty answer: the handler takes the socket, writes half a response and cuts it.
    void aTakenOverSocketCanBreakTheAnswerOff()
    {
        HttpServer server;
        QSignalSpy answered(&server, &HttpServer::requestAnswered);
        server.setHandler([](const RecordedRequest&, const std::shared_ptr<HttpExchange>& exchange) {
            QTcpSocket* socket = exchange->takeOverSocket();
            socket->write("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\npartial");
            socket->flush();
            socket->abort();
            exchange->send(HttpResponse::text(500, "ignored"));
        });
        QVERIFY(server.listen());
        RawClient client(server.port());
        client.send(get("/broken"));
        QTRY_VERIFY(client.closed);
        QVERIFY(client.received.endsWith("\r\n\r\npartial"));
        QCOMPARE(answered.size(), 0);
        QCOMPARE(server.requests().constFirst().status, 0);
    }

    void withoutAHandlerEverythingIs404()
    {
        HttpServer server;
        QVERIFY(server.listen());
        QCOMPARE(server.url(u"/x"_s), QUrl(u"http://127.0.0.1:%1/x"_s.arg(server.port())));
        RawClient client(server.port());
        client.send(get("/anything"));
        QTRY_VERIFY(client.closed);
        QVERIFY(client.received.startsWith("HTTP/1.1 404 Not Found\r\n"));
    }
};

QTEST_GUILESS_MAIN(TestHttpServer)
#include "tst_httpserver.moc"
