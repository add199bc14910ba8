// The one place that turns an argument vector into a shell line (the toolbox takes shell lines):
// checked against a real /bin/sh, so what the program receives is exactly what was given.

#include "sandbox/daytona/ShellCommand.h"

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

    void refusesWhatCannotBeExpressed()
    {
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, forge::shell::commandLine({}, {}, {}));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument,
                                 forge::shell::commandLine({u"true"_s}, {}, {{u"BAD NAME"_s, u"x"_s}}));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument,
                                 forge::shell::commandLine({u"A=b"_s}, {}, {{u"OK"_s, u"x"_s}}));
    }
};

QTEST_GUILESS_MAIN(TestShellCommand)
#include "tst_shellcommand.moc"
