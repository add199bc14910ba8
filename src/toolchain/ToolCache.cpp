#include "ToolCache.h"

#include "ToolArchive.h"
#include "core/Failure.h"
#include "core/SignalWait.h"

#include <QCoreApplication>
#include <QDir>
#include <QDirIterator>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLockFile>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTimer>
#include <algorithm>
#include <chrono>
#include <exception>
#include <utility>

using namespace Qt::StringLiterals;
using namespace std::chrono_literals;

namespace forge {

// One download in progress in this process: callers asking for the same entry meanwhile wait for
// `finished` and share its result.
class PendingToolDownload final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(PendingToolDownload)
public:
    PendingToolDownload() = default;

    std::optional<ToolCacheEntry> entry;
    std::exception_ptr error;

Q_SIGNALS:
    void finished();
};

namespace {

// A running sandbox may have an entry used this recently bound; the clean-up leaves it.
constexpr auto RecentUse = 1h;
// How long to wait for another process (the GUI, the CLI) fetching the same tool.
constexpr auto LockPatience = 10min;
constexpr auto LockPoll = 200ms;
constexpr auto NoTimeLimit = std::chrono::milliseconds(-1);

// Names and versions become folder names: nothing that could name another folder.
bool isPackageName(const QString& name)
{
    static const QRegularExpression format(
        u"^(?:@[A-Za-z0-9][A-Za-z0-9._~-]*/)?[A-Za-z0-9][A-Za-z0-9._~-]*$"_s);
    return format.match(name).hasMatch();
}

bool isVersion(const QString& version)
{
    static const QRegularExpression format(u"^[0-9A-Za-z][0-9A-Za-z.+-]*$"_s);
    return format.match(version).hasMatch() && !version.contains(".."_L1);
}

QJsonObject toolJson(const QString& packageName, const PackageVersion& version, qint64 bytes)
{
    QJsonObject bin;
    for (auto it = version.bin.begin(); it != version.bin.end(); ++it)
        bin.insert(it.key(), it.value());
    return {{u"name"_s, packageName},
            {u"version"_s, version.version},
            {u"tarball"_s, version.tarball.toString(QUrl::RemoveUserInfo)},
            {u"integrity"_s, version.integrity},
            {u"bin"_s, bin},
            {u"engines"_s, QJsonObject{{u"node"_s, version.enginesNode}}},
            {u"deprecated"_s, version.deprecated},
            {u"bytes"_s, bytes}};
}

// The entry in `folder`, or nullopt for anything incomplete or not made by this cache.
std::optional<ToolCacheEntry> readEntry(const QString& folder)
{
    QFile file(folder + "/tool.json"_L1);
    if (!file.open(QIODevice::ReadOnly) || !QFileInfo(folder + "/package"_L1).isDir())
        return std::nullopt;
    const QJsonObject json = QJsonDocument::fromJson(file.read(1024 * 1024)).object();
    ToolCacheEntry entry;
    entry.packageName = json.value("name"_L1).toString();
    entry.version = json.value("version"_L1).toString();
    if (!isPackageName(entry.packageName) || !isVersion(entry.version))
        return std::nullopt;
    entry.path = folder;
    entry.bytes = json.value("bytes"_L1).toInteger();
    entry.lastUsed = QFileInfo(file).lastModified();
    entry.metadata.version = entry.version;
    entry.metadata.tarball = QUrl(json.value("tarball"_L1).toString());
    entry.metadata.integrity = json.value("integrity"_L1).toString();
    const QJsonObject bin = json.value("bin"_L1).toObject();
    for (auto it = bin.begin(); it != bin.end(); ++it)
        entry.metadata.bin.insert(it.key(), it.value().toString());
    entry.metadata.enginesNode = json.value("engines"_L1).toObject().value("node"_L1).toString();
    entry.metadata.deprecated = json.value("deprecated"_L1).toBool();
    return entry;
}

// Bytes of the regular files under `folder` (links not followed).
qint64 diskUsage(const QString& folder)
{
    qint64 bytes = 0;
    QDirIterator it(folder, QDir::Files | QDir::Hidden | QDir::System | QDir::NoSymLinks,
                    QDirIterator::Subdirectories);
    while (it.hasNext())
        bytes += it.nextFileInfo().size();
    return bytes;
}

// bin/<command> -> ../package/<path> for each command of the package's `bin` whose file is in the
// package, that file made executable. Commands that would name another folder, or files outside
// the package, get no link.
void makeBinLinks(const QString& folder, const QMap<QString, QString>& bin)
{
    const QString binFolder = folder + "/bin"_L1;
    QDir().mkpath(binFolder);
    const QString package = QFileInfo(folder + "/package"_L1).canonicalFilePath();
    for (auto it = bin.begin(); it != bin.end(); ++it) {
        const QString& command = it.key();
        const QString relative = QDir::cleanPath(it.value());
        if (command.isEmpty() || command.contains(u'/') || command.startsWith(u'.') ||
            relative.startsWith(u'/') || relative == ".."_L1 || relative.startsWith("../"_L1))
            continue;
        const QString target = QFileInfo(package + u'/' + relative).canonicalFilePath();
        if (!target.startsWith(package + u'/') || !QFileInfo(target).isFile())
            continue;
        QFile::setPermissions(target, QFile::permissions(target) | QFile::ExeOwner | QFile::ExeUser |
                                          QFile::ExeGroup | QFile::ExeOther);
        QFile::link("../package/"_L1 + relative, binFolder + u'/' + command);
    }
}

void writeToolJson(const QString& folder, const QString& packageName, const PackageVersion& version,
                   const QString& what)
{
    QFile file(folder + "/tool.json"_L1);
    const QByteArray json =
        QJsonDocument(toolJson(packageName, version, diskUsage(folder))).toJson(QJsonDocument::Indented);
    if (!file.open(QIODevice::WriteOnly) || file.write(json) != json.size() || !file.flush())
        throw Failure::permanent(
            u"Could not write the tool cache's record of %1 (%2)."_s.arg(what, file.errorString()),
            u"Check that the disk is not full, then try again."_s);
}

// Takes `lock`, waiting (without blocking the event loop) while another process holds it.
QCoro::Task<> takeLock(QLockFile& lock, QString what)
{
    QElapsedTimer waited;
    waited.start();
    while (!lock.tryLock(0)) {
        if (lock.error() != QLockFile::LockFailedError)
            throw Failure::permanent(
                u"Could not lock the tool cache to add %1 (%2)."_s.arg(what, lock.fileName()),
                u"Check that the cache folder can be written, then try again."_s);
        if (waited.elapsed() > std::chrono::milliseconds(LockPatience).count())
            throw Failure::transient(
                u"Another Forge Preview has been fetching %1 for 10 minutes and has not finished."_s.arg(
                    what),
                u"Wait for it, or close it and try again."_s);
        QTimer poll;
        poll.setSingleShot(true);
        poll.start(LockPoll);
        co_await waitForSignal(&poll, &QTimer::timeout, NoTimeLimit);
    }
}

void checkNames(const QString& packageName, const QString& version)
{
    if (!isPackageName(packageName) || !isVersion(version))
        throw Failure::permanent(
            u"“%1@%2” is not a package and version the tool cache can hold."_s.arg(packageName, version),
            u"Check the tool the project asks for."_s);
}

} // namespace

