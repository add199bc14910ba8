// Issue 21, staying current and saying what the pull request is, in the real window against the fake
// GitHub on 127.0.0.1 (which also serves the repository's git, as github.com does, so the signed-in
// account's host is the repository's): a pull request project of the env-echo fixture runs live; the
// header above its preview names the pull request (title, author, branches, Open on GitHub) and so
// does its list row; a poll answered 304 changes nothing; a push to the pull request shows "PR
// updated — Update", whose Update (button or Ctrl+Shift+U) asks the registry to update the preview;
// a merged pull request says so and is not asked about again. Screenshots of the header with the
// banner, light and dark, and of a merged one. Runs inside its own D-Bus session with gnome-keyring
// (the account's token) and its own Xvfb.

#include "../GuiTestHelpers.h"
#include "FakeGitHub.h"
#include "FixtureRepository.h"
#include "GitHttpServer.h"
#include "accounts/GitHubAccountManager.h"
#include "app/AppContext.h"
#include "app/ProjectListModel.h"
#include "app/ProjectRegistry.h"
#include "app/PullRequestWatcher.h"
#include "core/RepoRef.h"
#include "ui/common/Theme.h"
#include "ui/preview/PreviewPane.h"
#include "ui/window/MainWindow.h"
#include "ui/window/PullRequestHeader.h"
#include "ui/window/WindowActions.h"
#include "workflow/ProjectSession.h"

#include <QAction>
#include <QApplication>
#include <QCoroTask>
#include <QDir>
#include <QLabel>
#include <QListView>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <memory>

using namespace Qt::StringLiterals;
using namespace forge;

namespace {

constexpr int RunTimeoutMs = 300'000; // a cold npm install
constexpr int CheckTimeoutMs = 20'000;
constexpr int Number = 7;
const QString Repo = u"octocat/repo-0"_s;
const QByteArray PullPath = "/repos/octocat/repo-0/pulls/7";

// git's smart-HTTP requests, for the git server behind the fake GitHub.
bool isGitRequest(const test::RecordedRequest& request)
{
    const QByteArray path = request.path();
    return path.contains(".git/info/refs") || path.endsWith("/git-upload-pack") ||
           path.endsWith("/git-receive-pack");
}

} // namespace

