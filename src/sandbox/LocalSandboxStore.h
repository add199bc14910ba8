#pragma once

#include "SandboxProvider.h"

#include <QDateTime>
#include <QList>
#include <QMap>
#include <QString>
#include <optional>

namespace forge {

// A process a sandbox started, identified so that a later run can tell it from an unrelated
// process that happens to reuse the PID: the start time is field 22 of /proc/<pid>/stat.
struct ProcessRecord
{
    qint64 pid = 0;
    quint64 startTime = 0;
    bool operator==(const ProcessRecord&) const = default;
};

struct SandboxRecord
{
    QString id; // = the name; also the folder name
    QMap<QString, QString> labels;
    SandboxState state = SandboxState::Creating;
    QDateTime created;
    QList<ProcessRecord> processes; // process-group leaders started and not yet seen to finish
};

// The sandboxes on disk: <root>/<name>/{workspace,home,tmp,sandbox.json}. The JSON file is the
// only state; it is rewritten atomically (QSaveFile) on every change, so a crash leaves either the
// old or the new record, never half of one.
class LocalSandboxStore final
{
public:
    explicit LocalSandboxStore(const QString& rootDirectory);

    const QString& rootDirectory() const { return m_root; }
    QString sandboxPath(const QString& id) const;
    QString workspacePath(const QString& id) const;
    QString homePath(const QString& id) const;
    QString tmpPath(const QString& id) const;

    // Names become folder names: letters, digits, '.', '_' and '-', starting with a letter or digit.
    static bool isValidName(const QString& name);

    // nullopt when there is no such sandbox (or its record is unreadable).
    std::optional<SandboxRecord> load(const QString& id) const;
    QList<SandboxRecord> loadAll() const;
    // Creates the folders and the record. Throws a permanent Failure when the disk refuses.
    SandboxRecord create(const QString& id, const QMap<QString, QString>& labels);
    // Rewrites the record of an existing sandbox; never recreates a deleted one. Throws on failure.
    void save(const SandboxRecord& record) const;
    // Removes the whole folder. Throws a permanent Failure when something could not be removed.
    void remove(const QString& id) const;

private:
    QString recordPath(const QString& id) const;

    QString m_root;
};

} // namespace forge
