// A local folder's Source (issue 22): the Open Repository dialog's local folder tab chooses the
// working copy (the default) or a branch by keyboard, and the project carries the choice; Project >
// Preview Working Copy switches a folder's project between the two as the same project, keeping its
// plan and environment, from its next run, and the status bar, the project list and the Run Plan tab
// say which. A live working copy shows its sync in the status bar and the build log's Sync row, and a
// save reloads a static site's page. The local folder tab and the Sync row are photographed light and
// dark.

#include "../GuiTestHelpers.h"
#include "FixtureRepository.h"
#include "app/AppContext.h"
#include "app/ProjectListModel.h"
#include "app/ProjectRegistry.h"
#include "core/RepoRef.h"
#include "ui/buildlog/BuildLogPanel.h"
#include "ui/buildlog/StepTimeline.h"
#include "ui/common/Theme.h"
#include "ui/preview/PreviewPane.h"
#include "ui/window/LocalFolderSource.h"
#include "ui/window/MainWindow.h"
#include "ui/window/RepoPickerDialog.h"
#include "ui/window/RunPlanPage.h"
#include "ui/window/UrlSource.h"
#include "ui/window/WindowActions.h"
#include "ui/window/WorkingCopyStatusLabel.h"
#include "workflow/ProjectSession.h"

#include <QAction>
#include <QApplication>
#include <QFile>
#include <QLineEdit>
#include <QListView>
#include <QMenu>
#include <QMenuBar>
#include <QRadioButton>
#include <QStatusBar>
#include <QTemporaryDir>
#include <QTest>
#include <QWebEnginePage>

using namespace Qt::StringLiterals;
using namespace forge;

namespace {

constexpr int RunTimeoutMs = 120'000; // a static site: no install

bool writeFile(const QString& path, const QByteArray& content)
{
    QFile file(path);
    return file.open(QIODevice::WriteOnly | QIODevice::Truncate) && file.write(content) == content.size();
}

QString pageText(ui::MainWindow& window)
{
    QWebEnginePage* page = window.previewPane()->page();
    return page ? test::evaluate(page, u"document.body ? document.body.innerText : ''"_s).toString()
                : QString();
}

} // namespace

