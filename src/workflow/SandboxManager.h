#pragma once

#include "ReadinessProbe.h"

#include <QCoroTask>
#include <QHash>
#include <QObject>
#include <QPointer>
#include <QString>
#include <chrono>
#include <memory>

class QSettings;

namespace forge {

class ProjectSession;

// Keeps live previews up (DESIGN.md, "Sandbox manager"). Every interval, for each watched project
// that is live, it reads the sandbox's state (a REST call on Daytona, not a toolbox call, so the
// sandbox is not kept awake) and probes the preview with X-Daytona-Skip-Last-Activity-Update, then
// walks the ladder:
//   started and answering         -> nothing
//   started, preview not answering -> restart the dev server only
//   stopped or archived            -> start the sandbox, restart the dev server (new preview token)
//   error                          -> recover it (the provider's start recovers a recoverable error;
//                                     anything else fails that restore)
//   gone                           -> run the workflow again from create-sandbox
// A sandbox in a transition (creating, starting, stopping) is left alone until the next check.
// After MaxFailedRestores failed restores in a row the project is no longer checked and gaveUp()
// says why; retry() starts over. At most one check runs per project at a time.
class SandboxManager : public QObject
{
    Q_OBJECT
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
    };
    Q_ENUM(Verdict)

    explicit SandboxManager(QObject* parent = nullptr);
    ~SandboxManager() override;

    // The interval the app uses: QSettings `manager/intervalMs`, else DefaultInterval.
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

    bool hasGivenUp(ProjectSession* session) const;
    int failedRestores(ProjectSession* session) const;
    bool isChecking(ProjectSession* session) const;

Q_SIGNALS:
    void checkStarted(forge::ProjectSession* session);
    // `detail`: what was found (and, for a failed restore or check, why).
    void checkFinished(forge::ProjectSession* session, forge::SandboxManager::Verdict verdict,
                       const QString& detail);
    // Three restores in a row failed: the project is no longer checked until retry().
    void gaveUp(forge::ProjectSession* session, const QString& cause);

private:
    struct Watch;

    QCoro::Task<> check(std::shared_ptr<Watch> watch);
    void updateTimer(Watch& watch);

    QHash<ProjectSession*, std::shared_ptr<Watch>> m_watches;
    std::chrono::milliseconds m_interval = DefaultInterval;
    std::chrono::milliseconds m_probeTimeout = std::chrono::seconds(10);
    ReadinessProbe m_probe;
};

} // namespace forge
