#pragma once

#include "FakeDaytonaServer.h"

#include <QJsonObject>
#include <QStringList>

// Checks a request the client sent against an OpenAPI 3 (api.json) or Swagger 2 (toolbox.json)
// description: the method and path template exist, the query names are declared, required body
// fields are present and no body field is one the schema does not define (the API silently ignores
// unknown fields, docs/daytona-api.md §4, so a misspelt name would otherwise go unnoticed).
class SpecChecker
{
public:
    bool load(const QString& file, QString* error);

    // `path` is relative to the spec's base (the API base URL or the toolbox base URL).
    QStringList check(const QByteArray& method, const QString& path, const QUrlQuery& query,
                      const QByteArray& body, const QByteArray& contentType = "application/json") const;

private:
    QJsonObject resolve(const QJsonValue& schema) const;
    void checkObject(const QJsonObject& value, const QJsonValue& schema, const QString& where,
                     QStringList& problems) const;

    QJsonObject m_spec;
    bool m_swagger2 = false;
};
