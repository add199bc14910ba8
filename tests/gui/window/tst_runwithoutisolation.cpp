// Running a project without isolation is the user's explicit choice (issue 16, "fail closed"):
// Project > Run Without Isolation… asks first with Cancel as the default, the choice is kept with
// the project, a warning stays above its log and preview and in the project list while it holds,
// and each run says so in the build log. Without the choice, a computer that cannot isolate
// sandboxes fails the run, saying what to install and where the choice is, and runs nothing.

#include "../GuiTestHelpers.h"
#include "FixtureRepository.h"
#include "app/AppContext.h"
#include "core/SandboxIsolation.h"
#include "store/ProjectStore.h"
#include "ui/buildlog/BuildLogPanel.h"
#include "ui/buildlog/FailureBox.h"
#include "ui/common/Theme.h"
#include "ui/preview/PreviewPane.h"
#include "ui/window/IsolationChoice.h"
#include "ui/window/IsolationWarning.h"
#include "ui/window/MainWindow.h"
#include "ui/window/ProjectListDelegate.h"
#include "ui/window/WindowActions.h"
#include "workflow/ProjectSession.h"

#include <QAction>
#include <QApplication>
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QListView>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QPushButton>
#include <QScopeGuard>
#include <QSettings>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace forge;

namespace {

constexpr int RunTimeoutMs = 120'000; // a static site: no install

} // namespace

