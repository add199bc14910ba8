#include "MainWindow.h"

#include "AccountController.h"
#include "GitHubSource.h"
#include "IsolationChoice.h"
#include "IsolationWarning.h"
#include "LocalFolderSource.h"
#include "OpenLinkDialog.h"
#include "ProjectListDelegate.h"
#include "ProjectStatusText.h"
#include "RepoPickerDialog.h"
#include "RunPlanEditor.h"
#include "SandboxBackends.h"
#include "UrlSource.h"
#include "accounts/GitHubAccountManager.h"
#include "core/DeepLink.h"
#include "core/RepoRef.h"
#include "core/SandboxIsolation.h"
#include "sandbox/LocalProvider.h"
#include "secrets/SecretStore.h"
#include "store/Database.h"
#include "store/RunStore.h"
#include "ui/buildlog/BuildLogPanel.h"
#include "ui/common/Icons.h"
#include "ui/preview/PreviewOrigin.h"
#include "ui/preview/PreviewPane.h"
#include "ui/settings/SettingsDialog.h"
#include "workflow/ProjectSession.h"
#include "workflow/RunQueue.h"
#include "workflow/SandboxManager.h"

#include <QAction>
#include <QActionGroup>
#include <QApplication>
#include <QCloseEvent>
#include <QCoroTask>
#include <QDesktopServices>
#include <QDir>
#include <QLabel>
#include <QListWidget>
#include <QMenuBar>
#include <QMessageBox>
#include <QPointer>
#include <QPushButton>
#include <QSettings>
#include <QSplitter>
#include <QStackedWidget>
#include <QStatusBar>
#include <QTabWidget>
#include <QTimer>
#include <QToolBar>
#include <QToolButton>
#include <QVBoxLayout>
#include <algorithm>

using namespace Qt::StringLiterals;

