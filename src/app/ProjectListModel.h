#pragma once

#include <QAbstractListModel>

namespace forge {

class ProjectRegistry;
struct Project;
class PullRequestWatcher;

// Item data of the projects list, besides Qt::DisplayRole (the name) and Qt::ToolTipRole (the
// repository).
enum ProjectListRole {
    ProjectIdRole = Qt::UserRole + 1,
    ProjectDetailRole,           // "main · local", then the step or what the manager found
    ProjectStatusRole,           // forge::ProjectStatus as int
    ProjectWithoutIsolationRole, // bool: runs (or still runs) on this computer without isolation
};

// The projects of a ProjectRegistry as a list, in the order they were added, kept current from the
// registry's signals. Read-only: the window changes projects through the registry.
class ProjectListModel final : public QAbstractListModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ProjectListModel)
public:
    explicit ProjectListModel(ProjectRegistry& registry, QObject* parent = nullptr);
    ~ProjectListModel() override;

    int rowCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;

    // Pull request projects' rows name their pull request (title, closed or merged) once `watcher`
    // knows it; without one (or before it knows), "pull request #N".
    void setPullRequests(const PullRequestWatcher* watcher);

    QModelIndex indexOf(const QString& id) const;
    QString idAt(const QModelIndex& index) const;

    // Whether the project previews a folder's working copy (issue 22): a folder's project whose
    // source says so; a remote repository's choice is ignored.
    static bool previewsWorkingCopy(const Project& project);
    // "working copy", "pull request #42", the branch, or "default branch".
    static QString whatIsPreviewed(const Project& project);

private:
    // The second line of a row: branch, back end, mode, and what the project is doing.
    QString detail(const QString& id) const;
    void onAdded(const QString& id);
    void onRemoved(const QString& id);
    void onChanged(const QString& id);

    // "#42 Fix the login page · merged" when the watcher knows the pull request; empty otherwise.
    QString pullRequestText(const QString& id) const;

    ProjectRegistry& m_registry;
    const PullRequestWatcher* m_pullRequests = nullptr;
    QStringList m_ids; // the rows; the registry's order
};

} // namespace forge
