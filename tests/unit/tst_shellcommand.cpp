// The one place that turns an argument vector into a shell line (the toolbox takes shell lines):
// checked against a real /bin/sh, so what the program receives is exactly what was given.

#include "sandbox/daytona/ShellCommand.h"

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>
#include <stdexcept>

using namespace Qt::StringLiterals;

namespace {

// Runs `line` in sh and returns what the program printed.
QByteArray runInShell(const QString& line)
{
    QProcess shell;
    shell.start(u"sh"_s, {u"-c"_s, line});
    shell.waitForFinished(10000);
    return shell.readAllStandardOutput();
}

} // namespace

class TestShellCommand : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void argumentsArriveUnchanged_data()
    {
        QTest::addColumn<QString>("argument");
        QTest::newRow("plain") << u"hello"_s;
        QTest::newRow("empty") << QString();
        QTest::newRow("spaces") << u"two words"_s;
        QTest::newRow("single quote") << u"it's"_s;
        QTest::newRow("substitution") << u"$(touch pwned) `touch pwned` $HOME"_s;
        QTest::newRow("separators") << u"a; b && c | d > e"_s;
        QTest::newRow("newline") << u"one\ntwo"_s;
        QTest::newRow("tilde and glob") << u"~ * ?"_s;
        QTest::newRow("assignment-like") << u"A=b"_s;
        QTest::newRow("unicode") << u"é ü 漢字"_s;
    }

    void argumentsArriveUnchanged()
    {
        QFETCH(QString, argument);
        QTemporaryDir directory;
        const QString line =
            forge::shell::commandLine({u"printf"_s, u"%s"_s, argument}, directory.path(), {});
        QCOMPARE(QString::fromUtf8(runInShell(line)), argument);
        QVERIFY(!QFile::exists(directory.filePath(u"pwned"_s)));
    }

    void environmentAndFolderApply()
    {
        QTemporaryDir directory;
        const QString line =
            forge::shell::commandLine({u"sh"_s, u"-c"_s, u"printf '%s|' \"$FORGE_A\"; pwd"_s},
                                      directory.path(), {{u"FORGE_A"_s, u"x 'y' $(z)"_s}});
        const QByteArray output = runInShell(line);
        QVERIFY2(output.startsWith("x 'y' $(z)|"), output.constData());
        QCOMPARE(QString::fromUtf8(output).section(u'|', 1).trimmed(),
                 QDir(directory.path()).canonicalPath());
    }

    // Issue 20: the project's variables reach the program from a file the line reads and deletes;
    // no value is in the line (Daytona keeps session commands), and the file is gone whatever happens.
    void privateEnvironmentComesFromAFileTheLineDeletes_data()
    {
        QTest::addColumn<QString>("value");
        QTest::newRow("stripe key") << u"sk_test_4eC39HqLyjWDarjtT1zdp7dc"_s;
        QTest::newRow("url with quotes") << u"postgres://u:p'w\"d@db/x?a=1&b=$HOME"_s;
        QTest::newRow("substitution") << u"$(touch pwned) `touch pwned`"_s;
        QTest::newRow("newlines") << u"line one\nline two\n"_s;
        QTest::newRow("empty") << QString();
        QTest::newRow("unicode") << u"é ü 漢字"_s;
    }

    void privateEnvironmentComesFromAFileTheLineDeletes()
    {
        QFETCH(QString, value);
        QTemporaryDir directory;
        // A folder with a space and a quote: the file's path is quoted like any argument.
        const QString folder = directory.filePath(u"it's env"_s);
        QVERIFY(QDir().mkpath(folder));
        const QString file = folder + u"/vars $1.sh"_s;
        QFile out(file);
        QVERIFY(out.open(QIODevice::WriteOnly));
        out.write(forge::shell::exportScript({{u"FORGE_SECRET"_s, value}, {u"FORGE_OTHER"_s, u"b"_s}}));
        out.close();

        const QString line = forge::shell::commandLine(
            {u"sh"_s, u"-c"_s, u"printf '%s|%s|%s' \"$FORGE_SECRET\" \"$FORGE_OTHER\" \"$FORGE_PLAIN\""_s},
            directory.path(), {{u"FORGE_PLAIN"_s, u"c"_s}}, {}, file);
        if (!value.isEmpty())
            QVERIFY2(!line.contains(value), qPrintable(line));
        QVERIFY2(line.contains(forge::shell::quote(file)), qPrintable(line));
        QCOMPARE(QString::fromUtf8(runInShell(line)), value + u"|b|c"_s);
        QVERIFY(!QFile::exists(file));
        QVERIFY(!QFile::exists(directory.filePath(u"pwned"_s)));
    }

    // The file is deleted before anything it says runs, and before the folder change: a failing
    // line, a line that ends the shell, a missing folder or a failing program all leave it gone.
    void theEnvironmentFileIsDeletedOnEveryPath_data()
    {
        QTest::addColumn<QByteArray>("content");
        QTest::addColumn<QString>("folder");
        QTest::addColumn<bool>("programRuns");
        QTest::newRow("program fails") << QByteArray("export A=1\n") << QString() << true;
        QTest::newRow("folder missing") << QByteArray("export A=1\n") << u"missing"_s << false;
        QTest::newRow("syntax error") << QByteArray("export A='unterminated\n") << QString() << false;
        QTest::newRow("a line fails") << QByteArray("export A=1\nfalse\n") << QString() << false;
        QTest::newRow("a line ends the shell") << QByteArray("exit 7\n") << QString() << false;
    }

    void theEnvironmentFileIsDeletedOnEveryPath()
    {
        QFETCH(QByteArray, content);
        QFETCH(QString, folder);
        QFETCH(bool, programRuns);
        QTemporaryDir directory;
        const QString file = directory.filePath(u"env.sh"_s);
        QFile out(file);
        QVERIFY(out.open(QIODevice::WriteOnly));
        out.write(content);
        out.close();
        const QString marker = directory.filePath(u"ran"_s);
        const QString line = forge::shell::commandLine(
            {u"sh"_s, u"-c"_s, u"touch \"$0\"; exit 3"_s, marker},
            folder.isEmpty() ? directory.path() : directory.filePath(folder), {}, {}, file);
        QProcess shell;
        shell.start(u"sh"_s, {u"-c"_s, line});
        QVERIFY(shell.waitForFinished(10000));
        QVERIFY(shell.exitCode() != 0);
        QVERIFY2(!QFile::exists(file), qPrintable(line));
        QCOMPARE(QFile::exists(marker), programRuns);
    }

    // A file that is not there (deleted by something else) runs nothing.
    void aMissingEnvironmentFileRunsNothing()
    {
        QTemporaryDir directory;
        const QString marker = directory.filePath(u"ran"_s);
        const QString line = forge::shell::commandLine({u"touch"_s, marker}, directory.path(), {}, {},
                                                       directory.filePath(u"gone.sh"_s));
        QProcess shell;
        shell.start(u"sh"_s, {u"-c"_s, line});
        QVERIFY(shell.waitForFinished(10000));
        QVERIFY(shell.exitCode() != 0);
        QVERIFY(!QFile::exists(marker));
    }

    // The values stay in the subshell: the shell that ran the line (a Daytona session's shell,
    // which outlives the command) never has them.
    void theSessionShellNeverHoldsTheValues()
    {
        QTemporaryDir directory;
        const QString file = directory.filePath(u"env.sh"_s);
        QFile out(file);
        QVERIFY(out.open(QIODevice::WriteOnly));
        out.write(forge::shell::exportScript({{u"FORGE_SECRET"_s, u"hidden"_s}}));
        out.close();
        const QString line =
            forge::shell::commandLine({u"true"_s}, directory.path(), {}, {u"/opt/tools"_s}, file);
        const QByteArray after =
            runInShell(line + u"\nprintf '[%s][%s][%s]' \"$FORGE_SECRET\" \"$__forge_env\" \"$PWD\""_s);
        QCOMPARE(after, "[][][" + QDir::currentPath().toUtf8() + "]");
    }

    void refusesWhatCannotBeExpressed()
    {
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, forge::shell::commandLine({}, {}, {}));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument,
                                 forge::shell::commandLine({u"true"_s}, {}, {{u"BAD NAME"_s, u"x"_s}}));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument,
                                 forge::shell::commandLine({u"A=b"_s}, {}, {{u"OK"_s, u"x"_s}}));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument,
                                 forge::shell::commandLine({u"true"_s}, {}, {}, {}, u"relative/env.sh"_s));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, forge::shell::exportScript({{u"1BAD"_s, u"x"_s}}));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, forge::shell::exportScript({{u"A-B"_s, u"x"_s}}));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument,
                                 forge::shell::exportScript({{u"OK"_s, u"a"_s + QChar(0) + u"b"_s}}));
    }
};

QTEST_GUILESS_MAIN(TestShellCommand)
#include "tst_shellcommand.moc"
