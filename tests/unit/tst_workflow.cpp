// PreviewWorkflow semantics (journal read-back, retries, adoption, failure words) over a scripted
// SandboxProvider. The provider is a test double of our own interface, scripted per test; the
// preview it points at is a real HTTP responder on 127.0.0.1, so readiness is probed for real.

#include "HttpServer.h"
#include "core/Detached.h"
#include "workflow/FailureAdvice.h"
#include "workflow/PreviewWorkflow.h"
#include "workflow/ProjectSession.h"
#include "workflow/RunQueue.h"
#include "workflow/StepJournal.h"

#include <QCoroSignal>
#include <QCoroTask>
#include <QSignalSpy>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace forge;

namespace {

// Answers every request with a small HTTP 200 page.
class TinyHttpServer : public test::HttpServer
{
public:
    TinyHttpServer()
    {
        setHandler([](const test::RecordedRequest&, const std::shared_ptr<test::HttpExchange>& exchange) {
            exchange->send(test::HttpResponse{200, {}, "hello"});
        });
        listen();
    }
};

class IdleProcess : public BackgroundProcess
{
public:
    bool isRunning() const override { return m_running; }
    QCoro::Task<> stop(std::chrono::milliseconds) override
    {
        if (m_running) {
            m_running = false;
            Q_EMIT finished();
        }
        co_return;
    }
    CommandResult result() const override { return CommandResult{0, false, false}; }

private:
    bool m_running = true;
};

// Holds installs until opened, so a test can see which runs are in progress at one moment.
class Gate : public QObject
{
    Q_OBJECT

public:
    bool open = true;
    int waiting = 0;

Q_SIGNALS:
    void opened();
};

// Each operation counts its calls and can be told to throw a given sequence of failures first.
class ScriptedProvider : public SandboxProvider
{
public:
    QString kind() const override { return u"scripted"_s; }

    QMap<QString, int> calls;
    QMap<QString, QList<Failure>> failures; // operation -> failures to throw, in order
    std::optional<SandboxInfo> existing;
    QByteArray packageJson = R"({"scripts":{"start":"node server.js"},"dependencies":{"express":"4"}})";
    CommandResult installResult{0, false, false};
    QByteArray installOutput;
    QList<QByteArray> installChunks; // sent one by one after installOutput, as a pipe may split them
    int previewPort = 0;
    // Programs that `command -v` (SandboxProvider::hasProgram) does not find.
    QStringList missingPrograms;
    QList<CommandSpec> commands;
    Gate installGate;

    void maybeFail(const QString& operation)
    {
        ++calls[operation];
        auto& queue = failures[operation];
        if (!queue.isEmpty())
            throw queue.takeFirst();
    }

