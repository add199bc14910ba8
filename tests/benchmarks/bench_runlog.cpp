// Writes a long run's log through RunStore and reads it back, printing lines per second for both.
//   bench_runlog [lines]        (200000 by default)
#include "store/Database.h"
#include "store/RunStore.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QSqlQuery>
#include <QTemporaryDir>

using namespace Qt::StringLiterals;
using namespace forge;

int main(int argc, char* argv[])
{
    QCoreApplication app(argc, argv);
    const QStringList arguments = app.arguments();
    const int count = arguments.size() > 1 ? arguments.at(1).toInt() : 200'000;
    if (count <= 0) {
        qCritical("usage: bench_runlog [lines]");
        return 2;
    }
    QTemporaryDir dir;
    const QString path = dir.filePath(u"forge-preview.db"_s);
    auto opened = Database::open(path);
    if (!opened.ok()) {
        qCritical("%s", qPrintable(opened.message()));
        return 1;
    }
    auto database = std::move(opened).value();
    {
        QSqlQuery query(database->connection());
        if (!query.exec(
                u"INSERT INTO projects (id, repository) VALUES ('bench', 'https://github.com/a/b')"_s)) {
            qCritical("could not add the project");
            return 1;
        }
    }
    {
        RunStore store(*database);
        const qint64 run = store.startRun(u"bench"_s);

        const QDateTime now = QDateTime::currentDateTimeUtc();
        QElapsedTimer timer;
        timer.start();
        for (int i = 0; i < count; ++i) {
            LogRecord line;
            line.step = i < count / 10 ? u"install"_s : u"start-dev-server"_s;
            line.channel = i % 3 == 0 ? 2 : 1;
            line.text =
                u"npm warn deprecated package-%1@1.2.%2: this line is as long as a real one"_s.arg(i).arg(i %
                                                                                                          50);
            if (i % 4 == 0)
                line.styled = u"<span style=\"color:#b58900\">"_s + line.text + u"</span>"_s;
            line.isError = i % 97 == 0;
            line.at = now.addMSecs(i);
            store.appendLog(run, line);
        }
        if (!store.flush()) {
            qCritical("could not write the log: %s", qPrintable(store.lastError()));
            return 1;
        }
        const double writeSeconds = timer.nsecsElapsed() / 1e9;

        timer.restart();
        const QList<LogRecord> lines = store.log(run);
        const double readSeconds = timer.nsecsElapsed() / 1e9;
        if (lines.size() != count || lines.last().text.isEmpty()) {
            qCritical("read %lld lines back instead of %d", qint64(lines.size()), count);
            return 1;
        }
        timer.restart();
        const QList<LogRecord> tail = store.log(run, lines.at(count - 1001).id);
        const double tailSeconds = timer.nsecsElapsed() / 1e9;

        qInfo("write: %d lines in %.3f s, %.0f lines/s (batches of %d)", count, writeSeconds,
              count / writeSeconds, RunStore::LogBatchSize);
        qInfo("read:  %d lines in %.3f s, %.0f lines/s", count, readSeconds, count / readSeconds);
        qInfo("tail:  %lld lines after an id in %.4f s", qint64(tail.size()), tailSeconds);
        qInfo("database: %.1f MB (with its WAL)",
              (QFileInfo(path).size() + QFileInfo(path + u"-wal"_s).size()) / 1e6);
    }

    // Opening checks the whole file (PRAGMA quick_check) before using it: what a start costs.
    database.reset();
    QElapsedTimer opening;
    opening.start();
    if (const auto reopened = Database::open(path); !reopened.ok()) {
        qCritical("%s", qPrintable(reopened.message()));
        return 1;
    }
    qInfo("open:  %.3f s (with quick_check)", opening.nsecsElapsed() / 1e9);
    return 0;
}