namespace forge::ui {

namespace {

QString projectDetail(const Project& project, ProjectStatus status, std::optional<StepId> step)
{
    QStringList parts;
    parts << (project.branch.isEmpty() ? QCoreApplication::translate("MainWindow", "default branch")
                                       : project.branch);
    parts << (project.backend == QLatin1StringView(SandboxBackends::Daytona)
                  ? QCoreApplication::translate("MainWindow", "Daytona")
                  : project.backend);
    if (project.mode == RunMode::Production)
        parts << QCoreApplication::translate("MainWindow", "production");
    if (status == ProjectStatus::Building && step)
        parts << stepTitle(*step);
    return parts.join(u" · "_s);
}

QString displayNameOf(const Project& project)
{
    const auto parsed = RepoRef::parse(project.repository, QDir::homePath());
    if (const auto* reference = std::get_if<RepoRef>(&parsed))
        return reference->displayName();
    return project.repository;
}

} // namespace

MainWindow::MainWindow(Options options, QWidget* parent)
    : QMainWindow(parent)
    , m_options(std::move(options))
    , m_backends(new SandboxBackends(m_options.dataDirectory, this))
    , m_account(new AccountController(m_options.dataDirectory, this))
    , m_runQueue(new RunQueue(RunQueue::configuredLimit(QSettings()), this))
    , m_manager(new SandboxManager(this))
    , m_store(QDir(m_options.dataDirectory).filePath(u"forge-preview.db"_s))
{
    m_manager->setInterval(SandboxManager::configuredInterval(QSettings()));
    setWindowTitle(tr("Forge Preview"));
    setWindowIcon(applicationIcon());
    createActions();
    createLayout();
    createMenus();
    restoreLayout();

    connect(m_backends, &SandboxBackends::notice, this, [this](const QString& message) {
        statusBar()->showMessage(message, 10000);
        if (BuildLogPanel* log = buildLog(m_currentId))
            log->appendNotice(message);
    });

    // Clones on Daytona may carry the token only for the signed-in account's own host.
    const auto applyGitHubHost = [this] {
        const auto& account = m_account->accounts().account();
        m_backends->setGitHubHost(account ? account->host().name()
                                          : m_account->accounts().settings().host().name());
    };
    applyGitHubHost();
    connect(m_account, &AccountController::accountChanged, this, applyGitHubHost);
    connect(m_account, &AccountController::message, this,
            [this](const QString& text) { statusBar()->showMessage(text, 10000); });

    QString databaseError;
    m_database =
        Database::open(QDir(m_options.dataDirectory).filePath(u"forge-preview.db"_s), &databaseError);
    if (m_database)
        m_runs = std::make_unique<RunStore>(*m_database);
    connect(m_manager, &SandboxManager::gaveUp, this, [this](ProjectSession* gaveUpOn, const QString& cause) {
        const QString id = gaveUpOn->project().id;
        m_restoreFailures.insert(id, cause);
        refreshProjectItem(id);
        if (BuildLogPanel* log = buildLog(id))
            log->appendNotice(tr("Stopped restoring after three failures: %1").arg(cause));
        if (id == m_currentId)
            refreshPreview();
    });
    const auto refreshManaged = [this](ProjectSession* changed) {
        const QString id = changed->project().id;
        refreshProjectItem(id);
        if (id == m_currentId)
            refreshPreview();
    };
    connect(m_manager, &SandboxManager::sleeping, this, refreshManaged);
    connect(m_manager, &SandboxManager::awake, this, refreshManaged);
    connect(m_preview, &PreviewPane::wakeRequested, this, [this](const QString& projectId) {
        if (ProjectSession* asleep = session(projectId))
            m_manager->wake(asleep);
    });
    connect(m_preview, &PreviewPane::retryRequested, this, [this](const QString& projectId) {
        if (ProjectSession* retried = session(projectId)) {
            m_restoreFailures.remove(projectId);
            m_manager->retry(retried);
            refreshPreview();
        }
    });

    loadProjects();
    updateActions();
    loadDaytonaKey();
}

MainWindow::~MainWindow()
{
    // Sessions write their last log lines through the run store: they go first.
    for (ProjectView& view : m_views) {
        delete view.session;
        view.session = nullptr;
    }
    // Pages go before their profiles; the pane owns both and tears them down in that order.
    delete m_preview;
    m_preview = nullptr;
}

void MainWindow::createActions()
{
    m_openAction = new QAction(icon(u"open"_s), tr("&Open Repository…"), this);
    m_openAction->setShortcut(QKeySequence::Open);
    m_openAction->setToolTip(tr("Open a repository by URL or from a folder (Ctrl+O)"));
    connect(m_openAction, &QAction::triggered, this, &MainWindow::openRepository);

    m_runAction = new QAction(icon(u"play"_s), tr("&Run"), this);
    m_runAction->setShortcut(Qt::CTRL | Qt::Key_Return);
    m_runAction->setToolTip(tr("Run the selected project again from the start (Ctrl+Enter)"));
    connect(m_runAction, &QAction::triggered, this, &MainWindow::runCurrent);

    m_stopAction = new QAction(icon(u"status-stopped"_s), tr("S&top"), this);
    m_stopAction->setShortcut(Qt::CTRL | Qt::Key_Period);
    m_stopAction->setToolTip(
        tr("Stop the selected project's build or dev server; its files are kept (Ctrl+.)"));
    connect(m_stopAction, &QAction::triggered, this, &MainWindow::stopCurrent);

    m_removeAction = new QAction(tr("Re&move from List"), this);
    m_removeAction->setShortcut(QKeySequence::Delete);
    m_removeAction->setShortcutContext(Qt::WidgetShortcut);
    connect(m_removeAction, &QAction::triggered, this, &MainWindow::removeCurrent);

    m_showLogAction = new QAction(tr("Build &Log"), this);
    m_showLogAction->setShortcut(Qt::CTRL | Qt::Key_1);
    connect(m_showLogAction, &QAction::triggered, this, [this] { m_projectTabs->setCurrentIndex(0); });
    m_showPlanAction = new QAction(icon(u"plan"_s), tr("Run &Plan"), this);
    m_showPlanAction->setShortcut(Qt::CTRL | Qt::Key_2);
    connect(m_showPlanAction, &QAction::triggered, this, [this] { m_projectTabs->setCurrentIndex(1); });

    m_savePlanAction = new QAction(tr("&Keep Plan and Run Again"), this);
    m_savePlanAction->setShortcut(Qt::CTRL | Qt::SHIFT | Qt::Key_Return);
    connect(m_savePlanAction, &QAction::triggered, this, &MainWindow::savePlanAndRun);

    m_settingsAction = new QAction(tr("&Settings…"), this);
    m_settingsAction->setShortcut(Qt::CTRL | Qt::Key_Comma);
    m_settingsAction->setMenuRole(QAction::PreferencesRole);
    m_settingsAction->setToolTip(tr("GitHub, Daytona and how many builds run at once (Ctrl+,)"));
    connect(m_settingsAction, &QAction::triggered, this, &MainWindow::openSettings);

    // Where the selected project runs; checkable, one of the two.
    m_backendGroup = new QActionGroup(this);
    m_runLocallyAction = new QAction(tr("Run on This &Computer"), m_backendGroup);
    m_runLocallyAction->setCheckable(true);
    m_runLocallyAction->setData(QString::fromLatin1(SandboxBackends::Local));
    m_runOnDaytonaAction = new QAction(tr("Run on &Daytona"), m_backendGroup);
    m_runOnDaytonaAction->setCheckable(true);
    m_runOnDaytonaAction->setData(QString::fromLatin1(SandboxBackends::Daytona));
    connect(m_backendGroup, &QActionGroup::triggered, this,
            [this](QAction* action) { setProjectBackend(m_currentId, action->data().toString()); });

    // Whether the selected project's sandbox is kept awake while the window shows it.
    m_keepAwakeAction = new QAction(tr("&Keep Awake While Shown"), this);
    m_keepAwakeAction->setCheckable(true);
    m_keepAwakeAction->setToolTip(tr("Keep the sandbox from going to sleep while this project is shown; "
                                     "when off, a sleeping sandbox waits for Wake"));
    connect(m_keepAwakeAction, &QAction::toggled, this, [this](bool on) {
        ProjectSession* current = session(m_currentId);
        if (!current || current->project().keepAwake == on)
            return;
        Project project = current->project();
        project.keepAwake = on;
        keepProject(current, project);
        m_manager->setKeepAwake(current, on);
    });

    // Whether the selected project runs without isolation on this computer; asks before turning on.
    m_isolationChoice = new IsolationChoice(this);
    connect(m_isolationChoice, &IsolationChoice::chosen, this, &MainWindow::setProjectWithoutIsolation);

    m_quitAction = new QAction(tr("&Quit"), this);
    m_quitAction->setShortcut(QKeySequence::Quit);
    m_quitAction->setMenuRole(QAction::QuitRole);
    connect(m_quitAction, &QAction::triggered, this, &QWidget::close);
}

void MainWindow::createLayout()
{
    m_projectList = new QListWidget;
    m_projectList->setObjectName(u"projectList"_s);
    m_projectList->setItemDelegate(new ProjectListDelegate(m_projectList));
    m_projectList->setContextMenuPolicy(Qt::ActionsContextMenu);
    auto* separator = new QAction(m_projectList);
    separator->setSeparator(true);
    auto* separator2 = new QAction(m_projectList);
    separator2->setSeparator(true);
    m_projectList->addActions({m_runAction, m_stopAction, m_showPlanAction, separator, m_runLocallyAction,
                               m_runOnDaytonaAction, m_isolationChoice->action(), separator2,
                               m_removeAction});
    m_projectList->setMinimumWidth(220);
    connect(m_projectList, &QListWidget::currentItemChanged, this, [this](QListWidgetItem* item) {
        showProject(item ? item->data(ProjectIdRole).toString() : QString());
    });

    auto* projectsPane = new QWidget;
    auto* projectsLayout = new QVBoxLayout(projectsPane);
    projectsLayout->setContentsMargins(0, 0, 0, 0);
    projectsLayout->setSpacing(0);
    auto* projectsBar = new QToolBar;
    projectsBar->setIconSize(QSize(18, 18));
    auto* projectsTitle = new QLabel(tr("<b>Projects</b>"));
    projectsTitle->setContentsMargins(8, 0, 0, 0);
    projectsBar->addWidget(projectsTitle);
    auto* spacer = new QWidget;
    spacer->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Preferred);
    projectsBar->addWidget(spacer);
    projectsBar->addAction(m_openAction);
    projectsBar->addAction(m_runAction);
    projectsBar->addAction(m_stopAction);
    projectsLayout->addWidget(projectsBar);
    projectsLayout->addWidget(m_projectList, 1);

    m_logStack = new QStackedWidget;
    m_noProjectLog = new QLabel(tr("Open a repository with Ctrl+O to see its build here."));
    m_noProjectLog->setAlignment(Qt::AlignCenter);
    m_noProjectLog->setWordWrap(true);
    m_noProjectLog->setForegroundRole(QPalette::PlaceholderText);
    m_logStack->addWidget(m_noProjectLog);

