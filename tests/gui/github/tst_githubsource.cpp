// The picker's GitHub tab against the fake GitHub on 127.0.0.1: the list fills page by page, grouped
// by owner and newest push first, with badges; the filter; branches with the default preselected;
// rate limits and a refused token shown inline (Retry works, the token never shows); and a
// repository and branch picked through the real picker dialog.

#include "../GuiTestHelpers.h"
#include "FakeGitHub.h"
#include "core/RepoRef.h"
#include "github/GitHubConfig.h"
#include "ui/common/Theme.h"
#include "ui/window/GitHubSource.h"
#include "ui/window/RepoPickerDialog.h"

#include <QApplication>
#include <QComboBox>
#include <QDir>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QTest>
#include <QTreeWidget>
#include <memory>

using namespace Qt::StringLiterals;
using namespace forge;
using forge::ui::GitHubSource;

namespace {

constexpr int LoadTimeoutMs = 20'000;

// Every text a user can read in the tab: labels, tooltips, the status line, items.
QString visibleTexts(QWidget* root)
{
    QStringList texts;
    for (QLabel* label : root->findChildren<QLabel*>())
        texts << label->text() << label->toolTip();
    for (QWidget* widget : root->findChildren<QWidget*>())
        texts << widget->toolTip();
    return texts.join(u'\n');
}

} // namespace

class TestGitHubSource : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<FakeGitHub> m_fake;

    std::unique_ptr<GitHubSource> makeSource(const QString& token = {})
    {
        auto config = github::GitHubConfig::singleServer(m_fake->url(), m_fake->clientId);
        return std::make_unique<GitHubSource>(config, token.isEmpty() ? m_fake->token : token, u"octocat"_s);
    }

    // Shows the tab (which starts the listing) and waits until it ended.
    static bool showAndLoad(QWidget* window, GitHubSource* source)
    {
        QSignalSpy finished(source, &GitHubSource::loadFinished);
        window->show();
        return finished.wait(LoadTimeoutMs);
    }

    static QTreeWidget* tree(GitHubSource* source)
    {
        return source->findChild<QTreeWidget*>(u"githubRepositories"_s);
    }

    static int visibleRepositories(QTreeWidget* tree)
    {
        int count = 0;
        for (int g = 0; g < tree->topLevelItemCount(); ++g) {
            QTreeWidgetItem* group = tree->topLevelItem(g);
            for (int i = 0; !group->isHidden() && i < group->childCount(); ++i)
                count += group->child(i)->isHidden() ? 0 : 1;
        }
        return count;
    }

    static QTreeWidgetItem* itemFor(QTreeWidget* tree, const QString& fullName)
    {
        for (int g = 0; g < tree->topLevelItemCount(); ++g) {
            QTreeWidgetItem* group = tree->topLevelItem(g);
            for (int i = 0; i < group->childCount(); ++i) {
                if (group->child(i)->data(0, GitHubSource::FullNameRole).toString() == fullName)
                    return group->child(i);
            }
        }
        return nullptr;
    }

