#pragma once

#include "store/ProjectStore.h"

#include <QHash>
#include <QMainWindow>
#include <QPointer>
#include <memory>

class QAction;
class QActionGroup;
class QLabel;
class QListWidget;
class QListWidgetItem;
class QMenu;
class QSplitter;
class QStackedWidget;
class QTabWidget;

namespace forge {
class Database;
struct DeepLink;
class ProjectSession;
class RunQueue;
class RunStore;
class SandboxManager;
class SecretResult;
class SandboxProvider;
enum class ProjectStatus;
} // namespace forge

namespace forge::ui {

class AccountController;
class BuildLogPanel;
class IsolationBanner;
class IsolationChoice;
class IsolationStatusLabel;
class OpenLinkDialog;
class PreviewPane;
class RepoPickerDialog;
class RunPlanEditor;
class SandboxBackends;
class SettingsDialog;

// The window: projects on the left, the selected project's build log and run plan in the middle,
// its live preview on the right. Every project has its own session and log; the preview pane shows
// the selected one. Closing the window stops every running preview first (files are kept).
class MainWindow : public QMainWindow
{
    Q_OBJECT
public:
    struct Options
    {
        QString dataDirectory; // sandboxes and the project list live here
    };

    explicit MainWindow(Options options, QWidget* parent = nullptr);
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
    // Puts the project on another back end ("local", "daytona"); it applies from its next run.
    void setProjectBackend(const QString& projectId, const QString& backend);
    // Runs the project's code without isolation on this computer, or isolated again; from its next
    // run. (The menu asks for confirmation before it calls this.)
    void setProjectWithoutIsolation(const QString& projectId, bool runWithoutIsolation);
    // Stops every running project, then emits shutdownFinished(); the window then closes.
    void shutdown();

    QString currentProjectId() const;
    ProjectSession* session(const QString& projectId) const;
    BuildLogPanel* buildLog(const QString& projectId) const;
    PreviewPane* previewPane() const { return m_preview; }
    QAction* openRepositoryAction() const { return m_openAction; }
    QAction* settingsAction() const { return m_settingsAction; }
    QAction* runAction() const { return m_runAction; }
    QAction* runLocallyAction() const { return m_runLocallyAction; }
    QAction* runOnDaytonaAction() const { return m_runOnDaytonaAction; }
    QAction* keepAwakeAction() const { return m_keepAwakeAction; }
    // Project > Run Without Isolation…, its confirmation, the banner and the status bar's note.
    IsolationChoice* isolationChoice() const { return m_isolationChoice; }
    IsolationBanner* isolationBanner() const { return m_isolationBanner; }
    IsolationStatusLabel* isolationStatus() const { return m_isolationStatus; }
    // The picker while it is open (tests drive it); null otherwise.
    RepoPickerDialog* repoPicker() const { return m_picker; }
    // The link confirmation while it is open (tests drive it); null otherwise.
    OpenLinkDialog* linkDialog() const;
    // The Settings dialog while it is open (tests drive it); null otherwise.
    SettingsDialog* settingsDialog() const { return m_settings; }
    // The keychain, the GitHub account and its actions.
    AccountController* accountController() const { return m_account; }
    SandboxBackends* backends() const { return m_backends; }
    RunQueue* runQueue() const { return m_runQueue; }
    SandboxManager* sandboxManager() const { return m_manager; }

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
    struct ProjectView
    {
        ProjectSession* session = nullptr;
        BuildLogPanel* log = nullptr;
        QListWidgetItem* item = nullptr;
        // The back end the session was made with; the session's runs use it, so it lives as long.
        std::shared_ptr<SandboxProvider> provider;
        bool running = false;        // between the session's runStarted() and runEnded()
        bool startWhenEnded = false; // start again (on a fresh provider) once the run has ended
    };

