#pragma once

#include "core/ProjectSnapshot.h"
#include "toolchain/Toolchains.h"

#include <QCoroTask>
#include <QList>
#include <QMap>
#include <QObject>
#include <QPointer>
#include <QString>
#include <QStringList>
#include <QUrl>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>

namespace forge {

enum class SandboxState { Creating, Started, Stopped, Error, Gone };
QString toString(SandboxState state);

struct SandboxSpec
{
    QString name;                  // deterministic: forge-<project>-<generation>
    QMap<QString, QString> labels; // at least forge.project=<uuid>
};

struct SandboxInfo
{
    QString id;
    QString name;
    QMap<QString, QString> labels;
    SandboxState state = SandboxState::Creating;
};

enum class OutputChannel { Stdout, Stderr };
// A line about the tools being made ready (a download's progress), for the build log.
using ToolProgress = std::function<void(const QString& line)>;
// Receives raw output bytes as they arrive (not split into lines; see DevServerOutputScanner).
using OutputSink = std::function<void(OutputChannel, const QByteArray&)>;

struct CommandSpec
{
    QStringList argv;                     // program and arguments; never a shell string
    QString workingDirectory;             // relative to the sandbox workspace; empty = workspace root
    QMap<QString, QString> environment;   // added to the sandbox's base environment
    std::chrono::milliseconds timeout{0}; // 0 = no limit
    // Ports the command serves on (the dev server's): a back end whose sandboxes have a network of
    // their own makes exactly these reachable at previewEndpoint() (local: 127.0.0.1 only).
    QList<int> exposedPorts = {};
    // Tool folders that go first on PATH, in order (what provideTools() returned): the Node.js and
    // package manager the project asks for. A back end makes them visible to the command.
    QStringList toolDirectories = {};
    // The project's own variables (ProjectEnvironment), added after `environment`. They may hold
    // secrets, so a back end delivers them without putting a value in any command line: locally
    // through the process environment (never bwrap's --setenv), on Daytona through a file the
    // command reads and removes (DaytonaProvider::environmentFile says what remains visible).
    QMap<QString, QString> privateEnvironment = {};
};

struct CommandResult
{
    int exitCode = -1;
    bool timedOut = false;
    bool crashed = false; // killed by a signal
    bool succeeded() const { return exitCode == 0 && !timedOut && !crashed; }
};

struct CloneSpec
{
    QUrl url;       // https (http only on loopback) or, for local repositories, a file URL
    QString branch; // empty = the remote's default branch
    // A pull request of the repository (its head, refs/pull/<n>/head, which GitHub keeps in the base
    // repository also for a fork's pull request, so the token stays scoped to it); 0 = none.
    // Overrides `branch`.
    int pullRequest = 0;
    int depth = 1;           // 0 = full history
    QString targetDirectory; // relative to the workspace; empty = the workspace root
    // Token for the repository host, sent as an HTTP header only to that host. Never in a URL,
    // argv, .git/config or output. Empty for public repositories.
    QString authToken;
};

// A long-running command (the dev server). Output arrives through signals; the object owns the
// process tree and kills all of it on stop() or destruction.
class BackgroundProcess : public QObject
{
    Q_OBJECT
public:
    using QObject::QObject;
    ~BackgroundProcess() override = default;

    virtual bool isRunning() const = 0;
    // Terminates the whole process tree: a polite signal, then a kill after `grace`.
    virtual QCoro::Task<> stop(std::chrono::milliseconds grace = std::chrono::seconds(5)) = 0;
    // Exit information once finished() has been emitted.
    virtual CommandResult result() const = 0;

Q_SIGNALS:
    void output(forge::OutputChannel channel, const QByteArray& bytes);
    void finished();
};

// Where a preview can be reached from this machine, and how to authenticate to it.
struct PreviewEndpoint
{
    QUrl url;
    QMap<QByteArray, QByteArray> headers; // e.g. a private preview's token header; empty for local
};

// The back end that runs sandboxes. Every operation is asynchronous and reports failure by throwing
// forge::Failure (transient: worth retrying; permanent: say so and stop).
class SandboxProvider : public QObject
{
    Q_OBJECT
public:
    using QObject::QObject;
    ~SandboxProvider() override = default;

    virtual QString kind() const = 0; // "local", "daytona"

    // Finds a sandbox carrying all of `labels`; nullopt when none exists.
    virtual QCoro::Task<std::optional<SandboxInfo>> findSandbox(QMap<QString, QString> labels) = 0;
    // Creates a sandbox; when one with the same name exists it is adopted, not duplicated.
    virtual QCoro::Task<SandboxInfo> createSandbox(SandboxSpec spec) = 0;
    virtual QCoro::Task<SandboxInfo> getSandbox(QString id) = 0;
    virtual QCoro::Task<> startSandbox(QString id) = 0;
    // Stops every process of the sandbox; its files stay.
    virtual QCoro::Task<> stopSandbox(QString id) = 0;
    virtual QCoro::Task<> deleteSandbox(QString id) = 0;

