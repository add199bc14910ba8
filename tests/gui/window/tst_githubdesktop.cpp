// The desktop app with a GitHub account, end to end against the fake GitHub and a real keyring:
// sign in from the window through the browser (device flow), see the account in the status bar,
// pick one of the account's repositories and a branch in the picker's GitHub tab, run it on this
// computer and see it live; the token is kept in the keychain only and never sent to the git server
// of another host; sign out removes it. Runs inside its own D-Bus session with gnome-keyring and its
// own Xvfb (run-keyring-test around run-gui-test).

#include "../GuiTestHelpers.h"
#include "FakeGitHub.h"
#include "FixtureRepository.h"
#include "GitHttpServer.h"
#include "SecretLeakScanner.h"
#include "accounts/GitHubAccountManager.h"
#include "app/AppContext.h"
#include "secrets/SecretStore.h"
#include "ui/account/SignInDialog.h"
#include "ui/common/Theme.h"
#include "ui/preview/PreviewPane.h"
#include "ui/window/AccountController.h"
#include "ui/window/GitHubSource.h"
#include "ui/window/MainWindow.h"
#include "ui/window/RepoPickerDialog.h"
#include "ui/window/WindowActions.h"
#include "workflow/ProjectSession.h"

#include <QAction>
#include <QApplication>
#include <QComboBox>
#include <QCoroTask>
#include <QDir>
#include <QEventLoop>
#include <QLabel>
#include <QPushButton>
#include <QSettings>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <QToolButton>
#include <QWebEnginePage>

using namespace Qt::StringLiterals;
using namespace forge;

namespace {

constexpr int RunTimeoutMs = 300'000; // a cold npm install

QString artifact(const QString& name)
{
    return QStringLiteral(FORGE_ARTIFACTS_DIR) + u'/' + name;
}

} // namespace