    void createActions();
    void createMenus();
    void createLayout();
    void rebuildLogMenu();
    void restoreLayout();
    void saveLayout() const;
    void loadProjects();
    // Shows the last run of `projectId` from the database in its log (after a restart).
    void restoreLog(const QString& projectId);
    // Keeps the project's status with it, so a preview live when the app closes comes back.
    void rememberStatus(const QString& projectId, ProjectStatus status);
    void saveProjects();

    ProjectView& addProjectView(const Project& project);
    void createSession(ProjectView& view, const Project& project);
    void connectSession(ProjectView& view);
    // Runs the project (again): on the provider its back end has now, making a new session first
    // when that differs from the one the session was made with.
    void startProject(const QString& projectId);
    void showProject(const QString& projectId);
    void refreshProjectItem(const QString& projectId);
    // Applies a changed project to its session and stores it (database and projects list).
    void keepProject(ProjectSession* projectSession, const Project& project);
    void refreshPreview();
    void updateActions();
    bool anyProjectActive() const;

    void openRepository();
    // Opens the picker, with the GitHub tab when `token` holds the signed-in account's token.
    void showRepoPicker(const SecretResult& token);
    void openSettings();
    // Reads the Daytona API key from the keychain for the back ends (at start and after Settings).
    void loadDaytonaKey();
    void updateBackendActions();
    // Whether the project runs (or its current run still runs) on this computer without isolation.
    bool runsWithoutIsolation(const QString& projectId) const;
    // The isolation choice, banner and status note for the selected project and all the others.
    void refreshIsolation();
    void runCurrent();
    void stopCurrent();
    void removeCurrent();
    void savePlanAndRun();
    void confirmExternalOpen(const QUrl& url);
    void showError(const QString& title, const QString& text);

    Options m_options;
    SandboxBackends* m_backends = nullptr;
    AccountController* m_account = nullptr;
    RunQueue* m_runQueue = nullptr;            // at most N builds at once; the others show as queued
    SandboxManager* m_manager = nullptr;       // health checks and restores of live projects
    QHash<QString, QString> m_restoreFailures; // project -> why the manager gave up
    bool m_pickerRequested = false;            // openRepository() is reading the token
    ProjectStore m_store;
    std::unique_ptr<Database> m_database; // runs, their journals and logs (null when unusable)
    std::unique_ptr<RunStore> m_runs;
    QHash<QString, ProjectView> m_views;
    QString m_currentId;
    bool m_shuttingDown = false; // shutdown() was called; set once, the window then goes

    QSplitter* m_mainSplitter = nullptr;
    QSplitter* m_workSplitter = nullptr;
    QListWidget* m_projectList = nullptr;
    QTabWidget* m_projectTabs = nullptr;
    QStackedWidget* m_logStack = nullptr;
    QLabel* m_noProjectLog = nullptr;
    RunPlanEditor* m_planEditor = nullptr;
    QAction* m_savePlanAction = nullptr;
    PreviewPane* m_preview = nullptr;
    RepoPickerDialog* m_picker = nullptr;
    QPointer<OpenLinkDialog> m_linkDialog;
    SettingsDialog* m_settings = nullptr;
    IsolationStatusLabel* m_isolationStatus = nullptr;
    IsolationBanner* m_isolationBanner = nullptr;
    IsolationChoice* m_isolationChoice = nullptr;

    QAction* m_openAction = nullptr;
    QAction* m_runAction = nullptr;
    QAction* m_stopAction = nullptr;
    QAction* m_removeAction = nullptr;
    QAction* m_showLogAction = nullptr;
    QAction* m_showPlanAction = nullptr;
    QAction* m_quitAction = nullptr;
    QAction* m_settingsAction = nullptr;
    QActionGroup* m_backendGroup = nullptr;
    QAction* m_runLocallyAction = nullptr;
    QAction* m_runOnDaytonaAction = nullptr;
    QAction* m_keepAwakeAction = nullptr;
    QMenu* m_logMenu = nullptr;
};

} // namespace forge::ui
