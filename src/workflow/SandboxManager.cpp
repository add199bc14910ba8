#include "SandboxManager.h"

#include "ProjectSession.h"

#include <QSettings>
#include <QTimer>

using namespace Qt::StringLiterals;

namespace forge {

struct SandboxManager::Watch
{
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
            QCoro::connect(check(w), this, [] {});
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
                QCoro::connect(check(w), this, [] {});
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
        QCoro::connect(check(watch), this, [] {});
}

void SandboxManager::retry(ProjectSession* session)
{
    const auto watch = m_watches.value(session);
    if (!watch)
        return;
    watch->gaveUp = false;
    watch->failures = 0;
    updateTimer(*watch);
    QCoro::connect(check(watch), this, [] {});
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
        QCoro::connect(check(watch), this, [] {});
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
    QCoro::connect(check(watch), this, [] {});
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

QCoro::Task<> SandboxManager::check(std::shared_ptr<Watch> watch)
{
    QPointer<SandboxManager> self(this);
    QPointer<ProjectSession> session = watch->session;
    if (!session || watch->removed || watch->checking || watch->gaveUp)
        co_return;
    // Only a live preview is checked; one being restored (by another caller) is left alone.
    if (session->status() != ProjectStatus::Live || session->isRestoring())
        co_return;
    watch->checking = true;
    Q_EMIT checkStarted(session);

    Verdict verdict = Verdict::Serving;
    QString detail;
    // 0: no restore; 1: the dev server; 2: the sandbox.
    int restore = 0;
    QString reason;

    // The sandbox's state: a REST call on Daytona, which does not count as activity.
    SandboxProvider& provider = session->provider();
    const QString sandboxId = session->sandboxId();
    std::optional<SandboxInfo> sandbox;
    QString readError;
    try {
        if (sandboxId.isEmpty()) {
            // An earlier restore failed before it had a sandbox: there is none to look at.
            sandbox = SandboxInfo{{}, {}, {}, SandboxState::Gone};
        } else {
            const SandboxInfo info = co_await provider.getSandbox(sandboxId);
            sandbox = info;
        }
    } catch (const Failure& failure) {
        readError = failure.message();
    }
    if (!self)
        co_return;
    if (!session || watch->removed) {
        watch->checking = false;
        co_return;
    }

    // Keep-awake off (and no wake() pending): a stopped sandbox went to sleep and is left so; once
    // asleep, one that errs or disappears stays asleep too (wake() restores or recreates it).
    const bool letSleep = !watch->keepAwake && !watch->waking;
    bool sleep = false;
    bool wokeUp = false;
    if (!sandbox) {
        verdict = Verdict::CheckFailed;
        detail = tr("Could not read the sandbox's state: %1").arg(readError);
    } else {
        switch (sandbox->state) {
        case SandboxState::Started: {
            // Started by someone else (or a wake() that already happened): no longer asleep.
            if (watch->asleep) {
                watch->asleep = false;
                wokeUp = true;
            }
            bool answering = false;
            QString probeDetail;
            if (!session->isDevServerDead()) {
                PreviewEndpoint endpoint = session->previewEndpoint();
                // Looking must not keep the sandbox awake (ENDPOINTS.md section 6).
                endpoint.headers.insert("X-Daytona-Skip-Last-Activity-Update", "true");
                const ReadinessProbe::Result result = co_await m_probe.probe(endpoint, m_probeTimeout);
                if (!self)
                    co_return;
                // A host-check refusal is still the dev server answering.
                answering = result.outcome == ReadinessProbe::Outcome::Answered ||
                            result.outcome == ReadinessProbe::Outcome::HostBlocked;
                probeDetail = result.httpStatus > 0 ? u"HTTP %1"_s.arg(result.httpStatus) : result.detail;
            } else {
                probeDetail = tr("its process ended");
            }
            if (answering) {
                detail = tr("The sandbox is started and the preview answers.");
                if (watch->keepAwake && watch->shown) {
                    // The user is looking at it: reset the idle timer so auto-stop does not apply.
                    QString refreshError;
                    try {
                        co_await provider.refreshActivity(sandboxId);
                    } catch (const Failure& failure) {
                        refreshError = failure.message();
                    }
                    if (!self)
                        co_return;
                    if (!session || watch->removed) {
                        watch->checking = false;
                        co_return;
                    }
                    detail = refreshError.isEmpty()
                                 ? tr("The sandbox is started, the preview answers and it is kept awake.")
                                 : tr("The sandbox is started and the preview answers, but its activity "
                                      "could not be refreshed: %1")
                                       .arg(refreshError);
                }
            } else {
                restore = 1;
                reason = tr("The dev server does not answer (%1); restarting it.").arg(probeDetail);
            }
            break;
        }
        case SandboxState::Stopped:
            if (letSleep) {
                sleep = true;
            } else {
                restore = 2;
                reason = watch->waking ? tr("Waking the sandbox up.")
                                       : tr("The sandbox stopped; starting it again.");
            }
            break;
        case SandboxState::Error:
            if (letSleep && watch->asleep) {
                sleep = true;
            } else {
                restore = 2;
                reason = tr("The sandbox is in error; recovering it.");
            }
            break;
        case SandboxState::Gone:
            if (letSleep && watch->asleep) {
                sleep = true;
            } else {
                restore = 2;
                reason = tr("The sandbox is gone; making a new one.");
            }
            break;
        case SandboxState::Creating:
            verdict = Verdict::Skipped;
            detail = tr("The sandbox is changing state; checking again later.");
            break;
        }
    }

    if (sleep) {
        verdict = Verdict::Sleeping;
        detail = tr("The sandbox is asleep (%1); it stays so until woken.").arg(toString(sandbox->state));
    }

    if (restore != 0 && session && !watch->removed) {
        QString cause;
        const auto captured = connect(session, &ProjectSession::restoreFailed, this,
                                      [&cause](const QString& failure) { cause = failure; });
        bool ok = false;
        if (restore == 1) {
            auto task = session->restartDevServer(reason);
            ok = co_await std::move(task);
        } else {
            auto task = session->restoreSandbox(reason);
            ok = co_await std::move(task);
        }
        if (!self)
            co_return;
        disconnect(captured);
        if (ok) {
            verdict = Verdict::Restored;
            detail = reason;
        } else if (cause.isEmpty()) {
            verdict = Verdict::Skipped; // the session was stopped or already restoring
            detail = tr("The restore did not start.");
        } else {
            verdict = Verdict::RestoreFailed;
            detail = cause;
        }
    }

    watch->checking = false;
    if (watch->removed || !session)
        co_return;
    // A wake() is done once a check restored (or tried to), or found the sandbox serving; one that
    // could not read the state or met a transition leaves it for the next check.
    if (verdict != Verdict::CheckFailed && verdict != Verdict::Skipped)
        watch->waking = false;
    if (wokeUp)
        Q_EMIT awake(session);
    if (verdict == Verdict::Sleeping) {
        const bool fellAsleep = !watch->asleep;
        watch->asleep = true;
        Q_EMIT checkFinished(session, verdict, detail);
        if (fellAsleep && watch->session)
            Q_EMIT sleeping(session);
        co_return;
    }
    if (verdict == Verdict::Restored) {
        watch->failures = 0;
    } else if (verdict == Verdict::RestoreFailed) {
        ++watch->failures;
        if (watch->failures >= MaxFailedRestores) {
            watch->gaveUp = true;
            updateTimer(*watch);
            Q_EMIT checkFinished(session, verdict, detail);
            const QString cause = tr("The preview could not be restored %1 times in a row. Last error: %2")
                                      .arg(watch->failures)
                                      .arg(detail);
            Q_EMIT gaveUp(session, cause);
            co_return;
        }
    }
    Q_EMIT checkFinished(session, verdict, detail);
}

} // namespace forge
