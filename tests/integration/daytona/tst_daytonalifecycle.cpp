// Issue 17: the Daytona back end (DaytonaProvider) against the emulator where the real service's
// lifecycle differs from what the client first assumed: organisation quotas, teammates in one
// organisation, failed sandboxes, the full state set with desiredState, answers held up to 30 s,
// and a sandbox without toolboxProxyUrl. Each test failed on the code before the fix.

#include "AwaitCatching.h"
#include "DaytonaEmulator.h"
#include "EmulatorFixture.h"
#include "core/Failure.h"
#include "sandbox/daytona/DaytonaProvider.h"

#include <QCoroTask>
#include <QElapsedTimer>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace std::chrono_literals;
using forge::DaytonaProvider;
using forge::DaytonaSandboxOptions;
using forge::Failure;
using forge::SandboxInfo;
using forge::SandboxSpec;
using forge::SandboxState;
using forge::daytona::DaytonaError;
using forge::test::DaytonaEmulator;
using forge::test::EmulatorFixture;

namespace {

constexpr auto ApiKey = "lifecycle-test-key";
const QString OwnerA = u"aaaaaaaa-1111-4111-8111-111111111111"_s;
const QString OwnerB = u"bbbbbbbb-2222-4222-8222-222222222222"_s;

template<typename T>
forge::test::Caught<Failure, T> await(QCoro::Task<T> task)
{
    return forge::test::awaitCatching<Failure>(std::move(task));
}

std::optional<Failure> awaitVoid(QCoro::Task<> task)
{
    return forge::test::awaitCatchingVoid<Failure>(std::move(task));
}

template<typename T>
forge::test::Caught<DaytonaError, T> awaitClient(QCoro::Task<T> task)
{
    return forge::test::awaitCatching<DaytonaError>(std::move(task));
}

// What PreviewWorkflow::createSandbox asks of a provider for a project: look first, else create.
QCoro::Task<SandboxInfo> openProject(DaytonaProvider& provider, QString projectId)
{
    const QMap<QString, QString> labels{{u"forge.project"_s, projectId}};
    const std::optional<SandboxInfo> found = co_await provider.findSandbox(labels);
    if (found && found->state != SandboxState::Gone && found->state != SandboxState::Error)
        co_return *found;
    const SandboxSpec spec{u"forge-%1-1"_s.arg(projectId), labels};
    co_return co_await provider.createSandbox(spec);
}

QString describe(const std::optional<Failure>& failure)
{
    return failure ? failure->message() + u" / "_s + failure->advice() : u"ok"_s;
}

} // namespace

class TestDaytonaLifecycle : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();

    void everySizeFitsTheDefaultQuota();
    void aQuotaRefusalSaysWhatToDo();
    void twoInstallationsGetSeparateSandboxes();
    void aTakenNameIsAdoptedOnlyWhenItsLabelsSayOurs();
    void aFailedSandboxIsReplacedWithANewGeneration();
    void deleteFreesTheNameAtOnce();
    void startWaitsForStoppingToEnd();
    void startIsAcceptedFromArchivingAndPaused();
    void createAndStartMayOutlastTheRequestTimeout();
    void aHeldAnswerEndsAfterTheWaitAndTheClientPolls();
    void toolboxUrlFromItsOwnRoute();

private:
    std::unique_ptr<DaytonaProvider> provider(const QString& ownerId, DaytonaSandboxOptions options = {},
                                              std::chrono::milliseconds requestTimeout = 20s);

    EmulatorFixture m_emulator;
};

void TestDaytonaLifecycle::init()
{
    const QString started = m_emulator.start(QString::fromLatin1(ApiKey));
    QVERIFY2(started.isEmpty(), qPrintable(started));
}

void TestDaytonaLifecycle::cleanup()
{
    m_emulator.stop();
}

