#pragma once

#include "store/ProjectStore.h"

#include <QHash>
#include <QMainWindow>
#include <memory>

class QAction;
class QLabel;
class QListWidget;
class QListWidgetItem;
class QMenu;
class QSplitter;
class QStackedWidget;
class QTabWidget;

namespace forge {
class LocalProvider;
class ProjectSession;
enum class ProjectStatus;
} // namespace forge

namespace forge::ui {

class BuildLogPanel;
class PreviewPane;
class RepoPickerDialog;
class RunPlanEditor;

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

    // Adds the project (or takes the new choices of an existing one), selects it and runs it.
    void openProject(const Project& project);
    // Stops every running project, then emits shutdownFinished(); the window then closes.
    void shutdown();

    QString currentProjectId() const;
    ProjectSession* session(const QString& projectId) const;
    BuildLogPanel* buildLog(const QString& projectId) const;
    PreviewPane* previewPane() const { return m_preview; }
    QAction* openRepositoryAction() const { return m_openAction; }
    // The picker while it is open (tests drive it); null otherwise.
    RepoPickerDialog* repoPicker() const { return m_picker; }

Q_SIGNALS:
    // A project joined the list (at start-up or when opened); its session has not started yet.
    void sessionCreated(forge::ProjectSession* session);
    // The preview of `projectId` has loaded and painted (see PreviewPane::pagePainted).
    void previewPainted(const QString& projectId);
    void shutdownFinished();

protected:
    void closeEvent(QCloseEvent* event) override;

private:
    struct ProjectView
    {
        ProjectSession* session = nullptr;
        BuildLogPanel* log = nullptr;
        QListWidgetItem* item = nullptr;
    };

    void createActions();
    void createMenus();
    void createLayout();
    void rebuildLogMenu();
    void restoreLayout();
    void saveLayout() const;
    void loadProjects();
    void saveProjects();

    ProjectView& addProjectView(const Project& project);
    void connectSession(ProjectView& view);
    void showProject(const QString& projectId);
    void refreshProjectItem(const QString& projectId);
    void refreshPreview();
    void updateActions();
    bool anyProjectActive() const;

    void openRepository();
    void runCurrent();
    void stopCurrent();
    void removeCurrent();
    void savePlanAndRun();
    void confirmExternalOpen(const QUrl& url);
    void showError(const QString& title, const QString& text);

    Options m_options;
    std::unique_ptr<LocalProvider> m_provider;
    ProjectStore m_store;
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
    QLabel* m_isolationLabel = nullptr;

    QAction* m_openAction = nullptr;
    QAction* m_runAction = nullptr;
    QAction* m_stopAction = nullptr;
    QAction* m_removeAction = nullptr;
    QAction* m_showLogAction = nullptr;
    QAction* m_showPlanAction = nullptr;
    QAction* m_quitAction = nullptr;
    QMenu* m_logMenu = nullptr;
};

} // namespace forge::ui
