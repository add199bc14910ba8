#pragma once

#include "NpmRegistry.h"
#include "Packument.h"

#include <QCoroTask>
#include <QDateTime>
#include <QHash>
#include <QObject>
#include <QString>
#include <memory>
#include <optional>

namespace forge {

class PendingToolDownload;

// One unpacked tool in the cache: <root>/<package name, "/" as "+">/<version>/ holding `package/`
// (the tarball's content), `bin/` (one link per command of the package's `bin`, made executable)
// and `tool.json` (name, version, integrity, bin, engines.node, size). Entries are never changed
// after they are made, so they can be bound read-only into any number of sandboxes.
struct ToolCacheEntry
{
    QString packageName;
    QString version;
    QString path;       // the entry's folder; its bin/ goes first on PATH
    qint64 bytes = 0;   // on disk
    QDateTime lastUsed; // touched by ToolCache::use()
    PackageVersion metadata;
    QString binDirectory() const { return path + QStringLiteral("/bin"); }
};

// The per-user tool cache (outside every sandbox; nothing a repository runs can write to it).
// Downloads are verified against the registry's sha512 integrity and unpacked into a temporary
// folder that is renamed into place, so an entry is either complete or absent. Concurrent requests
// for one entry share one download: within a process through the pending task, across processes
// (the GUI and the CLI) through a lock file. After each addition, least-recently-used entries go
// until the cache fits its size cap (entries used in the last hour stay: a running sandbox may
// have them bound).
class ToolCache final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ToolCache)
public:
    static constexpr qint64 DefaultSizeCap = qint64(4) * 1024 * 1024 * 1024;

    explicit ToolCache(const QString& root, qint64 sizeCap = DefaultSizeCap, QObject* parent = nullptr);
    ~ToolCache() override;

    // The folder (or file) name that stands for a package: "/" of a scoped name as "+"
    // ("@yarnpkg+cli-dist"). The cache's entries, its metadata and Daytona's tool folders use it.
    static QString folderNameOf(const QString& packageName);

    QString root() const { return m_root; }
    qint64 sizeCap() const { return m_sizeCap; }
    void setSizeCap(qint64 bytes);

    // Every complete entry, most recently used first.
    QList<ToolCacheEntry> entries() const;
    std::optional<ToolCacheEntry> find(const QString& packageName, const QString& version) const;
    // The cached versions of a package as a packument (for choosing a version offline).
    Packument cachedPackument(const QString& packageName) const;
    // Marks the entry as used now (for the least-recently-used clean-up).
    void use(const ToolCacheEntry& entry);

    // The entry for `version` of `packageName`: from the cache, or downloaded from `registry`,
    // verified and unpacked. Throws forge::Failure (what failed, what to do).
    QCoro::Task<ToolCacheEntry> ensure(NpmRegistry& registry, QString packageName, PackageVersion version,
                                       DownloadProgress progress = {});

    // Deletes an entry (Settings > Toolchains); false with `error` set when it could not be.
    bool remove(const QString& packageName, const QString& version, QString* error = nullptr);
    // Removes least-recently-used entries until the cache is within its cap.
    void prune();

Q_SIGNALS:
    void entriesChanged();

private:
    QString entryPath(const QString& packageName, const QString& version) const;
    // Under the cross-process lock: the entry another process made meanwhile, or a new one.
    QCoro::Task<ToolCacheEntry> download(NpmRegistry& registry, QString packageName, PackageVersion version,
                                         DownloadProgress progress);
    QCoro::Task<ToolCacheEntry> unpackIntoPlace(QByteArray tarball, QString packageName,
                                                PackageVersion version);
    // Folders a crashed process left behind (.incoming-*, .removing-*).
    void removeLeftovers();

    QString m_root;
    qint64 m_sizeCap;
    // "name@version" -> the download in progress, which later callers wait for.
    QHash<QString, std::shared_ptr<PendingToolDownload>> m_pending;
};

} // namespace forge
