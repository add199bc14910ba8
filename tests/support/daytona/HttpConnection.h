#pragma once

#include <QByteArray>
#include <QList>
#include <QObject>
#include <QTcpServer>
#include <functional>
#include <memory>
#include <utility>

class QTcpSocket;

namespace forge::test::daytona {

using HeaderList = QList<std::pair<QByteArray, QByteArray>>;

// One HTTP/1.1 request as received (body de-chunked).
class HttpResponder;

struct HttpRequest
{
    QByteArray method;
    QByteArray target; // path and query as sent
    HeaderList headers;
    QByteArray body;
    // The connection's answering half, for handlers that take the socket over (WebSocket).
    std::shared_ptr<HttpResponder> responder;

    QByteArray path() const;
    QByteArray query() const;
    QByteArray header(const QByteArray& name) const; // case-insensitive
    bool hasHeader(const QByteArray& name) const;
};

struct HttpResponse
{
    int status = 200;
    HeaderList headers;
    QByteArray body;
    bool detached = false; // the handler took the socket over; nothing is to be sent

    static HttpResponse json(int status, const QByteArray& body);
};

// The answering half of one connection. send() may be called later (after awaiting) or never
// (a "hang" fault: the connection stays open until the client gives up).
class HttpResponder
{
public:
    virtual ~HttpResponder() = default;
    virtual void send(const HttpResponse& response) = 0;
    virtual bool isOpen() const = 0;
    // Hands the raw socket to the caller (after a WebSocket handshake, say); send() then does
    // nothing. The connection still owns the socket and goes away when it disconnects.
    virtual QTcpSocket* takeOverSocket() = 0;
    // Whether the exchange goes on: not yet answered, or taken over and still connected (an open
    // WebSocket). Daytona's proxy refreshes a sandbox's activity for as long as this holds.
    virtual bool isInProgress() const = 0;
};

using HttpHandler = std::function<void(HttpRequest, std::shared_ptr<HttpResponder>)>;

// A minimal HTTP/1.1 server on 127.0.0.1: one request per connection ("Connection: close"),
// Content-Length or chunked bodies. Our own instead of QHttpServer 6.4 because faults need
// answers that hang or come late, and the preview proxy needs arbitrary statuses and headers.
class HttpListener : public QObject
{
    Q_OBJECT
public:
    explicit HttpListener(HttpHandler handler, QObject* parent = nullptr);
    bool listen(quint16 port = 0);
    quint16 port() const { return m_server.serverPort(); }

private:
    HttpHandler m_handler;
    QTcpServer m_server;
};

QByteArray reasonPhrase(int status);

} // namespace forge::test::daytona
