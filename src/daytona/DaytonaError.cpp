#include "DaytonaError.h"

#include "core/SecretRedactor.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLocale>

using namespace Qt::StringLiterals;

namespace forge::daytona {

namespace {

constexpr qsizetype MaxServerTextChars = 300;

struct ErrorBody
{
    QString message;
    QString code;
    QString path;
};

// Both shapes of docs/daytona-api.md §2: Nest `{path,timestamp,statusCode,error,message}` (message may be an
// array from validation) and the toolbox `{statusCode,message,code,timestamp,path,method}`. Anything
// else, including an empty body or an HTML error page, yields at most a short plain-text message.
ErrorBody parseErrorBody(const QByteArray& body)
{
    ErrorBody parsed;
    QJsonParseError error{};
    const QJsonDocument document = QJsonDocument::fromJson(body, &error);
    if (error.error == QJsonParseError::NoError && document.isObject()) {
        const QJsonObject object = document.object();
        const QJsonValue message = object.value(u"message"_s);
        if (message.isArray()) {
            QStringList parts;
            for (const QJsonValue& part : message.toArray())
                parts << part.toString();
            parsed.message = parts.join(u", "_s);
        } else if (message.isString()) {
            parsed.message = message.toString();
        } else if (object.value(u"error"_s).isString()) {
            parsed.message = object.value(u"error"_s).toString();
        }
        parsed.code = object.value(u"code"_s).toString();
        parsed.path = object.value(u"path"_s).toString();
        return parsed;
    }
    const QString text = QString::fromUtf8(body).trimmed();
    if (!text.startsWith(u'<') && !text.startsWith(u'{') && !text.startsWith(u'['))
        parsed.message = text.left(MaxServerTextChars).simplified();
    return parsed;
}

DaytonaError::Kind kindForStatus(int status, const QString& message, const QString& code)
{
    using Kind = DaytonaError::Kind;
    if (status == 400)
        return Kind::InvalidState;
    if (status == 401 || status == 403)
        return Kind::Unauthorized;
    if (status == 404)
        return Kind::NotFound;
    if (status == 408 || code == u"REQUEST_TIMEOUT"_s)
        return Kind::CommandTimedOut;
    if (status == 409)
        return message.contains(u"state change in progress"_s, Qt::CaseInsensitive)
                   ? Kind::StateChangeInProgress
                   : Kind::Conflict;
    if (status == 429)
        return Kind::RateLimited;
    if (status >= 500)
        return Kind::ServerError;
    return Kind::HttpError;
}

QString adviceFor(DaytonaError::Kind kind, std::optional<std::chrono::seconds> retryAfter)
{
    using Kind = DaytonaError::Kind;
    switch (kind) {
    case Kind::NotFound:
        return u"It may have been deleted (or auto-deleted); list your sandboxes or create a new one."_s;
    case Kind::Conflict:
        return u"It already exists or is in use; pick another name or remove the existing one."_s;
    case Kind::StateChangeInProgress:
        return u"Another start/stop/archive is still running on this sandbox; wait for it to finish, then retry."_s;
    case Kind::InvalidState:
        return u"Check the sandbox's current state (for example start it before using it) and the request's parameters."_s;
    case Kind::Unauthorized:
        return u"Check DAYTONA_API_KEY (or DAYTONA_JWT_TOKEN and DAYTONA_ORGANIZATION_ID): the key may be "
               u"wrong, revoked, expired or missing a permission."_s;
    case Kind::RateLimited:
        return retryAfter ? u"Daytona's rate limit was reached; retry in %1 s."_s.arg(retryAfter->count())
                          : u"Daytona's rate limit was reached; wait a minute, then retry."_s;
    case Kind::ServerError:
        return u"Daytona had an internal problem; retry in a moment."_s;
    case Kind::CommandTimedOut:
        return u"The command was killed after its timeout; raise the timeout or run it asynchronously in a session."_s;
    case Kind::HttpError:
        return u"The request was rejected; check its parameters."_s;
    case Kind::Timeout:
        return u"Check your network connection and retry."_s;
    case Kind::Network:
        return u"Check your network connection and DAYTONA_API_URL, then retry."_s;
    case Kind::MalformedResponse:
        return u"Check that DAYTONA_API_URL points to the Daytona API (for example "
               u"https://app.daytona.io/api), "
               u"then retry."_s;
    case Kind::InvalidArgument:
    case Kind::SandboxFailed:
        return {};
    }
    return {};
}

std::optional<std::chrono::seconds> parseRetryValue(const QByteArray& raw, const QDateTime& now)
{
    const QString value = QString::fromLatin1(raw).trimmed();
    bool ok = false;
    const qlonglong seconds = value.toLongLong(&ok);
    if (ok)
        return seconds >= 0 ? std::optional(std::chrono::seconds(seconds)) : std::nullopt;
    // HTTP-date (RFC 9110 IMF-fixdate), for example "Sun, 06 Nov 1994 08:49:37 GMT".
    QDateTime when = QLocale::c().toDateTime(value, u"ddd, dd MMM yyyy hh:mm:ss 'GMT'"_s);
    if (when.isValid())
        when.setTimeSpec(Qt::UTC); // the literal GMT was matched, not parsed as a zone
    else
        when = QDateTime::fromString(value, Qt::RFC2822Date);
    if (!when.isValid())
        return std::nullopt;
    return std::chrono::seconds(std::max<qint64>(0, now.secsTo(when)));
}

} // namespace

DaytonaError::DaytonaError(Kind kind, QString message)
    : m_kind(kind)
    , m_message(std::move(message))
{
    refreshWhat();
}

DaytonaError DaytonaError::fromHttp(int statusCode, const QByteArray& body, const RawHeaders& headers,
                                    const QString& requestPath, const QDateTime& now)
{
    const SecretRedactor redactor;
    const ErrorBody parsed = parseErrorBody(body);
    const QString serverMessage = redactor.redact(parsed.message);
    const Kind kind = kindForStatus(statusCode, serverMessage, parsed.code);
    const auto retryAfter = kind == Kind::RateLimited ? parseRetryAfter(headers, now) : std::nullopt;

    QString message = u"Daytona answered HTTP %1"_s.arg(statusCode);
    if (!requestPath.isEmpty())
        message += u" for %1"_s.arg(redactor.redact(requestPath));
    message += serverMessage.isEmpty() ? u"."_s : u": %1."_s.arg(serverMessage);
    message += u' ' + adviceFor(kind, retryAfter);

    DaytonaError error(kind, message);
    error.m_statusCode = statusCode;
    error.m_serverMessage = serverMessage;
    error.m_code = parsed.code;
    error.m_path = parsed.path.isEmpty() ? requestPath : parsed.path;
    error.m_retryAfter = retryAfter;
    error.refreshWhat();
    return error;
}

std::optional<std::chrono::seconds> DaytonaError::parseRetryAfter(const RawHeaders& headers,
                                                                  const QDateTime& now)
{
    // The plain header first (failed-auth path), then any per-throttler one (documented form).
    for (const auto& [name, value] : headers) {
        if (name.compare("retry-after", Qt::CaseInsensitive) == 0)
            return parseRetryValue(value, now);
    }
    std::optional<std::chrono::seconds> longest;
    for (const auto& [name, value] : headers) {
        if (!name.toLower().startsWith("retry-after-"))
            continue;
        const auto seconds = parseRetryValue(value, now);
        if (seconds && (!longest || *seconds > *longest))
            longest = seconds;
    }
    return longest;
}

bool DaytonaError::isTransient() const
{
    switch (m_kind) {
    case Kind::ServerError:
    case Kind::RateLimited:
    case Kind::StateChangeInProgress:
    case Kind::Timeout:
    case Kind::Network:
        return true;
    default:
        return false;
    }
}

DaytonaError& DaytonaError::withPath(QString path)
{
    m_path = std::move(path);
    return *this;
}

DaytonaError& DaytonaError::withRetryAfter(std::optional<std::chrono::seconds> seconds)
{
    m_retryAfter = seconds;
    return *this;
}

QString DaytonaError::kindName(Kind kind)
{
    switch (kind) {
    case Kind::NotFound:
        return u"NotFound"_s;
    case Kind::Conflict:
        return u"Conflict"_s;
    case Kind::StateChangeInProgress:
        return u"StateChangeInProgress"_s;
    case Kind::InvalidState:
        return u"InvalidState"_s;
    case Kind::Unauthorized:
        return u"Unauthorized"_s;
    case Kind::RateLimited:
        return u"RateLimited"_s;
    case Kind::ServerError:
        return u"ServerError"_s;
    case Kind::CommandTimedOut:
        return u"CommandTimedOut"_s;
    case Kind::HttpError:
        return u"HttpError"_s;
    case Kind::Timeout:
        return u"Timeout"_s;
    case Kind::Network:
        return u"Network"_s;
    case Kind::MalformedResponse:
        return u"MalformedResponse"_s;
    case Kind::InvalidArgument:
        return u"InvalidArgument"_s;
    case Kind::SandboxFailed:
        return u"SandboxFailed"_s;
    }
    return u"Unknown"_s;
}

void DaytonaError::refreshWhat()
{
    m_what = m_message.toUtf8();
}

} // namespace forge::daytona
