#include "SpecChecker.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>

using namespace Qt::StringLiterals;

bool SpecChecker::load(const QString& file, QString* error)
{
    QFile input(file);
    if (!input.open(QIODevice::ReadOnly)) {
        *error = u"cannot open %1"_s.arg(file);
        return false;
    }
    QJsonParseError parseError{};
    m_spec = QJsonDocument::fromJson(input.readAll(), &parseError).object();
    if (parseError.error != QJsonParseError::NoError || !m_spec.contains(u"paths"_s)) {
        *error = u"%1 is not an OpenAPI description: %2"_s.arg(file, parseError.errorString());
        return false;
    }
    m_swagger2 = m_spec.contains(u"swagger"_s);
    return true;
}

QJsonObject SpecChecker::resolve(const QJsonValue& schemaValue) const
{
    QJsonObject schema = schemaValue.toObject();
    for (int depth = 0; depth < 8; ++depth) {
        if (schema.contains(u"$ref"_s)) {
            // "#/components/schemas/X" or "#/definitions/X"
            const QStringList parts = schema.value(u"$ref"_s).toString().mid(2).split(u'/');
            QJsonValue node = m_spec;
            for (const QString& part : parts)
                node = node.toObject().value(part);
            schema = node.toObject();
            continue;
        }
        const QJsonArray allOf = schema.value(u"allOf"_s).toArray();
        if (allOf.size() == 1) {
            schema = allOf.first().toObject();
            continue;
        }
        break;
    }
    return schema;
}

void SpecChecker::checkObject(const QJsonObject& value, const QJsonValue& schemaValue, const QString& where,
                              QStringList& problems) const
{
    const QJsonObject schema = resolve(schemaValue);
    const QJsonObject properties = schema.value(u"properties"_s).toObject();
    if (properties.isEmpty())
        return; // a free-form map such as env or labels
    for (const QJsonValue& required : schema.value(u"required"_s).toArray()) {
        if (!value.contains(required.toString()))
            problems << u"%1: required field '%2' missing"_s.arg(where, required.toString());
    }
    for (auto it = value.constBegin(); it != value.constEnd(); ++it) {
        if (!properties.contains(it.key())) {
            problems << u"%1: field '%2' is not in the schema"_s.arg(where, it.key());
            continue;
        }
        if (it.value().isObject())
            checkObject(it.value().toObject(), properties.value(it.key()), where + u'.' + it.key(), problems);
    }
}

QStringList SpecChecker::check(const QByteArray& method, const QString& path, const QUrlQuery& query,
                               const QByteArray& body, const QByteArray& contentType) const
{
    const QString verb = QString::fromLatin1(method).toLower();
    const QString what = QString::fromLatin1(method) + u' ' + path;
    const QJsonObject paths = m_spec.value(u"paths"_s).toObject();
    QJsonObject operation;
    QJsonArray parameters;
    bool pathFound = false;
    // Literal templates first, so /sandbox/paginated is not taken for /sandbox/{id}.
    QStringList templates = paths.keys();
    std::stable_sort(templates.begin(), templates.end(),
                     [](const QString& a, const QString& b) { return a.count(u'{') < b.count(u'{'); });
    for (const QString& pathTemplate : std::as_const(templates)) {
        QString pattern = QRegularExpression::escape(pathTemplate);
        pattern.replace(QRegularExpression(u"\\\\\\{[^}]+\\\\\\}"_s), u"[^/]+"_s);
        if (!QRegularExpression(QRegularExpression::anchoredPattern(pattern)).match(path).hasMatch())
            continue;
        pathFound = true;
        const QJsonObject item = paths.value(pathTemplate).toObject();
        if (!item.contains(verb))
            continue;
        operation = item.value(verb).toObject();
        parameters = item.value(u"parameters"_s).toArray();
        for (const QJsonValue& parameter : operation.value(u"parameters"_s).toArray())
            parameters.append(parameter);
        break;
    }
    if (operation.isEmpty())
        return {pathFound ? u"%1: method not allowed on this path"_s.arg(what)
                          : u"%1: no such path"_s.arg(what)};

    QStringList problems;
    QStringList declared;
    QJsonValue bodySchema(QJsonValue::Undefined);
    for (const QJsonValue& parameterValue : std::as_const(parameters)) {
        const QJsonObject parameter = parameterValue.toObject();
        const QString in = parameter.value(u"in"_s).toString();
        const QString name = parameter.value(u"name"_s).toString();
        if (in == u"query"_s) {
            declared << name;
            if (parameter.value(u"required"_s).toBool() && !query.hasQueryItem(name))
                problems << u"%1: required query parameter '%2' missing"_s.arg(what, name);
        } else if (in == u"body"_s) {
            bodySchema = parameter.value(u"schema"_s);
        }
    }
    for (const auto& [name, value] : query.queryItems()) {
        if (!declared.contains(name))
            problems << u"%1: query parameter '%2' is not declared"_s.arg(what, name);
    }
    if (!m_swagger2)
        bodySchema = operation.value(u"requestBody"_s)
                         .toObject()
                         .value(u"content"_s)
                         .toObject()
                         .value(u"application/json"_s)
                         .toObject()
                         .value(u"schema"_s);

    const bool hasBody = !body.trimmed().isEmpty();
    if (!hasBody) {
        const bool bodyRequired =
            m_swagger2 ? !bodySchema.isUndefined()
                       : operation.value(u"requestBody"_s).toObject().value(u"required"_s).toBool();
        if (bodyRequired)
            problems << u"%1: a request body is required"_s.arg(what);
        return problems;
    }
    if (contentType.startsWith("multipart/form-data")) {
        const QJsonArray consumes =
            m_swagger2
                ? operation.value(u"consumes"_s).toArray()
                : QJsonArray::fromStringList(
                      operation.value(u"requestBody"_s).toObject().value(u"content"_s).toObject().keys());
        if (!consumes.contains(u"multipart/form-data"_s))
            problems << u"%1: sends multipart/form-data, which the operation does not take"_s.arg(what);
        return problems;
    }
    if (bodySchema.isUndefined())
        return problems << u"%1: sends a body but the operation takes none"_s.arg(what);
    const QJsonDocument document = QJsonDocument::fromJson(body);
    if (!document.isObject())
        return problems << u"%1: body is not a JSON object"_s.arg(what);
    checkObject(document.object(), bodySchema, what, problems);
    return problems;
}