std::unique_ptr<DaytonaProvider> TestDaytonaLifecycle::provider(const QString& ownerId,
                                                                DaytonaSandboxOptions options,
                                                                std::chrono::milliseconds requestTimeout)
{
    forge::daytona::DaytonaConfig config;
    config.apiKey = QString::fromLatin1(ApiKey);
    config.apiUrl = m_emulator->apiUrl();
    config.requestTimeout = requestTimeout;
    options.ownerId = ownerId;
    options.startTimeout = 20s;
    return std::make_unique<DaytonaProvider>(config, options);
}

void TestDaytonaLifecycle::everySizeFitsTheDefaultQuota()
{
    // The emulator keeps an organisation's default limits (4 CPU, 8 GB, 10 GB): Large used to ask
    // for 20 GB of disk and was refused on every create.
    for (const auto size : {DaytonaSandboxOptions::Size::Small, DaytonaSandboxOptions::Size::Medium,
                            DaytonaSandboxOptions::Size::Large}) {
        DaytonaSandboxOptions options;
        options.size = size;
        auto daytona = provider(OwnerA, options);
        const QString project = u"size-"_s + DaytonaSandboxOptions::toString(size);
        const auto created = await(openProject(*daytona, project));
        QVERIFY2(!created.error, qPrintable(created.describe()));
        QVERIFY(created.value->state == SandboxState::Started);
    }
}

void TestDaytonaLifecycle::aQuotaRefusalSaysWhatToDo()
{
    forge::test::DaytonaOrganization organization;
    organization.maxDiskPerSandbox = 5;
    m_emulator->setOrganization(organization);
    DaytonaSandboxOptions options;
    options.size = DaytonaSandboxOptions::Size::Medium; // 10 GB of disk
    auto daytona = provider(OwnerA, options);
    const auto refused = await(openProject(*daytona, u"quota"_s));
    QVERIFY(refused.error);
    QVERIFY2(
        refused.error->message().contains(u"Disk request 10GB exceeds maximum allowed per sandbox (5GB)"_s),
        qPrintable(refused.error->message()));
    QVERIFY(refused.error->kind() == forge::FailureKind::Permanent);
    QVERIFY2(refused.error->advice().contains(u"smaller size"_s) &&
                 refused.error->advice().contains(u"admin"_s),
             qPrintable(refused.error->advice()));
}

void TestDaytonaLifecycle::twoInstallationsGetSeparateSandboxes()
{
    auto mine = provider(OwnerA);
    auto teammate = provider(OwnerB);
    const QString project = u"11111111-2222-3333-4444-555555555555"_s; // the same repository and branch
    const auto first = await(openProject(*mine, project));
    QVERIFY2(!first.error, qPrintable(first.describe()));
    const auto second = await(openProject(*teammate, project));
    QVERIFY2(!second.error, qPrintable(second.describe()));
    QVERIFY(second.value->id != first.value->id);
    QCOMPARE(first.value->labels.value(u"forge.owner"_s), OwnerA);
    QCOMPARE(second.value->labels.value(u"forge.owner"_s), OwnerB);
    QVERIFY2(first.value->name.contains(OwnerA.left(8)), qPrintable(first.value->name));

    // Each finds its own again; stopping one leaves the other running.
    const auto again = await(openProject(*teammate, project));
    QVERIFY(again.value);
    QCOMPARE(again.value->id, second.value->id);
    QVERIFY(!awaitVoid(mine->stopSandbox(first.value->id)));
    QCOMPARE(m_emulator->state(second.value->id), u"started"_s);
}

void TestDaytonaLifecycle::aTakenNameIsAdoptedOnlyWhenItsLabelsSayOurs()
{
    // Someone else's sandbox already has the name this installation would choose.
    auto mine = provider(OwnerA);
    auto stranger = provider(OwnerB);
    forge::daytona::CreateSandboxParams foreign;
    foreign.name = u"forge-taken-%1-1"_s.arg(OwnerA.left(8));
    foreign.labels = {{u"forge.project"_s, u"taken"_s}, {u"forge.owner"_s, OwnerB}};
    const auto theirs = awaitClient(stranger->client().sandboxes().create(foreign));
    QVERIFY2(!theirs.error, qPrintable(theirs.describe()));

    QSignalSpy notices(mine.get(), &forge::SandboxProvider::notice);
    const auto created = await(mine->createSandbox({u"forge-taken-1"_s, {{u"forge.project"_s, u"taken"_s}}}));
    QVERIFY2(!created.error, qPrintable(created.describe()));
    QVERIFY(created.value->id != theirs.value->id);
    QCOMPARE(created.value->name, u"forge-taken-%1-2"_s.arg(OwnerA.left(8)));
    QVERIFY(notices.count() >= 1);
    QVERIFY2(notices.last().at(0).toString().contains(u"did not make"_s),
             qPrintable(notices.last().at(0).toString()));
}