    QCoro::Task<std::optional<SandboxInfo>> findSandbox(QMap<QString, QString>) override
    {
        maybeFail(u"find"_s);
        co_return existing;
    }
    QCoro::Task<SandboxInfo> createSandbox(SandboxSpec spec) override
    {
        maybeFail(u"create"_s);
        co_return SandboxInfo{spec.name, spec.name, spec.labels, SandboxState::Started};
    }
    QCoro::Task<SandboxInfo> getSandbox(QString id) override
    {
        maybeFail(u"get"_s);
        co_return SandboxInfo{id, id, {}, SandboxState::Started};
    }
    QCoro::Task<> startSandbox(QString) override
    {
        maybeFail(u"start"_s);
        co_return;
    }
    QCoro::Task<> stopSandbox(QString) override
    {
        maybeFail(u"stop"_s);
        co_return;
    }
    QCoro::Task<> deleteSandbox(QString) override
    {
        maybeFail(u"delete"_s);
        co_return;
    }
    QCoro::Task<CommandResult> cloneRepository(QString, CloneSpec, OutputSink sink) override
    {
        maybeFail(u"clone"_s);
        sink(OutputChannel::Stderr, "Cloning into '.'...\n");
        co_return CommandResult{0, false, false};
    }
    QCoro::Task<ProjectSnapshot> snapshotProject(QString, QString) override
    {
        maybeFail(u"snapshot"_s);
        ProjectSnapshot snapshot;
        snapshot.addFile(u"package.json"_s, packageJson);
        snapshot.addFile(u"package-lock.json"_s, "{}");
        co_return snapshot;
    }
    QCoro::Task<CommandResult> runCommand(QString, CommandSpec spec, OutputSink sink) override
    {
        maybeFail(u"run"_s);
        commands.append(spec);
        if (spec.argv.value(0) == u"sh"_s && spec.argv.value(2).contains(u"command -v"_s) &&
            missingPrograms.contains(spec.argv.constLast()))
            co_return CommandResult{127, false, false};
        if (spec.argv.value(1) == u"ci"_s && !installGate.open) {
            ++installGate.waiting;
            co_await qCoro(&installGate, &Gate::opened);
            --installGate.waiting;
        }
        if (spec.argv.value(1) == u"ci"_s) {
            if (sink && !installOutput.isEmpty())
                sink(OutputChannel::Stderr, installOutput);
            for (const QByteArray& chunk : std::as_const(installChunks)) {
                if (sink)
                    sink(OutputChannel::Stdout, chunk);
            }
            co_return installResult;
        }
        co_return CommandResult{0, false, false};
    }
    QCoro::Task<std::unique_ptr<BackgroundProcess>> startBackground(QString, CommandSpec spec) override
    {
        maybeFail(u"background"_s);
        commands.append(spec);
        co_return std::make_unique<IdleProcess>();
    }
    QCoro::Task<int> allocatePort(QString, int) override
    {
        maybeFail(u"port"_s);
        co_return previewPort;
    }
    QCoro::Task<PreviewEndpoint> previewEndpoint(QString, int port) override
    {
        co_return PreviewEndpoint{QUrl(u"http://127.0.0.1:%1/"_s.arg(port)), {}};
    }
};

PreviewRequest requestFor(const QString& url)
{
    PreviewRequest request;
    request.repository = std::get<RepoRef>(RepoRef::parse(url, QString()));
    request.projectId = PreviewRequest::projectIdFor(request.repository, {});
    request.readyTimeout = std::chrono::seconds(10);
    return request;
}

// QCoro 0.8's waitFor() never returns when the task throws, so failures are caught inside a
// coroutine of our own and handed back as a value.
QCoro::Task<std::optional<StepFailure>> runCatching(PreviewWorkflow& workflow)
{
    std::optional<StepFailure> failure;
    try {
        co_await workflow.run();
    } catch (const StepFailure& caught) {
        failure = caught;
    }
    co_return failure;
}

std::optional<StepFailure> runExpectingFailure(PreviewWorkflow& workflow)
{
    return QCoro::waitFor(runCatching(workflow));
}

Backoff noWait()
{
    return Backoff(std::chrono::milliseconds(1), std::chrono::milliseconds(1), 2, [] { return 0.0; });
}

} // namespace

class TestWorkflow : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void cloneFailureAdvice_data();
    void cloneFailureAdvice();
    void aMissingPullRequestIsNamed();
    void lockfileOutOfDate();
    void notReadyExplainsTheCause();
    void portInUseIsNamed();

    void runsAllStepsToAnAnsweringPreview();
    void retriesTransientFailuresTwice();
    void givesUpAfterTwoRetries();
    void permanentFailureFailsAtOnce();
    void adoptsTheLabelledSandbox();
    void finishedStepsAreReadBackNotRerun();
    void sevenRunsFiveAtOnceTwoQueuedAllFinish();
    void installFailureCarriesTheLastLines();
    void secretsAreRedactedFromOutput();
    void projectVariablesReachOnlyTheirSteps();
    void projectSecretsAreRedactedAcrossChunksAndInBase64();
    void anEnvironmentChangeRestartsTheServerAndRebuildsOnlyWhenAsked();
    void aRestartDuringAnEnvironmentRestoreRunsAgain();
    void projectIdIsStablePerRepositoryAndBranch();
    void packageManagerIsLookedUpNotRun();
};

void TestWorkflow::cloneFailureAdvice_data()
{
    QTest::addColumn<QStringList>("tail");
    QTest::addColumn<QString>("branch");
    QTest::addColumn<QString>("expected");
    QTest::addColumn<bool>("transient");

    QTest::newRow("not found") << QStringList{u"remote: Repository not found."_s,
                                              u"fatal: repository 'https://github.com/a/b/' not found"_s}
                               << QString() << u"was not found"_s << false;
    // A port or path that happens to hold a status code is not that status (CI's port 40145 once
    // turned "not found" into "refused").
    QTest::newRow("not found, 401 in the port")
        << QStringList{u"fatal: repository 'http://127.0.0.1:40145/x.git/' not found"_s} << QString()
        << u"was not found"_s << false;
    QTest::newRow("forbidden") << QStringList{u"fatal: unable to access 'https://github.com/a/b/': The "
                                              u"requested URL returned error: 403"_s}
                               << QString() << u"was refused"_s << false;
    QTest::newRow("authentication")
        << QStringList{u"fatal: could not read Username for 'https://github.com': terminal prompts disabled"_s}
        << QString() << u"was refused"_s << false;
    QTest::newRow("branch") << QStringList{u"warning: Could not find remote branch nope to clone."_s,
                                           u"fatal: Remote branch nope not found in upstream origin"_s}
                            << u"nope"_s << u"branch \"nope\" does not exist"_s << false;
    QTest::newRow("network")
        << QStringList{u"fatal: unable to access 'https://github.com/a/b/': Could not resolve "
                       u"host: github.com"_s}
        << QString() << u"network failed"_s << true;
    QTest::newRow("other") << QStringList{u"fatal: something odd"_s} << QString()
                           << u"git exited with code 128"_s << false;
}

