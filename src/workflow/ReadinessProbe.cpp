#include "ReadinessProbe.h"

#include <QCoroAbstractSocket>
#include <QCoroNetworkReply>
#include <QHostAddress>
#include <QNetworkProxy>
#include <QNetworkReply>
#include <QTcpSocket>
#include <QUrlQuery>

using namespace Qt::StringLiterals;

namespace forge {

ReadinessProbe::ReadinessProbe()
{
    // A preview on this machine must never go through the user's HTTP proxy.
    m_network.setProxy(QNetworkProxy::NoProxy);
    m_network.setRedirectPolicy(QNetworkRequest::ManualRedirectPolicy);
}

QCoro::Task<ReadinessProbe::Result> ReadinessProbe::probe(PreviewEndpoint endpoint,
                                                          std::chrono::milliseconds timeout)
{
    QNetworkRequest request(endpoint.url);
    request.setTransferTimeout(static_cast<int>(timeout.count()));
    for (auto it = endpoint.headers.cbegin(); it != endpoint.headers.cend(); ++it)
        request.setRawHeader(it.key(), it.value());

    std::unique_ptr<QNetworkReply> reply(m_network.get(request));
    co_await qCoro(reply.get()).waitForFinished();

    Result result;
    result.httpStatus = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    result.detail = reply->errorString();
    if (result.httpStatus > 0) {
        const bool gatewayError =
            result.httpStatus == 502 || result.httpStatus == 503 || result.httpStatus == 504;
        result.outcome = gatewayError ? Outcome::NotHttp : Outcome::Answered;
        const QUrl location = reply->attribute(QNetworkRequest::RedirectionTargetAttribute).toUrl();
        if (result.httpStatus >= 300 && result.httpStatus < 400 && isSignInRedirect(location)) {
            result.outcome = Outcome::SignInRequired;
            result.detail = u"HTTP %1 to the sign-in page %2"_s.arg(result.httpStatus)
                                .arg(location.toString(QUrl::RemoveQuery | QUrl::RemoveUserInfo));
        }
        if (result.httpStatus >= 400 && result.httpStatus < 500) {
            // Only the start of the body: these refusals are one or two lines of text.
            const QString body = QString::fromUtf8(reply->read(4096));
            if (body.contains(u"Blocked request"_s) || body.contains(u"Invalid Host header"_s)) {
                result.outcome = Outcome::HostBlocked;
                result.detail = body.section(u'\n', 0, 0).trimmed();
            }
        }
    } else if (reply->error() == QNetworkReply::ConnectionRefusedError) {
        result.outcome = Outcome::Refused;
    } else if (reply->error() == QNetworkReply::TimeoutError ||
               reply->error() == QNetworkReply::OperationCanceledError) {
        result.outcome = Outcome::TimedOut;
    } else {
        result.outcome = Outcome::NotHttp;
    }
    co_return result;
}

bool ReadinessProbe::isSignInRedirect(const QUrl& location)
{
    // getAuthUrl in apps/proxy/pkg/proxy/auth_callback.go: oauth2's AuthCodeURL with
    // response_type=code and redirect_uri <proxy>/callback.
    const QUrlQuery query(location);
    const QUrl returnTo(query.queryItemValue(u"redirect_uri"_s, QUrl::FullyDecoded));
    return query.queryItemValue(u"response_type"_s) == u"code"_s && returnTo.path() == u"/callback"_s;
}

QCoro::Task<bool> ReadinessProbe::acceptsConnections(QString host, int port,
                                                     std::chrono::milliseconds timeout)
{
    QTcpSocket socket;
    socket.setProxy(QNetworkProxy::NoProxy);
    co_return co_await qCoro(socket).connectToHost(QHostAddress(host), static_cast<quint16>(port),
                                                   QIODevice::ReadOnly, timeout);
}

} // namespace forge
