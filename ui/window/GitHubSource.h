#pragma once

#include "RepositorySource.h"
#include "github/GitHubConfig.h"
#include "github/GitHubParsing.h"

#include <QHash>
#include <memory>
#include <qcoro/qcorotask.h>

class QComboBox;
class QHBoxLayout;
class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QSplitter;
class QToolButton;
class QTreeWidget;
class QTreeWidgetItem;

namespace forge::github {
class GitHubClient;
class GitHubError;
} // namespace forge::github

namespace forge::ui {

class PullRequestList;

// The picker's "GitHub" tab: the signed-in account's repositories, listed page by page as GitHub
// sends them, grouped by owner (yours first, then each organization) and newest push first, with a
// filter, badges (private, fork, archived) and a branch picker that starts on the default branch;
// under them the selected repository's open pull requests (PullRequestList), one of which can be
// chosen instead of a branch: the tab's choice is then `<repository>/pull/N` with no branch.
// Errors (rate limits, a refused token) show inline with a Retry button. The token goes only to the
// GitHub client: it is never shown or put in a message.
class GitHubSource final : public RepositorySource
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(GitHubSource)
public:
    // Item data roles on repository rows of the list (column 0).
    enum Role {
        FullNameRole = Qt::UserRole + 1, // "owner/name"; empty on group rows
        PushedAtRole,                    // QDateTime
        BadgesRole,                      // QStringList: "private", "fork", "archived"
    };

    GitHubSource(github::GitHubConfig config, const QString& token, QString accountLogin,
                 QWidget* parent = nullptr);
    ~GitHubSource() override;

    QString title() const override;
    // The selected repository's clone URL; with a pull request chosen, its address
    // (RepoRef::canonical() of the clone URL + "/pull/N").
    QString repository() const override;
    // The chosen branch; empty with a pull request chosen.
    QString branch() const override;
    QString problem() const override;
    void focusInput() override;

    // Lists the repositories again from the first page (F5, Refresh, Retry). Showing the tab for
    // the first time does this on its own.
    void reload();
    bool isLoading() const { return m_loading; }
    // Every repository received so far, in arrival order.
    QList<github::GitHubRepository> repositories() const { return m_repositories; }
    // Selects a repository by "owner/name"; false when it is not (yet) in the list.
    bool selectRepository(const QString& fullName);
    std::optional<github::GitHubRepository> selectedRepository() const;
    bool isLoadingBranches() const { return m_loadingBranches; }
    // The pull request chosen in the list; 0 when the choice is a branch.
    int selectedPullRequest() const;
    bool isLoadingPullRequests() const;

Q_SIGNALS:
    // The listing ended (all pages, or an error).
    void loadFinished();
    // The branches of the selected repository arrived (or failed; the default branch stays).
    void branchesLoaded();
    // The selected repository's pull requests were listed (all pages, or an error).
    void pullRequestsLoaded();

protected:
    void showEvent(QShowEvent* event) override;

private:
    QHBoxLayout* createTopRow();
    QHBoxLayout* createStatusRow();
    void createTree();
    void createAccessNote();
    QHBoxLayout* createBranchRow();
    QSplitter* createSplitter();
    void connectInputs();
    void connectPullRequests();
    void updateBranchNote();
    QCoro::Task<> listRepositories(int generation);
    QCoro::Task<> listBranches(github::GitHubRepository repository, int generation);
    void addRepositories(const QList<github::GitHubRepository>& page);
    QTreeWidgetItem* groupFor(const github::GitHubRepository& repository);
    void showError(const QString& text);
    void finishLoading();
    void applyFilter();
    void updateCount();
    void onSelectionChanged();
    void updateProblem();
    QString describe(const github::GitHubError& error) const;

    github::GitHubConfig m_config;
    std::shared_ptr<github::GitHubClient> m_client;
    QString m_accountLogin;

    QLineEdit* m_filter = nullptr;
    QLabel* m_count = nullptr;
    QProgressBar* m_busy = nullptr;
    QPushButton* m_refresh = nullptr;
    QLabel* m_status = nullptr;
    QPushButton* m_retry = nullptr;
    QTreeWidget* m_tree = nullptr;
    QComboBox* m_branch = nullptr;
    QLabel* m_branchNote = nullptr;
    QLabel* m_accessNote = nullptr;
    PullRequestList* m_pulls = nullptr;

    QList<github::GitHubRepository> m_repositories;
    QHash<QString, int> m_indexByName;
    QHash<QString, QTreeWidgetItem*> m_groups;
    QString m_pendingSelection; // re-selected when it arrives again after a reload
    QString m_error;
    QString m_branchError; // why the branches could not be listed, for the note's tooltip
    QString m_problem;
    bool m_started = false;
    bool m_loading = false;
    bool m_loadingBranches = false;
    int m_generation = 0;
    int m_branchGeneration = 0;
};

} // namespace forge::ui
