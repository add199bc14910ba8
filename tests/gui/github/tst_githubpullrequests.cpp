// Issue 21 in the picker's GitHub tab, against the fake GitHub on 127.0.0.1: the selected
// repository's open pull requests listed page by page (number, title, author, branch, draft and fork
// tags; closed and merged ones absent), the list's filter, a pull request picked by keyboard through
// the real picker, whose result is the pull request's RepoRef and clones its head from a local git
// server; rate limits and a missing repository said inline with Retry; choosing a branch again; the
// URL tab taking a pull request's address; the link confirmation naming the pull request; its
// project named "owner/repo #N" in the project list.
// Screenshots of the list, light and dark.

#include "../GuiTestHelpers.h"
#include "FakeGitHub.h"
#include "FixtureRepository.h"
#include "GitHttpServer.h"
#include "app/AppContext.h"
#include "app/ProjectListModel.h"
#include "app/ProjectRegistry.h"
#include "core/DeepLink.h"
#include "core/RepoRef.h"
#include "github/GitHubConfig.h"
#include "sandbox/GitEnvironment.h"
#include "ui/common/Theme.h"
#include "ui/window/GitHubSource.h"
#include "ui/window/OpenLinkDialog.h"
#include "ui/window/ProjectListDelegate.h"
#include "ui/window/PullRequestList.h"
#include "ui/window/RepoPickerDialog.h"
#include "ui/window/UrlSource.h"
#include "workflow/ProjectSession.h"

#include <QApplication>
#include <QComboBox>
#include <QDir>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QListView>
#include <QProcess>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QTextDocumentFragment>
#include <QTreeWidget>
#include <memory>

using namespace Qt::StringLiterals;
using namespace forge;
using forge::ui::GitHubSource;
using forge::ui::PullRequestList;

