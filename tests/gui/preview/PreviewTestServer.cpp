#include "PreviewTestServer.h"

#include <QCryptographicHash>
#include <QHostAddress>
#include <QTcpServer>
#include <QTcpSocket>

using namespace Qt::StringLiterals;

namespace forge::test {

QByteArray PreviewTestServer::Request::header(const QByteArray& name) const
{
    for (const auto& [key, value] : headers) {
        if (key.compare(name, Qt::CaseInsensitive) == 0)
            return value;
    }
    return {};
}

bool PreviewTestServer::Request::hasHeader(const QByteArray& name) const
{
    for (const auto& header : headers) {
        if (header.first.compare(name, Qt::CaseInsensitive) == 0)
            return true;
    }
    return false;
}

PreviewTestServer::PreviewTestServer(QObject* parent)
    : QObject(parent)
    , m_server(new QTcpServer(this))
{
    connect(m_server, &QTcpServer::newConnection, this, &PreviewTestServer::onNewConnection);
}

bool PreviewTestServer::listen()
{
    return m_server->listen(QHostAddress::LocalHost, 0);
}

quint16 PreviewTestServer::port() const
{
    return m_server->serverPort();
}

QUrl PreviewTestServer::url(const QString& path) const
{
    return QUrl(u"http://127.0.0.1:%1%2"_s.arg(port()).arg(path));
}

void PreviewTestServer::setRoute(const QByteArray& path, const Response& response)
{
    m_routes.insert(path, response);
}

void PreviewTestServer::setPage(const QByteArray& path, const QByteArray& html)
{
    Response response;
    response.body = html;
    setRoute(path, response);
}

QList<PreviewTestServer::Request> PreviewTestServer::requestsFor(const QByteArray& path) const
{
    QList<Request> found;
    for (const Request& request : m_requests) {
        if (request.path() == path)
            found.append(request);
    }
    return found;
}

void PreviewTestServer::onNewConnection()
{
    while (QTcpSocket* socket = m_server->nextPendingConnection()) {
        connect(socket, &QTcpSocket::readyRead, this, [this, socket] { onReadyRead(socket); });
        connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
    }
}

void PreviewTestServer::onReadyRead(QTcpSocket* socket)
{
    if (socket->property("upgraded").toBool()) {
        socket->readAll(); // WebSocket frames: not needed by the tests
        return;
    }
    QByteArray buffer = socket->property("buffer").toByteArray() + socket->readAll();
    const qsizetype end = buffer.indexOf("\r\n\r\n");
    if (end < 0) {
        socket->setProperty("buffer", buffer);
        return;
    }
    socket->setProperty("buffer", QByteArray());
    const QList<QByteArray> lines = buffer.left(end).split('\n');
    Request request;
    const QList<QByteArray> requestLine = lines.value(0).trimmed().split(' ');
    request.method = requestLine.value(0);
    request.target = requestLine.value(1);
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const QByteArray line = lines.at(i).trimmed();
        const qsizetype colon = line.indexOf(':');
        if (colon > 0)
            request.headers.append({line.left(colon).trimmed(), line.mid(colon + 1).trimmed()});
    }
    m_requests.append(request);
    answer(socket, request);
    Q_EMIT requestReceived(request.path());
}

void PreviewTestServer::answer(QTcpSocket* socket, const Request& request)
{
    if (request.header("Upgrade").compare("websocket", Qt::CaseInsensitive) == 0) {
        const QByteArray accept = QCryptographicHash::hash(QByteArray(request.header("Sec-WebSocket-Key") +
                                                                      "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"),
                                                           QCryptographicHash::Sha1)
                                      .toBase64();
        socket->setProperty("upgraded", true);
        socket->write("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                      "Sec-WebSocket-Accept: " +
                      accept + "\r\n\r\n");
        return;
    }
    Response response;
    if (auto it = m_routes.constFind(request.path()); it != m_routes.constEnd()) {
        response = *it;
    } else {
        response.status = 404;
        response.contentType = "text/plain";
        response.body = "not found";
    }
    QByteArray head = "HTTP/1.1 " + QByteArray::number(response.status) + " X\r\n";
    head += "Content-Type: " + response.contentType + "\r\n";
    head += "Content-Length: " + QByteArray::number(response.body.size()) + "\r\n";
    head += "Cache-Control: no-store\r\nConnection: close\r\n";
    for (const auto& [name, value] : response.headers)
        head += name + ": " + value + "\r\n";
    socket->write(head + "\r\n" + response.body);
    socket->disconnectFromHost();
}

} // namespace forge::test
