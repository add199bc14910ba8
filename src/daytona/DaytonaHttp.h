#pragma once

#include "DaytonaConfig.h"
#include "DaytonaError.h"

#include <QByteArray>
#include <QJsonValue>
#include <QNetworkAccessManager>
#include <QUrl>
#include <QUrlQuery>
#include <qcoro/qcorotask.h>

namespace forge::daytona {

struct HttpRequest
{
    QByteArray method = "GET";
    QUrl url;
    QByteArray body;
    QByteArray contentType = "application/json";
    // Overrides the config's transfer timeout (a sync session exec blocks until the command exits).
    std::optional<std::chrono::milliseconds> timeout;
    // A limit on the whole exchange. The transfer timeout restarts on every byte, so a server that
    // trickles data would otherwise hold the request forever.
    std::optional<std::chrono::milliseconds> deadline;
    // Whether Daytona's proxy counts this request as the sandbox's activity, which postpones
    // auto-stop. Looking (status, logs, ports) should not: then it sends
    // X-Daytona-Skip-Last-Activity-Update (apps/proxy/pkg/proxy/get_sandbox_target.go, v0.190.0).
    bool countsAsActivity = true;
};

struct HttpReply
{
    int statusCode = 0;
    QByteArray body;
    RawHeaders headers;
    QByteArray header(const QByteArray& name) const;
};

// The one place that talks HTTP to Daytona: adds the auth and SDK headers of docs/daytona-api.md §1 to every
// request, bounds each request by a transfer timeout and each answer by a size, refuses redirects
// that would carry the key to another origin, and turns every failure into a DaytonaError.
class DaytonaHttp final
{
    Q_DISABLE_COPY_MOVE(DaytonaHttp)
public:
    // The version that selects split stdout/stderr toolbox output (docs/daytona-api.md §1, §8).
    static constexpr auto SdkVersion = "0.190.0";
    static constexpr auto Source = "forge-preview";
    static constexpr qint64 DefaultMaxBodyBytes = 16 * 1024 * 1024;
    // The proxy skips the activity update only when this header's value is exactly "true".
    static constexpr auto SkipActivityHeader = "X-Daytona-Skip-Last-Activity-Update";

    explicit DaytonaHttp(DaytonaConfig config);

    const DaytonaConfig& config() const { return m_config; }
    void setMaxBodyBytes(qint64 bytes) { m_maxBodyBytes = bytes; }

    // `path` is appended to the API base URL; encode ids with `segment()`.
    QUrl apiUrl(const QString& path, const QUrlQuery& query = {}) const;
    static QUrl join(const QUrl& base, const QString& path, const QUrlQuery& query = {});
    // Percent-encodes one path segment (an id or name the user supplied).
    static QString segment(const QString& value);

    // Throws DaytonaError on no answer, a non-2xx answer or an oversized body.
    QCoro::Task<HttpReply> send(HttpRequest request);
    // send() and decode the body as JSON; an empty body decodes to an undefined QJsonValue only when
    // `allowEmpty` (the toolbox answers some calls with 201/204 and nothing).
    QCoro::Task<QJsonValue> sendJson(HttpRequest request, bool allowEmpty = false);

    // Never crashes on garbage: anything that is not JSON throws MalformedResponse.
    static QJsonValue decodeJson(const QByteArray& body, const QString& what, bool allowEmpty = false);

    QNetworkRequest prepare(const HttpRequest& request) const;

private:
    DaytonaConfig m_config;
    qint64 m_maxBodyBytes = DefaultMaxBodyBytes;
    QNetworkAccessManager m_network;
};

} // namespace forge::daytona