namespace {

constexpr int LoadTimeoutMs = 20'000;
constexpr int PickedPullRequest = 3; // from a fork
const QByteArray PullRequestPage = "<h1>changed by pull request 3</h1>\n";

// The default pull requests, updated a few minutes to days ago so that the list reads as it would.
QList<FakePull> recentPulls()
{
    QList<FakePull> pulls = FakeGitHub::defaultPulls();
    const QDateTime now = QDateTime::currentDateTimeUtc();
    const qint64 agoSeconds[] = {5 * 60, 3 * 3600, 26 * 3600, 12 * 24 * 3600, 40 * 60, 50 * 60};
    for (qsizetype i = 0; i < pulls.size(); ++i)
        pulls[i].updatedAt = now.addSecs(-agoSeconds[i]);
    return pulls;
}

// The numbers of the rows the list shows, top to bottom.
QList<int> shownNumbers(QTreeWidget* tree)
{
    QList<int> numbers;
    for (int i = 0; i < tree->topLevelItemCount(); ++i) {
        if (!tree->topLevelItem(i)->isHidden())
            numbers << tree->topLevelItem(i)->data(0, PullRequestList::NumberRole).toInt();
    }
    return numbers;
}

QTreeWidgetItem* rowOf(QTreeWidget* tree, int number)
{
    for (int i = 0; i < tree->topLevelItemCount(); ++i) {
        if (tree->topLevelItem(i)->data(0, PullRequestList::NumberRole).toInt() == number)
            return tree->topLevelItem(i);
    }
    return nullptr;
}

// Runs git without the host's configuration or proxies and waits for its end on the event loop:
// the git server answers in this thread, so a blocking wait would never see an answer.
QString runGit(const QStringList& arguments)
{
    QProcess git;
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    for (const char* name :
         {"http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "all_proxy"})
        environment.remove(QString::fromLatin1(name));
    environment.insert(u"GIT_CONFIG_NOSYSTEM"_s, u"1"_s);
    environment.insert(u"GIT_CONFIG_GLOBAL"_s, u"/dev/null"_s);
    environment.insert(u"GIT_TERMINAL_PROMPT"_s, u"0"_s);
    git.setProcessEnvironment(environment);
    QSignalSpy finished(&git, &QProcess::finished);
    git.start(u"git"_s, arguments);
    if (!finished.wait(60'000))
        return u"git %1 did not finish"_s.arg(arguments.join(u' '));
    if (git.exitStatus() != QProcess::NormalExit || git.exitCode() != 0)
        return u"git %1: %2"_s.arg(arguments.join(u' '), QString::fromUtf8(git.readAllStandardError()));
    return {};
}

} // namespace

class TestGitHubPullRequests : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_root;
    std::unique_ptr<test::GitHttpServer> m_git;
    std::unique_ptr<FakeGitHub> m_fake;

    GitHubSource* makeSource(QWidget* parent = nullptr)
    {
        auto config = github::GitHubConfig::singleServer(m_fake->url(), m_fake->clientId);
        auto* source = new GitHubSource(config, m_fake->token, u"octocat"_s, parent);
        return source;
    }

    // Shows `window` (which starts the listing) and waits until the repositories are listed.
    static bool showAndLoad(QWidget* window, GitHubSource* source)
    {
        QSignalSpy finished(source, &GitHubSource::loadFinished);
        window->show();
        return finished.wait(LoadTimeoutMs) && QTest::qWaitForWindowExposed(window);
    }

    // Selects `fullName` and waits until its pull requests are listed.
    static bool selectAndListPulls(GitHubSource* source, const QString& fullName)
    {
        QSignalSpy listed(source, &GitHubSource::pullRequestsLoaded);
        return source->selectRepository(fullName) && listed.wait(LoadTimeoutMs);
    }

    static QTreeWidget* pullTree(QWidget* source)
    {
        return source->findChild<QTreeWidget*>(u"githubPullRequests"_s);
    }

    static QString labelText(QWidget* root, const QString& name)
    {
        auto* label = root->findChild<QLabel*>(name);
        return label ? label->text() : u"<no label %1>"_s.arg(name);
    }

    // The RepoRef the picker must return for pull request `number` of octocat/repo-0.
    RepoRef expectedReference(int number) const
    {
        const QString cloneUrl = m_git->url().resolved(QUrl(u"octocat/repo-0.git"_s)).toString();
        const auto base = RepoRef::parse(cloneUrl, QDir::homePath());
        const auto parsed =
            RepoRef::parse(std::get<RepoRef>(base).canonical() + u"/pull/"_s + QString::number(number), {});
        return std::get<RepoRef>(parsed);
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_root.isValid());
        QStandardPaths::setTestModeEnabled(true);
        QApplication::setOrganizationName(u"forge-preview-test"_s);
        QApplication::setApplicationName(u"forge-preview-pulls"_s);
        QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, m_root.filePath(u"settings"_s));
        ui::Theme::install();
        QDir().mkpath(QStringLiteral(FORGE_ARTIFACTS_DIR));

        // octocat/repo-0 on a real git server, with pull request 3 kept as GitHub keeps a fork's:
        // refs/pull/3/head in the base repository, on no branch of it.
        const QString served = m_root.filePath(u"served/octocat"_s);
        QVERIFY(QDir().mkpath(served));
        test::FixtureRepository repository(m_root.filePath(u"repo-0"_s));
        QVERIFY2(repository.initializeWithFiles({{u"index.html"_s, "<h1>main</h1>\n"}}),
                 qPrintable(repository.errorString()));
        QVERIFY2(repository.createBareClone(served, u"repo-0"_s), qPrintable(repository.errorString()));
        QVERIFY2(repository.addPullRequest(PickedPullRequest, u"index.html"_s, PullRequestPage),
                 qPrintable(repository.errorString()));
        m_git = std::make_unique<test::GitHttpServer>(m_root.filePath(u"served"_s));
        QString error;
        QVERIFY2(m_git->listen(&error), qPrintable(error));
    }

    void init()
    {
        m_fake = std::make_unique<FakeGitHub>();
        QVERIFY(m_fake->listen());
        m_fake->cloneBase = m_git->url();
        m_fake->repositoryCount = 40;
        m_fake->pullsByRepo[u"octocat/repo-0"_s] = recentPulls();
    }

    void cleanup() { m_fake.reset(); }

    void listsTheOpenPullRequestsWithTheirTags()
    {
        std::unique_ptr<GitHubSource> source(makeSource());
        source->resize(760, 560);
        QVERIFY(showAndLoad(source.get(), source.get()));
        QTreeWidget* tree = pullTree(source.get());
        QVERIFY(tree);
        // Nothing to list before a repository is chosen, and it says so.
        QCOMPARE(tree->topLevelItemCount(), 0);
        QVERIFY(labelText(source.get(), u"githubPullStatus"_s).contains(u"Choose a repository"_s));

        QVERIFY(selectAndListPulls(source.get(), u"octocat/repo-0"_s));
        const auto asked = m_fake->requestsTo("/repos/octocat/repo-0/pulls");
        QCOMPARE(asked.size(), 1);
        QCOMPARE(asked.first().queryItems().queryItemValue(u"state"_s), u"open"_s);
        // Most recently updated first; the closed (#5) and merged (#6) ones are not there.
        QCOMPARE(shownNumbers(tree), (QList<int>{1, 2, 3, 4}));
        QCOMPARE(labelText(source.get(), u"githubPullCount"_s), u"4 open"_s);
        QVERIFY(!source->findChild<QLabel*>(u"githubPullStatus"_s)->isVisible());

        QTreeWidgetItem* fork = rowOf(tree, 3);
        QCOMPARE(fork->text(0), u"#3"_s);
        QCOMPARE(fork->text(1), u"Fix a typo in the README"_s);
        QCOMPARE(fork->text(2), u"contributor"_s);
        QCOMPARE(fork->text(3), u"patch-1"_s);
        QCOMPARE(fork->toolTip(3), u"contributor/repo-0:patch-1"_s);
        QCOMPARE(fork->text(4), u"fork"_s);
        QCOMPARE(fork->text(5), u"yesterday"_s);
        QCOMPARE(rowOf(tree, 1)->text(4), QString()); // a plain one has no tag
        QCOMPARE(rowOf(tree, 1)->text(5), u"5 min ago"_s);
        QCOMPARE(rowOf(tree, 2)->text(4), u"draft"_s);
        QCOMPARE(rowOf(tree, 4)->text(4), u"fork"_s); // its fork was deleted: still not the base's code
        QVERIFY(rowOf(tree, 4)->toolTip(3).contains(u"deleted"_s));
        QCOMPARE(rowOf(tree, 2)->data(0, PullRequestList::BadgesRole).toStringList(),
                 QStringList{u"draft"_s});

        // Nothing chosen yet: the tab's choice is the repository's default branch.
        QCOMPARE(source->selectedPullRequest(), 0);
        QCOMPARE(source->branch(), u"main"_s);
        auto* preview = source->findChild<QPushButton*>(u"githubPullPreview"_s);
        QVERIFY(!preview->isEnabled());
    }

    void fillsPageByPageWithProgress()
    {
        QList<FakePull> many;
        for (int number = 1; number <= 130; ++number)
            many.append({.number = number,
                         .title = u"Change %1"_s.arg(number),
                         .headRef = u"change-%1"_s.arg(number)});
        m_fake->pullsByRepo[u"octocat/repo-1"_s] = many;
        std::unique_ptr<GitHubSource> source(makeSource());
        QVERIFY(showAndLoad(source.get(), source.get()));
        auto* count = source->findChild<QLabel*>(u"githubPullCount"_s);
        // When page 2 is asked for, page 1 is on screen with the progress.
        QStringList countWhenAsked;
        connect(m_fake.get(), &FakeGitHub::requestReceived, this, [&] { countWhenAsked << count->text(); });
        QVERIFY(selectAndListPulls(source.get(), u"octocat/repo-1"_s));
        QCOMPARE(m_fake->requestsTo("/repos/octocat/repo-1/pulls").size(), 2);
        QVERIFY2(countWhenAsked.contains(u"Loading… 100 so far"_s), qPrintable(countWhenAsked.join(u'|')));
        QCOMPARE(pullTree(source.get())->topLevelItemCount(), 130);
        QCOMPARE(count->text(), u"130 open"_s);
    }

    void filterMatchesNumberTitleAuthorAndBranch()
    {
        std::unique_ptr<GitHubSource> source(makeSource());
        QVERIFY(showAndLoad(source.get(), source.get()));
        QVERIFY(selectAndListPulls(source.get(), u"octocat/repo-0"_s));
        QTreeWidget* tree = pullTree(source.get());
        auto* filter = source->findChild<QLineEdit*>(u"githubPullFilter"_s);
        QVERIFY(filter);
        QCOMPARE(filter->placeholderText(), u"Filter pull requests"_s);

        filter->setText(u"PARSER"_s); // title and branch, any case
        QCOMPARE(shownNumbers(tree), QList<int>{2});
        QCOMPARE(labelText(source.get(), u"githubPullCount"_s), u"1 of 4"_s);
        filter->setText(u"contributor"_s); // author
        QCOMPARE(shownNumbers(tree), QList<int>{3});
        filter->setText(u"dark-mode"_s); // head branch
        QCOMPARE(shownNumbers(tree), QList<int>{1});
        filter->setText(u"#4"_s); // the number
        QCOMPARE(shownNumbers(tree), QList<int>{4});
        filter->setText(u"idea someone"_s); // every word must match
        QCOMPARE(shownNumbers(tree), QList<int>{4});
        filter->setText(u"abandoned"_s); // closed: not listed at all
        QCOMPARE(shownNumbers(tree), QList<int>{});
        QCOMPARE(labelText(source.get(), u"githubPullCount"_s), u"No match"_s);
        filter->clear();
        QCOMPARE(shownNumbers(tree), (QList<int>{1, 2, 3, 4}));
        QCOMPARE(labelText(source.get(), u"githubPullCount"_s), u"4 open"_s);
    }

    void pickedByKeyboardItIsThePullRequestAndClonesItsHead()
    {
        ui::RepoPickerDialog picker;
        GitHubSource* source = makeSource();
        picker.addSource(source, 0);
        picker.showSource(source);
        picker.resize(820, 900);
        QVERIFY(showAndLoad(&picker, source));
        picker.activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(&picker));

        // The repository by keyboard: its name in the tab's filter, Enter takes the match.
        auto* repositoryFilter = source->findChild<QLineEdit*>(u"githubFilter"_s);
        source->focusInput(); // what showing the tab does
        QTRY_VERIFY(repositoryFilter->hasFocus());
        QSignalSpy listed(source, &GitHubSource::pullRequestsLoaded);
        QTest::keyClicks(repositoryFilter, u"octocat/repo-0"_s);
        QTest::keyClick(repositoryFilter, Qt::Key_Return);
        QCOMPARE(source->selectedRepository()->fullName, u"octocat/repo-0"_s);
        QVERIFY(listed.wait(LoadTimeoutMs));

        // The pull request by keyboard: Tab to its filter, type, Down into the list.
        auto* pullFilter = source->findChild<QLineEdit*>(u"githubPullFilter"_s);
        for (int i = 0; i < 12 && !pullFilter->hasFocus(); ++i)
            QTest::keyClick(QApplication::focusWidget(), Qt::Key_Tab);
        QVERIFY2(pullFilter->hasFocus(), QApplication::focusWidget()->metaObject()->className());
        QTest::keyClicks(pullFilter, u"typo"_s);
        QTest::keyClick(pullFilter, Qt::Key_Down);
        QTreeWidget* tree = pullTree(source);
        QTRY_VERIFY(tree->hasFocus());
        QCOMPARE(source->selectedPullRequest(), PickedPullRequest);
        auto* preview = source->findChild<QPushButton*>(u"githubPullPreview"_s);
        QVERIFY(preview->isEnabled());
        QCOMPARE(preview->text().remove(u'&'), u"Preview PR #3"_s);
        // The choice is the pull request, not a branch.
        QCOMPARE(source->branch(), QString());
        QVERIFY(labelText(source, u"githubBranchNote"_s).contains(u"#3"_s));
        QVERIFY(test::acceptButton(&picker)->isEnabled());
        QVERIFY(test::saveShot(&picker, u"github-pull-requests-picker.png"_s));

        QSignalSpy accepted(&picker, &QDialog::accepted);
        QTest::keyClick(tree, Qt::Key_Return);
        QTRY_VERIFY(accepted.count() >= 1);

        const Project project = picker.project();
        const RepoRef expected = expectedReference(PickedPullRequest);
        QCOMPARE(project.repository, expected.address());
        QCOMPARE(project.branch, QString());
        const auto parsed = RepoRef::parse(project.repository, QDir::homePath());
        QVERIFY(std::holds_alternative<RepoRef>(parsed));
        const RepoRef& picked = std::get<RepoRef>(parsed);
        QCOMPARE(picked.pullRequest(), PickedPullRequest);
        QCOMPARE(picked.url(), expected.url());
        QCOMPARE(project.id, newProject(expected, {}, RunMode::Dev).id);

        // What a run clones for it is the pull request's head, from the local git server.
        const QString target = m_root.filePath(u"clone-pr-3"_s);
        for (const QStringList& arguments : GitEnvironment::checkoutArguments(
                 picked.url(), project.branch, picked.pullRequest(), 1, target)) {
            const QString failure = runGit(arguments);
            QVERIFY2(failure.isEmpty(), qPrintable(failure));
        }
        QFile page(target + u"/index.html"_s);
        QVERIFY(page.open(QIODevice::ReadOnly));
        QCOMPARE(page.readAll(), PullRequestPage);
    }

