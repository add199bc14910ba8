#pragma once

#include "Project.h"

#include <QList>
#include <QString>

namespace forge {

// The user's projects, kept in one JSON file written atomically (QSaveFile), so a crash while
// saving leaves the previous list intact. A file that cannot be read is never overwritten: it is
// reported and set aside, and the error says where it went.
// (The SQLite store with runs and logs replaces this file in a later step; see DESIGN.md.)
class ProjectStore
{
public:
    explicit ProjectStore(QString filePath);

    // Reads the file. Returns false with errorString() set when it exists but cannot be used; the
    // list is then empty and the unreadable file has been moved aside (".broken-<time>").
    bool load();
    // Writes the list; false with errorString() set (disk full, no permission…).
    bool save() const;

    const QList<Project>& projects() const { return m_projects; }
    const Project* find(const QString& id) const;
    // Adds or replaces the project with the same id.
    void put(const Project& project);
    void remove(const QString& id);

    QString errorString() const { return m_error; }
    // Entries skipped while loading (each with its reason); the others loaded fine.
    QStringList warnings() const { return m_warnings; }
    QString filePath() const { return m_filePath; }

private:
    QString m_filePath;
    QList<Project> m_projects;
    mutable QString m_error;
    QStringList m_warnings;
};

} // namespace forge
