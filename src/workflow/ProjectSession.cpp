#include "ProjectSession.h"

#include "PreviewWorkflow.h"
#include "RunQueue.h"
#include "RunRecorder.h"
#include "StepJournal.h"

#include <QCoroSignal>
#include <QDateTime>
#include <QDir>
#include <QPointer>

using namespace Qt::StringLiterals;

namespace forge {

QString toString(ProjectStatus status)
{
    switch (status) {
    case ProjectStatus::Stopped:
        return u"stopped"_s;
    case ProjectStatus::Queued:
        return u"queued"_s;
    case ProjectStatus::Building:
        return u"building"_s;
    case ProjectStatus::Live:
        return u"live"_s;
    case ProjectStatus::Failed:
        return u"failed"_s;
    }
    return u"stopped"_s;
}

Project newProject(const RepoRef& repository, const QString& branch, RunMode mode)
{
    Project project;
    project.repository = repository.canonical();
    project.branch = branch;
    project.mode = mode;
    project.id = PreviewRequest::projectIdFor(repository, branch);
    project.added = QDateTime::currentDateTimeUtc();
    return project;
}

ProjectSession::ProjectSession(SandboxProvider& provider, Project project, QObject* parent)
    : QObject(parent)
    , m_provider(provider)
    , m_project(std::move(project))
    , m_plan(m_project.plan)
{}

ProjectSession::~ProjectSession()
{
    // The window waits for runEnded() before it lets a session go; a run still going here would
    // outlive this object.
    Q_ASSERT(!m_running);
}

void ProjectSession::setProject(const Project& project)
{
    m_project = project;
    if (!m_running && project.plan)
        m_plan = project.plan;
}

void ProjectSession::start()
{
    if (m_running) {
        if (m_stopRequested)
            m_restartRequested = true; // start again once the stop has finished
        return;
    }
    m_running = true;
    m_stopRequested = false;
    m_failure.reset();
    m_currentStep.reset();
    m_previewEndpoint = {};
    m_serverExitCode.reset();
    setStatus(ProjectStatus::Queued);
    Q_EMIT runStarted();
    QCoro::connect(runOnce(), this, [] {});
}

void ProjectSession::stop()
{
    if (!m_running || m_stopRequested)
        return;
    m_stopRequested = true;
    m_restartRequested = false;
    if (m_queue)
        m_queue->cancel(this); // still waiting for its turn: give it up
    if (m_status == ProjectStatus::Live) {
        Q_EMIT finishRequested();
    } else if (m_workflow) {
        // Still building: stopping the sandbox ends the running step, and run() then throws.
        QCoro::connect(m_workflow->stop(), this, [] {});
    }
}

void ProjectSession::restart()
{
    if (!m_running) {
        start();
        return;
    }
    stop();
    m_restartRequested = true;
}

QCoro::Task<> ProjectSession::runOnce()
{
    const auto parsed = RepoRef::parse(m_project.repository, QDir::currentPath());
    if (const auto* error = std::get_if<RepoRefError>(&parsed)) {
        m_failure = StepFailure(StepId::CloneRepository, Failure::permanent(error->message, error->advice));
        setStatus(ProjectStatus::Failed);
        Q_EMIT failed(*m_failure);
        m_running = false;
        Q_EMIT runEnded();
        co_return;
    }

    QPointer<ProjectSession> self(this);
    RunQueue::Ticket ticket;
    if (m_queue) {
        auto acquire = m_queue->acquire(this);
        ticket = co_await std::move(acquire);
        if (!self)
            co_return;
        if (!ticket) { // stopped while waiting for its turn
            endWithoutRunning();
            co_return;
        }
    }

    PreviewRequest request;
    request.repository = std::get<RepoRef>(parsed);
    request.branch = m_project.branch;
    request.mode = m_project.mode;
    request.projectId = m_project.id;
    request.plan = m_project.plan;
    m_plan = m_project.plan;
    if (m_credentialLookup && request.repository.isRemote()) {
        // Bound to a local first: GCC 12 destroys a temporary task inside co_await twice.
        auto lookup = m_credentialLookup(request.repository.url());
        const CloneCredentials credentials = co_await std::move(lookup);
        if (!self)
            co_return;
        request.authToken = credentials.token;
        if (!credentials.problem.isEmpty())
            Q_EMIT notice(credentials.problem);
        if (m_stopRequested) {
            endWithoutRunning();
            co_return;
        }
    }

    // A new run does every step again (the sandbox itself is adopted by its label); a run the app
    // did not live to finish is continued instead, its finished steps read back from the journal.
    m_workflow.reset();
    m_recorder = std::make_unique<RunRecorder>(m_runStore, m_project.id);
    if (m_recorder->isResuming())
        Q_EMIT notice(tr("Continuing the run that was interrupted when Forge Preview last closed: finished "
                         "steps are not repeated."));
    m_workflow = std::make_unique<PreviewWorkflow>(m_provider, m_recorder->journal(), request);
    PreviewWorkflow* workflow = m_workflow.get();
    connectWorkflow(workflow);

    std::optional<StepFailure> failure;
    try {
        const QUrl url = co_await workflow->run();
        m_recorder->finish(u"succeeded"_s);
        m_previewEndpoint = workflow->previewEndpoint();
        m_currentStep.reset();
        setStatus(ProjectStatus::Live);
        Q_EMIT previewReady(url);
    } catch (const StepFailure& caught) {
        failure = caught;
        m_recorder->finish(caught.isCancelled() || m_stopRequested ? u"cancelled"_s : u"failed"_s, caught);
    }
    ticket.reset(); // the build is over (live or failed): the next queued run may start

    if (!failure && !m_stopRequested)
        co_await qCoro(this, &ProjectSession::finishRequested);

    if (!m_stopRequested) {
        if (!failure && m_serverExitCode) {
            failure = StepFailure(
                StepId::StartDevServer,
                Failure::permanent(u"The dev server stopped (exit code %1) while the preview was open."_s.arg(
                                       *m_serverExitCode),
                                   u"Look at the end of the Start dev server log for the cause, then run "
                                   u"the project again."_s));
        }
        if (failure && !failure->isCancelled()) {
            m_failure = failure;
            setStatus(ProjectStatus::Failed);
            Q_EMIT failed(*failure);
        }
    }
    co_await workflow->stop();
    if (m_stopRequested || (failure && failure->isCancelled()))
        setStatus(ProjectStatus::Stopped);
    m_currentStep.reset();
    m_running = false;
    m_stopRequested = false;
    Q_EMIT runEnded();
    if (m_restartRequested) {
        m_restartRequested = false;
        start();
    }
}

void ProjectSession::endWithoutRunning()
{
    setStatus(ProjectStatus::Stopped);
    m_running = false;
    m_stopRequested = false;
    Q_EMIT runEnded();
    if (std::exchange(m_restartRequested, false))
        start();
}

void ProjectSession::setStatus(ProjectStatus status)
{
    if (m_status == status)
        return;
    m_status = status;
    Q_EMIT statusChanged(status);
}

void ProjectSession::connectWorkflow(PreviewWorkflow* workflow)
{
    connect(workflow, &PreviewWorkflow::stepStarted, this, [this](StepId step, int attempt) {
        m_currentStep = step;
        if (m_status == ProjectStatus::Queued)
            setStatus(ProjectStatus::Building);
        Q_EMIT stepStarted(step, attempt);
    });
    connect(workflow, &PreviewWorkflow::stepOutput, this, &ProjectSession::stepOutput);
    connect(
        workflow, &PreviewWorkflow::stepOutput, this,
        [this](StepId step, OutputChannel channel, const QString& line, const QString& styled, bool isError) {
            if (m_recorder)
                m_recorder->appendLog(step, channel, line, styled, isError);
        });
    connect(workflow, &PreviewWorkflow::stepRestored, this, &ProjectSession::stepRestored);
    connect(workflow, &PreviewWorkflow::stepRetrying, this, &ProjectSession::stepRetrying);
    connect(workflow, &PreviewWorkflow::stepFinished, this, &ProjectSession::stepFinished);
    connect(workflow, &PreviewWorkflow::planReady, this, [this](const RunPlan& plan) {
        m_plan = plan;
        Q_EMIT planReady(plan);
    });
    connect(workflow, &PreviewWorkflow::notice, this, &ProjectSession::notice);
    connect(workflow, &PreviewWorkflow::serverExited, this, [this](int exitCode) {
        m_serverExitCode = exitCode;
        Q_EMIT finishRequested();
    });
}

} // namespace forge