    void doubleClickAndPreviewButtonOpenToo()
    {
        ui::RepoPickerDialog picker;
        GitHubSource* source = makeSource();
        picker.addSource(source, 0);
        picker.showSource(source);
        picker.resize(820, 900);
        QVERIFY(showAndLoad(&picker, source));
        QVERIFY(selectAndListPulls(source, u"octocat/repo-0"_s));
        QTreeWidget* tree = pullTree(source);
        QSignalSpy accepted(&picker, &QDialog::accepted);
        QTreeWidgetItem* draft = rowOf(tree, 2);
        tree->scrollToItem(draft);
        const QPoint at = tree->visualItemRect(draft).center();
        // QTest sends a widget's double click as that event alone: the click is its first press.
        QTest::mouseClick(tree->viewport(), Qt::LeftButton, {}, at);
        QTest::mouseDClick(tree->viewport(), Qt::LeftButton, {}, at);
        QTRY_COMPARE(accepted.count(), 1);
        QCOMPARE(picker.project().repository, expectedReference(2).address());

        // Preview PR #N does the same.
        picker.show();
        QSignalSpy acceptedAgain(&picker, &QDialog::accepted);
        source->findChild<PullRequestList*>()->selectPullRequest(1);
        QTest::mouseClick(source->findChild<QPushButton*>(u"githubPullPreview"_s), Qt::LeftButton);
        QTRY_COMPARE(acceptedAgain.count(), 1);
        QCOMPARE(picker.project().repository, expectedReference(1).address());
    }

