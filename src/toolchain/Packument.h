#pragma once

#include <QByteArray>
#include <QMap>
#include <QString>
#include <QUrl>
#include <optional>

namespace forge {

// One published version of an npm package, as the registry's metadata document (the "packument")
// describes it. Only what choosing and fetching a tool needs.
struct PackageVersion
{
    QString version;              // "9.15.9"
    QUrl tarball;                 // dist.tarball
    QString integrity;            // dist.integrity: "sha512-<base64>"; the only hash we accept
    QMap<QString, QString> bin;   // command name -> path inside the package ("pnpm" -> "bin/pnpm.cjs")
    QString enginesNode;          // engines.node, empty when the version states none
    bool deprecated = false;      // the registry marks it deprecated
    friend bool operator==(const PackageVersion&, const PackageVersion&) = default;
};

// A package's metadata from the registry: its versions and dist-tags. Read from the abbreviated
// form (Accept: application/vnd.npm.install-v1+json) or the full one; both carry these fields.
struct Packument
{
    QString name;
    QMap<QString, QString> distTags; // "latest" -> "9.15.9"
    QMap<QString, PackageVersion> versions;

    // nullopt with `error` set when `json` is not a packument of a package called `expectedName`.
    // Versions whose dist has no sha512 integrity are left out (they cannot be verified).
    static std::optional<Packument> fromJson(const QByteArray& json, const QString& expectedName,
                                             QString* error = nullptr);
    QByteArray toJson() const;
};

} // namespace forge
