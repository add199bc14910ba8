#include "SandboxManager.h"

#include "ProjectSession.h"
#include "core/Detached.h"

#include <QSettings>
#include <QTimer>

using namespace Qt::StringLiterals;

namespace forge {

struct SandboxManager::Watch
{
    // The one lifetime guard of a check, after each of its waits: the session is still there and
    // still watched. The manager unwatches every session when it is destroyed, so a watch that is
    // on also means the manager is there.
    bool isOn() const { return session && !removed; }

    QPointer<ProjectSession> session;
    std::unique_ptr<QTimer> timer;
    QList<QMetaObject::Connection> connections;
    bool checking = false;
    bool gaveUp = false;
    bool removed = false;
    int failures = 0; // failed restores in a row
    bool keepAwake = true;
    bool shown = false;
    bool asleep = false; // keep-awake off and the sandbox found stopped
    bool waking = false; // wake() asked: the next check restores a stopped sandbox
};

SandboxManager::SandboxManager(QObject* parent)
    : QObject(parent)
{}

SandboxManager::~SandboxManager()
{
    const auto sessions = m_watches.keys();
    for (ProjectSession* session : sessions)
        unwatch(session);
}

std::chrono::milliseconds SandboxManager::configuredInterval(const QSettings& settings)
{
    bool ok = false;
    const qint64 ms = settings.value(QString::fromLatin1(IntervalKey)).toLongLong(&ok);
    return ok && ms > 0 ? std::chrono::milliseconds(ms) : DefaultInterval;
}

void SandboxManager::setInterval(std::chrono::milliseconds interval)
{
    m_interval = interval.count() > 0 ? interval : DefaultInterval;
    for (const auto& watch : std::as_const(m_watches))
        watch->timer->setInterval(intervalFor(*watch));
}

std::chrono::milliseconds SandboxManager::intervalFor(const Watch& watch) const
{
    if (!watch.keepAwake || !watch.shown || !watch.session)
        return m_interval;
    // Twice per idle limit, so that one refresh that fails does not let the sandbox stop.
    const std::chrono::milliseconds idle = watch.session->provider().idleStopAfter();
    return idle.count() > 0 ? std::min(m_interval, idle / 2) : m_interval;
}

std::chrono::milliseconds SandboxManager::checkInterval(ProjectSession* session) const
{
    const auto watch = m_watches.value(session);
    return watch ? intervalFor(*watch) : m_interval;
}

void SandboxManager::watch(ProjectSession* session)
{
    if (!session || m_watches.contains(session))
        return;
    auto watch = std::make_shared<Watch>();
    watch->session = session;
    watch->timer = std::make_unique<QTimer>();
    watch->timer->setInterval(m_interval);
    std::weak_ptr<Watch> weak = watch;
    connect(watch->timer.get(), &QTimer::timeout, this, [this, weak] {
        if (auto w = weak.lock())
            checkLater(w);
    });
    watch->connections.append(connect(session, &ProjectSession::statusChanged, this, [this, weak] {
        if (auto w = weak.lock())
            updateTimer(*w);
    }));
    // A dev server that exits is restarted at once rather than at the next tick. Queued: the
    // signal comes from inside the workflow's process handling.
    watch->connections.append(connect(
        session, &ProjectSession::devServerExited, this,
        [this, weak] {
            if (auto w = weak.lock())
                checkLater(w);
        },
        Qt::QueuedConnection));
    watch->connections.append(connect(session, &QObject::destroyed, this, [this, session] {
        if (auto w = m_watches.take(session)) {
            w->removed = true;
            w->timer->stop();
        }
    }));
    session->setManaged(true);
    m_watches.insert(session, watch);
    updateTimer(*watch);
}

void SandboxManager::unwatch(ProjectSession* session)
{
    const auto watch = m_watches.take(session);
    if (!watch)
        return;
    watch->removed = true;
    watch->timer->stop();
    for (const auto& connection : std::as_const(watch->connections))
        disconnect(connection);
    if (watch->session)
        watch->session->setManaged(false);
}

bool SandboxManager::isWatching(ProjectSession* session) const
{
    return m_watches.contains(session);
}

bool SandboxManager::hasGivenUp(ProjectSession* session) const
{
    const auto watch = m_watches.value(session);
    return watch && watch->gaveUp;
}

int SandboxManager::failedRestores(ProjectSession* session) const
{
    const auto watch = m_watches.value(session);
    return watch ? watch->failures : 0;
}

bool SandboxManager::isChecking(ProjectSession* session) const
{
    const auto watch = m_watches.value(session);
    return watch && watch->checking;
}

void SandboxManager::checkNow(ProjectSession* session)
{
    if (auto watch = m_watches.value(session))
        checkLater(watch);
}

void SandboxManager::retry(ProjectSession* session)
{
    const auto watch = m_watches.value(session);
    if (!watch)
        return;
    watch->gaveUp = false;
    watch->failures = 0;
    updateTimer(*watch);
    checkLater(watch);
}

void SandboxManager::setKeepAwake(ProjectSession* session, bool keepAwake)
{
    const auto watch = m_watches.value(session);
    if (!watch || watch->keepAwake == keepAwake)
        return;
    watch->keepAwake = keepAwake;
    watch->timer->setInterval(intervalFor(*watch));
    if (keepAwake && watch->asleep)
        wake(session);
}

bool SandboxManager::keepsAwake(ProjectSession* session) const
{
    const auto watch = m_watches.value(session);
    return !watch || watch->keepAwake;
}

void SandboxManager::setShown(ProjectSession* session, bool shown)
{
    const auto watch = m_watches.value(session);
    if (!watch || watch->shown == shown)
        return;
    watch->shown = shown;
    watch->timer->setInterval(intervalFor(*watch));
    // Shown again after a while: refresh its activity now rather than at the next tick.
    if (shown && watch->keepAwake && !watch->asleep && watch->timer->isActive())
        checkLater(watch);
}

bool SandboxManager::isShown(ProjectSession* session) const
{
    const auto watch = m_watches.value(session);
    return watch && watch->shown;
}

bool SandboxManager::isSleeping(ProjectSession* session) const
{
    const auto watch = m_watches.value(session);
    return watch && watch->asleep;
}

void SandboxManager::wake(ProjectSession* session)
{
    const auto watch = m_watches.value(session);
    if (!watch)
        return;
    watch->waking = true;
    watch->gaveUp = false;
    watch->failures = 0;
    if (watch->asleep) {
        watch->asleep = false;
        Q_EMIT awake(session);
    }
    updateTimer(*watch);
    // A check that is running picks `waking` up when it decides; otherwise this one restores.
    checkLater(watch);
}

void SandboxManager::updateTimer(Watch& watch)
{
    const bool live = watch.session && watch.session->status() == ProjectStatus::Live;
    if (live && !watch.gaveUp && !watch.removed) {
        if (!watch.timer->isActive())
            watch.timer->start();
    } else {
        watch.timer->stop();
    }
}

void SandboxManager::checkLater(const std::shared_ptr<Watch>& watch)
{
    detach(check(watch), this, "the sandbox health check");
}

bool SandboxManager::mayCheck(const Watch& watch) const
{
    // Only a live preview is checked; one being restored (by another caller) is left alone.
    return watch.isOn() && !watch.checking && !watch.gaveUp &&
           watch.session->status() == ProjectStatus::Live && !watch.session->isRestoring();
}

QCoro::Task<> SandboxManager::check(std::shared_ptr<Watch> watch)
{
    if (!mayCheck(*watch))
        co_return;
    watch->checking = true;
    Q_EMIT checkStarted(watch->session);

    Outcome outcome = co_await inspect(watch);
    if (watch->isOn() && outcome.decision.rung != RestoreRung::None)
        outcome = co_await climb(watch, std::move(outcome));
    watch->checking = false;
    if (watch->isOn())
        report(*watch, outcome);
}

QCoro::Task<SandboxManager::Outcome> SandboxManager::inspect(std::shared_ptr<Watch> watch)
{
    SandboxProvider& provider = watch->session->provider();
    const QString sandboxId = watch->session->sandboxId();
    Reading reading = co_await readState(provider, sandboxId);
    if (!watch->isOn())
        co_return Outcome{};
    reading.keepAwake = watch->keepAwake;
    reading.asleep = watch->asleep;
    reading.waking = watch->waking;

    Outcome outcome;
    if (reading.state == SandboxState::Started) {
        // Started by someone else (or a wake() that already happened): no longer asleep.
        outcome.wokeUp = std::exchange(watch->asleep, false);
        reading = co_await probePreview(watch, std::move(reading));
        if (!watch->isOn())
            co_return Outcome{};
    }
    outcome.decision = decide(reading);
    const bool serving = outcome.decision.verdict == Verdict::Serving &&
                         outcome.decision.rung == RestoreRung::None && reading.state == SandboxState::Started;
    if (serving && watch->keepAwake && watch->shown) {
        // The user is looking at it: reset the idle timer so auto-stop does not apply.
        outcome.decision.detail = co_await keepAwake(provider, sandboxId);
        if (!watch->isOn())
            co_return Outcome{};
    }
    co_return outcome;
}

QCoro::Task<SandboxManager::Reading> SandboxManager::readState(SandboxProvider& provider, QString sandboxId)
{
    Reading reading;
    if (sandboxId.isEmpty()) {
        // An earlier restore failed before it had a sandbox: there is none to look at.
        reading.state = SandboxState::Gone;
        co_return reading;
    }
    try {
        // A REST call on Daytona, which does not count as activity.
        const SandboxInfo info = co_await provider.getSandbox(sandboxId);
        reading.state = info.state;
    } catch (const Failure& failure) {
        reading.readError = failure.message();
    }
    co_return reading;
}

QCoro::Task<SandboxManager::Reading> SandboxManager::probePreview(std::shared_ptr<Watch> watch,
                                                                  Reading reading)
{
    if (watch->session->isDevServerDead()) {
        reading.probeDetail = tr("its process ended");
        co_return reading;
    }
    PreviewEndpoint endpoint = watch->session->previewEndpoint();
    // Looking must not keep the sandbox awake: the back end says what tells it so.
    const auto probeHeaders = watch->session->provider().healthProbeHeaders();
    for (auto it = probeHeaders.cbegin(); it != probeHeaders.cend(); ++it)
        endpoint.headers.insert(it.key(), it.value());
    const ReadinessProbe::Result result = co_await m_probe.probe(endpoint, m_probeTimeout);
    // A host-check refusal is still the dev server answering.
    reading.previewAnswers = result.outcome == ReadinessProbe::Outcome::Answered ||
                             result.outcome == ReadinessProbe::Outcome::HostBlocked;
    reading.probeDetail = result.httpStatus > 0 ? u"HTTP %1"_s.arg(result.httpStatus) : result.detail;
    co_return reading;
}

QCoro::Task<QString> SandboxManager::keepAwake(SandboxProvider& provider, QString sandboxId)
{
    QString refreshError;
    try {
        co_await provider.refreshActivity(sandboxId);
    } catch (const Failure& failure) {
        refreshError = failure.message();
    }
    if (refreshError.isEmpty())
        co_return tr("The sandbox is started, the preview answers and it is kept awake.");
    co_return tr(
        "The sandbox is started and the preview answers, but its activity could not be refreshed: %1")
        .arg(refreshError);
}

SandboxManager::Decision SandboxManager::decide(const Reading& reading)
{
    if (!reading.state)
        return {Verdict::CheckFailed, RestoreRung::None,
                tr("Could not read the sandbox's state: %1").arg(reading.readError)};
    const SandboxState state = *reading.state;
    // Keep-awake off (and no wake() pending): a stopped sandbox went to sleep and is left so; once
    // asleep, one that errs or disappears stays asleep too (wake() restores or recreates it).
    const bool letSleep = !reading.keepAwake && !reading.waking;
    const bool staysAsleep = state == SandboxState::Stopped ? letSleep : letSleep && reading.asleep;
    const Decision asleep{Verdict::Sleeping, RestoreRung::None,
                          tr("The sandbox is asleep (%1); it stays so until woken.").arg(toString(state))};
    switch (state) {
    case SandboxState::Started:
        if (reading.previewAnswers)
            return {Verdict::Serving, RestoreRung::None,
                    tr("The sandbox is started and the preview answers.")};
        return {Verdict::Serving, RestoreRung::RestartDevServer,
                tr("The dev server does not answer (%1); restarting it.").arg(reading.probeDetail)};
    case SandboxState::Stopped:
        if (staysAsleep)
            return asleep;
        return {Verdict::Serving, RestoreRung::RestoreSandbox,
                reading.waking ? tr("Waking the sandbox up.")
                               : tr("The sandbox stopped; starting it again.")};
    case SandboxState::Error:
        if (staysAsleep)
            return asleep;
        return {Verdict::Serving, RestoreRung::RestoreSandbox, tr("The sandbox is in error; recovering it.")};
    case SandboxState::Gone:
        if (staysAsleep)
            return asleep;
        return {Verdict::Serving, RestoreRung::RestoreSandbox, tr("The sandbox is gone; making a new one.")};
    case SandboxState::Creating:
        break;
    }
    return {Verdict::Skipped, RestoreRung::None, tr("The sandbox is changing state; checking again later.")};
}

QCoro::Task<SandboxManager::Outcome> SandboxManager::climb(std::shared_ptr<Watch> watch, Outcome found)
{
    QString cause;
    const auto captured = connect(watch->session, &ProjectSession::restoreFailed, this,
                                  [&cause](const QString& failure) { cause = failure; });
    auto restore = watch->session->restore(found.decision.rung, found.decision.detail);
    const bool ok = co_await std::move(restore);
    // Static: the manager may be gone by now (its connection went with it).
    QObject::disconnect(captured);

    Outcome outcome = found;
    outcome.decision.rung = RestoreRung::None;
    if (ok) {
        outcome.decision.verdict = Verdict::Restored; // the detail stays the reason
    } else if (cause.isEmpty()) {
        outcome.decision = {Verdict::Skipped, RestoreRung::None, tr("The restore did not start.")};
    } else {
        outcome.decision = {Verdict::RestoreFailed, RestoreRung::None, cause};
    }
    co_return outcome;
}

void SandboxManager::report(Watch& watch, const Outcome& outcome)
{
    const Verdict verdict = outcome.decision.verdict;
    const QString& detail = outcome.decision.detail;
    // A wake() is done once a check restored (or tried to), or found the sandbox serving; one that
    // could not read the state or met a transition leaves it for the next check.
    if (verdict != Verdict::CheckFailed && verdict != Verdict::Skipped)
        watch.waking = false;
    if (outcome.wokeUp)
        Q_EMIT awake(watch.session);
    if (verdict == Verdict::Sleeping) {
        fallAsleep(watch, detail);
        return;
    }
    if (verdict == Verdict::Restored) {
        watch.failures = 0;
    } else if (verdict == Verdict::RestoreFailed) {
        countFailedRestore(watch, detail);
        return;
    }
    Q_EMIT checkFinished(watch.session, verdict, detail);
}

void SandboxManager::fallAsleep(Watch& watch, const QString& detail)
{
    const bool fellAsleep = !watch.asleep;
    watch.asleep = true;
    Q_EMIT checkFinished(watch.session, Verdict::Sleeping, detail);
    if (fellAsleep && watch.session)
        Q_EMIT sleeping(watch.session);
}

void SandboxManager::countFailedRestore(Watch& watch, const QString& detail)
{
    ++watch.failures;
    if (watch.failures < MaxFailedRestores) {
        Q_EMIT checkFinished(watch.session, Verdict::RestoreFailed, detail);
        return;
    }
    watch.gaveUp = true;
    updateTimer(watch);
    Q_EMIT checkFinished(watch.session, Verdict::RestoreFailed, detail);
    const QString cause = tr("The preview could not be restored %1 times in a row. Last error: %2")
                              .arg(watch.failures)
                              .arg(detail);
    Q_EMIT gaveUp(watch.session, cause);
}

} // namespace forge
