#pragma once

#include "SandboxProvider.h"

#include <QHash>
#include <QString>
#include <memory>

namespace forge {

class WorkspaceApplier;
struct LaunchSpec;

class LocalProcess;
class LocalSandboxStore;

// Sandboxes on this machine. A sandbox is a folder under the data directory holding the workspace,
// a private home and a private /tmp; each command runs as a child process inside bubblewrap
// (workspace writable, system read-only, nothing of the user's own files visible, killed with its
// parent) with a network namespace of its own (SandboxNetwork). Isolation fails closed: when
// bubblewrap or pasta does not work, commands fail saying what to install. Only a provider made with
// Isolation::None, the user's explicit choice for a project, runs plain processes (each in its own
// session so the whole tree can be killed).
class LocalProvider final : public SandboxProvider
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(LocalProvider)
public:
    enum class Isolation {
        Bubblewrap, // bubblewrap with a network of its own, or fail
        None,       // plain processes: only when the user chose it for a project
    };

    struct Options
    {
        QString dataDirectory; // sandboxes live in <dataDirectory>/sandboxes/<name>
        Isolation isolation = Isolation::Bubblewrap;
        // The install cache, shared by every local sandbox; empty: <dataDirectory>/cache.
        QString cacheDirectory;
        // Commands keep this machine's network instead of one of their own. Only for
        // forge-daytona-emulator, whose sandboxes stand in for cloud machines that its preview proxy
        // reaches on 127.0.0.1; never for a preview the user asked for.
        bool hostNetwork = false;
        // Where a sandbox's home is for its commands inside bubblewrap; empty: /home/sandbox.
        // forge-daytona-emulator's sandboxes use /home/daytona, the home of Daytona's images.
        QString homeInside{};
    };

    explicit LocalProvider(Options options, QObject* parent = nullptr);
    // Where both programs keep their data: FORGE_PREVIEW_DATA_DIR when set (tests, or a roomier
    // disk), else the application's local data folder (~/.local/share/forge-preview).
    static QString defaultDataDirectory();
    // Where both programs keep caches: <FORGE_PREVIEW_DATA_DIR>/cache when that is set, else the
    // application's cache folder (~/.cache/forge-preview), which may be cleared at any time.
    static QString defaultCacheDirectory();
    // The cache folder that goes with `dataDirectory`: defaultCacheDirectory() for the default data
    // folder, else (a window or CLI on another data folder: tests) <dataDirectory>/cache beside it.
    static QString cacheDirectoryFor(const QString& dataDirectory);
    ~LocalProvider() override;

    QString kind() const override { return QStringLiteral("local"); }
    // Whether commands actually run inside bubblewrap (decided on first use).
    bool isIsolated() const;
    // The host path of a sandbox's workspace (what is mounted as the workspace inside the sandbox).
    QString workspacePath(const QString& id) const;
    // The same folder as the sandbox's commands see it: /workspace inside bubblewrap, else the host path.
    QCoro::Task<QString> workspacePathInside(QString id);
    // The host paths of a sandbox's private home and /tmp, and the home as its commands see it.
    QString homePath(const QString& id) const;
    QString tmpPath(const QString& id) const;
    QCoro::Task<QString> homePathInside(QString id);

    QCoro::Task<std::optional<SandboxInfo>> findSandbox(QMap<QString, QString> labels) override;
    QCoro::Task<SandboxInfo> createSandbox(SandboxSpec spec) override;
    QCoro::Task<SandboxInfo> getSandbox(QString id) override;
    QCoro::Task<> startSandbox(QString id) override;
    QCoro::Task<> stopSandbox(QString id) override;
    QCoro::Task<> deleteSandbox(QString id) override;
    QCoro::Task<CommandResult> cloneRepository(QString id, CloneSpec spec, OutputSink sink) override;
    QCoro::Task<ProjectSnapshot> snapshotProject(QString id, QString directory) override;
    QCoro::Task<CommandResult> runCommand(QString id, CommandSpec spec, OutputSink sink) override;
    QCoro::Task<std::unique_ptr<BackgroundProcess>> startBackground(QString id, CommandSpec spec) override;
    QCoro::Task<int> allocatePort(QString id, int preferred) override;
    QCoro::Task<PreviewEndpoint> previewEndpoint(QString id, int port) override;
    // Read from the network namespace of the sandbox's newest command that has one.
    QCoro::Task<std::optional<QList<int>>> listeningPorts(QString id) override;
    // From the per-user tool cache (Toolchains::cache()), downloaded when missing.
    QCoro::Task<QStringList> provideTools(QString id, QList<ToolChoice> tools,
                                          ToolProgress progress) override;
    // On the host, in <cacheDirectory>/installs: one cache for every local sandbox, copied with
    // copy-on-write where the file system allows (cp --reflink=auto).
    // Isolated: the sandbox's WorkspaceApplier (a shell kept running in the sandbox, loopback only:
    // tar, the archive's removal, rm), not SandboxProvider's three commands with a network of their
    // own each, so a working copy's save reaches the workspace in tens of milliseconds (issue 22);
    // one sandboxed command when a path holds a newline or the applier could not start. Otherwise,
    // and for paths it refuses, the base's.
    QCoro::Task<CommandResult> applyWorkspaceChanges(QString id, QByteArray archive, QStringList deletions,
                                                     OutputSink sink) override;
    bool cachesDependencies() const override { return true; }
    QCoro::Task<bool> restoreDependencies(QString id, QString key, QStringList directories) override;
    QCoro::Task<bool> saveDependencies(QString id, QString key, QStringList directories) override;

protected:
    // Created on this machine in the workspace folder, which is ours (only what is in it is the
    // repository's): open(2) with O_CREAT|O_EXCL|O_NOFOLLOW, so anything already at `name`, a planted
    // link included, makes it fail instead of being followed or replaced. Mode 0600: the sandbox's
    // commands run as this user (bubblewrap maps it to itself), and no other user reads it.
    QCoro::Task<> writeWorkspaceFile(QString id, QString name, QByteArray content) override;

private:
    enum class CacheCopy { Restore, Save };
    QCoro::Task<bool> isolation();
    // Copies `directories` between the workspace and the install-cache folder `entry`.
    QCoro::Task<bool> copyDependencies(QString id, CacheCopy mode, QString entry, QStringList directories);
    QCoro::Task<bool> copyDependenciesOnHost(QString id, CacheCopy mode, QString entry,
                                             QStringList directories);
    // Starts `process` for sandbox `id` and keeps track of it until it finishes (in memory, for
    // stopSandbox(), and in sandbox.json, for the next run of the app after a crash).
    QCoro::Task<> launch(const QString& id, std::shared_ptr<LocalProcess> process);
    // What runs `command` in sandbox `id` for applyWorkspaceChanges(): its bubblewrap, loopback only.
    LaunchSpec workspaceCommand(const QString& id, const QStringList& command, bool keepInputOpen) const;
    // The sandbox's running WorkspaceApplier, started when there is none; null when it cannot start.
    QCoro::Task<WorkspaceApplier*> applierFor(QString id);
    QCoro::Task<CommandResult> applyInOneCommand(QString id, QString archiveName, QStringList deletions,
                                                 OutputSink sink);

    struct Private;
    std::unique_ptr<Private> d;
};

} // namespace forge
