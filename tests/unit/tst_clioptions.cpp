// forge-preview-cli's command line (app/cli/CliOptions): what --no-isolation sets and refuses, and
// that --help tells of it.

#include "CliOptions.h"

#include <QDir>
#include <QTemporaryDir>
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

    // Issue 22: --working-copy previews a folder's files as they are on disk now; without it, its
    // branch as before. It means nothing for an address and contradicts --branch, so both are refused.
    void workingCopyIsForAFolderOnly()
    {
        QTemporaryDir folder;
        QVERIFY(QDir(folder.path()).mkdir(u".git"_s));
        const ParseOutcome branch = parse({u"preview"_s, folder.path()});
        QVERIFY2(branch.options, qPrintable(branch.output));
        QVERIFY(!branch.options->workingCopy);
        const ParseOutcome workingCopy = parse({u"preview"_s, folder.path(), u"--working-copy"_s});
        QVERIFY2(workingCopy.options, qPrintable(workingCopy.output));
        QVERIFY(workingCopy.options->workingCopy);
        QVERIFY(workingCopy.options->branch.isEmpty());

        for (const QString& address : {u"https://github.com/octo/app"_s, u"octo/app"_s}) {
            const ParseOutcome remote = parse({u"preview"_s, address, u"--working-copy"_s});
            QVERIFY(!remote.options);
            QCOMPARE(remote.exitCode, int(ExitUsage));
            QVERIFY(remote.toStderr);
            QVERIFY2(remote.output.startsWith(u"--working-copy is for a folder on this computer"_s),
                     qPrintable(remote.output));
        }
        const ParseOutcome withBranch =
            parse({u"preview"_s, folder.path(), u"--working-copy"_s, u"--branch"_s, u"main"_s});
        QVERIFY(!withBranch.options);
        QCOMPARE(withBranch.exitCode, int(ExitUsage));
        QVERIFY2(withBranch.output.startsWith(u"--working-copy does not go with --branch"_s),
                 qPrintable(withBranch.output));
        QVERIFY(parse({u"--help"_s}).output.contains(u"--working-copy"_s));
    }

    // Issue 17: a link to a private Daytona preview that expires, 1 minute to a day (the API's
    // 1 to 86400 seconds); it means nothing for a public preview or another back end.
    void signedUrlTakesMinutesOnDaytona()
    {
        const QStringList daytona{u"preview"_s, u"https://github.com/octo/app"_s, u"--provider"_s,
                                  u"daytona"_s};
        const ParseOutcome outcome = parse(daytona + QStringList{u"--signed-url"_s, u"30"_s});
        QVERIFY2(outcome.options, qPrintable(outcome.output));
        QCOMPARE(outcome.options->signedUrlMinutes, 30);
        QCOMPARE(parse(daytona).options->signedUrlMinutes, 0);
        for (const QString& minutes : {u"0"_s, u"1441"_s, u"soon"_s}) {
            const ParseOutcome refused = parse(daytona + QStringList{u"--signed-url"_s, minutes});
            QVERIFY(!refused.options);
            QVERIFY2(refused.output.startsWith(u"--signed-url takes a number of minutes"_s),
                     qPrintable(refused.output));
        }
        QVERIFY(!parse(daytona + QStringList{u"--signed-url"_s, u"5"_s, u"--public"_s}).options);
        const ParseOutcome local = parse({u"preview"_s, u"octo/app"_s, u"--signed-url"_s, u"5"_s});
        QVERIFY(!local.options);
        QVERIFY2(local.output.startsWith(u"--signed-url only applies to --provider daytona"_s),
                 qPrintable(local.output));
        QVERIFY(parse({u"--help"_s}).output.contains(u"--signed-url <minutes>"_s));
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
