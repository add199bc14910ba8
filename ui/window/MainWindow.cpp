#include "MainWindow.h"

#include "AccountController.h"
#include "EnvironmentEditor.h"
#include "ExpectedVariablesBanner.h"
#include "ExpectedVariablesOffer.h"
#include "GitHubSource.h"
#include "IsolationChoice.h"
#include "IsolationWarning.h"
#include "LocalFolderSource.h"
#include "OpenLinkDialog.h"
#include "PreviewPresenter.h"
#include "ProjectListDelegate.h"
#include "PullRequestHeader.h"
#include "RepoPickerDialog.h"
#include "RunPlanEditor.h"
#include "RunPlanPage.h"
#include "UrlSource.h"
#include "WindowActions.h"
#include "WorkingCopyStatusLabel.h"
#include "accounts/GitHubAccountManager.h"
#include "app/AppContext.h"
#include "app/ProjectListModel.h"
#include "app/ProjectRegistry.h"
#include "app/PullRequestWatcher.h"
#include "app/SandboxBackends.h"
#include "core/DeepLink.h"
#include "core/RepoRef.h"
#include "core/SandboxIsolation.h"
#include "secrets/SecretStore.h"
#include "store/RunStore.h"
#include "toolchain/Toolchains.h"
#include "ui/buildlog/BuildLogPanel.h"
#include "ui/common/Icons.h"
#include "ui/compare/CompareLauncher.h"
#include "ui/preview/PreviewPane.h"
#include "ui/settings/SettingsDialog.h"
#include "workflow/ProjectSession.h"

#include <QAction>
#include <QActionGroup>
#include <QApplication>
#include <QCloseEvent>
#include <QCoroTask>
#include <QDesktopServices>
#include <QDir>
#include <QLabel>
#include <QListView>
#include <QMenuBar>
#include <QMessageBox>
#include <QSettings>
#include <QSplitter>
#include <QStackedWidget>
#include <QStatusBar>
#include <QTabWidget>
#include <QTimer>
#include <QToolBar>
#include <QToolButton>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace forge::ui {

namespace {

// A folder on this computer: it has a working copy (issue 22) and runs here (Daytona clones over
// the network).
bool isLocalFolder(const Project& project)
{
    const auto parsed = RepoRef::parse(project.repository, QDir::homePath());
    const auto* reference = std::get_if<RepoRef>(&parsed);
    return reference && !reference->isRemote();
}

} // namespace

MainWindow::MainWindow(AppContext& context, QWidget* parent)
    : QMainWindow(parent)
    , m_context(context)
    , m_projects(*context.projects())
    , m_listModel(new ProjectListModel(m_projects, this))
    , m_account(new AccountController(context.secrets(), context.accounts(), context.dataDirectory(), this))
    , m_pullRequests(new PullRequestWatcher(m_projects, context.accounts(), this))
{
    setWindowTitle(tr("Forge Preview"));
    setWindowIcon(applicationIcon());
    m_listModel->setPullRequests(m_pullRequests);
    createActions();
    createLayout();
    m_actions->fillMenuBar(*menuBar(), *m_account, *m_isolationChoice, *m_preview);
    m_compare = new CompareLauncher(m_projects, this);
    m_compare->placeBefore(m_actions->runLocally());
    restoreLayout();
    connectPreview();
    connectRegistry();

    connect(m_context.backends(), &SandboxBackends::notice, this, [this](const QString& message) {
        statusBar()->showMessage(message, 10000);
        noteInCurrentLog(message);
    });
    connect(m_account, &AccountController::message, this,
            [this](const QString& text) { statusBar()->showMessage(text, 10000); });

    loadProjects();
    updateActions();
    loadDaytonaKey();
}

MainWindow::~MainWindow()
{
    // The sessions stay with the application core; what they would tell this window no longer
    // reaches it.
    m_projects.disconnect(this);
    m_pullRequests->disconnect(this);
    for (const QString& id : m_projects.ids()) {
        if (ProjectSession* session = m_projects.session(id))
            session->disconnect(this);
    }
    // Pages go before their profiles; the pane owns both and tears them down in that order.
    delete m_preview;
    m_preview = nullptr;
}

