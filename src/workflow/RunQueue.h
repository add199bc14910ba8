#pragma once

#include <QCoroTask>
#include <QList>
#include <QObject>
#include <QPointer>
#include <QSettings>
#include <memory>

namespace forge {

// At most limit() runs at once (5 by default, `runs/maxConcurrent`; README.md, The desktop app); the
// others wait in the order they asked, shown as queued. A run holds its place with a Ticket: while the
// ticket lives the run counts, and dropping it lets the next waiting run start.
class RunQueue final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(RunQueue)

public:
    static constexpr int DefaultLimit = 5;

    class Slot final
    {
    public:
        explicit Slot(QPointer<RunQueue> queue);
        ~Slot();
        Slot(const Slot&) = delete;
        Slot& operator=(const Slot&) = delete;

    private:
        QPointer<RunQueue> m_queue;
    };
    using Ticket = std::shared_ptr<Slot>;

    // The QSettings key of the limit the app uses (Settings > Runs).
    static constexpr auto LimitKey = "runs/maxConcurrent";

    explicit RunQueue(int limit = DefaultLimit, QObject* parent = nullptr);

    // The limit stored under LimitKey, else DefaultLimit.
    static int configuredLimit(const QSettings& settings);

    int limit() const { return m_limit; }
    // Takes effect at once for waiting runs; running ones are never interrupted.
    void setLimit(int limit);
    int running() const { return m_running; }
    int waiting() const { return int(m_waiters.size()); }

    // Resolves when the run of `owner` may start; with an empty ticket when cancel(owner) came first.
    QCoro::Task<Ticket> acquire(const QObject* owner);
    // Gives up `owner`'s place in the line (a run stopped while queued).
    void cancel(const QObject* owner);

Q_SIGNALS:
    void changed();

private:
    class Waiter;
    void release();
    void admit();

    int m_limit;
    int m_running = 0;
    QList<Waiter*> m_waiters;
};

} // namespace forge