    void choosingABranchGoesBackToIt()
    {
        std::unique_ptr<GitHubSource> source(makeSource());
        QVERIFY(showAndLoad(source.get(), source.get()));
        QSignalSpy branches(source.get(), &GitHubSource::branchesLoaded);
        QVERIFY(selectAndListPulls(source.get(), u"octocat/repo-0"_s));
        QVERIFY(!source->isLoadingBranches() || branches.wait(LoadTimeoutMs));
        source->findChild<PullRequestList*>()->selectPullRequest(1);
        QCOMPARE(source->selectedPullRequest(), 1);
        QVERIFY(source->repository().endsWith(u"/pull/1"_s));

        auto* branch = source->findChild<QComboBox*>(u"githubBranch"_s);
        const int dev = branch->findText(u"dev"_s);
        QVERIFY(dev >= 0);
        branch->setCurrentIndex(dev);
        Q_EMIT branch->activated(dev); // what choosing it in the popup sends
        QCOMPARE(source->selectedPullRequest(), 0);
        QCOMPARE(source->branch(), u"dev"_s);
        QCOMPARE(source->repository(), m_git->url().resolved(QUrl(u"octocat/repo-0.git"_s)).toString());
        QVERIFY(!labelText(source.get(), u"githubBranchNote"_s).contains(u"pull request"_s));
    }

