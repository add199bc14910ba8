#pragma once

#include "HttpServer.h"

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QObject>
#include <QUrl>

namespace forge::test {

// The preview tests' pages on the tests' HttpServer (127.0.0.1): serves fixed pages, records every
// request line and header (so tests can see which headers a request really carried) and accepts
// WebSocket handshakes (101 with the right Sec-WebSocket-Accept), which is all the preview's
// interceptor ever sees of a WebSocket. Every response closes its connection.
class PreviewTestServer : public QObject
{
    Q_OBJECT
public:
    using Request = RecordedRequest;
    struct Response
    {
        int status = 200;
        QByteArray contentType = "text/html; charset=utf-8";
        QByteArray body;
        HttpHeaders headers;
    };

    explicit PreviewTestServer(QObject* parent = nullptr);
    bool listen() { return m_server.listen(); }
    quint16 port() const { return m_server.port(); }
    QUrl url(const QString& path = {}) const { return m_server.url(path); } // http://127.0.0.1:port/path

    void setRoute(const QByteArray& path, const Response& response) { m_routes.insert(path, response); }
    void setPage(const QByteArray& path, const QByteArray& html);

    QList<Request> requests() const { return m_server.requests(); }
    QList<Request> requestsFor(const QByteArray& path) const { return m_server.requestsTo(path); }
    void clearRequests() { m_server.clearRequests(); }

Q_SIGNALS:
    void requestReceived(const QByteArray& path);

private:
    void answer(const Request& request, const std::shared_ptr<HttpExchange>& exchange);

    HttpServer m_server;
    QHash<QByteArray, Response> m_routes;
};

} // namespace forge::test
