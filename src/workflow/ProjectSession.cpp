#include "ProjectSession.h"

#include "PreviewWorkflow.h"
#include "PullRequestUpdate.h"
#include "RunQueue.h"
#include "RunRecorder.h"
#include "StepJournal.h"
#include "WorkingCopySync.h"
#include "core/Detached.h"
#include "core/SignalWait.h"

#include <QCoroSignal>
#include <QDateTime>
#include <QDir>
#include <QJsonObject>
#include <QPointer>

using namespace Qt::StringLiterals;

namespace forge {

namespace {

// Thrown out of a restore or update whose session was destroyed while it waited; caught at its top, where
// nothing of the session is touched any more.
struct SessionGone
{
};

} // namespace

Project newProject(const RepoRef& repository, const QString& branch, RunMode mode)
{
    Project project;
    project.repository = repository.address();
    project.branch = branch;
    // A folder opened at a named branch previews that branch; without one, what is on disk now.
    // Remote repositories have no working copy.
    project.source =
        repository.isRemote() || !branch.isEmpty() ? ProjectSource::Branch : ProjectSource::WorkingCopy;
    project.mode = mode;
    // Not part of the id: a folder's working copy and its branch are one project, switched between.
    project.source = repository.isRemote() ? ProjectSource::Branch : ProjectSource::WorkingCopy;
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
    detach(runOnce(), this, "the project's run");
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
        detach(m_workflow->stop(), this, "stopping the building preview");
    }
}