    auto* planPage = new QWidget;
    auto* planLayout = new QVBoxLayout(planPage);
    m_planEditor = new RunPlanEditor;
    planLayout->addWidget(m_planEditor, 1);
    auto* keepPlan = new QPushButton(m_savePlanAction->text().remove(u'&'));
    keepPlan->setToolTip(tr("Keep this plan for the project and run it again (Ctrl+Shift+Enter)"));
    connect(keepPlan, &QPushButton::clicked, m_savePlanAction, &QAction::trigger);
    auto* resetPlan = new QPushButton(tr("Detect Again"));
    resetPlan->setToolTip(tr("Forget the kept plan; the next run detects it from the repository"));
    connect(resetPlan, &QPushButton::clicked, this, [this] {
        ProjectSession* current = session(m_currentId);
        if (!current)
            return;
        Project project = current->project();
        project.plan.reset();
        keepProject(current, project);
        statusBar()->showMessage(tr("The plan will be detected again on the next run."), 5000);
    });
    auto* planButtons = new QHBoxLayout;
    planButtons->addStretch();
    planButtons->addWidget(resetPlan);
    planButtons->addWidget(keepPlan);
    planLayout->addLayout(planButtons);
    connect(m_planEditor, &RunPlanEditor::edited, this, &MainWindow::updateActions);

    m_projectTabs = new QTabWidget;
    m_projectTabs->setDocumentMode(true);
    m_projectTabs->addTab(m_logStack, tr("Build Log"));
    m_projectTabs->addTab(planPage, tr("Run Plan"));

    m_preview = new PreviewPane;
    m_preview->setExternalOpenHandler(
        [this](const QUrl& url) {
            return QMessageBox::question(this, tr("Open in Browser"),
                                         tr("The preview wants to open a page outside the project:\n\n%1\n\n"
                                            "Open it in your web browser?")
                                             .arg(url.toDisplayString()),
                                         QMessageBox::Open | QMessageBox::Cancel,
                                         QMessageBox::Cancel) == QMessageBox::Open;
        },
        [](const QUrl& url) { QDesktopServices::openUrl(url); });
    connect(m_preview, &PreviewPane::consoleMessage, this, [this](const ConsoleMessage& message) {
        if (BuildLogPanel* log = buildLog(m_currentId))
            log->appendConsoleMessage(message);
    });
    connect(m_preview, &PreviewPane::requestBlocked, this, [this](const QUrl& url, const QString& reason) {
        if (BuildLogPanel* log = buildLog(m_currentId))
            log->appendNotice(tr("Preview: blocked %1 (%2)").arg(url.toDisplayString(), reason));
    });
    connect(m_preview, &PreviewPane::permissionDenied, this, [this](const QString& what, const QUrl& origin) {
        if (BuildLogPanel* log = buildLog(m_currentId))
            log->appendNotice(tr("Preview: denied %1 to %2").arg(what, origin.toDisplayString()));
    });
    // The preview's navigation shortcuts work wherever the focus is in the window (Esc stays with
    // the pane, so it does not take Esc from the log's find bar).
    for (QAction* action : {m_preview->backAction(), m_preview->forwardAction(), m_preview->reloadAction(),
                            m_preview->focusPathBarAction(), m_preview->devToolsAction()})
        action->setShortcutContext(Qt::WindowShortcut);
    connect(m_preview, &PreviewPane::renderProcessCrashed, this, [this](const QString& reason) {
        if (BuildLogPanel* log = buildLog(m_currentId))
            log->appendNotice(
                tr("Preview: the page's renderer stopped (%1). Reload to try again.").arg(reason));
    });
    connect(m_preview, &PreviewPane::pagePainted, this, [this] { Q_EMIT previewPainted(m_currentId); });

    m_workSplitter = new QSplitter(Qt::Horizontal);
    m_workSplitter->setObjectName(u"workSplitter"_s);
    m_workSplitter->addWidget(m_projectTabs);
    m_workSplitter->addWidget(m_preview);
    m_workSplitter->setStretchFactor(0, 2);
    m_workSplitter->setStretchFactor(1, 3);

    // Above the build log and the preview, for as long as the selected project runs without isolation.
    m_isolationBanner = new IsolationBanner;
    connect(m_isolationBanner, &IsolationBanner::isolateRequested, this,
            [this] { setProjectWithoutIsolation(m_currentId, false); });
    auto* workArea = new QWidget;
    auto* workLayout = new QVBoxLayout(workArea);
    workLayout->setContentsMargins(0, 0, 0, 0);
    workLayout->setSpacing(0);
    workLayout->addWidget(m_isolationBanner);
    workLayout->addWidget(m_workSplitter, 1);

    m_mainSplitter = new QSplitter(Qt::Horizontal);
    m_mainSplitter->setObjectName(u"mainSplitter"_s);
    m_mainSplitter->addWidget(projectsPane);
    m_mainSplitter->addWidget(workArea);
    m_mainSplitter->setStretchFactor(0, 0);
    m_mainSplitter->setStretchFactor(1, 1);
    setCentralWidget(m_mainSplitter);

    m_isolationStatus = new IsolationStatusLabel;
    statusBar()->addPermanentWidget(m_isolationStatus);
    statusBar()->addPermanentWidget(m_account->plainTextWarning());
    statusBar()->addPermanentWidget(m_account->accountButton());
}

void MainWindow::createMenus()
{
    QMenu* file = menuBar()->addMenu(tr("&File"));
    file->addAction(m_openAction);
    file->addSeparator();
    file->addAction(m_account->signInAction());
    file->addAction(m_account->signOutAction());
    file->addSeparator();
    file->addAction(m_quitAction);

    QMenu* project = menuBar()->addMenu(tr("&Project"));
    project->addAction(m_runAction);
    project->addAction(m_stopAction);
    project->addSeparator();
    project->addAction(m_showLogAction);
    project->addAction(m_showPlanAction);
    project->addAction(m_savePlanAction);
    project->addSeparator();
    project->addAction(m_runLocallyAction);
    project->addAction(m_runOnDaytonaAction);
    project->addAction(m_keepAwakeAction);
    project->addAction(m_isolationChoice->action());
    project->addSeparator();
    project->addAction(m_removeAction);

    // Each project's log panel owns its actions (their shortcuts work while the log has focus); the
    // menu shows the visible panel's, rebuilt when another project is selected.
    m_logMenu = menuBar()->addMenu(tr("&Log"));
    rebuildLogMenu();

    QMenu* view = menuBar()->addMenu(tr("&Preview"));
    view->addAction(m_preview->backAction());
    view->addAction(m_preview->forwardAction());
    view->addAction(m_preview->reloadAction());
    view->addAction(m_preview->stopAction());
    view->addSeparator();
    view->addAction(m_preview->focusPathBarAction());
    view->addAction(m_preview->openInBrowserAction());
    view->addAction(m_preview->devToolsAction());
    QMenu* devices = view->addMenu(tr("&Device Size"));
    devices->addActions(m_preview->deviceActions());

    QMenu* tools = menuBar()->addMenu(tr("&Tools"));
    tools->addAction(m_settingsAction);

    QMenu* help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("&About Forge Preview"), this, [this] {
        QMessageBox::about(this, tr("About Forge Preview"),
                           tr("<h3>Forge Preview %1</h3><p>Turns a Git repository into a live preview: "
                              "it clones, detects the framework, installs, starts the dev server and shows "
                              "the running app.</p>")
                               .arg(QCoreApplication::applicationVersion()));
    });
    help->addAction(tr("About &Qt"), qApp, &QApplication::aboutQt);
}

