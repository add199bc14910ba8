// "Open in Forge Preview" links in the window: a valid link shows exactly what it would clone and
// runs only when confirmed; Cancel leaves no trace; a hostile link is refused before any dialog; a
// second start of the real app hands its link to the running one.

#include "../GuiTestHelpers.h"
#include "Fixtures.h"
#include "GitHttpServer.h"
#include "app/AppContext.h"
#include "core/DeepLink.h"
#include "ui/buildlog/BuildLogPanel.h"
#include "ui/common/InstanceChannel.h"
#include "ui/common/Theme.h"
#include "ui/window/MainWindow.h"
#include "ui/window/OpenLinkDialog.h"
#include "workflow/ProjectSession.h"

#include <QApplication>
#include <QLabel>
#include <QProcess>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QStatusBar>
#include <QTemporaryDir>
#include <QTest>
#include <QUrlQuery>

using namespace Qt::StringLiterals;
using namespace forge;

namespace {

constexpr int RunTimeoutMs = 300'000; // a cold npm install of the fixture on a slow machine

QString linkTo(const QUrl& repository, const QString& branch)
{
    QUrlQuery query;
    query.addQueryItem(u"repo"_s, QString::fromLatin1(QUrl::toPercentEncoding(repository.toString())));
    if (!branch.isNull())
        query.addQueryItem(u"branch"_s, branch);
    return u"forge-preview://open?"_s + query.toString(QUrl::FullyEncoded);
}

QString labelText(QWidget* dialog, const QString& name)
{
    auto* label = dialog->findChild<QLabel*>(name);
    return label ? label->text() : u"<no label %1>"_s.arg(name);
}

int visibleDialogs()
{
    int count = 0;
    for (QWidget* widget : QApplication::topLevelWidgets())
        count += widget->isVisible() && qobject_cast<QDialog*>(widget) ? 1 : 0;
    return count;
}

} // namespace

