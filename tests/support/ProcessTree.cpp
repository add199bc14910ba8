#include "ProcessTree.h"

#include <QDir>
#include <QFile>
#include <QList>
#include <QMultiHash>

using namespace Qt::StringLiterals;

namespace forge::test {

namespace {

// Fields of /proc/<pid>/stat after the command name (which may itself contain spaces and ')').
QList<QByteArray> statFields(qint64 pid)
{
    QFile file(u"/proc/%1/stat"_s.arg(pid));
    if (!file.open(QIODevice::ReadOnly))
        return {};
    const QByteArray stat = file.readAll();
    const qsizetype end = stat.lastIndexOf(')');
    if (end < 0)
        return {};
    return stat.mid(end + 2).split(' ');
}

} // namespace

qint64 statusKiB(qint64 pid, const QByteArray& field)
{
    QFile status(u"/proc/%1/status"_s.arg(pid));
    if (!status.open(QIODevice::ReadOnly))
        return 0;
    const QByteArray prefix = field + ':';
    for (const QByteArray& line : status.readAll().split('\n')) {
        if (line.startsWith(prefix))
            return line.mid(prefix.size()).trimmed().split(' ').value(0).toLongLong();
    }
    return 0;
}

size_t qHash(const ProcessId& id, size_t seed)
{
    return ::qHash(id.pid, seed);
}

bool isAlive(const ProcessId& id)
{
    const QList<QByteArray> fields = statFields(id.pid);
    // fields[0] is the state, fields[19] the start time; a zombie has already exited.
    return fields.size() > 19 && fields.at(0) != "Z" && fields.at(19) == id.startTime;
}

QSet<ProcessId> descendantsOf(qint64 root)
{
    QMultiHash<qint64, qint64> children;
    const QStringList entries = QDir(u"/proc"_s).entryList(QDir::Dirs | QDir::NoDotAndDotDot);
    for (const QString& entry : entries) {
        bool numeric = false;
        const qint64 pid = entry.toLongLong(&numeric);
        if (!numeric)
            continue;
        const QList<QByteArray> fields = statFields(pid);
        if (fields.size() > 1)
            children.insert(fields.at(1).toLongLong(), pid);
    }
    QSet<ProcessId> found;
    QList<qint64> queue{root};
    while (!queue.isEmpty()) {
        const qint64 parent = queue.takeFirst();
        const auto range = children.equal_range(parent);
        for (auto it = range.first; it != range.second; ++it) {
            const QList<QByteArray> fields = statFields(it.value());
            if (fields.size() > 19 && fields.at(0) != "Z")
                found.insert(ProcessId{it.value(), fields.at(19)});
            queue.append(it.value());
        }
    }
    return found;
}

} // namespace forge::test