    // Clones into the workspace (replacing what a previous clone left there).
    virtual QCoro::Task<CommandResult> cloneRepository(QString id, CloneSpec spec, OutputSink sink) = 0;
    virtual QCoro::Task<ProjectSnapshot> snapshotProject(QString id, QString directory) = 0;
    // Runs a command to completion, streaming its output.
    virtual QCoro::Task<CommandResult> runCommand(QString id, CommandSpec spec, OutputSink sink) = 0;
    // Starts a long-running command and returns once it has started.
    virtual QCoro::Task<std::unique_ptr<BackgroundProcess>> startBackground(QString id, CommandSpec spec) = 0;
    // Picks a port the dev server can listen on, `preferred` when it is free.
    virtual QCoro::Task<int> allocatePort(QString id, int preferred) = 0;
    virtual QCoro::Task<PreviewEndpoint> previewEndpoint(QString id, int port) = 0;
    // The TCP ports something listens on inside the sandbox, to explain a preview that does not
    // answer; nullopt when the back end cannot tell (the workflow then probes the port itself).
    virtual QCoro::Task<std::optional<QList<int>>> listeningPorts(QString id);
    // Whether `program` (a bare name such as "yarn") is on the PATH of the sandbox's commands. It
    // runs nothing from the workspace and nothing a repository controls: package-manager detection
    // must not run repository code before the user's plan does (`yarn --version` in the workspace
    // runs whatever .yarnrc.yml's `yarnPath` names). The default asks the sandbox's own shell,
    // `command -v`, from its root folder; false for a name that is not a plain program name.
    virtual QCoro::Task<bool> hasProgram(QString id, QString program);
    // Resets the sandbox's idle timer so the back end does not stop it for inactivity (Daytona's
    // auto-stop). The default does nothing: local sandboxes never sleep.
    virtual QCoro::Task<> refreshActivity(QString id);
    // How long a sandbox may go without activity before the back end stops it by itself (Daytona's
    // auto-stop interval); zero when it never does (local sandboxes, auto-stop turned off).
    virtual std::chrono::milliseconds idleStopAfter() const { return std::chrono::milliseconds::zero(); }
    // The headers a health check's probe of a live preview carries on top of the preview's own
    // (PreviewEndpoint::headers), so that looking at a sandbox does not count as its activity on a
    // back end that stops idle sandboxes (SandboxManager). None by default: local sandboxes never
    // sleep.
    virtual QMap<QByteArray, QByteArray> healthProbeHeaders() const { return {}; }

    // The install cache. `key` is an InstallCacheKey; `directories` are the folders an install fills
    // (node_modules…), relative to the workspace. restoreDependencies() puts the folders saved under
    // `key` back in place of whatever is there and says whether there was anything to restore;
    // saveDependencies() keeps them after a successful install. Neither throws: a cache that cannot
    // be used only means installing again. By default a back end caches nothing
    // (cachesDependencies() is false and the workflow does not ask).
    virtual bool cachesDependencies() const { return false; }
    virtual QCoro::Task<bool> restoreDependencies(QString id, QString key, QStringList directories);
    virtual QCoro::Task<bool> saveDependencies(QString id, QString key, QStringList directories);

    // The tool cache this back end's runs choose their tools from (Toolchains); null when runs use
    // only what the sandbox has (the tests' fakes).
    Toolchains* toolchains() const { return m_toolchains; }
    void setToolchains(Toolchains* toolchains) { m_toolchains = toolchains; }
    // Makes `tools` (ToolchainChoice::fetched()) usable by the sandbox's commands and returns the
    // folders to put first on their PATH (CommandSpec::toolDirectories), in order. The default
    // installs each with the sandbox's own npm into a folder of the sandbox's home, where it stays
    // for the next run (Daytona); the local back end binds the per-user tool cache in read-only.
    virtual QCoro::Task<QStringList> provideTools(QString id, QList<ToolChoice> tools, ToolProgress progress);

    // Brings the workspace's files up to date with a change made elsewhere (a pull request's new
    // commits, PullRequestMirror): unpacks `archive` (a tar of files and links, paths relative to
    // the workspace root; may be empty) and removes the files `deletions` names, both from inside
    // the sandbox with its own tar and rm, so that a link the repository's code planted can lead a
    // write nowhere that code could not already write. Output goes to `sink`; the result is the
    // first failing command's (or the last one's). The default writes the archive with
    // writeWorkspaceFile() and runs the commands with runCommand(), removing the archive after.
    virtual QCoro::Task<CommandResult> applyWorkspaceChanges(QString id, QByteArray archive,
                                                             QStringList deletions, OutputSink sink);

protected:
    // A download's progress as build-log lines ("Downloading pnpm 9.15.9: 2.1 of 4.3 MB"), one per
    // tenth of the download at most.
    static DownloadProgress downloadReporter(const ToolChoice& tool, const ToolProgress& progress);
    // The install cache kept inside the sandbox ($HOME/.forge-cache/installs), through runCommand():
    // for back ends whose sandboxes keep their files between runs but share nothing (Daytona).
    QCoro::Task<bool> restoreDependenciesInSandbox(QString id, QString key, QStringList directories);
    QCoro::Task<bool> saveDependenciesInSandbox(QString id, QString key, QStringList directories);
    // Writes `content` to a new file `name` (a plain file name) at the workspace root for
    // applyWorkspaceChanges(). Must create it afresh: never follow, truncate or replace anything
    // already there under that name (the workspace is the repository code's). The default throws a
    // permanent Failure: the back end cannot update files in place.
    virtual QCoro::Task<> writeWorkspaceFile(QString id, QString name, QByteArray content);

Q_SIGNALS:
    // Something the user should be told once, e.g. that sandboxes run without isolation.
    void notice(const QString& message);

private:
    QPointer<Toolchains> m_toolchains;
};

} // namespace forge
