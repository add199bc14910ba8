#include "PreviewCommand.h"

#include "app/AppContext.h"
#include "core/Detached.h"
#include "core/SandboxIsolation.h"
#include "sandbox/LocalProvider.h"
#include "sandbox/daytona/DaytonaProvider.h"
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
    startRecording(project);
    PreviewRequest request;
    request.repository = m_options.repository;
    request.branch = m_options.branch;
    request.mode = m_options.mode;
    request.projectId = PreviewRequest::projectIdFor(m_options.repository, m_options.branch);
    request.readyTimeout = std::chrono::seconds(m_options.readyTimeoutSeconds);
    request.useInstallCache = m_options.useInstallCache;
    if (m_options.repository.isRemote())
        request.authToken = m_gitHub.tokenFor(m_options.repository.url());

    m_workflow = std::make_unique<PreviewWorkflow>(m_provider, m_recorder->journal(), request);
    PreviewWorkflow* workflow = m_workflow.get();
    connect(workflow, &PreviewWorkflow::stepStarted, this,
            [this](StepId step, int attempt) { m_reporter.stepStarted(step, attempt); });
    connect(workflow, &PreviewWorkflow::stepOutput, this,
            [this](StepId step, OutputChannel channel, const QString& line) {
                m_reporter.stepOutput(step, channel, line);
                m_recorder->appendLog(step, channel, line);
            });
    connect(workflow, &PreviewWorkflow::stepRestored, this,
            [this](StepId step, StepStatus status, const QString& summary) {
                m_reporter.stepRestored(step, status, summary);
            });
    connect(workflow, &PreviewWorkflow::stepRetrying, this,
            [this](StepId step, int attempt, qint64 delay, const QString& reason) {
                m_reporter.stepRetrying(step, attempt, delay, reason);
            });
    connect(workflow, &PreviewWorkflow::stepFinished, this,
            [this](StepId step, StepStatus status, qint64 ms, const QString& summary) {
                m_reporter.stepFinished(step, status, ms, summary);
            });
    connect(workflow, &PreviewWorkflow::planReady, this,
            [this](const RunPlan& plan) { m_reporter.plan(plan); });
    connect(workflow, &PreviewWorkflow::notice, this,
            [this](const QString& message) { m_reporter.notice(message); });
    connect(workflow, &PreviewWorkflow::serverExited, this, [this](int exitCode) {
        m_serverDied = true;
        m_reporter.serverExited(exitCode);
        Q_EMIT finishRequested();
    });

    m_reporter.started(m_options.repository, m_options.branch, m_options.mode, m_options.provider);
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
    if (!request.authToken.isEmpty())
        m_reporter.notice(u"Cloning with the GitHub token from %1 (sent to %2 only)."_s.arg(
            m_gitHub.source, m_gitHub.host.name()));

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
