// The application core without a window: AppContext's storage, the ProjectRegistry (sessions,
// stored choices, resume policy, removal, shutdown) and the ProjectListModel the window's list shows.

#include "app/AppContext.h"
#include "app/ProjectListModel.h"
#include "app/ProjectRegistry.h"
#include "core/RepoRef.h"
#include "store/ProjectStore.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;

namespace forge {

namespace {

Project projectFor(const QString& url, const QString& branch = {})
{
    return newProject(std::get<RepoRef>(RepoRef::parse(url, QDir::tempPath())), branch, RunMode::Dev);
}

} // namespace

class TestProjectRegistry : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setApplicationName(u"forge-preview-test-registry"_s);
        QVERIFY(m_root.isValid());
    }

    void resumePolicyFollowsTheLastStatusAndTheRun()
    {
        QVERIFY(ProjectRegistry::resumeFor(ProjectStatus::Live, false) == Resume::DevServer);
        QVERIFY(ProjectRegistry::resumeFor(ProjectStatus::Live, true) == Resume::Run);
        QVERIFY(ProjectRegistry::resumeFor(ProjectStatus::Failed, true) == Resume::Run);
        QVERIFY(ProjectRegistry::resumeFor(ProjectStatus::Failed, false) == Resume::Nothing);
        QVERIFY(ProjectRegistry::resumeFor(ProjectStatus::Stopped, false) == Resume::Nothing);
        QVERIFY(ProjectRegistry::resumeFor(std::nullopt, false) == Resume::Nothing);
    }

    void adoptedProjectsAreListedAndStored()
    {
        const QString data = m_root.filePath(u"adopt"_s);
        const Project project = projectFor(u"https://github.com/octo/hello"_s, u"main"_s);
        {
            AppContext context(data);
            QVERIFY2(context.problems().isEmpty(), qPrintable(context.problems().join(u'\n')));
            ProjectRegistry& registry = *context.projects();
            ProjectListModel model(registry);
            QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
            QSignalSpy created(&registry, &ProjectRegistry::sessionCreated);

            registry.adopt(project);
            QCOMPARE(created.count(), 1);
            QCOMPARE(model.rowCount(), 1);
            const QModelIndex row = model.index(0);
            QCOMPARE(row.data(ProjectIdRole).toString(), project.id);
            QCOMPARE(row.data(Qt::DisplayRole).toString(), u"octo/hello"_s);
            QCOMPARE(row.data(Qt::ToolTipRole).toString(), project.repository);
            QCOMPARE(row.data(ProjectStatusRole).toInt(), int(ProjectStatus::Stopped));
            QCOMPARE(row.data(ProjectDetailRole).toString(), u"main · local"_s);
            QCOMPARE(model.indexOf(project.id), row);
            QCOMPARE(model.idAt(row), project.id);

            // Opened again with other choices: the same row, with them.
            Project again = project;
            again.mode = RunMode::Production;
            again.backend = Backend::Daytona;
            QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
            registry.adopt(again);
            QCOMPARE(model.rowCount(), 1);
            QVERIFY(!changed.isEmpty());
            QCOMPARE(row.data(ProjectDetailRole).toString(), u"main · Daytona · production"_s);
            QVERIFY(registry.session(project.id)->project().backend == Backend::Daytona);
        }
        AppContext reopened(data);
        const Project* stored = reopened.projectStore().find(project.id);
        QVERIFY(stored);
        QVERIFY(stored->backend == Backend::Daytona);
        QVERIFY(stored->mode == RunMode::Production);
    }

    // Issue 21: a pull request's project says which one it previews, in its name and its detail line.
    void aPullRequestProjectSaysWhichItIs()
    {
        AppContext context(m_root.filePath(u"pull"_s));
        ProjectRegistry& registry = *context.projects();
        ProjectListModel model(registry);
        const Project project = projectFor(u"https://github.com/octo/hello/pull/42"_s, QString());
        QCOMPARE(project.repository, u"https://github.com/octo/hello/pull/42"_s);
        QVERIFY(project.id != projectFor(u"https://github.com/octo/hello"_s, QString()).id);
        registry.adopt(project);
        const QModelIndex row = model.index(0);
        QCOMPARE(row.data(Qt::DisplayRole).toString(), u"octo/hello #42"_s);
        QCOMPARE(row.data(ProjectDetailRole).toString(), u"pull request #42 · local"_s);
    }

    // Issue 22: a folder's project starts on its working copy, says so in its detail line, and
    // switches to its branch (and back) as the same project, keeping its plan and environment.
    void aFolderProjectSwitchesBetweenWorkingCopyAndBranch()
    {
        QTemporaryDir folder;
        QVERIFY(QDir(folder.path()).mkdir(u".git"_s));
        const QString data = m_root.filePath(u"source"_s);
        Project project = projectFor(folder.path());
        QVERIFY(project.source == ProjectSource::WorkingCopy);
        QVERIFY(projectFor(u"https://github.com/octo/hello"_s).source == ProjectSource::Branch);
        QCOMPARE(project.id, projectFor(folder.path()).id);
        RunPlan plan;
        plan.devCommand = {u"npm"_s, u"run"_s, u"dev"_s};
        project.plan = plan;
        project.environment.set({u"API_URL"_s, u"http://localhost:4000"_s, false, EnvironmentStep::Run});
        {
            AppContext context(data);
            ProjectRegistry& registry = *context.projects();
            ProjectListModel model(registry);
            registry.adopt(project);
            const QModelIndex row = model.index(0);
            QCOMPARE(row.data(ProjectDetailRole).toString(), u"working copy · local"_s);

            QSignalSpy changed(&registry, &ProjectRegistry::projectChanged);
            QVERIFY(!registry.setSource(project.id, ProjectSource::WorkingCopy));
            QVERIFY(registry.setSource(project.id, ProjectSource::Branch));
            QCOMPARE(changed.count(), 1);
            QCOMPARE(row.data(ProjectDetailRole).toString(), u"default branch · local"_s);
            const Project& switched = registry.session(project.id)->project();
            QVERIFY(switched.source == ProjectSource::Branch);
            QVERIFY(switched.plan && *switched.plan == plan);
            QCOMPARE(switched.environment.names(), QStringList{u"API_URL"_s});

            // Opened again from the picker on its working copy: the same project, switched back.
            Project again = projectFor(folder.path());
            registry.adopt(again);
            QCOMPARE(model.rowCount(), 1);
            QVERIFY(registry.session(project.id)->project().source == ProjectSource::WorkingCopy);
            QVERIFY(registry.session(project.id)->project().plan);
            QVERIFY(registry.setSource(project.id, ProjectSource::Branch));
        }
        AppContext reopened(data);
        const Project* stored = reopened.projectStore().find(project.id);
        QVERIFY(stored);
        QVERIFY(stored->source == ProjectSource::Branch);
        QVERIFY(stored->plan && *stored->plan == plan);
        QCOMPARE(stored->environment.names(), QStringList{u"API_URL"_s});
    }

    void choicesChangeOnlyWhenTheyDiffer()
    {
        AppContext context(m_root.filePath(u"choices"_s));
        ProjectRegistry& registry = *context.projects();
        const Project project = projectFor(u"https://github.com/octo/choices"_s);
        registry.adopt(project);
        QSignalSpy changed(&registry, &ProjectRegistry::projectChanged);

        QVERIFY(!registry.setBackend(project.id, Backend::Local));
        QVERIFY(!registry.setWithoutIsolation(project.id, false));
        QVERIFY(!registry.setKeepAwake(project.id, true));
        QVERIFY(!registry.setBackend(u"no-such-project"_s, Backend::Daytona));
        QCOMPARE(changed.count(), 0);

        QVERIFY(!registry.runsWithoutIsolation(project.id));
        QVERIFY(registry.setWithoutIsolation(project.id, true));
        QVERIFY(registry.runsWithoutIsolation(project.id));
        // Daytona isolates whatever the choice says.
        QVERIFY(registry.setBackend(project.id, Backend::Daytona));
        QVERIFY(!registry.runsWithoutIsolation(project.id));
        QVERIFY(registry.setKeepAwake(project.id, false));
        QVERIFY(!registry.session(project.id)->project().keepAwake);
        QCOMPARE(changed.count(), 3);
        QVERIFY(context.projectStore().find(project.id)->backend == Backend::Daytona);
    }

    void removingTakesTheProjectOutOfListAndStore()
    {
        AppContext context(m_root.filePath(u"remove"_s));
        ProjectRegistry& registry = *context.projects();
        ProjectListModel model(registry);
        const Project first = projectFor(u"https://github.com/octo/first"_s);
        const Project second = projectFor(u"https://github.com/octo/second"_s);
        registry.adopt(first);
        registry.adopt(second);
        QCOMPARE(registry.ids(), QStringList({first.id, second.id}));
        QSignalSpy removed(&registry, &ProjectRegistry::projectRemoved);

        QVERIFY(registry.remove(first.id));
        QCOMPARE(removed.count(), 1);
        QCOMPARE(registry.ids(), QStringList({second.id}));
        QCOMPARE(model.rowCount(), 1);
        QCOMPARE(model.index(0).data(ProjectIdRole).toString(), second.id);
        QVERIFY(!context.projectStore().find(first.id));
        QVERIFY(!registry.remove(first.id));
    }

    void loadingMakesASessionPerStoredProjectInOrder()
    {
        const QString data = m_root.filePath(u"load"_s);
        const Project first = projectFor(u"https://github.com/octo/one"_s);
        const Project second = projectFor(u"https://github.com/octo/two"_s);
        {
            AppContext context(data);
            context.projects()->adopt(first);
            context.projects()->adopt(second);
            ProjectState failed;
            failed.status = ProjectStatus::Failed;
            QVERIFY(context.projectStore().setState(second.id, failed).ok());
        }
        AppContext context(data);
        ProjectRegistry& registry = *context.projects();
        ProjectListModel model(registry);
        QSignalSpy created(&registry, &ProjectRegistry::sessionCreated);
        registry.load();
        QCOMPARE(created.count(), 2);
        QCOMPARE(registry.ids(), QStringList({first.id, second.id}));
        QCOMPARE(model.rowCount(), 2);
        // Neither was live nor left in the middle of a run: both stay stopped.
        QCoreApplication::processEvents();
        QVERIFY(registry.session(first.id)->status() == ProjectStatus::Stopped);
        QVERIFY(registry.session(second.id)->status() == ProjectStatus::Stopped);
    }

    void shutdownWithNothingRunningFinishesAtOnceAndStartsNothing()
    {
        AppContext context(m_root.filePath(u"shutdown"_s));
        ProjectRegistry& registry = *context.projects();
        const Project project = projectFor(u"https://github.com/octo/quiet"_s);
        registry.adopt(project);
        QSignalSpy finished(&registry, &ProjectRegistry::shutdownFinished);
        registry.shutdown();
        QCOMPARE(finished.count(), 1);
        QVERIFY(registry.isShuttingDown());
        registry.start(project.id);
        QVERIFY(registry.session(project.id)->status() == ProjectStatus::Stopped);
    }

    void commandLineContextOpensOnlyStorage()
    {
        AppContext context(m_root.filePath(u"cli"_s), AppContext::Role::CommandLine);
        QVERIFY(!context.backends());
        QVERIFY(!context.projects());
        QVERIFY(context.runs());
        const Project project = projectFor(u"https://github.com/octo/cli"_s);
        const StoreResult<> added = context.addProjectIfMissing(project);
        QVERIFY2(added.ok(), qPrintable(added.message()));
        QVERIFY(context.projectStore().find(project.id));
        // One the desktop app already keeps is left as it is.
        Project other = project;
        other.backend = Backend::Daytona;
        const StoreResult<> kept = context.addProjectIfMissing(other);
        QVERIFY2(kept.ok(), qPrintable(kept.message()));
        QVERIFY(context.projectStore().find(project.id)->backend == Backend::Local);
    }

private:
    QTemporaryDir m_root;
};

} // namespace forge

QTEST_GUILESS_MAIN(forge::TestProjectRegistry)
#include "tst_projectregistry.moc"