void TestDaytonaLifecycle::aFailedSandboxIsReplacedWithANewGeneration()
{
    auto daytona = provider(OwnerA);
    m_emulator->failNextSandboxCreate(u"image pull failed"_s, false);
    const auto failed = await(openProject(*daytona, u"broken"_s));
    QVERIFY(failed.error);
    const auto errored = await(daytona->findSandbox({{u"forge.project"_s, u"broken"_s}}));
    QVERIFY(errored.value && *errored.value);
    QVERIFY((*errored.value)->state == SandboxState::Error);
    const QString failedId = (*errored.value)->id;

    // The next run: the failed sandbox is deleted, saying why, and a new generation is made.
    QSignalSpy notices(daytona.get(), &forge::SandboxProvider::notice);
    const auto replaced = await(openProject(*daytona, u"broken"_s));
    QVERIFY2(!replaced.error, qPrintable(replaced.describe()));
    QVERIFY(replaced.value->state == SandboxState::Started);
    QVERIFY(replaced.value->id != failedId);
    QCOMPARE(replaced.value->name, u"forge-broken-%1-2"_s.arg(OwnerA.left(8)));
    QCOMPARE(replaced.value->labels.value(u"forge.generation"_s), u"2"_s);
    QVERIFY(m_emulator->state(failedId).isEmpty());
    QVERIFY(notices.count() >= 1);
    QVERIFY2(notices.first().at(0).toString().contains(u"image pull failed"_s),
             qPrintable(notices.first().at(0).toString()));
}

void TestDaytonaLifecycle::deleteFreesTheNameAtOnce()
{
    m_emulator->setTransitionDelay(500ms);
    auto daytona = provider(OwnerA);
    forge::daytona::CreateSandboxParams params;
    params.name = u"short-lived"_s;
    auto& sandboxes = daytona->client().sandboxes();
    const auto first = awaitClient(sandboxes.create(params));
    QVERIFY2(!first.error, qPrintable(first.describe()));
    const auto removed = awaitClient(sandboxes.remove(first.value->id));
    QVERIFY2(!removed.error, qPrintable(removed.describe()));
    QCOMPARE(m_emulator->state(first.value->id), u"destroying"_s);
    const auto second = awaitClient(sandboxes.create(params)); // while the first is destroyed
    QVERIFY2(!second.error, qPrintable(second.describe()));
    QVERIFY(second.value->id != first.value->id);
}

void TestDaytonaLifecycle::startWaitsForStoppingToEnd()
{
    auto daytona = provider(OwnerA);
    const auto created = await(openProject(*daytona, u"stopping"_s));
    QVERIFY2(!created.error, qPrintable(created.describe()));
    const QString id = created.value->id;
    m_emulator->setTransitionDelay(700ms);
    const auto stopping = awaitClient(daytona->client().sandboxes().stop(id));
    QVERIFY(stopping.value);
    QCOMPARE(stopping.value->state, u"stopping"_s);

    // Heading for stopped: it needs a start, it is not "creating".
    const auto seen = await(daytona->getSandbox(id));
    QVERIFY(seen.value);
    QVERIFY(seen.value->state == SandboxState::Stopped);
    const auto started = awaitVoid(daytona->startSandbox(id));
    QVERIFY2(!started, qPrintable(describe(started)));
    QCOMPARE(m_emulator->state(id), u"started"_s);
}

