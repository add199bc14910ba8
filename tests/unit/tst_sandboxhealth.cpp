// SandboxManager's policy without a back end: the rung of the restore ladder (RestoreRung) that a
// health check climbs for each thing it can find (SandboxManager::decide), and the headers each
// back end's health probe carries (SandboxProvider::healthProbeHeaders). The checks themselves run
// against the Daytona emulator in test_sandbox_manager.

#include "daytona/DaytonaHttp.h"
#include "sandbox/LocalProvider.h"
#include "sandbox/daytona/DaytonaProvider.h"
#include "workflow/SandboxManager.h"

#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;

namespace forge {

namespace {

using Verdict = SandboxManager::Verdict;

// What a check found, as the table below spells it.
enum class Found { ReadFailed, Creating, StartedAnswering, StartedSilent, Stopped, Error, Gone };

SandboxManager::Reading readingOf(Found found)
{
    SandboxManager::Reading reading;
    switch (found) {
    case Found::ReadFailed:
        reading.readError = u"connection refused"_s;
        break;
    case Found::Creating:
        reading.state = SandboxState::Creating;
        break;
    case Found::StartedAnswering:
        reading.state = SandboxState::Started;
        reading.previewAnswers = true;
        break;
    case Found::StartedSilent:
        reading.state = SandboxState::Started;
        reading.probeDetail = u"HTTP 502"_s;
        break;
    case Found::Stopped:
        reading.state = SandboxState::Stopped;
        break;
    case Found::Error:
        reading.state = SandboxState::Error;
        break;
    case Found::Gone:
        reading.state = SandboxState::Gone;
        break;
    }
    return reading;
}

} // namespace

class SandboxHealthTest : public QObject
{
    Q_OBJECT

private slots:
    void rungForEachOutcome_data()
    {
        QTest::addColumn<Found>("found");
        QTest::addColumn<bool>("keepAwake");
        QTest::addColumn<bool>("asleep");
        QTest::addColumn<bool>("waking");
        QTest::addColumn<RestoreRung>("rung");
        QTest::addColumn<Verdict>("verdict"); // when the rung is None

        const auto None = RestoreRung::None;
        const auto DevServer = RestoreRung::RestartDevServer;
        const auto Sandbox = RestoreRung::RestoreSandbox;
        const auto Any = Verdict::Serving; // a restore's verdict comes from the restore
        // clang-format off
        QTest::newRow("unreadable")            << Found::ReadFailed       << true  << false << false << None      << Verdict::CheckFailed;
        QTest::newRow("in a transition")       << Found::Creating         << true  << false << false << None      << Verdict::Skipped;
        QTest::newRow("serving")               << Found::StartedAnswering << true  << false << false << None      << Verdict::Serving;
        QTest::newRow("serving, let sleep")    << Found::StartedAnswering << false << true  << false << None      << Verdict::Serving;
        QTest::newRow("silent preview")        << Found::StartedSilent    << true  << false << false << DevServer << Any;
        QTest::newRow("silent, let sleep")     << Found::StartedSilent    << false << false << false << DevServer << Any;
        QTest::newRow("stopped")               << Found::Stopped          << true  << false << false << Sandbox   << Any;
        QTest::newRow("stopped, let sleep")    << Found::Stopped          << false << false << false << None      << Verdict::Sleeping;
        QTest::newRow("stopped, woken")        << Found::Stopped          << false << true  << true  << Sandbox   << Any;
        QTest::newRow("error")                 << Found::Error            << true  << false << false << Sandbox   << Any;
        QTest::newRow("error, let sleep")      << Found::Error            << false << false << false << Sandbox   << Any;
        QTest::newRow("error while asleep")    << Found::Error            << false << true  << false << None      << Verdict::Sleeping;
        QTest::newRow("error, woken")          << Found::Error            << false << true  << true  << Sandbox   << Any;
        QTest::newRow("gone")                  << Found::Gone             << true  << false << false << Sandbox   << Any;
        QTest::newRow("gone, let sleep")       << Found::Gone             << false << false << false << Sandbox   << Any;
        QTest::newRow("gone while asleep")     << Found::Gone             << false << true  << false << None      << Verdict::Sleeping;
        QTest::newRow("gone, woken")           << Found::Gone             << false << true  << true  << Sandbox   << Any;
        // clang-format on
    }

    void rungForEachOutcome()
    {
        QFETCH(Found, found);
        QFETCH(bool, keepAwake);
        QFETCH(bool, asleep);
        QFETCH(bool, waking);
        QFETCH(RestoreRung, rung);
        QFETCH(Verdict, verdict);

        SandboxManager::Reading reading = readingOf(found);
        reading.keepAwake = keepAwake;
        reading.asleep = asleep;
        reading.waking = waking;
        const SandboxManager::Decision decision = SandboxManager::decide(reading);
        QCOMPARE(decision.rung, rung);
        if (rung == RestoreRung::None)
            QCOMPARE(decision.verdict, verdict);
        QVERIFY(!decision.detail.isEmpty());
    }

    void detailsSayWhy()
    {
        SandboxManager::Reading silent = readingOf(Found::StartedSilent);
        QCOMPARE(SandboxManager::decide(silent).detail,
                 u"The dev server does not answer (HTTP 502); restarting it."_s);
        QCOMPARE(SandboxManager::decide(readingOf(Found::ReadFailed)).detail,
                 u"Could not read the sandbox's state: connection refused"_s);
        SandboxManager::Reading woken = readingOf(Found::Stopped);
        woken.waking = true;
        QCOMPARE(SandboxManager::decide(woken).detail, u"Waking the sandbox up."_s);
        SandboxManager::Reading asleep = readingOf(Found::Stopped);
        asleep.keepAwake = false;
        QCOMPARE(
            SandboxManager::decide(asleep).detail,
            u"The sandbox is asleep (%1); it stays so until woken."_s.arg(toString(SandboxState::Stopped)));
    }

    void daytonaProbesWithoutCountingAsActivity()
    {
        const DaytonaProvider provider(daytona::DaytonaConfig{}, DaytonaSandboxOptions{});
        const auto headers = provider.healthProbeHeaders();
        QCOMPARE(headers.size(), 1);
        QCOMPARE(headers.value(daytona::DaytonaHttp::SkipActivityHeader), QByteArray("true"));
    }

    void localProbesWithNothingExtra()
    {
        QTemporaryDir data;
        QVERIFY(data.isValid());
        LocalProvider::Options options;
        options.dataDirectory = data.path();
        const LocalProvider provider(options);
        QVERIFY(provider.healthProbeHeaders().isEmpty());
    }
};

} // namespace forge

QTEST_GUILESS_MAIN(forge::SandboxHealthTest)
#include "tst_sandboxhealth.moc"
