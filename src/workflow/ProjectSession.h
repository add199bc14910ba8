#pragma once

#include "RunQueue.h"
#include "WorkflowTypes.h"
#include "core/CloneCredentials.h"
#include "core/ExpectedEnvironment.h"
#include "core/SourceChange.h"
#include "sandbox/SandboxProvider.h"
#include "store/Project.h"
#include "toolchain/ToolchainResolver.h"

#include <QCoroTask>
#include <QObject>
#include <QPointer>
#include <QUrl>
#include <functional>
#include <memory>
#include <optional>

namespace forge {

class RunRecorder;
class RunStore;
class PreviewWorkflow;
struct PullRequestUpdateResult;
class WorkingCopySync;
struct WorkingCopySyncState;
class SandboxProvider;

// The restore ladder of a live preview, lowest rung first: each rung brings back more than the one
// below it. SandboxManager picks the rung from a health check; ProjectSession::restore() climbs it.
enum class RestoreRung {
    None,             // nothing to restore: the preview answers
    RestartDevServer, // the sandbox runs but the preview does not answer: the dev server starts again
    RestoreSandbox,   // the sandbox stopped, erred or is gone: it is started, recovered or made anew,
                      // then the dev server starts again
};

// A project for `repository` at `branch` (empty: the default branch), added now. Its id comes from
// PreviewRequest::projectIdFor, so opening the same repository and branch again finds it. A local
// folder without a branch starts on its working copy (Project::source); with one, and a remote
// repository, on that branch.
Project newProject(const RepoRef& repository, const QString& branch, RunMode mode);

// One project's preview over time: starts the workflow, keeps what the window needs to show
// (status, current step, failure, URL, detected plan) and stops it again. Each start is a fresh run
// of the seven steps; the sandbox is adopted by its label, so a rerun never makes a second one.
class ProjectSession final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ProjectSession)
public:
    ProjectSession(SandboxProvider& provider, Project project, QObject* parent = nullptr);
    ~ProjectSession() override;

    const Project& project() const { return m_project; }
    // Takes new choices (an edited plan, another mode); they apply from the next start.
    void setProject(const Project& project);

    ProjectStatus status() const { return m_status; }
    std::optional<StepId> currentStep() const { return m_currentStep; }
    QUrl previewUrl() const { return m_previewEndpoint.url; }
    // The URL and the headers the preview needs (a private Daytona preview's token).
    const PreviewEndpoint& previewEndpoint() const { return m_previewEndpoint; }
    std::optional<StepFailure> failure() const { return m_failure; }
    // The plan of the last run: the kept one, or the one detected.
    std::optional<RunPlan> plan() const { return m_plan; }
    // `text` without the current run's secrets (PreviewWorkflow::redact); unchanged without a run.
    QString redact(const QString& text) const;
    // What the last detection found the repository expects in its environment and the run did not
    // set (PreviewWorkflow::environmentExpected); empty before.
    QList<ExpectedVariable> missingVariables() const { return m_missingVariables; }
    // The Node.js and package manager the current (or last) run uses, once it has chosen them; nullopt
    // before, and from the start of each new run until it has.
    std::optional<ToolchainChoice> toolchain() const { return m_toolchain; }
    bool isActive() const
    {
        return m_status == ProjectStatus::Queued || m_status == ProjectStatus::Building ||
               m_status == ProjectStatus::Live;
    }

    // Starts a run unless one is active. A bad repository reference fails at once with its reason.
    void start();
    // Stops the run or the dev server; files stay. runEnded() follows when everything has ended.
    void stop();
    // Stops (if needed), then starts again.
    void restart();
    // Brings back the preview of the last run (live when the app closed): the run is taken up
    // again and only the dev server is started anew; the sandbox, clone and installed
    // dependencies are kept. Without a run store, or when the last run did not succeed, a
    // normal start.
    void startFromDevServer();

    // Asked at the start of each run for what the clone of a remote repository may carry (the
    // signed-in GitHub account's token, only for its own host). Without one, clones carry nothing.
    using CredentialLookup = std::function<QCoro::Task<CloneCredentials>(QUrl repositoryUrl)>;
    void setCredentialLookup(CredentialLookup lookup) { m_credentialLookup = std::move(lookup); }

    // Asked at the start of each run, when the project has secret variables, for their values
    // (ProjectSecrets::resolve). A problem fails the run before anything runs: a run never starts
    // with fewer secrets than the user set. Without one, secrets reach the run with empty values.
    using EnvironmentLookup =
        std::function<QCoro::Task<ResolvedEnvironment>(QString projectId, ProjectEnvironment)>;
    void setEnvironmentLookup(EnvironmentLookup lookup) { m_environmentLookup = std::move(lookup); }
    // The project's environment changed (`resolved`: with the secrets' values). A live preview's dev
    // server starts again with it, in the same sandbox: no clone, no install; with `rebuild` (a
    // variable the build reads, in production mode) the build runs again first. False, changing
    // nothing, when no preview is live: the next run reads the environment anyway.
    QCoro::Task<bool> applyEnvironment(ResolvedEnvironment resolved, bool rebuild);

    // --- Pull request previews (issue 21) ---
    // The commit the current run checked out: its clone step's result ("commit"), read in the
    // sandbox right after the clone; empty before, and for runs that did not record one.
    QString checkedOutCommit() const { return m_checkedOutCommit; }
    // Brings a live pull request preview up to the pull request's current head: the new commits are
    // fetched into the mirror at `mirrorDirectory` (PullRequestMirror: on this machine, outside the
    // sandbox; only they travel), the changed files are unpacked and the removed ones deleted inside
    // the sandbox, and then, by sourceUpdateAction(), nothing more (hot reload), the dev server
    // restarts, the build runs again, or (a lockfile or manifest changed) detection, install, build
    // and start run again in the same sandbox. Says each part in notice(); pullRequestUpdated() or
    // pullRequestUpdateFailed() ends it. False at once when the preview is not live, is being
    // restored or is not a pull request's.
    QCoro::Task<bool> updatePullRequest(QString mirrorDirectory);
    bool isUpdating() const { return m_updating; }

    // Runs share `queue`: a run waits (status Queued) until it may start, and gives its place back
    // once its preview is ready or it failed. Without a queue, runs start at once.
    void setRunQueue(RunQueue* queue) { m_queue = queue; }

    // --- Working copy (issue 22) ---
    // Where the live working copy's sync stands (WorkingCopySync); nullopt when the project does not
    // preview a working copy or no run is live.
    std::optional<WorkingCopySyncState> workingCopySync() const;

    // --- Restore (used by SandboxManager) ---
    SandboxProvider& provider() const { return m_provider; }
    // The current run's sandbox; empty before the create step has run.
    QString sandboxId() const;
    // While a SandboxManager watches the session, a dev server that exits while the preview is live
    // no longer ends the run as failed: devServerExited() is emitted and the run stays, for the
    // manager to restore. Without a manager the run ends as failed, as before.
    void setManaged(bool managed);
    bool isManaged() const { return m_managed; }
    bool isRestoring() const { return m_restoring; }
    // The dev server of the live preview ended (managed sessions only; see setManaged()).
    bool isDevServerDead() const { return m_serverExitCode.has_value(); }

    // Brings the live run's preview back by climbing `rung` of the ladder. The run stays live
    // meanwhile. True when the preview answers again; never throws (restored() or restoreFailed()
    // says how it went). False at once for RestoreRung::None and when the session is not live or
    // already restoring.
    //   RestartDevServer: in the same sandbox, the journal forgets start-dev-server and
    //     publish-preview, and a new workflow over the same journal reads back the earlier steps (no
    //     clone, no install) and runs those two again; the endpoint is asked for again (a started
    //     sandbox's new preview token on Daytona).
    //   RestoreSandbox: a stopped, archived or (recoverably) failed sandbox is started (recovered),
    //     then the dev server runs again as above; a sandbox that is gone is replaced: every step
    //     runs again from create-sandbox in a new sandbox (the create step looks up the project's
    //     label first, so there are never two).
    QCoro::Task<bool> restore(RestoreRung rung, QString reason = {});
    QCoro::Task<bool> restartDevServer(QString reason = {})
    {
        return restore(RestoreRung::RestartDevServer, std::move(reason));
    }
    QCoro::Task<bool> restoreSandbox(QString reason = {})
    {
        return restore(RestoreRung::RestoreSandbox, std::move(reason));
    }

    // Where runs, their journals and logs are kept; without one, runs are remembered nowhere and an
    // interrupted run cannot be continued. Must outlive the session.
    void setRunStore(RunStore* store) { m_runStore = store; }