class TestProjectSource : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_root;
    QString m_folder;

    Project folderProject() const
    {
        return newProject(std::get<RepoRef>(RepoRef::parse(m_folder, QDir::homePath())), {}, RunMode::Dev);
    }

    // The picker on its local folder tab with the fixture folder typed in, shown and active.
    static void fillLocalFolder(ui::RepoPickerDialog& picker, const QString& folder)
    {
        test::showActiveWindow(picker, picker.sizeHint());
        picker.showSource(picker.localFolderSource());
        auto* field = picker.findChild<QLineEdit*>(u"repositoryFolder"_s);
        QVERIFY(field);
        field->setFocus();
        QTest::keyClicks(field, folder);
        QVERIFY2(picker.localFolderSource()->problem().isEmpty(),
                 qPrintable(picker.localFolderSource()->problem()));
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_root.isValid());
        test::useTestSettings(u"forge-preview-source"_s, m_root.filePath(u"settings"_s));
        ui::Theme::install();
        QDir().mkpath(QStringLiteral(FORGE_ARTIFACTS_DIR));
        m_folder = m_root.filePath(u"static-site"_s);
        test::FixtureRepository repository(m_folder);
        QVERIFY2(
            repository.initializeWithFiles(
                {{u"index.html"_s, "<!doctype html><title>Source fixture</title><h1>Working copy</h1>\n"}}),
            qPrintable(repository.errorString()));
    }

    void pickerChoosesTheSourceByKeyboard()
    {
        ui::RepoPickerDialog picker;
        fillLocalFolder(picker, m_folder);
        if (QTest::currentTestFailed())
            return;
        auto* workingCopy = picker.findChild<QRadioButton*>(u"workingCopySource"_s);
        auto* branchSource = picker.findChild<QRadioButton*>(u"branchSource"_s);
        auto* branch = picker.findChild<QLineEdit*>(u"folderBranch"_s);
        QVERIFY(workingCopy && branchSource && branch);
        QCOMPARE(workingCopy->text(), u"&Working copy (files as they are now, kept in sync)"_s);
        QCOMPARE(branchSource->text(), u"Bra&nch:"_s);

        // The working copy by default; the branch field matters only for Branch.
        QVERIFY(workingCopy->isChecked());
        QVERIFY(!branch->isEnabled());
        Project project = picker.project();
        QVERIFY(project.source == ProjectSource::WorkingCopy);
        QVERIFY(project.branch.isEmpty());
        QCOMPARE(project.id, folderProject().id);

        // Alt+N: Branch, then Tab to its name.
        QTest::keyClick(&picker, Qt::Key_N, Qt::AltModifier);
        QTRY_VERIFY(branchSource->isChecked()); // a mnemonic clicks the button a moment later
        QVERIFY(branch->isEnabled());
        QTest::keyClick(QApplication::focusWidget(), Qt::Key_Tab);
        QCOMPARE(QApplication::focusWidget(), branch);
        QTest::keyClicks(branch, u"main"_s);
        project = picker.project();
        QVERIFY(project.source == ProjectSource::Branch);
        QCOMPARE(project.branch, u"main"_s);

        // Alt+W: the working copy again; the branch name waits, unused, for Branch.
        QTest::keyClick(&picker, Qt::Key_W, Qt::AltModifier);
        QTRY_VERIFY(workingCopy->isChecked());
        QVERIFY(!branch->isEnabled());
        QCOMPARE(branch->text(), u"main"_s);
        project = picker.project();
        QVERIFY(project.source == ProjectSource::WorkingCopy);
        QVERIFY(project.branch.isEmpty());

        // The arrow keys move between the two, as in any group of radio buttons.
        workingCopy->setFocus();
        QTest::keyClick(workingCopy, Qt::Key_Down);
        QVERIFY(branchSource->isChecked());

        // A URL's project is on its branch: only a folder has a working copy.
        picker.showSource(picker.urlSource());
        picker.urlSource()->setRepository(u"https://github.com/octo/app"_s);
        QVERIFY(picker.project().source == ProjectSource::Branch);
        ui::RepoPickerDialog fromBranch;
        Project onBranch = folderProject();
        onBranch.source = ProjectSource::Branch;
        fromBranch.startFrom(onBranch);
        QVERIFY(fromBranch.findChild<QRadioButton*>(u"branchSource"_s)->isChecked());
        QVERIFY(fromBranch.localFolderSource()->source() == ProjectSource::Branch);
    }

    // Project > Preview Working Copy: the same project on its branch and back, plan and environment
    // kept, said in the status bar, the list and the Run Plan tab, and stored.
    void menuSwitchKeepsPlanAndEnvironment()
    {
        const QString data = m_root.filePath(u"data-switch"_s);
        Project project = folderProject();
        RunPlan plan;
        plan.framework = Framework::StaticHtml;
        plan.devCommand = {u"node"_s, u"serve.js"_s};
        plan.expectedPort = 4321;
        project.plan = plan;
        ProjectEnvironment environment;
        environment.set({u"GREETING"_s, u"hello"_s, false, EnvironmentStep::Run});
        project.environment = environment;
        const Project remote = newProject(
            std::get<RepoRef>(RepoRef::parse(u"https://github.com/octo/hello"_s, QDir::homePath())), {},
            RunMode::Dev);
        test::storeProjects(data, {project, remote});

        AppContext context(data);
        ui::MainWindow window(context);
        test::showWindow(window);
        QCOMPARE(window.currentProjectId(), project.id);
        QAction* action = window.actions()->previewWorkingCopy();
        QVERIFY(test::projectMenuActions(window).contains(action));
        QVERIFY(window.findChild<QListView*>(u"projectList"_s)->actions().contains(action));
        QCOMPARE(action->text(), u"Pre&view Working Copy"_s);
        QVERIFY(action->isCheckable());
        QVERIFY(action->isEnabled());
        QVERIFY(action->isChecked());
        QCOMPARE(test::projectListItem(window, project.id).data(ProjectDetailRole).toString(),
                 u"working copy · local"_s);
        QVERIFY2(window.runPlanPage()->sourceText().startsWith(u"Source: working copy"_s),
                 qPrintable(window.runPlanPage()->sourceText()));

        action->trigger(); // off: the branch
        QVERIFY(!action->isChecked());
        const Project& switched = window.session(project.id)->project();
        QVERIFY(switched.source == ProjectSource::Branch);
        QVERIFY(switched.plan && *switched.plan == plan);
        QCOMPARE(switched.environment.names(), QStringList{u"GREETING"_s});
        QCOMPARE(window.statusBar()->currentMessage(),
                 u"static-site will preview its current branch (Ctrl+Enter to run it now)."_s);
        QCOMPARE(test::projectListItem(window, project.id).data(ProjectDetailRole).toString(),
                 u"default branch · local"_s);
        QCOMPARE(window.runPlanPage()->sourceText(), u"Source: default branch"_s);
        const std::optional<Project> stored = test::storedProject(data, project.id);
        QVERIFY(stored);
        QVERIFY(stored->source == ProjectSource::Branch);
        QVERIFY(stored->plan && *stored->plan == plan);
        QCOMPARE(stored->environment.names(), QStringList{u"GREETING"_s});

        action->trigger(); // on again: the working copy
        QVERIFY(action->isChecked());
        QVERIFY(window.session(project.id)->project().source == ProjectSource::WorkingCopy);
        QCOMPARE(window.statusBar()->currentMessage(),
                 u"static-site will preview its working copy (Ctrl+Enter to run it now)."_s);
        QCOMPARE(test::projectListItem(window, project.id).data(ProjectDetailRole).toString(),
                 u"working copy · local"_s);
        QCOMPARE(context.projects()->ids().size(), 2); // one project, switched; not a second one

        // A repository on a git host has no working copy here.
        window.findChild<QListView*>(u"projectList"_s)
            ->setCurrentIndex(test::projectListItem(window, remote.id));
        QCOMPARE(window.currentProjectId(), remote.id);
        QVERIFY(!action->isEnabled());
        QVERIFY(!action->isChecked());
        QCOMPARE(window.runPlanPage()->sourceText(), u"Source: default branch"_s);
        test::shutDown(window);
    }

    // A live working copy: "Working copy: synced" in the status bar, a Sync row that lists each save,
    // and the static site's page loaded again after a save (its server has no hot reload).
    void liveWorkingCopyShowsItsSync_data() { screenshots_data(); }

    void liveWorkingCopyShowsItsSync()
    {
        QFETCH(QByteArray, scheme);
        const auto lightAgain = test::useColourScheme(scheme);
        const QString folder = m_root.filePath(u"live-site-"_s + QString::fromLatin1(scheme));
        test::FixtureRepository repository(folder);
        QVERIFY2(
            repository.initializeWithFiles({{u"index.html"_s, "<!doctype html><h1>Before the save</h1>\n"}}),
            qPrintable(repository.errorString()));
        const Project project =
            newProject(std::get<RepoRef>(RepoRef::parse(folder, QDir::homePath())), {}, RunMode::Dev);
        QVERIFY(project.source == ProjectSource::WorkingCopy);
        const QString data = m_root.filePath(u"data-live-"_s + QString::fromLatin1(scheme));
        test::storeProjects(data, {project});

        AppContext context(data);
        ui::MainWindow window(context);
        test::showWindow(window);
        ui::WorkingCopyStatusLabel* status = window.workingCopyStatus();
        QVERIFY(!status->isVisible()); // nothing synced before the run
        window.actions()->run()->trigger();
        ProjectSession* session = window.session(project.id);
        QVERIFY(session);
        const QString notLive = test::waitUntilLive(*session, RunTimeoutMs);
        QVERIFY2(notLive.isEmpty(), qPrintable(notLive));
        QTRY_COMPARE(status->text(), u"Working copy: synced"_s);
        QVERIFY(status->isVisible());
        QVERIFY2(status->toolTip().contains(u"Sync row"_s), qPrintable(status->toolTip()));

        ui::BuildLogPanel* log = window.buildLog(project.id);
        auto* timeline = log->findChild<ui::StepTimeline*>();
        QVERIFY(timeline);
        QVERIFY(!timeline->item({ui::LogRow::Sync})->isHidden());
        QVERIFY2(log->plainText().contains(u"sync: "_s) &&
                     log->plainText().contains(u"Watching the working copy"_s),
                 qPrintable(log->plainText()));
        QTRY_VERIFY_WITH_TIMEOUT(pageText(window).contains(u"Before the save"_s), 20'000);

        QVERIFY(writeFile(folder + u"/index.html"_s, "<!doctype html><h1>After the save</h1>\n"));
        QVERIFY(writeFile(folder + u"/about.html"_s, "<p>new page</p>\n"));
        QTRY_VERIFY_WITH_TIMEOUT(pageText(window).contains(u"After the save"_s), 30'000);
        QTRY_VERIFY(log->plainText().contains(u"+ index.html"_s));
        QVERIFY2(log->plainText().contains(u"+ about.html"_s), qPrintable(log->plainText()));
        QCOMPARE(status->text(), u"Working copy: synced"_s);

        timeline->setCurrentItem(timeline->item({ui::LogRow::Sync}));
        QCOMPARE(log->selectedStep(), std::nullopt);
        const QString suffix = scheme == "dark" ? u"-dark"_s : QString();
        QVERIFY(test::saveShot(&window, u"working-copy-sync"_s + suffix + u".png"_s));
        test::shutDown(window);
        QVERIFY(!status->isVisible());
    }

    void screenshots_data() { test::addColourSchemeRows(); }

    void screenshots()
    {
        QFETCH(QByteArray, scheme);
        const auto lightAgain = test::useColourScheme(scheme);
        ui::RepoPickerDialog picker;
        fillLocalFolder(picker, m_folder);
        if (QTest::currentTestFailed())
            return;
        const QString suffix = scheme == "dark" ? u"-dark"_s : QString();
        QVERIFY(test::saveShot(&picker, u"project-source-picker"_s + suffix + u".png"_s));
    }
};

QTEST_MAIN(TestProjectSource)
#include "tst_projectsource.moc"
