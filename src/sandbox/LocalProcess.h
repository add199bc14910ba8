#pragma once

#include "LocalSandboxStore.h"
#include "SandboxNetwork.h"
#include "SandboxProvider.h"

#include <QCoroTask>
#include <QList>
#include <QObject>
#include <QProcess>
#include <QProcessEnvironment>
#include <QString>
#include <QStringList>
#include <chrono>
#include <memory>
#include <optional>

namespace forge {

// What this machine's /proc says about one process.
struct ProcessStatus
{
    qint64 pid = 0;
    qint64 parent = 0;
    qint64 group = 0;
    qint64 session = 0;
    char state = '?';      // 'Z' = zombie: dead, waiting to be reaped
    quint64 startTime = 0; // clock ticks after boot (field 22 of /proc/<pid>/stat)
    bool isAlive() const { return state != 'Z' && state != 'X'; }
};

// Reads and signals process trees through /proc (Linux). Every child we start is the leader of its
// own session and process group, so "the tree" is the group plus anything still parented below the
// leader (which also catches processes inside a bubblewrap PID namespace, whose session differs).
class ProcessTable final
{
public:
    static std::optional<ProcessStatus> status(qint64 pid);
    static QList<ProcessStatus> all();
    // Living descendants of `pid`, found by walking parent links.
    static QList<qint64> descendants(qint64 pid);
    // Living members of the process group `group` (zombies excluded).
    static QList<qint64> groupMembers(qint64 group);
    // Kills (SIGKILL) what is left of a process tree recorded by an earlier run of the app, only when
    // it is provably the same tree: the leader with the recorded start time, or members of its
    // session and group that started after it (Linux never reuses a PID still naming a group).
    static void killRecorded(const ProcessRecord& record);
};

// Exactly what to execute: the program (absolute), its arguments, folder and complete environment.
struct LaunchSpec
{
    QString program;
    QStringList arguments;
    QString workingDirectory;
    QProcessEnvironment environment;
    // True when the program is bubblewrap: the polite signal then goes to the processes inside it
    // only, because bwrap itself dies at once on SIGTERM and takes the tree down with SIGKILL.
    bool leaderIsSupervisor = false;
    // bwrap with a network namespace of its own (SandboxNetworkMode::Private): connected by pasta
    // before the command starts.
    NetworkSpec network;
    // stdin is a pipe the owner writes with LocalProcess::writeInput() (WorkspaceApplier's requests);
    // otherwise it is empty.
    bool keepInputOpen = false;
};

// One child process in its own session (setsid in the child), with its whole tree under control.
// Shared ownership: coroutines that wait on it hold a reference, so the object that handed it out
// (a BackgroundProcess) may be destroyed while a stop() is still in progress.
class LocalProcess final : public QObject, public std::enable_shared_from_this<LocalProcess>
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(LocalProcess)
public:
    explicit LocalProcess(LaunchSpec spec);
    // Kills the whole tree synchronously (SIGKILL): no orphan outlives its owner.
    ~LocalProcess() override;

    // Starts the process; throws a permanent Failure when it could not be started.
    QCoro::Task<> start();
    bool isRunning() const { return m_started && !m_finished; }
    bool hasFinished() const { return m_finished; }
    qint64 pid() const { return m_pid; }
    ProcessRecord record() const { return {m_pid, m_startTime}; }
    // True when finished within `timeout` (negative: no limit).
    QCoro::Task<bool> waitForFinished(std::chrono::milliseconds timeout = std::chrono::milliseconds(-1));
    // SIGTERM to the tree, SIGKILL to whatever is left after `grace`, then waits for the exit.
    QCoro::Task<> stop(std::chrono::milliseconds grace);
    // SIGKILL to the tree, without waiting.
    void killTree();
    // Writes to the process's stdin (LaunchSpec::keepInputOpen only).
    void writeInput(const QByteArray& bytes) { m_process.write(bytes); }
    CommandResult result() const { return m_result; }
    // The sandbox's first process, whose network namespace is the command's (0 without a private
    // network).
    qint64 sandboxPid() const { return m_network ? m_network->sandboxPid() : 0; }

Q_SIGNALS:
    void output(forge::OutputChannel channel, const QByteArray& bytes);
    void finished();
    void startAttempted();

private:
    void readOutput();
    void onFinished(int exitCode, QProcess::ExitStatus status);
    QList<qint64> tree() const;

    LaunchSpec m_spec;
    std::unique_ptr<SandboxNetwork> m_network; // before m_process: outlives the child it set up
    QProcess m_process;
    qint64 m_pid = 0;
    quint64 m_startTime = 0;
    bool m_started = false;
    bool m_startResolved = false;
    bool m_finished = false;
    CommandResult m_result;
};

// The BackgroundProcess handed to callers of startBackground().
class LocalBackgroundProcess final : public BackgroundProcess
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(LocalBackgroundProcess)
public:
    explicit LocalBackgroundProcess(std::shared_ptr<LocalProcess> process, QObject* parent = nullptr);
    ~LocalBackgroundProcess() override;

    bool isRunning() const override;
    QCoro::Task<> stop(std::chrono::milliseconds grace = std::chrono::seconds(5)) override;
    CommandResult result() const override;

private:
    std::shared_ptr<LocalProcess> m_process;
};

} // namespace forge
