#include "github/GitHubParsing.h"
#include "github/PollInterval.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace forge::github;
using namespace Qt::StringLiterals;
using namespace std::chrono_literals;

namespace {

// A JSON object from tests/unit/github/data, as GitHub sent it.
QJsonObject sample(const char* name)
{
    QFile file(QStringLiteral(FORGE_SOURCE_DIR "/tests/unit/github/data/") + QString::fromLatin1(name));
    if (!file.open(QIODevice::ReadOnly))
        qFatal("cannot read %s", qPrintable(file.fileName()));
    QJsonParseError error{};
    const QJsonDocument document = QJsonDocument::fromJson(file.readAll(), &error);
    if (error.error != QJsonParseError::NoError || !document.isObject())
        qFatal("%s is not a JSON object: %s", name, qPrintable(error.errorString()));
    return document.object();
}

// A list item of GET /repos/{o}/{r}/pulls (trimmed of the links GitHub adds), for a pull request
// from a fork: no "merged", "merged_at" null, and the head in another repository. Kept in files:
// moc 6.4 reads the "//" of a URL inside a raw string literal as a comment and then finds no class.
QJsonObject forkListItem()
{
    return sample("pull-from-fork.json");
}

// The single view (GET .../pulls/{n}) of a merged pull request whose fork was deleted since:
// "repo": null on the head, a null user and a null title.
QJsonObject mergedDeletedFork()
{
    return sample("pull-merged-deleted-fork.json");
}

} // namespace

class TestGitHubPullParsing : public QObject
{
    Q_OBJECT

private slots:
    void listItemFromAFork()
    {
        GitHubPullRequest pull;
        QVERIFY(parsing::pullRequest(forkListItem(), pull));
        QCOMPARE(pull.number, 1347);
        QCOMPARE(pull.title, u"Amazing new feature"_s);
        QCOMPARE(pull.authorLogin, u"contributor"_s);
        QCOMPARE(pull.htmlUrl.toString(), u"https://github.com/octocat/Hello-World/pull/1347"_s);
        QCOMPARE(pull.state, GitHubPullRequest::State::Open);
        QVERIFY(pull.isOpen());
        QVERIFY(!pull.draft);
        QVERIFY(!pull.merged);
        QCOMPARE(pull.updatedAt, QDateTime(QDate(2011, 1, 26), QTime(19, 14, 43), Qt::UTC));
        QCOMPARE(pull.head.ref, u"new-topic"_s);
        QCOMPARE(pull.head.sha, u"6dcb09b5b57875f334f61aebed695e2e4193db5e"_s);
        QCOMPARE(pull.head.repoFullName, u"contributor/Hello-World"_s);
        QCOMPARE(pull.base.ref, u"master"_s);
        QCOMPARE(pull.base.sha, u"6dcb09b5b57875f334f61aebed695e2e4193db5f"_s);
        QCOMPARE(pull.base.repoFullName, u"octocat/Hello-World"_s);
        QVERIFY(!pull.headRepoDeleted());
        QVERIFY(pull.isFromFork());
    }

    void branchInTheSameRepositoryIsNoFork()
    {
        QJsonObject object = forkListItem();
        QJsonObject head = object.value(u"head"_s).toObject();
        // Names differ only in case: still the same repository.
        head.insert(u"repo"_s, QJsonObject{{u"full_name"_s, u"OctoCat/hello-world"_s}});
        object.insert(u"head"_s, head);
        object.insert(u"draft"_s, true);
        GitHubPullRequest pull;
        QVERIFY(parsing::pullRequest(object, pull));
        QVERIFY(!pull.isFromFork());
        QVERIFY(pull.draft);
    }

    void mergedSingleViewWithADeletedFork()
    {
        GitHubPullRequest pull;
        QVERIFY(parsing::pullRequest(mergedDeletedFork(), pull));
        QCOMPARE(pull.number, 7);
        QCOMPARE(pull.state, GitHubPullRequest::State::Closed);
        QVERIFY(pull.merged);
        QVERIFY(pull.title.isEmpty());
        QVERIFY(pull.authorLogin.isEmpty());
        QCOMPARE(pull.head.ref, u"gone"_s);
        QCOMPARE(pull.head.sha.size(), 40);
        QVERIFY(pull.head.repoFullName.isEmpty());
        QVERIFY(pull.headRepoDeleted());
        QVERIFY(pull.isFromFork());
        QCOMPARE(pull.base.repoFullName, u"octocat/Hello-World"_s);
    }

