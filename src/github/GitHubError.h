#pragma once

#include "core/Failure.h"

#include <QByteArray>
#include <QDateTime>
#include <QList>
#include <QPair>

namespace forge::github {

using RawHeaders = QList<QPair<QByteArray, QByteArray>>;

// A failed GitHub call, typed by what the user can do about it. The message never contains the
// token: the client redacts every text it builds from a server answer.
class GitHubError final : public Failure
{
public:
    enum class Kind {
        InvalidConfig,      // fix the settings
        Unauthorized,       // 401: token invalid or revoked, sign in again
        Forbidden,          // 403 without a rate limit: missing permission
        NotFound,           // 404
        PrimaryRateLimit,   // x-ratelimit-remaining: 0, wait until rateLimitReset()
        SecondaryRateLimit, // Retry-After or the "secondary rate limit" message: wait
        ServerError,        // 5xx
        Network,            // no answer, or a redirect to another origin refused
        Timeout,
        MalformedResponse, // not JSON, wrong shape, too large
        Http,              // any other status
    };

    GitHubError(Kind kind, QString message, QString advice = {}, int status = 0);

    Kind errorKind() const { return m_errorKind; }
    int status() const { return m_status; }
    // The moment the primary rate limit resets (UTC); invalid unless PrimaryRateLimit.
    QDateTime rateLimitReset() const { return m_reset; }
    // message and advice in one sentence pair, for a dialog or a log.
    QString userMessage() const;

    // A non-2xx answer as an error; `what` names the call ("GET /user/repos").
    static GitHubError fromHttp(int status, const QByteArray& body, const RawHeaders& headers,
                                const QString& what);

private:
    Kind m_errorKind;
    int m_status = 0;
    QDateTime m_reset;
};

} // namespace forge::github
