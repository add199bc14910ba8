#pragma once

#include <QHash>
#include <QMainWindow>
#include <QPointer>

class QAction;
class QListView;
class QSplitter;
class QStackedWidget;
class QTabWidget;

namespace forge {
class AppContext;
enum class Backend;
enum class ProjectSource;
struct DeepLink;
struct Project;
class ProjectListModel;
class ProjectRegistry;
class ProjectSession;
class PullRequestWatcher;
class SecretResult;
} // namespace forge

namespace forge::ui {

class AccountController;
class BuildLogPanel;
class CompareLauncher;
class EnvironmentEditor;
class ExpectedVariablesOffer;
class IsolationBanner;
class IsolationChoice;
class IsolationStatusLabel;
class WorkingCopyStatusLabel;
class OpenLinkDialog;
class PreviewPane;
class PullRequestHeader;
class RepoPickerDialog;
class RunPlanEditor;
class RunPlanPage;
class SettingsDialog;
class WindowActions;

// The window: projects on the left, the selected project's build log and run plan in the middle,
// its live preview on the right. A view on the application core (AppContext): the projects, their
// sessions and what they keep live in its ProjectRegistry; the window keeps one build log per
// project and routes the selected one to the shared panes. Closing the window stops every running
// preview first (files are kept).
class MainWindow final : public QMainWindow
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(MainWindow)
public:
    explicit MainWindow(AppContext& context, QWidget* parent = nullptr);
    ~MainWindow() override;

    // Adds the project (or takes the new choices of an existing one: mode, plan, back end), selects
    // it and runs it.
    void openProject(const Project& project);
    // A forge-preview:// link (clicked in a browser, handed over by a second start): a valid one is
    // shown in OpenLinkDialog and runs only if the user confirms; an invalid or hostile one is
    // refused with the reason in the status bar, and no dialog opens.
    void openLink(const QString& link);
    // The confirmation for a link that passed DeepLink::parse (openLink's second half; tests also
    // drive it with a repository a link may not name, such as a local http:// git server).
    void confirmLink(const DeepLink& link);
    // Shows the window in front of others (a second start asked for it), with a link confirmation
    // that is waiting above it.
    void bringToFront();
    // Puts the project on another back end; it applies from its next run.
    void setProjectBackend(const QString& projectId, Backend backend);
    // Runs the project's code without isolation on this computer, or isolated again; from its next
    // run. (The menu asks for confirmation before it calls this.)
    void setProjectWithoutIsolation(const QString& projectId, bool runWithoutIsolation);
    // Previews a folder's working copy or its branch (issue 22); from its next run, keeping its plan
    // and environment.
    void setProjectSource(const QString& projectId, ProjectSource source);
    // Stops every running project, then emits shutdownFinished(); the window then closes.
    void shutdown();

    AppContext& context() const { return m_context; }
    QString currentProjectId() const { return m_currentId; }
    ProjectSession* session(const QString& projectId) const;
    BuildLogPanel* buildLog(const QString& projectId) const { return m_logs.value(projectId); }
    PreviewPane* previewPane() const { return m_preview; }
    // The menus' and toolbar's commands (tests trigger them).
    WindowActions* actions() const { return m_actions; }
    // Project > Run Without Isolation…, its confirmation, the banner and the status bar's note.
    IsolationChoice* isolationChoice() const { return m_isolationChoice; }
    IsolationBanner* isolationBanner() const { return m_isolationBanner; }
    IsolationStatusLabel* isolationStatus() const { return m_isolationStatus; }
    WorkingCopyStatusLabel* workingCopyStatus() const { return m_workingCopyStatus; }
    // The dialogs while they are open (tests drive them); null otherwise.
    RepoPickerDialog* repoPicker() const { return m_picker; }
    OpenLinkDialog* linkDialog() const;
    SettingsDialog* settingsDialog() const { return m_settings; }
    // The Run Plan tab (what the shown project previews, its plan and its environment).
    RunPlanPage* runPlanPage() const { return m_planPage; }
    // The Run Plan tab's Environment section; it follows the shown project.
    EnvironmentEditor* environmentEditor() const { return m_environment; }
    // The banner, form and failure button that ask for the variables a repository expects.
    ExpectedVariablesOffer* expectedVariables() const { return m_expectedVariables; }
    // The keychain's and GitHub account's face: sign-in actions and the account button.
    AccountController* accountController() const { return m_account; }
    // What each pull request project's pull request is and whether it has new commits (issue 21),
    // and the header and banner above the preview that say so.
    PullRequestWatcher* pullRequests() const { return m_pullRequests; }
    PullRequestHeader* pullRequestHeader() const { return m_pullRequestHeader; }

Q_SIGNALS:
    // A project joined the list (at start-up or when opened), or got a new session because its
    // back end or the settings changed before a run; the session has not started yet.
    void sessionCreated(forge::ProjectSession* session);
    // The Settings dialog was closed with OK (its values are stored).
    void settingsChanged();
    // The preview of `projectId` has loaded and painted (see PreviewPane::pagePainted).
    void previewPainted(const QString& projectId);
    void shutdownFinished();
    // A link was refused before anything was shown; `reason` says why and what to do.
    void linkRefused(const QString& reason);

protected:
    void closeEvent(QCloseEvent* event) override;

private:
    void createActions();
    QWidget* createProjectsPane();
    void createLayout();
    void connectPreview();
    void connectRegistry();
    void restoreLayout();
    void saveLayout() const;
    void loadProjects();

