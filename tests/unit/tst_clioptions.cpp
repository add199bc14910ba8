// forge-preview-cli's command line (app/cli/CliOptions): what --no-isolation sets and refuses, and
// that --help tells of it.

#include "CliOptions.h"

#include <QDir>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace forge;
using namespace forge::cli;

class TestCliOptions : public QObject
{
    Q_OBJECT

private:
    static ParseOutcome parse(const QStringList& arguments)
    {
        return parseArguments(QStringList{u"forge-preview-cli"_s} + arguments, QDir::tempPath());
    }

private Q_SLOTS:
    void isolatedByDefault()
    {
        const ParseOutcome outcome = parse({u"preview"_s, u"octo/app"_s});
        QVERIFY2(outcome.options, qPrintable(outcome.output));
        QVERIFY(outcome.options->isolation);
    }

    void noIsolationRunsPlainProcesses()
    {
        // Before or after the repository, as any option.
        for (const QStringList& arguments :
             {QStringList{u"preview"_s, u"octo/app"_s, u"--no-isolation"_s},
              QStringList{u"preview"_s, u"--no-isolation"_s, u"octo/app"_s},
              QStringList{u"preview"_s, u"octo/app"_s, u"--no-isolation"_s, u"--provider"_s, u"local"_s}}) {
            const ParseOutcome outcome = parse(arguments);
            QVERIFY2(outcome.options, qPrintable(outcome.output));
            QVERIFY(!outcome.options->isolation);
            QCOMPARE(outcome.options->provider, u"local"_s);
        }
    }

    // Daytona isolates every sandbox in its cloud: the option would mean nothing there, so it is
    // refused rather than ignored.
    void noIsolationIsRefusedOnDaytona()
    {
        const ParseOutcome outcome = parse({u"preview"_s, u"https://github.com/octo/app"_s, u"--provider"_s,
                                            u"daytona"_s, u"--no-isolation"_s});
        QVERIFY(!outcome.options);
        QCOMPARE(outcome.exitCode, int(ExitUsage));
        QVERIFY(outcome.toStderr);
        QVERIFY2(outcome.output.startsWith(u"--no-isolation only applies to --provider local"_s),
                 qPrintable(outcome.output));
    }

    void helpTellsOfNoIsolation()
    {
        const ParseOutcome outcome = parse({u"--help"_s});
        QVERIFY(!outcome.options);
        QCOMPARE(outcome.exitCode, int(ExitOk));
        QVERIFY(outcome.output.contains(u"--no-isolation"_s));
        QVERIFY(outcome.output.contains(u"bubblewrap or pasta"_s));
    }
};

QTEST_GUILESS_MAIN(TestCliOptions)
#include "tst_clioptions.moc"