void MainWindow::rebuildLogMenu()
{
    m_logMenu->clear();
    BuildLogPanel* panel = buildLog(m_currentId);
    if (!panel) {
        m_logMenu->addAction(tr("No project selected"))->setEnabled(false);
        return;
    }
    m_logMenu->addAction(panel->findAction());
    m_logMenu->addAction(panel->findNextAction());
    m_logMenu->addAction(panel->findPreviousAction());
    m_logMenu->addSeparator();
    m_logMenu->addAction(panel->copyAction());
    m_logMenu->addAction(panel->saveAction());
    m_logMenu->addSeparator();
    m_logMenu->addAction(panel->jumpToFirstErrorAction());
}

void MainWindow::restoreLayout()
{
    QSettings settings;
    if (!restoreGeometry(settings.value(u"window/geometry"_s).toByteArray()))
        resize(1440, 900);
    if (!m_mainSplitter->restoreState(settings.value(u"window/mainSplitter"_s).toByteArray()))
        m_mainSplitter->setSizes({260, 1180});
    if (!m_workSplitter->restoreState(settings.value(u"window/workSplitter"_s).toByteArray()))
        m_workSplitter->setSizes({520, 660});
}

void MainWindow::saveLayout() const
{
    QSettings settings;
    settings.setValue(u"window/geometry"_s, saveGeometry());
    settings.setValue(u"window/mainSplitter"_s, m_mainSplitter->saveState());
    settings.setValue(u"window/workSplitter"_s, m_workSplitter->saveState());
    settings.setValue(u"window/currentProject"_s, m_currentId);
}

void MainWindow::loadProjects()
{
    const bool loaded = m_store.load();
    for (const Project& project : m_store.projects()) {
        addProjectView(project);
        restoreLog(project.id);
        // Live when Forge Preview closed: bring the preview back by starting only its dev server.
        if (m_runs && !m_runs->unfinishedRun(project.id) && m_store.state(project.id).status == u"live"_s) {
            const QString id = project.id;
            QTimer::singleShot(0, this, [this, id] {
                if (ProjectSession* live = session(id); live && !live->isActive() && !m_shuttingDown)
                    live->startFromDevServer();
            });
        }
        // Forge Preview closed (or crashed) in the middle of this project's run: continue it.
        if (m_runs && m_runs->unfinishedRun(project.id)) {
            const QString id = project.id;
            QTimer::singleShot(0, this, [this, id] {
                // Unless something (--open) started it meanwhile: that run continues it already.
                if (ProjectSession* resumed = session(id); resumed && !resumed->isActive())
                    startProject(id);
            });
        }
    }
    const QString last = QSettings().value(u"window/currentProject"_s).toString();
    if (m_views.contains(last))
        m_projectList->setCurrentItem(m_views.value(last).item);
    else if (m_projectList->count() > 0)
        m_projectList->setCurrentRow(0);
    else
        showProject(QString());

    QStringList problems;
    // The first to open a damaged database moves it aside: the window's own connection, normally.
    for (const QString& notice :
         {m_database ? m_database->setAsideNotice() : QString(), m_store.setAsideNotice()}) {
        if (!notice.isEmpty())
            problems << notice;
    }
    if (!loaded)
        problems << m_store.errorString();
    for (const QString& warning : m_store.warnings())
        problems << tr("A project was skipped: %1.").arg(warning);
    if (!problems.isEmpty()) {
        // After the window is up, so the message has a parent to sit on.
        QTimer::singleShot(0, this,
                           [this, problems] { showError(tr("Projects"), problems.join(u"\n\n"_s)); });
    }
}

void MainWindow::rememberStatus(const QString& projectId, ProjectStatus status)
{
    // Closing the window stops every preview; those that were live then come back at the next start,
    // so a stop during shutdown is not remembered.
    if (m_shuttingDown && status == ProjectStatus::Stopped)
        return;
    ProjectState state = m_store.state(projectId);
    state.status = toString(status);
    if (ProjectSession* current = session(projectId)) {
        state.previewUrl = current->previewUrl().toString();
        state.sandboxId = current->sandboxId();
    }
    if (!m_store.setState(projectId, state))
        statusBar()->showMessage(m_store.errorString(), 10000);
}

void MainWindow::restoreLog(const QString& projectId)
{
    BuildLogPanel* log = buildLog(projectId);
    const auto run = m_runs ? m_runs->latestRun(projectId) : std::nullopt;
    if (!log || !run)
        return;
    QHash<QString, QList<LogRecord>> linesByStep;
    for (LogRecord& line : m_runs->log(run->id))
        linesByStep[line.step].append(std::move(line));
    for (const StepRecord& record : m_runs->steps(run->id)) {
        const auto step = stepFromName(record.step);
        const auto status = stepStatusFromString(record.status);
        if (!step || !status)
            continue;
        log->stepStarted(*step, record.attempt);
        for (const LogRecord& line : linesByStep.value(record.step))
            log->appendOutput(*step, OutputChannel(line.channel),
                              line.styled.isEmpty() ? line.text : line.styled, line.isError);
        if (*status != StepStatus::Running && *status != StepStatus::Pending) {
            const qint64 duration = record.startedAt.isValid() && record.finishedAt.isValid()
                                        ? record.startedAt.msecsTo(record.finishedAt)
                                        : 0;
            log->stepFinished(*step, *status, duration,
                              *status == StepStatus::Failed ? record.error
                                                            : record.result.value(u"summary"_s).toString());
        }
    }
    if (run->status == u"failed"_s) {
        if (const auto step = stepFromName(run->failedStep))
            log->showFailure(StepFailure(*step, Failure::permanent(run->error)));
    }
    if (run->status != u"succeeded"_s)
        log->runStopped();
    log->appendNotice(tr("The log of the last run (%1), kept from before Forge Preview restarted.")
                          .arg(QLocale().toString(run->startedAt.toLocalTime(), QLocale::ShortFormat)));
}