    BuildLogPanel* logFor(const QString& projectId);
    void onSessionCreated(ProjectSession* session);
    void onProjectChanged(const QString& projectId);
    void onProjectRemoved(const QString& projectId);
    // The user picked another project in the list: shown once unsaved environment edits are saved
    // or discarded (EnvironmentEditor::confirmLeave); until then the list goes back.
    void requestProject(const QString& projectId);
    void showProject(const QString& projectId);
    void selectProject(const QString& projectId);
    void refreshPreview();
    void updateActions();
    // Why the selected project cannot be put on Daytona (empty: it can).
    QString daytonaBlockedReason() const;
    // The isolation choice, banner and status note for the selected project and all the others.
    void refreshIsolation();
    // Says in the status bar that `change` applies to the project from its next run.
    void announceNextRun(const QString& projectId, const QString& activeText, const QString& idleText);

    void openRepository();
    // Opens the picker, with the GitHub tab when `token` holds the signed-in account's token.
    void showRepoPicker(const SecretResult& token);
    void openSettings();
    // Reads the Daytona API key from the keychain for the back ends (at start and after Settings).
    void loadDaytonaKey();
    void removeCurrent();
    void savePlanAndRun();
    void detectPlanAgain();
    void noteInCurrentLog(const QString& message);
    // Update on the banner or Project > Update Pull Request: the shown preview takes its pull
    // request's new commits.
    void updatePullRequest();
    void showError(const QString& title, const QString& text);

    AppContext& m_context;
    ProjectRegistry& m_projects;
    ProjectListModel* m_listModel = nullptr;
    AccountController* m_account = nullptr;
    PullRequestWatcher* m_pullRequests = nullptr;
    QHash<QString, BuildLogPanel*> m_logs; // one per project, kept while it is in the list
    QString m_currentId;
    bool m_pickerRequested = false; // openRepository() is reading the token

    QSplitter* m_mainSplitter = nullptr;
    QSplitter* m_workSplitter = nullptr;
    QListView* m_projectList = nullptr;
    QTabWidget* m_projectTabs = nullptr;
    QStackedWidget* m_logStack = nullptr;
    QWidget* m_noProjectLog = nullptr;
    RunPlanPage* m_planPage = nullptr;
    RunPlanEditor* m_planEditor = nullptr;
    EnvironmentEditor* m_environment = nullptr;
    ExpectedVariablesOffer* m_expectedVariables = nullptr;
    PreviewPane* m_preview = nullptr;
    PullRequestHeader* m_pullRequestHeader = nullptr;
    RepoPickerDialog* m_picker = nullptr;
    QPointer<OpenLinkDialog> m_linkDialog;
    SettingsDialog* m_settings = nullptr;
    IsolationStatusLabel* m_isolationStatus = nullptr;
    WorkingCopyStatusLabel* m_workingCopyStatus = nullptr;
    IsolationBanner* m_isolationBanner = nullptr;
    IsolationChoice* m_isolationChoice = nullptr;

    WindowActions* m_actions = nullptr;
    CompareLauncher* m_compare = nullptr; // Project > Compare With…
};

} // namespace forge::ui
