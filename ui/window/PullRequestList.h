#pragma once

#include "github/GitHubParsing.h"

#include <QWidget>
#include <memory>
#include <optional>
#include <qcoro/qcorotask.h>

class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QTreeWidget;
class QTreeWidgetItem;

namespace forge::github {
class GitHubClient;
class GitHubError;
} // namespace forge::github

namespace forge::ui {

// The open pull requests of the repository chosen in the picker's GitHub tab, listed page by page
// as GitHub sends them (most recently updated first): number, title, author, head branch, "draft"
// and "fork" tags and when each last changed, with a filter of its own (every word must match the
// number, title, author or branch; "#12" matches the number only). Choosing one (Preview PR #N,
// Enter, double-click) asks for its head to be previewed instead of a branch. Errors show inline
// with a Retry button, as in the rest of the tab.
class PullRequestList final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(PullRequestList)
public:
    // Item data roles on the rows (column 0).
    enum Role {
        NumberRole = Qt::UserRole + 1, // int
        BadgesRole,                    // QStringList: "draft", "fork"
        SearchRole,                    // what the filter's words are looked for in, lower case
    };

    explicit PullRequestList(std::shared_ptr<github::GitHubClient> client, QWidget* parent = nullptr);
    ~PullRequestList() override;

    // Lists `repository`'s open pull requests, replacing what was listed; none empties the list.
    void setRepository(const std::optional<github::GitHubRepository>& repository);
    // Lists the same repository's pull requests again (Retry), keeping the selected one.
    void reload();
    bool isLoading() const { return m_loading; }
    // Every pull request received so far, in arrival order.
    QList<github::GitHubPullRequest> pullRequests() const { return m_pulls; }
    // The pull request on the selected row; 0 when no row is selected.
    int selectedNumber() const;
    bool selectPullRequest(int number);
    void clearSelection();

Q_SIGNALS:
    void selectionChanged();
    // Preview PR #N, Enter or a double-click on a row.
    void previewRequested(int number);
    // The listing ended (all pages, or an error).
    void loadFinished();

private:
    QWidget* createHeader();
    QWidget* createStatusRow();
    void createTree();
    void connectInputs();
    QCoro::Task<> list(github::GitHubRepository repository, int generation);
    void addPullRequests(const QList<github::GitHubPullRequest>& page);
    QTreeWidgetItem* createItem(const github::GitHubPullRequest& pull) const;
    void finishLoading(const QString& error);
    void showStatus(const QString& text, bool isError);
    void applyFilter();
    void updateCount();
    void updatePreviewButton();
    void takeFirstMatch();
    QString describe(const github::GitHubError& error, const QString& repository) const;

    std::shared_ptr<github::GitHubClient> m_client;
    std::optional<github::GitHubRepository> m_repository;

    QLabel* m_title = nullptr;
    QLineEdit* m_filter = nullptr;
    QProgressBar* m_busy = nullptr;
    QLabel* m_count = nullptr;
    QPushButton* m_preview = nullptr;
    QWidget* m_statusRow = nullptr;
    QLabel* m_status = nullptr;
    QPushButton* m_retry = nullptr;
    QTreeWidget* m_tree = nullptr;

    QList<github::GitHubPullRequest> m_pulls;
    int m_pendingSelection = 0; // re-selected when it arrives again after a Retry
    bool m_loading = false;
    bool m_failed = false;
    int m_generation = 0;
};

} // namespace forge::ui
