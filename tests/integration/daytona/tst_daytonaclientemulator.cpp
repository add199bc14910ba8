// The Daytona client against the Daytona emulator: the two were written separately from the
// published API description, so every call here checks both against each other, with real
// commands running in the emulator's local sandboxes.

#include "CoroutineHelpers.h"
#include "DaytonaEmulator.h"
#include "daytona/CommandLogFollower.h"
#include "daytona/DaytonaClient.h"
#include "daytona/Retry.h"

#include <QCoroTask>
#include <QNetworkAccessManager>
#include <QNetworkProxy>
#include <QNetworkReply>
#include <QRandomGenerator>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace std::chrono_literals;
using forge::daytona::DaytonaClient;
using forge::daytona::DaytonaConfig;
using forge::daytona::DaytonaError;
using forge::daytona::Sandbox;
using forge::test::DaytonaEmulator;

namespace {

constexpr auto ApiKey = "emulator-test-key";

// The shared helpers (CoroutineHelpers.h) await a task without hanging on an error; this test
// reads their outcome as one value or the other.
template<typename T>
std::variant<T, DaytonaError> sync(QCoro::Task<T> task)
{
    Outcome<T> outcome = run(std::move(task));
    if (outcome.error)
        return *outcome.error;
    return std::move(*outcome.value);
}

std::optional<DaytonaError> syncVoid(QCoro::Task<> task)
{
    return runVoid(std::move(task)).error;
}

template<typename T>
QString describe(const std::variant<T, DaytonaError>& result)
{
    if (const auto* error = std::get_if<DaytonaError>(&result))
        return DaytonaError::kindName(error->kind()) + u": "_s + error->userMessage();
    return u"ok"_s;
}

int httpStatus(const QUrl& url, const QByteArray& tokenHeader = {})
{
    QNetworkAccessManager network;
    network.setProxy(QNetworkProxy::NoProxy);
    QNetworkRequest request(url);
    request.setTransferTimeout(10'000);
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::ManualRedirectPolicy);
    if (!tokenHeader.isEmpty())
        request.setRawHeader("x-daytona-preview-token", tokenHeader);
    QNetworkReply* reply = network.get(request);
    QSignalSpy finished(reply, &QNetworkReply::finished);
    if (!finished.wait(15'000))
        return -1;
    reply->deleteLater();
    return reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
}

// A follow() running while the test goes on: what it delivered and how it ended.
struct FollowRun
{
    QByteArray out;
    QByteArray err;
    std::optional<int> exitCode;
    std::optional<DaytonaError> error;
    bool done = false;
};

QCoro::Task<> followInto(forge::daytona::CommandLogFollower& follower, QString sessionId, QString commandId,
                         std::shared_ptr<FollowRun> run)
{
    const forge::daytona::CommandLogFollower::Sink sink = [run](const QByteArray& out,
                                                                const QByteArray& err) {
        run->out += out;
        run->err += err;
    };
    try {
        run->exitCode = co_await follower.follow(sessionId, commandId, sink, 120s);
    } catch (const DaytonaError& error) {
        run->error = error;
    }
    run->done = true;
}

} // namespace

class TestDaytonaClientEmulator : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_root;
    std::unique_ptr<DaytonaEmulator> m_emulator;

    DaytonaConfig config(std::chrono::milliseconds timeout = 30s) const
    {
        DaytonaConfig config;
        config.apiKey = QString::fromLatin1(ApiKey);
        config.apiUrl = m_emulator->apiUrl();
        config.requestTimeout = timeout;
        return config;
    }

    Sandbox createSandbox(DaytonaClient& client, const QString& name, bool isPublic = false)
    {
        forge::daytona::CreateSandboxParams params;
        params.name = name;
        params.labels = {{u"forge.project"_s, name}};
        params.isPublic = isPublic;
        const auto created = sync(client.sandboxes().create(params));
        if (const auto* sandbox = std::get_if<Sandbox>(&created))
            return *sandbox;
        qWarning("create failed: %s", qPrintable(describe(created)));
        return {};
    }

    // Starts `command` asynchronously in a new session `sessionId`; returns its id (empty on failure).
    static QString startCommand(forge::daytona::ToolboxApi& toolbox, const QString& sessionId,
                                const QString& command)
    {
        if (syncVoid(toolbox.createSession(sessionId)))
            return {};
        const auto started = sync(toolbox.sessionExec(sessionId, command, true));
        const auto* result = std::get_if<forge::daytona::SessionCommandResult>(&started);
        return result ? result->cmdId : QString();
    }

    static int heldTicks(const QSignalSpy& held, const QString& sandboxId)
    {
        int ticks = 0;
        for (const auto& arguments : held)
            ticks += arguments.at(0).toString() == sandboxId ? 1 : 0;
        return ticks;
    }

    // The log streams of a command the emulator opened (WebSocket handshakes answered 101).
    int followStreams(const QString& commandId) const
    {
        int streams = 0;
        for (const auto& request : m_emulator->requests()) {
            if (request.path().endsWith(QByteArray("/command/" + commandId.toUtf8() + "/logs")) &&
                request.target.contains("follow=true") && request.status == 101)
                ++streams;
        }
        return streams;
    }

    // Downloads of a command's whole log (GET .../logs without follow).
    int logSnapshots(const QString& commandId) const
    {
        int snapshots = 0;
        for (const auto& request : m_emulator->requests()) {
            if (request.path().endsWith(QByteArray("/command/" + commandId.toUtf8() + "/logs")) &&
                !request.target.contains("follow=true"))
                ++snapshots;
        }
        return snapshots;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_root.isValid());
        DaytonaEmulator::Options options;
        options.dataDirectory = m_root.path();
        options.apiKeys = {QString::fromLatin1(ApiKey)};
        m_emulator = std::make_unique<DaytonaEmulator>(options);
        QVERIFY(m_emulator->listen());
    }

