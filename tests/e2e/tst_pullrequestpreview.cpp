// Issue 21 through forge-preview-cli: a pull request's address previews its head, fetched as
// refs/pull/<n>/head from the base repository (as GitHub keeps every pull request, a fork's too),
// on the local back end and on Daytona (the emulator, with the sandbox's own git).

#include "CliProcesses.h"
#include "Fixtures.h"

#include <QNetworkAccessManager>
#include <QNetworkProxy>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <csignal>

using namespace Qt::StringLiterals;
using forge::test::CliRun;
using forge::test::EmulatorProcess;
using forge::test::FixtureRepository;
using forge::test::GitHttpServer;

namespace {

constexpr int InstallAndStartTimeoutMs = 5 * 60 * 1000;
constexpr int StopTimeoutMs = 60 * 1000;
constexpr int PullRequest = 3;

} // namespace

class TestPullRequestPreview : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void previewsAPullRequestsHeadLocally();
    void previewsAPullRequestsHeadOnDaytona();
    void aPullRequestThatDoesNotExistSaysSo();
    void aBranchDoesNotGoWithAPullRequest();

private:
    QString pullRequestUrl(int number) const;
    QString cloneSummary(const CliRun& run) const;

    QTemporaryDir m_work;
    std::unique_ptr<FixtureRepository> m_repository;
    std::unique_ptr<GitHttpServer> m_server;
    QString m_headCommit; // the pull request's head, short
    QNetworkAccessManager m_network;
};

void TestPullRequestPreview::initTestCase()
{
    QVERIFY(m_work.isValid());
    m_network.setProxy(QNetworkProxy::NoProxy);
    const QString served = m_work.filePath(u"served"_s);
    m_repository = std::make_unique<FixtureRepository>(m_work.filePath(u"env-echo"_s));
    QVERIFY2(m_repository->initialize(forge::test::fixtureProjectPath(u"env-echo"_s)),
             qPrintable(m_repository->errorString()));
    QVERIFY2(m_repository->createBareClone(served), qPrintable(m_repository->errorString()));
    // The pull request changes the page's default greeting; main keeps "unset".
    QFile server(forge::test::fixtureProjectPath(u"env-echo"_s) + u"/server.js"_s);
    QVERIFY(server.open(QIODevice::ReadOnly));
    QByteArray changed = server.readAll();
    QVERIFY(changed.contains("|| 'unset'"));
    changed.replace("|| 'unset'", "|| 'changed by pull request 3'");
    QVERIFY2(m_repository->addPullRequest(PullRequest, u"server.js"_s, changed),
             qPrintable(m_repository->errorString()));
    m_headCommit = m_repository->commitId(u"pr-3"_s).left(7);
    QVERIFY(!m_headCommit.isEmpty());
    QVERIFY(m_repository->commitId(u"main"_s).left(7) != m_headCommit);
    m_server = std::make_unique<GitHttpServer>(served);
    QString error;
    QVERIFY2(m_server->listen(&error), qPrintable(error));
}

QString TestPullRequestPreview::pullRequestUrl(int number) const
{
    return m_server->repositoryUrl(u"env-echo"_s).toString() + u"/pull/%1"_s.arg(number);
}

QString TestPullRequestPreview::cloneSummary(const CliRun& run) const
{
    for (const QJsonObject& event : run.events()) {
        if (event.value(u"step"_s) == u"clone-repository"_s && event.value(u"status"_s) == u"succeeded"_s)
            return event.value(u"summary"_s).toString();
    }
    return {};
}

void TestPullRequestPreview::previewsAPullRequestsHeadLocally()
{
    QTemporaryDir data;
    CliRun run(data.path());
    run.start({u"preview"_s, pullRequestUrl(PullRequest), u"--json"_s});
    QTRY_VERIFY2_WITH_TIMEOUT(run.event(u"ready"_s) || run.finished(), qPrintable(run.transcript()),
                              InstallAndStartTimeoutMs);
    QVERIFY2(run.event(u"ready"_s), qPrintable(run.transcript()));
    QCOMPARE(run.event(u"start"_s)->value(u"pullRequest"_s).toInt(), PullRequest);
    QCOMPARE(cloneSummary(run), u"pull request #3 at %1"_s.arg(m_headCommit));
    const QByteArray page =
        forge::test::fetchBody(m_network, QUrl(run.event(u"ready"_s)->value(u"url"_s).toString()));
    QVERIFY2(page.contains("<h1 id=\"greeting\">changed by pull request 3</h1>"), page.constData());

    ::kill(static_cast<pid_t>(run.process().processId()), SIGINT);
    QSignalSpy exited(&run.process(), &QProcess::finished);
    QVERIFY2(run.finished() || exited.wait(StopTimeoutMs), qPrintable(run.transcript()));
    QCOMPARE(run.process().exitCode(), 0);
}

void TestPullRequestPreview::previewsAPullRequestsHeadOnDaytona()
{
    QTemporaryDir data;
    QTemporaryDir emulatorData;
    EmulatorProcess emulator(emulatorData.path());
    const QUrl api = emulator.apiUrl();
    QVERIFY2(api.isValid() && api.port() > 0, qPrintable(api.toString()));
    CliRun run(data.path(), {{u"DAYTONA_API_KEY"_s, QString::fromLatin1(EmulatorProcess::DefaultApiKey)}});
    QSignalSpy exited(&run.process(), &QProcess::finished);
    run.start({u"preview"_s, pullRequestUrl(PullRequest), u"--provider"_s, u"daytona"_s, u"--api-url"_s,
               api.toString(), u"--exit-when-ready"_s, u"--json"_s});
    QVERIFY2(run.finished() || exited.wait(InstallAndStartTimeoutMs), qPrintable(run.transcript()));
    QVERIFY2(run.process().exitCode() == 0 && run.event(u"ready"_s), qPrintable(run.transcript()));
    // The sandbox's git checked out the pull request's head, not main.
    QCOMPARE(cloneSummary(run), u"pull request #3 at %1"_s.arg(m_headCommit));
}

void TestPullRequestPreview::aPullRequestThatDoesNotExistSaysSo()
{
    QTemporaryDir data;
    CliRun run(data.path());
    QSignalSpy exited(&run.process(), &QProcess::finished);
    run.start({u"preview"_s, pullRequestUrl(9), u"--json"_s});
    QVERIFY2(run.finished() || exited.wait(InstallAndStartTimeoutMs), qPrintable(run.transcript()));
    QCOMPARE(run.process().exitCode(), 4); // clone-repository
    const auto failed = run.event(u"failed"_s);
    QVERIFY2(failed, qPrintable(run.transcript()));
    QVERIFY2(failed->value(u"message"_s).toString() == u"Pull request #9 does not exist in env-echo."_s,
             qPrintable(run.transcript()));
}

void TestPullRequestPreview::aBranchDoesNotGoWithAPullRequest()
{
    QTemporaryDir data;
    CliRun run(data.path());
    QSignalSpy exited(&run.process(), &QProcess::finished);
    run.start({u"preview"_s, pullRequestUrl(PullRequest), u"--branch"_s, u"main"_s});
    QVERIFY2(run.finished() || exited.wait(StopTimeoutMs), qPrintable(run.transcript()));
    QCOMPARE(run.process().exitCode(), 2);
    QVERIFY2(run.standardError().contains(u"--branch does not go with a pull request"_s),
             qPrintable(run.transcript()));
}

QTEST_GUILESS_MAIN(TestPullRequestPreview)
#include "tst_pullrequestpreview.moc"
