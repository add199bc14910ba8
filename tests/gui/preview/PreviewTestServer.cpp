#include "PreviewTestServer.h"

#include <QTcpSocket>

namespace forge::test {

PreviewTestServer::PreviewTestServer(QObject* parent)
    : QObject(parent)
{
    m_server.setHandler([this](const Request& request, const std::shared_ptr<HttpExchange>& exchange) {
        answer(request, exchange);
        Q_EMIT requestReceived(request.path());
    });
}

void PreviewTestServer::setPage(const QByteArray& path, const QByteArray& html)
{
    Response response;
    response.body = html;
    setRoute(path, response);
}

void PreviewTestServer::answer(const Request& request, const std::shared_ptr<HttpExchange>& exchange)
{
    if (request.header("Upgrade").compare("websocket", Qt::CaseInsensitive) == 0) {
        if (QTcpSocket* socket = exchange->acceptWebSocket(request)) // frames: not needed by the tests
            connect(socket, &QTcpSocket::readyRead, socket, [socket] { socket->readAll(); });
        return;
    }
    const auto route = m_routes.constFind(request.path());
    if (route == m_routes.constEnd()) {
        exchange->send(
            HttpResponse{404, {{"Content-Type", "text/plain"}, {"Cache-Control", "no-store"}}, "not found"});
        return;
    }
    HttpResponse response{
        route->status, {{"Content-Type", route->contentType}, {"Cache-Control", "no-store"}}, route->body};
    response.headers += route->headers;
    exchange->send(response);
}

} // namespace forge::test
