#include "HttpConnection.h"

#include <QHostAddress>
#include <QPointer>
#include <QTcpSocket>

namespace forge::test::daytona {

namespace {
constexpr qsizetype MaxHeadSize = 64 * 1024;
constexpr qsizetype MaxBodySize = 64 * 1024 * 1024;
} // namespace

QByteArray reasonPhrase(int status)
{
    switch (status) {
    case 200:
        return "OK";
    case 201:
        return "Created";
    case 202:
        return "Accepted";
    case 204:
        return "No Content";
    case 400:
        return "Bad Request";
    case 401:
        return "Unauthorized";
    case 403:
        return "Forbidden";
    case 404:
        return "Not Found";
    case 408:
        return "Request Timeout";
    case 409:
        return "Conflict";
    case 413:
        return "Payload Too Large";
    case 429:
        return "Too Many Requests";
    case 500:
        return "Internal Server Error";
    case 502:
        return "Bad Gateway";
    case 503:
        return "Service Unavailable";
    case 504:
        return "Gateway Timeout";
    default:
        return "Unknown";
    }
}

QByteArray HttpRequest::path() const
{
    const qsizetype q = target.indexOf('?');
    return q < 0 ? target : target.left(q);
}

QByteArray HttpRequest::query() const
{
    const qsizetype q = target.indexOf('?');
    return q < 0 ? QByteArray() : target.mid(q + 1);
}

QByteArray HttpRequest::header(const QByteArray& name) const
{
    for (const auto& [n, v] : headers)
        if (n.compare(name, Qt::CaseInsensitive) == 0)
            return v;
    return {};
}

bool HttpRequest::hasHeader(const QByteArray& name) const
{
    for (const auto& [n, v] : headers)
        if (n.compare(name, Qt::CaseInsensitive) == 0)
            return true;
    return false;
}

HttpResponse HttpResponse::json(int status, const QByteArray& body)
{
    return HttpResponse{status, {{"Content-Type", "application/json; charset=utf-8"}}, body};
}

namespace {

// Reads one request from the socket, hands it to the handler, writes the answer, closes.
class Connection : public QObject
{
public:
    Connection(QTcpSocket* socket, const HttpHandler& handler, QObject* parent)
        : QObject(parent)
        , m_socket(socket)
        , m_handler(handler)
    {
        socket->setParent(this);
        connect(socket, &QTcpSocket::readyRead, this, &Connection::onReadyRead);
        connect(socket, &QTcpSocket::disconnected, this, [this] {
            m_open = false;
            deleteLater();
        });
    }

    void start(std::shared_ptr<HttpResponder> self)
    {
        m_self = std::move(self);
        onReadyRead();
    }

    void send(const HttpResponse& response)
    {
        if (m_answered || !m_open)
            return;
        m_answered = true;
        QByteArray out =
            "HTTP/1.1 " + QByteArray::number(response.status) + ' ' + reasonPhrase(response.status) + "\r\n";
        for (const auto& [name, value] : response.headers)
            out += name + ": " + value + "\r\n";
        out +=
            "Content-Length: " + QByteArray::number(response.body.size()) + "\r\nConnection: close\r\n\r\n";
        out += response.body;
        m_socket->write(out);
        m_socket->disconnectFromHost(); // the socket's disconnected() deletes us
    }

    bool isOpen() const { return m_open && !m_answered; }
    bool isInProgress() const { return m_open && (!m_answered || m_takenOver); }