    void rateLimitIsSaidWithWhenToRetry()
    {
        std::unique_ptr<GitHubSource> source(makeSource());
        source->resize(760, 560);
        QVERIFY(showAndLoad(source.get(), source.get()));
        const QDateTime reset = QDateTime::currentDateTimeUtc().addSecs(600);
        m_fake->rateLimit = FakeGitHub::RateLimit::Primary;
        m_fake->rateLimitReset = reset.toSecsSinceEpoch();
        QVERIFY(selectAndListPulls(source.get(), u"octocat/repo-0"_s));
        auto* status = source->findChild<QLabel*>(u"githubPullStatus"_s);
        auto* retry = source->findChild<QPushButton*>(u"githubPullRetry"_s);
        QVERIFY(status->isVisible() && retry->isVisible());
        QVERIFY2(status->text().contains(u"rate limit is used up"_s), qPrintable(status->text()));
        const QString hhmm = QLocale().toString(
            QDateTime::fromSecsSinceEpoch(reset.toSecsSinceEpoch()).toLocalTime().time(), u"HH:mm"_s);
        QVERIFY2(status->text().contains(hhmm), qPrintable(status->text()));
        QCOMPARE(labelText(source.get(), u"githubPullCount"_s), QString());
        // A listing that failed does not stop the repository from being opened on a branch.
        QVERIFY2(source->problem().isEmpty(), qPrintable(source->problem()));
        QVERIFY(test::saveShot(source.get(), u"github-pull-requests-rate-limit.png"_s));

        m_fake->rateLimit = FakeGitHub::RateLimit::None;
        QSignalSpy listed(source.get(), &GitHubSource::pullRequestsLoaded);
        QTest::mouseClick(retry, Qt::LeftButton);
        QVERIFY(listed.wait(LoadTimeoutMs));
        QCOMPARE(shownNumbers(pullTree(source.get())), (QList<int>{1, 2, 3, 4}));
        QVERIFY(!status->isVisible());
        QVERIFY(retry->isHidden());
    }

