#include "core/SignalWait.h"

namespace forge {

SignalWaiter::SignalWaiter(std::chrono::milliseconds timeout)
{
    if (timeout < std::chrono::milliseconds::zero())
        return;
    m_timer.setSingleShot(true);
    connect(&m_timer, &QTimer::timeout, this, &SignalWaiter::giveUp);
    m_timer.start(timeout);
}

void SignalWaiter::arrive()
{
    end(true);
}

void SignalWaiter::giveUp()
{
    end(false);
}

void SignalWaiter::end(bool arrived)
{
    if (m_ended)
        return;
    m_ended = true;
    m_arrived = arrived;
    m_timer.stop();
    Q_EMIT ended();
}

} // namespace forge