void TestDaytonaLifecycle::startIsAcceptedFromArchivingAndPaused()
{
    auto daytona = provider(OwnerA);
    const auto created = await(openProject(*daytona, u"archiving"_s));
    QVERIFY2(!created.error, qPrintable(created.describe()));
    const QString id = created.value->id;
    QVERIFY(!awaitVoid(daytona->stopSandbox(id)));
    m_emulator->setTransitionDelay(2s);
    const auto archiving = awaitClient(daytona->client().sandboxes().archive(id));
    QVERIFY(archiving.value);
    QCOMPARE(archiving.value->state, u"archiving"_s);
    m_emulator->setTransitionDelay(100ms);
    const auto fromArchiving = awaitVoid(daytona->startSandbox(id));
    QVERIFY2(!fromArchiving, qPrintable(describe(fromArchiving)));
    QCOMPARE(m_emulator->state(id), u"started"_s);

    m_emulator->setSandboxState(id, u"paused"_s, u"paused"_s);
    const auto paused = await(daytona->getSandbox(id));
    QVERIFY(paused.value && paused.value->state == SandboxState::Stopped);
    const auto fromPaused = awaitVoid(daytona->startSandbox(id));
    QVERIFY2(!fromPaused, qPrintable(describe(fromPaused)));
    QCOMPARE(m_emulator->state(id), u"started"_s);
}

void TestDaytonaLifecycle::createAndStartMayOutlastTheRequestTimeout()
{
    // The server holds create and start until started (here 1.5 s); the request timeout is 1 s,
    // and these calls have their own, longer one.
    m_emulator->setTransitionDelay(1500ms);
    auto daytona = provider(OwnerA, {}, 1s);
    forge::daytona::CreateSandboxParams params;
    params.name = u"held"_s;
    auto& sandboxes = daytona->client().sandboxes();
    const auto created = awaitClient(sandboxes.create(params));
    QVERIFY2(!created.error, qPrintable(created.describe()));
    QCOMPARE(created.value->state, u"started"_s);
    m_emulator->setTransitionDelay(0ms);
    QVERIFY(awaitClient(sandboxes.stop(created.value->id)).value);
    m_emulator->setTransitionDelay(1500ms);
    const auto started = awaitClient(sandboxes.start(created.value->id));
    QVERIFY2(!started.error, qPrintable(started.describe()));
    QCOMPARE(started.value->state, u"started"_s);
}

void TestDaytonaLifecycle::aHeldAnswerEndsAfterTheWaitAndTheClientPolls()
{
    // Past the server's wait the answer comes in the state of the moment; the provider polls on.
    m_emulator->setTransitionDelay(1500ms);
    m_emulator->setStartedWait(200ms);
    auto daytona = provider(OwnerA);
    forge::daytona::CreateSandboxParams params;
    params.name = u"slow"_s;
    QElapsedTimer clock;
    clock.start();
    const auto created = awaitClient(daytona->client().sandboxes().create(params));
    QVERIFY(created.value);
    QCOMPARE(created.value->state, u"creating"_s);
    QVERIFY2(clock.elapsed() >= 150, qPrintable(QString::number(clock.elapsed()))); // held, then let go
    const auto opened = await(openProject(*daytona, u"slow-project"_s));
    QVERIFY2(!opened.error, qPrintable(opened.describe()));
    QVERIFY(opened.value->state == SandboxState::Started);
}

void TestDaytonaLifecycle::toolboxUrlFromItsOwnRoute()
{
    m_emulator->setToolboxProxyUrlOmitted(true);
    auto daytona = provider(OwnerA);
    const auto created = await(openProject(*daytona, u"no-toolbox-url"_s));
    QVERIFY2(!created.error, qPrintable(created.describe()));
    // Answered by the toolbox (nullopt would mean it could not be reached).
    const auto ports = await(daytona->listeningPorts(created.value->id));
    QVERIFY2(ports.value && ports.value->has_value(), qPrintable(ports.describe()));
    bool asked = false;
    for (const auto& request : m_emulator->requests())
        asked = asked || request.path().endsWith("/toolbox-proxy-url");
    QVERIFY(asked);
}

QTEST_GUILESS_MAIN(TestDaytonaLifecycle)
#include "tst_daytonalifecycle.moc"
