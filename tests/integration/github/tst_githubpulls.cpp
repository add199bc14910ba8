#include "AwaitCatching.h"
#include "FakeGitHub.h"
#include "github/GitHubClient.h"
#include "github/PollInterval.h"

#include <QCoroTask>
#include <QTest>

using namespace forge::github;
using namespace Qt::StringLiterals;
using namespace std::chrono_literals;
using forge::test::RecordedRequest;

namespace {

// Every task is awaited through AwaitCatching.h (QCoro::waitFor hangs when a task throws).
template<typename T>
forge::test::Caught<GitHubError, T> run(QCoro::Task<T> task)
{
    return forge::test::awaitCatching<GitHubError>(std::move(task));
}

const QString Repo = u"octocat/repo-0"_s; // FakeGitHub::defaultPulls() live here

// 230 open pull requests whose update order is not their number order, and 20 closed ones.
QList<FakePull> manyPulls()
{
    const QDateTime start(QDate(2024, 3, 1), QTime(0, 0), Qt::UTC);
    QList<FakePull> pulls;
    for (int number = 1; number <= 250; ++number) {
        FakePull pull;
        pull.number = number;
        pull.title = u"Change %1"_s.arg(number);
        pull.headRef = u"change-%1"_s.arg(number);
        pull.closed = number > 230;
        pull.updatedAt = start.addSecs(qint64((number * 37) % 250) * 60); // a permutation of 0..249
        pulls << pull;
    }
    return pulls;
}

} // namespace

class TestGitHubPulls : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<FakeGitHub> m_server;
    std::unique_ptr<GitHubClient> m_client;

    RecordedRequest lastRequestTo(const QByteArray& path) const
    {
        return m_server->requestsTo(path).value(m_server->requestsTo(path).size() - 1);
    }

