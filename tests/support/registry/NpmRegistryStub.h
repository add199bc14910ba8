#pragma once

#include "HttpServer.h"

#include <QByteArray>
#include <QHash>
#include <QMap>
#include <QObject>
#include <QString>
#include <QStringList>
#include <QUrl>
#include <memory>

namespace forge::test {

// An npm registry on 127.0.0.1 for the tool cache's tests: it serves each package's metadata
// (GET /<name>, scoped names as "@scope%2fname") and its tarballs (GET /<name>/-/<base>-<version>.tgz)
// with the sha512 integrity the bytes really have. Packages come from real tarballs (addTarball),
// are built on the fly with tar (addPackage), or are handed over as bytes (addRawTarball, for
// archives a test crafts). It counts the requests to each path across restarts, can serve bytes
// that do not match their integrity (corruptTarball), and can be stopped to play offline.
class NpmRegistryStub final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(NpmRegistryStub)
public:
    explicit NpmRegistryStub(QObject* parent = nullptr);
    ~NpmRegistryStub() override;

    // Listens (again, after stop(): on the same port, so the registry's URL stays the same).
    bool listen();
    // Closes the port: connections are refused, as with no network.
    void stop();
    bool isListening() const { return m_server != nullptr; }
    // http://127.0.0.1:<port>/
    QUrl url() const;

    // A real tarball (npm pack's): its package/package.json gives name, version, bin and
    // engines.node. Returns "name@version", or an empty string with `error` set.
    QString addTarball(const QString& path, QString* error = nullptr);
    // A small package with `files` (path inside the package -> content) under package/, and a
    // package.json with `bin` unless `files` has one. No file is executable in the archive (the
    // cache has to make bin targets so). False with `error` set when tar failed.
    bool addPackage(const QString& name, const QString& version, const QMap<QString, QByteArray>& files,
                    const QMap<QString, QString>& bin = {}, QString* error = nullptr);
    // Serves `tarball` as-is as `version` of `name`.
    void addRawTarball(const QString& name, const QString& version, const QByteArray& tarball,
                       const QMap<QString, QString>& bin = {}, const QString& enginesNode = {});
    // From now on the tarball's bytes differ from what its integrity says.
    void corruptTarball(const QString& name, const QString& version);

    // `tar -czf - <options> -C <folder> <members>`; empty when tar failed.
    static QByteArray pack(const QString& folder, const QStringList& members, const QStringList& options = {},
                           QString* error = nullptr);

    // Requests to a path as sent (percent-encoded), since the start, across stop() and listen().
    int requestCount(const QByteArray& path) const { return m_counts.value(path); }
    int tarballRequests(const QString& name, const QString& version) const;
    QByteArray tarballPath(const QString& name, const QString& version) const;
    // The current server's requests (for their headers).
    QList<RecordedRequest> requestsTo(const QByteArray& path) const;

private:
    struct Published
    {
        QByteArray tarball;
        QString integrity;
        QMap<QString, QString> bin;
        QString enginesNode;
        bool corrupt = false;
    };
    HttpResponse answer(const RecordedRequest& request) const;
    HttpResponse packument(const QString& name) const;

    std::unique_ptr<HttpServer> m_server;
    quint16 m_port = 0;
    QHash<QByteArray, int> m_counts;
    // name -> version -> what is served; the last version added is "latest".
    QMap<QString, QMap<QString, Published>> m_packages;
    QHash<QString, QString> m_latest;
};

} // namespace forge::test
