#include "DaytonaHttp.h"

#include "core/SecretRedactor.h"
#include "core/UrlPath.h"

#include <QCoroNetworkReply>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkReply>
#include <QTimer>
#include <memory>

using namespace Qt::StringLiterals;

namespace forge::daytona {

namespace {

// Sends `prepared` with the request's method and body; the caller owns the reply.
QNetworkReply* startRequest(QNetworkAccessManager& network, const QNetworkRequest& prepared,
                            const HttpRequest& request)
{
    if (request.method == "GET")
        return network.get(prepared);
    if (request.method == "POST")
        return network.post(prepared, request.body);
    if (request.method == "PUT")
        return network.put(prepared, request.body);
    if (request.method == "DELETE" && request.body.isEmpty())
        return network.deleteResource(prepared);
    return network.sendCustomRequest(prepared, request.method, request.body);
}

// A request that got no HTTP answer (or a refused redirect): a timeout or a network failure, with
// the error text redacted.
[[noreturn]] void throwTransportFailure(const QNetworkReply& reply, const QNetworkRequest& prepared,
                                        const QString& what, const QString& path)
{
    const QNetworkReply::NetworkError error = reply.error();
    const QString seconds = QString::number(prepared.transferTimeout() / 1000.0);
    if (error == QNetworkReply::OperationCanceledError || error == QNetworkReply::TimeoutError)
        throw DaytonaError(DaytonaError::Kind::Timeout,
                           u"Daytona did not answer %1 within %2 s. Check your network connection and "
                           u"retry."_s.arg(what, seconds))
            .withPath(path);
    const QString detail = SecretRedactor().redact(reply.errorString());
    const QString advice = error == QNetworkReply::InsecureRedirectError
                               ? u"The server redirected to another origin; the key was not sent there. "
                                 u"Check DAYTONA_API_URL."_s
                               : u"Check your network connection and DAYTONA_API_URL, then retry."_s;
    throw DaytonaError(DaytonaError::Kind::Network,
                       u"Could not reach Daytona for %1 (%2). %3"_s.arg(what, detail, advice))
        .withPath(path);
}

} // namespace

QByteArray HttpReply::header(const QByteArray& name) const
{
    for (const auto& [key, value] : headers) {
        if (key.compare(name, Qt::CaseInsensitive) == 0)
            return value;
    }
    return {};
}

DaytonaHttp::DaytonaHttp(DaytonaConfig config)
    : m_config(std::move(config))
{
    // Qt 6.4 follows redirects by default (NoLessSafeRedirectPolicy) and would resend the
    // Authorization header to whatever host a redirect names; SameOrigin keeps the key at home.
    m_network.setRedirectPolicy(QNetworkRequest::SameOriginRedirectPolicy);
}

QUrl DaytonaHttp::join(const QUrl& base, const QString& path, const QUrlQuery& query)
{
    return urlpath::join(base, path, query);
}

QUrl DaytonaHttp::apiUrl(const QString& path, const QUrlQuery& query) const
{
    return join(m_config.apiUrl, path, query);
}

QString DaytonaHttp::segment(const QString& value)
{
    return urlpath::segment(value);
}

QNetworkRequest DaytonaHttp::prepare(const HttpRequest& request) const
{
    QNetworkRequest prepared(request.url);
    prepared.setRawHeader("Authorization", "Bearer " + m_config.bearerToken().toUtf8());
    // docs/daytona-api.md §1: the organization header is sent only in JWT mode, as the SDK does.
    if (m_config.authMode() == DaytonaConfig::AuthMode::Jwt)
        prepared.setRawHeader("X-Daytona-Organization-ID", m_config.organizationId.toUtf8());
    prepared.setRawHeader("X-Daytona-Source", Source);
    prepared.setRawHeader("X-Daytona-SDK-Version", SdkVersion);
    prepared.setRawHeader("User-Agent", QByteArray(Source) + '/' + SdkVersion);
    prepared.setRawHeader("Accept", "application/json");
    if (!request.countsAsActivity)
        prepared.setRawHeader(SkipActivityHeader, "true");
    if (!request.body.isEmpty() || request.method == "POST" || request.method == "PUT")
        prepared.setHeader(QNetworkRequest::ContentTypeHeader, request.contentType);
    const auto timeout = request.timeout.value_or(m_config.requestTimeout);
    prepared.setTransferTimeout(static_cast<int>(timeout.count()));
    return prepared;
}

QCoro::Task<HttpReply> DaytonaHttp::send(HttpRequest request)
{
    // Fail before the network with the sentence that says what to set (no key, bad URL, ...).
    const QString invalid = m_config.validationError();
    if (!invalid.isEmpty())
        throw DaytonaError(DaytonaError::Kind::InvalidArgument, invalid);
    const QString path = request.url.path();
    const QString what = QString::fromLatin1(request.method) + u' ' + path;
    const QNetworkRequest prepared = prepare(request);

    bool tooLarge = false; // declared before the reply: the reply's connections use it
    bool pastDeadline = false;
    QTimer deadline;
    const std::unique_ptr<QNetworkReply> reply(startRequest(m_network, prepared, request));

    const qint64 maxBytes = m_maxBodyBytes;
    QNetworkReply* raw = reply.get();
    QObject::connect(raw, &QNetworkReply::downloadProgress, raw,
                     [raw, maxBytes, &tooLarge](qint64 received, qint64 total) {
                         if (!tooLarge && (received > maxBytes || total > maxBytes)) {
                             tooLarge = true;
                             raw->abort();
                         }
                     });

    if (request.deadline) {
        deadline.setSingleShot(true);
        QObject::connect(&deadline, &QTimer::timeout, raw, [raw, &pastDeadline] {
            pastDeadline = true;
            raw->abort();
        });
        deadline.start(*request.deadline);
    }

    co_await qCoro(raw).waitForFinished();
    deadline.stop();

    if (tooLarge)
        throw DaytonaError(DaytonaError::Kind::MalformedResponse,
                           u"Daytona's answer to %1 is larger than %2 bytes and was dropped. Retry; if it "
                           u"persists, ask for less data."_s.arg(what, QString::number(maxBytes)))
            .withPath(path);

    if (pastDeadline)
        throw DaytonaError(DaytonaError::Kind::Timeout,
                           u"Daytona did not finish answering %1 within %2 s. Check your network connection "
                           u"and retry."_s.arg(what, QString::number(request.deadline->count() / 1000.0)))
            .withPath(path);

    const int status = raw->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    const QNetworkReply::NetworkError error = raw->error();
    if (status == 0 || error == QNetworkReply::InsecureRedirectError ||
        error == QNetworkReply::TooManyRedirectsError)
        throwTransportFailure(*raw, prepared, what, path);

    HttpReply answer;
    answer.statusCode = status;
    answer.body = raw->readAll();
    answer.headers = raw->rawHeaderPairs();
    if (status >= 300) {
        // A 3xx here is a redirect the policy refused to follow.
        throw DaytonaError::fromHttp(status, answer.body, answer.headers, path);
    }
    co_return answer;
}

QCoro::Task<QJsonValue> DaytonaHttp::sendJson(HttpRequest request, bool allowEmpty)
{
    const QString what = QString::fromLatin1(request.method) + u' ' + request.url.path();
    const HttpReply reply = co_await send(std::move(request));
    co_return decodeJson(reply.body, what, allowEmpty);
}

QJsonValue DaytonaHttp::decodeJson(const QByteArray& body, const QString& what, bool allowEmpty)
{
    if (body.trimmed().isEmpty()) {
        if (allowEmpty)
            return {};
        throw DaytonaError(DaytonaError::Kind::MalformedResponse,
                           u"Daytona answered %1 with an empty body where JSON was expected. Check that "
                           u"DAYTONA_API_URL points to the Daytona API, then retry."_s.arg(what));
    }
    QJsonParseError error{};
    const QJsonDocument document = QJsonDocument::fromJson(body, &error);
    if (error.error != QJsonParseError::NoError) {
        const bool html = body.trimmed().startsWith('<');
        throw DaytonaError(
            DaytonaError::Kind::MalformedResponse,
            u"Daytona answered %1 with %2 instead of JSON. Check that DAYTONA_API_URL points "
            u"to the Daytona API (for example https://app.daytona.io/api), then retry."_s.arg(
                what, html ? u"an HTML page"_s : u"unreadable data (%1)"_s.arg(error.errorString())));
    }
    return document.isArray() ? QJsonValue(document.array()) : QJsonValue(document.object());
}

} // namespace forge::daytona