void MainWindow::connectRegistry()
{
    connect(&m_projects, &ProjectRegistry::sessionCreated, this, &MainWindow::onSessionCreated);
    connect(&m_projects, &ProjectRegistry::projectChanged, this, &MainWindow::onProjectChanged);
    connect(&m_projects, &ProjectRegistry::projectRemoved, this, &MainWindow::onProjectRemoved);
    connect(&m_projects, &ProjectRegistry::restoreGaveUp, this,
            [this](const QString& id, const QString& cause) {
                logFor(id)->appendNotice(tr("Stopped restoring after three failures: %1").arg(cause));
            });
    connect(&m_projects, &ProjectRegistry::runEnded, this, &MainWindow::updateActions);
    connect(&m_projects, &ProjectRegistry::shutdownFinished, this, &MainWindow::shutdownFinished);
    connect(&m_projects, &ProjectRegistry::storeFailed, this,
            [this](const QString& message) { showError(tr("Could Not Save Projects"), message); });
}

void MainWindow::createActions()
{
    m_actions = new WindowActions(this);
    connect(m_actions->openRepository(), &QAction::triggered, this, &MainWindow::openRepository);
    connect(m_actions->run(), &QAction::triggered, this, [this] { m_projects.start(m_currentId); });
    connect(m_actions->stop(), &QAction::triggered, this, [this] { m_projects.stop(m_currentId); });
    connect(m_actions->remove(), &QAction::triggered, this, &MainWindow::removeCurrent);
    connect(m_actions->showLog(), &QAction::triggered, this, [this] { m_projectTabs->setCurrentIndex(0); });
    connect(m_actions->showPlan(), &QAction::triggered, this, [this] { m_projectTabs->setCurrentIndex(1); });
    connect(m_actions->savePlan(), &QAction::triggered, this, &MainWindow::savePlanAndRun);
    connect(m_actions->editEnvironment(), &QAction::triggered, this, [this] {
        m_projectTabs->setCurrentIndex(1);
        m_environment->focusTable();
    });
    connect(m_actions->setExpectedVariables(), &QAction::triggered, this,
            [this] { m_expectedVariables->ask(); });
    connect(m_actions->updatePullRequest(), &QAction::triggered, this, &MainWindow::updatePullRequest);
    connect(m_actions->settings(), &QAction::triggered, this, &MainWindow::openSettings);
    connect(m_actions->quit(), &QAction::triggered, this, &QWidget::close);
    connect(m_actions, &WindowActions::backendChosen, this,
            [this](Backend backend) { setProjectBackend(m_currentId, backend); });
    connect(m_actions, &WindowActions::keepAwakeToggled, this,
            [this](bool on) { m_projects.setKeepAwake(m_currentId, on); });
    connect(m_actions, &WindowActions::workingCopyToggled, this, [this](bool on) {
        setProjectSource(m_currentId, on ? ProjectSource::WorkingCopy : ProjectSource::Branch);
    });
    // Whether the selected project runs without isolation on this computer; asks before turning on.
    m_isolationChoice = new IsolationChoice(this);
    connect(m_isolationChoice, &IsolationChoice::chosen, this, &MainWindow::setProjectWithoutIsolation);
}

QWidget* MainWindow::createProjectsPane()
{
    m_projectList = new QListView;
    m_projectList->setObjectName(u"projectList"_s);
    m_projectList->setModel(m_listModel);
    m_projectList->setItemDelegate(new ProjectListDelegate(m_projectList));
    m_projectList->setContextMenuPolicy(Qt::ActionsContextMenu);
    auto* separator = new QAction(m_projectList);
    separator->setSeparator(true);
    auto* separator2 = new QAction(m_projectList);
    separator2->setSeparator(true);
    m_projectList->addActions({m_actions->run(), m_actions->stop(), m_actions->showPlan(), separator,
                               m_actions->runLocally(), m_actions->runOnDaytona(),
                               m_isolationChoice->action(), m_actions->previewWorkingCopy(), separator2,
                               m_actions->remove()});
    m_projectList->setMinimumWidth(220);
    connect(m_projectList->selectionModel(), &QItemSelectionModel::currentChanged, this,
            [this](const QModelIndex& current) { requestProject(m_listModel->idAt(current)); });

    auto* pane = new QWidget;
    auto* layout = new QVBoxLayout(pane);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    auto* bar = new QToolBar;
    bar->setIconSize(QSize(18, 18));
    auto* title = new QLabel(tr("<b>Projects</b>"));
    title->setContentsMargins(8, 0, 0, 0);
    bar->addWidget(title);
    auto* spacer = new QWidget;
    spacer->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Preferred);
    bar->addWidget(spacer);
    bar->addActions({m_actions->openRepository(), m_actions->run(), m_actions->stop()});
    layout->addWidget(bar);
    layout->addWidget(m_projectList, 1);
    return pane;
}

