#include "core/SignalWait.h"

#include <QCoroTask>
#include <QSocketNotifier>
#include <QTest>
#include <QThread>

#include <memory>
#include <unistd.h>

using namespace std::chrono_literals;

namespace forge {

class Pinger : public QObject
{
    Q_OBJECT
Q_SIGNALS:
    void pinged(int value);
};

// Emits Pinger::pinged from a socket notifier, as QProcess reports a child's exit: glib dispatches
// socket notifiers before timers in the same pass, which is how a process's end and a grace
// period's end met in test_sandbox_manager.
class PipePinger
{
public:
    explicit PipePinger(Pinger* pinger)
    {
        QVERIFY(::pipe(m_fds) == 0);
        m_notifier = std::make_unique<QSocketNotifier>(m_fds[0], QSocketNotifier::Read);
        QObject::connect(m_notifier.get(), &QSocketNotifier::activated, pinger, [this, pinger] {
            char byte = 0;
            QVERIFY(::read(m_fds[0], &byte, 1) == 1);
            Q_EMIT pinger->pinged(7);
        });
    }
    ~PipePinger()
    {
        m_notifier.reset();
        ::close(m_fds[0]);
        ::close(m_fds[1]);
    }
    void ping() { QVERIFY(::write(m_fds[1], "x", 1) == 1); }

private:
    int m_fds[2] = {-1, -1};
    std::unique_ptr<QSocketNotifier> m_notifier;
};

class SignalWaitTest : public QObject
{
    Q_OBJECT

private slots:
    void signalBeforeTimeoutArrives()
    {
        Pinger pinger;
        QTimer::singleShot(10ms, &pinger, [&pinger] { Q_EMIT pinger.pinged(1); });
        QVERIFY(QCoro::waitFor(waitForSignal(&pinger, &Pinger::pinged, 10s)));
    }

    void noSignalTimesOut()
    {
        Pinger pinger;
        QVERIFY(!QCoro::waitFor(waitForSignal(&pinger, &Pinger::pinged, 20ms)));
    }

    void negativeTimeoutWaitsForTheSignal()
    {
        Pinger pinger;
        QTimer::singleShot(50ms, &pinger, [&pinger] { Q_EMIT pinger.pinged(1); });
        QVERIFY(QCoro::waitFor(waitForSignal(&pinger, &Pinger::pinged, -1ms)));
    }

    void destroyedSenderEndsTheWait()
    {
        auto* pinger = new Pinger;
        QTimer::singleShot(10ms, pinger, [pinger] { delete pinger; });
        QVERIFY(!QCoro::waitFor(waitForSignal(pinger, &Pinger::pinged, -1ms)));
    }

    // The signal and the timeout become due in the same event-loop pass, the signal first. QCoro's
    // qCoro(sender, signal, timeout) reports a timeout here and its queued call then writes into
    // the freed frame (heap-use-after-free under AddressSanitizer); the wait must end once, with
    // the signal.
    void signalAndTimeoutInOnePassEndOnceWithTheSignal()
    {
        Pinger pinger;
        PipePinger pipe(&pinger);
        for (int round = 0; round < 20; ++round) {
            auto wait = waitForSignal(&pinger, &Pinger::pinged, 5ms);
            QThread::msleep(20); // both the byte and the timeout are due when the loop next runs
            pipe.ping();
            QVERIFY2(QCoro::waitFor(std::move(wait)), qPrintable(u"round %1"_qs.arg(round)));
        }
        QTest::qWait(20); // a stray queued call would run (and be caught) here
    }
};

} // namespace forge

QTEST_GUILESS_MAIN(forge::SignalWaitTest)
#include "tst_signalwait.moc"
