#pragma once

#include "GitHubConfig.h"
#include "GitHubError.h"
#include "core/SecretRedactor.h"

#include <QHash>
#include <QJsonValue>
#include <QNetworkAccessManager>
#include <QUrlQuery>
#include <qcoro/qcorotask.h>

namespace forge::github {

struct GitHubReply
{
    int statusCode = 0;
    QByteArray body;
    RawHeaders headers;
    bool fromCache = false; // a 304 answered from the ETag cache
    QByteArray header(const QByteArray& name) const;
};

// The one place that talks HTTP to GitHub. Every request carries a User-Agent, GitHub's media type
// and API version, and a transfer timeout; every answer is bounded in size. The token goes only to
// the API origin, as an Authorization header (never in a URL), redirects to another origin are
// refused, and every text built from an answer passes through the redactor. GET answers with an
// ETag are kept in memory per URL and revalidated with If-None-Match; a 304 reuses the cached body
// (and does not count against the rate limit).
class GitHubHttp final
{
    Q_DISABLE_COPY_MOVE(GitHubHttp)
public:
    static constexpr auto ApiVersion = "2022-11-28";

    explicit GitHubHttp(GitHubConfig config);

    const GitHubConfig& config() const { return m_config; }
    void setToken(const QString& token);
    bool hasToken() const { return !m_token.isEmpty(); }
    const SecretRedactor& redactor() const { return m_redactor; }

    QUrl apiUrl(const QString& path, const QUrlQuery& query = {}) const;
    QUrl webUrl(const QString& path) const;
    static QString segment(const QString& value);

    // GET an API URL (authorized when it is on the API origin). Throws GitHubError on a non-2xx.
    QCoro::Task<GitHubReply> get(QUrl url);
    // GET with the caller's own validator and without the cache: a 304 comes back as it is (status
    // 304, empty body), for a caller that keeps what it saw last, such as a poll. An empty `etag`
    // asks unconditionally. Throws GitHubError on any other non-2xx.
    QCoro::Task<GitHubReply> getConditional(QUrl url, QByteArray etag);
    // POST a form and ask for JSON, without the token (the OAuth endpoints on the web origin).
    // Returns any answer with a status (the device flow reads errors from 200 and 4xx bodies).
    QCoro::Task<GitHubReply> postForm(QUrl url, QUrlQuery form);

    // Never crashes on garbage: anything that is not JSON throws MalformedResponse.
    QJsonValue decodeJson(const QByteArray& body, const QString& what) const;

    QNetworkRequest prepare(const QUrl& url, bool authorize) const;
    static bool sameOrigin(const QUrl& a, const QUrl& b);

private:
    struct CacheEntry
    {
        QByteArray etag;
        QByteArray body;
        RawHeaders headers;
    };
    QCoro::Task<GitHubReply> exchange(QNetworkRequest request, QByteArray method, QByteArray body,
                                      QString what);

    GitHubConfig m_config;
    QString m_token;
    SecretRedactor m_redactor;
    QHash<QString, CacheEntry> m_cache;
    QNetworkAccessManager m_network;
};

} // namespace forge::github
