#pragma once

#include "LocalProcess.h"
#include "SandboxProvider.h"

#include <QCoroTask>
#include <QObject>
#include <QStringList>
#include <chrono>
#include <memory>
#include <optional>

namespace forge {

// A long-lived shell inside one local sandbox that applies workspace changes
// (LocalProvider::applyWorkspaceChanges) with the sandbox's own tar and rm, as the one-shot command
// does, but without a new bubblewrap per batch: a working copy's save then costs a fork in the
// sandbox, not ~30 ms of namespace set-up and a process record (issue 22: a save visible in the
// sandbox within 100 ms at the 95th percentile).
//
// Requests go on the shell's stdin, one at a time: the archive's name at the workspace root (or an
// empty line), the number of paths to remove, then the paths, one per line (so a path must not hold
// a newline; LocalProvider sends those the one-shot way). The shell answers "forge-applied <status>"
// on stdout; tar's and rm's messages go to the request's sink.
class WorkspaceApplier final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(WorkspaceApplier)
public:
    // The sandboxed command to start `process` with.
    static QStringList command();
    // The same work as one command, for a path the requests cannot carry (a newline) or when no
    // applier could start: `archiveName` (may be empty) and the paths to remove as arguments.
    static QStringList oneShotCommand(const QString& archiveName, const QStringList& deletions);
    // `process`: started (LocalProvider::launch) with command() and its stdin kept open.
    explicit WorkspaceApplier(std::shared_ptr<LocalProcess> process, QObject* parent = nullptr);
    ~WorkspaceApplier() override;

    bool isAlive() const { return m_process->isRunning(); }
    // Unpacks `archiveName` (removing it after) and removes `deletions`; the first failing
    // command's status, or a crashed result when the shell ended on the way (the caller retries).
    // Waits for a request already on its way first.
    QCoro::Task<CommandResult> apply(QString archiveName, QStringList deletions, OutputSink sink,
                                     std::chrono::milliseconds timeout);

Q_SIGNALS:
    // Internal: a request's answer (its status; -1 when the shell ended), or the shell is free.
    void answered(int status);
    void idle();

private:
    void onOutput(OutputChannel channel, const QByteArray& bytes);

    std::shared_ptr<LocalProcess> m_process;
    OutputSink m_sink; // the current request's
    QByteArray m_stdout;
    bool m_busy = false;
};

} // namespace forge