void MainWindow::saveProjects()
{
    if (!m_store.save())
        showError(tr("Could Not Save Projects"), m_store.errorString());
}

MainWindow::ProjectView& MainWindow::addProjectView(const Project& project)
{
    ProjectView view;
    view.log = new BuildLogPanel;
    m_logStack->addWidget(view.log);
    view.item = new QListWidgetItem(displayNameOf(project));
    view.item->setData(ProjectIdRole, project.id);
    view.item->setToolTip(project.repository);
    m_projectList->addItem(view.item);
    ProjectView& stored = m_views.insert(project.id, view).value();
    createSession(stored, project);
    return stored;
}

void MainWindow::createSession(ProjectView& view, const Project& project)
{
    if (view.session) {
        // Only between runs: nothing of the old session runs any more.
        Q_ASSERT(!view.running);
        view.session->disconnect();
        view.session->deleteLater();
    }
    view.provider = m_backends->providerFor(project);
    view.session = new ProjectSession(*view.provider, project, this);
    // Each run asks for the signed-in account's token, which it gets only for that account's host.
    view.session->setRunQueue(m_runQueue);
    view.session->setRunStore(m_runs.get());
    m_manager->watch(view.session);
    m_manager->setKeepAwake(view.session, project.keepAwake);
    m_manager->setShown(view.session, project.id == m_currentId);
    view.session->setCredentialLookup([account = QPointer<AccountController>(m_account)](QUrl url) {
        return AccountController::credentialsFor(account, std::move(url));
    });
    view.running = false;
    connectSession(view);
    refreshProjectItem(project.id);
    if (project.id == m_currentId) {
        m_planEditor->setPlan(view.session->plan());
        refreshPreview();
        updateActions();
    }
    Q_EMIT sessionCreated(view.session);
}

void MainWindow::startProject(const QString& projectId)
{
    auto found = m_views.find(projectId);
    if (found == m_views.end() || m_shuttingDown)
        return;
    ProjectView& view = found.value();
    const std::shared_ptr<SandboxProvider> wanted = m_backends->providerFor(view.session->project());
    if (wanted == view.provider) {
        view.session->restart();
        return;
    }
    if (view.running) {
        // The run keeps its provider until it has ended; the next one gets the new provider.
        view.startWhenEnded = true;
        view.session->stop();
        return;
    }
    createSession(view, view.session->project());
    view.session->start();
}

void MainWindow::connectSession(ProjectView& view)
{
    ProjectSession* session = view.session;
    BuildLogPanel* log = view.log;
    const QString id = session->project().id;
    connect(session, &ProjectSession::runStarted, this, [this, id] {
        if (auto found = m_views.find(id); found != m_views.end())
            found->running = true;
    });
    connect(session, &ProjectSession::runStarted, log, &BuildLogPanel::reset);
    // After the reset: every run without isolation says so at its start.
    connect(session, &ProjectSession::runStarted, this, [this, log, id] {
        if (runsWithoutIsolation(id))
            log->appendNotice(IsolationChoice::runStartNotice());
        refreshIsolation();
    });
    connect(session, &ProjectSession::stepStarted, log, &BuildLogPanel::stepStarted);
    connect(session, &ProjectSession::stepOutput, log,
            [log](StepId step, OutputChannel channel, const QString&, const QString& styled, bool isError) {
                log->appendOutput(step, channel, styled, isError);
            });
    connect(session, &ProjectSession::stepRetrying, log, &BuildLogPanel::stepRetrying);
    // The sandbox manager restores the preview (asleep, gone, dev server dead): say so, then show
    // the new page (a restarted sandbox has a new URL or token, so it is loaded again).
    connect(session, &ProjectSession::restoring, this, [this, log, id](const QString& reason) {
        log->appendNotice(tr("Restoring the preview: %1").arg(reason));
        refreshProjectItem(id);
        if (id == m_currentId)
            refreshPreview();
    });
    connect(session, &ProjectSession::restored, this, [this, log, id] {
        log->appendNotice(tr("The preview is back."));
        m_restoreFailures.remove(id);
        refreshProjectItem(id);
        if (id == m_currentId) {
            m_preview->showPlaceholder(); // forces the page to load the new endpoint
            refreshPreview();
        }
    });
    connect(session, &ProjectSession::restoreFailed, log,
            [log](const QString& cause) { log->appendNotice(tr("Restoring failed: %1").arg(cause)); });
    // A step the interrupted run had finished: shown done, with what it did then.
    connect(session, &ProjectSession::stepRestored, log,
            [log](StepId step, StepStatus status, const QString& summary) {
                log->stepStarted(step, 1);
                log->stepFinished(step, status, 0,
                                  summary.isEmpty() ? tr("done before the restart")
                                                    : tr("%1 (done before the restart)").arg(summary));
            });
    connect(session, &ProjectSession::stepFinished, log, &BuildLogPanel::stepFinished);
    connect(session, &ProjectSession::failed, this, [this, log](const StepFailure& failure) {
        // Isolation does not work here: what to install, and where the choice to run without it is.
        if (SandboxIsolation::isUnavailable(failure))
            m_isolationStatus->setUnavailable(failure.message());
        log->showFailure(IsolationChoice::explained(failure));
    });
    connect(session, &ProjectSession::stepFinished, this, [this, id](StepId, StepStatus status) {
        // An isolated run got somewhere: isolation works (again) on this computer.
        if (status == StepStatus::Succeeded && m_views.value(id).provider.get() == &m_backends->local() &&
            m_backends->local().isIsolated())
            m_isolationStatus->setUnavailable({});
    });
    connect(session, &ProjectSession::notice, log, &BuildLogPanel::appendNotice);
    // Once live, the dev server's output is what matters (requests, hot reloads, compile errors).
    connect(session, &ProjectSession::previewReady, log, [log] { log->selectStep(StepId::StartDevServer); });
    connect(session, &ProjectSession::statusChanged, log, [log](ProjectStatus status) {
        if (status == ProjectStatus::Stopped)
            log->runStopped();
    });
    connect(session, &ProjectSession::stepStarted, this, [this, id] {
        refreshProjectItem(id);
        if (id == m_currentId)
            refreshPreview();
    });
    connect(session, &ProjectSession::statusChanged, this, [this, id](ProjectStatus status) {
        rememberStatus(id, status);
        refreshProjectItem(id);
        if (id == m_currentId) {
            refreshPreview();
            updateActions();
        }
    });
    connect(session, &ProjectSession::planReady, this, [this, id](const RunPlan& plan) {
        if (id == m_currentId && !m_planEditor->isModified())
            m_planEditor->setPlan(plan);
    });
    connect(session, &ProjectSession::runEnded, this, [this, id] {
        auto found = m_views.find(id);
        if (found != m_views.end()) {
            found->running = false;
            if (found->startWhenEnded) {
                found->startWhenEnded = false;
                // After this signal has been delivered: the session is still inside its run.
                QTimer::singleShot(0, this, [this, id] { startProject(id); });
            }
        }
        updateActions();
        if (m_shuttingDown && !anyProjectActive())
            Q_EMIT shutdownFinished();
    });
}

