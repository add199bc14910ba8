#include "Packument.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

using namespace Qt::StringLiterals;

namespace forge {
namespace {

QMap<QString, QString> readBin(const QString& packageName, const QJsonValue& value)
{
    QMap<QString, QString> bin;
    // `"bin": "cli.js"` names one command after the package (its last path segment for a scope).
    if (value.isString()) {
        bin.insert(packageName.section(u'/', -1), value.toString());
        return bin;
    }
    const QJsonObject object = value.toObject();
    for (auto it = object.begin(); it != object.end(); ++it) {
        if (it.value().isString())
            bin.insert(it.key(), it.value().toString());
    }
    return bin;
}

std::optional<PackageVersion> readVersion(const QString& packageName, const QString& key,
                                          const QJsonObject& object)
{
    const QJsonObject dist = object.value("dist"_L1).toObject();
    PackageVersion version;
    version.version = key;
    version.tarball = QUrl(dist.value("tarball"_L1).toString());
    version.integrity = dist.value("integrity"_L1).toString().section(u' ', 0, 0);
    if (!version.integrity.startsWith("sha512-"_L1) || !version.tarball.isValid()
        || version.tarball.isRelative())
        return std::nullopt;
    version.bin = readBin(packageName, object.value("bin"_L1));
    version.enginesNode = object.value("engines"_L1).toObject().value("node"_L1).toString();
    version.deprecated = object.contains("deprecated"_L1);
    return version;
}

} // namespace

std::optional<Packument> Packument::fromJson(const QByteArray& json, const QString& expectedName,
                                             QString* error)
{
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(json, &parseError);
    const auto fail = [error](const QString& message) {
        if (error)
            *error = message;
        return std::nullopt;
    };
    if (!document.isObject())
        return fail(u"the registry's answer is not JSON (%1)"_s.arg(parseError.errorString()));
    const QJsonObject root = document.object();
    Packument packument;
    packument.name = root.value("name"_L1).toString();
    if (packument.name != expectedName)
        return fail(u"the registry answered for “%1” instead of “%2”"_s.arg(packument.name, expectedName));
    const QJsonObject tags = root.value("dist-tags"_L1).toObject();
    for (auto it = tags.begin(); it != tags.end(); ++it)
        packument.distTags.insert(it.key(), it.value().toString());
    const QJsonObject versions = root.value("versions"_L1).toObject();
    for (auto it = versions.begin(); it != versions.end(); ++it) {
        if (auto version = readVersion(packument.name, it.key(), it.value().toObject()))
            packument.versions.insert(it.key(), *version);
    }
    return packument;
}

QByteArray Packument::toJson() const
{
    QJsonObject tags;
    for (auto it = distTags.begin(); it != distTags.end(); ++it)
        tags.insert(it.key(), it.value());
    QJsonObject versionObjects;
    for (const PackageVersion& version : versions) {
        QJsonObject bin;
        for (auto it = version.bin.begin(); it != version.bin.end(); ++it)
            bin.insert(it.key(), it.value());
        QJsonObject object{
            {u"name"_s, name},
            {u"version"_s, version.version},
            {u"bin"_s, bin},
            {u"dist"_s, QJsonObject{{u"tarball"_s, version.tarball.toString()},
                                    {u"integrity"_s, version.integrity}}},
        };
        if (!version.enginesNode.isEmpty())
            object.insert(u"engines"_s, QJsonObject{{u"node"_s, version.enginesNode}});
        if (version.deprecated)
            object.insert(u"deprecated"_s, u"deprecated"_s);
        versionObjects.insert(version.version, object);
    }
    return QJsonDocument(QJsonObject{{u"name"_s, name}, {u"dist-tags"_s, tags}, {u"versions"_s, versionObjects}})
        .toJson(QJsonDocument::Compact);
}

} // namespace forge