private slots:
    void init()
    {
        m_server = std::make_unique<FakeGitHub>();
        QVERIFY(m_server->listen());
        GitHubConfig config = GitHubConfig::singleServer(m_server->url(), m_server->clientId);
        config.requestTimeout = std::chrono::milliseconds(10000);
        m_client = std::make_unique<GitHubClient>(config);
        m_client->setToken(m_server->token);
    }

    void cleanup()
    {
        m_client.reset();
        m_server.reset();
    }

    void openPullsArriveInThreePagesNewestUpdateFirst()
    {
        m_server->pullsByRepo.insert(u"octo-org/big"_s, manyPulls());
        QList<QList<GitHubPullRequest>> pages;
        const auto all = run(m_client->pullRequests(
            u"octo-org"_s, u"big"_s, [&pages](const QList<GitHubPullRequest>& page) { pages << page; }));
        QVERIFY2(all.value, qPrintable(all.describe()));
        QCOMPARE(all.value->size(), 230);
        QCOMPARE(pages.size(), 3);
        QCOMPARE(pages[0].size(), 100);
        QCOMPARE(pages[1].size(), 100);
        QCOMPARE(pages[2].size(), 30);
        for (qsizetype i = 1; i < all.value->size(); ++i)
            QVERIFY(all.value->at(i - 1).updatedAt > all.value->at(i).updatedAt);
        for (const GitHubPullRequest& pull : *all.value)
            QVERIFY2(pull.isOpen() && pull.number <= 230, qPrintable(QString::number(pull.number)));

        const QList<RecordedRequest> requests = m_server->requestsTo("/repos/octo-org/big/pulls");
        QCOMPARE(requests.size(), 3);
        const QUrlQuery first = requests[0].queryItems();
        QCOMPARE(first.queryItemValue(u"state"_s), u"open"_s);
        QCOMPARE(first.queryItemValue(u"per_page"_s), u"100"_s);
        QCOMPARE(first.queryItemValue(u"sort"_s), u"updated"_s);
        QCOMPARE(first.queryItemValue(u"direction"_s), u"desc"_s);
        QVERIFY(!first.hasQueryItem(u"page"_s));
        // The next pages are GitHub's Link URLs, taken as given (they keep the query).
        QCOMPARE(requests[1].queryItems().queryItemValue(u"page"_s), u"2"_s);
        QCOMPARE(requests[2].queryItems().queryItemValue(u"page"_s), u"3"_s);
        QCOMPARE(requests[2].queryItems().queryItemValue(u"sort"_s), u"updated"_s);
    }

    void draftsAndForksAreTold()
    {
        const auto all = run(m_client->pullRequests(u"octocat"_s, u"repo-0"_s));
        QVERIFY2(all.value, qPrintable(all.describe()));
        QHash<int, GitHubPullRequest> byNumber;
        for (const GitHubPullRequest& pull : *all.value)
            byNumber.insert(pull.number, pull);
        QCOMPARE(byNumber.keys().size(), 4); // 5 and 6 are closed
        QVERIFY(!byNumber.contains(5) && !byNumber.contains(6));

        const GitHubPullRequest plain = byNumber.value(1);
        QCOMPARE(plain.title, u"Add dark mode"_s);
        QCOMPARE(plain.authorLogin, u"octocat"_s);
        QCOMPARE(plain.htmlUrl.toString(), u"https://github.com/octocat/repo-0/pull/1"_s);
        QCOMPARE(plain.head.ref, u"dark-mode"_s);
        QCOMPARE(plain.head.sha.size(), 40);
        QCOMPARE(plain.head.repoFullName, Repo);
        QCOMPARE(plain.base.ref, u"main"_s);
        QCOMPARE(plain.base.repoFullName, Repo);
        QVERIFY(plain.updatedAt.isValid());
        QVERIFY(!plain.draft);
        QVERIFY(!plain.isFromFork());

        QVERIFY(byNumber.value(2).draft);
        QVERIFY(!byNumber.value(2).isFromFork());

        const GitHubPullRequest fork = byNumber.value(3);
        QCOMPARE(fork.authorLogin, u"contributor"_s);
        QCOMPARE(fork.head.repoFullName, u"contributor/repo-0"_s);
        QVERIFY(!fork.headRepoDeleted());
        QVERIFY(fork.isFromFork());

        const GitHubPullRequest deleted = byNumber.value(4);
        QVERIFY(deleted.headRepoDeleted());
        QVERIFY(deleted.isFromFork());
        QCOMPARE(deleted.head.ref, u"idea"_s);
        QCOMPARE(deleted.head.sha.size(), 40);
    }

    void pollingWithTheEtagIsNotModifiedUntilAPush()
    {
        const auto first = run(m_client->pullRequest(u"octocat"_s, u"repo-0"_s, 1));
        QVERIFY2(first.value, qPrintable(first.describe()));
        QVERIFY(!first.value->notModified());
        QVERIFY(!first.value->etag.isEmpty());
        QVERIFY(!lastRequestTo("/repos/octocat/repo-0/pulls/1").hasHeader("if-none-match"));
        const QString oldSha = first.value->pullRequest->head.sha;

        const auto same = run(m_client->pullRequest(u"octocat"_s, u"repo-0"_s, 1, first.value->etag));
        QVERIFY2(same.value, qPrintable(same.describe()));
        QVERIFY(same.value->notModified());
        QCOMPARE(same.value->etag, first.value->etag);
        const RecordedRequest revalidation = lastRequestTo("/repos/octocat/repo-0/pulls/1");
        QCOMPARE(revalidation.header("if-none-match"), first.value->etag);
        QCOMPARE(revalidation.status, 304);
        // A 304 does not count against the rate limit.
        QCOMPARE(same.value->rateLimit.remaining, first.value->rateLimit.remaining);

        const QString newSha = u"0123456789abcdef0123456789abcdef01234567"_s;
        QVERIFY(m_server->pushToPull(Repo, 1, newSha));
        const auto pushed = run(m_client->pullRequest(u"octocat"_s, u"repo-0"_s, 1, first.value->etag));
        QVERIFY2(pushed.value, qPrintable(pushed.describe()));
        QVERIFY(!pushed.value->notModified());
        QCOMPARE(pushed.value->pullRequest->head.sha, newSha);
        QVERIFY(pushed.value->pullRequest->head.sha != oldSha);
        QVERIFY(pushed.value->pullRequest->updatedAt > first.value->pullRequest->updatedAt);
        QVERIFY(pushed.value->etag != first.value->etag);
        QCOMPARE(pushed.value->rateLimit.remaining, first.value->rateLimit.remaining - 1);

        const auto settled = run(m_client->pullRequest(u"octocat"_s, u"repo-0"_s, 1, pushed.value->etag));
        QVERIFY(settled.value);
        QVERIFY(settled.value->notModified());
    }

    void withoutAnEtagEveryFetchIsFull()
    {
        // GitHubHttp's own ETag cache stays out of it: "not modified" is only ever the caller's.
        for (int i = 0; i < 2; ++i) {
            const auto fetch = run(m_client->pullRequest(u"octocat"_s, u"repo-0"_s, 2));
            QVERIFY2(fetch.value, qPrintable(fetch.describe()));
            QVERIFY(!fetch.value->notModified());
            QVERIFY(fetch.value->pullRequest->draft);
        }
        for (const RecordedRequest& request : m_server->requestsTo("/repos/octocat/repo-0/pulls/2")) {
            QVERIFY(!request.hasHeader("if-none-match"));
            QCOMPARE(request.status, 200);
        }
    }

    void closingAndMergingAreSeen()
    {
        const auto open = run(m_client->pullRequest(u"octocat"_s, u"repo-0"_s, 1));
        QVERIFY(open.value);
        QVERIFY(open.value->pullRequest->isOpen());
        QVERIFY(!open.value->pullRequest->merged);

        QVERIFY(m_server->closePull(Repo, 1));
        const auto closed = run(m_client->pullRequest(u"octocat"_s, u"repo-0"_s, 1, open.value->etag));
        QVERIFY2(closed.value, qPrintable(closed.describe()));
        QVERIFY(!closed.value->notModified());
        QCOMPARE(closed.value->pullRequest->state, GitHubPullRequest::State::Closed);
        QVERIFY(!closed.value->pullRequest->merged);

        QVERIFY(m_server->mergePull(Repo, 2));
        const auto merged = run(m_client->pullRequest(u"octocat"_s, u"repo-0"_s, 2));
        QVERIFY(merged.value);
        QCOMPARE(merged.value->pullRequest->state, GitHubPullRequest::State::Closed);
        QVERIFY(merged.value->pullRequest->merged);

        // The fake's own closed and merged ones, and the list leaving all of them out.
        const auto five = run(m_client->pullRequest(u"octocat"_s, u"repo-0"_s, 5));
        QVERIFY(five.value);
        QVERIFY(!five.value->pullRequest->isOpen() && !five.value->pullRequest->merged);
        const auto six = run(m_client->pullRequest(u"octocat"_s, u"repo-0"_s, 6));
        QVERIFY(six.value);
        QVERIFY(!six.value->pullRequest->isOpen() && six.value->pullRequest->merged);
        const auto list = run(m_client->pullRequests(u"octocat"_s, u"repo-0"_s));
        QVERIFY(list.value);
        QCOMPARE(list.value->size(), 2);
        for (const GitHubPullRequest& pull : *list.value)
            QVERIFY(pull.number == 3 || pull.number == 4);
    }

    void unknownPullOrRepositoryIsNotFound()
    {
        const auto missing = run(m_client->pullRequest(u"octocat"_s, u"repo-0"_s, 999));
        QVERIFY(missing.error);
        QCOMPARE(missing.error->errorKind(), GitHubError::Kind::NotFound);
        QCOMPARE(missing.error->status(), 404);
        QVERIFY2(missing.error->userMessage().contains(u"(\"Not Found\")"_s), qPrintable(missing.describe()));
        QVERIFY(missing.error->userMessage().contains(u"/repos/octocat/repo-0/pulls/999"_s));

        const auto noRepo = run(m_client->pullRequests(u"octocat"_s, u"nope"_s));
        QVERIFY(noRepo.error);
        QCOMPARE(noRepo.error->errorKind(), GitHubError::Kind::NotFound);
        QVERIFY(noRepo.error->userMessage().contains(u"Not Found"_s));

        // A stale ETag for a pull request that is gone is still a 404, not "not modified".
        const auto stale = run(m_client->pullRequest(u"octocat"_s, u"repo-0"_s, 998, "W/\"abc\""));
        QVERIFY(stale.error);
        QCOMPARE(stale.error->errorKind(), GitHubError::Kind::NotFound);
    }

    void rateLimitInfoPacesThePolls()
    {
        m_server->rateLimitReset = QDateTime::currentSecsSinceEpoch() + 3600;
        const auto fetch = run(m_client->pullRequest(u"octocat"_s, u"repo-0"_s, 3));
        QVERIFY2(fetch.value, qPrintable(fetch.describe()));
        const RateLimitInfo limit = fetch.value->rateLimit;
        QCOMPARE(limit.limit, 5000);
        QCOMPARE(limit.remaining, 4999);
        QCOMPARE(limit.reset, QDateTime::fromSecsSinceEpoch(m_server->rateLimitReset, Qt::UTC));
        QCOMPARE(suggestedPollInterval(limit), MinPollInterval);
        // 300 previews polling at once on one token: 3600 s * 300 / 2499 -> about 433 s apart.
        const auto crowded = suggestedPollInterval(limit, 300);
        QVERIFY2(crowded >= 425s && crowded <= 433s, qPrintable(QString::number(crowded.count())));

        m_server->rateLimit = FakeGitHub::RateLimit::Primary;
        const auto limited = run(m_client->pullRequest(u"octocat"_s, u"repo-0"_s, 3, fetch.value->etag));
        QVERIFY(limited.error);
        QCOMPARE(limited.error->errorKind(), GitHubError::Kind::PrimaryRateLimit);
        QCOMPARE(limited.error->rateLimitReset(),
                 QDateTime::fromSecsSinceEpoch(m_server->rateLimitReset, Qt::UTC));
    }
};

QTEST_GUILESS_MAIN(TestGitHubPulls)
#include "tst_githubpulls.moc"