class TestRunWithoutIsolation : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_root;
    QString m_site;

    Project siteProject(const QString& id) const
    {
        Project project;
        project.id = id;
        project.repository = m_site;
        return project;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_root.isValid());
        QStandardPaths::setTestModeEnabled(true);
        QApplication::setOrganizationName(u"forge-preview-test"_s);
        QApplication::setApplicationName(u"forge-preview-isolation"_s);
        QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, m_root.filePath(u"settings"_s));
        QSettings().clear();
        ui::Theme::install();
        QDir().mkpath(QStringLiteral(FORGE_ARTIFACTS_DIR));
        // A static site: served by Node's built-ins, nothing to install, so a run is quick.
        m_site = m_root.filePath(u"static-site"_s);
        test::FixtureRepository repository(m_site);
        QVERIFY2(repository.initializeWithFiles(
                     {{u"index.html"_s, "<!doctype html><title>Isolation fixture</title>"
                                        "<h1>Forge fixture: static site</h1>\n"}}),
                 qPrintable(repository.errorString()));
    }

    void choiceAsksFirstWarnsAndIsKept()
    {
        const QString data = m_root.filePath(u"data-choice"_s);
        const Project project = siteProject(u"0b5e2f1c-5d4e-4a7b-9f11-6c1f0c1e7a01"_s);
        {
            // A project in the list, not running: the menu acts on the selected one.
            ProjectStore store(QDir(data).filePath(u"forge-preview.db"_s));
            QVERIFY(store.load().ok());
            store.put(project);
            const StoreResult<> saved = store.save();
            QVERIFY2(saved.ok(), qPrintable(saved.message()));
        }
        AppContext context(data);
        ui::MainWindow window(context);
        window.resize(1440, 900);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QCOMPARE(window.currentProjectId(), project.id);

        // In the Project menu and the list's context menu; off, and nothing warns.
        QAction* action = window.isolationChoice()->action();
        QVERIFY(test::projectMenuActions(window).contains(action));
        QVERIFY(window.findChild<QListView*>(u"projectList"_s)->actions().contains(action));
        QCOMPARE(action->text(), u"Run &Without Isolation…"_s);
        QVERIFY(action->isCheckable());
        QVERIFY(action->isEnabled());
        QVERIFY(!action->isChecked());
        QVERIFY(!window.isolationBanner()->isVisible());
        QVERIFY(!window.isolationStatus()->isVisible());
        QVERIFY(!test::projectListItem(window, project.id).data(ProjectWithoutIsolationRole).toBool());

        // Turning it on asks, in words that say what it means; Enter is Cancel.
        action->trigger();
        QMessageBox* box = window.isolationChoice()->confirmation();
        QVERIFY(box);
        QTRY_VERIFY(box->isVisible());
        QVERIFY(!action->isChecked()); // not before the answer
        const QString said = box->text() + u' ' + box->informativeText();
        for (const QString& words : {u"as you"_s, u"your files"_s, u"tokens"_s, u"network"_s, u"trust"_s})
            QVERIFY2(said.contains(words), qPrintable(said));
        QCOMPARE(box->defaultButton(), box->button(QMessageBox::Cancel));
        QVERIFY(
            box->grab().save(QStringLiteral(FORGE_ARTIFACTS_DIR) + u"/run-without-isolation-confirm.png"_s));
        QTest::keyClick(box, Qt::Key_Return);
        QTRY_VERIFY(!window.isolationChoice()->confirmation());
        QVERIFY(!action->isChecked());
        QVERIFY(!window.session(project.id)->project().runWithoutIsolation);
        QVERIFY(!test::storedProject(data, project.id)->runWithoutIsolation);
        QVERIFY(!window.isolationBanner()->isVisible());

        // Confirmed: on, kept in the database, and warned about in three places.
        action->trigger();
        box = window.isolationChoice()->confirmation();
        QVERIFY(box);
        QAbstractButton* run = test::acceptButton(box);
        QVERIFY(run);
        QCOMPARE(run->text(), u"Run Without Isolation"_s);
        run->click();
        QTRY_VERIFY(!window.isolationChoice()->confirmation());
        QVERIFY(action->isChecked());
        QVERIFY(window.session(project.id)->project().runWithoutIsolation);
        QVERIFY(test::storedProject(data, project.id)->runWithoutIsolation);
        QVERIFY(window.isolationBanner()->isVisible());
        QVERIFY2(window.isolationBanner()->text().contains(u"runs without isolation"_s),
                 qPrintable(window.isolationBanner()->text()));
        QVERIFY(window.isolationBanner()->text().contains(u"static-site"_s));
        QVERIFY(test::projectListItem(window, project.id).data(ProjectWithoutIsolationRole).toBool());
        QVERIFY(window.isolationStatus()->isVisible());
        QVERIFY2(window.isolationStatus()->text().contains(u"1 project without isolation"_s),
                 qPrintable(window.isolationStatus()->text()));

        // A run says so at its start, and runs the project's code as plain processes.
        window.actions()->run()->trigger();
        ProjectSession* session = window.session(project.id); // a new one, on the unisolated provider
        QVERIFY(session);
        const QString notLive = test::waitUntilLive(*session, RunTimeoutMs);
        QVERIFY2(notLive.isEmpty(), qPrintable(notLive));
        ui::BuildLogPanel* log = window.buildLog(project.id);
        QVERIFY2(log->plainText().contains(ui::IsolationChoice::runStartNotice()),
                 qPrintable(log->plainText()));
        QVERIFY(window.isolationBanner()->isVisible());
        QTRY_VERIFY_WITH_TIMEOUT(window.previewPane()->page() != nullptr, 20'000);
        QTRY_VERIFY_WITH_TIMEOUT(
            test::evaluate(window.previewPane()->page(), u"document.body ? document.body.innerText : ''"_s)
                .toString()
                .contains(u"Forge fixture: static site"_s),
            20'000);
        QVERIFY(window.grab().save(QStringLiteral(FORGE_ARTIFACTS_DIR) + u"/run-without-isolation.png"_s));

        // Turned off from the banner while the run goes on: the warning stays until the run ends.
        QPushButton* isolate = window.isolationBanner()->isolateButton();
        QVERIFY(isolate->isVisible());
        isolate->click();
        QVERIFY(!test::storedProject(data, project.id)->runWithoutIsolation);
        QVERIFY(!action->isChecked());
        QVERIFY(window.isolationBanner()->isVisible());
        QVERIFY2(window.isolationBanner()->text().contains(u"until this run ends"_s),
                 qPrintable(window.isolationBanner()->text()));
        QVERIFY(test::projectListItem(window, project.id).data(ProjectWithoutIsolationRole).toBool());
        session->stop();
        QTRY_VERIFY_WITH_TIMEOUT(!session->isActive(), 30'000);
        QTRY_VERIFY(!window.isolationBanner()->isVisible());
        QVERIFY(!test::projectListItem(window, project.id).data(ProjectWithoutIsolationRole).toBool());
        QVERIFY(!window.isolationStatus()->isVisible());
        test::shutDown(window);
    }

    // No bwrap on the PATH: the isolated run fails at once, says what to install and where the
    // choice is, and none of the repository's files reach a sandbox, let alone run.
    void withoutIsolationAvailableTheRunFailsClosed()
    {
        QTemporaryDir bin;
        QVERIFY(QFile::link(u"/bin/sh"_s, bin.path() + u"/sh"_s));
        QVERIFY(QFile::link(u"/bin/true"_s, bin.path() + u"/true"_s));
        const QByteArray oldPath = qgetenv("PATH");
        qputenv("PATH", QFile::encodeName(bin.path()));
        auto restore = qScopeGuard([&] { qputenv("PATH", oldPath); });

        const QString data = m_root.filePath(u"data-closed"_s);
        const Project project = siteProject(u"7d3c9a4e-2b1f-4c8d-8e5a-3f0b9d2c6e02"_s);
        AppContext context(data);
        ui::MainWindow window(context);
        window.resize(1440, 900);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        window.openProject(project);
        ProjectSession* session = window.session(project.id);
        QVERIFY(session);
        QTRY_VERIFY_WITH_TIMEOUT(session->status() == ProjectStatus::Failed ||
                                     session->status() == ProjectStatus::Live,
                                 RunTimeoutMs);
        QCOMPARE(toString(session->status()), u"failed"_s);
        const StepFailure failure = *session->failure();
        QVERIFY2(SandboxIsolation::isUnavailable(failure), qPrintable(failure.message()));
        QVERIFY2(failure.message().contains(u"bwrap"_s) || failure.message().contains(u"bubblewrap"_s),
                 qPrintable(failure.message()));

        // The log's failure box: why, what to install, and the per-project choice.
        auto* box = window.buildLog(project.id)->findChild<ui::FailureBox*>(u"failureBox"_s);
        QVERIFY(box);
        QTRY_VERIFY(box->isVisible());
        QCOMPARE(box->message(), failure.message());
        for (const QString& words : {u"bubblewrap"_s, u"passt"_s, u"Run Without Isolation"_s})
            QVERIFY2(box->advice().contains(words), qPrintable(box->advice()));
        QVERIFY(window.isolationStatus()->isVisible());
        QVERIFY2(window.isolationStatus()->text().contains(u"Sandboxes cannot be isolated"_s),
                 qPrintable(window.isolationStatus()->text()));
        QVERIFY(window.isolationStatus()->toolTip().contains(u"passt"_s));
        QVERIFY(!window.isolationBanner()->isVisible()); // the project did not choose to run unisolated
        QVERIFY(window.grab().save(QStringLiteral(FORGE_ARTIFACTS_DIR) + u"/isolation-unavailable.png"_s));

        // Nothing of the repository reached a sandbox.
        QDirIterator files(QDir(data).filePath(u"sandboxes"_s), {u"index.html"_s}, QDir::Files,
                           QDirIterator::Subdirectories);
        QVERIFY2(!files.hasNext(), qPrintable(files.hasNext() ? files.next() : QString()));
        test::shutDown(window);
    }
};

QTEST_MAIN(TestRunWithoutIsolation)
#include "tst_runwithoutisolation.moc"
