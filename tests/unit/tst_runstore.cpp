#include "store/Database.h"
#include "store/RunStore.h"

#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace forge;

class TestRunStore : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;

    QString databasePath() const { return m_dir.filePath(u"forge-preview.db"_s); }

    static std::unique_ptr<Database> openDatabase(const QString& path)
    {
        auto opened = Database::open(path);
        if (!opened.ok()) {
            qWarning("%s", qPrintable(opened.message()));
            return nullptr;
        }
        return std::move(opened).value();
    }

    static void addProject(Database& database, const QString& id)
    {
        QSqlQuery query(database.connection());
        query.prepare(
            u"INSERT OR IGNORE INTO projects (id, repository) VALUES (?, 'https://github.com/a/b')"_s);
        query.addBindValue(id);
        QVERIFY(query.exec());
    }

    static LogRecord line(const QString& text, const QString& step = u"install"_s)
    {
        LogRecord record;
        record.step = step;
        record.channel = 1;
        record.text = text;
        record.at = QDateTime(QDate(2026, 11, 23), QTime(12, 0, 1, 250), Qt::UTC);
        return record;
    }

private Q_SLOTS:
    void init()
    {
        QFile::remove(databasePath());
        QFile::remove(databasePath() + u"-wal"_s);
        QFile::remove(databasePath() + u"-shm"_s);
    }

    void runsAndStepsRoundTrip()
    {
        auto database = openDatabase(databasePath());
        QVERIFY(database);
        addProject(*database, u"p1"_s);
        RunStore store(*database);
        QVERIFY(!store.latestRun(u"p1"_s));
        QCOMPARE(store.startRun(u"no-such-project"_s), 0); // the foreign key holds
        QVERIFY(!store.lastError().isEmpty());

        const qint64 first = store.startRun(u"p1"_s);
        QVERIFY(first > 0);
        const QDateTime started(QDate(2026, 11, 23), QTime(12, 0, 0, 5), Qt::UTC);
        const QDateTime finished = started.addSecs(3);
        store.recordStepStarted(first, u"create-sandbox"_s, 1, started);
        store.recordStepFinished(first, u"create-sandbox"_s, u"succeeded"_s, {{u"sandboxId"_s, u"sb-1"_s}},
                                 {}, finished);
        store.recordStepStarted(first, u"clone"_s, 1, started);
        store.recordStepStarted(first, u"clone"_s, 2, finished); // a retry
        store.recordStepFinished(first, u"clone"_s, u"failed"_s, {}, u"git exited with code 128"_s, finished);
        store.finishRun(first, u"failed"_s, u"clone"_s, u"git exited with code 128"_s);

        const QList<StepRecord> steps = store.steps(first);
        QCOMPARE(steps.size(), 2);
        QCOMPARE(steps.at(0).step, u"create-sandbox"_s);
        QCOMPARE(steps.at(0).status, u"succeeded"_s);
        QCOMPARE(steps.at(0).attempt, 1);
        QCOMPARE(steps.at(0).startedAt, started);
        QCOMPARE(steps.at(0).finishedAt, finished);
        QCOMPARE(steps.at(0).result.value(u"sandboxId"_s).toString(), u"sb-1"_s);
        QCOMPARE(steps.at(1).step, u"clone"_s);
        QCOMPARE(steps.at(1).attempt, 2);
        QCOMPARE(steps.at(1).status, u"failed"_s);
        QCOMPARE(steps.at(1).error, u"git exited with code 128"_s);
        QCOMPARE(store.step(first, u"clone"_s)->startedAt, finished);
        QVERIFY(!store.step(first, u"install"_s));

        const auto run = store.latestRun(u"p1"_s);
        QVERIFY(run);
        QCOMPARE(run->id, first);
        QCOMPARE(run->projectId, u"p1"_s);
        QCOMPARE(run->status, u"failed"_s);
        QCOMPARE(run->failedStep, u"clone"_s);
        QCOMPARE(run->error, u"git exited with code 128"_s);
        QVERIFY(run->startedAt.isValid());
        QVERIFY(run->finishedAt >= run->startedAt);
        QVERIFY(!store.unfinishedRun(u"p1"_s));

        // A newer run is the latest; forgetting steps makes them run again.
        const qint64 second = store.startRun(u"p1"_s);
        QVERIFY(second > first);
        QCOMPARE(store.latestRun(u"p1"_s)->id, second);
        QCOMPARE(store.latestRun(u"p1"_s)->status, u"running"_s);
        QVERIFY(!store.latestRun(u"p1"_s)->finishedAt.isValid());
        store.recordStepFinished(second, u"create-sandbox"_s, u"succeeded"_s, {}, {}, finished);
        store.recordStepFinished(second, u"clone"_s, u"succeeded"_s, {}, {}, finished);
        store.recordStepFinished(second, u"install"_s, u"succeeded"_s, {}, {}, finished);
        store.forgetSteps(second, {u"clone"_s, u"install"_s});
        QCOMPARE(store.steps(second).size(), 1);
        store.recordStepStarted(second, u"clone"_s, 1, finished);
        QCOMPARE(store.steps(second).last().step, u"clone"_s);
        QCOMPARE(store.steps(second).last().status, u"running"_s);
        QCOMPARE(store.steps(first).size(), 2); // the first run's journal is its own
        store.finishRun(second, u"succeeded"_s);
        QCOMPARE(store.run(second)->status, u"succeeded"_s);
        QVERIFY(store.lastError().contains(u"FOREIGN KEY"_s, Qt::CaseInsensitive));
    }

    void aRunTheProcessDidNotFinishIsFoundAgain()
    {
        qint64 runId = 0;
        {
            auto database = openDatabase(databasePath());
            QVERIFY(database);
            addProject(*database, u"p1"_s);
            RunStore store(*database);
            runId = store.startRun(u"p1"_s);
            store.recordStepFinished(runId, u"create-sandbox"_s, u"succeeded"_s,
                                     {{u"sandboxId"_s, u"sb-7"_s}}, {});
            store.recordStepStarted(runId, u"clone"_s, 1);
            // The process dies here: no finishRun, no recordStepFinished.
        }
        auto database = openDatabase(databasePath());
        QVERIFY(database);
        RunStore store(*database);
        const auto unfinished = store.unfinishedRun(u"p1"_s);
        QVERIFY(unfinished);
        QCOMPARE(unfinished->id, runId);
        const QList<StepRecord> steps = store.steps(runId);
        QCOMPARE(steps.size(), 2);
        QCOMPARE(steps.at(0).status, u"succeeded"_s);
        QCOMPARE(steps.at(0).result.value(u"sandboxId"_s).toString(), u"sb-7"_s);
        QCOMPARE(steps.at(1).step, u"clone"_s);
        QCOMPARE(steps.at(1).status, u"running"_s);
        QVERIFY(!steps.at(1).finishedAt.isValid());

        store.markInterrupted(runId);
        QVERIFY(!store.unfinishedRun(u"p1"_s));
        QCOMPARE(store.latestRun(u"p1"_s)->status, u"interrupted"_s);
        QVERIFY(store.latestRun(u"p1"_s)->finishedAt.isValid());
    }

    void logsComeBackInOrderAcrossBatches()
    {
        auto database = openDatabase(databasePath());
        QVERIFY(database);
        addProject(*database, u"p1"_s);
        RunStore store(*database);
        const qint64 run = store.startRun(u"p1"_s);
        const qint64 other = store.startRun(u"p1"_s);
        const int count = RunStore::LogBatchSize * 2 + 37;
        for (int i = 0; i < count; ++i) {
            LogRecord record = line(u"line %1"_s.arg(i), i < 10 ? u"clone"_s : u"install"_s);
            record.isError = i % 7 == 0;
            record.styled = i % 2 ? u"<b>line %1</b>"_s.arg(i) : QString();
            store.appendLog(run, record);
            if (i % 100 == 0)
                store.appendLog(other, line(u"other %1"_s.arg(i)));
        }
        QCOMPARE(store.logLineCount(run), count); // buffered lines are counted too
        const QList<LogRecord> lines = store.log(run);
        QCOMPARE(lines.size(), count);
        qint64 previous = 0;
        for (int i = 0; i < count; ++i) {
            const LogRecord& record = lines.at(i);
            QCOMPARE(record.text, u"line %1"_s.arg(i));
            QCOMPARE(record.step, i < 10 ? u"clone"_s : u"install"_s);
            QCOMPARE(record.isError, i % 7 == 0);
            QCOMPARE(record.styled, i % 2 ? u"<b>line %1</b>"_s.arg(i) : QString());
            QCOMPARE(record.channel, 1);
            QCOMPARE(record.at, line({}).at);
            QVERIFY(record.id > previous);
            previous = record.id;
        }
        QCOMPARE(store.logLineCount(other), (count + 99) / 100);
        QCOMPARE(store.log(other).first().text, u"other 0"_s);

        // Paging: after an id, at most `limit`.
        const QList<LogRecord> page = store.log(run, lines.at(99).id, 50);
        QCOMPARE(page.size(), 50);
        QCOMPARE(page.first().text, u"line 100"_s);
        QCOMPARE(page.last().text, u"line 149"_s);
        QCOMPARE(store.log(run, lines.last().id).size(), 0);
        QCOMPARE(store.log(run, lines.at(count - 3).id).size(), 2);
    }

    void aFloodingRunKeepsOnlyItsNewestLines()
    {
        // A dev server that never stops printing: the run's log stays bounded on disk, keeping the
        // newest lines; another run's log is not touched.
        auto database = openDatabase(databasePath());
        QVERIFY(database);
        addProject(*database, u"p1"_s);
        RunStore store(*database);
        const qint64 quiet = store.startRun(u"p1"_s);
        store.appendLog(quiet, line(u"quiet 0"_s));
        const qint64 flood = store.startRun(u"p1"_s);
        const qint64 total = RunStore::MaxLogLinesPerRun * 13 / 10 + 7;
        qint64 mostStored = 0;
        for (qint64 i = 0; i < total; ++i) {
            store.appendLog(flood, line(u"flood %1"_s.arg(i), u"dev"_s));
            if (i % RunStore::LogBatchSize == 0)
                mostStored = std::max(mostStored, store.logLineCount(flood));
        }
        QVERIFY(store.flush());
        QVERIFY2(mostStored <= RunStore::MaxLogLinesPerRun * 11 / 10 + RunStore::LogBatchSize,
                 qPrintable(QString::number(mostStored)));
        const qint64 kept = store.logLineCount(flood);
        QVERIFY2(kept >= RunStore::MaxLogLinesPerRun && kept <= RunStore::MaxLogLinesPerRun * 11 / 10,
                 qPrintable(QString::number(kept)));
        const QList<LogRecord> oldest = store.log(flood, 0, 1);
        QCOMPARE(oldest.first().text, u"flood %1"_s.arg(total - kept));
        QCOMPARE(store.log(flood).last().text, u"flood %1"_s.arg(total - 1));
        QCOMPARE(store.logLineCount(quiet), 1);

        // A store opened later (the next start) counts what is there and goes on trimming.
        RunStore later(*database);
        for (qint64 i = 0; i < RunStore::MaxLogLinesPerRun / 5; ++i)
            later.appendLog(flood, line(u"later %1"_s.arg(i), u"dev"_s));
        QVERIFY(later.flush());
        QVERIFY(later.logLineCount(flood) <= RunStore::MaxLogLinesPerRun * 11 / 10);
        QCOMPARE(later.log(flood).last().text, u"later %1"_s.arg(RunStore::MaxLogLinesPerRun / 5 - 1));
    }

    void bufferedLinesAreWrittenOnDestructionAndByTheTimer()
    {
        qint64 run = 0;
        {
            auto database = openDatabase(databasePath());
            QVERIFY(database);
            addProject(*database, u"p1"_s);
            RunStore store(*database);
            run = store.startRun(u"p1"_s);
            store.appendLog(run, line(u"first"_s));
            // The timer writes a small batch without being asked.
            RunStore reader(*database);
            QTRY_COMPARE_WITH_TIMEOUT(reader.logLineCount(run), 1, 2000);
            store.appendLog(run, line(u"second"_s));
            store.appendLog(run, line(u"third"_s));
            // Destroyed with two lines in its buffer.
        }
        auto database = openDatabase(databasePath());
        QVERIFY(database);
        RunStore store(*database);
        const QList<LogRecord> lines = store.log(run);
        QCOMPARE(lines.size(), 3);
        QCOMPARE(lines.at(0).text, u"first"_s);
        QCOMPARE(lines.at(2).text, u"third"_s);
    }

    void removingAProjectRemovesItsRuns()
    {
        auto database = openDatabase(databasePath());
        QVERIFY(database);
        addProject(*database, u"p1"_s);
        RunStore store(*database);
        const qint64 run = store.startRun(u"p1"_s);
        store.recordStepStarted(run, u"clone"_s, 1);
        store.appendLog(run, line(u"x"_s));
        QVERIFY(store.flush());
        QSqlQuery query(database->connection());
        QVERIFY(query.exec(u"DELETE FROM projects WHERE id = 'p1'"_s));
        QVERIFY(!store.run(run));
        QVERIFY(store.steps(run).isEmpty());
        QCOMPARE(store.logLineCount(run), 0);
    }
};

QTEST_GUILESS_MAIN(TestRunStore)
#include "tst_runstore.moc"