void MainWindow::createLayout()
{
    m_logStack = new QStackedWidget;
    auto* noProjectLog = new QLabel(tr("Open a repository with Ctrl+O to see its build here."));
    noProjectLog->setAlignment(Qt::AlignCenter);
    noProjectLog->setWordWrap(true);
    noProjectLog->setForegroundRole(QPalette::PlaceholderText);
    m_noProjectLog = noProjectLog;
    m_logStack->addWidget(m_noProjectLog);

    auto* planPage = new RunPlanPage(m_actions->savePlan(), m_projects);
    m_planPage = planPage;
    m_planEditor = planPage->editor();
    m_environment = planPage->environment();
    connect(planPage, &RunPlanPage::detectAgainRequested, this, &MainWindow::detectPlanAgain);
    connect(m_planEditor, &RunPlanEditor::edited, this, &MainWindow::updateActions);
    m_expectedVariables = new ExpectedVariablesOffer(m_projects, *m_environment, this);
    connect(m_expectedVariables, &ExpectedVariablesOffer::askableChanged, this, &MainWindow::updateActions);
    connect(m_expectedVariables, &ExpectedVariablesOffer::message, this,
            [this](const QString& text) { statusBar()->showMessage(text, 10000); });

    m_projectTabs = new QTabWidget;
    m_projectTabs->setDocumentMode(true);
    m_projectTabs->addTab(m_logStack, tr("Build Log"));
    m_projectTabs->addTab(planPage, tr("Run Plan"));

    m_preview = new PreviewPane;
    // A pull request project's header and "PR updated" banner sit right above its preview.
    m_pullRequestHeader = new PullRequestHeader(*m_pullRequests, m_projects);
    connect(m_pullRequestHeader, &PullRequestHeader::updateRequested, this, &MainWindow::updatePullRequest);
    connect(m_pullRequests, &PullRequestWatcher::changed, this, [this](const QString& id) {
        if (id != m_currentId)
            return;
        m_pullRequestHeader->refresh();
        updateActions();
    });
    auto* previewColumn = new QWidget;
    auto* previewLayout = new QVBoxLayout(previewColumn);
    previewLayout->setContentsMargins(0, 0, 0, 0);
    previewLayout->setSpacing(0);
    previewLayout->addWidget(m_pullRequestHeader);
    previewLayout->addWidget(m_preview, 1);
    m_workSplitter = new QSplitter(Qt::Horizontal);
    m_workSplitter->setObjectName(u"workSplitter"_s);
    m_workSplitter->addWidget(m_projectTabs);
    m_workSplitter->addWidget(previewColumn);
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
    workLayout->addWidget(m_expectedVariables->banner());
    workLayout->addWidget(m_workSplitter, 1);

    m_mainSplitter = new QSplitter(Qt::Horizontal);
    m_mainSplitter->setObjectName(u"mainSplitter"_s);
    m_mainSplitter->addWidget(createProjectsPane());
    m_mainSplitter->addWidget(workArea);
    m_mainSplitter->setStretchFactor(0, 0);
    m_mainSplitter->setStretchFactor(1, 1);
    setCentralWidget(m_mainSplitter);

    m_workingCopyStatus = new WorkingCopyStatusLabel;
    statusBar()->addPermanentWidget(m_workingCopyStatus);
    m_isolationStatus = new IsolationStatusLabel;
    statusBar()->addPermanentWidget(m_isolationStatus);
    statusBar()->addPermanentWidget(m_account->plainTextWarning());
    statusBar()->addPermanentWidget(m_account->accountButton());
}