class TestPullRequestWatch : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_root;
    std::unique_ptr<test::FixtureRepository> m_repository;
    std::unique_ptr<test::GitHttpServer> m_git;
    FakeGitHub m_github;
    QString m_headSha; // refs/pull/7/head as the run clones it

    // The bare repository's idea of `revision`.
    QString bareCommit(const QString& revision)
    {
        QByteArray output;
        if (!m_repository->git({u"rev-parse"_s, revision}, m_repository->bareClonePath(), &output))
            return {};
        return QString::fromUtf8(output).trimmed();
    }

    // A new commit on the pull request, pushed the way GitHub keeps it (refs/pull/7/head).
    QString pushToPullRequest(const QByteArray& content)
    {
        const QString branch = u"pr-%1"_s.arg(Number); // FixtureRepository::addPullRequest's
        if (!m_repository->git({u"checkout"_s, u"--quiet"_s, branch}) ||
            !m_repository->commitFile(u"pull-request.txt"_s, content, u"Next commit"_s) ||
            !m_repository->git({u"push"_s, u"--quiet"_s, u"--force"_s, u"--"_s, m_repository->bareClonePath(),
                                u"refs/heads/%1:refs/pull/%2/head"_s.arg(branch).arg(Number)}) ||
            !m_repository->git({u"checkout"_s, u"--quiet"_s, u"main"_s}))
            return {};
        return bareCommit(u"refs/pull/%1/head"_s.arg(Number));
    }

    // `widget` as `name`-light.png and `name`-dark.png in the artifacts folder.
    static void shoot(QWidget* widget, const QString& name)
    {
        for (const QByteArray& scheme : {QByteArray("light"), QByteArray("dark")}) {
            const auto lightAgain = test::useColourScheme(scheme);
            QCoreApplication::processEvents(); // the new palette reaches every widget
            const QString file = name + u'-' + QString::fromLatin1(scheme) + u".png"_s;
            QVERIFY(test::saveShot(widget, file));
            qInfo("Screenshot: %s/%s", FORGE_ARTIFACTS_DIR, qPrintable(file));
        }
    }

    int pullRequests() const { return int(m_github.requestsTo(PullPath).size()); }

    static QString detailOf(ui::MainWindow& window, const QString& id)
    {
        auto* list = window.findChild<QListView*>(u"projectList"_s);
        auto* model = qobject_cast<ProjectListModel*>(list->model());
        return model->indexOf(id).data(ProjectDetailRole).toString();
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY2(qEnvironmentVariable("FORGE_TEST_KEYRING") == u"yes"_s,
                 "run through tests/support/run-keyring-test (ctest does)");
        QVERIFY(m_root.isValid());
        QStandardPaths::setTestModeEnabled(true);
        QApplication::setOrganizationName(u"forge-preview-test"_s);
        QApplication::setApplicationName(u"forge-preview-pull-watch"_s);
        QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, m_root.filePath(u"settings"_s));
        QSettings().clear();
        for (const char* name : {"GH_TOKEN", "GITHUB_TOKEN", "GH_HOST"})
            qunsetenv(name);
        qputenv("FORGE_PREVIEW_THEME", "light");
        ui::Theme::install();
        QDir().mkpath(QStringLiteral(FORGE_ARTIFACTS_DIR));

        // octocat/repo-0 is the env-echo fixture, with pull request 7 as GitHub keeps it.
        const QString served = m_root.filePath(u"served/octocat"_s);
        QVERIFY(QDir().mkpath(served));
        m_repository = std::make_unique<test::FixtureRepository>(m_root.filePath(u"env-echo"_s));
        QVERIFY2(m_repository->initialize(QStringLiteral(FORGE_FIXTURES_DIR) + u"/projects/env-echo"_s),
                 qPrintable(m_repository->errorString()));
        QVERIFY2(m_repository->createBareClone(served, u"repo-0"_s), qPrintable(m_repository->errorString()));
        QVERIFY2(m_repository->addPullRequest(Number, u"pull-request.txt"_s, "first\n"),
                 qPrintable(m_repository->errorString()));
        m_headSha = bareCommit(u"refs/pull/%1/head"_s.arg(Number));
        QCOMPARE(m_headSha.size(), 40);

        // The fake GitHub answers the API and hands git's requests to the git server: the
        // repository is on the account's host, as on github.com.
        m_git = std::make_unique<test::GitHttpServer>(m_root.filePath(u"served"_s));
        QString error;
        QVERIFY2(m_git->listen(&error), qPrintable(error));
        QVERIFY(m_github.listen());
        m_github.otherRoutes = [this](const test::RecordedRequest& request,
                                      const std::shared_ptr<test::HttpExchange>& exchange) {
            if (!isGitRequest(request))
                return false;
            m_git->serve(request, exchange);
            return true;
        };
        m_github.pullsByRepo[Repo] = {FakePull{.number = Number,
                                               .title = u"Fix the login page"_s,
                                               .author = u"alice"_s,
                                               .headRef = u"feature/login"_s,
                                               .headSha = m_headSha,
                                               .baseRef = u"main"_s}};
        GitHubSettings settings;
        settings.apiUrl = m_github.url().toString();
        settings.clientId = m_github.clientId;
        settings.save();
    }

    void staysCurrentWithThePullRequest()
    {
        AppContext context(m_root.filePath(u"data"_s));
        const auto signedIn = QCoro::waitFor(context.accounts().signInWithToken(m_github.token));
        QVERIFY2(signedIn.ok, qPrintable(signedIn.message));
        ui::MainWindow window(context);
        window.resize(1440, 900);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        PullRequestWatcher* watcher = window.pullRequests();
        ui::PullRequestHeader* header = window.pullRequestHeader();
        QList<QUrl> opened;
        header->setLinkOpener([&opened](const QUrl& url) { opened.append(url); });

        const auto parsed =
            RepoRef::parse(m_github.url().resolved(QUrl(u"octocat/repo-0.git"_s)).toString() + u"/pull/7"_s,
                           QDir::homePath());
        QVERIFY(std::holds_alternative<RepoRef>(parsed));
        const Project project = newProject(std::get<RepoRef>(parsed), {}, RunMode::Dev);
        window.openProject(project);
        ProjectSession* session = window.session(project.id);
        QVERIFY(session);
        QSignalSpy painted(&window, &ui::MainWindow::previewPainted);
        auto stopRun = qScopeGuard([&window] { test::shutDown(window); });

        // What the pull request is: in the header above the preview and in its list row.
        QVERIFY(watcher->isPullRequest(project.id));
        QTRY_VERIFY_WITH_TIMEOUT(watcher->pullRequest(project.id).has_value() ||
                                     !watcher->problem(project.id).isEmpty(),
                                 CheckTimeoutMs);
        QVERIFY2(watcher->problem(project.id).isEmpty(), qPrintable(watcher->problem(project.id)));
        QVERIFY(header->isVisible());
        QCOMPARE(header->headerText(),
                 u"#7 Fix the login page · alice · feature/login → main · Open on GitHub"_s);
        QCOMPARE(header->badgeText(), QString());
        QCOMPARE(header->noteText(), QString());
        QVERIFY(!header->isBannerShown());
        QVERIFY(detailOf(window, project.id).startsWith(u"#7 Fix the login page · "_s));
        auto* title = header->findChild<QLabel*>(u"pullRequestTitle"_s);
        QVERIFY(title && title->text().contains(u"<a href"_s));
        Q_EMIT title->linkActivated(u"#github"_s);
        QCOMPARE(opened, (QList<QUrl>{QUrl(u"https://github.com/octocat/repo-0/pull/7"_s)}));
        // The token never went anywhere but the account's API (and its own git server here).
        QVERIFY(watcher->isPolling(project.id));
        QVERIFY(watcher->nextCheck().isValid());
        QVERIFY(QDateTime::currentDateTimeUtc().secsTo(watcher->nextCheck()) >= 55);

        // Live, at the pull request's head: nothing to update.
        QTRY_VERIFY2_WITH_TIMEOUT(
            session->status() == ProjectStatus::Live || session->status() == ProjectStatus::Failed,
            qPrintable(session->failure() ? session->failure()->message() : QString()), RunTimeoutMs);
        QVERIFY2(session->status() == ProjectStatus::Live,
                 qPrintable(session->failure() ? session->failure()->message() : QString()));
        QTRY_COMPARE(session->checkedOutCommit(), m_headSha);
        QVERIFY(!watcher->updateAvailable(project.id));
        QVERIFY(!header->isBannerShown());
        QVERIFY(!window.actions()->updatePullRequest()->isEnabled());

        // A poll GitHub answers 304: conditional, and nothing changes.
        const int before = pullRequests();
        QSignalSpy checked(watcher, &PullRequestWatcher::checked);
        QSignalSpy changed(watcher, &PullRequestWatcher::changed);
        QVERIFY(watcher->checkNow(project.id));
        QVERIFY(checked.wait(CheckTimeoutMs));
        QCOMPARE(pullRequests(), before + 1);
        const test::RecordedRequest poll = m_github.requestsTo(PullPath).constLast();
        QVERIFY(poll.hasHeader("If-None-Match"));
        QCOMPARE(poll.status, 304);
        QCOMPARE(changed.count(), 0);
        QCOMPARE(header->headerText(),
                 u"#7 Fix the login page · alice · feature/login → main · Open on GitHub"_s);
        QVERIFY(!header->isBannerShown());
        QVERIFY(watcher->nextCheck().isValid());

        // New commits on the pull request: "PR updated — Update".
        const QString newSha = pushToPullRequest("second\n");
        QVERIFY2(newSha.size() == 40 && newSha != m_headSha, qPrintable(m_repository->errorString()));
        QVERIFY(m_github.pushToPull(Repo, Number, newSha));
        QVERIFY(watcher->checkNow(project.id));
        QVERIFY(checked.wait(CheckTimeoutMs));
        QCOMPARE(m_github.requestsTo(PullPath).constLast().status, 200);
        QVERIFY(watcher->updateAvailable(project.id));
        QTRY_VERIFY(header->isBannerShown());
        QVERIFY2(header->bannerText().startsWith(u"PR updated"_s), qPrintable(header->bannerText()));
        QVERIFY(header->bannerText().contains(newSha.left(7)));
        QVERIFY(header->updateButton()->isEnabled());
        QCOMPARE(header->updateButton()->text(), u"Update"_s);
        QVERIFY(window.actions()->updatePullRequest()->isEnabled());
        QCOMPARE(window.actions()->updatePullRequest()->shortcut(), QKeySequence(u"Ctrl+Shift+U"_s));
        // The page under the banner, for the pictures (they are taken either way).
        if (painted.isEmpty())
            (void)painted.wait(30'000);
        shoot(header->parentWidget(), u"pull-request-watch-banner"_s);

        // Update asks the registry to bring the preview up to the new head.
        QSignalSpy started(session, &ProjectSession::pullRequestUpdateStarted);
        QSignalSpy updated(session, &ProjectSession::pullRequestUpdated);
        QSignalSpy failed(session, &ProjectSession::pullRequestUpdateFailed);
        header->updateButton()->click();
        QVERIFY(started.count() == 1 || started.wait(CheckTimeoutMs));
        QTRY_VERIFY_WITH_TIMEOUT(updated.count() + failed.count() > 0, RunTimeoutMs);
        if (!failed.isEmpty()) {
            // Said, and Update stays to try again.
            const QString cause = failed.constFirst().constFirst().toString();
            QTRY_VERIFY(header->bannerText().contains(cause));
            QVERIFY(header->updateButton()->isEnabled());
            QFAIL(qPrintable(u"the update failed: "_s + cause));
        }
        QTRY_COMPARE(session->checkedOutCommit(), newSha);
        QTRY_VERIFY(!header->isBannerShown());
        QVERIFY(!window.actions()->updatePullRequest()->isEnabled());

        // Merged: said, and never asked about again.
        QVERIFY(m_github.mergePull(Repo, Number));
        QVERIFY(watcher->checkNow(project.id));
        QVERIFY(checked.wait(CheckTimeoutMs));
        QTRY_COMPARE(header->badgeText(), u"Merged"_s);
        QCOMPARE(header->noteText(), u"This pull request was merged; no longer checking for new commits."_s);
        QVERIFY(detailOf(window, project.id).contains(u"merged"_s));
        QVERIFY(!watcher->isPolling(project.id));
        QVERIFY(!watcher->nextCheck().isValid());
        const int afterMerge = pullRequests();
        QVERIFY(!watcher->checkNow(project.id));
        QCoreApplication::processEvents();
        QCOMPARE(pullRequests(), afterMerge);
        shoot(header, u"pull-request-watch-merged"_s);
    }

    void withoutAnAccountItSaysSoAndAsksNothing()
    {
        AppContext context(m_root.filePath(u"data-signed-out"_s));
        QCoro::waitFor(context.accounts().signOut());
        QVERIFY(!context.accounts().account());
        ui::MainWindow window(context);
        window.resize(1200, 800);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        const auto parsed =
            RepoRef::parse(m_github.url().resolved(QUrl(u"octocat/repo-0.git"_s)).toString() + u"/pull/7"_s,
                           QDir::homePath());
        const Project project = newProject(std::get<RepoRef>(parsed), {}, RunMode::Dev);
        const int before = pullRequests();
        context.projects()->adopt(project); // added, not run
        PullRequestWatcher* watcher = window.pullRequests();
        QTRY_VERIFY(!watcher->problem(project.id).isEmpty());
        QVERIFY2(watcher->problem(project.id).startsWith(u"Could not check pull request #7: sign in"_s),
                 qPrintable(watcher->problem(project.id)));
        QCOMPARE(pullRequests(), before);
        QVERIFY(detailOf(window, project.id).startsWith(u"pull request #7"_s));
    }
};

QTEST_MAIN(TestPullRequestWatch)
#include "tst_pullrequestwatch.moc"