void MainWindow::openProject(const Project& project)
{
    if (m_views.contains(project.id)) {
        ProjectSession* existing = m_views.value(project.id).session;
        Project updated = existing->project();
        updated.mode = project.mode;
        updated.backend = project.backend;
        if (project.plan)
            updated.plan = project.plan;
        existing->setProject(updated);
        m_store.put(updated);
    } else {
        addProjectView(project);
        m_store.put(project);
    }
    saveProjects();
    m_projectList->setCurrentItem(m_views.value(project.id).item);
    startProject(project.id);
}

OpenLinkDialog* MainWindow::linkDialog() const
{
    return m_linkDialog;
}

void MainWindow::bringToFront()
{
    if (isMinimized())
        showNormal();
    raise();
    activateWindow();
    if (m_linkDialog) {
        m_linkDialog->raise();
        m_linkDialog->activateWindow();
    }
}

void MainWindow::openLink(const QString& link)
{
    if (m_shuttingDown)
        return;
    bringToFront();
    const auto parsed = DeepLink::parse(link);
    if (const auto* error = std::get_if<RepoRefError>(&parsed)) {
        // No dialog for a link that fails the checks: it never gets as far as asking.
        statusBar()->showMessage(tr("Link refused: %1").arg(error->explanation()));
        Q_EMIT linkRefused(error->explanation());
        return;
    }
    confirmLink(std::get<DeepLink>(parsed));
}

