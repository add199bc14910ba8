#pragma once

#include <QObject>
#include <QString>

class QAction;
class QActionGroup;
class QMenu;
class QMenuBar;
class QWidget;

namespace forge {
enum class Backend;
struct Project;
} // namespace forge

namespace forge::ui {

class AccountController;
class BuildLogPanel;
class IsolationChoice;
class PreviewPane;

// The window's commands (menus, toolbar, the project list's context menu) with their shortcuts, and
// when each is enabled or checked for the selected project. The window connects what they do.
class WindowActions final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(WindowActions)
public:
    explicit WindowActions(QWidget* window);
    ~WindowActions() override;

    // What the actions follow: the selected project (null: none) and the state around it.
    struct Selection
    {
        const Project* project = nullptr;
        bool active = false;            // queued, building or live
        bool shuttingDown = false;      // the window is on its way out: nothing new starts
        bool planAvailable = false;     // the Run Plan tab holds a plan to keep
        bool variablesExpected = false; // the repository expects variables the project does not set
        QString daytonaBlocked;         // why the project cannot go on Daytona (empty: it can)
        bool newCommits = false;        // its pull request has commits its live preview lacks
        bool localFolder = false;       // its repository is a folder on this computer
    };
    void update(const Selection& selection);

    // File, Project, Log, Preview, Tools and Help, with the account's, isolation's and preview's own
    // actions in their places.
    void fillMenuBar(QMenuBar& bar, AccountController& account, IsolationChoice& isolation,
                     PreviewPane& preview);
    // The Log menu shows the visible log's own actions (their shortcuts work while it has focus).
    void showLogActions(BuildLogPanel* panel);

    QAction* openRepository() const { return m_open; }
    QAction* run() const { return m_run; }
    QAction* stop() const { return m_stop; }
    QAction* remove() const { return m_remove; }
    QAction* showLog() const { return m_showLog; }
    QAction* showPlan() const { return m_showPlan; }
    QAction* savePlan() const { return m_savePlan; }
    QAction* editEnvironment() const { return m_editEnvironment; }
    QAction* setExpectedVariables() const { return m_setExpectedVariables; }
    // Project > Update Pull Request (Ctrl+Shift+U): the live preview takes its pull request's new
    // commits.
    QAction* updatePullRequest() const { return m_updatePullRequest; }
    QAction* settings() const { return m_settings; }
    QAction* quit() const { return m_quit; }
    QAction* runLocally() const { return m_runLocally; }
    QAction* runOnDaytona() const { return m_runOnDaytona; }
    QAction* keepAwake() const { return m_keepAwake; }
    // Project > Preview Working Copy (issue 22): checked, a local folder's files as they are on disk
    // now; unchecked, its branch. Only for a folder's project.
    QAction* previewWorkingCopy() const { return m_previewWorkingCopy; }

Q_SIGNALS:
    // The user put the selected project on another back end.
    void backendChosen(forge::Backend backend);
    void keepAwakeToggled(bool keepAwake);
    // The user switched the selected folder's project between its working copy and its branch.
    void workingCopyToggled(bool workingCopy);

private:
    void createProjectActions();
    void createBackendActions();
    void updateBackendActions(const Selection& selection);

    QWidget* m_window;
    QAction* m_open = nullptr;
    QAction* m_run = nullptr;
    QAction* m_stop = nullptr;
    QAction* m_remove = nullptr;
    QAction* m_showLog = nullptr;
    QAction* m_showPlan = nullptr;
    QAction* m_savePlan = nullptr;
    QAction* m_editEnvironment = nullptr;
    QAction* m_setExpectedVariables = nullptr;
    QAction* m_updatePullRequest = nullptr;
    QAction* m_settings = nullptr;
    QAction* m_quit = nullptr;
    QActionGroup* m_backendGroup = nullptr;
    QAction* m_runLocally = nullptr;
    QAction* m_runOnDaytona = nullptr;
    QAction* m_keepAwake = nullptr;
    QAction* m_previewWorkingCopy = nullptr;
    QMenu* m_logMenu = nullptr;
};

} // namespace forge::ui