    void aRepositoryGitHubDoesNotFindIsSaid()
    {
        std::unique_ptr<GitHubSource> source(makeSource());
        QVERIFY(showAndLoad(source.get(), source.get()));
        m_fake->pullsByRepo.remove(u"octocat/repo-0"_s); // answers 404, as for a repository gone
        QVERIFY(selectAndListPulls(source.get(), u"octocat/repo-0"_s));
        const QString text = labelText(source.get(), u"githubPullStatus"_s);
        QVERIFY2(text.contains(u"did not find octocat/repo-0"_s) && text.contains(u"Refresh"_s),
                 qPrintable(text));
        QVERIFY(source->findChild<QPushButton*>(u"githubPullRetry"_s)->isVisible());

        // An empty list is not an error.
        m_fake->pullsByRepo[u"octocat/repo-0"_s] = {};
        QSignalSpy listed(source.get(), &GitHubSource::pullRequestsLoaded);
        source->findChild<QPushButton*>(u"githubPullRetry"_s)->click();
        QVERIFY(listed.wait(LoadTimeoutMs));
        QCOMPARE(labelText(source.get(), u"githubPullStatus"_s),
                 u"octocat/repo-0 has no open pull requests."_s);
        QVERIFY(source->findChild<QPushButton*>(u"githubPullRetry"_s)->isHidden());
        QCOMPARE(labelText(source.get(), u"githubPullCount"_s), u"0 open"_s);
    }

    void theUrlTabTakesAPullRequestsAddress()
    {
        ui::UrlSource source;
        auto* url = source.findChild<QLineEdit*>(u"repositoryUrl"_s);
        QVERIFY(url->placeholderText().contains(u"/pull/"_s));
        QVERIFY(source.problem().contains(u"pull request"_s));
        source.setRepository(u"https://github.com/octocat/repo-0/pull/3/files"_s);
        QVERIFY2(source.problem().isEmpty(), qPrintable(source.problem()));
        QStringList texts;
        for (const QLabel* label : source.findChildren<QLabel*>())
            texts << label->text();
        const QString status = texts.join(u'\n');
        QVERIFY2(status.contains(u"Will clone pull request #3 of https://github.com/octocat/repo-0"_s),
                 qPrintable(status));
        // Its head is what is previewed: a branch with it is refused, not ignored.
        source.setBranch(u"main"_s);
        QVERIFY(source.problem().contains(u"leave the branch empty"_s));
        source.setBranch(QString());
        QVERIFY(source.problem().isEmpty());
    }