    QTcpSocket* takeOverSocket()
    {
        m_answered = true;
        m_takenOver = true;
        disconnect(m_socket, &QTcpSocket::readyRead, this, nullptr);
        return m_open ? m_socket : nullptr;
    }

private:
    void onReadyRead()
    {
        m_buffer += m_socket->readAll();
        if (m_stage == 0) {
            const qsizetype end = m_buffer.indexOf("\r\n\r\n");
            if (end < 0) {
                if (m_buffer.size() > MaxHeadSize)
                    fail(400);
                return;
            }
            const QList<QByteArray> lines = m_buffer.left(end).split('\n');
            m_buffer.remove(0, end + 4);
            const QList<QByteArray> first = lines.value(0).trimmed().split(' ');
            if (first.size() != 3) {
                fail(400);
                return;
            }
            m_request.method = first.at(0);
            m_request.target = first.at(1);
            for (qsizetype i = 1; i < lines.size(); ++i) {
                const QByteArray line = lines.at(i).trimmed();
                const qsizetype colon = line.indexOf(':');
                if (colon > 0)
                    m_request.headers.append({line.left(colon).trimmed(), line.mid(colon + 1).trimmed()});
            }
            m_chunked = m_request.header("Transfer-Encoding").toLower().contains("chunked");
            m_length = m_request.header("Content-Length").toLongLong();
            if (m_length < 0 || m_length > MaxBodySize) {
                fail(413);
                return;
            }
            m_stage = 1;
        }
        if (m_stage == 1) {
            if (!readBody())
                return;
            m_stage = 2;
            m_request.body = m_body;
            m_request.responder = m_self;
            m_handler(m_request, m_self);
            m_request.responder.reset(); // no cycle through the stored request
        }
    }

    bool readBody()
    {
        if (!m_chunked) {
            const qsizetype wanted = m_length - m_body.size();
            m_body += m_buffer.left(wanted);
            m_buffer.remove(0, qMin(wanted, m_buffer.size()));
            return m_body.size() == m_length;
        }
        // Chunked: parse whole chunks as they become available.
        for (;;) {
            const qsizetype lineEnd = m_buffer.indexOf("\r\n");
            if (lineEnd < 0)
                return false;
            bool ok = false;
            const qlonglong size = m_buffer.left(lineEnd).split(';').value(0).trimmed().toLongLong(&ok, 16);
            if (!ok || size < 0 || size > MaxBodySize) {
                fail(400);
                return false;
            }
            if (size == 0)
                return true; // trailers are ignored
            if (m_buffer.size() < lineEnd + 2 + size + 2)
                return false;
            m_body += m_buffer.mid(lineEnd + 2, size);
            m_buffer.remove(0, lineEnd + 2 + size + 2);
        }
    }

    void fail(int status)
    {
        m_stage = 2;
        send(HttpResponse{status, {{"Content-Type", "text/plain"}}, reasonPhrase(status)});
    }

    QTcpSocket* m_socket;
    HttpHandler m_handler;
    std::shared_ptr<HttpResponder> m_self; // handed to the handler
    HttpRequest m_request;
    QByteArray m_buffer;
    QByteArray m_body;
    qint64 m_length = 0;
    bool m_chunked = false;
    int m_stage = 0;
    bool m_open = true;
    bool m_answered = false;
    bool m_takenOver = false;
};

// Safe to keep after the connection is gone (the client gave up): then it does nothing.
class Responder : public HttpResponder
{
public:
    explicit Responder(Connection* connection)
        : m_connection(connection)
    {}
    void send(const HttpResponse& response) override
    {
        if (m_connection)
            m_connection->send(response);
    }
    bool isOpen() const override { return m_connection && m_connection->isOpen(); }
    QTcpSocket* takeOverSocket() override { return m_connection ? m_connection->takeOverSocket() : nullptr; }
    bool isInProgress() const override { return m_connection && m_connection->isInProgress(); }

private:
    QPointer<Connection> m_connection;
};

} // namespace

HttpListener::HttpListener(HttpHandler handler, QObject* parent)
    : QObject(parent)
    , m_handler(std::move(handler))
{
    connect(&m_server, &QTcpServer::newConnection, this, [this] {
        while (QTcpSocket* socket = m_server.nextPendingConnection()) {
            auto* connection = new Connection(socket, m_handler, this);
            connection->start(std::make_shared<Responder>(connection));
        }
    });
}

bool HttpListener::listen(quint16 port)
{
    return m_server.listen(QHostAddress::LocalHost, port);
}

} // namespace forge::test::daytona
