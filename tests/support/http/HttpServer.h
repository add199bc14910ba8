#pragma once

#include "HttpMessages.h"

#include <QElapsedTimer>
#include <QList>
#include <QObject>
#include <QPointer>
#include <QTcpServer>
#include <QUrl>
#include <functional>
#include <memory>

class QTcpSocket;

namespace forge::test {

class HttpConnection;

// The answering half of one request. A handler answers at once, later (a held answer: keep the
// pointer, send when ready) or never (a hang: the connection stays open until the client gives
// up), or takes the socket over (a WebSocket, a streamed or deliberately broken answer). The
// connection keeps it until it closes or reads the next request, so a weak_ptr to it stays valid
// that long. Safe to keep after the client went away: then it does nothing.
class HttpExchange
{
public:
    explicit HttpExchange(HttpConnection* connection);

    // The first call answers; later ones, and any after a takeover, do nothing.
    void send(const HttpResponse& response);
    // The client is still connected and nothing has been answered.
    bool isOpen() const;
    // Not yet answered, or taken over and still connected (an open WebSocket).
    bool isInProgress() const;
    bool isTakenOver() const { return m_takenOver; }
    // Hands the raw socket over: the server reads and writes nothing more on it, and still deletes
    // it when the client disconnects. Null when the client is already gone.
    QTcpSocket* takeOverSocket();
    // Answers a WebSocket upgrade (101 with the Sec-WebSocket-Accept the request's key asks for and
    // the first protocol it offers) and hands the socket over for frames.
    QTcpSocket* acceptWebSocket(const RecordedRequest& request);
    // Lives exactly as long as the client's connection: work done for this request (a CGI process)
    // can be its child and end when the client goes away. Null once it has.
    QObject* context() const;

private:
    QPointer<HttpConnection> m_connection;
    bool m_answered = false;
    bool m_takenOver = false;
};

// The HTTP/1.1 server every test fake is built on (git smart HTTP, GitHub, Daytona, preview pages):
// on 127.0.0.1, it parses each request (RequestParser: Content-Length and chunked bodies,
// 100-continue, 400 for a malformed one), records it, and hands it to the handler with its
// exchange. One request per connection unless keep-alive is on; then pipelined requests are
// answered in order. Runs in the caller's event loop; nothing blocks.
class HttpServer : public QObject
{
    Q_OBJECT
public:
    using Handler =
        std::function<void(const RecordedRequest& request, const std::shared_ptr<HttpExchange>& exchange)>;

    explicit HttpServer(QObject* parent = nullptr);
    ~HttpServer() override;

    // Without a handler every request gets 404.
    void setHandler(Handler handler) { m_handler = std::move(handler); }
    // Answers keep the connection for the client's next request (off: every answer closes it).
    void setKeepAlive(bool on) { m_keepAlive = on; }
    bool keepsAlive() const { return m_keepAlive; }
    // Off: requests() stays empty (a server that keeps its own, redacted, records).
    void setRecording(bool on) { m_recording = on; }

    // On 127.0.0.1; port 0 lets the system choose.
    bool listen(quint16 port = 0);
    bool isListening() const { return m_server.isListening(); }
    QString errorString() const { return m_server.errorString(); }
    quint16 port() const { return m_server.serverPort(); }
    // http://127.0.0.1:<port><path>
    QUrl url(const QString& path = {}) const;

    // Every request received since the start (or the last clearRequests()), oldest first, with the
    // status it was answered with.
    const QList<RecordedRequest>& requests() const { return m_requests; }
    QList<RecordedRequest> requestsTo(const QByteArray& path) const;
    void clearRequests();
    // TCP connections accepted so far, whether or not they sent a request.
    int connectionCount() const { return m_connectionCount; }

Q_SIGNALS:
    // A complete request, before the handler sees it.
    void requestReceived(const forge::test::RecordedRequest& request);
    // An answer was written (a 101 for a WebSocket too, but not a takeover's own bytes).
    void requestAnswered(const forge::test::RecordedRequest& request);

private:
    friend class HttpConnection;
    // Requests are numbered from the start; clearRequests() only moves m_cleared, so the number a
    // pending answer holds stays valid.
    qsizetype record(RecordedRequest& request);
    void recordAnswer(qsizetype sequence, const RecordedRequest& answered);
    void handle(const RecordedRequest& request, const std::shared_ptr<HttpExchange>& exchange);

    QTcpServer m_server;
    Handler m_handler;
    QElapsedTimer m_clock;
    bool m_keepAlive = false;
    bool m_recording = true;
    QList<RecordedRequest> m_requests;
    qsizetype m_cleared = 0;
    int m_connectionCount = 0;
};

} // namespace forge::test
