#include "PreviewCommand.h"

#include "app/AppContext.h"
#include "core/Detached.h"
#include "core/SandboxIsolation.h"
#include "sandbox/LocalProvider.h"
#include "sandbox/daytona/DaytonaProvider.h"
#include "secrets/ProjectSecrets.h"
#include "store/RunStore.h"
#include "workflow/PreviewWorkflow.h"
#include "workflow/ProjectSession.h"
#include "workflow/StepJournal.h"

#include <QCoroSignal>
#include <QDateTime>

using namespace Qt::StringLiterals;

namespace forge::cli {

namespace {

int exitCodeFor(StepId step)
{
    switch (step) {
    case StepId::CreateSandbox:
        return ExitSandboxFailed;
    case StepId::CloneRepository:
        return ExitCloneFailed;
    case StepId::DetectFramework:
        return ExitNothingRunnable;
    case StepId::InstallDependencies:
        return ExitInstallFailed;
    case StepId::BuildProject:
        return ExitBuildFailed;
    case StepId::StartDevServer:
        return ExitServerFailed;
    case StepId::PublishPreview:
        return ExitPublishFailed;
    }
    return ExitInternalError;
}

// What the workflow is asked to do, from the command line (and the token for the repository's host).
PreviewRequest previewRequestFor(const CliOptions& options, const GitHubCredentials& gitHub)
{
    PreviewRequest request;
    request.repository = options.repository;
    request.branch = options.branch;
    request.workingCopy = options.workingCopy;
    request.mode = options.mode;
    request.projectId = PreviewRequest::projectIdFor(options.repository, options.branch);
    request.readyTimeout = std::chrono::seconds(options.readyTimeoutSeconds);
    request.useInstallCache = options.useInstallCache;
    request.nodeVersion = options.nodeVersion;
    request.packageManager = options.packageManager;
    if (options.repository.isRemote())
        request.authToken = gitHub.tokenFor(options.repository.url());
    return request;
}

// The workflow's steps, their output (also into the run's log) and its plan and notices, reported
// as they happen.
void reportProgress(PreviewWorkflow& workflow, QObject* receiver, CliReporter& reporter,
                    RunRecorder& recorder)
{
    QObject::connect(&workflow, &PreviewWorkflow::stepStarted, receiver,
                     [&reporter](StepId step, int attempt) { reporter.stepStarted(step, attempt); });
    QObject::connect(&workflow, &PreviewWorkflow::stepOutput, receiver,
                     [&reporter, &recorder](StepId step, OutputChannel channel, const QString& line) {
                         reporter.stepOutput(step, channel, line);
                         recorder.appendLog(step, channel, line);
                     });
    QObject::connect(&workflow, &PreviewWorkflow::stepRestored, receiver,
                     [&reporter](StepId step, StepStatus status, const QString& summary) {
                         reporter.stepRestored(step, status, summary);
                     });
    QObject::connect(&workflow, &PreviewWorkflow::stepRetrying, receiver,
                     [&reporter](StepId step, int attempt, qint64 delay, const QString& reason) {
                         reporter.stepRetrying(step, attempt, delay, reason);
                     });
    QObject::connect(&workflow, &PreviewWorkflow::stepFinished, receiver,
                     [&reporter](StepId step, StepStatus status, qint64 ms, const QString& summary) {
                         reporter.stepFinished(step, status, ms, summary);
                     });
    QObject::connect(&workflow, &PreviewWorkflow::planReady, receiver,
                     [&reporter](const RunPlan& plan) { reporter.plan(plan); });
    QObject::connect(&workflow, &PreviewWorkflow::toolchainReady, receiver,
                     [&reporter](const ToolchainChoice& toolchain) { reporter.toolchain(toolchain); });
    QObject::connect(&workflow, &PreviewWorkflow::notice, receiver,
                     [&reporter](const QString& message) { reporter.notice(message); });
}

} // namespace

PreviewCommand::PreviewCommand(CliOptions options, AppContext& context, SandboxProvider& provider,
                               QObject* parent)
    : QObject(parent)
    , m_options(std::move(options))
    , m_context(context)
    , m_provider(provider)
    , m_reporter(m_options.json, stdout, stderr)
{}

PreviewCommand::~PreviewCommand() = default;

void PreviewCommand::interrupt()
{
    m_interrupted = true;
    if (m_workflow && !m_workflow->isServing()) {
        // Still building: stopping the sandbox makes the running step end; run() then returns.
        forge::detach(m_workflow->stop(), this, "stopping the building preview");
    }
    Q_EMIT finishRequested();
}

void PreviewCommand::startRecording(const Project& project)
{
    // The project row first: runs belong to a project.
    const StoreResult<> added = m_context.addProjectIfMissing(project);
    m_recordProblem = added.message();
    RunStore* runs = added.ok() ? m_context.runs() : nullptr;
    m_recorder = std::make_unique<RunRecorder>(runs, project.id);
    if (runs && !m_recorder->isDurable())
        m_recordProblem = runs->lastError();
}

QCoro::Task<int> PreviewCommand::run()
{
    Project project = newProject(m_options.repository, m_options.branch, m_options.mode);
    project.backend = backendFromString(m_options.provider).value_or(Backend::Local);
    // The command line says which, with --working-copy; the desktop app's default does not apply.
    project.source = m_options.workingCopy ? ProjectSource::WorkingCopy : ProjectSource::Branch;
    // Before the run is recorded: a run that cannot have its secrets does not begin.
    auto lookup = environmentFor(project.id);
    const std::optional<ProjectEnvironment> environment = co_await std::move(lookup);
    if (!environment)
        co_return ExitUsage;
    startRecording(project);
    PreviewRequest request = previewRequestFor(m_options, m_gitHub);
    request.environment = *environment;

    m_workflow = std::make_unique<PreviewWorkflow>(m_provider, m_recorder->journal(), request);
    PreviewWorkflow* workflow = m_workflow.get();
    reportProgress(*workflow, this, m_reporter, *m_recorder);
    connect(workflow, &PreviewWorkflow::serverExited, this, [this](int exitCode) {
        m_serverDied = true;
        m_reporter.serverExited(exitCode);
        Q_EMIT finishRequested();
    });
    reportStart(!request.authToken.isEmpty());
    if (!request.environment.isEmpty()) {
        m_reporter.notice(u"Environment: %1 (the values of secrets are never printed)."_s.arg(
            request.environment.names().join(u", "_s)));
    }

    std::optional<StepFailure> failure;
    try {
        const QUrl url = co_await workflow->run();
        m_recorder->finish(u"succeeded"_s);
        m_reporter.ready(url, m_options.exitWhenReady);
        // The token is never printed; say how the preview can be opened instead.
        if (workflow->previewEndpoint().headers.contains("x-daytona-preview-token")) {
            m_reporter.notice(
                u"The preview is private: members of the Daytona organization can open it in a browser "
                u"after signing in to Daytona (the link asks them to); others need a link from "
                u"--signed-url MINUTES, or run with --public. Forge Preview opens it with its token."_s);
            if (m_options.signedUrlMinutes > 0)
                co_await reportSignedUrl(*workflow);
        }
    } catch (const StepFailure& caught) {
        failure = caught;
        // This computer cannot isolate the sandbox: what to install, and how to run without it here.
        if (SandboxIsolation::isUnavailable(caught)) {
            failure = StepFailure(caught.step(),
                                  SandboxIsolation::withChoice(
                                      caught, u"Or, only for a repository you trust, run again with "
                                              u"--no-isolation: its code then runs as you, with access to "
                                              u"your files, tokens and network."_s));
        }
    }

    int exitCode = ExitOk;
    if (failure) {
        if (failure->isCancelled() || m_interrupted) {
            m_recorder->finish(u"cancelled"_s, failure);
            exitCode = ExitInterrupted;
        } else {
            m_recorder->finish(u"failed"_s, failure);
            m_reporter.failed(*failure);
            exitCode = exitCodeFor(failure->step());
        }
    } else if (!m_options.exitWhenReady && !m_interrupted) {
        co_await qCoro(this, &PreviewCommand::finishRequested);
        if (m_serverDied && !m_interrupted)
            exitCode = ExitServerExited;
    }

    m_reporter.stopping();
    co_await workflow->stop();
    m_reporter.stopped(exitCode);
    co_return exitCode;
}

QCoro::Task<std::optional<ProjectEnvironment>> PreviewCommand::environmentFor(QString projectId)
{
    ProjectEnvironment environment;
    if (const Project* stored = m_context.projectStore().find(projectId))
        environment = stored->environment;
    if (!environment.secretNames().isEmpty()) {
        ProjectSecrets secrets(m_context.secrets());
        const ResolvedEnvironment resolved = co_await secrets.resolve(projectId, environment);
        if (!resolved.problem.isEmpty()) {
            m_reporter.failed(StepFailure(
                StepId::CreateSandbox,
                Failure::permanent(resolved.problem, u"Unlock the keychain (or start it) and run again."_s)));
            co_return std::nullopt;
        }
        environment = resolved.environment;
    }
    for (const EnvironmentVariable& variable : m_options.environment.variables)
        environment.set(variable);
    co_return environment;
}

void PreviewCommand::reportStart(bool withToken)
{
    if (m_options.environmentInArguments) {
        m_reporter.notice(u"--env puts its value on the command line, which every user of this computer can "
                          u"read while the program runs; give secrets with --env-file instead."_s);
    }
    m_reporter.started(m_options.repository, m_options.branch, m_options.workingCopy, m_options.mode,
                       m_options.provider);
    if (!m_options.isolation) {
        m_reporter.notice(u"Running without isolation (--no-isolation): the repository's code runs as you, "
                          u"with access to your files, tokens and network. Use it only for a repository "
                          u"you trust."_s);
    }
    if (!m_context.setAsideNotice().isEmpty())
        m_reporter.notice(m_context.setAsideNotice());
    if (!m_recordProblem.isEmpty())
        m_reporter.notice(u"This run is not remembered, so it cannot be continued if interrupted: %1"_s.arg(
            m_recordProblem));
    if (m_recorder->isResuming())
        m_reporter.notice(
            u"Continuing the interrupted run of this project: finished steps are not repeated."_s);
    if (!m_gitHub.problem.isEmpty())
        m_reporter.notice(m_gitHub.problem);
    if (withToken)
        m_reporter.notice(u"Cloning with the GitHub token from %1 (sent to %2 only)."_s.arg(
            m_gitHub.source, m_gitHub.host.name()));
}

QCoro::Task<> PreviewCommand::reportSignedUrl(const PreviewWorkflow& workflow)
{
    auto* daytona = qobject_cast<DaytonaProvider*>(&m_provider);
    if (!daytona)
        co_return; // --signed-url is refused for other back ends when the options are read
    const std::chrono::minutes validFor(m_options.signedUrlMinutes);
    try {
        const QUrl url = co_await daytona->signedPreviewUrl(workflow.sandboxId(), workflow.port(), validFor);
        const QDateTime expires = QDateTime::currentDateTime().addSecs(validFor.count() * 60);
        m_reporter.signedUrl(url, expires);
    } catch (const Failure& failure) {
        m_reporter.notice(
            u"Could not make a signed preview link: %1 %2"_s.arg(failure.message(), failure.advice()));
    }
}

} // namespace forge::cli
