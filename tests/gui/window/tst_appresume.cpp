// The desktop app killed in the middle of a run (SIGKILL during install, as a crash or power loss
// would) and started again: it continues the run at install. The clone is not repeated (the git
// server hears nothing), the project keeps exactly one sandbox and one run, and the preview comes
// up. Runs the real forge-preview program twice on this test's Xvfb display.

#include "FixtureRepository.h"
#include "Fixtures.h"
#include "GitHttpServer.h"
#include "store/Database.h"
#include "store/RunStore.h"
#include "workflow/WorkflowTypes.h"

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <csignal>

using namespace Qt::StringLiterals;
using namespace forge;

class TestAppResume : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void killedDuringInstallContinuesAtInstall()
    {
        QTemporaryDir root;
        QVERIFY(root.isValid());
        const QString served = root.filePath(u"served"_s);
        const QString prepared = test::prepareServedFixtures(root.path(), served, {u"express-app"_s});
        QVERIFY2(prepared.isEmpty(), qPrintable(prepared));
        test::GitHttpServer git(served);
        QString error;
        QVERIFY2(git.listen(&error), qPrintable(error));
        const QString url = git.repositoryUrl(u"express-app"_s).toString();
        const QString data = root.filePath(u"data"_s);
        const RepoRef reference = std::get<RepoRef>(RepoRef::parse(url, {}));
        const QString projectId = PreviewRequest::projectIdFor(reference, {});

        QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
        environment.insert(u"FORGE_PREVIEW_DATA_DIR"_s, data);
        environment.insert(u"XDG_CONFIG_HOME"_s, root.filePath(u"config"_s));

        // First start: killed as soon as install runs (its state is in the database).
        {
            QProcess app;
            app.setProcessEnvironment(environment);
            app.setProcessChannelMode(QProcess::ForwardedChannels);
            app.start(QStringLiteral(FORGE_GUI_PATH), {u"--open"_s, url});
            QVERIFY(app.waitForStarted());
            const QString databasePath = data + u"/forge-preview.db"_s;
            QTRY_VERIFY_WITH_TIMEOUT(QFile::exists(databasePath), 60'000);
            auto opened = Database::open(databasePath);
            QVERIFY2(opened.ok(), qPrintable(opened.message()));
            auto database = std::move(opened).value();
            RunStore runs(*database);
            const auto installRunning = [&] {
                const auto run = runs.latestRun(projectId);
                if (!run)
                    return false;
                const auto step = runs.step(run->id, stepName(StepId::InstallDependencies));
                return step && step->status == toString(StepStatus::Running);
            };
            QTRY_VERIFY_WITH_TIMEOUT(installRunning() || app.state() == QProcess::NotRunning, 300'000);
            QVERIFY(app.state() == QProcess::Running);
            ::kill(static_cast<pid_t>(app.processId()), SIGKILL);
            QVERIFY(app.waitForFinished(10'000));
        }
        QVERIFY(!git.requests().isEmpty()); // the first start cloned
        git.clearRequests();

        // Second start: the same run goes on, at install, and the preview comes up.
        QProcess again;
        again.setProcessEnvironment(environment);
        again.setProcessChannelMode(QProcess::ForwardedChannels);
        const QString shot = root.filePath(u"resumed.png"_s);
        again.start(QStringLiteral(FORGE_GUI_PATH),
                    {u"--open"_s, url, u"--screenshot"_s, shot, u"--quit-when-ready"_s});
        QVERIFY(again.waitForFinished(300'000));
        QCOMPARE(again.exitStatus(), QProcess::NormalExit);
        QCOMPARE(again.exitCode(), 0);
        QVERIFY(QFile::exists(shot));

        QCOMPARE(git.requests().size(), 0); // the clone was read back, not repeated
        const QStringList sandboxes =
            QDir(data + u"/sandboxes"_s).entryList(QDir::Dirs | QDir::NoDotAndDotDot);
        QCOMPARE(sandboxes.size(), 1);
        auto opened = Database::open(data + u"/forge-preview.db"_s);
        QVERIFY2(opened.ok(), qPrintable(opened.message()));
        auto database = std::move(opened).value();
        RunStore runs(*database);
        const auto run = runs.latestRun(projectId);
        QVERIFY(run);
        QCOMPARE(run->id, 1); // continued, not a second run
        QCOMPARE(run->status, u"succeeded"_s);
        const auto install = runs.step(run->id, stepName(StepId::InstallDependencies));
        QVERIFY(install);
        QCOMPARE(install->status, toString(StepStatus::Succeeded));
        const auto clone = runs.step(run->id, stepName(StepId::CloneRepository));
        QVERIFY(clone && clone->attempt == 1);
    }
};

QTEST_GUILESS_MAIN(TestAppResume)
#include "tst_appresume.moc"