void TestWorkflow::cloneFailureAdvice()
{
    QFETCH(QStringList, tail);
    QFETCH(QString, branch);
    QFETCH(QString, expected);
    QFETCH(bool, transient);
    const RepoRef repo = std::get<RepoRef>(RepoRef::parse(u"https://github.com/a/b"_s, QString()));
    const Failure failure = FailureAdvice::cloneFailed(CommandResult{128, false, false}, tail, repo, branch);
    QVERIFY2(failure.message().contains(expected), qPrintable(failure.message()));
    QCOMPARE(failure.isTransient(), transient);
    QVERIFY(!failure.advice().isEmpty());
    QCOMPARE(failure.lastLines(), tail);
}

void TestWorkflow::aMissingPullRequestIsNamed()
{
    const RepoRef pull = std::get<RepoRef>(RepoRef::parse(u"https://github.com/a/b/pull/9"_s, QString()));
    QCOMPARE(pull.pullRequest(), 9);
    const QStringList tail{u"fatal: couldn't find remote ref refs/pull/9/head"_s};
    const Failure failure = FailureAdvice::cloneFailed(CommandResult{128, false, false}, tail, pull, {});
    QCOMPARE(failure.message(), u"Pull request #9 does not exist in a/b."_s);
}

void TestWorkflow::lockfileOutOfDate()
{
    QVERIFY(FailureAdvice::isLockfileOutOfDate(
        {u"npm error `npm ci` can only install packages when your package.json and package-lock.json or "
         u"npm-shrinkwrap.json are in sync. Please update your lock file"_s}));
    QVERIFY(FailureAdvice::isLockfileOutOfDate({u" ERR_PNPM_OUTDATED_LOCKFILE  Cannot install"_s}));
    QVERIFY(FailureAdvice::isLockfileOutOfDate({u"error Your lockfile needs to be updated, but yarn was run "
                                                u"with `--frozen-lockfile`."_s}));
    QVERIFY(!FailureAdvice::isLockfileOutOfDate({u"npm error code E404"_s}));
}

void TestWorkflow::notReadyExplainsTheCause()
{
    FailureAdvice::NotReadyEvidence evidence;
    evidence.port = 5173;
    evidence.waited = std::chrono::seconds(180);

    evidence.listeningOnIpv6Only = true;
    QVERIFY(FailureAdvice::devServerNotReady(evidence, {}).message().contains(u"localhost (::1) only"_s));
    QVERIFY(FailureAdvice::devServerNotReady(evidence, {}).advice().contains(u"0.0.0.0"_s));

    evidence.listeningOnIpv6Only = false;
    evidence.sawReadyLine = true;
    evidence.announcedPort = 3000;
    QVERIFY(FailureAdvice::devServerNotReady(evidence, {}).message().contains(u"port 3000 instead"_s));

    evidence.sawReadyLine = false;
    evidence.announcedPort = 0;
    QVERIFY(FailureAdvice::devServerNotReady(evidence, {}).message().contains(u"never started listening"_s));
    QVERIFY(FailureAdvice::devServerNotReady(evidence, {}).message().contains(u"within 180 s"_s));
}

void TestWorkflow::portInUseIsNamed()
{
    const Failure failure = FailureAdvice::devServerExited(CommandResult{1, false, false}, {}, true, 5173);
    QVERIFY(failure.message().contains(u"port 5173 is taken"_s));
    const Failure crash =
        FailureAdvice::devServerExited(CommandResult{1, false, false}, {u"boom"_s}, false, 5173);
    QVERIFY(crash.message().contains(u"exited with code 1"_s));
    QCOMPARE(crash.lastLines(), QStringList{u"boom"_s});
}

