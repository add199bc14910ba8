#pragma once

#include "ProjectSession.h"
#include "ReadinessProbe.h"

#include <QCoroTask>
#include <QHash>
#include <QObject>
#include <QPointer>
#include <QString>
#include <chrono>
#include <memory>
#include <optional>

class QSettings;

namespace forge {

// Keeps live previews up. Every interval, for each watched project that is live, it reads the
// sandbox's state (a REST call on Daytona, not a toolbox call, so the sandbox is not kept awake)
// and probes the preview with the provider's SandboxProvider::healthProbeHeaders (Daytona's
// skip-activity header), then decide()s which rung of the restore ladder (RestoreRung,
// ProjectSession.h) to climb:
//   started and answering         -> nothing                       (RestoreRung::None)
//   started, preview not answering -> restart the dev server only  (RestartDevServer)
//   stopped or archived            -> start the sandbox, restart the dev server (new preview token)
//   error                          -> recover it (the provider's start recovers a recoverable error;
//                                     anything else fails that restore)
//   gone                           -> run the workflow again from create-sandbox
//                                     (these three: RestoreSandbox)
// A sandbox in a transition (creating, starting, stopping) is left alone until the next check.
//
// Keep-awake policy, per project (Project::keepAwake; setKeepAwake, setShown):
//   keep-awake on and shown -> a check that finds the preview serving also refreshes the sandbox's
//                              activity, so the back end's auto-stop never stops what the user sees
//                              (checks then come at least twice per auto-stop interval); nothing
//                              else does: the dev server's log stream and the checks' reads are sent
//                              as not being activity
//   keep-awake on, not shown -> no refresh; a sandbox that stopped is restored as above
//   keep-awake off           -> no refresh; a sandbox found stopped or archived went to sleep: it is
//                              not restored, sleeping() is emitted and each check reports Sleeping
//                              (and does nothing else) until wake() or keep-awake is turned on
// A sandbox that disappears while the preview was up is recreated whatever the policy (it was lost,
// it did not go to sleep); one that disappears while asleep stays asleep, and wake() recreates it.
// After MaxFailedRestores failed restores in a row the project is no longer checked and gaveUp()
// says why; retry() starts over. At most one check runs per project at a time.
class SandboxManager final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SandboxManager)
public:
    static constexpr int MaxFailedRestores = 3;
    static constexpr std::chrono::milliseconds DefaultInterval = std::chrono::minutes(5);

    // What a check found and did. A check that does not run at all (the project is not live, is
    // being restored, a check of it is running, or the manager gave up on it) reports nothing.
    enum class Verdict {
        Skipped,       // the sandbox is in a transition, or the restore did not start
        Serving,       // nothing to do
        Restored,      // a restore brought the preview back
        RestoreFailed, // a restore was tried and failed
        CheckFailed,   // the sandbox's state could not be read (e.g. the API is unreachable)
        Sleeping,      // keep-awake is off and the sandbox is stopped: left asleep until wake()
    };
    Q_ENUM(Verdict)

    explicit SandboxManager(QObject* parent = nullptr);
    ~SandboxManager() override;

    // The QSettings key of the interval the app uses, in milliseconds (Settings > Runs).
    static constexpr auto IntervalKey = "manager/intervalMs";
    // The interval the app uses: QSettings IntervalKey, else DefaultInterval.
    static std::chrono::milliseconds configuredInterval(const QSettings& settings);

    // How often each live project is checked; applies to running timers at once.
    void setInterval(std::chrono::milliseconds interval);
    std::chrono::milliseconds interval() const { return m_interval; }
    // How long the preview probe waits for an answer.
    void setProbeTimeout(std::chrono::milliseconds timeout) { m_probeTimeout = timeout; }

    // Starts watching `session` (checks run while it is live) and marks it managed, so a dev server
    // that exits no longer ends its run (see ProjectSession::setManaged). Watching twice is a no-op.
    void watch(ProjectSession* session);
    void unwatch(ProjectSession* session);
    bool isWatching(ProjectSession* session) const;

    // Runs a check now (unless one is running for it, or the manager gave up on it).
    void checkNow(ProjectSession* session);
    // After gaveUp(): resets the failure count, checks at once and resumes the timer.
    void retry(ProjectSession* session);

    // The keep-awake policy of a watched session (on by default; set it after watch()). Turning it
    // on for a sleeping session wakes it (see wake()).
    void setKeepAwake(ProjectSession* session, bool keepAwake);
    bool keepsAwake(ProjectSession* session) const;
    // Whether the window shows `session`. Showing a live session whose sandbox is kept awake checks
    // it at once (which refreshes its activity).
    void setShown(ProjectSession* session, bool shown);
    bool isShown(ProjectSession* session) const;
    // How often `session` is checked: interval(), or half its back end's idle limit
    // (SandboxProvider::idleStopAfter) when that is shorter while it is shown and kept awake, since
    // only those checks refresh its activity (a log stream or status read does not).
    std::chrono::milliseconds checkInterval(ProjectSession* session) const;
    // Sleeping: keep-awake is off and the last check found the sandbox stopped.
    bool isSleeping(ProjectSession* session) const;
    // Restores a sleeping session's sandbox at once (started again, or recreated if it is gone) and
    // resumes normal checks. Also clears a gaveUp(), like retry().
    void wake(ProjectSession* session);

    bool hasGivenUp(ProjectSession* session) const;
    int failedRestores(ProjectSession* session) const;
    bool isChecking(ProjectSession* session) const;

    // What a check found: the sandbox's state and, when it is started, whether its preview
    // answered; with the session's keep-awake policy at that moment.
    struct Reading
    {
        std::optional<SandboxState> state; // nullopt: it could not be read
        QString readError;                 // why not
        bool previewAnswers = false;       // read only when started
        QString probeDetail;               // why it did not answer ("HTTP 502", "its process ended")
        bool keepAwake = true;
        bool asleep = false; // an earlier check let it sleep
        bool waking = false; // wake() asked: a stopped sandbox is restored even with keep-awake off
    };
    // What the check does about it: climbs `rung`, giving `detail` as the reason, or (rung None)
    // reports `verdict` (Serving, Skipped, Sleeping or CheckFailed) with `detail`.
    struct Decision
    {
        Verdict verdict = Verdict::Serving;
        RestoreRung rung = RestoreRung::None;
        QString detail;
    };
    // The restore and keep-awake policy described above, with no side effects.
    static Decision decide(const Reading& reading);

