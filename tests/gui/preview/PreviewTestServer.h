#pragma once

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QObject>
#include <QPair>
#include <QUrl>

class QTcpServer;
class QTcpSocket;

namespace forge::test {

// A tiny HTTP/1.1 server on 127.0.0.1 for the preview tests: serves fixed pages, records every
// request line and header (so tests can see which headers a request really carried) and accepts
// WebSocket handshakes (101 with the right Sec-WebSocket-Accept), which is all the preview's
// interceptor ever sees of a WebSocket. Every response closes its connection.
class PreviewTestServer : public QObject
{
    Q_OBJECT
public:
    struct Request
    {
        QByteArray method;
        QByteArray target; // path?query as sent
        QList<QPair<QByteArray, QByteArray>> headers;
        QByteArray header(const QByteArray& name) const; // case-insensitive; empty if absent
        bool hasHeader(const QByteArray& name) const;
        QByteArray path() const
        {
            return target.left(target.indexOf('?') < 0 ? target.size() : target.indexOf('?'));
        }
    };
    struct Response
    {
        int status = 200;
        QByteArray contentType = "text/html; charset=utf-8";
        QByteArray body;
        QList<QPair<QByteArray, QByteArray>> headers;
    };

    explicit PreviewTestServer(QObject* parent = nullptr);
    bool listen();
    quint16 port() const;
    QUrl url(const QString& path = {}) const; // http://127.0.0.1:port/path

    void setRoute(const QByteArray& path, const Response& response);
    void setPage(const QByteArray& path, const QByteArray& html);

    QList<Request> requests() const { return m_requests; }
    QList<Request> requestsFor(const QByteArray& path) const;
    void clearRequests() { m_requests.clear(); }

Q_SIGNALS:
    void requestReceived(const QByteArray& path);

private:
    void onNewConnection();
    void onReadyRead(QTcpSocket* socket);
    void answer(QTcpSocket* socket, const Request& request);

    QTcpServer* m_server = nullptr;
    QHash<QByteArray, Response> m_routes;
    QList<Request> m_requests;
};

} // namespace forge::test
