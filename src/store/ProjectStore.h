#pragma once

#include "Project.h"
#include "StoreResult.h"

#include <QHash>
#include <QList>
#include <QString>
#include <QStringList>
#include <memory>
#include <optional>

namespace forge {

class Database;

// What a project is doing at run time, kept with it so it survives a restart: its sandbox, where its
// preview answers and its status (none until a run changed it).
struct ProjectState
{
    QString sandboxId;
    QString previewUrl;
    std::optional<ProjectStatus> status;

    bool operator==(const ProjectState&) const = default;
};

// The user's projects, kept in the app's SQLite database (see Database). save() writes the whole
// list in one transaction, so a crash while saving leaves the previous list intact. A database that
// is damaged or was written by a newer version is never modified: load() reports it (what happened
// and what to do) and save() refuses.
//
// The first load() of a database without projects imports a `projects.json` lying next to it (the
// format of earlier versions) and renames that file `projects.json.imported`.
class ProjectStore final
{
public:
    explicit ProjectStore(QString databasePath);
    ~ProjectStore();
    ProjectStore(const ProjectStore&) = delete;
    ProjectStore& operator=(const ProjectStore&) = delete;

    // Opens the database (creating it when missing) and reads the list; when it cannot be used, the
    // list is empty and the error says why.
    StoreResult<> load();
    // Writes the list; fails when it cannot (disk full, no permission, not loaded…).
    StoreResult<> save() const;

    const QList<Project>& projects() const { return m_projects; }
    const Project* find(const QString& id) const;
    // Adds or replaces the project with the same id.
    void put(const Project& project);
    void remove(const QString& id);

    // The runtime state of a project (empty when none was set). setState() keeps it in memory and,
    // when the project is already stored, writes it at once; save() writes it too.
    ProjectState state(const QString& id) const { return m_states.value(id); }
    StoreResult<> setState(const QString& id, const ProjectState& state);

    // Entries skipped while loading (each with its reason); the others loaded fine.
    QStringList warnings() const { return m_warnings; }
    QString filePath() const { return m_filePath; }
    // When load() found the database damaged and moved it aside: what happened and what to do.
    QString setAsideNotice() const;
    // The open database after a successful load() (for a RunStore), else nullptr.
    Database* database() const { return m_database.get(); }

private:
    void importJson();

    QString m_filePath;
    std::unique_ptr<Database> m_database;
    QList<Project> m_projects;
    QHash<QString, ProjectState> m_states;
    std::optional<StoreError> m_openError; // why the database could not be used
    QStringList m_warnings;
};

} // namespace forge
