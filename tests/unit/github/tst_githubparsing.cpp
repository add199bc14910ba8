#include "github/DeviceFlow.h"
#include "github/GitHubError.h"
#include "github/GitHubParsing.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace forge::github;
using namespace Qt::StringLiterals;

class TestGitHubParsing : public QObject
{
    Q_OBJECT

private slots:
    void nextLinkIsTakenVerbatim()
    {
        const QByteArray link =
            "<https://api.github.com/user/repos?per_page=100&sort=pushed&page=2>; "
            "rel=\"next\", <https://api.github.com/user/repos?per_page=100&sort=pushed&page=3>; "
            "rel=\"last\"";
        QCOMPARE(parsing::nextPageUrl(link).toString(),
                 u"https://api.github.com/user/repos?per_page=100&sort=pushed&page=2"_s);
    }

    void nextLinkInAnyOrder()
    {
        const QByteArray link = "<https://x.test/a?page=1>; rel=\"prev\", <https://x.test/a?page=1>; "
                                "rel=\"first\", <https://x.test/a?page=3>; rel=\"next\"";
        QCOMPARE(parsing::nextPageUrl(link).toString(), u"https://x.test/a?page=3"_s);
    }

    void noNextOnLastPageOrGarbage()
    {
        QVERIFY(parsing::nextPageUrl("<https://x.test/a?page=1>; rel=\"first\", <https://x.test/a?page=2>; "
                                     "rel=\"prev\"")
                    .isEmpty());
        QVERIFY(parsing::nextPageUrl("").isEmpty());
        QVERIFY(parsing::nextPageUrl("garbage; rel=next").isEmpty());
        QVERIFY(parsing::nextPageUrl("<relative?page=2>; rel=\"next\"").isEmpty());
    }

    void scopes()
    {
        QCOMPARE(parsing::scopes("repo, read:org"), (QStringList{u"repo"_s, u"read:org"_s}));
        QCOMPARE(parsing::scopes(""), QStringList());
        QCOMPARE(parsing::scopes(" public_repo ,, user "), (QStringList{u"public_repo"_s, u"user"_s}));
        QVERIFY(parsing::hasRepoScope({u"repo"_s, u"read:org"_s}));
        QVERIFY(!parsing::hasRepoScope({u"public_repo"_s}));
    }

    void rateLimitHeaders()
    {
        const RawHeaders headers{{"X-RateLimit-Limit", "5000"},
                                 {"X-RateLimit-Remaining", "0"},
                                 {"X-RateLimit-Reset", "1700000000"}};
        const RateLimitInfo info = parsing::rateLimit(headers);
        QCOMPARE(info.limit, 5000);
        QCOMPARE(info.remaining, 0);
        QCOMPARE(info.reset, QDateTime::fromSecsSinceEpoch(1700000000, Qt::UTC));
        QCOMPARE(parsing::rateLimit({}).remaining, -1);
        // Negative counts are not counts (found by the github fuzz target).
        const RateLimitInfo negative =
            parsing::rateLimit({{"X-RateLimit-Limit", "-5000"}, {"X-RateLimit-Remaining", "-1"}});
        QCOMPARE(negative.limit, -1);
        QCOMPARE(negative.remaining, -1);
        QCOMPARE(parsing::retryAfterSeconds({{"Retry-After", "30"}}), 30);
        QCOMPARE(parsing::retryAfterSeconds({{"Retry-After", "soon"}}), -1);
    }

    void errorBodies()
    {
        QCOMPARE(parsing::errorMessage("{\"message\":\"Bad credentials\",\"documentation_url\":\"x\"}"),
                 u"Bad credentials"_s);
        QCOMPARE(parsing::errorMessage("<html>"), QString());
        QCOMPARE(parsing::errorMessage("[1,2]"), QString());
    }

    void primaryRateLimitNamesResetTime()
    {
        const RawHeaders headers{{"x-ratelimit-limit", "5000"},
                                 {"x-ratelimit-remaining", "0"},
                                 {"x-ratelimit-reset", "1700000000"}};
        const GitHubError error =
            GitHubError::fromHttp(403, "{\"message\":\"API rate limit exceeded\"}", headers, u"GET /user"_s);
        QCOMPARE(error.errorKind(), GitHubError::Kind::PrimaryRateLimit);
        QVERIFY2(error.userMessage().contains(u"2023-11-14 22:13:20 UTC"_s), qPrintable(error.userMessage()));
        QCOMPARE(error.rateLimitReset(), QDateTime::fromSecsSinceEpoch(1700000000, Qt::UTC));
        QVERIFY(error.isTransient());
        // 429 counts too.
        QCOMPARE(GitHubError::fromHttp(429, {}, headers, u"GET /user"_s).errorKind(),
                 GitHubError::Kind::PrimaryRateLimit);
    }