void ProjectSession::startFromDevServer()
{
    if (m_running)
        return;
    m_fromDevServer = true;
    start();
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
    const std::optional<RepoRef> repository = repositoryForRun();
    if (!repository)
        co_return;

    QPointer<ProjectSession> self(this);
    auto lookup = environmentForRun();
    const std::optional<ProjectEnvironment> environment = co_await std::move(lookup);
    if (!self || !environment)
        co_return;
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

    PreviewRequest request = requestFor(*repository, *environment);
    if (m_credentialLookup && request.repository.isRemote()) {
        // Bound to a local first: GCC 12 destroys a temporary task inside co_await twice.
        auto credentialLookup = m_credentialLookup(request.repository.url());
        const CloneCredentials credentials = co_await std::move(credentialLookup);
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

    PreviewWorkflow* workflow = beginWorkflow(request);
    std::optional<StepFailure> failure;
    try {
        const QUrl url = co_await workflow->run();
        m_recorder->finish(u"succeeded"_s);
        m_previewEndpoint = workflow->previewEndpoint();
        m_currentStep.reset();
        setStatus(ProjectStatus::Live);
        keepWorkingCopyInSync(*workflow);
        Q_EMIT previewReady(url);
    } catch (const StepFailure& caught) {
        failure = caught;
        m_recorder->finish(caught.isCancelled() || m_stopRequested ? u"cancelled"_s : u"failed"_s, caught);
    }
    ticket.reset(); // the build is over (live or failed): the next queued run may start

    // waitForSignal, not qCoro(this, &finishRequested): that can be emitted twice in one event-loop
    // pass (setManaged(false) with a dead dev server, then stop()), and QCoro 0.8 would queue two
    // resumptions of this frame, the second into a finished coroutine.
    constexpr std::chrono::milliseconds NoLimit{-1};
    if (!failure && !m_stopRequested)
        co_await waitForSignal(this, &ProjectSession::finishRequested, NoLimit);
    co_await endRun(std::move(failure));
}

std::optional<RepoRef> ProjectSession::repositoryForRun()
{
    auto parsed = RepoRef::parse(m_project.repository, QDir::currentPath());
    if (auto* repository = std::get_if<RepoRef>(&parsed))
        return std::move(*repository);
    const auto& error = std::get<RepoRefError>(parsed);
    failBeforeWorkflow(StepFailure(StepId::CloneRepository, Failure::permanent(error.message, error.advice)));
    return std::nullopt;
}

QCoro::Task<std::optional<ProjectEnvironment>> ProjectSession::environmentForRun()
{
    const ProjectEnvironment stored = m_project.environment;
    if (!m_environmentLookup || stored.secretNames().isEmpty())
        co_return stored;
    QPointer<ProjectSession> self(this);
    auto lookup = m_environmentLookup(m_project.id, stored);
    const ResolvedEnvironment resolved = co_await std::move(lookup);
    if (!self)
        co_return std::nullopt;
    if (!resolved.problem.isEmpty()) {
        failBeforeWorkflow(StepFailure(
            StepId::CreateSandbox,
            Failure::permanent(resolved.problem,
                               tr("Unlock the keychain (or start it), then run the project "
                                  "again; or change the secret in the Run Plan's Environment."))));
        co_return std::nullopt;
    }
    co_return resolved.environment;
}

void ProjectSession::failBeforeWorkflow(const StepFailure& failure)
{
    m_failure = failure;
    setStatus(ProjectStatus::Failed);
    Q_EMIT failed(*m_failure);
    m_running = false;
    Q_EMIT runEnded();
}

QCoro::Task<bool> ProjectSession::applyEnvironment(ResolvedEnvironment resolved, bool rebuild)
{
    if (!canRestore() || !resolved.problem.isEmpty())
        co_return false;
    m_request.environment = resolved.environment;
    const bool rebuildFirst = rebuild && m_request.mode == RunMode::Production;
    if (rebuildFirst)
        m_restoreFrom = StepId::BuildProject;
    const QString reason = rebuildFirst
                               ? tr("The environment changed: building again and restarting the server.")
                               : tr("The environment changed: restarting the dev server.");
    co_return co_await restore(RestoreRung::RestartDevServer, reason);
}

QCoro::Task<bool> ProjectSession::updatePullRequest(QString mirrorDirectory)
{
    if (m_request.repository.pullRequest() <= 0 || !canRestore() || m_updating)
        co_return false;
    m_updating = true;
    QPointer<ProjectSession> self(this);
    Q_EMIT pullRequestUpdateStarted();
    std::optional<PullRequestUpdateResult> update;
    std::optional<QString> cause;
    try {
        PullRequestUpdate files(m_provider, sandboxId(), m_request, m_plan.value_or(RunPlan{}));
        update = co_await files.run(mirrorDirectory, m_checkedOutCommit);
        ensureStillWanted(self);
    } catch (const SessionGone&) {
        co_return false;
    } catch (const Failure& failure) {
        cause = redact(failure.message() + u' ' + failure.advice());
    }
    if (!self)
        co_return false;
    m_updating = false;
    if (!update) {
        Q_EMIT pullRequestUpdateFailed(*cause);
        co_return false;
    }
    co_return co_await finishPullRequestUpdate(*update);
}

QCoro::Task<bool> ProjectSession::finishPullRequestUpdate(PullRequestUpdateResult update)
{
    const QString commit = update.head.left(7);
    if (update.head == m_checkedOutCommit) {
        Q_EMIT notice(tr("Pull request #%1 has no new commits: the preview already shows %2.")
                          .arg(m_request.repository.pullRequest())
                          .arg(commit));
        Q_EMIT pullRequestUpdated(update.head, SourceUpdateAction::None);
        co_return true;
    }
    setCheckedOutCommit(update.head, /*record=*/true);
    Q_EMIT notice(tr("Pull request #%1 updated to %2: %3.")
                      .arg(m_request.repository.pullRequest())
                      .arg(commit, update.describeChanges()));
    const std::optional<StepId> rerunFrom = rerunStepFor(update.action);
    if (!rerunFrom) {
        Q_EMIT pullRequestUpdated(update.head, update.action);
        co_return true;
    }
    QPointer<ProjectSession> self(this);
    m_restoreFrom = *rerunFrom;
    const bool restored = co_await restore(
        RestoreRung::RestartDevServer, rerunReason(update.action, update.changes, tr("The pull request")));
    if (!self)
        co_return false;
    if (restored)
        Q_EMIT pullRequestUpdated(update.head, update.action);
    else
        Q_EMIT pullRequestUpdateFailed(tr("The files of %1 are in the sandbox, but the preview did not come "
                                          "back. Run the project again (Run Again).")
                                           .arg(commit));
    co_return restored;
}

std::optional<StepId> ProjectSession::rerunStepFor(SourceUpdateAction action)
{
    switch (action) {
    case SourceUpdateAction::None:
    case SourceUpdateAction::HotReload:
    case SourceUpdateAction::ReloadPage:
        return std::nullopt;
    case SourceUpdateAction::RestartServer:
        return StepId::StartDevServer;
    case SourceUpdateAction::Rebuild:
        return StepId::BuildProject;
    case SourceUpdateAction::Reinstall:
        return StepId::DetectFramework;
    }
    return std::nullopt;
}

QString ProjectSession::rerunReason(SourceUpdateAction action, const QList<SourceChange>& changes,
                                    const QString& changedBy)
{
    switch (action) {
    case SourceUpdateAction::Reinstall:
        return tr("%1 changed: detecting, installing and starting again in the same sandbox.")
            .arg(installInputsAmong(changes).join(u", "_s));
    case SourceUpdateAction::Rebuild:
        return tr("%1 changed files: building again and restarting the server.").arg(changedBy);
    case SourceUpdateAction::RestartServer:
        return tr("%1 changed files the dev server does not reload by itself: restarting it.").arg(changedBy);
    case SourceUpdateAction::None:
    case SourceUpdateAction::HotReload:
    case SourceUpdateAction::ReloadPage:
        break;
    }
    return {};
}

void ProjectSession::setCheckedOutCommit(const QString& commit, bool record)
{
    if (record && m_recorder) {
        // The clone step's result says which commit the workspace holds; a later restore or a
        // reopened run reads it back from there.
        if (const auto entry = m_recorder->journal().entry(StepId::CloneRepository)) {
            QJsonObject result = entry->result;
            result.insert(u"commitId"_s, commit);
            result.insert(u"commit"_s, commit.left(7));
            result.insert(
                u"summary"_s,
                tr("pull request #%1 at %2").arg(m_request.repository.pullRequest()).arg(commit.left(7)));
            m_recorder->journal().recordFinished(StepId::CloneRepository, entry->status, result, {});
        }
    }
    if (m_checkedOutCommit == commit)
        return;
    m_checkedOutCommit = commit;
    Q_EMIT checkedOutCommitChanged(commit);
}

PreviewRequest ProjectSession::requestFor(const RepoRef& repository, const ProjectEnvironment& environment)
{
    PreviewRequest request;
    request.environment = environment;
    request.repository = repository;
    request.branch = m_project.branch;
    request.mode = m_project.mode;
    request.projectId = m_project.id;
    request.plan = m_project.plan;
    // A remote repository has no working copy here: it is cloned at its branch whatever the choice;
    // nor has a folder project opened at a named branch (the working copy is whatever is checked out).
    request.workingCopy = !repository.isRemote() && m_project.branch.isEmpty() &&
                          m_project.source == ProjectSource::WorkingCopy;
    m_plan = m_project.plan;
    setToolchain(std::nullopt); // the new run chooses again (toolchainReady)
    return request;
}

PreviewWorkflow* ProjectSession::beginWorkflow(const PreviewRequest& request)
{
    // A new run does every step again (the sandbox itself is adopted by its label); a run the app
    // did not live to finish is continued instead, its finished steps read back from the journal.
    m_workflow.reset();
    const bool fromDevServer = std::exchange(m_fromDevServer, false);
    m_recorder = std::make_unique<RunRecorder>(m_runStore, m_project.id,
                                               fromDevServer ? RunRecorder::Mode::ReopenLatest
                                                             : RunRecorder::Mode::NewOrResume);
    if (fromDevServer && m_recorder->isResuming()) {
        m_recorder->journal().resetFrom(StepId::StartDevServer);
        Q_EMIT notice(tr("Bringing back the preview that was live when Forge Preview closed: only the dev "
                         "server starts again (the sandbox, the clone and the dependencies are kept)."));
    } else if (m_recorder->isResuming()) {
        Q_EMIT notice(tr("Continuing the run that was interrupted when Forge Preview last closed: finished "
                         "steps are not repeated."));
    }
    m_request = request;
    m_workflow = std::make_unique<PreviewWorkflow>(m_provider, m_recorder->journal(), request);
    connectWorkflow(m_workflow.get());
    return m_workflow.get();
}

QCoro::Task<> ProjectSession::endRun(std::optional<StepFailure> failure)
{
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
    // A restore may have replaced the workflow: stop the current one, which also cancels a
    // restore's run, and wait until that restore has wound down.
    constexpr std::chrono::milliseconds NoLimit{-1};
    co_await m_workflow->stop();
    if (m_restoring) {
        co_await waitForSignal(this, &ProjectSession::restoreEnded, NoLimit);
        co_await m_workflow->stop();
    }
    co_await stopWorkingCopySync();
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

QString ProjectSession::redact(const QString& text) const
{
    return m_workflow ? m_workflow->redact(text) : text;
}

QString ProjectSession::sandboxId() const
{
    return m_workflow ? m_workflow->sandboxId() : QString();
}

void ProjectSession::setManaged(bool managed)
{
    m_managed = managed;
    // No manager any more to restart a dead dev server: the run ends as it did without one.
    if (!managed && m_serverExitCode && m_status == ProjectStatus::Live && !m_restoring && !m_stopRequested)
        Q_EMIT finishRequested();
}

void ProjectSession::ensureStillWanted(const QPointer<ProjectSession>& self)
{
    if (!self)
        throw SessionGone{};
    if (self->m_stopRequested)
        throw Failure::cancelled(u"The preview was stopped."_s);
}

bool ProjectSession::canRestore() const
{
    return m_running && !m_stopRequested && !m_restoring && m_status == ProjectStatus::Live && m_recorder &&
           m_workflow;
}

QCoro::Task<bool> ProjectSession::restore(RestoreRung rung, QString reason)
{
    if (rung == RestoreRung::None || !canRestore())
        co_return false;
    m_restoring = true;
    m_serverExitCode.reset();
    QPointer<ProjectSession> self(this);
    Q_EMIT restoring(reason);

    // The old workflow's dev server is stopped (if it still runs); the new one reads back the
    // steps that still hold and runs the others again.
    std::unique_ptr<PreviewWorkflow> old = replaceWorkflow();
    PreviewWorkflow* workflow = m_workflow.get();
    std::optional<QString> cause;
    std::optional<QUrl> url;
    try {
        co_await old->stopServer();
        ensureStillWanted(self);
        if (rung == RestoreRung::RestoreSandbox)
            co_await reviveSandbox(old->sandboxId());
        else
            m_recorder->journal().resetFrom(
                std::exchange(m_restoreFrom, std::nullopt).value_or(StepId::StartDevServer));
        url = co_await workflow->run();
        ensureStillWanted(self);
    } catch (const SessionGone&) {
        co_return false;
    } catch (const StepFailure& failure) {
        cause = u"%1: %2"_s.arg(stepTitle(failure.step()), failure.message());
    } catch (const Failure& failure) {
        cause = failure.message();
    }
    if (!self)
        co_return false;
    co_return endRestore(*workflow, url, cause);
}

std::unique_ptr<PreviewWorkflow> ProjectSession::replaceWorkflow()
{
    std::unique_ptr<PreviewWorkflow> old = std::move(m_workflow);
    old->disconnect(this);
    m_workflow = std::make_unique<PreviewWorkflow>(m_provider, m_recorder->journal(), m_request);
    connectWorkflow(m_workflow.get());
    return old;
}

QCoro::Task<> ProjectSession::reviveSandbox(QString sandboxId)
{
    QPointer<ProjectSession> self(this);
    SandboxInfo sandbox;
    sandbox.state = SandboxState::Gone;
    if (!sandboxId.isEmpty()) {
        sandbox = co_await m_provider.getSandbox(sandboxId);
        ensureStillWanted(self);
    }
    if (sandbox.state == SandboxState::Gone) {
        Q_EMIT notice(tr("The sandbox is gone: making a new one and running every step again."));
        m_recorder->journal().resetFrom(StepId::CreateSandbox);
        co_return;
    }
    if (sandbox.state != SandboxState::Started) {
        // Stopped or archived: started; in a recoverable error: recovered.
        Q_EMIT notice(tr("Starting the sandbox again (it was %1).").arg(toString(sandbox.state)));
        co_await m_provider.startSandbox(sandboxId);
        ensureStillWanted(self);
    }
    m_recorder->journal().resetFrom(StepId::StartDevServer);
}

bool ProjectSession::endRestore(PreviewWorkflow& workflow, const std::optional<QUrl>& url,
                                const std::optional<QString>& cause)
{
    m_currentStep.reset();
    m_restoring = false;
    if (url && !m_stopRequested) {
        m_previewEndpoint = workflow.previewEndpoint();
        m_failure.reset();
        // A sandbox made anew got a new copy from its clone step; one kept goes on with its sync.
        keepWorkingCopyInSync(workflow);
        const QUrl& restoredUrl = *url; // the caller's (restore()'s) own, alive until it returns
        Q_EMIT previewReady(restoredUrl);
        Q_EMIT restored(restoredUrl);
        Q_EMIT restoreEnded();
        return true;
    }
    if (!m_stopRequested)
        Q_EMIT restoreFailed(cause.value_or(tr("The preview was stopped.")));
    Q_EMIT restoreEnded();
    return false;
}

void ProjectSession::setStatus(ProjectStatus status)
{
    if (m_status == status)
        return;
    m_status = status;
    Q_EMIT statusChanged(status);
}

void ProjectSession::setToolchain(const std::optional<ToolchainChoice>& toolchain)
{
    if (m_toolchain == toolchain)
        return;
    m_toolchain = toolchain;
    Q_EMIT toolchainChanged();
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
    connect(workflow, &PreviewWorkflow::cloned, this,
            [this](const QString& commitId) { setCheckedOutCommit(commitId, /*record=*/false); });
    connect(workflow, &PreviewWorkflow::stepRetrying, this, &ProjectSession::stepRetrying);
    connect(workflow, &PreviewWorkflow::stepFinished, this, &ProjectSession::stepFinished);
    connect(workflow, &PreviewWorkflow::planReady, this, [this](const RunPlan& plan) {
        m_plan = plan;
        Q_EMIT planReady(plan);
    });
    connect(workflow, &PreviewWorkflow::environmentExpected, this,
            [this](const QList<ExpectedVariable>& missing) {
                m_missingVariables = missing;
                Q_EMIT environmentExpected(missing);
            });
    connect(workflow, &PreviewWorkflow::toolchainReady, this,
            [this](const ToolchainChoice& toolchain) { setToolchain(toolchain); });
    connect(workflow, &PreviewWorkflow::notice, this, &ProjectSession::notice);
    connect(workflow, &PreviewWorkflow::serverExited, this, [this](int exitCode) {
        m_serverExitCode = exitCode;
        if (m_managed) {
            // The manager restarts it; the run goes on.
            Q_EMIT devServerExited(exitCode);
            return;
        }
        Q_EMIT finishRequested();
    });
}

std::optional<WorkingCopySyncState> ProjectSession::workingCopySync() const
{
    if (!m_workingCopy)
        return std::nullopt;
    return m_workingCopy->state();
}

void ProjectSession::keepWorkingCopyInSync(PreviewWorkflow& workflow)
{
    if (!workflow.request().workingCopy || workflow.request().repository.isRemote())
        return;
    if (std::unique_ptr<WorkingCopySync> made = workflow.takeWorkingCopySync()) {
        m_workingCopy = std::move(made);
    } else if (!m_workingCopy || m_workingCopy->sandboxId() != workflow.sandboxId()) {
        m_workingCopy = std::make_unique<WorkingCopySync>(m_provider, workflow.sandboxId(),
                                                          workflow.request().repository.localPath());
    } else if (m_workingCopy->isRunning()) {
        return;
    }
    WorkingCopySync* sync = m_workingCopy.get();
    connect(sync, &WorkingCopySync::stateChanged, this, &ProjectSession::workingCopySyncChanged);
    connect(sync, &WorkingCopySync::notice, this, &ProjectSession::notice);
    connect(sync, &WorkingCopySync::batchSent, this,
            [this](const QStringList& written, const QStringList& removed) {
                Q_EMIT workingCopyBatchSent(written, removed);
                detach(followWorkingCopy(written, removed), this, "applying saved files");
            });
    sync->start();
    Q_EMIT workingCopyWatchStarted();
    Q_EMIT workingCopySyncChanged();
}

QCoro::Task<> ProjectSession::followWorkingCopy(QStringList written, QStringList removed)
{
    QList<SourceChange> changes;
    for (const QString& path : std::as_const(written))
        changes.append({path, SourceChange::Kind::Modified});
    for (const QString& path : std::as_const(removed))
        changes.append({path, SourceChange::Kind::Deleted});
    const SourceUpdateAction action = sourceUpdateAction(changes, m_plan.value_or(RunPlan{}), m_request.mode);
    const std::optional<StepId> rerunFrom = rerunStepFor(action);
    if (rerunFrom) {
        // A restore already on its way (another batch's, the sandbox manager's) reads the files the
        // sync has sent.
        if (!canRestore())
            co_return;
        QPointer<ProjectSession> self(this);
        m_restoreFrom = *rerunFrom;
        const bool restored =
            co_await restore(RestoreRung::RestartDevServer, rerunReason(action, changes, tr("A save")));
        if (!self || !restored)
            co_return;
    }
    Q_EMIT workingCopyApplied(action);
}

QCoro::Task<> ProjectSession::stopWorkingCopySync()
{
    if (!m_workingCopy)
        co_return;
    // A batch on its way finishes first: it uses the provider, which may go once the run has ended.
    co_await m_workingCopy->stopAndWait();
    m_workingCopy.reset();
    Q_EMIT workingCopySyncChanged();
}

} // namespace forge