void MainWindow::confirmLink(const DeepLink& deepLink)
{
    if (m_shuttingDown)
        return;
    if (m_linkDialog) {
        statusBar()->showMessage(tr("Another link is waiting for your answer; answer it first."), 10000);
        return;
    }
    Project project = newProject(deepLink.repository, deepLink.branch, RunMode::Dev);
    if (const ProjectSession* existing = session(project.id)) {
        // Already in the list: the link runs it again as it is (back end, mode, plan).
        project = existing->project();
    }

    // Not exec(): the request may come from a second start or the event filter, which must not
    // wait for the user's answer.
    auto* dialog = new OpenLinkDialog(deepLink, SandboxBackends::title(project.backend), this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    m_linkDialog = dialog;
    connect(dialog, &QDialog::finished, this, [this, project](int result) {
        m_linkDialog = nullptr;
        if (result == QDialog::Accepted && !m_shuttingDown)
            openProject(project);
    });
    dialog->open();
}

void MainWindow::keepProject(ProjectSession* projectSession, const Project& project)
{
    projectSession->setProject(project);
    m_store.put(project);
    saveProjects();
}

void MainWindow::setProjectBackend(const QString& projectId, const QString& backend)
{
    ProjectSession* current = session(projectId);
    if (!current || current->project().backend == backend)
        return;
    Project project = current->project();
    project.backend = backend;
    keepProject(current, project);
    refreshProjectItem(projectId);
    updateBackendActions();
    const QString name = m_views.value(projectId).item->text();
    statusBar()->showMessage(
        current->isActive()
            ? tr("%1 runs on %2 from its next run (Ctrl+Enter).").arg(name, SandboxBackends::title(backend))
            : tr("%1 will run on %2 (Ctrl+Enter to run it now).").arg(name, SandboxBackends::title(backend)),
        8000);
}

void MainWindow::setProjectWithoutIsolation(const QString& projectId, bool runWithoutIsolation)
{
    ProjectSession* current = session(projectId);
    if (!current || current->project().runWithoutIsolation == runWithoutIsolation)
        return;
    Project project = current->project();
    project.runWithoutIsolation = runWithoutIsolation;
    keepProject(current, project);
    refreshProjectItem(projectId);
    updateBackendActions();
    const QString name = m_views.value(projectId).item->text();
    QString message;
    if (runWithoutIsolation)
        message = current->isActive()
                      ? tr("%1 runs without isolation from its next run (Ctrl+Enter).").arg(name)
                      : tr("%1 will run without isolation (Ctrl+Enter to run it now).").arg(name);
    else
        message = current->isActive() ? tr("%1 runs isolated from its next run (Ctrl+Enter).").arg(name)
                                      : tr("%1 will run isolated.").arg(name);
    statusBar()->showMessage(message, 8000);
}

bool MainWindow::runsWithoutIsolation(const QString& projectId) const
{
    const ProjectView view = m_views.value(projectId);
    if (!view.session)
        return false;
    const Project& project = view.session->project();
    const bool chosen =
        project.runWithoutIsolation && project.backend == QLatin1StringView(SandboxBackends::Local);
    return chosen || (view.session->isActive() && m_backends->isWithoutIsolation(view.provider));
}

void MainWindow::refreshIsolation()
{
    QStringList withoutIsolation;
    for (auto it = m_views.cbegin(); it != m_views.cend(); ++it) {
        if (runsWithoutIsolation(it.key()))
            withoutIsolation << it->item->text();
    }
    withoutIsolation.sort(Qt::CaseInsensitive);
    m_isolationStatus->setProjectsWithoutIsolation(withoutIsolation);

    const ProjectView view = m_views.value(m_currentId);
    if (!view.session) {
        m_isolationChoice->setProject(nullptr, {});
        m_isolationBanner->showFor({}, false, false, false);
        return;
    }
    const Project& project = view.session->project();
    m_isolationChoice->setProject(&project, view.item->text());
    const bool local = project.backend == QLatin1StringView(SandboxBackends::Local);
    m_isolationBanner->showFor(view.item->text(), project.runWithoutIsolation && local,
                               m_backends->isWithoutIsolation(view.provider), view.session->isActive());
}

void MainWindow::showProject(const QString& projectId)
{
    // Only the shown project's sandbox is kept awake (when its policy says so).
    if (ProjectSession* previous = session(m_currentId); previous && m_currentId != projectId)
        m_manager->setShown(previous, false);
    if (ProjectSession* next = session(projectId))
        m_manager->setShown(next, true);
    m_currentId = projectId;
    const ProjectView view = m_views.value(projectId);
    if (!view.session) {
        m_logStack->setCurrentWidget(m_noProjectLog);
        m_planEditor->setPlan(std::nullopt);
        m_preview->showPlaceholder();
        rebuildLogMenu();
        updateActions();
        return;
    }
    m_logStack->setCurrentWidget(view.log);
    rebuildLogMenu();
    m_planEditor->setPlan(view.session->plan());
    refreshPreview();
    updateActions();
}

void MainWindow::refreshProjectItem(const QString& projectId)
{
    const ProjectView view = m_views.value(projectId);
    if (!view.session)
        return;
    const ProjectStatus status = view.session->status();
    view.item->setData(ProjectStatusRole, int(status));
    QString detail = projectDetail(view.session->project(), status, view.session->currentStep());
    if (view.session->isRestoring())
        detail += u" · "_s + tr("restoring…");
    else if (status == ProjectStatus::Live && m_manager->isSleeping(view.session))
        detail += u" · "_s + tr("sleeping");
    else if (status == ProjectStatus::Live && m_manager->hasGivenUp(view.session))
        detail += u" · "_s + tr("could not be restored");
    view.item->setData(ProjectDetailRole, detail);
    view.item->setData(ProjectWithoutIsolationRole, runsWithoutIsolation(projectId));
}

void MainWindow::refreshPreview()
{
    ProjectSession* current = session(m_currentId);
    if (!current) {
        m_preview->showPlaceholder();
        return;
    }
    switch (current->status()) {
    case ProjectStatus::Live: {
        if (current->isRestoring()) {
            m_preview->showRestoring(m_currentId);
            break;
        }
        if (m_manager->isSleeping(current)) {
            m_preview->showSleeping(m_currentId);
            break;
        }
        if (m_manager->hasGivenUp(current)) {
            m_preview->showRestoreFailed(m_currentId, m_restoreFailures.value(m_currentId));
            break;
        }
        // Load unless the pane already shows this very preview (a reload would lose the page's
        // state); a page kept under an overlay from an earlier run of the project does not count.
        const bool alreadyShown = m_preview->projectId() == m_currentId && m_preview->page() &&
                                  m_preview->overlay() == PreviewPane::Overlay::None &&
                                  m_preview->origin() == previeworigin::originOf(current->previewUrl());
        if (!alreadyShown) {
            // A private Daytona preview's token goes with every request to that origin, and only there.
            const PreviewEndpoint& endpoint = current->previewEndpoint();
            PreviewPane::HeaderList headers;
            for (auto header = endpoint.headers.cbegin(); header != endpoint.headers.cend(); ++header)
                headers.append({header.key(), header.value()});
            m_preview->showPreview(m_currentId, endpoint.url, headers);
        }
        break;
    }
    case ProjectStatus::Queued:
        m_preview->showBuilding(m_currentId, tr("Waiting to start…"));
        break;
    case ProjectStatus::Building: {
        const auto step = current->currentStep();
        m_preview->showBuilding(m_currentId, step ? tr("%1…").arg(stepTitle(*step)) : tr("Starting…"));
        break;
    }
    case ProjectStatus::Failed: {
        const auto failure = current->failure();
        m_preview->showUnavailable(
            m_currentId, failure ? tr("%1 failed: %2").arg(stepTitle(failure->step()), failure->message())
                                 : tr("The run failed."));
        break;
    }
    case ProjectStatus::Stopped:
        m_preview->showUnavailable(m_currentId, tr("Stopped. Press Ctrl+Enter to run it."));
        break;
    }
}

void MainWindow::updateActions()
{
    ProjectSession* current = session(m_currentId);
    const bool active = current && current->isActive();
    m_runAction->setEnabled(current != nullptr && !m_shuttingDown);
    m_runAction->setText(active ? tr("&Run Again") : tr("&Run"));
    m_stopAction->setEnabled(active);
    m_removeAction->setEnabled(current != nullptr);
    m_savePlanAction->setEnabled(current != nullptr && m_planEditor->plan().has_value() && !m_shuttingDown);
    m_openAction->setEnabled(!m_shuttingDown);
    updateBackendActions();
}

void MainWindow::updateBackendActions()
{
    if (ProjectSession* selected = session(m_currentId)) {
        const QSignalBlocker blocker(m_keepAwakeAction);
        m_keepAwakeAction->setChecked(selected->project().keepAwake);
    }
    m_keepAwakeAction->setEnabled(session(m_currentId) != nullptr);
    ProjectSession* current = session(m_currentId);
    const QString backend = current ? current->project().backend : QString();
    m_runLocallyAction->setEnabled(current != nullptr);
    m_runLocallyAction->setChecked(backend == QLatin1StringView(SandboxBackends::Local));
    m_runOnDaytonaAction->setChecked(backend == QLatin1StringView(SandboxBackends::Daytona));
    // Daytona clones over the network: a folder on this computer runs here.
    QString blocked;
    if (current) {
        const auto parsed = RepoRef::parse(current->project().repository, QDir::homePath());
        const auto* reference = std::get_if<RepoRef>(&parsed);
        if (reference && !reference->isRemote())
            blocked = tr("A folder on this computer runs here: Daytona clones repositories over the "
                         "network.");
    }
    if (blocked.isEmpty())
        blocked = m_backends->daytonaUnavailableReason();
    m_runOnDaytonaAction->setEnabled(
        current != nullptr && (blocked.isEmpty() || backend == QLatin1StringView(SandboxBackends::Daytona)));
    m_runOnDaytonaAction->setToolTip(blocked.isEmpty()
                                         ? tr("Run the selected project in Daytona's cloud from "
                                              "its next run")
                                         : blocked);
    m_runOnDaytonaAction->setStatusTip(blocked);
    refreshIsolation();
}

void MainWindow::openRepository()
{
    if (m_picker || m_pickerRequested)
        return;
    if (!m_account->accounts().account()) {
        showRepoPicker(SecretResult::notFound());
        return;
    }
    // The GitHub tab needs the token; the keychain answers asynchronously (within its timeout).
    m_pickerRequested = true;
    QCoro::connect(m_account->accounts().token(), this, [this](const SecretResult& token) {
        m_pickerRequested = false;
        showRepoPicker(token);
    });
}

void MainWindow::showRepoPicker(const SecretResult& token)
{
    if (m_shuttingDown)
        return;
    RepoPickerDialog picker(this);
    m_picker = &picker;
    picker.setDaytonaAvailability(m_backends->daytonaUnavailableReason());
    GitHubSource* gitHub = nullptr;
    if (const auto& account = m_account->accounts().account()) {
        if (token.isFound()) {
            github::GitHubConfig config = account->config();
            config.clientId = m_account->accounts().settings().effectiveClientId();
            gitHub = new GitHubSource(config, token.secret(), account->login);
            picker.addSource(gitHub, 0);
        } else {
            statusBar()->showMessage(
                token.ok() ? tr("The keychain has no GitHub token for %1: sign in again to list your "
                                "repositories.")
                                 .arg(account->describe())
                           : tr("Your repositories cannot be listed: %1").arg(token.message()),
                15000);
        }
    }
    const ProjectSession* current = session(m_currentId);
    if (current) {
        // Start from the selected project's repository: the usual next step is another branch.
        const Project& project = current->project();
        picker.setBackend(project.backend);
        const auto parsed = RepoRef::parse(project.repository, QDir::homePath());
        if (const auto* reference = std::get_if<RepoRef>(&parsed)) {
            if (reference->isRemote()) {
                picker.urlSource()->setRepository(project.repository);
                picker.showSource(picker.urlSource());
            } else {
                picker.localFolderSource()->setFolder(reference->localPath());
                picker.showSource(picker.localFolderSource());
            }
        }
    } else if (gitHub) {
        picker.showSource(gitHub);
    }
    const bool accepted = picker.exec() == QDialog::Accepted;
    m_picker = nullptr;
    if (accepted)
        openProject(picker.project());
}

void MainWindow::openSettings()
{
    SettingsDialog dialog(m_account->secrets(), m_backends->daytonaSettings(),
                          AccountController::plainTextFallbackSetting(),
                          m_account->plainTextFallbackDirectory(), this);
    m_settings = &dialog;
    const bool accepted = dialog.exec() == QDialog::Accepted;
    m_settings = nullptr;
    if (!accepted)
        return;
    m_backends->setDaytonaApiKey(dialog.daytonaSettings().apiKey);
    m_account->accounts().setSettings(dialog.gitHubSettings());
    m_account->applyPlainTextFallback(dialog.plainTextFallback());
    m_runQueue->setLimit(RunQueue::configuredLimit(QSettings()));
    m_manager->setInterval(SandboxManager::configuredInterval(QSettings()));
    updateActions();
    statusBar()->showMessage(tr("Settings saved. Projects on Daytona use them from their next run."), 8000);
    Q_EMIT settingsChanged();
}

void MainWindow::loadDaytonaKey()
{
    // Only when Settings stored one: a locked keychain would otherwise ask to be unlocked at every
    // start, for a key that is not there.
    if (!DaytonaSettings::isApiKeyInKeychain())
        return;
    const SecretKey key = DaytonaSettings::load().keychainKey();
    QCoro::connect(m_account->secrets().read(key), this, [this](const SecretResult& result) {
        if (result.isFound())
            m_backends->setDaytonaApiKey(result.secret());
        else if (!result.ok() && !DaytonaSettings::load().keySource().usable)
            statusBar()->showMessage(tr("The Daytona API key could not be read: %1").arg(result.message()),
                                     15000);
        updateActions();
    });
}

void MainWindow::runCurrent()
{
    if (session(m_currentId))
        startProject(m_currentId);
}

void MainWindow::stopCurrent()
{
    if (ProjectSession* current = session(m_currentId))
        current->stop();
}

void MainWindow::removeCurrent()
{
    const QString id = m_currentId;
    const ProjectView view = m_views.value(id);
    if (!view.session)
        return;
    if (view.session->isActive() || view.running) {
        showError(tr("Remove Project"), tr("Stop %1 first (Ctrl+.), then remove it.").arg(view.item->text()));
        return;
    }
    const auto answer = QMessageBox::question(
        this, tr("Remove Project"),
        tr("Remove %1 from the list? Its sandbox files stay on disk.").arg(view.item->text()));
    if (answer != QMessageBox::Yes)
        return;
    m_views.remove(id);
    m_store.remove(id);
    saveProjects();
    m_preview->forgetProject(id);
    delete view.item;
    m_logStack->removeWidget(view.log);
    view.log->deleteLater();
    view.session->deleteLater();
    if (m_projectList->count() == 0)
        showProject(QString());
    refreshIsolation();
}

void MainWindow::savePlanAndRun()
{
    ProjectSession* current = session(m_currentId);
    const std::optional<RunPlan> plan = m_planEditor->plan();
    if (!current || !plan)
        return;
    const QString problem = m_planEditor->problem(current->project().mode);
    if (!problem.isEmpty()) {
        showError(tr("Run Plan"), problem);
        return;
    }
    Project project = current->project();
    project.plan = plan;
    keepProject(current, project);
    m_planEditor->setModified(false);
    m_projectTabs->setCurrentIndex(0);
    startProject(m_currentId);
}

bool MainWindow::anyProjectActive() const
{
    return std::any_of(m_views.cbegin(), m_views.cend(),
                       [](const ProjectView& view) { return view.session->isActive(); });
}

void MainWindow::shutdown()
{
    // The window is on its way out: nothing new may start from here on.
    m_shuttingDown = true;
    updateActions();
    if (!anyProjectActive()) {
        Q_EMIT shutdownFinished();
        return;
    }
    for (const ProjectView& view : std::as_const(m_views))
        view.session->stop();
    statusBar()->showMessage(tr("Stopping previews…"));
}

void MainWindow::closeEvent(QCloseEvent* event)
{
    saveLayout();
    if (!anyProjectActive()) {
        event->accept();
        return;
    }
    // Dev servers must end before the window goes; close again once they have.
    event->ignore();
    if (!m_shuttingDown) {
        connect(this, &MainWindow::shutdownFinished, this, &QWidget::close, Qt::QueuedConnection);
        shutdown();
    }
}

QString MainWindow::currentProjectId() const
{
    return m_currentId;
}

ProjectSession* MainWindow::session(const QString& projectId) const
{
    return m_views.value(projectId).session;
}

BuildLogPanel* MainWindow::buildLog(const QString& projectId) const
{
    return m_views.value(projectId).log;
}

void MainWindow::showError(const QString& title, const QString& text)
{
    QMessageBox::warning(this, title, text);
}

} // namespace forge::ui
