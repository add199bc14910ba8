// The words of a run that fails closed because this computer cannot isolate sandboxes
// (core/SandboxIsolation): recognised after the workflow has redacted and wrapped it, and given
// each front end's own way to run without isolation.

#include "core/SandboxIsolation.h"

#include <QTest>

using namespace Qt::StringLiterals;
using namespace forge;

class TestSandboxIsolation : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void unavailableSaysWhyAndWhatToInstall()
    {
        const Failure failure = SandboxIsolation::unavailable(u"the bwrap program is not installed"_s);
        QVERIFY(!failure.isTransient());
        QCOMPARE(failure.message(), u"Repository code cannot be isolated on this computer: the bwrap "
                                    u"program is not installed."_s);
        QVERIFY(failure.advice().contains(u"bubblewrap"_s));
        QVERIFY(failure.advice().contains(u"passt"_s));
        QVERIFY(SandboxIsolation::isUnavailable(failure));
    }

    void otherFailuresAreNotIt()
    {
        QVERIFY(!SandboxIsolation::isUnavailable(Failure::permanent(u"Cloning octo/app failed."_s)));
        QVERIFY(!SandboxIsolation::isUnavailable(Failure::cancelled(u"The preview was stopped."_s)));
        // The reason alone does not make it one (a dev server may print anything).
        QVERIFY(!SandboxIsolation::isUnavailable(
            Failure::permanent(u"npm: Repository code cannot be isolated on this computer"_s)));
    }

    void withChoiceKeepsTheMessageAndAddsTheFrontEndsWay()
    {
        const Failure fromBackEnd = Failure::permanent(
            SandboxIsolation::unavailableMessage(u"pasta: /dev/net/tun is missing"_s),
            u"Install them, or turn on Run Without Isolation (forge-preview-cli: --no-isolation)."_s,
            {u"last line"_s});
        const Failure explained = SandboxIsolation::withChoice(fromBackEnd, u"Or run with --no-isolation."_s);
        QCOMPARE(explained.message(), fromBackEnd.message());
        QCOMPARE(explained.lastLines(), QStringList{u"last line"_s});
        QCOMPARE(explained.advice(), SandboxIsolation::installAdvice() + u" Or run with --no-isolation."_s);
        QVERIFY(SandboxIsolation::isUnavailable(explained));
    }
};

QTEST_GUILESS_MAIN(TestSandboxIsolation)
#include "tst_sandboxisolation.moc"
