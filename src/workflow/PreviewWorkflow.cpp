#include "PreviewWorkflow.h"

#include "DevServerProxy.h"
#include "FailureAdvice.h"
#include "PreviewHostAllowance.h"
#include "StepOutput.h"
#include "WorkingCopySync.h"
#include "core/InstallCacheKey.h"
#include "core/MissingVariable.h"
#include "core/RunPlanDetector.h"
#include "core/SignalWait.h"

#include <QCoroTimer>
#include <QDeadlineTimer>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QRegularExpression>

using namespace Qt::StringLiterals;
using namespace std::chrono_literals;

namespace forge {

namespace {

constexpr int MaxRetries = 2;
const QString ProjectLabel = u"forge.project"_s;

// How long a port may listen in the sandbox while the preview proxy still cannot reach it (a server
// that is still binding its other interfaces) before that is reported as bound elsewhere.
constexpr qint64 UnreachableGraceMs = 20'000;

// Timeouts for the short helper commands the workflow runs itself.
constexpr auto ToolProbeTimeout = 30s;

QJsonArray toJsonArray(const QStringList& list)
{
    return QJsonArray::fromStringList(list);
}

// The major version of a Node.js version or range as projects write it ("18", "v18.2.0", "18.x",
// ">=18" is a range and yields nothing: it does not pin a major).
// A short helper command of the workflow's own (tool probes, rev-parse).
// Built outside coroutine bodies: GCC 12 miscompiles braced temporaries inside co_await expressions.
CommandSpec shortCommand(QStringList argv)
{
    return CommandSpec{std::move(argv), {}, {}, ToolProbeTimeout};
}

OutputSink collectStdout(QString* text)
{
    return [text](OutputChannel channel, const QByteArray& bytes) {
        if (channel == OutputChannel::Stdout)
            *text += QString::fromUtf8(bytes).trimmed();
    };
}

// The port the readiness probe asks: the one the dev server's ready line names (it may have moved on
// from a taken port), else `port`. Behind the dev-server proxy (`proxied`) the ready line names the
// dev server's own port, which is not exposed: the proxy's `port` is the preview's.
int portToProbe(const std::optional<ScannedLine>& ready, int port, bool proxied)
{
    return !proxied && ready && ready->readyPort > 0 ? ready->readyPort : port;
}

int pinnedMajor(const QString& version)
{
    static const QRegularExpression pinned(u"^v?(\\d+)(\\.[\\dx*]+){0,2}$"_s);
    const auto match = pinned.match(version.trimmed());
    return match.hasMatch() ? match.captured(1).toInt() : 0;
}

QJsonArray expectedToJson(const QList<ExpectedVariable>& expected)
{
    QJsonArray array;
    for (const ExpectedVariable& variable : expected) {
        array.append(QJsonObject{
            {u"name"_s, variable.name}, {u"hint"_s, variable.hint}, {u"source"_s, variable.source}});
    }
    return array;
}

QList<ExpectedVariable> expectedFromJson(const QJsonArray& array)
{
    QList<ExpectedVariable> expected;
    for (const QJsonValue& item : array) {
        const QJsonObject object = item.toObject();
        const QString name = object.value(u"name"_s).toString();
        if (ProjectEnvironment::isValidName(name))
            expected.append({name, object.value(u"hint"_s).toString(), object.value(u"source"_s).toString()});
    }
    return expected;
}

} // namespace

PreviewWorkflow::PreviewWorkflow(SandboxProvider& provider, StepJournal& journal, PreviewRequest request,
                                 QObject* parent)
    : QObject(parent)
    , m_provider(provider)
    , m_journal(journal)
    , m_request(std::move(request))
    , m_backoff(1s, 10s, MaxRetries)
{
    m_redactor.addSecret(m_request.authToken);
    // Every value of the project's environment that is a secret; plain values are in the database
    // and the Run Plan anyway.
    for (const EnvironmentVariable& variable : m_request.environment.variables) {
        if (variable.secret)
            m_redactor.addSecret(variable.value);
    }
    connect(&m_provider, &SandboxProvider::notice, this, &PreviewWorkflow::notice);
}

PreviewWorkflow::~PreviewWorkflow() = default;

void PreviewWorkflow::setBackoff(const Backoff& backoff)
{
    m_backoff = backoff;
}

bool PreviewWorkflow::isServing() const
{
    return m_ready && m_server && m_server->isRunning();
}

void PreviewWorkflow::emitLine(StepId step, OutputChannel channel, const ScannedLine& line)
{
    Q_EMIT stepOutput(step, channel, line.text, line.styledText, line.hint == ScannedLine::Hint::Error);
}

void PreviewWorkflow::emitNote(StepId step, OutputChannel channel, const QString& note)
{
    Q_EMIT stepOutput(step, channel, note, note, false);
}

void PreviewWorkflow::throwIfCancelled() const
{
    if (m_cancelled)
        throw Failure::cancelled(u"The preview was stopped."_s);
}

QCoro::Task<QUrl> PreviewWorkflow::run()
{
    m_cancelled = false;
    // Each step's result is applied here, so a step read back from the journal restores the state
    // later steps need exactly as a step that just ran.
    const auto earlier = m_journal.entry(StepId::CreateSandbox);
    const bool resuming = earlier && earlier->status == StepStatus::Succeeded;
    QJsonObject created = co_await runStep(StepId::CreateSandbox, [this] { return createSandbox(); });
    m_sandboxId = created.value(u"sandboxId"_s).toString();
    if (resuming) {
        // Not inside the condition: GCC 12 fails on co_await within && and ||.
        const bool alive = co_await resumeSandbox();
        if (!alive) {
            // The sandbox of the interrupted run is gone: everything starts again in a new one.
            m_journal.resetFrom(StepId::CreateSandbox);
            created = co_await runStep(StepId::CreateSandbox, [this] { return createSandbox(); });
            m_sandboxId = created.value(u"sandboxId"_s).toString();
        }
    }
    const QJsonObject cloneResult =
        co_await runStep(StepId::CloneRepository, [this] { return cloneRepository(); });
    Q_EMIT cloned(cloneResult.value(u"commitId"_s).toString());
    const QJsonObject detected =
        co_await runStep(StepId::DetectFramework, [this] { return detectFramework(); });
    QString planError;
    m_plan = RunPlan::fromJson(detected.value(u"plan"_s).toObject(), &planError);
    if (!m_plan) {
        throw StepFailure(StepId::DetectFramework,
                          Failure::permanent(u"The saved run plan is not valid: %1"_s.arg(planError),
                                             u"Detect the framework again or fix the run plan."_s));
    }
    reportExpectedEnvironment(detected.value(u"expectedEnvironment"_s).toArray());
    co_await runStep(StepId::InstallDependencies, [this] { return installDependencies(); });
    co_await runStep(StepId::BuildProject, [this] { return buildProject(); });
    const QJsonObject started = co_await runStep(StepId::StartDevServer, [this] { return startDevServer(); });
    m_port = started.value(u"port"_s).toInt();
    const QJsonObject published =
        co_await runStep(StepId::PublishPreview, [this] { return publishPreview(); });
    // The endpoint is asked for again rather than read from the journal: its headers can hold a
    // private preview's token, which is never journaled, and a restarted sandbox has a new one.
    m_previewEndpoint = co_await m_provider.previewEndpoint(m_sandboxId, m_port);
    if (m_previewEndpoint.url.isEmpty())
        m_previewEndpoint.url = QUrl(published.value(u"url"_s).toString());
    // A token in a header must not reach a log line (other header values, like "true", are not secret).
    for (auto it = m_previewEndpoint.headers.cbegin(); it != m_previewEndpoint.headers.cend(); ++it) {
        const QByteArray name = it.key().toLower();
        if (name.contains("token") || name.contains("authorization") || name.contains("key"))
            m_redactor.addSecret(QString::fromUtf8(it.value()));
    }
    m_ready = true;
    Q_EMIT previewReady(m_previewEndpoint.url);
    // A copy: QCoro 0.8's return_value moves from a non-const lvalue, which would empty the member.
    const QUrl url = m_previewEndpoint.url;
    co_return url;
}

void PreviewWorkflow::reportExpectedEnvironment(const QJsonArray& expected)
{
    m_missingVariables = ExpectedEnvironment::missingFrom(expectedFromJson(expected), m_request.environment);
    if (!m_missingVariables.isEmpty()) {
        QStringList names;
        for (const ExpectedVariable& variable : std::as_const(m_missingVariables))
            names << variable.name;
        emitNote(StepId::DetectFramework, OutputChannel::Stdout,
                 u"The repository expects variables that are not set: %1 (from %2). Set them in the "
                 u"project's environment if the app needs them."_s.arg(
                     names.join(u", "_s), m_missingVariables.constFirst().source));
    }
    Q_EMIT environmentExpected(m_missingVariables);
}

std::optional<ExpectedVariable> PreviewWorkflow::missingVariableIn(const QStringList& lastLines) const
{
    QStringList candidates;
    for (const ExpectedVariable& variable : m_missingVariables)
        candidates << variable.name;
    const std::optional<QString> name = MissingVariable::find(lastLines, candidates);
    if (!name || m_request.environment.find(*name))
        return std::nullopt;
    for (const ExpectedVariable& variable : m_missingVariables) {
        if (variable.name == *name)
            return variable;
    }
    return ExpectedVariable{*name, {}, {}};
}

QCoro::Task<bool> PreviewWorkflow::resumeSandbox()
{
    // After a crash the sandbox is stopped (the local back end stops what an earlier process left;
    // Daytona may have auto-stopped it) or gone. Started again, the finished steps still hold: the
    // files, the clone and the installed dependencies are in it.
    SandboxInfo sandbox;
    try {
        sandbox = co_await m_provider.getSandbox(m_sandboxId);
    } catch (const Failure& failure) {
        if (failure.isTransient())
            throw StepFailure(StepId::CreateSandbox, failure);
        co_return false; // not found
    }
    if (sandbox.state == SandboxState::Gone || sandbox.state == SandboxState::Error)
        co_return false;
    if (sandbox.state != SandboxState::Started) {
        try {
            co_await m_provider.startSandbox(m_sandboxId);
        } catch (const Failure& failure) {
            throw StepFailure(StepId::CreateSandbox, failure);
        }
    }
    co_return true;
}

QCoro::Task<> PreviewWorkflow::stop()
{
    m_cancelled = true;
    m_ready = false;
    if (m_server) {
        co_await m_server->stop();
    }
    if (!m_sandboxId.isEmpty()) {
        try {
            co_await m_provider.stopSandbox(m_sandboxId);
        } catch (const Failure& failure) {
            Q_EMIT notice(m_redactor.redact(failure.message()));
        }
    }
}

QCoro::Task<> PreviewWorkflow::stopServer()
{
    m_ready = false;
    if (m_server)
        co_await m_server->stop();
}

// Runs one step with the journal's semantics: a finished step is read back, not rerun; a transient
// failure is retried with backoff; any other failure is recorded and rethrown with the step.
QCoro::Task<QJsonObject> PreviewWorkflow::runStep(StepId step, StepBody body)
{
    if (const auto entry = m_journal.entry(step);
        entry && (entry->status == StepStatus::Succeeded || entry->status == StepStatus::Skipped)) {
        Q_EMIT stepRestored(step, entry->status, entry->result.value(u"summary"_s).toString());
        // A copy: QCoro 0.8's return_value moves from a non-const lvalue.
        const QJsonObject result = entry->result;
        co_return result;
    }

    for (int attempt = 1;; ++attempt) {
        if (m_cancelled) {
            throw StepFailure(step, Failure::cancelled(u"The preview was stopped."_s));
        }
        m_journal.recordStarted(step, attempt);
        Q_EMIT stepStarted(step, attempt);
        QElapsedTimer clock;
        clock.start();

        std::optional<Failure> failure;
        QJsonObject result;
        try {
            result = co_await body();
        } catch (const Failure& caught) {
            failure = caught;
        } catch (const std::exception& unexpected) {
            failure = Failure::permanent(u"Internal error: %1"_s.arg(QString::fromUtf8(unexpected.what())),
                                         u"Please report this problem."_s);
        }
        if (failure && m_cancelled)
            failure = Failure::cancelled(u"The preview was stopped."_s);

        if (!failure) {
            const bool skipped = result.value(u"skipped"_s).toBool();
            const StepStatus status = skipped ? StepStatus::Skipped : StepStatus::Succeeded;
            m_journal.recordFinished(step, status, result, {});
            Q_EMIT stepFinished(step, status, clock.elapsed(), result.value(u"summary"_s).toString());
            co_return result;
        }

        const QString message = m_redactor.redact(failure->message());
        if (failure->isTransient() && m_backoff.allows(attempt)) {
            const auto hint = failure->retryAfterSeconds() >= 0
                                  ? std::chrono::milliseconds(failure->retryAfterSeconds() * 1000)
                                  : std::chrono::milliseconds(-1);
            const auto delay = m_backoff.delayFor(attempt, hint);
            m_journal.recordFinished(step, StepStatus::Failed, {}, message);
            Q_EMIT stepRetrying(step, attempt + 1, delay.count(), message);
            co_await QCoro::sleepFor(delay);
            continue;
        }

        m_journal.recordFinished(step, StepStatus::Failed, {}, message);
        Q_EMIT stepFinished(step, StepStatus::Failed, clock.elapsed(), message);
        QString advice = m_redactor.redact(failure->advice());
        if (failure->isTransient() && !failure->isCancelled()) {
            // The retries are used up: say so, so a passing outage is not mistaken for a broken project.
            const QString tried =
                u"Tried %1 times; the service or the network kept failing. Run the project "
                u"again in a while (Ctrl+Enter); nothing done so far is lost."_s.arg(attempt);
            advice = advice.isEmpty() ? tried : advice + u' ' + tried;
        }
        Failure redacted(failure->kind(), message, advice, failure->lastLines());
        throw StepFailure(step, redacted);
    }
}

QCoro::Task<QJsonObject> PreviewWorkflow::createSandbox()
{
    const QMap<QString, QString> labels{{ProjectLabel, m_request.projectId}};
    // Look before creating, so a retry or a second run never makes two sandboxes for one project.
    std::optional<SandboxInfo> sandbox = co_await m_provider.findSandbox(labels);
    bool adopted = false;
    if (sandbox && sandbox->state != SandboxState::Gone && sandbox->state != SandboxState::Error) {
        adopted = true;
    } else {
        const SandboxSpec spec{m_request.sandboxName(), labels};
        sandbox = co_await m_provider.createSandbox(spec);
    }
    if (sandbox->state != SandboxState::Started)
        co_await m_provider.startSandbox(sandbox->id);
    co_return QJsonObject{
        {u"sandboxId"_s, sandbox->id},
        {u"adopted"_s, adopted},
        {u"summary"_s,
         adopted ? u"reusing sandbox %1"_s.arg(sandbox->name) : u"sandbox %1"_s.arg(sandbox->name)},
    };
}

QCoro::Task<QJsonObject> PreviewWorkflow::cloneRepository()
{
    if (m_request.workingCopy && !m_request.repository.isRemote()) {
        const QJsonObject copied = co_await copyWorkingCopy();
        co_return copied;
    }
    CloneSpec spec;
    spec.url = m_request.repository.url();
    spec.branch = m_request.branch;
    spec.pullRequest = m_request.repository.pullRequest();
    spec.depth = 1;
    spec.authToken = m_request.authToken;

    StepOutput output(m_redactor, [this](OutputChannel channel, const ScannedLine& line) {
        emitLine(StepId::CloneRepository, channel, line);
    });
    const CommandResult result = co_await m_provider.cloneRepository(
        m_sandboxId, spec,
        [&output](OutputChannel channel, const QByteArray& bytes) { output.feed(channel, bytes); });
    output.finish();
    throwIfCancelled();
    if (!result.succeeded())
        throw FailureAdvice::cloneFailed(result, output.evidence(), m_request.repository, m_request.branch);

    // Record which commit is previewed; a failure here is not worth failing the step for. Read
    // before any of the repository's code has run in this clone; the full id is what a pull request
    // preview is compared with (ProjectSession::checkedOutCommit).
    QString commitId;
    const CommandSpec revParse = shortCommand({u"git"_s, u"rev-parse"_s, u"HEAD"_s});
    const CommandResult revision =
        co_await m_provider.runCommand(m_sandboxId, revParse, collectStdout(&commitId));
    commitId = commitId.trimmed();
    static const QRegularExpression fullId(u"^[0-9a-f]{40}([0-9a-f]{24})?$"_s);
    if (!revision.succeeded() || !fullId.match(commitId).hasMatch())
        commitId.clear();
    const QString commit = commitId.left(7);

    const int pullRequest = m_request.repository.pullRequest();
    const QString branch = pullRequest > 0              ? u"pull request #%1"_s.arg(pullRequest)
                           : m_request.branch.isEmpty() ? u"default branch"_s
                                                        : m_request.branch;
    co_return QJsonObject{
        {u"commit"_s, commit},
        {u"commitId"_s, commitId},
        {u"summary"_s, commit.isEmpty() ? branch : u"%1 at %2"_s.arg(branch, commit)},
    };
}

QCoro::Task<QJsonObject> PreviewWorkflow::copyWorkingCopy()
{
    const QString folder = m_request.repository.localPath();
    emitNote(StepId::CloneRepository, OutputChannel::Stdout, WorkingCopySync::watchedCopyNotice());
    // What an earlier run (or the repository's code) left in the workspace goes first, removed inside
    // the sandbox: the copy must hold the folder's files and nothing else.
    const CommandSpec empty = shortCommand({u"find"_s, u"."_s, u"-mindepth"_s, u"1"_s, u"-maxdepth"_s, u"1"_s,
                                            u"-exec"_s, u"rm"_s, u"-rf"_s, u"--"_s, u"{}"_s, u"+"_s});
    const CommandResult emptied = co_await m_provider.runCommand(m_sandboxId, empty, {});
    if (!emptied.succeeded())
        throw Failure::permanent(u"The sandbox's workspace could not be emptied for the working copy."_s,
                                 u"Run again; if it keeps failing, remove the project's sandbox."_s);
    auto sync = std::make_unique<WorkingCopySync>(m_provider, m_sandboxId, folder);
    connect(sync.get(), &WorkingCopySync::notice, this, &PreviewWorkflow::notice);
    StepOutput output(m_redactor, [this](OutputChannel channel, const ScannedLine& line) {
        emitLine(StepId::CloneRepository, channel, line);
    });
    co_await sync->initialSync(
        [&output](OutputChannel channel, const QByteArray& bytes) { output.feed(channel, bytes); });
    output.finish();
    throwIfCancelled();
    const qsizetype files = sync->syncedFileCount();
    m_workingCopy = std::move(sync);
    co_return QJsonObject{
        {u"workingCopy"_s, true},
        {u"summary"_s, files == 1 ? u"working copy, 1 file"_s : u"working copy, %1 files"_s.arg(files)},
    };
}

std::unique_ptr<WorkingCopySync> PreviewWorkflow::takeWorkingCopySync()
{
    return std::move(m_workingCopy);
}

QCoro::Task<QJsonObject> PreviewWorkflow::detectFramework()
{
    RunPlan plan;
    // Only for a detected plan: a kept one was run before, and the user was asked then.
    QJsonArray expected;
    if (m_request.plan) {
        plan = *m_request.plan;
    } else {
        const ProjectSnapshot snapshot = co_await m_provider.snapshotProject(m_sandboxId, QString());
        auto detected = RunPlanDetector::detect(snapshot);
        if (const auto* error = std::get_if<DetectionError>(&detected))
            throw Failure::permanent(error->message, error->advice);
        plan = std::get<RunPlan>(detected);
        expected = expectedToJson(ExpectedEnvironment::fromSnapshot(snapshot, plan.projectDirectory));
    }
    for (const QString& note : std::as_const(plan.notes))
        emitNote(StepId::DetectFramework, OutputChannel::Stdout, note);
    Q_EMIT planReady(plan);
    QJsonObject result{{u"plan"_s, plan.toJson()}, {u"summary"_s, plan.summary()}};
    if (!expected.isEmpty())
        result.insert(u"expectedEnvironment"_s, expected);
    co_return result;
}

QCoro::Task<> PreviewWorkflow::ensureToolchain(StepId step)
{
    Toolchains* toolchains = m_provider.toolchains();
    if (m_toolchain || !toolchains)
        co_return;
    // A resumed run keeps the versions its install used; a new one chooses. Nothing of the
    // repository runs to choose: the request comes from its files (RunPlanDetector) and the
    // versions from the registry's metadata.
    std::optional<ToolchainChoice> choice;
    if (const auto installed = m_journal.entry(StepId::InstallDependencies))
        choice = ToolchainChoice::fromJson(installed->result.value(u"toolchain"_s).toObject());
    if (!choice) {
        const std::optional<QString> system = co_await nodeVersion();
        choice = co_await toolchains->choose(toolchainRequest(), system);
        throwIfCancelled();
    }
    for (const QString& note : std::as_const(choice->notes))
        emitNote(step, OutputChannel::Stdout, note);
    emitNote(step, OutputChannel::Stdout, u"Toolchain: "_s + choice->summary());
    m_toolDirectories =
        co_await m_provider.provideTools(m_sandboxId, choice->fetched(), [this, step](const QString& line) {
            emitNote(step, OutputChannel::Stdout, line);
        });
    throwIfCancelled();
    m_toolchain = choice;
    Q_EMIT toolchainReady(*choice);
}

QJsonObject PreviewWorkflow::toolchainJson() const
{
    return m_toolchain ? m_toolchain->toJson() : QJsonObject();
}

ToolchainRequest PreviewWorkflow::toolchainRequest() const
{
    ToolchainRequest request = ToolchainRequest::fromPlan(*m_plan);
    if (!m_request.nodeVersion.isEmpty()) {
        request.node = m_request.nodeVersion;
        request.nodeSource = m_request.toolchainOverrideSource;
    }
    if (!m_request.packageManager.isEmpty()) {
        const QString name = m_request.packageManager.section(u'@', 0, 0);
        if (name != toString(m_plan->packageManager).section(u'-', 0, 0)) {
            throw Failure::permanent(
                u"The package manager asked for (%1, from %2) is not the project's: it uses %3."_s.arg(
                    m_request.packageManager, m_request.toolchainOverrideSource,
                    displayName(m_plan->packageManager)),
                u"Ask for a version of %1, or change the package manager in the run plan."_s.arg(
                    displayName(m_plan->packageManager)));
        }
        request.packageManagerVersion = m_request.packageManager.section(u'@', 1);
        request.packageManagerSource = m_request.toolchainOverrideSource;
    }
    return request;
}

CommandSpec PreviewWorkflow::planCommand(EnvironmentStep step, QStringList argv, QString directory,
                                         QMap<QString, QString> environment,
                                         std::chrono::milliseconds timeout) const
{
    CommandSpec spec{std::move(argv), std::move(directory), std::move(environment), timeout};
    spec.toolDirectories = m_toolDirectories;
    spec.privateEnvironment = m_request.environment.forStep(step);
    return spec;
}

QCoro::Task<bool> PreviewWorkflow::canRunDevServerProxy()
{
    // The proxy needs Node.js 14 or later in the sandbox (a Bun-only toolchain may have none).
    const std::optional<QString> version = co_await nodeVersion();
    const bool usable = version && pinnedMajor(*version) >= 14;
    co_return usable;
}

QCoro::Task<std::optional<QString>> PreviewWorkflow::nodeVersion()
{
    // From the sandbox's root folder, not the workspace: a version manager's `node` (asdf, Volta,
    // nodenv shims) reads the working folder's .tool-versions, .node-version or package.json and
    // may download or run what the repository names there.
    CommandSpec version = shortCommand({u"sh"_s, u"-c"_s, u"cd / && exec node --version"_s});
    version.toolDirectories = m_toolDirectories;
    QString printed;
    const CommandResult result =
        co_await m_provider.runCommand(m_sandboxId, version, collectStdout(&printed));
    if (!result.succeeded())
        co_return std::nullopt;
    co_return printed;
}

QCoro::Task<> PreviewWorkflow::checkNodeVersion(StepId step)
{
    const int wanted = pinnedMajor(m_plan->nodeVersion);
    if (wanted == 0 || m_toolchain)
        co_return;
    QString installed;
    try {
        installed = (co_await nodeVersion()).value_or(QString());
    } catch (const Failure&) {
        co_return; // the install command itself will report a missing Node.js
    }
    if (pinnedMajor(installed) != 0 && pinnedMajor(installed) != wanted) {
        emitNote(step, OutputChannel::Stderr,
                 u"Note: the project asks for Node.js %1 but the sandbox has %2; if the install or the "
                 u"dev server fails, that may be why."_s.arg(m_plan->nodeVersion, installed));
    }
}

QCoro::Task<CommandResult> PreviewWorkflow::runStepCommand(StepId step, CommandSpec spec, QStringList* tail)
{
    emitNote(step, OutputChannel::Stdout, u"$ "_s + m_redactor.redact(spec.argv.join(u' ')));
    StepOutput output(m_redactor, [this, step](OutputChannel channel, const ScannedLine& line) {
        emitLine(step, channel, line);
    });
    const CommandResult result = co_await m_provider.runCommand(
        m_sandboxId, spec,
        [&output](OutputChannel channel, const QByteArray& bytes) { output.feed(channel, bytes); });
    output.finish();
    if (tail)
        *tail = output.evidence();
    throwIfCancelled();
    co_return result;
}

QCoro::Task<QJsonObject> PreviewWorkflow::installDependencies()
{
    if (m_plan->installCommand.isEmpty())
        co_return QJsonObject{{u"skipped"_s, true}, {u"summary"_s, u"nothing to install"_s}};

    co_await ensureToolchain(StepId::InstallDependencies);
    co_await checkNodeVersion(StepId::InstallDependencies);
    // Workspaces install from the repository root; see RunPlan.
    QStringList argv = m_plan->installCommand;

    const QStringList directories = InstallCacheKey::dependencyDirectories(*m_plan);
    QString cacheKey;
    if (m_request.useInstallCache && m_provider.cachesDependencies())
        cacheKey = co_await installCacheKey();
    if (!cacheKey.isEmpty()) {
        QElapsedTimer restoring;
        restoring.start();
        const bool restored = co_await m_provider.restoreDependencies(m_sandboxId, cacheKey, directories);
        throwIfCancelled();
        if (restored) {
            emitNote(StepId::InstallDependencies, OutputChannel::Stdout,
                     u"Restored %1 from the install cache in %2 s instead of running `%3`: this repository's "
                     u"lockfiles and other install inputs, the package manager and Node.js are the same as "
                     u"when it was installed (key %4)."_s.arg(
                         directories.join(u", "_s),
                         QString::number(double(restoring.elapsed()) / 1000.0, 'f', 1), argv.join(u' '),
                         cacheKey.left(12)));
            co_return QJsonObject{{u"command"_s, toJsonArray(argv)},
                                  {u"toolchain"_s, toolchainJson()},
                                  {u"cached"_s, true},
                                  {u"cacheKey"_s, cacheKey},
                                  {u"summary"_s, u"restored from the install cache"_s}};
        }
    }

    QStringList tail;
    CommandSpec install = planCommand(EnvironmentStep::Install, argv, {}, {}, m_request.installTimeout);
    CommandResult result = co_await runStepCommand(StepId::InstallDependencies, install, &tail);

    if (!result.succeeded() && !m_plan->installFallbackCommand.isEmpty() &&
        FailureAdvice::isLockfileOutOfDate(tail)) {
        emitNote(StepId::InstallDependencies, OutputChannel::Stderr,
                 u"The lockfile does not match package.json; installing without the frozen lockfile."_s);
        argv = m_plan->installFallbackCommand;
        install.argv = argv;
        result = co_await runStepCommand(StepId::InstallDependencies, install, &tail);
    }
    if (!result.succeeded())
        throw FailureAdvice::installFailed(argv, result, tail);
    if (!cacheKey.isEmpty()) {
        const bool saved = co_await m_provider.saveDependencies(m_sandboxId, cacheKey, directories);
        throwIfCancelled();
        if (!saved) {
            emitNote(StepId::InstallDependencies, OutputChannel::Stderr,
                     u"Note: the installed dependencies could not be kept in the install cache (is the disk "
                     u"full?); the next run installs them again."_s);
        }
    }
    co_return QJsonObject{{u"command"_s, toJsonArray(argv)},
                          {u"toolchain"_s, toolchainJson()},
                          {u"summary"_s, argv.join(u' ')}};
}

QCoro::Task<QString> PreviewWorkflow::installCacheKey()
{
    try {
        const std::optional<QString> node = co_await nodeVersion();
        if (!node)
            co_return QString();
        const ProjectSnapshot snapshot = co_await m_provider.snapshotProject(m_sandboxId, QString());
        // The package manager's version that runs, not the range the project gave.
        RunPlan plan = *m_plan;
        if (m_toolchain && m_toolchain->packageManager)
            plan.packageManagerVersion = m_toolchain->packageManager->version.version;
        const QString key =
            InstallCacheKey::compute(snapshot, plan, *node, m_provider.kind(),
                                     InstallCacheKey::repositoryIdentity(m_request.repository));
        if (const QStringList unreadable = InstallCacheKey::unreadableInputs(snapshot);
            !unreadable.isEmpty()) {
            emitNote(StepId::InstallDependencies, OutputChannel::Stderr,
                     u"Note: the install cache is not used for this run: %1 could not be read (a symbolic "
                     u"link, larger than %2 MB, or more install inputs than are read), so no key can "
                     u"cover everything the install depends on."_s.arg(
                         unreadable.join(u", "_s),
                         QString::number(ProjectSnapshot::MaxHashedFileSize / (1024 * 1024))));
        }
        co_return key;
    } catch (const Failure&) {
        co_return QString(); // no cache this time; the install itself says what is wrong
    }
}

QCoro::Task<QJsonObject> PreviewWorkflow::buildProject()
{
    if (m_request.mode == RunMode::Dev)
        co_return QJsonObject{{u"skipped"_s, true}, {u"summary"_s, u"dev mode: no build"_s}};
    if (m_plan->buildCommand.isEmpty())
        co_return QJsonObject{{u"skipped"_s, true}, {u"summary"_s, u"the project has no build step"_s}};

    co_await ensureToolchain(StepId::BuildProject);
    const QStringList argv = m_plan->buildCommand;
    QStringList tail;
    const CommandSpec build = planCommand(EnvironmentStep::Build, argv, m_plan->projectDirectory,
                                          m_plan->environment, m_request.buildTimeout);
    const CommandResult result = co_await runStepCommand(StepId::BuildProject, build, &tail);
    if (!result.succeeded())
        throw FailureAdvice::buildFailed(argv, result, tail);
    co_return QJsonObject{{u"command"_s, toJsonArray(argv)}, {u"summary"_s, argv.join(u' ')}};
}

QCoro::Task<QJsonObject> PreviewWorkflow::startDevServer()
{
    if (m_server) {
        co_await m_server->stop();
        m_server.reset();
    }
    m_devPort = 0;
    const int port = co_await m_provider.allocatePort(m_sandboxId, m_plan->expectedPort);
    const bool production = m_request.mode == RunMode::Production && !m_plan->startCommand.isEmpty();
    if ((production ? m_plan->startCommand : m_plan->devCommand).isEmpty()) {
        throw Failure::permanent(
            u"The run plan has no command to start the project."_s,
            u"Add a dev command (or a start command for production mode) to the run plan."_s);
    }
    co_await ensureToolchain(StepId::StartDevServer);

    // A dev server that checks the Host or Origin of the preview's requests (Next.js, the Vite
    // family, webpack-dev-server...) runs behind the proxy of DevServerProxy.h, which says why: the
    // preview's port goes to the proxy, the dev server gets the next free one.
    int devPort = port;
    if (usesDevServerProxy(m_plan->framework, m_request.mode)) {
        const bool nodeRuns = co_await canRunDevServerProxy();
        if (nodeRuns)
            devPort = co_await m_provider.allocatePort(m_sandboxId, port + 1);
    }
    const bool proxied = devPort != port;
    const RunPlan plan = m_plan->withPort(devPort);
    const QStringList argv = production ? plan.startCommand : plan.devCommand;
    emitNote(StepId::StartDevServer, OutputChannel::Stdout, u"$ "_s + m_redactor.redact(argv.join(u' ')));

    // Behind a preview proxy the server sees the proxy's host name; tell host-checking servers about it.
    const PreviewEndpoint planned = co_await m_provider.previewEndpoint(m_sandboxId, port);
    const QMap<QString, QString> environment =
        mergedInto(plan.environment, previewHostEnvironment(planned.url, plan.framework));
    QStringList served = argv;
    if (proxied) {
        // Locally the port is on this machine's 127.0.0.1, where a page of another site can reach it
        // under its own host name (DNS rebinding): only the preview's own host is vouched for there.
        const ProxyHosts hosts = m_provider.kind() == u"local"_s ? ProxyHosts::Listed : ProxyHosts::Any;
        served = devServerProxyCommand(port, devPort, hosts, previewOrigins(planned.url), argv);
        m_devPort = devPort;
        emitNote(StepId::StartDevServer, OutputChannel::Stdout,
                 u"The dev server listens on port %1 inside the sandbox, behind Forge's preview proxy on "
                 u"port %2, which presents the preview's requests to it as its own (localhost) so that "
                 u"its host and origin checks let hot reload through; nothing in the repository is "
                 u"changed."_s.arg(devPort)
                     .arg(port));
    }
    CommandSpec serve = planCommand(EnvironmentStep::Run, served, plan.projectDirectory, environment,
                                    std::chrono::milliseconds(0));
    serve.exposedPorts = {port};
    m_server = co_await m_provider.startBackground(m_sandboxId, serve);
    m_serverReady.reset();
    m_serverPortInUse = false;
    m_serverOutput =
        std::make_unique<StepOutput>(m_redactor, [this](OutputChannel channel, const ScannedLine& line) {
            if (line.hint == ScannedLine::Hint::Ready && !m_serverReady)
                m_serverReady = line;
            if (line.hint == ScannedLine::Hint::PortInUse)
                m_serverPortInUse = true;
            emitLine(StepId::StartDevServer, channel, line);
        });
    connect(m_server.get(), &BackgroundProcess::output, this,
            [this](OutputChannel channel, const QByteArray& bytes) { m_serverOutput->feed(channel, bytes); });
    connect(m_server.get(), &BackgroundProcess::finished, this, [this] {
        m_serverOutput->finish();
        if (m_ready) {
            m_ready = false;
            Q_EMIT serverExited(m_server->result().exitCode);
        }
    });

    const int servingPort = co_await waitUntilServing(port);
    co_return QJsonObject{
        {u"port"_s, servingPort},
        {u"command"_s, toJsonArray(argv)},
        {u"devPort"_s, proxied ? devPort : servingPort},
        {u"summary"_s, u"answering on port %1"_s.arg(servingPort)},
    };
}

// Readiness = an HTTP answer on the port, guided by the output scanner's ready line (which names
// the port the server really took, e.g. when Vite moves on from a taken port). Probes back off from
// 250 ms to 2 s and wake at once when the server exits. Never a fixed sleep.
QCoro::Task<int> PreviewWorkflow::waitUntilServing(int port)
{
    QElapsedTimer waited;
    waited.start();
    const QDeadlineTimer deadline(m_request.readyTimeout);
    auto delay = 250ms;
    int lastStatus = 0;
    QElapsedTimer unreachableSince; // since the port listens in the sandbox but the proxy gets no answer
    for (;;) {
        throwIfCancelled();
        const int probePort = portToProbe(m_serverReady, port, m_devPort != 0);
        const PreviewEndpoint endpoint = co_await m_provider.previewEndpoint(m_sandboxId, probePort);
        const ReadinessProbe::Result probe = co_await m_probe.probe(endpoint, 2s);
        throwIfCancelled();
        if (probe.outcome == ReadinessProbe::Outcome::Answered)
            co_return probePort;
        if (probe.outcome == ReadinessProbe::Outcome::HostBlocked) {
            m_serverOutput->finish();
            // The refusal names the host the server saw (Vite quotes it); that is the one to allow.
            static const QRegularExpression quotedHost(u"\\(\"([^\"]+)\"\\)"_s);
            const QString seen = quotedHost.match(probe.detail).captured(1);
            throw FailureAdvice::previewHostBlocked(seen.isEmpty() ? endpoint.url.host() : seen, probe.detail,
                                                    m_serverOutput->evidence());
        }
        if (probe.outcome == ReadinessProbe::Outcome::SignInRequired) {
            m_serverOutput->finish();
            throw FailureAdvice::previewSignInRequired(probe.detail, m_serverOutput->evidence());
        }
        lastStatus = probe.httpStatus;
        // The proxy gets no answer (502) while the sandbox says the port is taken: after the server
        // said it is ready, it is bound to an address the proxy does not reach or does not speak
        // HTTP (FailureAdvice::devServerNotReady). Say so without the full wait.
        if (lastStatus == 502 && m_serverReady) {
            const std::optional<QList<int>> ports = co_await m_provider.listeningPorts(m_sandboxId);
            if (ports && ports->contains(probePort)) {
                if (!unreachableSince.isValid())
                    unreachableSince.start();
                if (unreachableSince.elapsed() > UnreachableGraceMs) {
                    FailureAdvice::NotReadyEvidence evidence;
                    evidence.port = probePort;
                    evidence.waited = std::chrono::milliseconds(waited.elapsed());
                    evidence.sawReadyLine = true;
                    evidence.proxyStatus = lastStatus;
                    evidence.sandboxPorts = ports;
                    throw FailureAdvice::devServerNotReady(evidence, m_serverOutput->evidence());
                }
            }
        }

        if (!m_server->isRunning()) {
            m_serverOutput->finish();
            if (const std::optional<ExpectedVariable> missing = missingVariableIn(m_serverOutput->evidence()))
                throw FailureAdvice::devServerNeedsVariable(missing->name, missing->hint,
                                                            m_serverOutput->evidence());
            throw FailureAdvice::devServerExited(m_server->result(), m_serverOutput->evidence(),
                                                 m_serverPortInUse, probePort);
        }
        if (deadline.hasExpired()) {
            FailureAdvice::NotReadyEvidence evidence;
            evidence.port = probePort;
            evidence.waited = std::chrono::milliseconds(waited.elapsed());
            evidence.sawReadyLine = m_serverReady.has_value();
            if (m_serverReady) {
                evidence.announcedPort = m_serverReady->readyPort;
                evidence.announcedHost = m_serverReady->readyHost;
            }
            evidence.proxyStatus = lastStatus;
            evidence.sandboxPorts = co_await m_provider.listeningPorts(m_sandboxId);
            if (!evidence.sandboxPorts) {
                // The sandbox shares this machine's network: ask the port directly.
                evidence.listeningOnLoopback =
                    co_await ReadinessProbe::acceptsConnections(u"127.0.0.1"_s, probePort, 1s);
                if (!evidence.listeningOnLoopback)
                    evidence.listeningOnIpv6Only =
                        co_await ReadinessProbe::acceptsConnections(u"::1"_s, probePort, 1s);
            }
            throw FailureAdvice::devServerNotReady(evidence, m_serverOutput->evidence());
        }
        co_await waitForSignal(m_server.get(), &BackgroundProcess::finished, delay);
        delay = std::min<std::chrono::milliseconds>(delay * 3 / 2, 2s);
    }
}

QCoro::Task<QJsonObject> PreviewWorkflow::publishPreview()
{
    const PreviewEndpoint endpoint = co_await m_provider.previewEndpoint(m_sandboxId, m_port);
    co_return QJsonObject{{u"url"_s, endpoint.url.toString()}, {u"summary"_s, endpoint.url.toString()}};
}

} // namespace forge