ToolCache::ToolCache(const QString& root, qint64 sizeCap, QObject* parent)
    : QObject(parent)
    , m_root(QDir::cleanPath(root))
    , m_sizeCap(sizeCap)
{}

ToolCache::~ToolCache() = default;

QString ToolCache::folderNameOf(const QString& packageName)
{
    return QString(packageName).replace(u'/', u'+');
}

void ToolCache::setSizeCap(qint64 bytes)
{
    m_sizeCap = bytes;
    prune();
}

QString ToolCache::entryPath(const QString& packageName, const QString& version) const
{
    return m_root + u'/' + folderNameOf(packageName) + u'/' + version;
}

QList<ToolCacheEntry> ToolCache::entries() const
{
    QList<ToolCacheEntry> list;
    // Hidden folders (.incoming-*, .removing-*) are not entries: QDir leaves them out.
    for (const QFileInfo& package : QDir(m_root).entryInfoList(QDir::Dirs | QDir::NoDotAndDotDot)) {
        for (const QFileInfo& version :
             QDir(package.filePath()).entryInfoList(QDir::Dirs | QDir::NoDotAndDotDot)) {
            std::optional<ToolCacheEntry> entry = readEntry(version.filePath());
            if (entry && folderNameOf(entry->packageName) == package.fileName() &&
                entry->version == version.fileName())
                list.append(*entry);
        }
    }
    std::sort(list.begin(), list.end(),
              [](const ToolCacheEntry& a, const ToolCacheEntry& b) { return a.lastUsed > b.lastUsed; });
    return list;
}

