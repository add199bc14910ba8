// RunQueue: at most N runs at once, the rest wait in order; a cancelled wait frees its place; a
// higher limit admits waiting runs at once.

#include "workflow/RunQueue.h"

#include <QCoroTask>
#include <QTest>

using forge::RunQueue;

class TestRunQueue : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void sevenAskFiveRunTwoWaitAllFinish()
    {
        RunQueue queue(5);
        QList<QObject*> owners;
        QList<RunQueue::Ticket> tickets(7);
        QList<int> startedOrder;
        for (int i = 0; i < 7; ++i) {
            owners.append(new QObject(this));
            QCoro::connect(queue.acquire(owners[i]), this, [&, i](RunQueue::Ticket ticket) {
                tickets[i] = std::move(ticket);
                startedOrder.append(i);
            });
        }
        QTRY_COMPARE(startedOrder.size(), 5);
        QCOMPARE(queue.running(), 5);
        QCOMPARE(queue.waiting(), 2);
        QCOMPARE(startedOrder, (QList<int>{0, 1, 2, 3, 4}));

        tickets[2].reset(); // a run ends: the first waiting one starts
        QTRY_COMPARE(startedOrder.size(), 6);
        QCOMPARE(startedOrder.last(), 5);
        QCOMPARE(queue.running(), 5);
        QCOMPARE(queue.waiting(), 1);

        for (auto& ticket : tickets)
            ticket.reset();
        QTRY_COMPARE(startedOrder.size(), 7);
        QCOMPARE(startedOrder.last(), 6);
        tickets[6].reset();
        QCOMPARE(queue.running(), 0);
        QCOMPARE(queue.waiting(), 0);
        qDeleteAll(owners);
    }

    void cancellingAWaitFreesItsPlace()
    {
        RunQueue queue(1);
        QObject first;
        QObject second;
        QObject third;
        RunQueue::Ticket running;
        std::optional<bool> secondGranted;
        std::optional<bool> thirdGranted;
        QCoro::connect(queue.acquire(&first), this, [&](RunQueue::Ticket t) { running = std::move(t); });
        QCoro::connect(queue.acquire(&second), this, [&](RunQueue::Ticket t) { secondGranted = bool(t); });
        QCoro::connect(queue.acquire(&third), this, [&](RunQueue::Ticket t) {
            thirdGranted = bool(t);
            running = std::move(t);
        });
        QTRY_VERIFY(running);
        QCOMPARE(queue.waiting(), 2);
        queue.cancel(&second);
        QTRY_VERIFY(secondGranted.has_value());
        QCOMPARE(*secondGranted, false);
        QCOMPARE(queue.waiting(), 1);
        running.reset(); // the first run ends; the third (not the cancelled second) starts
        QTRY_VERIFY(thirdGranted.has_value());
        QVERIFY(*thirdGranted);
        QCOMPARE(queue.running(), 1);
        running.reset();
        QCOMPARE(queue.running(), 0);
    }

    void raisingTheLimitAdmitsWaitingRuns()
    {
        RunQueue queue(1);
        QObject a;
        QObject b;
        RunQueue::Ticket first;
        RunQueue::Ticket second;
        QCoro::connect(queue.acquire(&a), this, [&](RunQueue::Ticket t) { first = std::move(t); });
        QCoro::connect(queue.acquire(&b), this, [&](RunQueue::Ticket t) { second = std::move(t); });
        QTRY_VERIFY(first);
        QVERIFY(!second);
        queue.setLimit(2);
        QTRY_VERIFY(second);
        QCOMPARE(queue.running(), 2);
        queue.setLimit(0); // at least one run can always go
        QCOMPARE(queue.limit(), 1);
    }
};

QTEST_GUILESS_MAIN(TestRunQueue)
#include "tst_runqueue.moc"