void TestWorkflow::runsAllStepsToAnAnsweringPreview()
{
    TinyHttpServer http;
    QVERIFY(http.isListening());
    ScriptedProvider provider;
    provider.previewPort = http.port();
    InMemoryStepJournal journal;
    PreviewWorkflow workflow(provider, journal, requestFor(u"https://github.com/a/b"_s));
    QSignalSpy finished(&workflow, &PreviewWorkflow::stepFinished);
    QSignalSpy ready(&workflow, &PreviewWorkflow::previewReady);

    const QUrl url = QCoro::waitFor(workflow.run());
    QCOMPARE(url, QUrl(u"http://127.0.0.1:%1/"_s.arg(http.port())));
    QCOMPARE(ready.size(), 1);
    QCOMPARE(finished.size(), 7);
    QCOMPARE(toString(finished.at(4).at(1).value<StepStatus>()),
             toString(StepStatus::Skipped)); // dev mode: no build
    for (StepId step : AllSteps)
        QVERIFY(journal.entry(step).has_value());
    QVERIFY(workflow.isServing());
    // The Express plan starts with npm start and receives the port through the environment.
    const CommandSpec& serve = provider.commands.constLast();
    QCOMPARE(serve.argv.value(0), u"npm"_s);
    QCOMPARE(serve.environment.value(u"PORT"_s), QString::number(http.port()));

    QCoro::waitFor(workflow.stop());
    QVERIFY(!workflow.isServing());
    QCOMPARE(provider.calls.value(u"stop"_s), 1);
}

void TestWorkflow::retriesTransientFailuresTwice()
{
    TinyHttpServer http;
    ScriptedProvider provider;
    provider.previewPort = http.port();
    provider.failures[u"create"_s] = {Failure::transient(u"HTTP 503"_s), Failure::transient(u"HTTP 503"_s)};
    InMemoryStepJournal journal;
    PreviewWorkflow workflow(provider, journal, requestFor(u"https://github.com/a/b"_s));
    workflow.setBackoff(noWait());
    QSignalSpy retrying(&workflow, &PreviewWorkflow::stepRetrying);

    QCoro::waitFor(workflow.run());
    QCOMPARE(provider.calls.value(u"create"_s), 3);
    QCOMPARE(retrying.size(), 2);
    QCOMPARE(retrying.at(1).at(1).toInt(), 3);
    QCoro::waitFor(workflow.stop());
}

void TestWorkflow::givesUpAfterTwoRetries()
{
    ScriptedProvider provider;
    provider.failures[u"create"_s] = {Failure::transient(u"HTTP 503"_s), Failure::transient(u"HTTP 503"_s),
                                      Failure::transient(u"HTTP 503 again"_s)};
    InMemoryStepJournal journal;
    PreviewWorkflow workflow(provider, journal, requestFor(u"https://github.com/a/b"_s));
    workflow.setBackoff(noWait());

    const std::optional<StepFailure> failure = runExpectingFailure(workflow);
    QVERIFY2(failure, "the run should have failed");
    QCOMPARE(stepName(failure->step()), stepName(StepId::CreateSandbox));
    QCOMPARE(failure->message(), u"HTTP 503 again"_s);
    QCOMPARE(provider.calls.value(u"create"_s), 3);
    QCOMPARE(toString(journal.entry(StepId::CreateSandbox)->status), toString(StepStatus::Failed));
    QCOMPARE(provider.calls.value(u"clone"_s), 0);
}

void TestWorkflow::permanentFailureFailsAtOnce()
{
    ScriptedProvider provider;
    provider.failures[u"clone"_s] = {Failure::permanent(u"denied"_s, u"sign in"_s)};
    InMemoryStepJournal journal;
    PreviewWorkflow workflow(provider, journal, requestFor(u"https://github.com/a/b"_s));
    workflow.setBackoff(noWait());
    QSignalSpy retrying(&workflow, &PreviewWorkflow::stepRetrying);

    const std::optional<StepFailure> failure = runExpectingFailure(workflow);
    QVERIFY2(failure, "the run should have failed");
    QCOMPARE(stepName(failure->step()), stepName(StepId::CloneRepository));
    QCOMPARE(failure->advice(), u"sign in"_s);
    QCOMPARE(provider.calls.value(u"clone"_s), 1);
    QCOMPARE(retrying.size(), 0);
}

void TestWorkflow::adoptsTheLabelledSandbox()
{
    TinyHttpServer http;
    ScriptedProvider provider;
    provider.previewPort = http.port();
    provider.existing = SandboxInfo{u"forge-x-1"_s, u"forge-x-1"_s, {}, SandboxState::Stopped};
    InMemoryStepJournal journal;
    PreviewWorkflow workflow(provider, journal, requestFor(u"https://github.com/a/b"_s));

    QCoro::waitFor(workflow.run());
    QCOMPARE(provider.calls.value(u"create"_s), 0);
    QCOMPARE(provider.calls.value(u"start"_s), 1); // a stopped sandbox is started, not replaced
    QCOMPARE(workflow.sandboxId(), u"forge-x-1"_s);
    QVERIFY(journal.entry(StepId::CreateSandbox)->result.value(u"adopted"_s).toBool());
    QCoro::waitFor(workflow.stop());
}