void MainWindow::connectPreview()
{
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
    // What the page does goes to the shown project's log, masked like its steps' output: a page
    // may well print what the app was given (a key in a URL, a config object).
    connect(m_preview, &PreviewPane::consoleMessage, this, [this](ConsoleMessage message) {
        BuildLogPanel* log = buildLog(m_currentId);
        const ProjectSession* shown = session(m_currentId);
        if (!log || !shown)
            return;
        message.message = shown->redact(message.message);
        message.source = shown->redact(message.source);
        log->appendConsoleMessage(message);
    });
    connect(m_preview, &PreviewPane::requestBlocked, this, [this](const QUrl& url, const QString& reason) {
        noteInCurrentLog(tr("Preview: blocked %1 (%2)").arg(url.toDisplayString(), reason));
    });
    connect(m_preview, &PreviewPane::permissionDenied, this, [this](const QString& what, const QUrl& origin) {
        noteInCurrentLog(tr("Preview: denied %1 to %2").arg(what, origin.toDisplayString()));
    });
    connect(m_preview, &PreviewPane::renderProcessCrashed, this, [this](const QString& reason) {
        noteInCurrentLog(tr("Preview: the page's renderer stopped (%1). Reload to try again.").arg(reason));
    });
    connect(m_preview, &PreviewPane::pagePainted, this, [this] { Q_EMIT previewPainted(m_currentId); });
    connect(m_preview, &PreviewPane::wakeRequested, &m_projects, &ProjectRegistry::wake);
    connect(m_preview, &PreviewPane::retryRequested, &m_projects, &ProjectRegistry::retryRestore);
    // The preview's navigation shortcuts work wherever the focus is in the window (Esc stays with
    // the pane, so it does not take Esc from the log's find bar).
    for (QAction* action : {m_preview->backAction(), m_preview->forwardAction(), m_preview->reloadAction(),
                            m_preview->focusPathBarAction(), m_preview->devToolsAction()})
        action->setShortcutContext(Qt::WindowShortcut);
}

void MainWindow::updatePullRequest()
{
    const ProjectSession* current = session(m_currentId);
    if (!current || current->isUpdating() || !m_pullRequests->updateAvailable(m_currentId))
        return;
    m_projects.updatePullRequest(m_currentId);
}

void MainWindow::noteInCurrentLog(const QString& message)
{
    if (BuildLogPanel* log = buildLog(m_currentId))
        log->appendNotice(message);
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
    m_projects.load();
    const QString last = QSettings().value(u"window/currentProject"_s).toString();
    const QStringList ids = m_projects.ids();
    selectProject(ids.contains(last) ? last : ids.value(0));
    if (ids.isEmpty())
        showProject(QString());
    if (const QStringList problems = m_context.problems(); !problems.isEmpty()) {
        // After the window is up, so the message has a parent to sit on.
        QTimer::singleShot(0, this,
                           [this, problems] { showError(tr("Projects"), problems.join(u"\n\n"_s)); });
    }
}

BuildLogPanel* MainWindow::logFor(const QString& projectId)
{
    if (BuildLogPanel* log = m_logs.value(projectId))
        return log;
    auto* log = new BuildLogPanel;
    m_logStack->addWidget(log);
    m_logs.insert(projectId, log);
    // The last run from before the app restarted, until the next run starts.
    const RunStore* runs = m_context.runs();
    if (const auto run = runs ? runs->latestRun(projectId) : std::nullopt)
        log->replay(*runs, *run);
    return log;
}

void MainWindow::onSessionCreated(ProjectSession* session)
{
    const QString id = session->project().id;
    BuildLogPanel* log = logFor(id);
    log->attach(session, &IsolationChoice::explained);
    m_expectedVariables->watch(session, log); // after the log: its failure box is filled first
    // After the log's reset: every run without isolation says so at its start.
    connect(session, &ProjectSession::runStarted, this, [this, log, id] {
        if (m_projects.runsWithoutIsolation(id))
            log->appendNotice(IsolationChoice::runStartNotice());
        refreshIsolation();
    });
    // Isolation does not work here: what to install, and where the choice to run without it is.
    connect(session, &ProjectSession::failed, this, [this](const StepFailure& failure) {
        if (SandboxIsolation::isUnavailable(failure))
            m_isolationStatus->setUnavailable(failure.message());
    });
    // An isolated run got somewhere: isolation works (again) on this computer.
    connect(session, &ProjectSession::stepFinished, this, [this, id](StepId, StepStatus status) {
        if (status == StepStatus::Succeeded && m_projects.sessionIsolatedLocally(id))
            m_isolationStatus->setUnavailable({});
    });
    // A restored sandbox has a new URL or token: the page is loaded again.
    connect(session, &ProjectSession::restored, this, [this, id] {
        if (id == m_currentId) {
            m_preview->showPlaceholder();
            refreshPreview();
        }
    });
    // A pull request update or a saved working copy that the page cannot pick up by itself (a static
    // site's server reads the files per request, with no hot reload): the page is loaded again. Restarts
    // reload through restored() above; hot reload needs nothing.
    const auto reloadIfNeeded = [this, id](SourceUpdateAction action) {
        if (id == m_currentId && action == SourceUpdateAction::ReloadPage)
            m_preview->reloadAction()->trigger();
    };
    connect(session, &ProjectSession::pullRequestUpdated, this,
            [reloadIfNeeded](const QString&, SourceUpdateAction action) { reloadIfNeeded(action); });
    connect(session, &ProjectSession::workingCopyApplied, this, reloadIfNeeded);
    connect(session, &ProjectSession::workingCopySyncChanged, this, [this, id, session] {
        if (id == m_currentId)
            m_workingCopyStatus->showState(session->workingCopySync());
    });
    connect(session, &ProjectSession::planReady, this, [this, id](const RunPlan& plan) {
        if (id == m_currentId && !m_planEditor->isModified())
            m_planEditor->setPlan(plan);
    });
    connect(session, &ProjectSession::toolchainChanged, this, [this, id, session] {
        if (id == m_currentId)
            m_planEditor->setToolchain(session->toolchain());
    });
    if (id == m_currentId) {
        m_planEditor->setPlan(session->plan());
        m_planEditor->setToolchain(session->toolchain());
        refreshPreview();
        updateActions();
    }
    Q_EMIT sessionCreated(session);
}

