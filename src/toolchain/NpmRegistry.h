#pragma once

#include "Packument.h"

#include <QCoroTask>
#include <QObject>
#include <QProcessEnvironment>
#include <QUrl>
#include <functional>

class QNetworkAccessManager;
class QNetworkRequest;

namespace forge {

// Bytes received and expected (-1 when the server does not say), for a download's progress.
using DownloadProgress = std::function<void(qint64 received, qint64 total)>;

// The npm registry the user's npm uses, asked over HTTPS (HTTP only on loopback) for package
// metadata and tarballs. Failures are forge::Failure: transient when the registry cannot be
// reached (offline, DNS, timeout, 5xx), permanent for a missing package or a tarball whose bytes
// do not match their integrity.
class NpmRegistry final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(NpmRegistry)
public:
    static constexpr auto DefaultUrl = "https://registry.npmjs.org/";

    explicit NpmRegistry(const QUrl& baseUrl, QObject* parent = nullptr);
    ~NpmRegistry() override;

    // The registry npm would use: npm_config_registry / NPM_CONFIG_REGISTRY in `environment`, else
    // `registry=` in `homeDirectory`/.npmrc, else DefaultUrl. Never runs npm.
    static QUrl configured(const QProcessEnvironment& environment, const QString& homeDirectory);

    QUrl baseUrl() const { return m_baseUrl; }

    // The package's metadata (abbreviated form). Scoped names are escaped ("@yarnpkg%2fcli-dist").
    QCoro::Task<Packument> packument(QString name);
    // The tarball of `version`, verified against version.integrity (sha512) before it is returned.
    // Tarballs on another host than the registry's are refused unless that host is loopback
    // when the registry is (tests) or HTTPS.
    QCoro::Task<QByteArray> tarball(PackageVersion version, DownloadProgress progress = {});

private:
    // Throws a permanent Failure unless `url` is HTTPS, or HTTP on this machine (loopback).
    void checkSecure(const QUrl& url, const QString& what) const;
    void checkTarballHost(const QUrl& tarball, const QString& what) const;
    QUrl packumentUrl(const QString& name) const;
    // GET with the registry's error handling: the body of a 2xx answer, else a Failure naming
    // `packageName` (404) or the host (unreachable, 5xx).
    QCoro::Task<QByteArray> fetch(QNetworkRequest request, QString what, QString packageName,
                                  DownloadProgress progress);

    QUrl m_baseUrl;
    QNetworkAccessManager* m_network;
};

} // namespace forge
