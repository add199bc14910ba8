#include "PreviewProxy.h"

#include "ErrorBodies.h"

#include <QNetworkReply>
#include <QNetworkRequest>
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
    , m_listener([this](HttpRequest request, std::shared_ptr<HttpResponder> responder) {
        handle(request, responder);
    })
{}

bool PreviewProxy::listen()
{
    return m_listener.listen();
}

QUrl PreviewProxy::url() const
{
    return QUrl(u"http://127.0.0.1:%1"_s.arg(m_listener.port()));
}

void PreviewProxy::handle(const HttpRequest& request, const std::shared_ptr<HttpResponder>& responder)
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
        const QString queryKey =
            QUrlQuery(QString::fromUtf8(request.query())).queryItemValue(u"DAYTONA_SANDBOX_AUTH_KEY"_s);
        const QByteArray authorization = request.header("Authorization");
        const bool given = !token.isEmpty() || !queryKey.isEmpty() || !authorization.isEmpty();
        const bool valid = (!token.isEmpty() && QString::fromUtf8(token) == access.token) ||
                           (!queryKey.isEmpty() && queryKey == access.token) ||
                           (!authorization.isEmpty() && m_keyCheck(authorization));
        if (!given)
            return reject(401, u"authentication required"_s);
        if (!valid)
            return reject(403, u"invalid preview token"_s);
    }
    if (!access.started)
        return reject(502, u"sandbox is not started"_s);

    QUrl target(u"http://127.0.0.1:%1"_s.arg(m_targetPort));
    target.setPath(QUrl::fromPercentEncoding(request.path()));
    target.setQuery(QString::fromUtf8(request.query()));
    QNetworkRequest forward(target);
    forward.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::ManualRedirectPolicy);
    static const QList<QByteArray> dropped{"host",           "connection",
                                           "content-length", "transfer-encoding",
                                           "authorization",  "x-daytona-preview-token"};
    for (const auto& [name, value] : request.headers) {
        const QByteArray lower = name.toLower();
        if (!dropped.contains(lower) && !lower.startsWith("x-daytona-"))
            forward.setRawHeader(name, value);
    }
    if (!access.forwardedHost.isEmpty())
        forward.setRawHeader("Host", access.forwardedHost.toUtf8());
    QNetworkReply* reply = m_network.sendCustomRequest(forward, request.method, request.body);
    connect(reply, &QNetworkReply::finished, this, [this, reply, request, responder] {
        reply->deleteLater();
        const QVariant status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute);
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