    void secondaryRateLimit()
    {
        const GitHubError byHeader =
            GitHubError::fromHttp(403, "{\"message\":\"x\"}", {{"Retry-After", "30"}}, u"GET /user/repos"_s);
        QCOMPARE(byHeader.errorKind(), GitHubError::Kind::SecondaryRateLimit);
        QCOMPARE(byHeader.retryAfterSeconds(), 30);
        QVERIFY(byHeader.userMessage().contains(u"30 s"_s));
        const GitHubError byMessage = GitHubError::fromHttp(
            403, "{\"message\":\"You have exceeded a secondary rate limit.\"}", {}, u"GET /user/repos"_s);
        QCOMPARE(byMessage.errorKind(), GitHubError::Kind::SecondaryRateLimit);
        QCOMPARE(byMessage.retryAfterSeconds(), 60);
    }

    void otherStatuses()
    {
        QCOMPARE(
            GitHubError::fromHttp(401, "{\"message\":\"Bad credentials\"}", {}, u"GET /user"_s).errorKind(),
            GitHubError::Kind::Unauthorized);
        QVERIFY(GitHubError::fromHttp(401, {}, {}, u"GET /user"_s).userMessage().contains(u"Sign in"_s));
        QCOMPARE(GitHubError::fromHttp(403, "{\"message\":\"Resource not accessible\"}", {}, u"GET /x"_s)
                     .errorKind(),
                 GitHubError::Kind::Forbidden);
        QCOMPARE(GitHubError::fromHttp(404, {}, {}, u"GET /x"_s).errorKind(), GitHubError::Kind::NotFound);
        QCOMPARE(GitHubError::fromHttp(502, "<html>", {}, u"GET /x"_s).errorKind(),
                 GitHubError::Kind::ServerError);
        QCOMPARE(GitHubError::fromHttp(422, "{}", {}, u"GET /x"_s).errorKind(), GitHubError::Kind::Http);
    }

    void repositoryFields()
    {
        const QJsonObject object =
            QJsonDocument::fromJson("{\"name\":\"hello\",\"full_name\":\"octo-org/hello\","
                                    "\"owner\":{\"login\":\"octo-org\",\"type\":\"Organization\"},"
                                    "\"private\":true,\"fork\":false,\"archived\":true,"
                                    "\"default_branch\":\"trunk\",\"pushed_at\":\"2024-01-02T03:04:05Z\","
                                    "\"clone_url\":\"https://github.com/octo-org/"
                                    "hello.git\",\"html_url\":\"https://github.com/octo-org/hello\"}")
                .object();
        GitHubRepository repository;
        QVERIFY(parsing::repository(object, repository));
        QCOMPARE(repository.fullName, u"octo-org/hello"_s);
        QCOMPARE(repository.ownerLogin, u"octo-org"_s);
        QCOMPARE(repository.ownerType, GitHubRepository::OwnerType::Organization);
        QVERIFY(repository.isPrivate);
        QVERIFY(repository.archived);
        QVERIFY(!repository.fork);
        QCOMPARE(repository.defaultBranch, u"trunk"_s);
        QCOMPARE(repository.pushedAt, QDateTime(QDate(2024, 1, 2), QTime(3, 4, 5), Qt::UTC));
        QCOMPARE(repository.cloneUrl.toString(), u"https://github.com/octo-org/hello.git"_s);
        GitHubRepository broken;
        QVERIFY(!parsing::repository(QJsonObject{{u"full_name"_s, 3}}, broken));
        GitHubUser user;
        QVERIFY(!parsing::user(QJsonObject{}, user));
    }

    void deviceFlowErrorsMapToOutcomes()
    {
        using O = DeviceFlowResult::Outcome;
        QCOMPARE(DeviceFlow::outcomeFor(u"expired_token"_s), O::Expired);
        QCOMPARE(DeviceFlow::outcomeFor(u"access_denied"_s), O::Denied);
        QCOMPARE(DeviceFlow::outcomeFor(u"device_flow_disabled"_s), O::Disabled);
        QCOMPARE(DeviceFlow::outcomeFor(u"incorrect_client_credentials"_s), O::BadClient);
        QCOMPARE(DeviceFlow::outcomeFor(u"unsupported_grant_type"_s), O::UnsupportedGrant);
        QCOMPARE(DeviceFlow::outcomeFor(u"something_new"_s), O::Failed);
        for (O outcome : {O::Expired, O::Denied, O::Disabled, O::BadClient, O::UnsupportedGrant})
            QVERIFY(!DeviceFlow::messageFor(outcome, {}).isEmpty());
    }

    void configAllowsPlainHttpOnlyOnLoopback()
    {
        QVERIFY(GitHubConfig::gitHubCom(u"id"_s).validationError().isEmpty());
        const GitHubConfig enterprise = GitHubConfig::enterprise(u"github.example.com"_s, u"id"_s);
        QCOMPARE(enterprise.apiUrl.toString(), u"https://github.example.com/api/v3"_s);
        QCOMPARE(enterprise.webUrl.toString(), u"https://github.example.com"_s);
        QVERIFY(GitHubConfig::singleServer(QUrl(u"http://127.0.0.1:8080"_s), u"id"_s)
                    .validationError()
                    .isEmpty());
        QVERIFY(!GitHubConfig::singleServer(QUrl(u"http://github.example.com"_s), u"id"_s)
                     .validationError()
                     .isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestGitHubParsing)
#include "tst_githubparsing.moc"