    void mergedFromEitherField()
    {
        // A list item only has merged_at; the single view also says "merged".
        QJsonObject closed = forkListItem();
        closed.insert(u"state"_s, u"closed"_s);
        GitHubPullRequest pull;
        QVERIFY(parsing::pullRequest(closed, pull));
        QVERIFY(!pull.isOpen());
        QVERIFY(!pull.merged);
        closed.insert(u"merged_at"_s, u"2011-01-27T10:00:00Z"_s);
        QVERIFY(parsing::pullRequest(closed, pull));
        QVERIFY(pull.merged);
        QJsonObject single = mergedDeletedFork();
        single.insert(u"merged"_s, false);
        single.insert(u"merged_at"_s, QJsonValue::Null);
        QVERIFY(parsing::pullRequest(single, pull));
        QVERIFY(!pull.merged);
    }

    void optionalFieldsMayBeMissing()
    {
        // Older GitHub Enterprise Server versions send no "draft"; a null updated_at is no date.
        QJsonObject object = forkListItem();
        object.remove(u"draft"_s);
        object.insert(u"updated_at"_s, QJsonValue::Null);
        object.insert(u"html_url"_s, QJsonValue::Null);
        GitHubPullRequest pull;
        QVERIFY(parsing::pullRequest(object, pull));
        QVERIFY(!pull.draft);
        QVERIFY(!pull.updatedAt.isValid());
        QVERIFY(pull.htmlUrl.isEmpty());
    }

    void refusesWhatIsNoPullRequest_data()
    {
        QTest::addColumn<QString>("field");
        QTest::addColumn<QJsonValue>("value");
        QTest::newRow("no number") << u"number"_s << QJsonValue(QJsonValue::Undefined);
        QTest::newRow("number as text") << u"number"_s << QJsonValue(u"1347"_s);
        QTest::newRow("fractional number") << u"number"_s << QJsonValue(1.5);
        QTest::newRow("zero") << u"number"_s << QJsonValue(0);
        QTest::newRow("null state") << u"state"_s << QJsonValue(QJsonValue::Null);
        QTest::newRow("unknown state") << u"state"_s << QJsonValue(u"merged"_s);
        QTest::newRow("null head") << u"head"_s << QJsonValue(QJsonValue::Null);
        QTest::newRow("head as text") << u"head"_s << QJsonValue(u"main"_s);
        QTest::newRow("no base") << u"base"_s << QJsonValue(QJsonValue::Undefined);
    }

    void refusesWhatIsNoPullRequest()
    {
        QFETCH(QString, field);
        QFETCH(QJsonValue, value);
        QJsonObject object = forkListItem();
        if (value.isUndefined())
            object.remove(field);
        else
            object.insert(field, value);
        GitHubPullRequest pull;
        pull.title = u"untouched"_s;
        QVERIFY(!parsing::pullRequest(object, pull));
        QCOMPARE(pull.title, u"untouched"_s);
        QVERIFY(!parsing::pullRequest(QJsonObject{}, pull));
    }

    void pollIntervalHasAFloor()
    {
        const QDateTime now(QDate(2024, 1, 1), QTime(12, 0), Qt::UTC);
        QCOMPARE(suggestedPollInterval({}, 1, now), MinPollInterval);
        const RateLimitInfo plenty{5000, 4999, now.addSecs(3600)};
        QCOMPARE(suggestedPollInterval(plenty, 1, now), 60s);
        // Stale information (a reset in the past) means a fresh budget.
        QCOMPARE(suggestedPollInterval({5000, 3, now.addSecs(-10)}, 1, now), 60s);
        // Even the unauthenticated limit paces a single poll no faster than the floor.
        QVERIFY(suggestedPollInterval({60, 60, now.addSecs(60)}, 1, now) >= MinPollInterval);
    }

    void pollIntervalKeepsHalfTheBudget()
    {
        const QDateTime now(QDate(2024, 1, 1), QTime(12, 0), Qt::UTC);
        // 100 left for the next hour: 50 for polls, one every 72 s.
        QCOMPARE(suggestedPollInterval({5000, 100, now.addSecs(3600)}, 1, now), 72s);
        // Ten pollers share the same 50.
        QCOMPARE(suggestedPollInterval({5000, 100, now.addSecs(3600)}, 10, now), 720s);
        QCOMPARE(suggestedPollInterval({5000, 100, now.addSecs(3600)}, 0, now), 72s);
        // Rounded up: 3600 * 3 / 50 = 216 exactly, 3601 s would be 216.06 -> 217.
        QCOMPARE(suggestedPollInterval({5000, 100, now.addSecs(3601)}, 3, now), 217s);
    }

    void usedUpLimitWaitsForTheReset()
    {
        const QDateTime now(QDate(2024, 1, 1), QTime(12, 0), Qt::UTC);
        QCOMPARE(suggestedPollInterval({5000, 0, now.addSecs(1800)}, 1, now), 1801s);
        QCOMPARE(suggestedPollInterval({5000, 1, now.addSecs(1800)}, 1, now), 1801s);
        QCOMPARE(suggestedPollInterval({5000, 0, now.addSecs(5)}, 1, now), 60s);
    }
};

QTEST_GUILESS_MAIN(TestGitHubPullParsing)
#include "tst_githubpullparsing.moc"
