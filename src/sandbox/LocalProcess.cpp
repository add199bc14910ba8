#include "LocalProcess.h"

#include "core/Failure.h"
#include "core/SignalWait.h"

#include <QCoroSignal>
#include <QCoroTimer>
#include <QDeadlineTimer>
#include <QDir>
#include <QFile>
#include <QHash>
#include <QSet>
#include <csignal>
#include <sys/types.h>
#include <unistd.h>

using namespace Qt::StringLiterals;
using namespace std::chrono_literals;

namespace forge {

namespace {
// bwrap reporting its sandbox, pasta attaching and configuring: milliseconds normally; generous for
// a loaded machine.
constexpr auto NetworkSetupTimeout = 20s;
} // namespace

// ---- ProcessTable ------------------------------------------------------------------------------

std::optional<ProcessStatus> ProcessTable::status(qint64 pid)
{
    if (pid <= 0)
        return std::nullopt;
    QFile file(u"/proc/%1/stat"_s.arg(pid));
    if (!file.open(QIODevice::ReadOnly))
        return std::nullopt;
    const QByteArray line = file.readAll();
    // The command name (field 2) is in parentheses and may itself contain spaces and ')'.
    const qsizetype close = line.lastIndexOf(')');
    if (close < 0)
        return std::nullopt;
    const QList<QByteArray> fields = line.mid(close + 2).split(' ');
    // fields[0] is field 3 (state); field N is fields[N - 3].
    if (fields.size() < 20 || fields[0].isEmpty())
        return std::nullopt;
    ProcessStatus status;
    status.pid = pid;
    status.state = fields[0].at(0);
    status.parent = fields[1].toLongLong();
    status.group = fields[2].toLongLong();
    status.session = fields[3].toLongLong();
    status.startTime = fields[19].toULongLong();
    return status;
}

QList<ProcessStatus> ProcessTable::all()
{
    QList<ProcessStatus> result;
    const QStringList entries = QDir(u"/proc"_s).entryList(QDir::Dirs | QDir::NoDotAndDotDot);
    for (const QString& entry : entries) {
        bool numeric = false;
        const qint64 pid = entry.toLongLong(&numeric);
        if (!numeric)
            continue;
        if (auto s = status(pid))
            result.append(*s);
    }
    return result;
}

QList<qint64> ProcessTable::descendants(qint64 pid)
{
    const QList<ProcessStatus> processes = all();
    QHash<qint64, QList<qint64>> children;
    for (const ProcessStatus& process : processes) {
        if (process.isAlive())
            children[process.parent].append(process.pid);
    }
    QList<qint64> result;
    QList<qint64> pending{pid};
    while (!pending.isEmpty()) {
        const qint64 next = pending.takeLast();
        const QList<qint64> direct = children.value(next);
        result.append(direct);
        pending.append(direct);
    }
    return result;
}

QList<qint64> ProcessTable::groupMembers(qint64 group)
{
    QList<qint64> result;
    const QList<ProcessStatus> processes = all();
    for (const ProcessStatus& process : processes) {
        if (process.group == group && process.isAlive())
            result.append(process.pid);
    }
    return result;
}

void ProcessTable::killRecorded(const ProcessRecord& record)
{
    if (record.pid <= 1)
        return;
    const auto leader = status(record.pid);
    if (leader && leader->startTime == record.startTime) {
        const QList<qint64> below = descendants(record.pid);
        ::kill(-static_cast<pid_t>(record.pid), SIGKILL);
        ::kill(static_cast<pid_t>(record.pid), SIGKILL);
        for (const qint64 pid : below)
            ::kill(static_cast<pid_t>(pid), SIGKILL);
        return;
    }
    if (leader)
        return; // the PID belongs to some other process now; its group is not ours
    const QList<ProcessStatus> processes = all();
    for (const ProcessStatus& process : processes) {
        if (process.isAlive() && process.group == record.pid && process.session == record.pid &&
            process.startTime >= record.startTime)
            ::kill(static_cast<pid_t>(process.pid), SIGKILL);
    }
}

// ---- LocalProcess ------------------------------------------------------------------------------

LocalProcess::LocalProcess(LaunchSpec spec)
    : m_spec(std::move(spec))
{
    m_process.setProgram(m_spec.program);
    m_process.setArguments(m_spec.arguments);
    m_process.setWorkingDirectory(m_spec.workingDirectory);
    m_process.setProcessEnvironment(m_spec.environment);
    m_process.setProcessChannelMode(QProcess::SeparateChannels);
    // Nothing in a sandbox may wait for a keyboard: stdin is empty, or a pipe only its owner writes.
    if (!m_spec.keepInputOpen)
        m_process.setStandardInputFile(QProcess::nullDevice());
    // Its own session and process group: signals to -pid reach the whole tree, and the child has no
    // controlling terminal to inject keystrokes into (the TIOCSTI problem of CVE-2017-5226).
    if (m_spec.network.enabled) {
        m_network = std::make_unique<SandboxNetwork>(m_spec.network);
        m_process.setChildProcessModifier([network = m_network.get()] {
            ::setsid();
            network->setUpChild();
        });
    } else {
        m_process.setChildProcessModifier([] { ::setsid(); });
    }

    connect(&m_process, &QProcess::readyReadStandardOutput, this, &LocalProcess::readOutput);
    connect(&m_process, &QProcess::readyReadStandardError, this, &LocalProcess::readOutput);
    connect(&m_process, &QProcess::started, this, [this] {
        m_started = true;
        m_pid = m_process.processId();
        if (auto s = ProcessTable::status(m_pid))
            m_startTime = s->startTime;
        m_startResolved = true;
        Q_EMIT startAttempted();
    });
    connect(&m_process, &QProcess::errorOccurred, this, [this](QProcess::ProcessError error) {
        if (error == QProcess::FailedToStart && !m_startResolved) {
            m_startResolved = true;
            Q_EMIT startAttempted();
        }
    });
    connect(&m_process, &QProcess::finished, this, &LocalProcess::onFinished);
}

LocalProcess::~LocalProcess()
{
    if (isRunning()) {
        killTree();
        // Reap the leader now (it is dying, so this returns at once). Our slots are detached first:
        // nothing may run on a half-destroyed owner; the stale entry in sandbox.json is harmless
        // because its start time can never match again.
        m_process.disconnect(this);
        m_process.waitForFinished(5000);
    }
}

QCoro::Task<> LocalProcess::start()
{
    auto self = shared_from_this();
    QString pipeError;
    if (m_network && !m_network->preparePipes(&pipeError)) {
        throw Failure::permanent(u"Could not prepare the sandbox's network: %1."_s.arg(pipeError),
                                 u"Close some programs (the system is out of file descriptors), then "
                                 "try again."_s);
    }
    m_process.start();
    if (!m_startResolved)
        co_await qCoro(this, &LocalProcess::startAttempted);
    if (!m_started) {
        throw Failure::permanent(
            u"Could not start “%1”: %2."_s.arg(QFileInfo(m_spec.program).fileName(), m_process.errorString()),
            u"Check that the program is installed and can be executed, then try again."_s);
    }
    if (m_network) {
        std::optional<Failure> unconnected;
        try {
            co_await m_network->connect(NetworkSetupTimeout);
        } catch (const Failure& failure) {
            unconnected = failure; // no co_await inside a handler
        }
        if (unconnected) {
            killTree();
            co_await waitForFinished(10s);
            throw *unconnected;
        }
    }
}

QCoro::Task<bool> LocalProcess::waitForFinished(std::chrono::milliseconds timeout)
{
    auto self = shared_from_this();
    if (m_finished || !m_started)
        co_return m_finished;
    const bool arrived =
        co_await waitForSignal(this, &LocalProcess::finished, timeout < 0ms ? -1ms : timeout);
    co_return arrived || m_finished;
}

QList<qint64> LocalProcess::tree() const
{
    QList<qint64> pids = ProcessTable::descendants(m_pid);
    const QList<qint64> members = ProcessTable::groupMembers(m_pid);
    for (const qint64 pid : members) {
        if (pid != m_pid && !pids.contains(pid))
            pids.append(pid);
    }
    return pids;
}

QCoro::Task<> LocalProcess::stop(std::chrono::milliseconds grace)
{
    auto self = shared_from_this();
    if (!m_started)
        co_return;
    const QDeadlineTimer deadline(grace);

    // Polite first: every process of the tree gets SIGTERM, so npm and the dev server below it can
    // shut down cleanly even when one of them does not forward signals.
    if (m_pid > 0) {
        const QList<qint64> pids = tree();
        for (const qint64 pid : pids)
            ::kill(static_cast<pid_t>(pid), SIGTERM);
        if (!m_finished && !m_spec.leaderIsSupervisor)
            ::kill(static_cast<pid_t>(m_pid), SIGTERM);
    }
    if (!m_finished)
        co_await waitForFinished(std::chrono::milliseconds(deadline.remainingTime()));
    // Members that outlive the leader (reparented orphans) get the rest of the grace period. Polling
    // /proc with a timer: there is no signal for "a non-child process exited".
    while (m_pid > 0 && !deadline.hasExpired() && !ProcessTable::groupMembers(m_pid).isEmpty())
        co_await QCoro::sleepFor(50ms);

    killTree();
    if (!m_finished)
        co_await waitForFinished(10s); // SIGKILL cannot be ignored; the bound only guards a hung kernel
}

void LocalProcess::killTree()
{
    if (m_pid <= 0)
        return;
    // Collect first: once the leader dies its children are reparented and the links are gone.
    const QList<qint64> pids = tree();
    if (!m_finished)
        ::kill(-static_cast<pid_t>(m_pid), SIGKILL);
    else if (!ProcessTable::groupMembers(m_pid).isEmpty())
        // Our leader is reaped but its group still has members, so the number still names our group.
        ::kill(-static_cast<pid_t>(m_pid), SIGKILL);
    for (const qint64 pid : pids)
        ::kill(static_cast<pid_t>(pid), SIGKILL);
}

void LocalProcess::readOutput()
{
    const QByteArray out = m_process.readAllStandardOutput();
    if (!out.isEmpty())
        Q_EMIT output(OutputChannel::Stdout, out);
    const QByteArray err = m_process.readAllStandardError();
    if (!err.isEmpty())
        Q_EMIT output(OutputChannel::Stderr, err);
}

void LocalProcess::onFinished(int exitCode, QProcess::ExitStatus status)
{
    readOutput();
    if (m_network)
        m_network->stop();
    m_result.exitCode = exitCode;
    m_result.crashed = status == QProcess::CrashExit;
    m_finished = true;
    Q_EMIT finished();
}

// ---- LocalBackgroundProcess --------------------------------------------------------------------

LocalBackgroundProcess::LocalBackgroundProcess(std::shared_ptr<LocalProcess> process, QObject* parent)
    : BackgroundProcess(parent)
    , m_process(std::move(process))
{
    connect(m_process.get(), &LocalProcess::output, this, &BackgroundProcess::output);
    connect(m_process.get(), &LocalProcess::finished, this, &BackgroundProcess::finished);
}

LocalBackgroundProcess::~LocalBackgroundProcess()
{
    // Synchronously: the caller dropped the dev server, so nothing of it may keep running. A stop()
    // still in progress holds its own reference and finishes on the exit this causes.
    if (m_process->isRunning())
        m_process->killTree();
}

bool LocalBackgroundProcess::isRunning() const
{
    return m_process->isRunning();
}

QCoro::Task<> LocalBackgroundProcess::stop(std::chrono::milliseconds grace)
{
    // Only the shared process is used after the first suspension: `this` may be gone by then.
    auto process = m_process;
    co_await process->stop(grace);
}

CommandResult LocalBackgroundProcess::result() const
{
    return m_process->result();
}

} // namespace forge
