#pragma once

#include <QByteArray>
#include <QDateTime>
#include <QList>
#include <QPair>
#include <QString>
#include <chrono>
#include <exception>
#include <optional>

namespace forge::daytona {

using RawHeaders = QList<QPair<QByteArray, QByteArray>>;

// Every failure of the Daytona client, typed by what the caller can do about it. Thrown from the
// client's coroutines; `userMessage()` is a sentence for the user that always ends with what to do.
class DaytonaError final : public std::exception
{
public:
    enum class Kind {
        NotFound,              // 404
        Conflict,              // 409 other than a lifecycle race (for example a session that exists)
        StateChangeInProgress, // 409 "Sandbox state change in progress" (docs/daytona-api.md §2)
        InvalidState,          // 400: wrong state for the operation or a rejected parameter
        Unauthorized,          // 401 / 403
        RateLimited,           // 429
        ServerError,           // 5xx
        CommandTimedOut,       // toolbox 408: the command outlived its timeout (docs/daytona-api.md §8)
        HttpError,             // any other 4xx
        Timeout,               // no answer within the transfer timeout, or waitForState gave up
        Network,               // no HTTP answer at all (DNS, refused, TLS, refused redirect)
        MalformedResponse,     // an answer the client cannot read (not JSON, wrong shape, too big)
        InvalidArgument,       // rejected before sending (bad config or parameters)
        SandboxFailed,         // waitForState saw `error` / `build_failed`
    };

    DaytonaError(Kind kind, QString message);

    // Builds the error for a non-2xx answer from either body shape of docs/daytona-api.md §2, or none.
    static DaytonaError fromHttp(int statusCode, const QByteArray& body, const RawHeaders& headers,
                                 const QString& requestPath,
                                 const QDateTime& now = QDateTime::currentDateTimeUtc());

    // `Retry-After` or `Retry-After-<throttler>` as seconds or an HTTP-date (docs/daytona-api.md §2).
    static std::optional<std::chrono::seconds>
    parseRetryAfter(const RawHeaders& headers, const QDateTime& now = QDateTime::currentDateTimeUtc());

    Kind kind() const { return m_kind; }
    // Worth retrying later: 5xx, 429, a lifecycle race, a timeout or a network failure.
    bool isTransient() const;

    int statusCode() const { return m_statusCode; }
    const QString& serverMessage() const { return m_serverMessage; }
    const QString& code() const { return m_code; } // toolbox `code`, for example "NOT_FOUND"
    const QString& path() const { return m_path; }
    std::optional<std::chrono::seconds> retryAfter() const { return m_retryAfter; }
    // Secrets are never part of it: server text goes through SecretRedactor.
    const QString& userMessage() const { return m_message; }

    DaytonaError& withPath(QString path);
    DaytonaError& withRetryAfter(std::optional<std::chrono::seconds> seconds);

    static QString kindName(Kind kind);
    const char* what() const noexcept override { return m_what.constData(); }

private:
    void refreshWhat();

    Kind m_kind;
    QString m_message;
    int m_statusCode = 0;
    QString m_serverMessage;
    QString m_code;
    QString m_path;
    std::optional<std::chrono::seconds> m_retryAfter;
    QByteArray m_what;
};

} // namespace forge::daytona
