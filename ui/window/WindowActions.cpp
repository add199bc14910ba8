#include "WindowActions.h"

#include "AccountController.h"
#include "IsolationChoice.h"
#include "app/SandboxBackends.h"
#include "store/Project.h"
#include "ui/buildlog/BuildLogPanel.h"
#include "ui/common/Icons.h"
#include "ui/preview/PreviewPane.h"

#include <QAction>
#include <QActionGroup>
#include <QApplication>
#include <QMenuBar>
#include <QMessageBox>

using namespace Qt::StringLiterals;

namespace forge::ui {

WindowActions::WindowActions(QWidget* window)
    : QObject(window)
    , m_window(window)
{
    m_open = new QAction(icon(u"open"_s), tr("&Open Repository…"), this);
    m_open->setShortcut(QKeySequence::Open);
    m_open->setToolTip(tr("Open a repository by URL or from a folder (Ctrl+O)"));

    createProjectActions();
    createBackendActions();

    m_settings = new QAction(tr("&Settings…"), this);
    m_settings->setShortcut(Qt::CTRL | Qt::Key_Comma);
    m_settings->setMenuRole(QAction::PreferencesRole);
    m_settings->setToolTip(tr("GitHub, Daytona and how many builds run at once (Ctrl+,)"));

    m_quit = new QAction(tr("&Quit"), this);
    m_quit->setShortcut(QKeySequence::Quit);
    m_quit->setMenuRole(QAction::QuitRole);
}

WindowActions::~WindowActions() = default;

void WindowActions::createProjectActions()
{
    m_run = new QAction(icon(u"play"_s), tr("&Run"), this);
    m_run->setShortcut(Qt::CTRL | Qt::Key_Return);
    m_run->setToolTip(tr("Run the selected project again from the start (Ctrl+Enter)"));

    m_stop = new QAction(icon(u"status-stopped"_s), tr("S&top"), this);
    m_stop->setShortcut(Qt::CTRL | Qt::Key_Period);
    m_stop->setToolTip(tr("Stop the selected project's build or dev server; its files are kept (Ctrl+.)"));

    m_remove = new QAction(tr("Re&move from List"), this);
    m_remove->setShortcut(QKeySequence::Delete);
    m_remove->setShortcutContext(Qt::WidgetShortcut);

    m_showLog = new QAction(tr("Build &Log"), this);
    m_showLog->setShortcut(Qt::CTRL | Qt::Key_1);
    m_showPlan = new QAction(icon(u"plan"_s), tr("Run &Plan"), this);
    m_showPlan->setShortcut(Qt::CTRL | Qt::Key_2);

    m_savePlan = new QAction(tr("&Keep Plan and Run Again"), this);
    m_savePlan->setShortcut(Qt::CTRL | Qt::SHIFT | Qt::Key_Return);

    m_editEnvironment = new QAction(tr("&Environment"), this);
    m_editEnvironment->setShortcut(Qt::CTRL | Qt::Key_E);
    m_editEnvironment->setToolTip(tr("Edit the variables the project's commands get (Ctrl+E)"));

    m_setExpectedVariables = new QAction(tr("Set E&xpected Variables…"), this);
    m_setExpectedVariables->setToolTip(
        tr("Fill in the variables the repository expects and the project does not set"));

    m_updatePullRequest = new QAction(tr("&Update Pull Request"), this);
    m_updatePullRequest->setShortcut(Qt::CTRL | Qt::SHIFT | Qt::Key_U);
    m_updatePullRequest->setToolTip(
        tr("Bring the live preview up to its pull request's new commits (Ctrl+Shift+U)"));
}

void WindowActions::createBackendActions()
{
    // Where the selected project runs; checkable, one of the two.
    m_backendGroup = new QActionGroup(this);
    m_runLocally = new QAction(tr("Run on This &Computer"), m_backendGroup);
    m_runLocally->setCheckable(true);
    m_runLocally->setData(int(Backend::Local));
    m_runOnDaytona = new QAction(tr("Run on &Daytona"), m_backendGroup);
    m_runOnDaytona->setCheckable(true);
    m_runOnDaytona->setData(int(Backend::Daytona));
    connect(m_backendGroup, &QActionGroup::triggered, this,
            [this](QAction* action) { Q_EMIT backendChosen(Backend(action->data().toInt())); });

    // Whether the selected project's sandbox is kept awake while the window shows it.
    m_keepAwake = new QAction(tr("&Keep Awake While Shown"), this);
    m_keepAwake->setCheckable(true);
    m_keepAwake->setToolTip(tr("Keep the sandbox from going to sleep while this project is shown; "
                               "when off, a sleeping sandbox waits for Wake"));
    connect(m_keepAwake, &QAction::toggled, this, &WindowActions::keepAwakeToggled);

    // What of a folder the selected project previews: its working copy, or its branch.
    m_previewWorkingCopy = new QAction(tr("Pre&view Working Copy"), this);
    m_previewWorkingCopy->setCheckable(true);
    connect(m_previewWorkingCopy, &QAction::toggled, this, &WindowActions::workingCopyToggled);
}

void WindowActions::update(const Selection& selection)
{
    const bool selected = selection.project != nullptr;
    m_run->setEnabled(selected && !selection.shuttingDown);
    m_run->setText(selection.active ? tr("&Run Again") : tr("&Run"));
    m_stop->setEnabled(selection.active);
    m_remove->setEnabled(selected);
    m_savePlan->setEnabled(selected && selection.planAvailable && !selection.shuttingDown);
    m_editEnvironment->setEnabled(selected);
    m_setExpectedVariables->setEnabled(selected && selection.variablesExpected && !selection.shuttingDown);
    m_updatePullRequest->setEnabled(selected && selection.newCommits && !selection.shuttingDown);
    m_open->setEnabled(!selection.shuttingDown);
    updateBackendActions(selection);
}

void WindowActions::updateBackendActions(const Selection& selection)
{
    const Project* project = selection.project;
    if (project) {
        const QSignalBlocker blocker(m_keepAwake);
        m_keepAwake->setChecked(project->keepAwake);
    }
    m_keepAwake->setEnabled(project != nullptr);
    {
        const QSignalBlocker blocker(m_previewWorkingCopy);
        m_previewWorkingCopy->setChecked(selection.localFolder &&
                                         project->source == ProjectSource::WorkingCopy);
    }
    m_previewWorkingCopy->setEnabled(selection.localFolder);
    m_previewWorkingCopy->setToolTip(
        selection.localFolder || !project
            ? tr("Preview the folder's files as they are on disk now, uncommitted edits included, kept in "
                 "sync; off, its branch's committed state. From the next run.")
            : tr("A repository on a git host is previewed at its branch: only a folder on this computer has "
                 "a working copy"));
    const bool onDaytona = project && project->backend == Backend::Daytona;
    m_runLocally->setEnabled(project != nullptr);
    m_runLocally->setChecked(project && project->backend == Backend::Local);
    m_runOnDaytona->setChecked(onDaytona);
    const QString& blocked = selection.daytonaBlocked;
    m_runOnDaytona->setEnabled(project != nullptr && (blocked.isEmpty() || onDaytona));
    m_runOnDaytona->setToolTip(
        blocked.isEmpty() ? tr("Run the selected project in Daytona's cloud from its next run") : blocked);
    m_runOnDaytona->setStatusTip(blocked);
}

void WindowActions::fillMenuBar(QMenuBar& bar, AccountController& account, IsolationChoice& isolation,
                                PreviewPane& preview)
{
    QMenu* file = bar.addMenu(tr("&File"));
    file->addActions({m_open});
    file->addSeparator();
    file->addActions({account.signInAction(), account.signOutAction()});
    file->addSeparator();
    file->addAction(m_quit);

    QMenu* project = bar.addMenu(tr("&Project"));
    project->addActions({m_run, m_stop, m_updatePullRequest});
    project->addSeparator();
    project->addActions({m_showLog, m_showPlan, m_savePlan, m_editEnvironment, m_setExpectedVariables});
    project->addSeparator();
    project->addActions({m_runLocally, m_runOnDaytona, m_keepAwake, isolation.action()});
    project->addSeparator();
    project->addAction(m_previewWorkingCopy);
    project->addSeparator();
    project->addAction(m_remove);

    m_logMenu = bar.addMenu(tr("&Log"));
    showLogActions(nullptr);

    QMenu* view = bar.addMenu(tr("&Preview"));
    view->addActions(
        {preview.backAction(), preview.forwardAction(), preview.reloadAction(), preview.stopAction()});
    view->addSeparator();
    view->addActions({preview.focusPathBarAction(), preview.openInBrowserAction(), preview.devToolsAction()});
    view->addMenu(tr("&Device Size"))->addActions(preview.deviceActions());

    bar.addMenu(tr("&Tools"))->addAction(m_settings);

    QMenu* help = bar.addMenu(tr("&Help"));
    help->addAction(tr("&About Forge Preview"), this, [this] {
        QMessageBox::about(m_window, tr("About Forge Preview"),
                           tr("<h3>Forge Preview %1</h3><p>Turns a Git repository into a live preview: "
                              "it clones, detects the framework, installs, starts the dev server and shows "
                              "the running app.</p>")
                               .arg(QCoreApplication::applicationVersion()));
    });
    help->addAction(tr("About &Qt"), qApp, &QApplication::aboutQt);
}

void WindowActions::showLogActions(BuildLogPanel* panel)
{
    if (!m_logMenu)
        return;
    m_logMenu->clear();
    if (!panel) {
        m_logMenu->addAction(tr("No project selected"))->setEnabled(false);
        return;
    }
    m_logMenu->addActions({panel->findAction(), panel->findNextAction(), panel->findPreviousAction()});
    m_logMenu->addSeparator();
    m_logMenu->addActions({panel->copyAction(), panel->saveAction()});
    m_logMenu->addSeparator();
    m_logMenu->addAction(panel->jumpToFirstErrorAction());
}

} // namespace forge::ui