std::optional<ToolCacheEntry> ToolCache::find(const QString& packageName, const QString& version) const
{
    if (!isPackageName(packageName) || !isVersion(version))
        return std::nullopt;
    std::optional<ToolCacheEntry> entry = readEntry(entryPath(packageName, version));
    if (!entry || entry->packageName != packageName || entry->version != version)
        return std::nullopt;
    return entry;
}

Packument ToolCache::cachedPackument(const QString& packageName) const
{
    Packument packument;
    packument.name = packageName;
    if (!isPackageName(packageName))
        return packument;
    const QDir folder(m_root + u'/' + folderNameOf(packageName));
    for (const QString& version : folder.entryList(QDir::Dirs | QDir::NoDotAndDotDot)) {
        if (std::optional<ToolCacheEntry> entry = find(packageName, version))
            packument.versions.insert(entry->version, entry->metadata);
    }
    return packument;
}

void ToolCache::use(const ToolCacheEntry& entry)
{
    // tool.json's modification time is the entry's last use; nothing else changes the file.
    QFile file(entry.path + "/tool.json"_L1);
    if (file.open(QIODevice::ReadWrite))
        file.setFileTime(QDateTime::currentDateTime(), QFileDevice::FileModificationTime);
}

QCoro::Task<ToolCacheEntry> ToolCache::ensure(NpmRegistry& registry, QString packageName,
                                              PackageVersion version, DownloadProgress progress)
{
    checkNames(packageName, version.version);
    if (std::optional<ToolCacheEntry> cached = find(packageName, version.version)) {
        use(*cached);
        co_return *cached;
    }
    const QString key = packageName + u'@' + version.version;
    const std::shared_ptr<PendingToolDownload> running = m_pending.value(key);
    if (running) {
        // The download in progress: its entry, or its failure thrown here too.
        co_await waitForSignal(running.get(), &PendingToolDownload::finished, NoTimeLimit);
        if (running->error)
            std::rethrow_exception(running->error);
        // A copy: QCoro 0.8 moves from a non-const lvalue given to co_return
        // (TaskPromise::return_value(U&&)), which would empty the entry for the next waiter.
        co_return std::as_const(*running->entry);
    }

    auto pending = std::make_shared<PendingToolDownload>();
    m_pending.insert(key, pending);
    try {
        ToolCacheEntry entry = co_await download(registry, packageName, version, progress);
        pending->entry = entry;
    } catch (...) {
        pending->error = std::current_exception();
    }
    m_pending.remove(key);
    emit pending->finished();
    if (pending->error) {
        QDir(m_root).rmdir(folderNameOf(packageName)); // the lock's folder, when nothing else is in it
        std::rethrow_exception(pending->error);
    }
    emit entriesChanged();
    prune();
    co_return std::as_const(*pending->entry); // a copy: waiters read it after this (see above)
}

