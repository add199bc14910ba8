#include "RunQueue.h"

#include <QCoroSignal>
#include <algorithm>

namespace forge {

// One run waiting for its turn; granted() or cancelled() ends the wait.
class RunQueue::Waiter : public QObject
{
    Q_OBJECT

public:
    Waiter(const QObject* owner, QObject* parent)
        : QObject(parent)
        , m_owner(owner)
    {}
    const QObject* owner() const { return m_owner; }

Q_SIGNALS:
    void decided(bool granted);

private:
    const QObject* m_owner;
};

RunQueue::Slot::Slot(QPointer<RunQueue> queue)
    : m_queue(std::move(queue))
{}

RunQueue::Slot::~Slot()
{
    if (m_queue)
        m_queue->release();
}

RunQueue::RunQueue(int limit, QObject* parent)
    : QObject(parent)
    , m_limit(std::max(1, limit))
{}

int RunQueue::configuredLimit(const QSettings& settings)
{
    return settings.value(QString::fromLatin1(LimitKey), DefaultLimit).toInt();
}

void RunQueue::setLimit(int limit)
{
    m_limit = std::max(1, limit);
    admit();
    Q_EMIT changed();
}

QCoro::Task<RunQueue::Ticket> RunQueue::acquire(const QObject* owner)
{
    if (m_running < m_limit && m_waiters.isEmpty()) {
        ++m_running;
        Q_EMIT changed();
        co_return std::make_shared<Slot>(QPointer<RunQueue>(this));
    }
    auto* waiter = new Waiter(owner, this);
    m_waiters.append(waiter);
    Q_EMIT changed();
    QPointer<RunQueue> self(this);
    const bool granted = co_await qCoro(waiter, &Waiter::decided);
    // Not deleted here: this runs inside the waiter's own signal.
    waiter->deleteLater();
    if (!self || !granted)
        co_return Ticket();
    // admit() counted this run already.
    co_return std::make_shared<Slot>(self);
}

void RunQueue::cancel(const QObject* owner)
{
    const auto found = std::find_if(m_waiters.begin(), m_waiters.end(),
                                    [owner](const Waiter* waiter) { return waiter->owner() == owner; });
    if (found == m_waiters.end())
        return;
    Waiter* waiter = *found;
    m_waiters.erase(found);
    Q_EMIT changed();
    Q_EMIT waiter->decided(false);
}

void RunQueue::release()
{
    m_running = std::max(0, m_running - 1);
    admit();
    Q_EMIT changed();
}

void RunQueue::admit()
{
    while (m_running < m_limit && !m_waiters.isEmpty()) {
        Waiter* next = m_waiters.takeFirst();
        ++m_running;
        Q_EMIT next->decided(true);
    }
}

} // namespace forge

#include "RunQueue.moc"
