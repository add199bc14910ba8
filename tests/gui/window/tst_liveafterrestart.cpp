// A preview that was live when the window closed comes back when the app starts again, by
// starting only its dev server: the sandbox, the clone and the installed dependencies are kept
// (install is read back from the journal, not run again), and it is the same run and sandbox.

#include "../GuiTestHelpers.h"
#include "FixtureRepository.h"
#include "Fixtures.h"
#include "app/AppContext.h"
#include "store/Database.h"
#include "store/RunStore.h"
#include "ui/buildlog/BuildLogPanel.h"
#include "ui/common/Theme.h"
#include "ui/window/MainWindow.h"
#include "workflow/ProjectSession.h"

#include <QApplication>
#include <QDir>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace forge;

class TestLiveAfterRestart : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_root.isValid());
        QStandardPaths::setTestModeEnabled(true);
        QApplication::setOrganizationName(u"forge-preview-test"_s);
        QApplication::setApplicationName(u"forge-preview-live-restart"_s);
        QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, m_root.filePath(u"settings"_s));
        QSettings().clear();
        ui::Theme::install();
    }

    void livePreviewComesBackWithoutReinstalling()
    {
        test::FixtureRepository repository(m_root.filePath(u"express-app"_s));
        QVERIFY2(repository.initialize(test::fixtureProjectPath(u"express-app"_s)),
                 qPrintable(repository.errorString()));
        const QString data = m_root.filePath(u"data"_s);
        const Project project = newProject(
            std::get<RepoRef>(RepoRef::parse(m_root.filePath(u"express-app"_s), {})), {}, RunMode::Dev);
        QDateTime installedAt;
        QString sandbox;
        {
            AppContext context(data);
            ui::MainWindow window(context);
            window.show();
            QVERIFY(QTest::qWaitForWindowExposed(&window));
            window.openProject(project);
            ProjectSession* session = window.session(project.id);
            QVERIFY(session);
            QTRY_VERIFY_WITH_TIMEOUT(session->status() == ProjectStatus::Live ||
                                         session->status() == ProjectStatus::Failed,
                                     300'000);
            QVERIFY(session->status() == ProjectStatus::Live);
            sandbox = session->sandboxId();
            test::shutDown(window); // closing the window: the preview stops, its files stay
        }
        {
            auto opened = Database::open(data + u"/forge-preview.db"_s);
            QVERIFY2(opened.ok(), qPrintable(opened.message()));
            auto database = std::move(opened).value();
            RunStore runs(*database);
            const auto run = runs.latestRun(project.id);
            QVERIFY(run);
            installedAt = runs.step(run->id, stepName(StepId::InstallDependencies))->startedAt;
        }

        AppContext againContext(data);
        ui::MainWindow again(againContext);
        again.show();
        QVERIFY(QTest::qWaitForWindowExposed(&again));
        ProjectSession* session = again.session(project.id);
        QVERIFY(session);
        QTRY_VERIFY_WITH_TIMEOUT(
            session->status() == ProjectStatus::Live || session->status() == ProjectStatus::Failed, 120'000);
        QVERIFY2(session->status() == ProjectStatus::Live,
                 qPrintable(again.buildLog(project.id)->plainText()));
        QCOMPARE(session->sandboxId(), sandbox);
        const QString log = again.buildLog(project.id)->plainText();
        QVERIFY2(log.contains(u"Bringing back the preview"_s), qPrintable(log));
        QVERIFY2(!log.contains(u"$ npm ci"_s), qPrintable(log)); // not reinstalled

        auto opened = Database::open(data + u"/forge-preview.db"_s);
        QVERIFY2(opened.ok(), qPrintable(opened.message()));
        auto database = std::move(opened).value();
        RunStore runs(*database);
        const auto run = runs.latestRun(project.id);
        QVERIFY(run);
        QCOMPARE(run->id, 1); // the same run, taken up again
        QCOMPARE(runs.step(run->id, stepName(StepId::InstallDependencies))->startedAt, installedAt);
        test::shutDown(again);
    }

private:
    QTemporaryDir m_root;
};

QTEST_MAIN(TestLiveAfterRestart)
#include "tst_liveafterrestart.moc"