Q_SIGNALS:
    void statusChanged(forge::ProjectStatus status);
    void runStarted();
    void stepStarted(forge::StepId step, int attempt);
    // A step the interrupted run finished, read back rather than run again.
    void stepRestored(forge::StepId step, forge::StepStatus status, const QString& summary);
    void stepOutput(forge::StepId step, forge::OutputChannel channel, const QString& line,
                    const QString& styledLine, bool isError);
    void stepRetrying(forge::StepId step, int nextAttempt, qint64 delayMs, const QString& reason);
    void stepFinished(forge::StepId step, forge::StepStatus status, qint64 durationMs,
                      const QString& summary);
    void planReady(const forge::RunPlan& plan);
    // What the repository expects in its environment and the run does not set (missingVariables()).
    void environmentExpected(const QList<forge::ExpectedVariable>& missing);
    // toolchain() changed: a run chose its tools, or a new run starts without a choice yet.
    void toolchainChanged();
    void previewReady(const QUrl& url);
    void failed(const forge::StepFailure& failure);
    void notice(const QString& message);
    // The run has ended (stopped, failed, or the dev server exited) and nothing of it still runs.
    void runEnded();
    // A restore of the live run began; the preview is unavailable until restored()/restoreFailed().
    void restoring(const QString& reason);
    // The preview answers again, at `url` (previewReady() is emitted too).
    void restored(const QUrl& url);
    // The restore did not bring the preview back; the run stays, for another attempt.
    void restoreFailed(const QString& cause);
    // workingCopySync() changed: syncing, synced, paused (with the reason), or over.
    void workingCopySyncChanged();
    // A working copy is watched from now on (a run went live, or a restore brought it back).
    void workingCopyWatchStarted();
    // A batch of saved files reached the sandbox: written (new or changed) and removed paths.
    void workingCopyBatchSent(const QStringList& written, const QStringList& removed);
    // The saved files are in effect: by hot reload, or the page is to be reloaded (ReloadPage, for
    // the window), or the dev server restarted, the build or the install ran again.
    void workingCopyApplied(forge::SourceUpdateAction action);
    // checkedOutCommit() changed (a run's clone, or an update).
    void checkedOutCommitChanged(const QString& commit);
    // updatePullRequest() began.
    void pullRequestUpdateStarted();
    // The preview now shows `commit`, by `action` (what it took; None: it already did).
    void pullRequestUpdated(const QString& commit, forge::SourceUpdateAction action);
    // The update did not happen (or not fully): `cause` says why and what to do. The preview keeps
    // running what it ran.
    void pullRequestUpdateFailed(const QString& cause);
    // The dev server of a managed session's live preview ended (see setManaged()).
    void devServerExited(int exitCode);
    // Internal: a restore has ended (either way).
    void restoreEnded();
    // Internal: the live preview should end (stop() or the dev server exited).
    void finishRequested();