void MainWindow::onProjectChanged(const QString& projectId)
{
    if (projectId != m_currentId)
        return;
    if (const ProjectSession* current = session(projectId))
        m_planPage->showSource(&current->project());
    refreshPreview();
    updateActions();
}

void MainWindow::onProjectRemoved(const QString& projectId)
{
    m_preview->forgetProject(projectId);
    if (BuildLogPanel* log = m_logs.take(projectId)) {
        m_logStack->removeWidget(log);
        log->deleteLater();
    }
    if (m_listModel->rowCount() == 0)
        showProject(QString());
    refreshIsolation();
}

void MainWindow::openProject(const Project& project)
{
    m_projects.adopt(project);
    selectProject(project.id);
    m_projects.start(project.id);
}

void MainWindow::selectProject(const QString& projectId)
{
    const QModelIndex index = m_listModel->indexOf(projectId);
    if (index.isValid())
        m_projectList->setCurrentIndex(index);
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
    if (m_projects.isShuttingDown())
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
    if (m_projects.isShuttingDown())
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
        if (result == QDialog::Accepted && !m_projects.isShuttingDown())
            openProject(project);
    });
    dialog->open();
}

void MainWindow::announceNextRun(const QString& projectId, const QString& activeText, const QString& idleText)
{
    const ProjectSession* changed = session(projectId);
    const QString name = m_projects.displayName(projectId);
    statusBar()->showMessage((changed && changed->isActive() ? activeText : idleText).arg(name), 8000);
    updateActions();
}

void MainWindow::setProjectBackend(const QString& projectId, Backend backend)
{
    if (!m_projects.setBackend(projectId, backend))
        return;
    const QString where = SandboxBackends::title(backend);
    announceNextRun(projectId, tr("%1 runs on %2 from its next run (Ctrl+Enter).").arg(u"%1"_s, where),
                    tr("%1 will run on %2 (Ctrl+Enter to run it now).").arg(u"%1"_s, where));
}

void MainWindow::setProjectSource(const QString& projectId, ProjectSource source)
{
    if (!m_projects.setSource(projectId, source))
        return;
    if (source == ProjectSource::WorkingCopy) {
        announceNextRun(projectId, tr("%1 previews its working copy from its next run (Ctrl+Enter)."),
                        tr("%1 will preview its working copy (Ctrl+Enter to run it now)."));
        return;
    }
    // The folder's branch: the one it names, or (none named) the one checked out when it is copied.
    const ProjectSession* changed = session(projectId);
    const QString name = changed ? changed->project().branch : QString();
    const QString branch = name.isEmpty() ? tr("current branch") : tr("branch %1").arg(name);
    announceNextRun(projectId, tr("%1 previews its %2 from its next run (Ctrl+Enter).").arg(u"%1"_s, branch),
                    tr("%1 will preview its %2 (Ctrl+Enter to run it now).").arg(u"%1"_s, branch));
}

