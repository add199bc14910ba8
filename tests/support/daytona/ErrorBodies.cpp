#include "ErrorBodies.h"

#include "HttpMessages.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QJsonObject>

using namespace Qt::StringLiterals;

namespace forge::test::daytona {

namespace {
QString goCode(int status)
{
    switch (status) {
    case 400:
        return u"BAD_REQUEST"_s;
    case 401:
        return u"UNAUTHORIZED"_s;
    case 403:
        return u"FORBIDDEN"_s;
    case 404:
        return u"NOT_FOUND"_s;
    case 408:
        return u"REQUEST_TIMEOUT"_s;
    case 409:
        return u"CONFLICT"_s;
    case 429:
        return u"TOO_MANY_REQUESTS"_s;
    case 502:
        return u"BAD_GATEWAY"_s;
    case 503:
        return u"SERVICE_UNAVAILABLE"_s;
    default:
        return u"INTERNAL_SERVER_ERROR"_s;
    }
}
} // namespace

QString isoNow()
{
    return QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs);
}

QByteArray apiErrorBody(int status, const QByteArray& path, const QString& message)
{
    const QJsonObject body{{u"path"_s, QString::fromUtf8(path)},
                           {u"timestamp"_s, isoNow()},
                           {u"statusCode"_s, status},
                           {u"error"_s, QString::fromLatin1(reasonPhrase(status))},
                           {u"message"_s, message}};
    return QJsonDocument(body).toJson(QJsonDocument::Compact);
}

QByteArray toolboxErrorBody(int status, const QByteArray& path, const QByteArray& method,
                            const QString& message)
{
    const QJsonObject body{{u"statusCode"_s, status},
                           {u"message"_s, message},
                           {u"code"_s, goCode(status)},
                           {u"timestamp"_s, isoNow()},
                           {u"path"_s, QString::fromUtf8(path)},
                           {u"method"_s, QString::fromLatin1(method)},
                           {u"source"_s, u"daemon"_s}};
    return QJsonDocument(body).toJson(QJsonDocument::Compact);
}

} // namespace forge::test::daytona