void TestWorkflow::finishedStepsAreReadBackNotRerun()
{
    TinyHttpServer http;
    ScriptedProvider provider;
    provider.previewPort = http.port();
    InMemoryStepJournal journal;
    {
        PreviewWorkflow first(provider, journal, requestFor(u"https://github.com/a/b"_s));
        QCoro::waitFor(first.run());
        QCoro::waitFor(first.stop());
    }
    // Resume from the dev server, as the sandbox manager does when the server died.
    journal.resetFrom(StepId::StartDevServer);
    PreviewWorkflow second(provider, journal, requestFor(u"https://github.com/a/b"_s));
    QSignalSpy started(&second, &PreviewWorkflow::stepStarted);
    QCoro::waitFor(second.run());

    QCOMPARE(provider.calls.value(u"create"_s), 1);
    QCOMPARE(provider.calls.value(u"clone"_s), 1);
    QCOMPARE(provider.calls.value(u"snapshot"_s), 1);
    QCOMPARE(provider.calls.value(u"background"_s), 2);
    QCOMPARE(started.size(), 2); // start-dev-server and publish-preview only
    QCOMPARE(stepName(started.at(0).at(0).value<StepId>()), stepName(StepId::StartDevServer));
    QCOMPARE(second.sandboxId(), requestFor(u"https://github.com/a/b"_s).sandboxName()); // read back
    QVERIFY(second.plan().has_value());
    QCoro::waitFor(second.stop());
}

void TestWorkflow::installFailureCarriesTheLastLines()
{
    ScriptedProvider provider;
    provider.installResult = CommandResult{1, false, false};
    provider.installOutput =
        "npm error code E404\nnpm error 404 Not Found - GET https://registry.npmjs.org/nope\n";
    InMemoryStepJournal journal;
    PreviewWorkflow workflow(provider, journal, requestFor(u"https://github.com/a/b"_s));
    const std::optional<StepFailure> failure = runExpectingFailure(workflow);
    QVERIFY2(failure, "the run should have failed");
    QCOMPARE(stepName(failure->step()), stepName(StepId::InstallDependencies));
    QVERIFY2(failure->message().contains(u"npm ci exited with code 1"_s), qPrintable(failure->message()));
    QVERIFY(failure->lastLines().contains(u"npm error code E404"_s));
}

void TestWorkflow::secretsAreRedactedFromOutput()
{
    ScriptedProvider provider;
    provider.installResult = CommandResult{1, false, false};
    const QString token = u"ghp_CANARYabcdefghijklmnopqrstuvwxyz0123"_s;
    // Once plain, once with colour codes splitting the token, which must not smuggle it past.
    provider.installOutput = "fetching https://x-access-token:" + token.toUtf8() + "@github.com/a/b\n" +
                             "\x1b[33mghp_CANARYabcdefghij\x1b[0mklmnopqrstuvwxyz0123" + token.toUtf8() +
                             "\n";
    InMemoryStepJournal journal;
    PreviewRequest request = requestFor(u"https://github.com/a/b"_s);
    request.authToken = token;
    PreviewWorkflow workflow(provider, journal, request);
    QSignalSpy output(&workflow, &PreviewWorkflow::stepOutput);
    const std::optional<StepFailure> failure = runExpectingFailure(workflow);
    QVERIFY2(failure, "the run should have failed");
    QVERIFY(!failure->lastLines().join(u'\n').contains(token));
    QVERIFY(!output.isEmpty());
    for (const auto& arguments : std::as_const(output)) {
        QVERIFY2(!arguments.at(2).toString().contains(u"CANARY"_s), qPrintable(arguments.at(2).toString()));
        QVERIFY2(!arguments.at(3).toString().contains(u"CANARY"_s), qPrintable(arguments.at(3).toString()));
    }
}