    void lifecycle()
    {
        DaytonaClient client(config());
        const Sandbox sandbox = createSandbox(client, u"forge-lifecycle"_s);
        QVERIFY(!sandbox.id.isEmpty());
        QCOMPARE(sandbox.state, u"started"_s);

        const auto byName = sync(client.sandboxes().get(u"forge-lifecycle"_s));
        QVERIFY2(std::holds_alternative<Sandbox>(byName), qPrintable(describe(byName)));
        QCOMPARE(std::get<Sandbox>(byName).id, sandbox.id);

        const auto labelled = sync(client.sandboxes().listAll({{u"forge.project"_s, u"forge-lifecycle"_s}}));
        QVERIFY2(std::holds_alternative<QList<Sandbox>>(labelled), qPrintable(describe(labelled)));
        QCOMPARE(std::get<QList<Sandbox>>(labelled).size(), 1);
        const auto nobody = sync(client.sandboxes().listAll({{u"forge.project"_s, u"nobody"_s}}));
        QVERIFY(std::get<QList<Sandbox>>(nobody).isEmpty());

        const auto stopped = sync(client.sandboxes().stop(sandbox.id));
        QVERIFY2(std::holds_alternative<Sandbox>(stopped), qPrintable(describe(stopped)));
        const auto waited = sync(client.sandboxes().waitForState(sandbox.id, {u"stopped"_s}, 30s));
        QVERIFY2(std::holds_alternative<Sandbox>(waited), qPrintable(describe(waited)));

        // Stopping a stopped sandbox is an invalid state (400), not a transient failure.
        const auto again = sync(client.sandboxes().stop(sandbox.id));
        QVERIFY(std::holds_alternative<DaytonaError>(again));
        QVERIFY(!std::get<DaytonaError>(again).isTransient());

        QVERIFY(std::holds_alternative<Sandbox>(sync(client.sandboxes().start(sandbox.id))));
        const auto started = sync(client.sandboxes().waitForState(sandbox.id, {u"started"_s}, 30s));
        QVERIFY2(std::holds_alternative<Sandbox>(started), qPrintable(describe(started)));

        QVERIFY(std::holds_alternative<Sandbox>(sync(client.sandboxes().remove(sandbox.id))));
        const auto gone = sync(client.sandboxes().waitForState(sandbox.id, {u"destroyed"_s}, 30s));
        QVERIFY2(std::holds_alternative<Sandbox>(gone), qPrintable(describe(gone)));
    }