void MainWindow::setProjectWithoutIsolation(const QString& projectId, bool runWithoutIsolation)
{
    if (!m_projects.setWithoutIsolation(projectId, runWithoutIsolation))
        return;
    if (runWithoutIsolation)
        announceNextRun(projectId, tr("%1 runs without isolation from its next run (Ctrl+Enter)."),
                        tr("%1 will run without isolation (Ctrl+Enter to run it now)."));
    else
        announceNextRun(projectId, tr("%1 runs isolated from its next run (Ctrl+Enter)."),
                        tr("%1 will run isolated."));
}

void MainWindow::refreshIsolation()
{
    showIsolation({*m_isolationStatus, *m_isolationBanner, *m_isolationChoice}, m_projects, m_currentId);
}

void MainWindow::requestProject(const QString& projectId)
{
    if (projectId == m_currentId)
        return;
    // Edits of a project that was removed meanwhile go with it.
    if (!m_environment->isModified() || !m_projects.contains(m_environment->projectId())) {
        showProject(projectId);
        return;
    }
    // Back to the project whose edits are asked about, until the answer is in.
    QTimer::singleShot(0, this, [this] { selectProject(m_currentId); });
    m_environment->confirmLeave([this, projectId] {
        showProject(projectId);
        selectProject(projectId);
    });
}

void MainWindow::showProject(const QString& projectId)
{
    // Only the shown project's sandbox is kept awake (when its policy says so).
    m_projects.setShown(projectId);
    m_currentId = projectId;
    // Only the shown pull request is checked for new commits.
    m_pullRequests->setShown(projectId);
    m_pullRequestHeader->showProject(projectId);
    const ProjectSession* current = session(projectId);
    m_logStack->setCurrentWidget(current ? logFor(projectId) : m_noProjectLog);
    m_planEditor->setPlan(current ? current->plan() : std::nullopt);
    m_planEditor->setToolchain(current ? current->toolchain() : std::nullopt);
    m_planPage->showSource(current ? &current->project() : nullptr);
    m_environment->showProject(current ? projectId : QString());
    m_expectedVariables->showProject(current ? projectId : QString());
    m_actions->showLogActions(buildLog(m_currentId));
    m_workingCopyStatus->showState(current ? current->workingCopySync() : std::nullopt);
    refreshPreview();
    updateActions();
}

void MainWindow::refreshPreview()
{
    presentProject(*m_preview, m_projects, m_currentId);
}

void MainWindow::updateActions()
{
    const ProjectSession* current = session(m_currentId);
    WindowActions::Selection selection;
    selection.project = current ? &current->project() : nullptr;
    selection.active = current && current->isActive();
    selection.shuttingDown = m_projects.isShuttingDown();
    selection.planAvailable = m_planEditor->plan().has_value();
    selection.variablesExpected = m_expectedVariables->canAsk();
    selection.daytonaBlocked = daytonaBlockedReason();
    selection.newCommits = current && !current->isUpdating() && m_pullRequests->updateAvailable(m_currentId);
    selection.localFolder = current && isLocalFolder(current->project());
    m_actions->update(selection);
    if (m_compare) // null while the window is being built
        m_compare->setShownProject(m_currentId);
    refreshIsolation();
}

QString MainWindow::daytonaBlockedReason() const
{
    // Daytona clones over the network: a folder's branch runs here (its working copy goes up as files).
    if (const ProjectSession* current = session(m_currentId)) {
        if (isLocalFolder(current->project()) && current->project().source == ProjectSource::Branch)
            return tr("A folder's branch runs here: Daytona clones repositories over the network. Preview "
                      "the working copy to run it on Daytona.");
    }
    return m_context.backends()->daytonaUnavailableReason();
}

void MainWindow::openRepository()
{
    if (m_picker || m_pickerRequested)
        return;
    if (!m_context.accounts().account()) {
        showRepoPicker(SecretResult::notFound());
        return;
    }
    // The GitHub tab needs the token; the keychain answers asynchronously (within its timeout).
    m_pickerRequested = true;
    QCoro::connect(m_context.accounts().token(), this, [this](const SecretResult& token) {
        m_pickerRequested = false;
        showRepoPicker(token);
    });
}