private:
    QCoro::Task<> runOnce();
    // The repository of the project; nullopt when its reference is bad, and then the run has
    // failed and ended.
    std::optional<RepoRef> repositoryForRun();
    // The project's environment with its secrets read; nullopt when one could not be read, and then
    // the run has failed and ended.
    QCoro::Task<std::optional<ProjectEnvironment>> environmentForRun();
    // Fails a run that has not started its workflow: says why and ends it.
    void failBeforeWorkflow(const StepFailure& failure);
    PreviewRequest requestFor(const RepoRef& repository, const ProjectEnvironment& environment);
    // The run's recorder (new, resumed or reopened) and a workflow over its journal.
    PreviewWorkflow* beginWorkflow(const PreviewRequest& request);
    // The live preview is over (or never was): says why, stops the workflow and any restore, and
    // ends the run.
    QCoro::Task<> endRun(std::optional<StepFailure> failure);
    void setStatus(ProjectStatus status);
    void setToolchain(const std::optional<ToolchainChoice>& toolchain);
    // A run that ended before its workflow started (stopped while queued or while its credentials
    // were looked up).
    void endWithoutRunning();
    void connectWorkflow(PreviewWorkflow* workflow);

    // --- The restore ladder (restore()) ---
    bool canRestore() const;
    // A new workflow over the same journal in place of the current one, which is returned.
    std::unique_ptr<PreviewWorkflow> replaceWorkflow();
    // The RestoreSandbox rung's own part: the sandbox started again (or to be made anew) and the
    // journal reset to match.
    QCoro::Task<> reviveSandbox(QString sandboxId);
    // The one lifetime guard of a restore, after each of its waits: throws when the session was
    // destroyed (nothing of it may be touched) or stopped meanwhile (a cancelled Failure).
    static void ensureStillWanted(const QPointer<ProjectSession>& self);
    // --- Pull request updates (updatePullRequest()) ---
    // Once the files are in place: the restore the update needs (rerunStepFor()), then the signals.
    QCoro::Task<bool> finishPullRequestUpdate(PullRequestUpdateResult update);
    static std::optional<StepId> rerunStepFor(SourceUpdateAction action);
    // What the restore a change needs says (restoring()); `changedBy`: "The pull request", "A save".
    static QString rerunReason(SourceUpdateAction action, const QList<SourceChange>& changes,
                               const QString& changedBy);
    // What a batch of saved files needs beyond arriving (sourceUpdateAction(), as for a pull request
    // update): a restart, a build or an install again, in the same sandbox.
    QCoro::Task<> followWorkingCopy(QStringList written, QStringList removed);
    // Keeps `commit` as checkedOutCommit(); with `record`, also in the clone step's journal result.
    void setCheckedOutCommit(const QString& commit, bool record);
    // A live working-copy preview's files follow the folder: the sync the clone step made (or, for a
    // run read back from the journal, a new one that starts with a full rescan), started.
    void keepWorkingCopyInSync(PreviewWorkflow& workflow);
    QCoro::Task<> stopWorkingCopySync();
    // Publishes how a restore ended; true when the preview answers again.
    bool endRestore(PreviewWorkflow& workflow, const std::optional<QUrl>& url,
                    const std::optional<QString>& cause);

    SandboxProvider& m_provider;
    Project m_project;
    CredentialLookup m_credentialLookup;
    EnvironmentLookup m_environmentLookup;
    QList<ExpectedVariable> m_missingVariables;
    // The first step the next RestartDevServer restore runs again (applyEnvironment(): the build;
    // an update: what it needs); the dev server's start when unset.
    std::optional<StepId> m_restoreFrom;
    QPointer<RunQueue> m_queue;
    RunStore* m_runStore = nullptr;
    bool m_fromDevServer = false;            // the next run reopens the last one from start-dev-server
    std::unique_ptr<RunRecorder> m_recorder; // the current run's row, journal and log
    std::unique_ptr<PreviewWorkflow> m_workflow;
    ProjectStatus m_status = ProjectStatus::Stopped;
    std::optional<StepId> m_currentStep;
    std::optional<StepFailure> m_failure;
    std::optional<RunPlan> m_plan;
    std::optional<ToolchainChoice> m_toolchain;
    PreviewEndpoint m_previewEndpoint;
    bool m_running = false; // runOnce() is in progress
    bool m_stopRequested = false;
    bool m_restartRequested = false;
    std::optional<int> m_serverExitCode;
    PreviewRequest m_request; // the current run's request, for the workflows of its restores
    bool m_managed = false;
    bool m_restoring = false;
    std::unique_ptr<WorkingCopySync> m_workingCopy; // while a working-copy preview is live
    QString m_checkedOutCommit;
    bool m_updating = false;
};

} // namespace forge
