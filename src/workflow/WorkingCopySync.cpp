#include "WorkingCopySync.h"

#include "OutputTail.h"
#include "core/Detached.h"
#include "core/Failure.h"
#include "core/SignalWait.h"

#include <QDateTime>
#include <QFileInfo>
#include <QLocale>
#include <QPointer>
#include <algorithm>
#include <exception>
#include <limits>
#include <memory>
#include <optional>

using namespace Qt::StringLiterals;

namespace forge {

namespace {

// A file modified this close to the moment it was listed may change again within the same tick of
// the file system's clock, keeping size and time ("racy git"): it is sent again by the next round.
constexpr qint64 RacyWindowNs = 20'000'000;
constexpr int RetryExponentCap = 10;
constexpr auto MinimumRetryDelay = std::chrono::milliseconds(100);

qint64 nowNs()
{
    return QDateTime::currentMSecsSinceEpoch() * 1'000'000;
}

// What the sandbox has after `now` was sent, entries that may still change unnoticed marked to be
// sent again.
WorkingCopyEntry sentEntry(WorkingCopyEntry entry, qint64 listedAtNs)
{
    if (entry.modifiedNs > listedAtNs - RacyWindowNs)
        entry.modifiedNs = -1;
    return entry;
}

// Whether a removed path and a written one are a folder and something in it (a file that became a
// folder, or the other way): the removal must then happen before the archive is unpacked.
bool removalFirst(const QStringList& written, const QStringList& removed)
{
    const QSet<QString> writtenSet(written.cbegin(), written.cend());
    const QSet<QString> removedSet(removed.cbegin(), removed.cend());
    const auto hasAncestorIn = [](const QString& path, const QSet<QString>& set) {
        for (qsizetype slash = path.indexOf(u'/'); slash > 0; slash = path.indexOf(u'/', slash + 1)) {
            if (set.contains(path.left(slash)))
                return true;
        }
        return false;
    };
    return std::any_of(removed.cbegin(), removed.cend(),
                       [&](const QString& path) { return hasAncestorIn(path, writtenSet); }) ||
           std::any_of(written.cbegin(), written.cend(),
                       [&](const QString& path) { return hasAncestorIn(path, removedSet); });
}

QString sizeText(qint64 bytes)
{
    return QLocale::c().toString(double(bytes) / (1024.0 * 1024.0), 'f', 1) + u" MB"_s;
}

QString resultReason(const CommandResult& result, const OutputTail& tail)
{
    if (result.timedOut)
        return u"the sandbox did not finish in time"_s;
    const QString lines = tail.lastLines();
    return lines.isEmpty() ? u"exit code %1"_s.arg(result.exitCode) : lines;
}

} // namespace

QString WorkingCopySyncState::describe() const
{
    switch (kind) {
    case Kind::Idle:
        return u"not synced yet"_s;
    case Kind::Syncing:
        return files == 1 ? u"syncing 1 file"_s : u"syncing %1 files"_s.arg(files);
    case Kind::Synced:
        return u"synced"_s;
    case Kind::Paused:
        return u"paused: "_s + (offline ? u"offline"_s : reason);
    }
    return {};
}

WorkingCopySync::WorkingCopySync(SandboxProvider& provider, QString sandboxId, const QString& folder,
                                 QObject* parent)
    : WorkingCopySync(provider, std::move(sandboxId), folder, Options{}, parent)
{}

WorkingCopySync::WorkingCopySync(SandboxProvider& provider, QString sandboxId, const QString& folder,
                                 Options options, QObject* parent)
    : QObject(parent)
    , m_provider(provider)
    , m_sandboxId(std::move(sandboxId))
    , m_options(options)
    , m_files(folder, options.sizeLimit)
    , m_backoff(options.retryBase, options.retryCap, std::numeric_limits<int>::max())
{
    qRegisterMetaType<forge::WorkingCopySyncState>();
    m_debounce.setSingleShot(true);
    m_debounce.setInterval(m_options.debounce);
    m_maxWait.setSingleShot(true);
    m_maxWait.setInterval(m_options.maxWait);
    m_rescan.setInterval(m_options.rescanInterval);
    m_retry.setSingleShot(true);
    const auto due = [this] {
        m_debounce.stop();
        m_maxWait.stop();
        kick();
    };
    connect(&m_debounce, &QTimer::timeout, this, due);
    connect(&m_maxWait, &QTimer::timeout, this, due);
    connect(&m_rescan, &QTimer::timeout, this, [this] {
        m_needFull = true;
        kick();
    });
    connect(&m_retry, &QTimer::timeout, this, [this] { kick(); });
    connect(&m_watcher, &QFileSystemWatcher::fileChanged, this, &WorkingCopySync::fileEvent);
    connect(&m_watcher, &QFileSystemWatcher::directoryChanged, this, &WorkingCopySync::folderEvent);
}

WorkingCopySync::~WorkingCopySync()
{
    stop();
}

QString WorkingCopySync::watchedCopyNotice()
{
    return u"Overlays are not available here (bubblewrap 0.8 has no --overlay-src): the working copy is "
           u"copied into the sandbox and kept in sync while the preview is live; your folder is only "
           u"read."_s;
}

QCoro::Task<> WorkingCopySync::initialSync(OutputSink log)
{
    QPointer<WorkingCopySync> self(this);
    // Copies: this object may go while the coroutine waits.
    const WorkingCopyFiles files = m_files;
    SandboxProvider& provider = m_provider;
    const QString id = m_sandboxId;
    const auto write = [&log](const QString& line) {
        if (log)
            log(OutputChannel::Stdout, (line + u'\n').toUtf8());
    };

    const qint64 listedAt = nowNs();
    const WorkingCopyListing listing = co_await files.list();
    if (!self)
        co_return;
    const QStringList told = tell(listing.skipped);
    for (const QString& message : told)
        write(message);
    QStringList paths = listing.files.keys();
    std::sort(paths.begin(), paths.end());
    setState({WorkingCopySyncState::Kind::Syncing, paths.size(), {}, false});
    const QByteArray archive = co_await files.archive(paths);
    const qint64 bytes = archive.size();
    OutputTail tail(log);
    const QStringList noDeletions;
    const CommandResult result =
        co_await provider.applyWorkspaceChanges(id, archive, noDeletions, tail.sink());
    if (!result.succeeded()) {
        throw Failure::permanent(
            u"The folder's files could not be put into the sandbox: %1"_s.arg(resultReason(result, tail)),
            u"Check that the sandbox has room, then run again."_s);
    }
    if (!self)
        co_return;
    m_current = listing;
    m_synced.clear();
    for (auto it = listing.files.cbegin(); it != listing.files.cend(); ++it)
        m_synced.insert(it.key(), sentEntry(*it, listedAt));
    write(u"Copied %1 %2 (%3) from %4 into the sandbox."_s.arg(paths.size())
              .arg(paths.size() == 1 ? u"file"_s : u"files"_s, sizeText(bytes), files.folder()));
    setState({WorkingCopySyncState::Kind::Synced, 0, {}, false});
}

void WorkingCopySync::start()
{
    if (m_running)
        return;
    m_running = true;
    m_needFull = true;
    m_rescan.start();
    kick();
}

void WorkingCopySync::stop()
{
    m_running = false;
    m_debounce.stop();
    m_maxWait.stop();
    m_rescan.stop();
    m_retry.stop();
    const QStringList watched = m_watcher.files() + m_watcher.directories();
    if (!watched.isEmpty())
        m_watcher.removePaths(watched);
}

void WorkingCopySync::setState(WorkingCopySyncState state)
{
    if (state == m_state)
        return;
    m_state = std::move(state);
    Q_EMIT stateChanged(m_state);
}

QStringList WorkingCopySync::tell(const QStringList& messages)
{
    QStringList told;
    for (const QString& message : messages) {
        if (m_told.contains(message))
            continue;
        m_told.insert(message);
        told.append(message);
        Q_EMIT notice(message);
    }
    return told;
}

QString WorkingCopySync::relative(const QString& path) const
{
    const QString base = m_files.folder();
    if (path == base)
        return {};
    if (!path.startsWith(base + u'/'))
        return {};
    return path.mid(base.size() + 1);
}

void WorkingCopySync::fileEvent(const QString& path)
{
    const QString file = relative(path);
    if (file.isEmpty())
        return;
    m_dirty.insert(file);
    if (QFileInfo(file).fileName() == u".gitignore"_s)
        m_needFull = true;
    eventArrived();
}

void WorkingCopySync::folderEvent(const QString& path)
{
    Q_UNUSED(path)
    m_needFull = true;
    eventArrived();
}

void WorkingCopySync::eventArrived()
{
    if (!m_running)
        return;
    m_debounce.start();
    if (!m_maxWait.isActive())
        m_maxWait.start();
}

void WorkingCopySync::kick()
{
    if (!m_running || m_retry.isActive())
        return;
    if (m_busy) {
        m_again = true;
        return;
    }
    m_busy = true;
    detach(work(), this, "the working copy's sync");
}

QCoro::Task<> WorkingCopySync::work()
{
    QPointer<WorkingCopySync> self(this);
    bool succeeded = true;
    do {
        m_again = false;
        succeeded = co_await syncOnce();
        if (!self)
            co_return;
    } while (succeeded && m_again && m_running);
    m_busy = false;
    Q_EMIT workEnded();
}

QCoro::Task<> WorkingCopySync::stopAndWait()
{
    stop();
    if (m_busy)
        co_await waitForSignal(this, &WorkingCopySync::workEnded, std::chrono::milliseconds(-1));
}

QCoro::Task<bool> WorkingCopySync::syncOnce()
{
    QPointer<WorkingCopySync> self(this);
    const WorkingCopyFiles files = m_files;
    const bool full = std::exchange(m_needFull, false);
    const QSet<QString> dirtySet = std::exchange(m_dirty, {});
    const QStringList dirty(dirtySet.cbegin(), dirtySet.cend());
    std::optional<Failure> failure;
    QString unexpected;
    try {
        const qint64 listedAt = nowNs();
        WorkingCopyListing listing;
        if (full) {
            listing = co_await files.list();
            if (!self)
                co_return false;
        } else {
            listing = m_current;
            listing.skipped.clear();
            files.refresh(listing, dirty);
        }
        m_current = listing;
        tell(listing.skipped);
        if (full) {
            updateWatches();
        } else if (!dirty.isEmpty()) {
            // An editor that replaced a file left the watch on the old one.
            const QStringList watchedFiles = m_watcher.files();
            const QSet<QString> watched(watchedFiles.cbegin(), watchedFiles.cend());
            QStringList again;
            for (const QString& path : dirty) {
                const QString absolute = files.folder() + u'/' + path;
                if (listing.files.contains(path) && !watched.contains(absolute))
                    again.append(absolute);
            }
            if (!again.isEmpty())
                m_watcher.addPaths(again);
        }
        const WorkingCopyDiff diff = WorkingCopyDiff::between(m_synced, listing.files);
        if (!diff.isEmpty()) {
            setState({WorkingCopySyncState::Kind::Syncing, diff.count(), {}, false});
            co_await send(diff, listing.files, listedAt);
            if (!self)
                co_return false;
        }
        m_retries = 0;
        if (!m_again && !m_debounce.isActive() && !m_needFull && m_dirty.isEmpty())
            setState({WorkingCopySyncState::Kind::Synced, 0, {}, false});
        co_return true;
    } catch (const Failure& caught) {
        failure = caught;
    } catch (const std::exception& caught) {
        unexpected = QString::fromLocal8Bit(caught.what());
    }
    if (!self)
        co_return false;
    if (failure)
        scheduleRetry(failure->message(), failure->isTransient());
    else
        scheduleRetry(unexpected.isEmpty() ? u"an unexpected error"_s : unexpected, false);
    co_return false;
}

QCoro::Task<> WorkingCopySync::send(WorkingCopyDiff diff, WorkingCopySnapshot now, qint64 listedAtNs)
{
    QPointer<WorkingCopySync> self(this);
    const WorkingCopyFiles files = m_files;
    SandboxProvider& provider = m_provider;
    const QString id = m_sandboxId;
    const QStringList written = diff.written();
    const QByteArray archive = co_await files.archive(written);
    OutputTail tail;
    const QByteArray noArchive;
    const QStringList noDeletions;
    CommandResult result;
    if (!diff.removed.isEmpty() && !written.isEmpty() && removalFirst(written, diff.removed)) {
        result = co_await provider.applyWorkspaceChanges(id, noArchive, diff.removed, tail.sink());
        if (result.succeeded())
            result = co_await provider.applyWorkspaceChanges(id, archive, noDeletions, tail.sink());
    } else {
        result = co_await provider.applyWorkspaceChanges(id, archive, diff.removed, tail.sink());
    }
    if (!result.succeeded()) {
        throw Failure::permanent(
            u"The sandbox did not take the changed files: %1"_s.arg(resultReason(result, tail)),
            u"The change is sent again."_s);
    }
    if (!self)
        co_return;
    for (const QString& path : written)
        m_synced.insert(path, sentEntry(now.value(path), listedAtNs));
    for (const QString& path : std::as_const(diff.removed))
        m_synced.remove(path);
    Q_EMIT batchSent(written, diff.removed);
}

void WorkingCopySync::scheduleRetry(const QString& reason, bool offline)
{
    m_needFull = true; // the next round sends everything the sandbox still lacks
    ++m_retries;
    if (m_retries == 1)
        tell({u"Syncing the working copy failed (%1); it is tried again."_s.arg(reason)});
    setState({WorkingCopySyncState::Kind::Paused, 0, reason, offline});
    if (!m_running)
        return;
    const auto delay = std::max(m_backoff.delayFor(std::min(m_retries, RetryExponentCap)),
                                std::chrono::milliseconds(MinimumRetryDelay));
    m_retry.start(delay);
}

void WorkingCopySync::updateWatches()
{
    const QString base = m_files.folder();
    QSet<QString> wanted;
    for (const QString& folder : m_current.folders())
        wanted.insert(folder.isEmpty() ? base : base + u'/' + folder);
    const qsizetype room = qMax<qsizetype>(0, m_options.watchLimit - wanted.size());
    qsizetype fileWatches = 0;
    bool overLimit = false;
    for (auto it = m_current.files.cbegin(); it != m_current.files.cend(); ++it) {
        if (it->kind != WorkingCopyEntry::Kind::File)
            continue; // a watch would follow the link; its replacement is a folder event
        if (fileWatches >= room) {
            overLimit = true;
            break;
        }
        wanted.insert(base + u'/' + it.key());
        ++fileWatches;
    }
    const QStringList watchedList = m_watcher.files() + m_watcher.directories();
    const QSet<QString> watched(watchedList.cbegin(), watchedList.cend());
    QStringList toRemove;
    for (const QString& path : watched) {
        if (!wanted.contains(path))
            toRemove.append(path);
    }
    QStringList toAdd;
    for (const QString& path : std::as_const(wanted)) {
        if (!watched.contains(path))
            toAdd.append(path);
    }
    if (!toRemove.isEmpty())
        m_watcher.removePaths(toRemove);
    if (!toAdd.isEmpty())
        m_watcher.addPaths(toAdd);
    if (overLimit && !m_watchLimitTold) {
        m_watchLimitTold = true;
        const auto seconds = double(m_options.rescanInterval.count()) / 1000.0;
        tell({u"%1 has more files than can be watched: changes to some are noticed by the rescan every "
              u"%2 s."_s.arg(base, QLocale::c().toString(seconds, 'g', 3))});
    }
}

} // namespace forge