class TestGitHubDesktop : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY2(qEnvironmentVariable("FORGE_TEST_KEYRING") == u"yes"_s,
                 "run through tests/support/run-keyring-test (ctest does)");
        QVERIFY(m_root.isValid());
        test::useTestSettings(u"forge-preview-github"_s, m_root.filePath(u"settings"_s));
        for (const char* name : {"GH_TOKEN", "GITHUB_TOKEN", "GH_HOST"})
            qunsetenv(name);
        ui::Theme::install();
        QDir().mkpath(QStringLiteral(FORGE_ARTIFACTS_DIR));

        // The account's repository octocat/repo-0 is the Express fixture, served by a git server on
        // another port than the fake GitHub: for the token, another host.
        const QString served = m_root.filePath(u"served/octocat"_s);
        QVERIFY(QDir().mkpath(served));
        test::FixtureRepository repository(m_root.filePath(u"express-app"_s));
        QVERIFY2(repository.initialize(QStringLiteral(FORGE_FIXTURES_DIR) + u"/projects/express-app"_s),
                 qPrintable(repository.errorString()));
        QVERIFY2(repository.createBareClone(served, u"repo-0"_s), qPrintable(repository.errorString()));
        m_git = std::make_unique<test::GitHttpServer>(m_root.filePath(u"served"_s));
        QString error;
        QVERIFY2(m_git->listen(&error), qPrintable(error));

        QVERIFY(m_github.listen());
        m_github.cloneBase = m_git->url();
        m_github.repositoryCount = 30;
        m_github.tokenErrors = {u"authorization_pending"_s};
        GitHubSettings settings;
        settings.apiUrl = m_github.url().toString();
        settings.clientId = m_github.clientId;
        settings.save();
    }

    void signInPickABranchRunAndSignOut()
    {
        AppContext context(m_root.filePath(u"data"_s));
        ui::MainWindow window(context);
        test::showWindow(window, {1400, 860});
        ui::AccountController* accounts = window.accountController();
        QToolButton* accountButton = window.findChild<QToolButton*>(u"accountButton"_s);
        QVERIFY(accountButton && accountButton->isVisible());
        QCOMPARE(accountButton->text(), u"Sign in to GitHub"_s);

        // Sign in with the browser: the code is shown, GitHub is "opened", the app polls.
        accounts->signInAction()->trigger();
        QTRY_VERIFY(accounts->signInDialog());
        QPointer<ui::SignInDialog> dialog = accounts->signInDialog();
        QList<QUrl> opened;
        dialog->setUrlOpener([&opened](const QUrl& url) { opened.append(url); });
        dialog->setIntervalUnit(std::chrono::milliseconds(20));
        QTRY_VERIFY(dialog->isVisible());
        dialog->findChild<QPushButton*>(u"signInBrowser"_s)->click();
        auto* code = dialog->findChild<QLabel*>(u"deviceUserCode"_s);
        QTRY_VERIFY(code->isVisible() && !code->text().isEmpty());
        dialog->findChild<QPushButton*>(u"openBrowser"_s)->click();
        QCOMPARE(opened.size(), 1);
        QTRY_VERIFY_WITH_TIMEOUT(!dialog, 15000); // approved: the dialog closes itself
        QVERIFY(accounts->accounts().account());
        QCOMPARE(accounts->accounts().account()->login, u"octocat"_s);
        QTRY_VERIFY(accountButton->text().contains(u"octocat"_s));
        QVERIFY(accountButton->text().contains(m_github.url().authority()));
        const SecretKey tokenKey = accounts->accounts().account()->tokenKey();
        QCOMPARE(QCoro::waitFor(accounts->secrets().read(tokenKey)).secret(), m_github.token);

        // The picker opens on the GitHub tab; pick octocat/repo-0 and its main branch.
        ProjectSession* session = nullptr;
        connect(&window, &ui::MainWindow::sessionCreated, this,
                [&](ProjectSession* created) { session = created; });
        QString pickerProblem;
        bool picked = false;
        QTimer driver;
        driver.setInterval(50);
        connect(&driver, &QTimer::timeout, this, [&] {
            ui::RepoPickerDialog* picker = window.repoPicker();
            if (!picker)
                return;
            auto* source = picker->findChild<ui::GitHubSource*>();
            if (!source || !source->isVisible()) {
                pickerProblem = u"the picker did not open on a GitHub tab"_s;
            } else if (source->isLoading()) {
                return;
            } else if (!source->selectedRepository()) {
                if (!source->selectRepository(u"octocat/repo-0"_s))
                    pickerProblem = u"octocat/repo-0 is not listed"_s;
                return;
            } else if (source->isLoadingBranches()) {
                return;
            } else {
                auto* branch = source->findChild<QComboBox*>(u"githubBranch"_s);
                if (branch->currentText() != u"main"_s)
                    pickerProblem = u"the default branch is not preselected: "_s + branch->currentText();
                picker->grab().save(artifact(u"github-desktop-picker.png"_s));
                if (source->repository() != m_git->url().resolved(QUrl(u"octocat/repo-0.git"_s)).toString())
                    pickerProblem = u"unexpected clone URL "_s + source->repository();
                picked = pickerProblem.isEmpty();
            }
            driver.stop();
            if (picked)
                test::acceptButton(picker)->click();
            else
                picker->reject();
        });
        driver.start();
        window.actions()->openRepository()->trigger();
        QTRY_VERIFY_WITH_TIMEOUT(picked || !pickerProblem.isEmpty(), 30000);
        QVERIFY2(picked, qPrintable(pickerProblem));

        // It runs on this computer and goes live with the fixture's page.
        QTRY_VERIFY(session);
        QCOMPARE(session->project().branch, u"main"_s);
        QTRY_VERIFY_WITH_TIMEOUT(session->status() == ProjectStatus::Live ||
                                     session->status() == ProjectStatus::Failed,
                                 RunTimeoutMs);
        QVERIFY2(session->status() == ProjectStatus::Live,
                 qPrintable(session->failure() ? session->failure()->message() : QString()));
        QWebEnginePage* page = window.previewPane()->page();
        QTRY_VERIFY_WITH_TIMEOUT(test::evaluate(page, u"document.body ? document.body.innerText : ''"_s)
                                     .toString()
                                     .contains(u"Forge fixture: Express app"_s),
                                 30000);
        QVERIFY(window.grab().save(artifact(u"github-desktop.png"_s)));

        // The git server is not the account's host: it never saw the token. Nothing the app wrote
        // (the project list, the settings) holds it.
        QVERIFY(!m_git->requests().isEmpty());
        QCOMPARE(m_git->requestsWithAuthorization(), 0);
        QSettings().sync();
        test::SecretLeakScanner scanner(test::SecretLeakScanner::formsOf(m_github.token));
        const QStringList leaks = scanner.filesContainingSecrets(m_root.path());
        QVERIFY2(leaks.isEmpty(), qPrintable(leaks.join(u'\n')));

        // Sign out: the token leaves the keychain; the button offers to sign in again.
        accounts->signOutAction()->trigger();
        QTRY_COMPARE(accountButton->text(), u"Sign in to GitHub"_s);
        QCOMPARE(QCoro::waitFor(accounts->secrets().read(tokenKey)).status(), SecretResult::Status::NotFound);
        QVERIFY(!accounts->signOutAction()->isEnabled());

        test::shutDown(window);
    }

private:
    QTemporaryDir m_root;
    FakeGitHub m_github;
    std::unique_ptr<test::GitHttpServer> m_git;
};

QTEST_MAIN(TestGitHubDesktop)
#include "tst_githubdesktop.moc"
