#pragma once

#include <QFrame>
#include <QUrl>
#include <functional>

class QLabel;
class QPushButton;

namespace forge {
class ProjectRegistry;
class PullRequestWatcher;
} // namespace forge

namespace forge::ui {

// Above the preview of a pull request project (issue 21): what the pull request is ("#42 Fix the
// login page · alice · feature/login → main · Open on GitHub", with Draft, Closed or Merged), a note
// when it is no longer checked or could not be checked, and the "PR updated — Update" banner while
// its head has moved past what the preview runs (Updating… while it catches up; the cause and Update
// again when that failed). Hidden for every other project. Follows PullRequestWatcher::changed().
class PullRequestHeader final : public QFrame
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(PullRequestHeader)
public:
    PullRequestHeader(const PullRequestWatcher& watcher, const ProjectRegistry& registry,
                      QWidget* parent = nullptr);

    // The project the window shows (empty: none).
    void showProject(const QString& projectId);
    QString projectId() const { return m_projectId; }
    // Reads the watcher and the session again.
    void refresh();

    // How "Open on GitHub" opens the pull request's page (default: QDesktopServices::openUrl);
    // tests catch it.
    void setLinkOpener(std::function<void(const QUrl&)> opener) { m_openLink = std::move(opener); }

    // What the header shows, for tests and screen readers.
    QString headerText() const;
    QString badgeText() const;
    QString noteText() const;
    QString bannerText() const;
    bool isBannerShown() const;
    QPushButton* updateButton() const { return m_update; }
    QWidget* banner() const { return m_banner; }

Q_SIGNALS:
    // Update on the banner: bring the preview up to the pull request's head.
    void updateRequested();

protected:
    void changeEvent(QEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;
    void paintEvent(QPaintEvent* event) override;

private:
    void applyColours();
    void layoutTitle();

    const PullRequestWatcher& m_watcher;
    const ProjectRegistry& m_registry;
    QString m_projectId;
    std::function<void(const QUrl&)> m_openLink;

    QLabel* m_title;
    QLabel* m_draft;
    QLabel* m_state;
    QLabel* m_note;
    QFrame* m_banner;
    QLabel* m_bannerText;
    QPushButton* m_update;
    QString m_titleText; // the pull request's title, elided to fit in layoutTitle()
    QString m_restHtml;  // what follows the title: author, branches, the link
    QString m_restPlain;
    bool m_noteIsProblem = false;
    bool m_applyingColours = false;
};

} // namespace forge::ui