void TestWorkflow::projectVariablesReachOnlyTheirSteps()
{
    TinyHttpServer http;
    QVERIFY(http.isListening());
    ScriptedProvider provider;
    provider.previewPort = http.port();
    InMemoryStepJournal journal;
    PreviewRequest request = requestFor(u"https://github.com/a/b"_s);
    request.environment.set({u"NPM_MIRROR"_s, u"https://mirror.test"_s, false, EnvironmentStep::Install});
    request.environment.set({u"API_URL"_s, u"http://api.test"_s, false, EnvironmentStep::Run});
    request.environment.set({u"STRIPE_SECRET_KEY"_s, u"sk_test_CANARY0123456789"_s, true,
                             EnvironmentSteps(EnvironmentStep::Run) | EnvironmentStep::Install});
    PreviewWorkflow workflow(provider, journal, request);
    QCoro::waitFor(workflow.run());

    const auto install = std::find_if(provider.commands.cbegin(), provider.commands.cend(),
                                      [](const CommandSpec& spec) { return spec.argv.value(1) == u"ci"_s; });
    QVERIFY(install != provider.commands.cend());
    const QMap<QString, QString> installGets{{u"NPM_MIRROR"_s, u"https://mirror.test"_s},
                                             {u"STRIPE_SECRET_KEY"_s, u"sk_test_CANARY0123456789"_s}};
    QCOMPARE(install->privateEnvironment, installGets);
    const CommandSpec& serve = provider.commands.constLast();
    const QMap<QString, QString> serverGets{{u"API_URL"_s, u"http://api.test"_s},
                                            {u"STRIPE_SECRET_KEY"_s, u"sk_test_CANARY0123456789"_s}};
    QCOMPARE(serve.privateEnvironment, serverGets);
    // Never among the variables a back end may put on a command line (Daytona's env(1) prefix).
    for (const CommandSpec& spec : std::as_const(provider.commands)) {
        for (const QString& value : spec.environment)
            QVERIFY2(!value.contains(u"CANARY"_s), qPrintable(spec.argv.join(u' ')));
        QVERIFY(!spec.argv.join(u' ').contains(u"CANARY"_s));
    }
    QCoro::waitFor(workflow.stop());
}

void TestWorkflow::projectSecretsAreRedactedAcrossChunksAndInBase64()
{
    const QByteArray secret = "sk_live_CANARY51HqLyjWDarjtT1zdp7dc";
    ScriptedProvider provider;
    provider.installResult = CommandResult{1, false, false};
    provider.installChunks = {
        "key=" + secret.left(11),
        secret.mid(11) + " ok\n",                                              // split across two reads
        "b64=" + secret.toBase64() + "\n",                                     // the value encoded
        "basic=" + QByteArray("api:" + secret).toBase64() + "\n",              // encoded inside more text
        "env=" + QByteArray("A=1\nSTRIPE=" + secret + "\n").toBase64() + "\n", // an encoded .env
    };
    InMemoryStepJournal journal;
    PreviewRequest request = requestFor(u"https://github.com/a/b"_s);
    request.environment.set(
        {u"STRIPE_SECRET_KEY"_s, QString::fromLatin1(secret), true, EnvironmentStep::Install});
    PreviewWorkflow workflow(provider, journal, request);
    QSignalSpy output(&workflow, &PreviewWorkflow::stepOutput);
    const std::optional<StepFailure> failure = runExpectingFailure(workflow);
    QVERIFY2(failure, "the run should have failed");

    QStringList forms{QString::fromLatin1(secret), QString::fromLatin1(secret.toBase64())};
    // What stays of the value's encoding at each offset inside a longer base64 text.
    for (const QByteArray& prefix : {QByteArray("api:"), QByteArray("A=1\nSTRIPE=")})
        forms
            << QString::fromLatin1(QByteArray(prefix + secret).toBase64()).mid(prefix.size() * 4 / 3 + 2, 20);
    QStringList lines = failure->lastLines();
    for (const auto& arguments : std::as_const(output))
        lines << arguments.at(2).toString() << arguments.at(3).toString();
    QVERIFY(lines.join(u'\n').contains(u"key=***"_s));
    for (const QString& line : std::as_const(lines)) {
        for (const QString& form : std::as_const(forms))
            QVERIFY2(!line.contains(form), qPrintable(line));
    }
}

