#include "PreviewProxy.h"

#include "ErrorBodies.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QTcpSocket>
#include <QUrlQuery>

using namespace Qt::StringLiterals;

namespace forge::test::daytona {

PreviewProxy::PreviewProxy(int targetPort, AccessLookup access, KeyCheck keyCheck, Observer observer,
                           QObject* parent)
    : QObject(parent)
    , m_targetPort(targetPort)
    , m_access(std::move(access))
    , m_keyCheck(std::move(keyCheck))
    , m_observer(std::move(observer))
{
    m_listener.setRecording(false); // the emulator keeps the record, through the observer
    m_listener.setHandler(
        [this](const RecordedRequest& request, const std::shared_ptr<HttpExchange>& responder) {
            handle(request, responder);
        });
}

bool PreviewProxy::listen()
{
    return m_listener.listen();
}

QUrl PreviewProxy::url() const
{
    return m_listener.url();
}

// What Daytona's proxy does when no credential is valid (getAuthUrl in apps/proxy/pkg/proxy/
// auth_callback.go): a 307 to the OIDC provider's authorization page, with the request to return
// to in `state` and the proxy's /callback as redirect_uri. Organisation members who sign in there
// get a cookie and then the preview.
void PreviewProxy::redirectToSignIn(const RecordedRequest& request,
                                    const std::shared_ptr<HttpExchange>& responder,
                                    const PreviewAccess& access)
{
    const QByteArray returnTo = url().toEncoded() + request.target;
    const QJsonObject state{{u"returnTo"_s, QString::fromUtf8(returnTo)}};
    QUrlQuery query;
    query.addQueryItem(u"response_type"_s, u"code"_s);
    query.addQueryItem(u"client_id"_s, u"daytona-proxy"_s);
    query.addQueryItem(u"redirect_uri"_s, url().toString() + u"/callback"_s);
    query.addQueryItem(u"scope"_s, u"openid profile"_s);
    query.addQueryItem(
        u"state"_s,
        QString::fromLatin1(
            QJsonDocument(state).toJson(QJsonDocument::Compact).toBase64(QByteArray::Base64UrlEncoding)));
    QUrl location = access.signInUrl;
    location.setQuery(query);
    m_observer(request, 307);
    responder->send(HttpResponse{307, {{"Location", location.toEncoded()}}, {}});
}

void PreviewProxy::handle(const RecordedRequest& request, const std::shared_ptr<HttpExchange>& responder)
{
    auto reject = [&](int status, const QString& message) {
        m_observer(request, status);
        responder->send(
            HttpResponse::json(status, toolboxErrorBody(status, request.path(), request.method, message)));
    };
    const PreviewAccess access = m_access();
    if (!access.exists)
        return reject(404, u"sandbox not found"_s);
    if (!access.isPublic) {
        const QByteArray token = request.header("x-daytona-preview-token");
        const QString queryKey = request.queryItems().queryItemValue(u"DAYTONA_SANDBOX_AUTH_KEY"_s);
        const QByteArray authorization = request.header("Authorization");
        const bool valid = (!token.isEmpty() && QString::fromUtf8(token) == access.token) ||
                           (!queryKey.isEmpty() && queryKey == access.token) ||
                           (!authorization.isEmpty() && m_keyCheck(authorization));
        if (!valid)
            return redirectToSignIn(request, responder, access);
    }
    if (!access.started)
        return reject(502, u"sandbox is not started"_s);

    if (request.header("Upgrade").compare("websocket", Qt::CaseInsensitive) == 0)
        return forwardUpgrade(request, responder, access);
    forward(request, responder, access, u"127.0.0.1"_s);
}

QByteArray PreviewProxy::forwardedHost(const PreviewAccess& access) const
{
    return (access.forwardedHost.isEmpty() ? u"127.0.0.1:%1"_s.arg(m_targetPort) : access.forwardedHost)
        .toUtf8();
}

namespace {

// Headers of the client's request the dev server never sees: the proxy's own credentials, and the
// Host it replaces.
bool isDroppedOnForward(const QByteArray& name)
{
    const QByteArray lower = name.toLower();
    return lower == "host" || lower == "authorization" || lower.startsWith("x-daytona-");
}

} // namespace

void PreviewProxy::forwardUpgrade(const RecordedRequest& request,
                                  const std::shared_ptr<HttpExchange>& responder, const PreviewAccess& access)
{
    QByteArray head = request.method + ' ' + request.target + " HTTP/1.1\r\n";
    for (const auto& [name, value] : request.headers) {
        if (!isDroppedOnForward(name))
            head += name + ": " + value + "\r\n";
    }
    head += "Host: " + forwardedHost(access) + "\r\n\r\n";
    QTcpSocket* client = responder->takeOverSocket();
    if (!client)
        return;
    auto* upstream = new QTcpSocket(client); // goes with the client's connection
    auto answered = std::make_shared<bool>(false);
    connect(upstream, &QTcpSocket::connected, upstream, [upstream, head] { upstream->write(head); });
    connect(upstream, &QTcpSocket::readyRead, client, [this, request, upstream, client, answered] {
        const QByteArray bytes = upstream->readAll();
        if (!std::exchange(*answered, true))
            m_observer(request, bytes.mid(9, 3).toInt()); // "HTTP/1.1 101 …"
        client->write(bytes);
    });
    connect(client, &QTcpSocket::readyRead, upstream,
            [upstream, client] { upstream->write(client->readAll()); });
    connect(upstream, &QTcpSocket::disconnected, client, &QTcpSocket::disconnectFromHost);
    connect(client, &QTcpSocket::disconnected, upstream, &QTcpSocket::disconnectFromHost);
    connect(upstream, &QTcpSocket::errorOccurred, client, [this, request, client, answered] {
        if (std::exchange(*answered, true)) {
            client->disconnectFromHost();
            return;
        }
        // Nothing listening on the port: Daytona's proxy says 502.
        m_observer(request, 502);
        client->write("HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
        client->disconnectFromHost();
    });
    upstream->connectToHost(QHostAddress::LocalHost, static_cast<quint16>(m_targetPort));
}

// The daemon forwards to http://localhost:{port} (apps/daemon/pkg/toolbox/proxy/proxy.go), which in
// a sandbox's image (/etc/hosts: 127.0.0.1 and ::1) reaches a server bound to either as well as one
// on every address: 127.0.0.1 first, then ::1 when nothing listens there (this machine's
// /etc/hosts may not list ::1 as localhost).
void PreviewProxy::forward(const RecordedRequest& request, const std::shared_ptr<HttpExchange>& responder,
                           const PreviewAccess& access, const QString& address)
{
    QUrl target;
    target.setScheme(u"http"_s);
    target.setHost(address);
    target.setPort(m_targetPort);
    target.setPath(QUrl::fromPercentEncoding(request.path()));
    target.setQuery(QString::fromUtf8(request.query()));
    QNetworkRequest forwarded(target);
    forwarded.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::ManualRedirectPolicy);
    static const QList<QByteArray> hopByHop{"connection", "content-length", "transfer-encoding"};
    for (const auto& [name, value] : request.headers) {
        if (!isDroppedOnForward(name) && !hopByHop.contains(name.toLower()))
            forwarded.setRawHeader(name, value);
    }
    forwarded.setRawHeader("Host", forwardedHost(access));
    QNetworkReply* reply = m_network.sendCustomRequest(forwarded, request.method, request.body);
    connect(reply, &QNetworkReply::finished, this, [this, reply, request, responder, access, address] {
        reply->deleteLater();
        const QVariant status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute);
        if (!status.isValid() && reply->error() == QNetworkReply::ConnectionRefusedError &&
            address == u"127.0.0.1"_s) {
            forward(request, responder, access, u"::1"_s);
            return;
        }
        if (!status.isValid()) {
            // Nothing answered on the port: Daytona's proxy says 502.
            m_observer(request, 502);
            responder->send(HttpResponse::json(
                502, toolboxErrorBody(502, request.path(), request.method,
                                      u"failed to reach port %1 in the sandbox"_s.arg(m_targetPort))));
            return;
        }
        HttpResponse response;
        response.status = status.toInt();
        for (const auto& [name, value] : reply->rawHeaderPairs()) {
            const QByteArray lower = name.toLower();
            if (lower != "content-length" && lower != "connection" && lower != "transfer-encoding")
                response.headers.append({name, value});
        }
        response.body = reply->readAll();
        m_observer(request, response.status);
        responder->send(response);
    });
}

} // namespace forge::test::daytona