QCoro::Task<ToolCacheEntry> ToolCache::download(NpmRegistry& registry, QString packageName,
                                                PackageVersion version, DownloadProgress progress)
{
    const QString what = packageName + u' ' + version.version;
    const QString packageFolder = m_root + u'/' + folderNameOf(packageName);
    if (!QDir().mkpath(packageFolder))
        throw Failure::permanent(u"Could not create the tool cache folder %1."_s.arg(packageFolder),
                                 u"Check that the disk is not full and the folder can be written."_s);
    QLockFile lock(packageFolder + u'/' + version.version + ".lock"_L1);
    lock.setStaleLockTime(0); // stale only when its process is gone: a big download takes minutes
    co_await takeLock(lock, what);
    if (std::optional<ToolCacheEntry> made = find(packageName, version.version)) { // by another process
        use(*made);
        co_return *made;
    }
    QByteArray tarball = co_await registry.tarball(version, std::move(progress));
    ToolCacheEntry entry = co_await unpackIntoPlace(std::move(tarball), packageName, version);
    co_return entry;
}

QCoro::Task<ToolCacheEntry> ToolCache::unpackIntoPlace(QByteArray tarball, QString packageName,
                                                       PackageVersion version)
{
    const QString what = packageName + u' ' + version.version;
    QTemporaryDir incoming(m_root + "/.incoming-XXXXXX"_L1);
    if (!incoming.isValid())
        throw Failure::permanent(
            u"Could not create a folder in the tool cache %1: %2."_s.arg(m_root, incoming.errorString()),
            u"Check that the disk is not full and the folder can be written."_s);
    co_await ToolArchive::unpack(std::move(tarball), incoming.path(), what);
    makeBinLinks(incoming.path(), version.bin);
    writeToolJson(incoming.path(), packageName, version, what);

    // The rename makes the entry appear complete or not at all; it never replaces an entry.
    const QString destination = entryPath(packageName, version.version);
    if (QDir().rename(incoming.path(), destination))
        incoming.setAutoRemove(false);
    std::optional<ToolCacheEntry> entry = find(packageName, version.version);
    if (!entry)
        throw Failure::permanent(
            u"Could not move %1 into place in the tool cache (%2)."_s.arg(what, destination),
            u"Check that the cache folder can be written, then try again."_s);
    use(*entry);
    co_return *entry;
}

bool ToolCache::remove(const QString& packageName, const QString& version, QString* error)
{
    const auto fail = [error](const QString& message) {
        if (error)
            *error = message;
        return false;
    };
    if (!find(packageName, version))
        return fail(u"%1 %2 is not in the tool cache."_s.arg(packageName, version));
    // Out of sight first (one rename), so no one finds a half-deleted entry.
    QTemporaryDir removing(m_root + "/.removing-XXXXXX"_L1);
    const QString parked = removing.path() + "/entry"_L1;
    if (!removing.isValid() || !QDir().rename(entryPath(packageName, version), parked))
        return fail(u"Could not remove %1 %2 from the tool cache (%3)."_s.arg(packageName, version, m_root));
    removing.remove();
    QDir(m_root).rmdir(folderNameOf(packageName)); // only when it was the last version
    emit entriesChanged();
    return true;
}

void ToolCache::prune()
{
    const QList<ToolCacheEntry> all = entries();
    qint64 total = 0;
    for (const ToolCacheEntry& entry : all)
        total += entry.bytes;
    const QDateTime recent = QDateTime::currentDateTime().addSecs(-std::chrono::seconds(RecentUse).count());
    for (auto it = all.crbegin(); it != all.crend() && total > m_sizeCap; ++it) {
        if (it->lastUsed >= recent)
            continue;
        if (remove(it->packageName, it->version))
            total -= it->bytes;
    }
    removeLeftovers();
}

void ToolCache::removeLeftovers()
{
    // Another process may be unpacking into its .incoming- folder right now: only old ones go.
    const QDateTime dayAgo = QDateTime::currentDateTime().addDays(-1);
    const QDir root(m_root);
    for (const QFileInfo& folder : root.entryInfoList({u".incoming-*"_s, u".removing-*"_s},
                                                      QDir::Dirs | QDir::Hidden | QDir::NoDotAndDotDot)) {
        if (folder.lastModified() < dayAgo)
            QDir(folder.filePath()).removeRecursively();
    }
}

} // namespace forge

#include "ToolCache.moc"
