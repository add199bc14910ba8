// The sandbox manager (SandboxManager + ProjectSession's restores) against the Daytona emulator: a
// live Express preview whose dev server dies, whose sandbox stops or disappears, comes back by
// itself; health checks do not keep the sandbox awake; repeated failures end in gaveUp().

#include "AwaitCatching.h"
#include "DaytonaEmulator.h"
#include "EmulatorFixture.h"
#include "FixtureRepository.h"
#include "Fixtures.h"
#include "GitHttpServer.h"
#include "daytona/DaytonaError.h"
#include "sandbox/daytona/DaytonaProvider.h"
#include "workflow/ProjectSession.h"
#include "workflow/SandboxManager.h"

#include <QCoroTask>
#include <QNetworkAccessManager>
#include <QNetworkProxy>
#include <QNetworkReply>
#include <QSettings>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace std::chrono_literals;
using forge::DaytonaProvider;
using forge::DaytonaSandboxOptions;
using forge::ProjectSession;
using forge::ProjectStatus;
using forge::SandboxManager;
using forge::StepId;
using forge::test::DaytonaEmulator;
using forge::test::EmulatorFixture;
using forge::test::FixtureRepository;
using forge::test::GitHttpServer;

namespace {

constexpr auto ApiKey = "manager-test-key";
constexpr int LiveTimeoutMs = 240'000;
constexpr int RestoreTimeoutMs = 180'000;
const QByteArray TokenHeader = "x-daytona-preview-token";

int fetchStatus(const QUrl& url, const QMap<QByteArray, QByteArray>& headers)
{
    QNetworkAccessManager network;
    network.setProxy(QNetworkProxy::NoProxy);
    QNetworkRequest request(url);
    request.setTransferTimeout(10'000);
    for (auto it = headers.cbegin(); it != headers.cend(); ++it)
        request.setRawHeader(it.key(), it.value());
    std::unique_ptr<QNetworkReply> reply(network.get(request));
    QSignalSpy finished(reply.get(), &QNetworkReply::finished);
    if (!reply->isFinished() && !finished.wait(15'000))
        return 0;
    return reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
}

} // namespace

class TestSandboxManager : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();

    void servingCheckChangesNothingAndKeepsNothingAwake();
    void deadDevServerIsRestartedAlone();
    void stoppedSandboxIsStartedNotRecreated();
    void goneSandboxIsRecreated();
    void recoverableErrorIsRecovered();
    void givesUpAfterThreeFailedRestoresAndRetries();
    void intervalFromSettings();
    void keptAwakeWhileShown();
    void notRefreshedWhenHiddenOrLetSleep();
    void letSleepStaysAsleepUntilWoken();
    void liveDevServerKeepsNothingAwake();
    void shownAndKeptAwakeIsCheckedWithinAutoStop();
    void autoStopsUnlessKeptAwakeWhileShown();

private:
    int activityRefreshes() const;
    // A live Express preview on the emulator, watched by m_manager (checks only when asked).
    bool startLive();
    int sandboxCount();
    // Clones of the fixture so far, however made (the sandbox's git or the toolbox's): each starts
    // with the git server's ref advertisement.
    qsizetype cloneCount() const;
    QStringList stepsStartedDuring(const std::function<void()>& action, QSignalSpy& until, int timeoutMs);

    forge::test::ServedFixtures m_served;
    EmulatorFixture m_emulator;
    std::unique_ptr<DaytonaProvider> m_provider;
    std::unique_ptr<ProjectSession> m_session;
    std::unique_ptr<SandboxManager> m_manager;
};

void TestSandboxManager::initTestCase()
{
    qRegisterMetaType<forge::SandboxManager::Verdict>();
    const QString served = m_served.serve({u"express-app"_s});
    QVERIFY2(served.isEmpty(), qPrintable(served));
}

void TestSandboxManager::init()
{
    const QString started = m_emulator.start(QString::fromLatin1(ApiKey));
    QVERIFY2(started.isEmpty(), qPrintable(started));

    forge::daytona::DaytonaConfig config;
    config.apiKey = QString::fromLatin1(ApiKey);
    config.apiUrl = m_emulator->apiUrl();
    config.requestTimeout = 20s;
    m_provider = std::make_unique<DaytonaProvider>(config, DaytonaSandboxOptions{});
    m_provider->setLogPollInterval(100ms);

    const auto parsed =
        forge::RepoRef::parse(m_served.git().repositoryUrl(u"express-app"_s).toString(), QDir::currentPath());
    QVERIFY(std::holds_alternative<forge::RepoRef>(parsed));
    m_session = std::make_unique<ProjectSession>(
        *m_provider, forge::newProject(std::get<forge::RepoRef>(parsed), QString(), forge::RunMode::Dev));
    m_manager = std::make_unique<SandboxManager>();
    m_manager->setInterval(1h); // checks only when a test asks
    m_manager->setProbeTimeout(5s);
}

void TestSandboxManager::cleanup()
{
    if (m_manager && m_session)
        m_manager->unwatch(m_session.get());
    m_manager.reset();
    if (m_session && m_session->isActive()) {
        QSignalSpy ended(m_session.get(), &ProjectSession::runEnded);
        m_session->stop();
        QVERIFY(ended.wait(60'000));
    }
    m_session.reset();
    m_provider.reset();
    m_emulator.stop();
}

bool TestSandboxManager::startLive()
{
    QSignalSpy ready(m_session.get(), &ProjectSession::previewReady);
    std::optional<QString> failure;
    connect(m_session.get(), &ProjectSession::failed, this, [&failure](const forge::StepFailure& caught) {
        failure = caught.message() + u" / "_s + caught.advice();
    });
    m_manager->watch(m_session.get());
    m_session->start();
    const bool ended =
        QTest::qWaitFor([&] { return ready.count() > 0 || failure.has_value(); }, LiveTimeoutMs);
    disconnect(m_session.get(), &ProjectSession::failed, this, nullptr);
    if (!ended) {
        qWarning() << "the preview did not become ready in time";
        return false;
    }
    if (failure) {
        qWarning() << "run failed:" << *failure;
        return false;
    }
    return m_session->status() == ProjectStatus::Live &&
           fetchStatus(m_session->previewUrl(), m_session->previewEndpoint().headers) == 200;
}

qsizetype TestSandboxManager::cloneCount() const
{
    qsizetype clones = 0;
    for (const auto& request : m_served.git().requests())
        clones += request.target.endsWith("/info/refs?service=git-upload-pack") ? 1 : 0;
    return clones;
}

int TestSandboxManager::sandboxCount()
{
    const auto listed =
        forge::test::awaitCatching<forge::daytona::DaytonaError>(m_provider->client().sandboxes().listAll());
    if (listed.error)
        return -1;
    int count = 0;
    for (const auto& sandbox : *listed.value) {
        if (sandbox.state != u"destroyed"_s)
            ++count;
    }
    return count;
}

QStringList TestSandboxManager::stepsStartedDuring(const std::function<void()>& action, QSignalSpy& until,
                                                   int timeoutMs)
{
    QStringList steps;
    const auto connection = connect(m_session.get(), &ProjectSession::stepStarted, this,
                                    [&steps](StepId step) { steps.append(forge::stepName(step)); });
    action();
    if (until.isEmpty())
        until.wait(timeoutMs);
    disconnect(connection);
    return steps;
}

void TestSandboxManager::servingCheckChangesNothingAndKeepsNothingAwake()
{
    QVERIFY(startLive());
    const QString id = m_session->sandboxId();
    const auto activityBefore = m_emulator->lastActivity(id);
    QVERIFY(activityBefore);
    m_emulator->clearRequests();

    QSignalSpy finished(m_manager.get(), &SandboxManager::checkFinished);
    QSignalSpy restoring(m_session.get(), &ProjectSession::restoring);
    m_manager->checkNow(m_session.get());
    QVERIFY(finished.wait(30'000));
    QCOMPARE(finished.first().at(1).value<SandboxManager::Verdict>(), SandboxManager::Verdict::Serving);
    QCOMPARE(restoring.count(), 0);

    // No toolbox call, and the probe told the proxy not to count it as activity.
    bool probed = false;
    for (const auto& request : m_emulator->requests()) {
        QVERIFY2(!request.path().startsWith("/toolbox"), request.target.constData());
        if (request.hasHeader("X-Daytona-Skip-Last-Activity-Update")) {
            probed = true;
            QCOMPARE(request.header("X-Daytona-Skip-Last-Activity-Update"), QByteArray("true"));
        }
    }
    QVERIFY(probed);
    QCOMPARE(m_emulator->lastActivity(id), activityBefore);
    QVERIFY(m_session->status() == ProjectStatus::Live);
    QCOMPARE(m_session->sandboxId(), id);
}

void TestSandboxManager::deadDevServerIsRestartedAlone()
{
    QVERIFY(startLive());
    const QString id = m_session->sandboxId();
    const qsizetype clones = cloneCount();
    QSignalSpy restored(m_session.get(), &ProjectSession::restored);
    int failed = 0;
    connect(m_session.get(), &ProjectSession::failed, this, [&failed] { ++failed; });

    // The dev server crashes: the session reports it and the manager restarts it at once.
    const QStringList steps = stepsStartedDuring(
        [this, &id] { QCOMPARE(m_emulator->killSessionCommands(id), 1); }, restored, RestoreTimeoutMs);
    QCOMPARE(restored.count(), 1);
    QCOMPARE(failed, 0);
    QCOMPARE(steps, (QStringList{u"start-dev-server"_s, u"publish-preview"_s}));
    QCOMPARE(cloneCount(), clones);
    QCOMPARE(m_session->sandboxId(), id);
    QVERIFY(m_session->status() == ProjectStatus::Live);
    QCOMPARE(restored.first().first().toUrl(), m_session->previewUrl());
    QCOMPARE(fetchStatus(m_session->previewUrl(), m_session->previewEndpoint().headers), 200);
}

void TestSandboxManager::stoppedSandboxIsStartedNotRecreated()
{
    QVERIFY(startLive());
    const QString id = m_session->sandboxId();
    const QByteArray oldToken = m_session->previewEndpoint().headers.value(TokenHeader);
    QVERIFY(!oldToken.isEmpty());
    const qsizetype clones = cloneCount();

    m_emulator->stopSandboxExternally(id);
    QCOMPARE(m_emulator->state(id), u"stopped"_s);
    QSignalSpy restored(m_session.get(), &ProjectSession::restored);
    QSignalSpy restoring(m_session.get(), &ProjectSession::restoring);
    const QStringList steps =
        stepsStartedDuring([this] { m_manager->checkNow(m_session.get()); }, restored, RestoreTimeoutMs);
    QCOMPARE(restored.count(), 1);
    QVERIFY(restoring.count() >= 1);
    QCOMPARE(steps, (QStringList{u"start-dev-server"_s, u"publish-preview"_s}));
    QCOMPARE(m_session->sandboxId(), id);
    QCOMPARE(m_emulator->state(id), u"started"_s);
    QCOMPARE(sandboxCount(), 1);
    QCOMPARE(cloneCount(), clones);

    const auto headers = m_session->previewEndpoint().headers;
    QVERIFY(!headers.value(TokenHeader).isEmpty());
    QVERIFY(headers.value(TokenHeader) != oldToken);
    QCOMPARE(fetchStatus(m_session->previewUrl(), headers), 200);
    QCOMPARE(m_manager->failedRestores(m_session.get()), 0);
}

void TestSandboxManager::goneSandboxIsRecreated()
{
    QVERIFY(startLive());
    const QString id = m_session->sandboxId();
    const qsizetype clones = cloneCount();

    m_emulator->removeSandboxExternally(id);
    QSignalSpy restored(m_session.get(), &ProjectSession::restored);
    const QStringList steps =
        stepsStartedDuring([this] { m_manager->checkNow(m_session.get()); }, restored, RestoreTimeoutMs);
    QCOMPARE(restored.count(), 1);
    QVERIFY2(steps.startsWith(u"create-sandbox"_s), qPrintable(steps.join(u", "_s)));
    const QString newId = m_session->sandboxId();
    QVERIFY(!newId.isEmpty());
    QVERIFY(newId != id);
    QCOMPARE(sandboxCount(), 1);
    QCOMPARE(cloneCount(), clones + 1);
    QCOMPARE(fetchStatus(m_session->previewUrl(), m_session->previewEndpoint().headers), 200);
}

void TestSandboxManager::recoverableErrorIsRecovered()
{
    QVERIFY(startLive());
    const QString id = m_session->sandboxId();
    m_emulator->setSandboxError(id, u"disk hiccup"_s, true);
    QCOMPARE(m_emulator->state(id), u"error"_s);

    m_emulator->clearRequests();
    QSignalSpy restored(m_session.get(), &ProjectSession::restored);
    m_manager->checkNow(m_session.get());
    QVERIFY(restored.wait(RestoreTimeoutMs));
    QCOMPARE(m_session->sandboxId(), id);
    QCOMPARE(m_emulator->state(id), u"started"_s);
    // Recovered through the API's recover call, not recreated.
    bool recovered = false;
    for (const auto& request : m_emulator->requests())
        recovered = recovered || (request.method == "POST" && request.path().endsWith("/recover"));
    QVERIFY(recovered);
    QCOMPARE(sandboxCount(), 1);
    QCOMPARE(fetchStatus(m_session->previewUrl(), m_session->previewEndpoint().headers), 200);
}

void TestSandboxManager::givesUpAfterThreeFailedRestoresAndRetries()
{
    QVERIFY(startLive());
    const QString id = m_session->sandboxId();
    m_emulator->removeSandboxExternally(id);
    // Every new sandbox is refused: each restore fails at create-sandbox.
    m_emulator->failNext("POST", u"^/api/sandbox$"_s, 400, 1000);

    QSignalSpy finished(m_manager.get(), &SandboxManager::checkFinished);
    QSignalSpy gaveUp(m_manager.get(), &SandboxManager::gaveUp);
    QSignalSpy restoreFailed(m_session.get(), &ProjectSession::restoreFailed);
    for (int attempt = 1; attempt <= SandboxManager::MaxFailedRestores; ++attempt) {
        const qsizetype before = finished.count();
        m_manager->checkNow(m_session.get());
        QTRY_VERIFY_WITH_TIMEOUT(finished.count() > before, 60'000);
        QCOMPARE(finished.last().at(1).value<SandboxManager::Verdict>(),
                 SandboxManager::Verdict::RestoreFailed);
        QCOMPARE(restoreFailed.count(), attempt);
        QCOMPARE(gaveUp.count(), attempt == SandboxManager::MaxFailedRestores ? 1 : 0);
    }
    QVERIFY(m_manager->hasGivenUp(m_session.get()));
    const QString cause = gaveUp.first().at(1).toString();
    qInfo("gave up: %s", qPrintable(cause));
    QVERIFY2(cause.contains(u"Create sandbox"_s, Qt::CaseInsensitive), qPrintable(cause));
    QVERIFY2(cause.contains(u"3 times"_s), qPrintable(cause));
    QVERIFY(m_session->status() == ProjectStatus::Live); // the run stays, for Retry

    // Given up: a check does nothing.
    const qsizetype checks = finished.count();
    m_manager->checkNow(m_session.get());
    QCOMPARE(finished.count(), checks);
    QCOMPARE(m_manager->isChecking(m_session.get()), false);

    // Retry after the cause is fixed: checked at once and restored.
    m_emulator->clearFaults();
    QSignalSpy restored(m_session.get(), &ProjectSession::restored);
    m_manager->retry(m_session.get());
    QVERIFY(restored.wait(RestoreTimeoutMs));
    QVERIFY(!m_manager->hasGivenUp(m_session.get()));
    QCOMPARE(m_manager->failedRestores(m_session.get()), 0);
    QCOMPARE(sandboxCount(), 1);
    QCOMPARE(fetchStatus(m_session->previewUrl(), m_session->previewEndpoint().headers), 200);
}

void TestSandboxManager::intervalFromSettings()
{
    QTemporaryDir dir;
    QSettings settings(dir.filePath(u"settings.ini"_s), QSettings::IniFormat);
    QCOMPARE(SandboxManager::configuredInterval(settings), SandboxManager::DefaultInterval);
    settings.setValue(u"manager/intervalMs"_s, 1500);
    QCOMPARE(SandboxManager::configuredInterval(settings), 1500ms);

    // The timer checks a live project by itself.
    QVERIFY(startLive());
    QSignalSpy finished(m_manager.get(), &SandboxManager::checkFinished);
    m_manager->setInterval(200ms);
    QVERIFY(finished.wait(30'000));
    QCOMPARE(finished.first().at(1).value<SandboxManager::Verdict>(), SandboxManager::Verdict::Serving);
}

int TestSandboxManager::activityRefreshes() const
{
    int count = 0;
    for (const auto& request : m_emulator->requests()) {
        if (request.method == "POST" && request.path().endsWith("/last-activity"))
            ++count;
    }
    return count;
}

void TestSandboxManager::keptAwakeWhileShown()
{
    QVERIFY(startLive());
    const QString id = m_session->sandboxId();
    QVERIFY(m_manager->keepsAwake(m_session.get())); // the default
    const auto before = m_emulator->lastActivity(id);
    QVERIFY(before);
    // The emulator keeps milliseconds: let the clock move past the last activity.
    QTRY_VERIFY(QDateTime::currentDateTimeUtc() > *before);
    m_emulator->clearRequests();

    // Showing the project checks it at once, and the check refreshes its activity.
    QSignalSpy finished(m_manager.get(), &SandboxManager::checkFinished);
    m_manager->setShown(m_session.get(), true);
    QVERIFY(m_manager->isShown(m_session.get()));
    QVERIFY(finished.wait(30'000));
    QCOMPARE(finished.first().at(1).value<SandboxManager::Verdict>(), SandboxManager::Verdict::Serving);
    QCOMPARE(activityRefreshes(), 1);
    const auto after = m_emulator->lastActivity(id);
    QVERIFY(after);
    QVERIFY2(*after > *before, qPrintable(after->toString(Qt::ISODateWithMs)));

    // And every later check while shown.
    QTRY_VERIFY(QDateTime::currentDateTimeUtc() > *after);
    m_manager->checkNow(m_session.get());
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 2, 30'000);
    QCOMPARE(activityRefreshes(), 2);
    QVERIFY(*m_emulator->lastActivity(id) > *after);
}

void TestSandboxManager::notRefreshedWhenHiddenOrLetSleep()
{
    QVERIFY(startLive());
    const QString id = m_session->sandboxId();
    const auto before = m_emulator->lastActivity(id);
    QVERIFY(before);
    QTRY_VERIFY(QDateTime::currentDateTimeUtc() > *before);
    m_emulator->clearRequests();
    QSignalSpy finished(m_manager.get(), &SandboxManager::checkFinished);

    // Kept awake but not shown.
    QVERIFY(!m_manager->isShown(m_session.get()));
    m_manager->checkNow(m_session.get());
    QVERIFY(finished.wait(30'000));
    QCOMPARE(finished.last().at(1).value<SandboxManager::Verdict>(), SandboxManager::Verdict::Serving);

    // Shown but let sleep.
    m_manager->setKeepAwake(m_session.get(), false);
    m_manager->setShown(m_session.get(), true);
    m_manager->checkNow(m_session.get());
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 2, 30'000);
    QCOMPARE(finished.last().at(1).value<SandboxManager::Verdict>(), SandboxManager::Verdict::Serving);

    QCOMPARE(activityRefreshes(), 0);
    QCOMPARE(m_emulator->lastActivity(id), before);
}

void TestSandboxManager::letSleepStaysAsleepUntilWoken()
{
    QVERIFY(startLive());
    const QString id = m_session->sandboxId();
    const qsizetype clones = cloneCount();
    m_manager->setKeepAwake(m_session.get(), false);
    m_manager->setShown(m_session.get(), true);

    QSignalSpy finished(m_manager.get(), &SandboxManager::checkFinished);
    QSignalSpy sleeping(m_manager.get(), &SandboxManager::sleeping);
    QSignalSpy awake(m_manager.get(), &SandboxManager::awake);
    QSignalSpy restoring(m_session.get(), &ProjectSession::restoring);

    // Daytona's auto-stop (or anything else) stops it: it is asleep, not restored.
    m_emulator->stopSandboxExternally(id);
    m_manager->checkNow(m_session.get());
    QVERIFY(sleeping.wait(30'000));
    QCOMPARE(sleeping.count(), 1);
    QCOMPARE(finished.last().at(1).value<SandboxManager::Verdict>(), SandboxManager::Verdict::Sleeping);
    QVERIFY(m_manager->isSleeping(m_session.get()));

    // Later checks change nothing and do not announce the sleep again.
    for (int round = 0; round < 2; ++round) {
        const qsizetype before = finished.count();
        m_manager->checkNow(m_session.get());
        QTRY_VERIFY_WITH_TIMEOUT(finished.count() > before, 30'000);
        QCOMPARE(finished.last().at(1).value<SandboxManager::Verdict>(), SandboxManager::Verdict::Sleeping);
    }
    QCOMPARE(sleeping.count(), 1);
    QCOMPARE(restoring.count(), 0);
    QCOMPARE(m_emulator->state(id), u"stopped"_s);
    QVERIFY(m_session->status() == ProjectStatus::Live);

    // Wake: started again (not recreated), the dev server rerun, the preview answers.
    QSignalSpy restored(m_session.get(), &ProjectSession::restored);
    m_manager->wake(m_session.get());
    QCOMPARE(awake.count(), 1);
    QVERIFY(!m_manager->isSleeping(m_session.get()));
    QVERIFY(restored.wait(RestoreTimeoutMs));
    QTRY_COMPARE_WITH_TIMEOUT(finished.last().at(1).value<SandboxManager::Verdict>(),
                              SandboxManager::Verdict::Restored, 30'000);
    QCOMPARE(m_session->sandboxId(), id);
    QCOMPARE(m_emulator->state(id), u"started"_s);
    QCOMPARE(sandboxCount(), 1);
    QCOMPARE(cloneCount(), clones);
    QCOMPARE(fetchStatus(m_session->previewUrl(), m_session->previewEndpoint().headers), 200);

    // Normal checks again.
    const qsizetype before = finished.count();
    m_manager->checkNow(m_session.get());
    QTRY_VERIFY_WITH_TIMEOUT(finished.count() > before, 30'000);
    QCOMPARE(finished.last().at(1).value<SandboxManager::Verdict>(), SandboxManager::Verdict::Serving);
    QCOMPARE(sleeping.count(), 1);
}

// Issue 17: while the preview is up, its dev server's log stream stays open and the preview pane
// shows the page; Daytona's proxy would count both (the stream every 50 s), so auto-stop would
// never happen.
void TestSandboxManager::liveDevServerKeepsNothingAwake()
{
    m_emulator->setActivityRefreshInterval(50ms);
    QVERIFY(startLive());
    const QString id = m_session->sandboxId();
    const auto before = m_emulator->lastActivity(id);
    QVERIFY(before);
    QSignalSpy held(m_emulator.get(), &DaytonaEmulator::activityHeld);
    // The preview pane loads the page with the endpoint's headers: that is not activity either.
    QTRY_VERIFY(QDateTime::currentDateTimeUtc() > *before); // the emulator keeps milliseconds
    QCOMPARE(fetchStatus(m_session->previewUrl(), m_session->previewEndpoint().headers), 200);
    // Five of the proxy's intervals with the dev server's stream open.
    QTRY_VERIFY_WITH_TIMEOUT(held.count() >= 5, 30'000);
    for (const auto& tick : std::as_const(held))
        QVERIFY2(!tick.at(1).toBool(), "an open request counted as the sandbox's activity");
    QCOMPARE(m_emulator->lastActivity(id), before);
    QVERIFY(m_session->status() == ProjectStatus::Live);
}

// Only checks of a shown, kept-awake project refresh its activity: they come at least twice per
// auto-stop interval (30 minutes by default), however long the configured interval.
void TestSandboxManager::shownAndKeptAwakeIsCheckedWithinAutoStop()
{
    m_manager->watch(m_session.get());
    QCOMPARE(m_manager->checkInterval(m_session.get()), std::chrono::milliseconds(1h));
    m_manager->setShown(m_session.get(), true);
    QCOMPARE(m_manager->checkInterval(m_session.get()), std::chrono::milliseconds(15min));
    m_manager->setKeepAwake(m_session.get(), false);
    QCOMPARE(m_manager->checkInterval(m_session.get()), std::chrono::milliseconds(1h));
    m_manager->setKeepAwake(m_session.get(), true);
    m_manager->setShown(m_session.get(), false);
    QCOMPARE(m_manager->checkInterval(m_session.get()), std::chrono::milliseconds(1h));
}

// Issue 17, end to end with the emulator's auto-stop: only Keep Awake While Shown keeps a live
// preview's sandbox up; let sleep, it stops after its auto-stop minutes although its dev server's
// log stream is open.
void TestSandboxManager::autoStopsUnlessKeptAwakeWhileShown()
{
    m_emulator->setActivityRefreshInterval(50ms);
    QVERIFY(startLive());
    const QString id = m_session->sandboxId();
    m_emulator->setAutoStopMinute(100ms); // the default 30 minutes last 3 s
    m_manager->setInterval(500ms);
    QSignalSpy finished(m_manager.get(), &SandboxManager::checkFinished);
    m_manager->setShown(m_session.get(), true);
    // Shown and kept awake: each check refreshes its activity, through more than two auto-stops.
    QTRY_VERIFY_WITH_TIMEOUT(finished.count() >= 14, 30'000);
    for (const auto& check : std::as_const(finished))
        QCOMPARE(check.at(1).value<SandboxManager::Verdict>(), SandboxManager::Verdict::Serving);
    QCOMPARE(m_emulator->state(id), u"started"_s);

    QSignalSpy sleeping(m_manager.get(), &SandboxManager::sleeping);
    m_manager->setKeepAwake(m_session.get(), false);
    QVERIFY(sleeping.wait(30'000));
    QCOMPARE(m_emulator->state(id), u"stopped"_s);
}

QTEST_GUILESS_MAIN(TestSandboxManager)
#include "tst_sandboxmanager.moc"
