#pragma once

#include <QString>
#include <QUrl>
#include <QUrlQuery>

namespace forge::urlpath {

// `base` with `path` appended to its path (one '/' between them, whatever either side ends or
// starts with) and `query` set when not empty: how the REST clients build request URLs from a
// configured base such as https://app.daytona.io/api or https://HOST/api/v3.
QUrl join(const QUrl& base, const QString& path, const QUrlQuery& query = {});

// One path segment percent-encoded (an id, a name or an owner the user supplied), so '/', '?' or
// '#' in it can never change which resource a request names.
QString segment(const QString& value);

} // namespace forge::urlpath
