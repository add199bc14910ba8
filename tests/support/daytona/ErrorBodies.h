#pragma once

#include <QByteArray>
#include <QString>

namespace forge::test::daytona {

// API (NestJS) error body, docs/daytona-api.md §2: {path, timestamp, statusCode, error, message}.
QByteArray apiErrorBody(int status, const QByteArray& path, const QString& message);
// Toolbox/proxy (Go) error body, docs/daytona-api.md §2: {statusCode, message, code, timestamp, path,
// method}.
QByteArray toolboxErrorBody(int status, const QByteArray& path, const QByteArray& method,
                            const QString& message);
// ISO 8601 UTC with milliseconds, as the API writes timestamps.
QString isoNow();

} // namespace forge::test::daytona
