#pragma once

#include <QByteArray>
#include <QSet>

namespace forge::test {

// A process as /proc shows it: pid plus start time, so a reused pid is never mistaken for ours.
// Tests use it to check, independently of the code under test, that nothing a sandbox started is
// left running.
struct ProcessId
{
    qint64 pid = 0;
    QByteArray startTime;
    friend bool operator==(const ProcessId&, const ProcessId&) = default;
};

size_t qHash(const ProcessId& id, size_t seed = 0);

bool isAlive(const ProcessId& id);
// Every live descendant of `root`, found by walking parent pids in /proc.
QSet<ProcessId> descendantsOf(qint64 root);

// A memory field of /proc/<pid>/status in KiB ("VmRSS", "VmHWM" for the peak); 0 when unreadable.
qint64 statusKiB(qint64 pid, const QByteArray& field);

} // namespace forge::test
