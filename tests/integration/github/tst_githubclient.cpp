#include "AwaitCatching.h"
#include "FakeGitHub.h"
#include "github/DeviceFlow.h"
#include "github/GitHubClient.h"

#include <QCoroTask>
#include <QElapsedTimer>
#include <QTest>
#include <QTimer>
#include <optional>

using namespace forge::github;
using namespace Qt::StringLiterals;
using Outcome = DeviceFlowResult::Outcome;
using forge::test::RecordedRequest;

namespace {

// Every task is awaited through AwaitCatching.h (QCoro::waitFor hangs when a task throws).
template<typename T>
forge::test::Caught<GitHubError, T> run(QCoro::Task<T> task)
{
    return forge::test::awaitCatching<GitHubError>(std::move(task));
}

} // namespace

class TestGitHubClient : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<FakeGitHub> m_server;

    GitHubConfig config() const
    {
        GitHubConfig config = GitHubConfig::singleServer(m_server->url(), m_server->clientId);
        config.requestTimeout = std::chrono::milliseconds(10000);
        return config;
    }

    std::unique_ptr<GitHubClient> signedInClient() const
    {
        auto client = std::make_unique<GitHubClient>(config());
        client->setToken(m_server->token);
        return client;
    }

private slots:
    void init()
    {
        m_server = std::make_unique<FakeGitHub>();
        QVERIFY(m_server->listen());
    }

    void cleanup() { m_server.reset(); }

    void deviceFlowSignsInAfterPendingAndSlowDown()
    {
        m_server->tokenErrors = {u"authorization_pending"_s, u"slow_down"_s, u"authorization_pending"_s};
        GitHubClient client(config());
        DeviceFlow flow(client.http());
        flow.setIntervalUnit(std::chrono::milliseconds(10));

        const auto code = run(flow.start());
        QVERIFY2(code.value, qPrintable(code.describe()));
        QCOMPARE(code.value->userCode, u"WDJB-MJHT"_s);
        QCOMPARE(code.value->verificationUri.toString(), u"https://github.com/login/device"_s);
        QCOMPARE(code.value->intervalSeconds, 1);
        const QUrlQuery codeForm(QString::fromUtf8(m_server->requestsTo("/login/device/code").value(0).body));
        QCOMPARE(codeForm.queryItemValue(u"client_id"_s), m_server->clientId);
        QCOMPARE(codeForm.queryItemValue(u"scope"_s, QUrl::FullyDecoded), u"repo read:org"_s);

        const DeviceFlowResult result = QCoro::waitFor(flow.waitForAuthorization(*code.value));
        QCOMPARE(result.outcome, Outcome::Authorized);
        QCOMPARE(result.accessToken, m_server->token);
        // slow_down raised the interval to what GitHub said (1 + 5).
        QCOMPARE(result.waits, (QList<int>{1, 1, 6, 6}));

        const QList<RecordedRequest> polls = m_server->requestsTo("/login/oauth/access_token");
        QCOMPARE(polls.size(), 4);
        QVERIFY2(polls[2].receivedAtMs - polls[1].receivedAtMs >= 50,
                 qPrintable(QString::number(polls[2].receivedAtMs - polls[1].receivedAtMs)));
        for (const RecordedRequest& poll : polls) {
            const QUrlQuery form(QString::fromUtf8(poll.body));
            QCOMPARE(form.queryItemValue(u"grant_type"_s, QUrl::FullyDecoded),
                     u"urn:ietf:params:oauth:grant-type:device_code"_s);
            QCOMPARE(poll.header("accept"), QByteArray("application/json"));
            QVERIFY(!poll.header("user-agent").isEmpty());
            QVERIFY(!poll.hasHeader("authorization"));
        }
        // The token was handed to the client: /user now works.
        const auto user = run(client.currentUser());
        QVERIFY2(user.value, qPrintable(user.describe()));
    }

    void deviceFlowErrorOutcomes_data()
    {
        QTest::addColumn<QString>("error");
        QTest::addColumn<Outcome>("outcome");
        QTest::addColumn<QString>("advice");
        QTest::newRow("expired") << u"expired_token"_s << Outcome::Expired << u"new code"_s;
        QTest::newRow("denied") << u"access_denied"_s << Outcome::Denied << u"Authorize"_s;
        QTest::newRow("disabled") << u"device_flow_disabled"_s << Outcome::Disabled << u"Device"_s;
        QTest::newRow("client") << u"incorrect_client_credentials"_s << Outcome::BadClient << u"client id"_s;
        QTest::newRow("grant") << u"unsupported_grant_type"_s << Outcome::UnsupportedGrant << u"Update"_s;
    }

    void deviceFlowErrorOutcomes()
    {
        QFETCH(QString, error);
        QFETCH(Outcome, outcome);
        QFETCH(QString, advice);
        m_server->tokenErrors = {u"authorization_pending"_s, error};
        GitHubClient client(config());
        DeviceFlow flow(client.http());
        flow.setIntervalUnit(std::chrono::milliseconds(5));
        const auto code = run(flow.start());
        QVERIFY2(code.value, qPrintable(code.describe()));
        const DeviceFlowResult result = QCoro::waitFor(flow.waitForAuthorization(*code.value));
        QCOMPARE(result.outcome, outcome);
        QVERIFY(result.accessToken.isEmpty());
        QVERIFY2(result.message.contains(advice), qPrintable(result.message));
        QCOMPARE(m_server->requestsTo("/login/oauth/access_token").size(), 2);
    }

    void deviceCodeRefusedWhenFlowDisabled()
    {
        m_server->deviceCodeError = u"device_flow_disabled"_s;
        GitHubClient client(config());
        DeviceFlow flow(client.http());
        const auto code = run(flow.start());
        QVERIFY(code.error);
        QVERIFY2(code.error->userMessage().contains(u"Device Flow"_s), qPrintable(code.describe()));
    }

    void deviceCodeRefusedForUnknownClient()
    {
        GitHubConfig wrong = config();
        wrong.clientId = u"Iv1.unknown"_s;
        GitHubHttp http(wrong);
        DeviceFlow flow(http);
        const auto code = run(flow.start());
        QVERIFY(code.error);
        QVERIFY2(code.error->userMessage().contains(u"client id"_s), qPrintable(code.describe()));
    }

    void deviceFlowCodeExpiresLocally()
    {
        m_server->expiresIn = 3;
        m_server->tokenErrors = QStringList(10, u"authorization_pending"_s);
        GitHubClient client(config());
        DeviceFlow flow(client.http());
        flow.setIntervalUnit(std::chrono::milliseconds(5));
        const auto code = run(flow.start());
        QVERIFY(code.value);
        const DeviceFlowResult result = QCoro::waitFor(flow.waitForAuthorization(*code.value));
        QCOMPARE(result.outcome, Outcome::Expired);
        QCOMPARE(m_server->requestsTo("/login/oauth/access_token").size(), 3);
    }

    void deviceFlowCancels()
    {
        m_server->tokenErrors = QStringList(10, u"authorization_pending"_s);
        GitHubClient client(config());
        DeviceFlow flow(client.http());
        flow.setIntervalUnit(std::chrono::milliseconds(20000));
        const auto code = run(flow.start());
        QVERIFY(code.value);
        QTimer::singleShot(50, [&flow] { flow.cancel(); });
        QElapsedTimer clock;
        clock.start();
        const DeviceFlowResult result = QCoro::waitFor(flow.waitForAuthorization(*code.value));
        QCOMPARE(result.outcome, Outcome::Cancelled);
        QVERIFY(clock.elapsed() < 5000);
        QCOMPARE(m_server->requestsTo("/login/oauth/access_token").size(), 0);
    }

    void userWithScopesAndHeaders()
    {
        auto client = signedInClient();
        const auto user = run(client->currentUser());
        QVERIFY2(user.value, qPrintable(user.describe()));
        QCOMPARE(user.value->login, u"octocat"_s);
        QCOMPARE(user.value->name, u"The Octocat"_s);
        QVERIFY(user.value->avatarUrl.isValid());
        QCOMPARE(user.value->scopes, (QStringList{u"repo"_s, u"read:org"_s}));
        QVERIFY(user.value->scopesKnown);
        QVERIFY(!user.value->missingRepoScope);

        const RecordedRequest request = m_server->requestsTo("/user").value(0);
        QCOMPARE(request.header("authorization"), "Bearer " + m_server->token.toUtf8());
        QCOMPARE(request.header("accept"), QByteArray("application/vnd.github+json"));
        QCOMPARE(request.header("x-github-api-version"), QByteArray("2022-11-28"));
        QVERIFY(!request.header("user-agent").isEmpty());
        QVERIFY(!request.target.contains(m_server->token.toUtf8()));
    }

    void userMissingRepoScopeIsFlagged()
    {
        m_server->scopes = "public_repo, read:org";
        auto client = signedInClient();
        const auto user = run(client->currentUser());
        QVERIFY(user.value);
        QVERIFY(user.value->missingRepoScope);

        m_server->sendScopes = false;
        auto other = signedInClient();
        const auto fineGrained = run(other->currentUser());
        QVERIFY(fineGrained.value);
        QVERIFY(!fineGrained.value->scopesKnown);
        QVERIFY(!fineGrained.value->missingRepoScope);
    }

    void repositoriesArriveInPages()
    {
        auto client = signedInClient();
        QList<QList<GitHubRepository>> pages;
        const auto all =
            run(client->repositories([&pages](const QList<GitHubRepository>& page) { pages << page; }));
        QVERIFY2(all.value, qPrintable(all.describe()));
        QCOMPARE(all.value->size(), 250);
        QCOMPARE(pages.size(), 3);
        QCOMPARE(pages[0].size(), 100);
        QCOMPARE(pages[1].size(), 100);
        QCOMPARE(pages[2].size(), 50);
        QCOMPARE(pages[0].first().fullName, u"octocat/repo-0"_s);
        QCOMPARE(pages[1].first().fullName, u"octocat/repo-100"_s);
        QCOMPARE(pages[2].first().fullName, u"octo-org/repo-200"_s);
        const GitHubRepository& org = all.value->at(2);
        QCOMPARE(org.ownerLogin, u"octo-org"_s);
        QCOMPARE(org.ownerType, GitHubRepository::OwnerType::Organization);
        QCOMPARE(all.value->at(0).ownerType, GitHubRepository::OwnerType::User);
        QVERIFY(all.value->at(1).isPrivate);
        QVERIFY(all.value->at(4).fork);
        QVERIFY(all.value->at(6).archived);
        QCOMPARE(all.value->at(3).defaultBranch, u"master"_s);
        QVERIFY(all.value->at(0).pushedAt.isValid());
        QCOMPARE(all.value->at(0).cloneUrl.toString(), u"https://github.com/octocat/repo-0.git"_s);

        const QList<RecordedRequest> requests = m_server->requestsTo("/user/repos");
        QCOMPARE(requests.size(), 3);
        QVERIFY(requests[0].target.contains("per_page=100"));
        QVERIFY(requests[0].target.contains("sort=pushed"));
        QVERIFY(requests[1].target.contains("page=2"));
        QVERIFY(requests[2].target.contains("page=3"));
    }

    void branchesOfARepository()
    {
        auto client = signedInClient();
        const auto branches = run(client->branches(u"octocat"_s, u"repo-0"_s));
        QVERIFY2(branches.value, qPrintable(branches.describe()));
        QCOMPARE(branches.value->size(), 2);
        QCOMPARE(branches.value->at(0).name, u"main"_s);
        QVERIFY(branches.value->at(0).isProtected);
        QCOMPARE(branches.value->at(0).commitSha.size(), 40);

        m_server->branchesByRepo.insert(u"octocat/big"_s, [] {
            QStringList names;
            for (int i = 0; i < 150; ++i)
                names << u"b%1"_s.arg(i);
            return names;
        }());
        const auto many = run(client->branches(u"octocat"_s, u"big"_s));
        QVERIFY(many.value);
        QCOMPARE(many.value->size(), 150);
        QCOMPARE(many.value->last().name, u"b149"_s);

        const auto missing = run(client->branches(u"octocat"_s, u"nope"_s));
        QVERIFY(missing.error);
        QCOMPARE(missing.error->errorKind(), GitHubError::Kind::NotFound);
    }

    void etagRevalidationReusesTheBody()
    {
        auto client = signedInClient();
        const auto first = run(client->repositories());
        QVERIFY(first.value);
        const auto second = run(client->repositories());
        QVERIFY2(second.value, qPrintable(second.describe()));
        QCOMPARE(second.value->size(), 250);
        QCOMPARE(second.value->at(249).fullName, first.value->at(249).fullName);
        const QList<RecordedRequest> requests = m_server->requestsTo("/user/repos");
        QCOMPARE(requests.size(), 6);
        for (int i = 3; i < 6; ++i) {
            QVERIFY(!requests[i].header("if-none-match").isEmpty());
            QCOMPARE(requests[i].status, 304);
        }
    }

    void primaryRateLimitSaysWhenItResets()
    {
        m_server->rateLimit = FakeGitHub::RateLimit::Primary;
        m_server->rateLimitReset = 1900000000; // 2030-03-17 17:46:40 UTC
        auto client = signedInClient();
        const auto user = run(client->currentUser());
        QVERIFY(user.error);
        QCOMPARE(user.error->errorKind(), GitHubError::Kind::PrimaryRateLimit);
        QVERIFY2(user.error->userMessage().contains(u"2030-03-17 17:46:40 UTC"_s),
                 qPrintable(user.describe()));
        QCOMPARE(user.error->rateLimitReset(), QDateTime::fromSecsSinceEpoch(1900000000, Qt::UTC));
    }

    void secondaryRateLimitSaysToWait()
    {
        m_server->rateLimit = FakeGitHub::RateLimit::Secondary;
        auto client = signedInClient();
        const auto repos = run(client->repositories());
        QVERIFY(repos.error);
        QCOMPARE(repos.error->errorKind(), GitHubError::Kind::SecondaryRateLimit);
        QCOMPARE(repos.error->retryAfterSeconds(), 30);

        m_server->rateLimit = FakeGitHub::RateLimit::SecondaryMessageOnly;
        const auto again = run(client->repositories());
        QVERIFY(again.error);
        QCOMPARE(again.error->errorKind(), GitHubError::Kind::SecondaryRateLimit);
        QVERIFY(again.error->retryAfterSeconds() > 0);
    }

    void badTokenIsUnauthorizedAndNeverEchoed()
    {
        const QString bad = u"gho_NotTheRightToken0123456789abcdefghij"_s;
        GitHubClient client(config());
        client.setToken(bad);
        const auto user = run(client.currentUser());
        QVERIFY(user.error);
        QCOMPARE(user.error->errorKind(), GitHubError::Kind::Unauthorized);
        QVERIFY(user.error->userMessage().contains(u"Sign in to GitHub again"_s));
        QVERIFY(!user.error->userMessage().contains(bad));
        QVERIFY(!QString::fromUtf8(user.error->what()).contains(bad));
    }

    void malformedJsonIsAnErrorNotACrash()
    {
        m_server->malformedUser = true;
        auto client = signedInClient();
        const auto user = run(client->currentUser());
        QVERIFY(user.error);
        QCOMPARE(user.error->errorKind(), GitHubError::Kind::MalformedResponse);
    }

    void crossOriginRedirectDoesNotCarryTheToken()
    {
        FakeGitHub elsewhere;
        QVERIFY(elsewhere.listen());
        elsewhere.token = m_server->token;
        QUrl target = elsewhere.url();
        target.setPath(u"/user"_s);
        m_server->redirectUserTo = target;
        auto client = signedInClient();
        const auto user = run(client->currentUser());
        for (const RecordedRequest& request : elsewhere.requests())
            QVERIFY(!request.hasHeader("authorization"));
        QVERIFY(user.error);
        QCOMPARE(user.error->errorKind(), GitHubError::Kind::Network);
        QVERIFY(!user.error->userMessage().contains(m_server->token));
    }

    void serverErrorIsTyped()
    {
        m_server->failWithStatus = 502;
        auto client = signedInClient();
        const auto user = run(client->currentUser());
        QVERIFY(user.error);
        QCOMPARE(user.error->errorKind(), GitHubError::Kind::ServerError);
        QVERIFY(user.error->isTransient());
    }

    void silentServerTimesOut()
    {
        m_server->stalledPaths = {"/user"};
        GitHubConfig quick = config();
        quick.requestTimeout = std::chrono::milliseconds(300);
        GitHubClient client(quick);
        client.setToken(m_server->token);
        const auto user = run(client.currentUser());
        QVERIFY(user.error);
        QCOMPARE(user.error->errorKind(), GitHubError::Kind::Timeout);
    }

    void oversizedAnswerIsDropped()
    {
        GitHubConfig small = config();
        small.maxBodyBytes = 1000;
        GitHubClient client(small);
        client.setToken(m_server->token);
        const auto repos = run(client.repositories());
        QVERIFY(repos.error);
        QCOMPARE(repos.error->errorKind(), GitHubError::Kind::MalformedResponse);
        QVERIFY(repos.error->userMessage().contains(u"larger than 1000 bytes"_s));
    }

    void nextPageOnAnotherOriginGetsNoToken()
    {
        FakeGitHub elsewhere;
        QVERIFY(elsewhere.listen());
        elsewhere.token = m_server->token;
        m_server->linkOrigin = elsewhere.url();
        auto client = signedInClient();
        const auto repos = run(client->repositories());
        // The second page is asked of the other origin without the token, which refuses it.
        QCOMPARE(elsewhere.requests().size(), 1);
        QVERIFY(!elsewhere.requests()[0].hasHeader("authorization"));
        QVERIFY(repos.error);
        QCOMPARE(repos.error->errorKind(), GitHubError::Kind::Unauthorized);
    }

    void plainHttpToARemoteHostIsRefused()
    {
        GitHubConfig remote = GitHubConfig::singleServer(QUrl(u"http://github.example.com"_s), u"id"_s);
        GitHubClient client(remote);
        client.setToken(m_server->token);
        const auto user = run(client.currentUser());
        QVERIFY(user.error);
        QCOMPARE(user.error->errorKind(), GitHubError::Kind::InvalidConfig);
    }
};

QTEST_GUILESS_MAIN(TestGitHubClient)
#include "tst_githubclient.moc"
