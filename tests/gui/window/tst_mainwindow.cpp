// The main window end to end, on the real local back end: a fixture repository opened through the
// picker goes through the workflow's steps and its own page shows in the preview.

#include "../GuiTestHelpers.h"
#include "FixtureRepository.h"
#include "ProcessTree.h"
#include "app/AppContext.h"
#include "store/ProjectStore.h"
#include "ui/buildlog/BuildLogPanel.h"
#include "ui/common/Theme.h"
#include "ui/preview/PreviewPane.h"
#include "ui/window/CommandLineText.h"
#include "ui/window/LocalFolderSource.h"
#include "ui/window/MainWindow.h"
#include "ui/window/ProjectListDelegate.h"
#include "ui/window/RepoPickerDialog.h"
#include "ui/window/UrlSource.h"
#include "ui/window/WindowActions.h"
#include "workflow/ProjectSession.h"

#include <QAbstractButton>
#include <QAction>
#include <QApplication>
#include <QDialogButtonBox>
#include <QDir>
#include <QEventLoop>
#include <QImage>
#include <QLabel>
#include <QLineEdit>
#include <QListView>
#include <QProcess>
#include <QRadioButton>
#include <QScopeGuard>
#include <QSettings>
#include <QSignalSpy>
#include <QSplitter>
#include <QTabWidget>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <QWebEnginePage>
#include <QWebEngineView>
#include <csignal>

using namespace Qt::StringLiterals;
using namespace forge;

using forge::test::acceptButton;
using forge::test::evaluate;

