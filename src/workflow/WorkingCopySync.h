#pragma once

#include "core/Backoff.h"
#include "sandbox/SandboxProvider.h"
#include "workflow/WorkingCopyFiles.h"

#include <QCoroTask>
#include <QFileSystemWatcher>
#include <QMetaType>
#include <QObject>
#include <QSet>
#include <QString>
#include <QStringList>
#include <QTimer>
#include <chrono>

namespace forge {

// Where a working copy's sync stands, for the status bar.
struct WorkingCopySyncState
{
    enum class Kind {
        Idle,    // nothing copied yet
        Syncing, // a batch of `files` is on its way
        Synced,  // the sandbox has what the folder has
        Paused,  // a batch failed; retried with backoff. `reason` says why
    };
    Kind kind = Kind::Idle;
    qsizetype files = 0;  // Syncing: files written plus removed
    QString reason;       // Paused: "offline" or the error's message
    bool offline = false; // Paused: the sandbox could not be reached (a transient failure)

    // "synced", "syncing 3 files", "paused: offline".
    QString describe() const;
    bool operator==(const WorkingCopySyncState&) const = default;
};

// Keeps a sandbox's workspace a copy of a local folder's working copy (WorkingCopyFiles: tracked
// and untracked-but-not-ignored files as they are on disk) while a preview is live. The folder is
// only ever read, on this machine; every write happens inside the sandbox through
// SandboxProvider::applyWorkspaceChanges (its own tar and rm), so nothing the repository's code
// does there reaches the folder.
//
//   WorkingCopySync sync(provider, sandboxId, folder);
//   co_await sync.initialSync(log); // one archive, one applyWorkspaceChanges (one upload on Daytona)
//   sync.start();                   // watch; batches until stop() or destruction
//
// After start(), changes are noticed by a QFileSystemWatcher on every listed folder and file (up to
// a limit; beyond it only the rescan sees them) and by a rescan of the whole folder every
// rescanInterval (new folders, editors that replace files, .gitignore edits), gathered for
// `debounce` after the last event (at most `maxWait`), and sent as one batch: an archive of the new
// and changed files plus the removed paths (a rename is both). A batch that fails is retried with
// backoff, the state Paused with the reason; what it carried is sent with the next one, so no edit
// is lost. Nothing throws out of the watching.
class WorkingCopySync : public QObject
{
    Q_OBJECT
public:
    struct Options
    {
        qint64 sizeLimit = WorkingCopyFiles::DefaultSizeLimit;
        std::chrono::milliseconds debounce{30};
        std::chrono::milliseconds maxWait{250};
        std::chrono::milliseconds rescanInterval{2000};
        int watchLimit = 20'000; // folders and files watched at most (inotify watches are a system limit)
        std::chrono::milliseconds retryBase{500};
        std::chrono::milliseconds retryCap{30'000};
    };

    // `provider` must outlive this object.
    WorkingCopySync(SandboxProvider& provider, QString sandboxId, const QString& folder,
                    QObject* parent = nullptr);
    WorkingCopySync(SandboxProvider& provider, QString sandboxId, const QString& folder, Options options,
                    QObject* parent = nullptr);
    ~WorkingCopySync() override;

    // The build log's one-line notice that the local back end copies instead of overlaying:
    // bubblewrap 0.8 (Debian 12) has no --overlay-src.
    static QString watchedCopyNotice();

    // Copies the whole working copy into the workspace: one archive made here, one
    // applyWorkspaceChanges(). Says what it copied and skipped on `log`. Throws Failure when the
    // folder cannot be listed or the sandbox would not take the files (a transient one for
    // network trouble), so that the calling step can retry.
    QCoro::Task<> initialSync(OutputSink log);
    // Watches the folder and sends changes until stop(). Starts with a full rescan, so edits made
    // between initialSync() and start() (or without an initialSync(): everything) arrive.
    void start();
    void stop();
    // stop(), then waits until a batch on its way has arrived or failed: the provider it uses may
    // go once this returns (a window closing destroys the back ends after the runs have ended).
    QCoro::Task<> stopAndWait();
    bool isRunning() const { return m_running; }

    WorkingCopySyncState state() const { return m_state; }
    QString folder() const { return m_files.folder(); }
    QString sandboxId() const { return m_sandboxId; }
    // How many files the sandbox has from the folder, as far as this object knows.
    qsizetype syncedFileCount() const { return m_synced.size(); }

Q_SIGNALS:
    void stateChanged(const forge::WorkingCopySyncState& state);
    // A batch arrived in the sandbox: the files written (new or changed) and the paths removed,
    // for the build log's Sync section. Not emitted for initialSync().
    void batchSent(const QStringList& written, const QStringList& removed);
    // Something to tell the user once (a link not followed, a file over the size limit, a batch
    // that failed and is retried).
    void notice(const QString& message);
    // Internal: the work loop has ended (no batch on its way).
    void workEnded();

private:
    void setState(WorkingCopySyncState state);
    // Emits notice() for the messages not told before; returns those.
    QStringList tell(const QStringList& messages);
    void fileEvent(const QString& path);
    void folderEvent(const QString& path);
    void eventArrived();
    void kick();
    QCoro::Task<> work();
    // One round: list (or refresh), diff, send. False when the batch failed.
    QCoro::Task<bool> syncOnce();
    QCoro::Task<> send(WorkingCopyDiff diff, WorkingCopySnapshot now, qint64 listedAtNs);
    void scheduleRetry(const QString& reason, bool offline);
    void updateWatches();
    QString relative(const QString& path) const;

    SandboxProvider& m_provider;
    QString m_sandboxId;
    Options m_options;
    WorkingCopyFiles m_files;
    Backoff m_backoff;

    WorkingCopyListing m_current; // the folder as last listed
    WorkingCopySnapshot m_synced; // what the sandbox has from it
    WorkingCopySyncState m_state;
    QSet<QString> m_told; // notices already given

    QFileSystemWatcher m_watcher;
    QTimer m_debounce;
    QTimer m_maxWait;
    QTimer m_rescan;
    QTimer m_retry;
    QSet<QString> m_dirty; // relative paths of files the watcher reported
    bool m_needFull = false;
    bool m_running = false;
    bool m_busy = false;
    bool m_again = false;
    bool m_watchLimitTold = false;
    int m_retries = 0;
};

} // namespace forge

Q_DECLARE_METATYPE(forge::WorkingCopySyncState)