class TestOpenLink : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_root;
    std::unique_ptr<test::GitHttpServer> m_git;

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_root.isValid());
        QApplication::setOrganizationName(u"forge-preview-test"_s);
        QApplication::setApplicationName(u"forge-preview"_s);
        QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, m_root.filePath(u"settings"_s));
        ui::Theme::install();
        const QString served = m_root.filePath(u"served"_s);
        const QString problem =
            test::prepareServedFixtures(m_root.filePath(u"work"_s), served, {u"express-app"_s});
        QVERIFY2(problem.isEmpty(), qPrintable(problem));
        m_git = std::make_unique<test::GitHttpServer>(served);
        QString error;
        QVERIFY2(m_git->listen(&error), qPrintable(error));
        QDir().mkpath(QStringLiteral(FORGE_ARTIFACTS_DIR));
    }

    void cancelledLinkRunsNothing()
    {
        AppContext context(m_root.filePath(u"data-cancel"_s));
        ui::MainWindow window(context);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        // Links name https repositories only; a cancelled one is never fetched, so the test server's
        // address with https is enough (it would answer nothing over TLS anyway).
        QUrl repository = m_git->repositoryUrl(u"express-app"_s);
        repository.setScheme(u"https"_s);
        const QString link = linkTo(repository, u"main"_s);
        QSignalSpy created(&window, &ui::MainWindow::sessionCreated);

        window.openLink(link); // returns at once; the dialog waits for the answer
        QVERIFY(window.linkDialog());
        QTRY_VERIFY(window.linkDialog()->isVisible());
        ui::OpenLinkDialog* dialog = window.linkDialog();
        QCOMPARE(labelText(dialog, u"linkRepository"_s), repository.toString());
        QCOMPARE(labelText(dialog, u"linkBranch"_s), u"main"_s);
        QCOMPARE(labelText(dialog, u"linkBackend"_s), u"this computer"_s);
        QVERIFY(labelText(dialog, u"linkWarning"_s).contains(u"scripts"_s));
        // Enter lands on Cancel, not on the run.
        QVERIFY(dialog->cancelButton()->isDefault());
        QVERIFY(!dialog->runButton()->isDefault());
        // A second link while the first waits is not stacked on top of it.
        window.openLink(linkTo(repository, u"other"_s));
        QCOMPARE(window.linkDialog(), dialog);
        QVERIFY(dialog->grab().save(QStringLiteral(FORGE_ARTIFACTS_DIR) + u"/open-link-dialog.png"_s));

        QTest::keyClick(dialog, Qt::Key_Return);
        QTRY_VERIFY(!window.linkDialog());
        QVERIFY(window.currentProjectId().isEmpty());
        QCOMPARE(created.count(), 0);
        QVERIFY(m_git->requests().isEmpty()); // not even a look at the repository
        test::shutDown(window);
    }

    void hostileLinkIsRefusedBeforeAnyDialog_data()
    {
        QTest::addColumn<QString>("link");
        QTest::newRow("ext transport")
            << u"forge-preview://open?repo=ext::sh%20-c%20touch%20%2Ftmp%2Fpwned"_s;
        QTest::newRow("credentials")
            << u"forge-preview://open?repo=https%3A%2F%2Fu%3Ap%40github.com%2Fa%2Fb"_s;
        QTest::newRow("file URL") << u"forge-preview://open?repo=file%3A%2F%2F%2Fetc"_s;
        QTest::newRow("plain http to this computer")
            << u"forge-preview://open?repo=http%3A%2F%2F127.0.0.1%3A8000%2Fa%2Fb.git"_s;
        QTest::newRow("a folder") << u"forge-preview://open?repo=%2Fhome"_s;
        QTest::newRow("option injection")
            << u"forge-preview://open?repo=a/b&branch=--upload-pack=touch%20x"_s;
        QTest::newRow("two repositories") << u"forge-preview://open?repo=a/b&repo=c/d"_s;
    }
    void hostileLinkIsRefusedBeforeAnyDialog()
    {
        QFETCH(QString, link);
        AppContext context(m_root.filePath(u"data-hostile"_s));
        ui::MainWindow window(context);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QSignalSpy refused(&window, &ui::MainWindow::linkRefused);
        QSignalSpy created(&window, &ui::MainWindow::sessionCreated);
        window.openLink(link); // returns at once: nothing to wait for
        QCOMPARE(refused.count(), 1);
        QVERIFY(!window.linkDialog());
        QCOMPARE(visibleDialogs(), 0);
        QVERIFY(window.statusBar()->currentMessage().startsWith(u"Link refused: "_s));
        QCOMPARE(created.count(), 0);
        test::shutDown(window);
    }

    void confirmedLinkRuns()
    {
        AppContext context(m_root.filePath(u"data-run"_s));
        ui::MainWindow window(context);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        // A link may only name an https repository, and the test's git server speaks plain http on
        // 127.0.0.1: so the confirmation is driven with the parsed link directly (the parsing
        // itself is tests/unit/tst_deeplink.cpp's and hostileLinkIsRefusedBeforeAnyDialog's).
        const auto repository = RepoRef::parse(m_git->repositoryUrl(u"express-app"_s).toString(), {});
        QVERIFY(std::holds_alternative<RepoRef>(repository));
        ProjectSession* session = nullptr;
        connect(&window, &ui::MainWindow::sessionCreated, this,
                [&session](ProjectSession* created) { session = created; });
        window.confirmLink(DeepLink{std::get<RepoRef>(repository), u"main"_s});
        QVERIFY(window.linkDialog());
        QTRY_VERIFY(window.linkDialog()->isVisible());
        window.linkDialog()->runButton()->click();
        QTRY_VERIFY(session);
        QCOMPARE(session->project().branch, u"main"_s);
        QTRY_VERIFY2_WITH_TIMEOUT(
            session->status() == ProjectStatus::Live || session->status() == ProjectStatus::Failed,
            qPrintable(window.buildLog(session->project().id)->plainText()), RunTimeoutMs);
        QVERIFY2(session->status() == ProjectStatus::Live,
                 qPrintable(window.buildLog(session->project().id)->plainText()));
        test::shutDown(window);
    }

    // The real program, started a second time with a link, hands it to the running instance (here
    // the test, listening on the same data folder's channel) and exits without a window of its own.
    void secondStartHandsTheLinkOver()
    {
        const QString dataDirectory = m_root.filePath(u"data-second"_s);
        qputenv("FORGE_PREVIEW_DATA_DIR", dataDirectory.toUtf8());
        ui::InstanceChannel running(dataDirectory);
        QVERIFY2(running.listen(), qPrintable(running.errorString()));
        QSignalSpy received(&running, &ui::InstanceChannel::requestReceived);

        const QString link = u"forge-preview://open?repo=octocat/hello-world&branch=main"_s;
        QProcess second;
        second.setProcessChannelMode(QProcess::MergedChannels);
        second.start(QStringLiteral(FORGE_GUI_PATH), {link});
        // The running side answers from this event loop, so wait on signals, not on the process.
        QVERIFY(received.wait(30'000));
        QCOMPARE(received.first().first().toString(), u"link "_s + link);
        QTRY_VERIFY_WITH_TIMEOUT(second.state() == QProcess::NotRunning, 30'000);
        QCOMPARE(second.exitStatus(), QProcess::NormalExit);
        QCOMPARE(second.exitCode(), 0);
        QVERIFY2(second.readAll().contains("handed to its window"), "no word that the link was handed over");
        qunsetenv("FORGE_PREVIEW_DATA_DIR");
    }
};

QTEST_MAIN(TestOpenLink)
#include "tst_openlink.moc"
