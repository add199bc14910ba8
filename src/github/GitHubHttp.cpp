#include "GitHubHttp.h"

#include "GitHubParsing.h"
#include "core/UrlPath.h"

#include <QCoroNetworkReply>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkReply>
#include <memory>

using namespace Qt::StringLiterals;

namespace forge::github {

QByteArray GitHubReply::header(const QByteArray& name) const
{
    return parsing::header(headers, name);
}

GitHubHttp::GitHubHttp(GitHubConfig config)
    : m_config(std::move(config))
{
    // Qt 6.4 would otherwise follow a redirect to any https host with the Authorization header.
    m_network.setRedirectPolicy(QNetworkRequest::SameOriginRedirectPolicy);
}

void GitHubHttp::setToken(const QString& token)
{
    m_token = token.trimmed();
    if (!m_token.isEmpty())
        m_redactor.addSecret(m_token);
    m_cache.clear(); // answers belong to whoever asked
}

QUrl GitHubHttp::apiUrl(const QString& path, const QUrlQuery& query) const
{
    return urlpath::join(m_config.apiUrl, path, query);
}

QUrl GitHubHttp::webUrl(const QString& path) const
{
    return urlpath::join(m_config.webUrl, path);
}

QString GitHubHttp::segment(const QString& value)
{
    return urlpath::segment(value);
}

bool GitHubHttp::sameOrigin(const QUrl& a, const QUrl& b)
{
    return a.scheme().compare(b.scheme(), Qt::CaseInsensitive) == 0 &&
           a.host().compare(b.host(), Qt::CaseInsensitive) == 0 &&
           a.port(a.scheme() == u"http"_s ? 80 : 443) == b.port(b.scheme() == u"http"_s ? 80 : 443);
}

QNetworkRequest GitHubHttp::prepare(const QUrl& url, bool authorize) const
{
    QNetworkRequest request(url);
    request.setRawHeader("User-Agent", m_config.userAgent.isEmpty() ? "forge-preview" : m_config.userAgent);
    request.setRawHeader("Accept", "application/vnd.github+json");
    request.setRawHeader("X-GitHub-Api-Version", ApiVersion);
    if (authorize && !m_token.isEmpty() && sameOrigin(url, m_config.apiUrl))
        request.setRawHeader("Authorization", "Bearer " + m_token.toUtf8());
    request.setTransferTimeout(static_cast<int>(m_config.requestTimeout.count()));
    return request;
}

QCoro::Task<GitHubReply> GitHubHttp::get(QUrl url)
{
    QNetworkRequest request = prepare(url, true);
    const QString key = url.toString(QUrl::FullyEncoded);
    const auto cached = m_cache.constFind(key);
    const bool haveCached = cached != m_cache.cend();
    CacheEntry entry;
    if (haveCached) {
        entry = *cached;
        request.setRawHeader("If-None-Match", entry.etag);
    }
    const QString what = u"GET "_s + url.path();
    GitHubReply reply = co_await exchange(request, "GET", {}, what);
    if (reply.statusCode == 304 && haveCached) {
        GitHubReply reused;
        reused.statusCode = 200;
        reused.body = entry.body;
        reused.headers = reply.headers; // fresh rate-limit headers
        for (const auto& [name, value] : entry.headers) {
            if (name.compare("link", Qt::CaseInsensitive) == 0 ||
                name.compare("x-oauth-scopes", Qt::CaseInsensitive) == 0)
                if (reused.header(name).isEmpty())
                    reused.headers.append({name, value});
        }
        reused.fromCache = true;
        co_return reused;
    }
    if (reply.statusCode < 200 || reply.statusCode >= 300)
        throw GitHubError::fromHttp(reply.statusCode, reply.body, reply.headers, what);
    const QByteArray etag = reply.header("etag");
    if (!etag.isEmpty())
        m_cache.insert(key, CacheEntry{etag, reply.body, reply.headers});
    co_return reply;
}

QCoro::Task<GitHubReply> GitHubHttp::getConditional(QUrl url, QByteArray etag)
{
    QNetworkRequest request = prepare(url, true);
    // A validator that could not have come from a header line would split this request's headers.
    if (etag.contains('\r') || etag.contains('\n'))
        etag.clear();
    if (!etag.isEmpty())
        request.setRawHeader("If-None-Match", etag);
    const QString what = u"GET "_s + url.path();
    GitHubReply reply = co_await exchange(request, "GET", {}, what);
    const bool notModified = reply.statusCode == 304 && !etag.isEmpty();
    if (!notModified && (reply.statusCode < 200 || reply.statusCode >= 300))
        throw GitHubError::fromHttp(reply.statusCode, reply.body, reply.headers, what);
    co_return reply;
}

QCoro::Task<GitHubReply> GitHubHttp::postForm(QUrl url, QUrlQuery form)
{
    QNetworkRequest request = prepare(url, false);
    request.setRawHeader("Accept", "application/json");
    request.setRawHeader("Content-Type", "application/x-www-form-urlencoded");
    const QByteArray body = form.toString(QUrl::FullyEncoded).toUtf8();
    const QString what = u"POST "_s + url.path();
    GitHubReply reply = co_await exchange(request, "POST", body, what);
    co_return reply;
}

QCoro::Task<GitHubReply> GitHubHttp::exchange(QNetworkRequest request, QByteArray method, QByteArray body,
                                              QString what)
{
    if (const QString invalid = m_config.validationError(); !invalid.isEmpty())
        throw GitHubError(GitHubError::Kind::InvalidConfig, invalid);

    bool tooLarge = false; // declared before the reply: its connections use it
    std::unique_ptr<QNetworkReply> reply;
    if (method == "POST")
        reply.reset(m_network.post(request, body));
    else
        reply.reset(m_network.get(request));
    QNetworkReply* raw = reply.get();
    const qint64 maxBytes = m_config.maxBodyBytes;
    auto guard = [raw, maxBytes, &tooLarge](qint64 received, qint64 total) {
        if (!tooLarge && (received > maxBytes || total > maxBytes)) {
            tooLarge = true;
            raw->abort();
        }
    };
    QObject::connect(raw, &QNetworkReply::downloadProgress, raw, guard);

    co_await qCoro(raw).waitForFinished();

    if (tooLarge)
        throw GitHubError(GitHubError::Kind::MalformedResponse,
                          u"GitHub's answer to %1 is larger than %2 bytes and was dropped."_s.arg(
                              what, QString::number(maxBytes)),
                          u"Try again; if it persists, report it."_s);

    const int status = raw->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    const QNetworkReply::NetworkError error = raw->error();
    if (status == 0 || error == QNetworkReply::InsecureRedirectError ||
        error == QNetworkReply::TooManyRedirectsError) {
        if (error == QNetworkReply::OperationCanceledError || error == QNetworkReply::TimeoutError)
            throw GitHubError(GitHubError::Kind::Timeout,
                              u"GitHub did not answer %1 within %2 s."_s.arg(
                                  what, QString::number(request.transferTimeout() / 1000.0)),
                              u"Check your network connection and try again."_s);
        if (error == QNetworkReply::InsecureRedirectError)
            throw GitHubError(
                GitHubError::Kind::Network,
                u"GitHub redirected %1 to another site; the request was not sent there."_s.arg(what),
                u"Check the GitHub address in the settings."_s);
        const QString detail = m_redactor.redact(raw->errorString());
        throw GitHubError(GitHubError::Kind::Network,
                          u"Could not reach GitHub for %1 (%2)."_s.arg(what, detail),
                          u"Check your network connection and the GitHub address, then try again."_s);
    }

    GitHubReply answer;
    answer.statusCode = status;
    answer.body = raw->readAll();
    answer.headers = raw->rawHeaderPairs();
    co_return answer;
}

QJsonValue GitHubHttp::decodeJson(const QByteArray& body, const QString& what) const
{
    QJsonParseError error{};
    const QJsonDocument document = QJsonDocument::fromJson(body, &error);
    if (error.error != QJsonParseError::NoError || document.isNull()) {
        const bool html = body.trimmed().startsWith('<');
        throw GitHubError(
            GitHubError::Kind::MalformedResponse,
            u"GitHub answered %1 with %2 instead of JSON."_s.arg(
                what, html ? u"an HTML page"_s : u"unreadable data (%1)"_s.arg(error.errorString())),
            u"Check the GitHub address in the settings (GitHub Enterprise uses "
            u"https://HOST/api/v3), then try again."_s);
    }
    return document.isArray() ? QJsonValue(document.array()) : QJsonValue(document.object());
}

} // namespace forge::github