    void duplicateNameIsAConflict()
    {
        DaytonaClient client(config());
        QVERIFY(!createSandbox(client, u"forge-duplicate"_s).id.isEmpty());
        forge::daytona::CreateSandboxParams params;
        params.name = u"forge-duplicate"_s;
        const auto second = sync(client.sandboxes().create(params));
        QVERIFY(std::holds_alternative<DaytonaError>(second));
        QCOMPARE(DaytonaError::kindName(std::get<DaytonaError>(second).kind()),
                 DaytonaError::kindName(DaytonaError::Kind::Conflict));
    }

    void toolboxRunsRealCommands()
    {
        DaytonaClient client(config());
        const Sandbox sandbox = createSandbox(client, u"forge-toolbox"_s);
        QVERIFY(!sandbox.id.isEmpty());
        const std::unique_ptr<forge::daytona::ToolboxApi> toolbox = client.toolbox(sandbox);

        const auto executed = sync(toolbox->execute(u"echo hello-from-the-sandbox"_s));
        QVERIFY2(std::holds_alternative<forge::daytona::ExecuteResult>(executed),
                 qPrintable(describe(executed)));
        QCOMPARE(std::get<forge::daytona::ExecuteResult>(executed).exitCode, 0);
        QVERIFY(
            std::get<forge::daytona::ExecuteResult>(executed).result.contains(u"hello-from-the-sandbox"_s));

        // A session command run asynchronously, followed until it exits: stdout and stderr apart.
        QVERIFY(!syncVoid(toolbox->createSession(u"forge"_s)));
        const auto started =
            sync(toolbox->sessionExec(u"forge"_s, u"echo to-stdout; echo to-stderr >&2; exit 3"_s, true));
        QVERIFY2(std::holds_alternative<forge::daytona::SessionCommandResult>(started),
                 qPrintable(describe(started)));
        const QString commandId = std::get<forge::daytona::SessionCommandResult>(started).cmdId;
        QVERIFY(!commandId.isEmpty());

        forge::daytona::CommandLogFollower follower(client.http(), *toolbox);
        QByteArray out;
        QByteArray err;
        const auto exitCode = sync(follower.follow(
            u"forge"_s, commandId,
            [&](const QByteArray& stdoutData, const QByteArray& stderrData) {
                out += stdoutData;
                err += stderrData;
            },
            30s));
        QVERIFY2(std::holds_alternative<int>(exitCode), qPrintable(describe(exitCode)));
        QCOMPARE(std::get<int>(exitCode), 3);
        QVERIFY(follower.usedWebSocket()); // the ?follow=true stream, not only the polling fallback
        QCOMPARE(out.trimmed(), QByteArray("to-stdout"));
        QCOMPARE(err.trimmed(), QByteArray("to-stderr"));
    }