Q_SIGNALS:
    void checkStarted(forge::ProjectSession* session);
    // `detail`: what was found (and, for a failed restore or check, why).
    void checkFinished(forge::ProjectSession* session, forge::SandboxManager::Verdict verdict,
                       const QString& detail);
    // Three restores in a row failed: the project is no longer checked until retry().
    void gaveUp(forge::ProjectSession* session, const QString& cause);
    // Keep-awake is off and the sandbox went to sleep (emitted once per sleep; each check while
    // asleep reports Verdict::Sleeping). The window shows "Sleeping - Wake".
    void sleeping(forge::ProjectSession* session);
    // The session is no longer asleep: wake(), keep-awake turned on, or the sandbox was started
    // by someone else. A restore (ProjectSession::restoring/restored) follows unless it is started.
    void awake(forge::ProjectSession* session);

private:
    struct Watch;
    // What a check found and did so far (see Decision); wokeUp: the sandbox was found started
    // while asleep.
    struct Outcome
    {
        Decision decision;
        bool wokeUp = false;
    };

    // Starts a check of `watch` in the background (see check()).
    void checkLater(const std::shared_ptr<Watch>& watch);
    QCoro::Task<> check(std::shared_ptr<Watch> watch);
    bool mayCheck(const Watch& watch) const;
    // Reads the sandbox's state, probes a started one's preview and decides what to do.
    QCoro::Task<Outcome> inspect(std::shared_ptr<Watch> watch);
    static QCoro::Task<Reading> readState(SandboxProvider& provider, QString sandboxId);
    QCoro::Task<Reading> probePreview(std::shared_ptr<Watch> watch, Reading reading);
    // Refreshes the sandbox's activity (keep-awake while shown); the check's detail says how it went.
    static QCoro::Task<QString> keepAwake(SandboxProvider& provider, QString sandboxId);
    // Climbs the rung `found` decided; the outcome says how the restore went.
    QCoro::Task<Outcome> climb(std::shared_ptr<Watch> watch, Outcome found);
    // The bookkeeping and signals of a check that ran to its end.
    void report(Watch& watch, const Outcome& outcome);
    void fallAsleep(Watch& watch, const QString& detail);
    void countFailedRestore(Watch& watch, const QString& detail);
    void updateTimer(Watch& watch);
    std::chrono::milliseconds intervalFor(const Watch& watch) const;

    QHash<ProjectSession*, std::shared_ptr<Watch>> m_watches;
    std::chrono::milliseconds m_interval = DefaultInterval;
    std::chrono::milliseconds m_probeTimeout = std::chrono::seconds(10);
    ReadinessProbe m_probe;
};

} // namespace forge