    void aLinkToAPullRequestNamesIt()
    {
        const auto parsed = DeepLink::parse(u"forge-preview://open?repo=octocat/repo-0&pr=3"_s);
        QVERIFY(std::holds_alternative<DeepLink>(parsed));
        ui::OpenLinkDialog dialog(std::get<DeepLink>(parsed), u"this computer"_s);
        dialog.show();
        QVERIFY(QTest::qWaitForWindowExposed(&dialog));
        // As read: without markup and the word joiner that keeps "owner/repo" on one line.
        const QString intro = QTextDocumentFragment::fromHtml(labelText(&dialog, u"linkIntro"_s))
                                  .toPlainText()
                                  .remove(QChar(0x2060));
        QVERIFY2(intro.contains(u"pull request #3 of octocat/repo-0"_s), qPrintable(intro));
        QCOMPARE(labelText(&dialog, u"linkRepository"_s), u"https://github.com/octocat/repo-0"_s);
        QVERIFY(labelText(&dialog, u"linkPullRequest"_s).startsWith(u"#3 of octocat/repo-0"_s));
        QVERIFY(!dialog.findChild<QLabel*>(u"linkBranch"_s));
        QVERIFY(labelText(&dialog, u"linkWarning"_s).contains(u"author"_s));
        QVERIFY(dialog.cancelButton()->isDefault());
        QVERIFY(test::saveShot(&dialog, u"open-link-pull-request.png"_s));
    }

    void itsProjectIsNamedWithTheNumber()
    {
        AppContext context(m_root.filePath(u"data-names"_s));
        ProjectRegistry& registry = *context.projects();
        const Project pull = newProject(expectedReference(PickedPullRequest), {}, RunMode::Dev);
        const auto base = RepoRef::parse(expectedReference(PickedPullRequest).canonical(), {});
        const Project repository = newProject(std::get<RepoRef>(base), {}, RunMode::Dev);
        registry.adopt(repository);
        registry.adopt(pull);
        QCOMPARE(registry.displayName(pull.id), u"octocat/repo-0 #3"_s);
        QCOMPARE(registry.displayName(repository.id), u"octocat/repo-0"_s);

        ProjectListModel model(registry);
        QListView list;
        list.setModel(&model);
        list.setItemDelegate(new ui::ProjectListDelegate(&list));
        list.resize(300, 160);
        list.show();
        QVERIFY(QTest::qWaitForWindowExposed(&list));
        QCOMPARE(model.index(int(registry.ids().indexOf(pull.id))).data().toString(), u"octocat/repo-0 #3"_s);
        QVERIFY(test::saveShot(&list, u"project-list-pull-request.png"_s));
    }

    void screenshots()
    {
        m_fake->pullsByRepo[u"octocat/repo-0"_s].append(
            {.number = 7,
             .title = u"Move the settings page to the new design system and drop the old theme switcher"_s,
             .author = u"dependabot-like-long-login"_s,
             .headRef = u"feature/settings-design-system"_s,
             .updatedAt = QDateTime::currentDateTimeUtc().addSecs(-90)});
        for (const char* scheme : {"light", "dark"}) {
            qputenv("FORGE_PREVIEW_THEME", scheme);
            ui::Theme::install();
            ui::RepoPickerDialog picker;
            GitHubSource* source = makeSource();
            picker.addSource(source, 0);
            picker.showSource(source);
            picker.resize(820, 900);
            QVERIFY(showAndLoad(&picker, source));
            QVERIFY(selectAndListPulls(source, u"octocat/repo-0"_s));
            source->findChild<PullRequestList*>()->selectPullRequest(PickedPullRequest);
            QVERIFY(test::saveShot(&picker, u"github-pull-requests-%1.png"_s.arg(QLatin1StringView(scheme))));
        }
        qunsetenv("FORGE_PREVIEW_THEME");
        ui::Theme::install();
    }
};

QTEST_MAIN(TestGitHubPullRequests)
#include "tst_githubpullrequests.moc"