    void privatePreviewNeedsItsToken()
    {
        DaytonaClient client(config());
        const Sandbox sandbox = createSandbox(client, u"forge-preview"_s, false);
        QVERIFY(!sandbox.id.isEmpty());
        const std::unique_ptr<forge::daytona::ToolboxApi> toolbox = client.toolbox(sandbox);
        QVERIFY(!syncVoid(toolbox->createSession(u"server"_s)));
        const int port = 8000 + int(QRandomGenerator::global()->bounded(900));
        const auto server = sync(toolbox->sessionExec(
            u"server"_s,
            u"echo preview-page > index.html && exec python3 -m http.server %1 --bind 0.0.0.0"_s.arg(port),
            true));
        QVERIFY2(std::holds_alternative<forge::daytona::SessionCommandResult>(server),
                 qPrintable(describe(server)));
        // Ready when the toolbox lists the port as listening (what the back end will use too).
        QTRY_VERIFY_WITH_TIMEOUT(
            [&] {
                const auto ports = sync(toolbox->listeningPorts());
                return std::holds_alternative<QList<int>>(ports) &&
                       std::get<QList<int>>(ports).contains(port);
            }(),
            30'000);

        const auto link = sync(client.sandboxes().previewUrl(sandbox.id, port));
        QVERIFY2(std::holds_alternative<forge::daytona::PreviewLink>(link), qPrintable(describe(link)));
        const auto preview = std::get<forge::daytona::PreviewLink>(link);
        QVERIFY(!preview.token.isEmpty());
        QVERIFY(!preview.url.toString().contains(preview.token)); // the token is a header, never in the URL
        // Without a valid token: to the sign-in page, as on Daytona.
        QCOMPARE(httpStatus(preview.url), 307);
        QCOMPARE(httpStatus(preview.url, "not-the-token"), 307);
        QCOMPARE(httpStatus(preview.url, preview.token.toUtf8()), 200);
        QVERIFY(!syncVoid(toolbox->deleteSession(u"server"_s)));
    }

    void faultsBecomeTypedErrors()
    {
        DaytonaClient client(config(1500ms));
        const Sandbox sandbox = createSandbox(client, u"forge-faults"_s);
        QVERIFY(!sandbox.id.isEmpty());
        const QString path = u"^/api/sandbox/%1$"_s.arg(sandbox.id);

        m_emulator->rateLimitNext("GET", path, "Retry-After-sandbox-lifecycle", 7);
        auto limited = sync(client.sandboxes().get(sandbox.id));
        QVERIFY(std::holds_alternative<DaytonaError>(limited));
        const DaytonaError rateLimit = std::get<DaytonaError>(limited);
        QCOMPARE(DaytonaError::kindName(rateLimit.kind()),
                 DaytonaError::kindName(DaytonaError::Kind::RateLimited));
        QVERIFY(rateLimit.isTransient());
        QVERIFY(rateLimit.retryAfter());
        QCOMPARE(std::chrono::duration_cast<std::chrono::seconds>(*rateLimit.retryAfter()).count(), 7);

        m_emulator->failNext("GET", path, 503);
        const auto unavailable = sync(client.sandboxes().get(sandbox.id));
        QVERIFY(std::holds_alternative<DaytonaError>(unavailable));
        QVERIFY(std::get<DaytonaError>(unavailable).isTransient());

        m_emulator->malformNext("GET", path);
        const auto malformed = sync(client.sandboxes().get(sandbox.id));
        QVERIFY(std::holds_alternative<DaytonaError>(malformed));
        QCOMPARE(DaytonaError::kindName(std::get<DaytonaError>(malformed).kind()),
                 DaytonaError::kindName(DaytonaError::Kind::MalformedResponse));

        m_emulator->hangNext("GET", path);
        const auto hung = sync(client.sandboxes().get(sandbox.id));
        QVERIFY(std::holds_alternative<DaytonaError>(hung));
        QCOMPARE(DaytonaError::kindName(std::get<DaytonaError>(hung).kind()),
                 DaytonaError::kindName(DaytonaError::Kind::Timeout));

        // Two 502s, then success: bounded retries get through; a permanent 404 is not retried.
        m_emulator->failNext("GET", path, 502, 2);
        const int before = m_emulator->requestCount();
        int retries = 0;
        const forge::Backoff quick(1ms, 5ms, 2);
        const auto recovered = sync(forge::daytona::retryTransient<Sandbox>(
            [&] { return client.sandboxes().get(sandbox.id); }, quick,
            [&](const DaytonaError&, int, std::chrono::milliseconds) { ++retries; }));
        QVERIFY2(std::holds_alternative<Sandbox>(recovered), qPrintable(describe(recovered)));
        QCOMPARE(retries, 2);
        QCOMPARE(m_emulator->requestCount() - before, 3);

        const int beforeMissing = m_emulator->requestCount();
        const auto missing = sync(forge::daytona::retryTransient<Sandbox>(
            [&] { return client.sandboxes().get(u"no-such-sandbox"_s); }, quick));
        QVERIFY(std::holds_alternative<DaytonaError>(missing));
        QCOMPARE(DaytonaError::kindName(std::get<DaytonaError>(missing).kind()),
                 DaytonaError::kindName(DaytonaError::Kind::NotFound));
        QCOMPARE(m_emulator->requestCount() - beforeMissing, 1);
    }

    // Issue 17: a log stream held open must not keep the sandbox awake (Daytona's proxy refreshes
    // the activity of an open request every 50 s unless told not to), so every request of the
    // follower carries X-Daytona-Skip-Last-Activity-Update: true.
    void followIsNotActivity()
    {
        m_emulator->setActivityRefreshInterval(50ms);
        DaytonaClient client(config());
        const Sandbox sandbox = createSandbox(client, u"forge-follow-idle"_s);
        QVERIFY(!sandbox.id.isEmpty());
        const auto toolbox = client.toolbox(sandbox);
        const QString commandId =
            startCommand(*toolbox, u"idle"_s,
                         u"echo serving; while [ ! -e release-idle ]; do sleep 0.05; done; echo done"_s);
        QVERIFY(!commandId.isEmpty());
        const QDateTime activity = m_emulator->lastActivity(sandbox.id).value();
        QTRY_VERIFY(QDateTime::currentDateTimeUtc() > activity); // the emulator keeps milliseconds

        QSignalSpy held(m_emulator.get(), &DaytonaEmulator::activityHeld);
        forge::daytona::CommandLogFollower follower(client.http(), *toolbox);
        auto run = std::make_shared<FollowRun>();
        QCoro::connect(followInto(follower, u"idle"_s, commandId, run), this, [] {});
        QTRY_VERIFY_WITH_TIMEOUT(run->out.contains("serving"), 30'000);
        // The stream stayed open through five of the proxy's activity intervals.
        QTRY_VERIFY_WITH_TIMEOUT(heldTicks(held, sandbox.id) >= 5, 30'000);
        QCOMPARE(m_emulator->lastActivity(sandbox.id).value(), activity);
        QVERIFY(!run->done);
        int followerRequests = 0;
        for (const auto& request : m_emulator->requests()) {
            if (!request.path().contains("/process/session/idle/command/"))
                continue;
            ++followerRequests;
            QCOMPARE(request.header("X-Daytona-Skip-Last-Activity-Update"), QByteArray("true"));
        }
        QVERIFY(followerRequests >= 1);

        QVERIFY(std::holds_alternative<forge::daytona::ExecuteResult>(
            sync(toolbox->execute(u"touch release-idle"_s))));
        QTRY_VERIFY_WITH_TIMEOUT(run->done, 30'000);
        QVERIFY2(!run->error, run->error ? qPrintable(run->error->userMessage()) : "");
        QCOMPARE(run->exitCode, std::optional<int>(0));
        QCOMPARE(run->out, QByteArray("serving\ndone\n"));
        m_emulator->setActivityRefreshInterval(50s);
    }

    // Issue 17: a stream that drops is opened again (the daemon replays the log), and what came
    // before the drop is not delivered twice; the logs are not downloaded.
    void followReconnectsAfterADrop()
    {
        DaytonaClient client(config());
        const Sandbox sandbox = createSandbox(client, u"forge-follow-drop"_s);
        QVERIFY(!sandbox.id.isEmpty());
        const auto toolbox = client.toolbox(sandbox);
        const QString commandId = startCommand(
            *toolbox, u"drop"_s,
            u"echo first; echo first-err >&2; while [ ! -e release-drop ]; do sleep 0.05; done; echo second"_s);
        QVERIFY(!commandId.isEmpty());

        forge::daytona::CommandLogFollower follower(client.http(), *toolbox);
        follower.setPollInterval(50ms);
        auto run = std::make_shared<FollowRun>();
        QCoro::connect(followInto(follower, u"drop"_s, commandId, run), this, [] {});
        QTRY_VERIFY_WITH_TIMEOUT(run->out.contains("first") && run->err.contains("first-err"), 30'000);
        QCOMPARE(followStreams(commandId), 1);

        QCOMPARE(m_emulator->dropLogStreams(sandbox.id), 1);
        QTRY_VERIFY_WITH_TIMEOUT(followStreams(commandId) == 2, 30'000);
        QVERIFY(!run->done);
        QVERIFY(std::holds_alternative<forge::daytona::ExecuteResult>(
            sync(toolbox->execute(u"touch release-drop"_s))));
        QTRY_VERIFY_WITH_TIMEOUT(run->done, 30'000);
        QVERIFY2(!run->error, run->error ? qPrintable(run->error->userMessage()) : "");
        QCOMPARE(run->exitCode, std::optional<int>(0));
        QCOMPARE(run->out, QByteArray("first\nsecond\n"));
        QCOMPARE(run->err, QByteArray("first-err\n"));
        QCOMPARE(logSnapshots(commandId), 0);
        // The second stream ended with the daemon's normal close after the exit: nothing to catch up.
        QCOMPARE(followStreams(commandId), 2);
    }

    // Issue 17: a log larger than the client takes in one answer (16 MiB) does not make a running
    // command look dead: whether it runs is its status's to say, and the log comes over the stream.
    void largeLogDoesNotEndTheFollow()
    {
        DaytonaClient client(config());
        const Sandbox sandbox = createSandbox(client, u"forge-follow-large"_s);
        QVERIFY(!sandbox.id.isEmpty());
        const auto toolbox = client.toolbox(sandbox);
        constexpr qsizetype Large = 17 * 1024 * 1024;
        const QString commandId =
            startCommand(*toolbox, u"large"_s,
                         u"head -c %1 /dev/zero | tr '\\0' x; echo; echo large-done; "
                         u"while [ ! -e release-large ]; do sleep 0.05; done; echo after-large"_s.arg(Large));
        QVERIFY(!commandId.isEmpty());

        forge::daytona::CommandLogFollower follower(client.http(), *toolbox);
        follower.setPollInterval(50ms);
        auto run = std::make_shared<FollowRun>();
        QCoro::connect(followInto(follower, u"large"_s, commandId, run), this, [] {});
        QTRY_VERIFY_WITH_TIMEOUT(run->out.endsWith("large-done\n"), 60'000);

        QCOMPARE(m_emulator->dropLogStreams(sandbox.id), 1);
        QTRY_VERIFY_WITH_TIMEOUT(followStreams(commandId) == 2 || run->done, 60'000);
        QVERIFY2(!run->error, run->error ? qPrintable(run->error->userMessage()) : "");
        QVERIFY(!run->done);
        QVERIFY(std::holds_alternative<forge::daytona::ExecuteResult>(
            sync(toolbox->execute(u"touch release-large"_s))));
        QTRY_VERIFY_WITH_TIMEOUT(run->done, 60'000);
        QVERIFY2(!run->error, run->error ? qPrintable(run->error->userMessage()) : "");
        QCOMPARE(run->exitCode, std::optional<int>(0));
        QCOMPARE(run->out.size(), Large + qsizetype(sizeof("\nlarge-done\nafter-large\n") - 1));
        QVERIFY(run->out.endsWith("\nlarge-done\nafter-large\n"));
    }

    void wrongKeyIsUnauthorized()
    {
        DaytonaConfig wrong = config();
        wrong.apiKey = u"not-the-key"_s;
        DaytonaClient client(wrong);
        const auto listed = sync(client.sandboxes().list());
        QVERIFY(std::holds_alternative<DaytonaError>(listed));
        QCOMPARE(DaytonaError::kindName(std::get<DaytonaError>(listed).kind()),
                 DaytonaError::kindName(DaytonaError::Kind::Unauthorized));
        QVERIFY(!std::get<DaytonaError>(listed).userMessage().contains(u"not-the-key"_s));
    }

    void cleanupTestCase() { m_emulator.reset(); }
};

QTEST_GUILESS_MAIN(TestDaytonaClientEmulator)
#include "tst_daytonaclientemulator.moc"