void MainWindow::showRepoPicker(const SecretResult& token)
{
    if (m_projects.isShuttingDown())
        return;
    RepoPickerDialog picker(this);
    m_picker = &picker;
    picker.setDaytonaAvailability(m_context.backends()->daytonaUnavailableReason());
    GitHubSource* gitHub = nullptr;
    if (const auto& account = m_context.accounts().account()) {
        if (token.isFound()) {
            github::GitHubConfig config = account->config();
            config.clientId = m_context.accounts().settings().effectiveClientId();
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
    if (const ProjectSession* current = session(m_currentId))
        picker.startFrom(current->project());
    else if (gitHub)
        picker.showSource(gitHub);
    const bool accepted = picker.exec() == QDialog::Accepted;
    m_picker = nullptr;
    if (accepted)
        openProject(picker.project());
}

void MainWindow::openSettings()
{
    SettingsDialog dialog(m_account->secrets(), m_context.backends()->daytonaSettings(),
                          AccountController::plainTextFallbackSetting(),
                          m_account->plainTextFallbackDirectory(), &m_context.toolchains().cache(), this);
    m_settings = &dialog;
    const bool accepted = dialog.exec() == QDialog::Accepted;
    m_settings = nullptr;
    if (!accepted)
        return;
    m_context.backends()->setDaytonaApiKey(dialog.daytonaSettings().apiKey);
    m_context.accounts().setSettings(dialog.gitHubSettings());
    m_account->applyPlainTextFallback(dialog.plainTextFallback());
    m_context.applySettings();
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
            m_context.backends()->setDaytonaApiKey(result.secret());
        else if (!result.ok() && !DaytonaSettings::load().keySource().usable)
            statusBar()->showMessage(tr("The Daytona API key could not be read: %1").arg(result.message()),
                                     15000);
        updateActions();
    });
}

void MainWindow::removeCurrent()
{
    const QString id = m_currentId;
    const ProjectSession* current = session(id);
    if (!current)
        return;
    const QString name = m_projects.displayName(id);
    if (current->isActive()) {
        showError(tr("Remove Project"), tr("Stop %1 first (Ctrl+.), then remove it.").arg(name));
        return;
    }
    const auto answer = QMessageBox::question(
        this, tr("Remove Project"), tr("Remove %1 from the list? Its sandbox files stay on disk.").arg(name));
    if (answer == QMessageBox::Yes && !m_projects.remove(id))
        showError(tr("Remove Project"), tr("Stop %1 first (Ctrl+.), then remove it.").arg(name));
}

void MainWindow::savePlanAndRun()
{
    const ProjectSession* current = session(m_currentId);
    const std::optional<RunPlan> plan = m_planEditor->plan();
    if (!current || !plan)
        return;
    if (const QString problem = m_planEditor->problem(current->project().mode); !problem.isEmpty()) {
        showError(tr("Run Plan"), problem);
        return;
    }
    Project project = current->project();
    project.plan = plan;
    m_projects.update(project);
    m_planEditor->setModified(false);
    m_projectTabs->setCurrentIndex(0);
    m_projects.start(m_currentId);
}

void MainWindow::detectPlanAgain()
{
    const ProjectSession* current = session(m_currentId);
    if (!current)
        return;
    Project project = current->project();
    project.plan.reset();
    m_projects.update(project);
    statusBar()->showMessage(tr("The plan will be detected again on the next run."), 5000);
}

void MainWindow::shutdown()
{
    // The window is on its way out: nothing new may start from here on.
    const bool stopping = m_projects.anyActive();
    m_projects.shutdown();
    updateActions();
    if (stopping)
        statusBar()->showMessage(tr("Stopping previews…"));
}

void MainWindow::closeEvent(QCloseEvent* event)
{
    if (m_environment->isModified() && !m_projects.isShuttingDown()) {
        // Asked first, like any editor: closing goes on once the edits are saved or discarded.
        event->ignore();
        m_environment->confirmLeave([this] { close(); });
        return;
    }
    saveLayout();
    if (!m_projects.anyActive()) {
        event->accept();
        return;
    }
    // Dev servers must end before the window goes; close again once they have.
    event->ignore();
    if (!m_projects.isShuttingDown()) {
        connect(this, &MainWindow::shutdownFinished, this, &QWidget::close, Qt::QueuedConnection);
        shutdown();
    }
}

OpenLinkDialog* MainWindow::linkDialog() const
{
    return m_linkDialog;
}

ProjectSession* MainWindow::session(const QString& projectId) const
{
    return m_projects.session(projectId);
}

void MainWindow::showError(const QString& title, const QString& text)
{
    QMessageBox::warning(this, title, text);
}

} // namespace forge::ui