private Q_SLOTS:
    void initTestCase()
    {
        ui::Theme::install();
        QDir().mkpath(QStringLiteral(FORGE_ARTIFACTS_DIR));
    }

    void init()
    {
        m_fake = std::make_unique<FakeGitHub>();
        QVERIFY(m_fake->listen());
    }

    void cleanup() { m_fake.reset(); }

    void listsEveryPageGroupedNewestFirst()
    {
        auto source = makeSource();
        auto* count = source->findChild<QLabel*>(u"githubCount"_s);
        QVERIFY(count);
        // When page 2 is asked for, page 1 is already on screen.
        QStringList countWhenPageAsked;
        connect(m_fake.get(), &FakeGitHub::requestReceived, this,
                [&] { countWhenPageAsked << count->text(); });
        QVERIFY(showAndLoad(source.get(), source.get()));
        QCOMPARE(m_fake->requestsTo("/user/repos").size(), 3);
        QVERIFY2(countWhenPageAsked.value(1).contains(u"100 so far"_s),
                 qPrintable(countWhenPageAsked.join(u'|')));
        QCOMPARE(source->repositories().size(), 250);
        QCOMPARE(count->text(), u"250 repositories"_s);

        QTreeWidget* list = tree(source.get());
        QVERIFY(list);
        QCOMPARE(visibleRepositories(list), 250);
        QCOMPARE(list->topLevelItemCount(), 2);
        QTreeWidgetItem* mine = list->topLevelItem(0);
        QTreeWidgetItem* org = list->topLevelItem(1);
        QVERIFY2(mine->text(0).startsWith(u"octocat (you)"_s), qPrintable(mine->text(0)));
        QVERIFY2(org->text(0).startsWith(u"octo-org"_s), qPrintable(org->text(0)));
        QCOMPARE(mine->childCount() + org->childCount(), 250);
        QCOMPARE(org->childCount(), 83);
        for (QTreeWidgetItem* group : {mine, org}) {
            for (int i = 1; i < group->childCount(); ++i) {
                QVERIFY(group->child(i - 1)->data(0, GitHubSource::PushedAtRole).toDateTime() >=
                        group->child(i)->data(0, GitHubSource::PushedAtRole).toDateTime());
            }
        }
        QCOMPARE(mine->child(0)->text(0), u"repo-0"_s);
        QCOMPARE(org->child(0)->text(0), u"repo-2"_s);
        QCOMPARE(itemFor(list, u"octocat/repo-1"_s)->data(0, GitHubSource::BadgesRole).toStringList(),
                 QStringList{u"private"_s});
        QCOMPARE(itemFor(list, u"octocat/repo-4"_s)->data(0, GitHubSource::BadgesRole).toStringList(),
                 QStringList{u"fork"_s});
        QCOMPARE(itemFor(list, u"octocat/repo-6"_s)->data(0, GitHubSource::BadgesRole).toStringList(),
                 QStringList{u"archived"_s});
        QCOMPARE(itemFor(list, u"octo-org/repo-209"_s)->text(1), u"private fork archived"_s);
        QVERIFY(!itemFor(list, u"octocat/repo-0"_s)->text(2).isEmpty());
        QCOMPARE(source->problem(), u"Choose a repository."_s);
        QVERIFY(source->findChild<QLabel*>(u"githubStatus"_s)->isHidden());
    }

    void filterNarrowsAndClearingRestores()
    {
        auto source = makeSource();
        QVERIFY(showAndLoad(source.get(), source.get()));
        QTreeWidget* list = tree(source.get());
        auto* filter = source->findChild<QLineEdit*>(u"githubFilter"_s);
        QVERIFY(filter);
        QCOMPARE(filter->placeholderText(), u"Filter repositories"_s);

        source->activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(source.get()));
        list->setFocus();
        QTest::keyClick(list, Qt::Key_F, Qt::ControlModifier);
        QTRY_VERIFY(filter->hasFocus());
        QTest::keyClicks(filter, u"REPO-24"_s); // case-insensitive: repo-24, repo-240..249
        QCOMPARE(visibleRepositories(list), 11);
        QVERIFY(!list->topLevelItem(0)->isHidden());

        filter->setText(u"octo-org/repo-1"_s); // by owner too; hides your group
        QVERIFY(list->topLevelItem(0)->isHidden());
        QVERIFY(!list->topLevelItem(1)->isHidden());
        QVERIFY(visibleRepositories(list) > 0);

        filter->setText(u"no-such-repository"_s);
        QCOMPARE(visibleRepositories(list), 0);
        QCOMPARE(source->findChild<QLabel*>(u"githubCount"_s)->text(), u"No match"_s);

        filter->clear();
        QCOMPARE(visibleRepositories(list), 250);
        QCOMPARE(source->findChild<QLabel*>(u"githubCount"_s)->text(), u"250 repositories"_s);
    }

    void selectingLoadsBranchesWithTheDefaultFirst()
    {
        m_fake->cloneBase = QUrl(m_fake->url().toString() + u"/git/"_s);
        m_fake->branchesByRepo.insert(u"octocat/repo-3"_s, {u"feature"_s, u"master"_s, u"alpha"_s});
        auto source = makeSource();
        QVERIFY(showAndLoad(source.get(), source.get()));
        auto* branch = source->findChild<QComboBox*>(u"githubBranch"_s);
        QVERIFY(branch);

        QSignalSpy loaded(source.get(), &GitHubSource::branchesLoaded);
        QTreeWidget* list = tree(source.get());
        QTreeWidgetItem* item = itemFor(list, u"octocat/repo-3"_s);
        list->scrollToItem(item);
        QTest::mouseClick(list->viewport(), Qt::LeftButton, {}, list->visualItemRect(item).center());
        // The default branch shows at once, before the branches arrive.
        QCOMPARE(branch->currentText(), u"master"_s);
        QVERIFY(source->isLoadingBranches());
        QVERIFY(loaded.wait(LoadTimeoutMs));
        QCOMPARE(branch->count(), 3);
        QCOMPARE(branch->itemText(0), u"master"_s);
        QCOMPARE(branch->currentText(), u"master"_s);
        QCOMPARE(source->branch(), u"master"_s);
        QCOMPARE(source->repository(), m_fake->url().toString() + u"/git/octocat/repo-3.git"_s);
        QVERIFY2(source->problem().isEmpty(), qPrintable(source->problem()));
        QVERIFY(std::holds_alternative<RepoRef>(RepoRef::parse(source->repository(), QDir::homePath())));

        branch->setCurrentIndex(branch->findText(u"feature"_s));
        QCOMPARE(source->branch(), u"feature"_s);

        // A repository whose branches cannot be listed keeps its default branch.
        item = itemFor(list, u"octo-org/repo-5"_s);
        list->setCurrentItem(item);
        QVERIFY(loaded.wait(LoadTimeoutMs));
        QCOMPARE(source->branch(), u"main"_s);
        QVERIFY(source->problem().isEmpty());

        // Enter on a row confirms it.
        QSignalSpy activated(source.get(), &GitHubSource::activated);
        list->setFocus();
        QTest::keyClick(list, Qt::Key_Return);
        QCOMPARE(activated.count(), 1);
    }

    void primaryRateLimitSaysWhenItResetsAndRetryWorks()
    {
        const QDateTime reset = QDateTime::currentDateTimeUtc().addSecs(600);
        m_fake->rateLimit = FakeGitHub::RateLimit::Primary;
        m_fake->rateLimitReset = reset.toSecsSinceEpoch();
        auto source = makeSource();
        QVERIFY(showAndLoad(source.get(), source.get()));
        auto* status = source->findChild<QLabel*>(u"githubStatus"_s);
        auto* retry = source->findChild<QPushButton*>(u"githubRetry"_s);
        QVERIFY(status && retry);
        QVERIFY(status->isVisible());
        QVERIFY(retry->isVisible());
        const QString hhmm = QLocale().toString(
            QDateTime::fromSecsSinceEpoch(reset.toSecsSinceEpoch()).toLocalTime().time(), u"HH:mm"_s);
        QVERIFY2(status->text().contains(u"rate limit is used up"_s), qPrintable(status->text()));
        QVERIFY2(status->text().contains(hhmm), qPrintable(status->text()));
        QVERIFY2(status->text().contains(u"minutes"_s), qPrintable(status->text()));
        QCOMPARE(source->problem(), status->text());
        source->resize(700, 420);
        QVERIFY(
            source->grab().save(QStringLiteral(FORGE_ARTIFACTS_DIR) + u"/github-source-rate-limit.png"_s));

        m_fake->rateLimit = FakeGitHub::RateLimit::None;
        QSignalSpy finished(source.get(), &GitHubSource::loadFinished);
        QTest::mouseClick(retry, Qt::LeftButton);
        QVERIFY(finished.wait(LoadTimeoutMs));
        QCOMPARE(source->repositories().size(), 250);
        QVERIFY(status->isHidden());
        QVERIFY(retry->isHidden());
    }

    void secondaryRateLimitSaysHowLongToWait()
    {
        m_fake->rateLimit = FakeGitHub::RateLimit::Secondary;
        auto source = makeSource();
        QVERIFY(showAndLoad(source.get(), source.get()));
        const QString text = source->findChild<QLabel*>(u"githubStatus"_s)->text();
        QVERIFY2(text.contains(u"try again in 30 seconds"_s), qPrintable(text));
    }

    void refusedTokenAsksToSignInAgainWithoutShowingIt()
    {
        const QString wrong = u"gho_WrongToken9876543210zyxwvutsrqponmlk"_s;
        auto source = makeSource(wrong);
        QVERIFY(showAndLoad(source.get(), source.get()));
        const QString text = source->findChild<QLabel*>(u"githubStatus"_s)->text();
        QVERIFY2(text.contains(u"sign in again"_s), qPrintable(text));
        QVERIFY(source->findChild<QPushButton*>(u"githubRetry"_s)->isVisible());
        QVERIFY(!source->problem().isEmpty());
        const QString all = visibleTexts(source.get());
        QVERIFY(!all.contains(wrong));
        QVERIFY(!all.contains(m_fake->token));
        QVERIFY(!all.contains(u"gho_"_s));
    }

    void anEmptyAccountSaysSo()
    {
        m_fake->repositoryCount = 0;
        auto source = makeSource();
        QVERIFY(showAndLoad(source.get(), source.get()));
        auto* status = source->findChild<QLabel*>(u"githubStatus"_s);
        QVERIFY(status->isVisible());
        QVERIFY2(status->text().contains(u"no repositories"_s), qPrintable(status->text()));
        QCOMPARE(source->findChild<QLabel*>(u"githubCount"_s)->text(), u"0 repositories"_s);
        QCOMPARE(source->problem(), u"Choose a repository."_s);
    }

    void closingWhileLoadingIsSafe()
    {
        m_fake->stalledPaths << "/user/repos";
        auto source = makeSource();
        QSignalSpy asked(m_fake.get(), &FakeGitHub::requestReceived);
        source->show();
        QVERIFY(asked.wait(LoadTimeoutMs));
        QVERIFY(source->isLoading());
        source.reset(); // the request is still open
        // Closing the fake ends the open request: the orphaned listing resumes and must stop there.
        m_fake.reset();
        for (int i = 0; i < 20; ++i) {
            QCoreApplication::processEvents();
            QCoreApplication::sendPostedEvents(nullptr, QEvent::DeferredDelete);
        }
    }

    void pickerOpensTheChosenRepositoryAndBranch()
    {
        m_fake->cloneBase = QUrl(m_fake->url().toString() + u"/git/"_s);
        ui::RepoPickerDialog picker;
        auto config = github::GitHubConfig::singleServer(m_fake->url(), m_fake->clientId);
        auto* source = new GitHubSource(config, m_fake->token, u"octocat"_s);
        picker.addSource(source, 0);
        picker.showSource(source);
        picker.resize(760, 720);
        QAbstractButton* open = test::acceptButton(&picker);
        QVERIFY(open);
        QVERIFY(showAndLoad(&picker, source));
        QVERIFY(!open->isEnabled());

        QSignalSpy loaded(source, &GitHubSource::branchesLoaded);
        QTreeWidget* list = tree(source);
        QTreeWidgetItem* item = itemFor(list, u"octocat/repo-0"_s);
        QTest::mouseClick(list->viewport(), Qt::LeftButton, {}, list->visualItemRect(item).center());
        QVERIFY(loaded.wait(LoadTimeoutMs));
        auto* branch = source->findChild<QComboBox*>(u"githubBranch"_s);
        QCOMPARE(branch->currentText(), u"main"_s);
        branch->setCurrentIndex(branch->findText(u"dev"_s));
        QVERIFY2(open->isEnabled(), qPrintable(source->problem()));
        QVERIFY(picker.grab().save(QStringLiteral(FORGE_ARTIFACTS_DIR) + u"/repo-picker-github.png"_s));

        const Project project = picker.project();
        const auto expected =
            RepoRef::parse(m_fake->url().toString() + u"/git/octocat/repo-0.git"_s, QDir::homePath());
        QVERIFY(std::holds_alternative<RepoRef>(expected));
        QCOMPARE(project.repository, std::get<RepoRef>(expected).canonical());
        QCOMPARE(project.branch, u"dev"_s);

        // Double-clicking a row accepts the picker.
        QSignalSpy accepted(&picker, &QDialog::accepted);
        QTest::mouseDClick(list->viewport(), Qt::LeftButton, {}, list->visualItemRect(item).center());
        QTRY_COMPARE(accepted.count(), 1);
    }
};

QTEST_MAIN(TestGitHubSource)
#include "tst_githubsource.moc"
