#pragma once

#include <QCoroSignal>
#include <QCoroTask>
#include <QObject>
#include <QTimer>
#include <chrono>

namespace forge {

// Ends once, when the awaited signal arrives, its sender is destroyed or the timeout passes,
// whichever comes first.
class SignalWaiter final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SignalWaiter)
public:
    explicit SignalWaiter(std::chrono::milliseconds timeout);

    void arrive();
    void giveUp();
    bool arrived() const { return m_arrived; }

Q_SIGNALS:
    void ended();

private:
    void end(bool arrived);

    QTimer m_timer;
    bool m_arrived = false;
    bool m_ended = false;
};

// Waits for `signal` of `sender` for at most `timeout` (negative: no limit); true when it arrived.
//
// Use this instead of QCoro's qCoro(sender, signal, timeout). QCoro 0.8 (Debian 12) delivers the
// signal through a queued call whose context is the sender: when the signal is emitted and the
// timeout fires in the same event-loop pass, the timeout resumes and frees the waiting frame and the
// queued call then writes into it (AddressSanitizer caught it in test_sandbox_manager, stopping a
// process whose exit raced its grace period). Here both paths end one SignalWaiter that lives in
// the waiting frame, and the only queued call has that waiter as context, so Qt drops it together
// with the frame.
template<typename Sender, typename Signal>
QCoro::Task<bool> waitForSignal(Sender* sender, Signal signal, std::chrono::milliseconds timeout)
{
    if (!sender)
        co_return false;
    SignalWaiter waiter(timeout);
    QObject::connect(sender, signal, &waiter, [&waiter] { waiter.arrive(); });
    QObject::connect(sender, &QObject::destroyed, &waiter, &SignalWaiter::giveUp);
    co_await qCoro(&waiter, &SignalWaiter::ended);
    co_return waiter.arrived();
}

} // namespace forge