namespace {

constexpr int RunTimeoutMs = 300'000; // a cold npm install of the fixture on a slow machine

bool isListening(const QUrl& url)
{
    QTcpSocket socket;
    socket.connectToHost(url.host(), quint16(url.port()));
    return socket.waitForConnected(2'000);
}

} // namespace

class TestMainWindow : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_root;
    QString m_fixture;

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_root.isValid());
        QApplication::setOrganizationName(u"forge-preview-test"_s);
        QApplication::setApplicationName(u"forge-preview"_s);
        QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, m_root.filePath(u"settings"_s));
        ui::Theme::install();
        m_fixture = m_root.filePath(u"express-app"_s);
        test::FixtureRepository repository(m_fixture);
        QVERIFY2(repository.initialize(QStringLiteral(FORGE_FIXTURES_DIR) + u"/projects/express-app"_s),
                 qPrintable(repository.errorString()));
        QDir().mkpath(QStringLiteral(FORGE_ARTIFACTS_DIR));
    }

    void emptyWindowInvitesToOpen()
    {
        AppContext context(m_root.filePath(u"data-empty"_s));
        ui::MainWindow window(context);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QVERIFY(window.currentProjectId().isEmpty());
        QCOMPARE(window.previewPane()->overlay(), ui::PreviewPane::Overlay::Placeholder);
        QVERIFY(window.actions()->openRepository()->isEnabled());
        QVERIFY(!window.previewPane()->backAction()->isEnabled());
        QVERIFY(!window.previewPane()->reloadAction()->isEnabled());
        QCOMPARE(window.actions()->openRepository()->shortcut(), QKeySequence(QKeySequence::Open));
        QVERIFY(window.grab().save(QStringLiteral(FORGE_ARTIFACTS_DIR) + u"/main-window-empty.png"_s));
    }

    void pickerValidatesAsYouType()
    {
        ui::RepoPickerDialog picker;
        picker.show();
        QAbstractButton* open = acceptButton(&picker);
        QVERIFY(open);
        auto* url = picker.findChild<QLineEdit*>(u"repositoryUrl"_s);
        QVERIFY(url);
        QVERIFY(!open->isEnabled()); // nothing entered yet

        QTest::keyClicks(url, u"ext::sh -c touch% /tmp/pwned"_s);
        QVERIFY(!open->isEnabled());
        QVERIFY(!picker.urlSource()->problem().isEmpty());

        url->clear();
        QTest::keyClicks(url, u"https://user:secret@github.com/octo/app"_s);
        QVERIFY(!open->isEnabled());

        url->clear();
        QTest::keyClicks(url, u"https://github.com/octo/app"_s);
        QVERIFY2(open->isEnabled(), qPrintable(picker.urlSource()->problem()));

        // A folder that is not a repository, then the fixture, whose plan is detected at once.
        picker.showSource(picker.localFolderSource());
        auto* folder = picker.findChild<QLineEdit*>(u"repositoryFolder"_s);
        QVERIFY(folder);
        QTest::keyClicks(folder, m_root.filePath(u"settings"_s));
        QVERIFY(!open->isEnabled());
        folder->clear();
        QTest::keyClicks(folder, m_fixture);
        QVERIFY2(open->isEnabled(), qPrintable(picker.localFolderSource()->problem()));
        QVERIFY(picker.localFolderSource()->detectedPlan());
        QCOMPARE(toString(picker.localFolderSource()->detectedPlan()->framework), u"node-server"_s);

        QVERIFY(picker.grab().save(QStringLiteral(FORGE_ARTIFACTS_DIR) + u"/repo-picker.png"_s));
        picker.setMode(RunMode::Production);
        const Project project = picker.project();
        QCOMPARE(toString(project.mode), u"production"_s);
        QCOMPARE(project.repository, QDir(m_fixture).absolutePath());
        QVERIFY(!project.plan); // not edited: detected afresh on every run
    }

    void commandLinesRoundTrip()
    {
        const QStringList argv{u"node"_s, u"-e"_s,     u"console.log(\"a b\")"_s,
                               u""_s,     u"--port"_s, u"${PORT}"_s};
        QCOMPARE(ui::splitCommand(ui::joinCommand(argv)), argv);
        QCOMPARE(ui::splitCommand(u"  npm   run \"dev server\"  "_s),
                 (QStringList{u"npm"_s, u"run"_s, u"dev server"_s}));
        QCOMPARE(ui::splitCommand(u"echo \"say \"\"\"hi\"\"\"\""_s),
                 (QStringList{u"echo"_s, u"say \"hi\""_s}));
    }

    void openThroughPickerShowsTheLivePreview()
    {
        AppContext context(m_root.filePath(u"data"_s));
        ui::MainWindow window(context);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));

        QList<StepId> started;
        ProjectSession* session = nullptr;
        connect(&window, &ui::MainWindow::sessionCreated, this, [&](ProjectSession* created) {
            session = created;
            connect(created, &ProjectSession::stepStarted, this,
                    [&started](StepId step) { started.append(step); });
        });

        bool pickerDriven = false;
        QTimer::singleShot(0, this, [&] {
            ui::RepoPickerDialog* picker = window.repoPicker();
            if (!picker)
                return;
            picker->showSource(picker->localFolderSource());
            QTest::keyClicks(picker->findChild<QLineEdit*>(u"repositoryFolder"_s), m_fixture);
            QAbstractButton* open = acceptButton(picker);
            if (!open || !open->isEnabled()) {
                picker->reject();
                return;
            }
            QTest::mouseClick(open, Qt::LeftButton);
            pickerDriven = true;
        });
        window.actions()->openRepository()->trigger(); // the picker's exec() returns once Open is clicked
        QVERIFY2(pickerDriven, "the picker did not accept the fixture folder");
        QVERIFY(session);

        // Whatever happens below, the run is stopped before the window goes.
        // (A plain event loop: QTest's own waits return at once once a check has failed.)
        auto stopRun = qScopeGuard([&window] {
            QEventLoop loop;
            connect(&window, &ui::MainWindow::shutdownFinished, &loop, &QEventLoop::quit,
                    Qt::QueuedConnection);
            QTimer::singleShot(30'000, &loop, &QEventLoop::quit);
            window.shutdown();
            loop.exec();
        });
        const QString id = session->project().id;
        QCOMPARE(window.currentProjectId(), id);
        QSignalSpy painted(&window, &ui::MainWindow::previewPainted);
        QTRY_VERIFY2_WITH_TIMEOUT(session->status() == ProjectStatus::Live ||
                                      session->status() == ProjectStatus::Failed,
                                  qPrintable(window.buildLog(id)->plainText()), RunTimeoutMs);
        QVERIFY2(session->status() == ProjectStatus::Live,
                 qPrintable(session->failure()
                                ? session->failure()->message() + u'\n' + window.buildLog(id)->plainText()
                                : window.buildLog(id)->plainText()));

        // The steps ran in the workflow's order (build is skipped in dev mode).
        const QList<StepId> expected(AllSteps.begin(), AllSteps.end());
        QStringList startedNames;
        for (StepId step : started)
            startedNames << stepName(step);
        QStringList expectedNames;
        for (StepId step : expected)
            expectedNames << stepName(step);
        QCOMPARE(startedNames, expectedNames);
        for (StepId step : expected) {
            QCOMPARE(toString(window.buildLog(id)->stepStatus(step)),
                     step == StepId::BuildProject ? u"skipped"_s : u"succeeded"_s);
        }
        QVERIFY(window.buildLog(id)->plainText(StepId::InstallDependencies).contains(u"npm ci"_s));

        // The preview shows the fixture's own page, read from the page itself.
        QVERIFY(painted.wait(60'000) || !painted.isEmpty());
        QCOMPARE(painted.first().first().toString(), id);
        QWebEnginePage* page = window.previewPane()->page();
        QTRY_VERIFY_WITH_TIMEOUT(evaluate(page, u"document.body ? document.body.innerText : ''"_s)
                                     .toString()
                                     .contains(u"Forge fixture: Express app"_s),
                                 20'000);
        QCOMPARE(window.previewPane()->origin().port(), session->previewUrl().port());

        // The project list shows it live.
        auto* list = window.findChild<QListView*>(u"projectList"_s);
        QVERIFY(list);
        QCOMPARE(list->model()->rowCount(), 1);
        QCOMPARE(list->model()->index(0, 0).data(ProjectStatusRole).toInt(), int(ProjectStatus::Live));

        // The page's console reaches this project's build log.
        evaluate(page, u"console.error('forge-console-check'); true"_s);
        QTRY_VERIFY_WITH_TIMEOUT(window.buildLog(id)->plainText().contains(u"forge-console-check"_s), 10'000);

        // Window-wide shortcuts: Ctrl+L puts the focus in the path bar from anywhere; F5 reloads.
        // (Xvfb has no window manager to hand activation back after the picker closed.)
        window.activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(&window));
        window.findChild<QListView*>(u"projectList"_s)->setFocus();
        QTest::keyClick(&window, Qt::Key_L, Qt::ControlModifier);
        QTRY_VERIFY(window.previewPane()->pathBar()->hasFocus());
        QTest::keyClick(&window, Qt::Key_1, Qt::ControlModifier | Qt::AltModifier);
        QCOMPARE(window.previewPane()->device(), ui::PreviewPane::Device::Phone);
        QTRY_COMPARE(evaluate(page, u"window.innerWidth"_s).toInt(), 390);
        QTest::keyClick(&window, Qt::Key_0, Qt::ControlModifier | Qt::AltModifier);
        QCOMPARE(window.previewPane()->device(), ui::PreviewPane::Device::Responsive);
        evaluate(page, u"window.forgeMarker = 42; true"_s);
        QSignalSpy loaded(page, &QWebEnginePage::loadFinished);
        QTest::keyClick(&window, Qt::Key_F5);
        QVERIFY(loaded.wait(20'000));
        QVERIFY(evaluate(page, u"typeof window.forgeMarker"_s).toString() == u"undefined"_s);

        const QString shot = QStringLiteral(FORGE_ARTIFACTS_DIR) + u"/main-window.png"_s;
        QVERIFY(window.grab().save(shot));
        qInfo("Screenshot of the main window with a live preview: %s", qPrintable(shot));

        // The Run Plan tab shows the detected plan, ready to edit.
        QTest::keyClick(&window, Qt::Key_2, Qt::ControlModifier);
        auto* tabs = window.findChild<QTabWidget*>();
        QVERIFY(tabs);
        QCOMPARE(tabs->currentIndex(), 1);
        QVERIFY(window.grab().save(QStringLiteral(FORGE_ARTIFACTS_DIR) + u"/main-window-plan.png"_s));

        // Edit the dev command, keep the plan, and run again: the new command runs, and the plan is
        // stored with the project.
        auto* devCommand = window.findChild<QLineEdit*>(u"planDevCommand"_s);
        QVERIFY(devCommand);
        devCommand->selectAll();
        QTest::keyClicks(devCommand, u"node server.js"_s);
        QSignalSpy relive(session, &ProjectSession::previewReady);
        QTest::keyClick(&window, Qt::Key_Return, Qt::ControlModifier | Qt::ShiftModifier);
        QCOMPARE(tabs->currentIndex(), 0); // back to the log to watch the run
        QVERIFY2(relive.wait(RunTimeoutMs), qPrintable(window.buildLog(id)->plainText()));
        QVERIFY(window.buildLog(id)->plainText(StepId::StartDevServer).contains(u"$ node server.js"_s));
        QVERIFY(session->project().plan);
        QCOMPARE(session->project().plan->devCommand, (QStringList{u"node"_s, u"server.js"_s}));
        ProjectStore stored(m_root.filePath(u"data/forge-preview.db"_s)); // as the next start reads it
        const StoreResult<> reread = stored.load();
        QVERIFY2(reread.ok(), qPrintable(reread.message()));
        QVERIFY(stored.find(id) && stored.find(id)->plan);
        QCOMPARE(stored.find(id)->plan->devCommand, (QStringList{u"node"_s, u"server.js"_s}));
        // The rerun's preview is shown, not left under the Building overlay of the run before.
        QTRY_COMPARE(window.previewPane()->overlay(), ui::PreviewPane::Overlay::None);
        page = window.previewPane()->page(); // the pane may have made a new page for the new run
        QVERIFY(page);
        QTRY_VERIFY_WITH_TIMEOUT(evaluate(page, u"document.body ? document.body.innerText : ''"_s)
                                     .toString()
                                     .contains(u"Forge fixture: Express app"_s),
                                 20'000);

        // Shutting down stops the dev server; nothing answers on its port afterwards.
        const QUrl url = session->previewUrl();
        QVERIFY(isListening(url));
        QSignalSpy finished(&window, &ui::MainWindow::shutdownFinished);
        window.shutdown();
        QVERIFY(finished.wait(30'000));
        QCOMPARE(toString(session->status()), u"stopped"_s);
        QTRY_VERIFY_WITH_TIMEOUT(!isListening(url), 10'000);
    }

    void failedInstallShowsTheCauseAndAdvice()
    {
        const QString broken = m_root.filePath(u"broken-install"_s);
        test::FixtureRepository repository(broken);
        QVERIFY2(repository.initializeWithFiles(
                     {{u"package.json"_s,
                       "{\"name\":\"broken\",\"version\":\"1.0.0\",\"scripts\":{\"dev\":\"node server.js\"},"
                       "\"dependencies\":{\"forge-preview-no-such-package-4b1d\":\"1.0.0\"}}"},
                      {u"server.js"_s, "require('http').createServer().listen(process.env.PORT);\n"}}),
                 qPrintable(repository.errorString()));
        AppContext context(m_root.filePath(u"data-broken"_s));
        ui::MainWindow window(context);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        Project project;
        project.repository = broken;
        project.id = u"6f9619ff-8b86-4011-b42d-00c04fc964ff"_s;
        window.openProject(project);
        ProjectSession* session = window.session(project.id);
        QVERIFY(session);
        QTRY_VERIFY_WITH_TIMEOUT(session->status() == ProjectStatus::Failed ||
                                     session->status() == ProjectStatus::Live,
                                 RunTimeoutMs);
        QCOMPARE(toString(session->status()), u"failed"_s);
        QCOMPARE(stepName(session->failure()->step()), u"install-dependencies"_s);
        ui::BuildLogPanel* log = window.buildLog(project.id);
        QCOMPARE(toString(log->stepStatus(StepId::InstallDependencies)), u"failed"_s);
        QCOMPARE(stepName(log->selectedStep().value_or(StepId::CreateSandbox)), u"install-dependencies"_s);
        // The npm error naming the missing package is in the step's output and in the failure.
        QVERIFY(
            log->plainText(StepId::InstallDependencies).contains(u"forge-preview-no-such-package-4b1d"_s));
        QVERIFY(!session->failure()->advice().isEmpty());
        // No preview: the pane says why instead of showing a blank page.
        QCOMPARE(window.previewPane()->overlay(), ui::PreviewPane::Overlay::Unavailable);
        QVERIFY(window.previewPane()->overlayMessage().contains(session->failure()->message()));
        QVERIFY(window.grab().save(QStringLiteral(FORGE_ARTIFACTS_DIR) + u"/main-window-failed.png"_s));
    }

    void projectsAndLayoutAreRemembered()
    {
        QList<int> sizes;
        {
            AppContext context(m_root.filePath(u"data"_s));
            ui::MainWindow window(context);
            window.show();
            QVERIFY(QTest::qWaitForWindowExposed(&window));
            // The project opened by an earlier test is back. It was live when that window closed, so
            // its preview comes back too (only its dev server starts again).
            auto* list = window.findChild<QListView*>(u"projectList"_s);
            QCOMPARE(list->model()->rowCount(), 1);
            ProjectSession* back = window.session(window.currentProjectId());
            QVERIFY(back);
            QTRY_VERIFY_WITH_TIMEOUT(
                back->status() == ProjectStatus::Live || back->status() == ProjectStatus::Failed, 120'000);
            QCOMPARE(list->model()->index(0, 0).data(ProjectStatusRole).toInt(), int(ProjectStatus::Live));
            auto* splitter = window.findChild<QSplitter*>(u"mainSplitter"_s);
            splitter->setSizes({400, window.width() - 400});
            sizes = splitter->sizes();
            test::shutDown(window);
            QVERIFY(window.close());
        }
        AppContext reopenedContext(m_root.filePath(u"data"_s));
        ui::MainWindow reopened(reopenedContext);
        reopened.show();
        QVERIFY(QTest::qWaitForWindowExposed(&reopened));
        QCOMPARE(reopened.findChild<QSplitter*>(u"mainSplitter"_s)->sizes(), sizes);
        test::shutDown(reopened);
        reopened.close();
    }

    void screenshotFromTheCommandLine()
    {
        const QString shot = QStringLiteral(FORGE_ARTIFACTS_DIR) + u"/main-window-cli.png"_s;
        QFile::remove(shot);
        QProcess app;
        QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
        environment.insert(u"FORGE_PREVIEW_DATA_DIR"_s, m_root.filePath(u"cli-data"_s));
        environment.insert(u"XDG_CONFIG_HOME"_s, m_root.filePath(u"cli-config"_s));
        environment.insert(u"FORGE_PREVIEW_THEME"_s, u"dark"_s); // and so the dark palette gets a picture
        app.setProcessEnvironment(environment);
        app.setProcessChannelMode(QProcess::MergedChannels);
        app.start(QStringLiteral(FORGE_GUI_PATH),
                  {u"--open"_s, m_fixture, u"--screenshot"_s, shot, u"--quit-when-ready"_s});
        QVERIFY(app.waitForStarted());
        QVERIFY2(app.waitForFinished(RunTimeoutMs), app.readAll().constData());
        const QByteArray output = app.readAll();
        QCOMPARE(app.exitStatus(), QProcess::NormalExit);
        QVERIFY2(app.exitCode() == 0, output.constData());
        QImage image(shot);
        QVERIFY2(!image.isNull(), "the screenshot was not written");
        QVERIFY(image.width() >= 800 && image.height() >= 500);
        qInfo("Screenshot written by forge-preview --screenshot: %s", qPrintable(shot));

        // SIGTERM (a log-out, `kill`) closes the app like the window's close button: the dev
        // server and everything else it started are stopped, and it exits 0.
        QProcess running;
        environment.insert(u"FORGE_PREVIEW_DATA_DIR"_s, m_root.filePath(u"term-data"_s));
        running.setProcessEnvironment(environment);
        running.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        running.start(QStringLiteral(FORGE_GUI_PATH), {u"--open"_s, m_fixture});
        QVERIFY(running.waitForStarted());
        // Live once the dev server (a node process somewhere below the app) listens: wait for node.
        QSet<test::ProcessId> sandboxProcesses;
        QTRY_VERIFY_WITH_TIMEOUT(
            [&] {
                sandboxProcesses = test::descendantsOf(running.processId());
                for (const test::ProcessId& process : std::as_const(sandboxProcesses)) {
                    QFile cmdline(u"/proc/%1/cmdline"_s.arg(process.pid));
                    if (cmdline.open(QIODevice::ReadOnly) && cmdline.readAll().contains("server.js"))
                        return true;
                }
                return false;
            }(),
            RunTimeoutMs);
        ::kill(pid_t(running.processId()), SIGTERM);
        QVERIFY(running.waitForFinished(60'000));
        QCOMPARE(running.exitStatus(), QProcess::NormalExit);
        QCOMPARE(running.exitCode(), 0);
        for (const test::ProcessId& process : std::as_const(sandboxProcesses))
            QTRY_VERIFY2_WITH_TIMEOUT(!test::isAlive(process), qPrintable(QString::number(process.pid)),
                                      10'000);

        // Bad input on the command line: a clear message and exit code 2, no window left behind.
        QProcess refused;
        refused.setProcessEnvironment(environment);
        refused.start(QStringLiteral(FORGE_GUI_PATH), {u"--open"_s, u"ext::sh -c id"_s});
        QVERIFY(refused.waitForFinished(30'000));
        QCOMPARE(refused.exitCode(), 2);
        QVERIFY(refused.readAllStandardError().contains("cannot open"));
    }
};

QTEST_MAIN(TestMainWindow)
#include "tst_mainwindow.moc"