void TestWorkflow::anEnvironmentChangeRestartsTheServerAndRebuildsOnlyWhenAsked()
{
    TinyHttpServer http;
    ScriptedProvider provider;
    provider.previewPort = http.port();
    const auto repository = std::get<RepoRef>(RepoRef::parse(u"https://github.com/a/env"_s, {}));
    Project project = newProject(repository, {}, RunMode::Production);
    RunPlan plan;
    plan.packageManager = PackageManager::Npm;
    plan.framework = Framework::NodeServer;
    plan.installCommand = {u"npm"_s, u"ci"_s};
    plan.buildCommand = {u"npm"_s, u"run"_s, u"build"_s};
    plan.devCommand = {u"node"_s, u"server.js"_s};
    plan.startCommand = {u"node"_s, u"server.js"_s};
    project.plan = plan;
    project.environment.set({u"API_URL"_s, u"http://one"_s, false,
                             EnvironmentSteps(EnvironmentStep::Build) | EnvironmentStep::Run});
    ProjectSession session(provider, project);
    session.start();
    QTRY_VERIFY_WITH_TIMEOUT(session.status() == ProjectStatus::Live, 20000);
    const auto count = [&provider](const QString& program) {
        return std::count_if(provider.commands.cbegin(), provider.commands.cend(),
                             [&program](const CommandSpec& spec) { return spec.argv.join(u' ') == program; });
    };
    QCOMPARE(count(u"npm run build"_s), 1);
    QCOMPARE(count(u"node server.js"_s), 1);

    // A value only the server reads: the server again, with it; no install, no build.
    ResolvedEnvironment changed;
    changed.environment.set({u"API_URL"_s, u"http://two"_s, false, EnvironmentStep::Run});
    QSignalSpy restored(&session, &ProjectSession::restored);
    QVERIFY(QCoro::waitFor(session.applyEnvironment(changed, false)));
    QCOMPARE(restored.size(), 1);
    QCOMPARE(count(u"npm ci"_s), 1);
    QCOMPARE(count(u"npm run build"_s), 1);
    QCOMPARE(count(u"node server.js"_s), 2);
    QCOMPARE(provider.commands.constLast().privateEnvironment.value(u"API_URL"_s), u"http://two"_s);

    // One the build reads: in production mode the build runs again first, with the new value.
    changed.environment.set({u"API_URL"_s, u"http://three"_s, false,
                             EnvironmentSteps(EnvironmentStep::Build) | EnvironmentStep::Run});
    QVERIFY(QCoro::waitFor(session.applyEnvironment(changed, true)));
    QCOMPARE(count(u"npm ci"_s), 1);
    QCOMPARE(count(u"npm run build"_s), 2);
    const auto build =
        std::find_if(provider.commands.crbegin(), provider.commands.crend(),
                     [](const CommandSpec& spec) { return spec.argv.join(u' ') == u"npm run build"_s; });
    QCOMPARE(build->privateEnvironment.value(u"API_URL"_s), u"http://three"_s);
    QCOMPARE(count(u"node server.js"_s), 3);

    QSignalSpy ended(&session, &ProjectSession::runEnded);
    session.stop();
    QTRY_COMPARE(ended.size(), 1);
    // Not live any more: nothing to restart, the next run reads the environment anyway.
    QVERIFY(!QCoro::waitFor(session.applyEnvironment(changed, false)));
}

// The user saves the environment (the dev server restarts) and at once runs the project again: the
// restore ends, the run ends and a new one goes live; nothing is left running.
void TestWorkflow::aRestartDuringAnEnvironmentRestoreRunsAgain()
{
    TinyHttpServer http;
    ScriptedProvider provider;
    provider.previewPort = http.port();
    const auto repository = std::get<RepoRef>(RepoRef::parse(u"https://github.com/a/restart"_s, {}));
    auto session = std::make_unique<ProjectSession>(provider, newProject(repository, {}, RunMode::Dev));
    session->start();
    QTRY_VERIFY_WITH_TIMEOUT(session->status() == ProjectStatus::Live, 20000);

    ResolvedEnvironment changed;
    changed.environment.set({u"API_URL"_s, u"http://two"_s});
    QSignalSpy restoreEnded(session.get(), &ProjectSession::restoreEnded);
    QSignalSpy runEnded(session.get(), &ProjectSession::runEnded);
    QSignalSpy runStarted(session.get(), &ProjectSession::runStarted);
    detach(session->applyEnvironment(changed, false), session.get(), "test restore");
    QVERIFY(session->isRestoring());
    session->restart();
    QTRY_COMPARE_WITH_TIMEOUT(restoreEnded.size(), 1, 20000);
    QTRY_COMPARE_WITH_TIMEOUT(runEnded.size(), 1, 20000);
    QTRY_COMPARE_WITH_TIMEOUT(runStarted.size(), 1, 20000);
    QTRY_VERIFY_WITH_TIMEOUT(session->status() == ProjectStatus::Live, 20000);
    session->stop();
    QTRY_COMPARE_WITH_TIMEOUT(runEnded.size(), 2, 20000);
    QVERIFY(!session->isActive());
}

void TestWorkflow::projectIdIsStablePerRepositoryAndBranch()
{
    const RepoRef repo = std::get<RepoRef>(RepoRef::parse(u"https://github.com/a/b"_s, QString()));
    QCOMPARE(PreviewRequest::projectIdFor(repo, u"main"_s), PreviewRequest::projectIdFor(repo, u"main"_s));
    QVERIFY(PreviewRequest::projectIdFor(repo, u"main"_s) != PreviewRequest::projectIdFor(repo, u"dev"_s));
    PreviewRequest request;
    request.projectId = PreviewRequest::projectIdFor(repo, u"main"_s);
    request.generation = 2;
    QCOMPARE(request.sandboxName(), u"forge-%1-2"_s.arg(request.projectId));
}

