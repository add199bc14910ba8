#include "core/Backoff.h"

#include <QTest>
#include <limits>

using namespace std::chrono_literals;
using std::chrono::milliseconds;

namespace forge {

class BackoffTest : public QObject
{
    Q_OBJECT

private slots:
    void ceilingGrowsAndCaps_data()
    {
        QTest::addColumn<int>("retry");
        QTest::addColumn<qint64>("expectedCeiling");
        // base 100 ms, cap 5 s: the n-th retry's window is [0, min(cap, base * 2^n)].
        QTest::newRow("retry 1") << 1 << qint64(200);
        QTest::newRow("retry 2") << 2 << qint64(400);
        QTest::newRow("retry 3") << 3 << qint64(800);
        QTest::newRow("retry 5") << 5 << qint64(3200);
        QTest::newRow("retry 6 capped") << 6 << qint64(5000);
        QTest::newRow("retry 40 capped") << 40 << qint64(5000);
        QTest::newRow("retry 62 no overflow") << 62 << qint64(5000);
        QTest::newRow("retry 63 no overflow") << 63 << qint64(5000);
        QTest::newRow("retry INT_MAX no overflow") << std::numeric_limits<int>::max() << qint64(5000);
        QTest::newRow("retry 0 treated as 1") << 0 << qint64(200);
        QTest::newRow("negative retry treated as 1") << -7 << qint64(200);
    }
    void ceilingGrowsAndCaps()
    {
        QFETCH(int, retry);
        QFETCH(qint64, expectedCeiling);
        // A Random just below 1 shows the top of the window, 0 its bottom.
        const Backoff top(100ms, 5000ms, 3, [] { return 0.9999999999; });
        const Backoff bottom(100ms, 5000ms, 3, [] { return 0.0; });
        QCOMPARE(top.delayFor(retry).count(), expectedCeiling);
        QCOMPARE(bottom.delayFor(retry).count(), qint64(0));
    }

    void hugeBaseDoesNotOverflow()
    {
        const milliseconds huge{std::numeric_limits<milliseconds::rep>::max() / 2};
        const Backoff b(huge, milliseconds{std::numeric_limits<milliseconds::rep>::max()}, 3,
                        [] { return 0.5; });
        for (int retry : {1, 2, 10, 100}) {
            const auto d = b.delayFor(retry);
            QVERIFY(d.count() >= 0);
        }
    }

    void jitterIsUniformOverTheWindow()
    {
        // A deterministic Random stepping through [0, 1) in equal steps: every tenth of the window
        // gets the same share, and the delays are exactly proportional.
        int step = 0;
        const int steps = 1000;
        const Backoff b(100ms, 60s, 5, [&step] { return double(step++ % steps) / steps; });
        QList<int> buckets(10, 0);
        qint64 sum = 0;
        for (int i = 0; i < steps; ++i) {
            const qint64 d = b.delayFor(3).count(); // window [0, 800]
            QVERIFY(d >= 0 && d <= 800);
            QCOMPARE(d, qint64(i * 800.0 / steps + 0.5));
            ++buckets[int(d * 10 / 801)];
            sum += d;
        }
        for (int count : std::as_const(buckets))
            QVERIFY2(count >= 95 && count <= 105, qPrintable(QString::number(count)));
        QVERIFY(qAbs(double(sum) / steps - 400.0) < 5.0); // mean is half the window
    }

    void badRandomValuesAreClamped_data()
    {
        QTest::addColumn<double>("value");
        QTest::addColumn<qint64>("expected");
        QTest::newRow("negative") << -3.0 << qint64(0);
        QTest::newRow("NaN") << std::numeric_limits<double>::quiet_NaN() << qint64(0);
        QTest::newRow("above one") << 7.0 << qint64(400);
        QTest::newRow("infinity") << std::numeric_limits<double>::infinity() << qint64(400);
    }
    void badRandomValuesAreClamped()
    {
        QFETCH(double, value);
        QFETCH(qint64, expected);
        const Backoff b(100ms, 10s, 3, [value] { return value; });
        QCOMPARE(b.delayFor(2).count(), expected);
    }

    void defaultRandomStaysInBounds()
    {
        const Backoff b(50ms, 1s, 3);
        bool sawDifferent = false;
        const qint64 first = b.delayFor(4).count();
        for (int i = 0; i < 200; ++i) {
            const qint64 d = b.delayFor(4).count(); // window [0, 800]
            QVERIFY(d >= 0 && d <= 800);
            sawDifferent = sawDifferent || d != first;
        }
        QVERIFY(sawDifferent);
    }

    void serverHint_data()
    {
        QTest::addColumn<qint64>("hint");
        QTest::addColumn<qint64>("expected");
        // Our own delay is 200 ms (Random 0.5, window [0, 400]).
        QTest::newRow("no hint") << qint64(-1) << qint64(200);
        QTest::newRow("shorter hint loses") << qint64(50) << qint64(200);
        QTest::newRow("zero hint loses") << qint64(0) << qint64(200);
        QTest::newRow("longer hint wins") << qint64(3000) << qint64(3000);
        QTest::newRow("hint above cap still wins") << qint64(120000) << qint64(120000);
    }
    void serverHint()
    {
        QFETCH(qint64, hint);
        QFETCH(qint64, expected);
        const Backoff b(100ms, 10s, 2, [] { return 0.5; });
        QCOMPARE(b.delayFor(2, milliseconds{hint}).count(), expected);
    }

    void allows_data()
    {
        QTest::addColumn<int>("maxRetries");
        QTest::addColumn<int>("retry");
        QTest::addColumn<bool>("allowed");
        QTest::newRow("first of two") << 2 << 1 << true;
        QTest::newRow("second of two") << 2 << 2 << true;
        QTest::newRow("third of two") << 2 << 3 << false;
        QTest::newRow("zero is not a retry") << 2 << 0 << false;
        QTest::newRow("negative") << 2 << -1 << false;
        QTest::newRow("no retries") << 0 << 1 << false;
        QTest::newRow("negative max means none") << -5 << 1 << false;
    }
    void allows()
    {
        QFETCH(int, maxRetries);
        QFETCH(int, retry);
        QFETCH(bool, allowed);
        const Backoff b(100ms, 1s, maxRetries);
        QCOMPARE(b.allows(retry), allowed);
        QCOMPARE(b.maxRetries(), qMax(maxRetries, 0));
    }

    void zeroAndNegativeDurations()
    {
        const Backoff zero(0ms, 0ms, 3, [] { return 0.9; });
        QCOMPARE(zero.delayFor(5).count(), qint64(0));
        const Backoff negative(-100ms, -1s, 3, [] { return 0.9; });
        QCOMPARE(negative.delayFor(5).count(), qint64(0));
        // The cap wins even when it is below the base.
        const Backoff capBelowBase(1000ms, 300ms, 3, [] { return 0.9999999; });
        QCOMPARE(capBelowBase.delayFor(1).count(), qint64(300));
    }
};

} // namespace forge

QTEST_GUILESS_MAIN(forge::BackoffTest)
#include "tst_backoff.moc"