void TestWorkflow::sevenRunsFiveAtOnceTwoQueuedAllFinish()
{
    TinyHttpServer http;
    ScriptedProvider provider;
    provider.previewPort = http.port();
    provider.installGate.open = false;
    RunQueue queue(5);
    std::vector<std::unique_ptr<ProjectSession>> sessions;
    for (int i = 0; i < 7; ++i) {
        const auto repository = std::get<RepoRef>(RepoRef::parse(u"https://github.com/a/p%1"_s.arg(i), {}));
        auto session = std::make_unique<ProjectSession>(provider, newProject(repository, {}, RunMode::Dev));
        session->setRunQueue(&queue);
        sessions.push_back(std::move(session));
    }
    for (auto& session : sessions)
        session->start();
    const auto count = [&](ProjectStatus status) {
        return int(std::count_if(sessions.begin(), sessions.end(),
                                 [status](const auto& session) { return session->status() == status; }));
    };
    // Five build (held in install), two wait their turn.
    QTRY_COMPARE(provider.installGate.waiting, 5);
    QCOMPARE(count(ProjectStatus::Building), 5);
    QCOMPARE(count(ProjectStatus::Queued), 2);
    QCOMPARE(queue.running(), 5);
    QCOMPARE(queue.waiting(), 2);

    provider.installGate.open = true;
    Q_EMIT provider.installGate.opened();
    QTRY_COMPARE_WITH_TIMEOUT(count(ProjectStatus::Live), 7, 20000);
    QCOMPARE(queue.running(), 0); // a live preview holds no place: its build is over
    QCOMPARE(provider.calls.value(u"create"_s), 7);

    // A queued run that is stopped leaves the line and never starts.
    provider.installGate.open = false;
    for (auto& session : sessions)
        session->restart();
    QTRY_COMPARE(provider.installGate.waiting, 5);
    QTRY_COMPARE(count(ProjectStatus::Queued), 2);
    ProjectSession* queued = nullptr;
    for (auto& session : sessions) {
        if (session->status() == ProjectStatus::Queued)
            queued = session.get();
    }
    QSignalSpy ended(queued, &ProjectSession::runEnded);
    queued->stop();
    QTRY_COMPARE(ended.size(), 1);
    QVERIFY(queued->status() == ProjectStatus::Stopped);
    QCOMPARE(queue.waiting(), 1);
    provider.installGate.open = true;
    Q_EMIT provider.installGate.opened();
    QTRY_COMPARE_WITH_TIMEOUT(count(ProjectStatus::Live), 6, 20000);
    for (auto& session : sessions)
        session->stop();
    QTRY_COMPARE(count(ProjectStatus::Stopped), 7);
}

void TestWorkflow::packageManagerIsLookedUpNotRun()
{
    // Yarn runs the script .yarnrc.yml's yarnPath names for every command, `--version` included:
    // before the user's plan, nothing of the package manager's may run in the workspace (issue 16).
    TinyHttpServer http;
    ScriptedProvider provider;
    provider.previewPort = http.port();
    provider.packageJson = R"({"packageManager":"yarn@4.5.0","scripts":{"dev":"vite"}})";
    provider.missingPrograms = {u"yarn"_s};
    InMemoryStepJournal journal;
    PreviewWorkflow workflow(provider, journal, requestFor(u"https://github.com/a/b"_s));

    QCoro::waitFor(workflow.run());
    QStringList planCommands;
    for (const CommandSpec& command : std::as_const(provider.commands)) {
        const QStringList& argv = command.argv;
        if (argv.value(0) == u"sh"_s) {
            // The workflow's own probes (hasProgram, node --version) run from `/`.
            QVERIFY2(argv.value(2).startsWith(u"cd / && "_s), qPrintable(argv.join(u' ')));
        } else if (argv.value(0) != u"git"_s) {
            planCommands.append(argv.join(u' '));
        }
    }
    // Without a tool cache (this provider has none) the plan runs as it is, and nothing else ran.
    QVERIFY2(planCommands == (QStringList{u"yarn install"_s, u"yarn run dev"_s}),
             qPrintable(planCommands.join(u" | "_s)));
    QCoro::waitFor(workflow.stop());
}

QTEST_GUILESS_MAIN(TestWorkflow)
#include "tst_workflow.moc"
