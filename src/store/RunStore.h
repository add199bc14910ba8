#pragma once

#include <QDateTime>
#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QSqlQuery>
#include <QString>
#include <QStringList>
#include <QTimer>
#include <optional>

namespace forge {

class Database;

// One run of the workflow for a project. Status: running, succeeded, failed, cancelled or
// interrupted (a run the process did not live to finish, found "running" at the next start).
struct RunRecord
{
    qint64 id = 0;
    QString projectId;
    QDateTime startedAt;
    QDateTime finishedAt;
    QString status;
    QString failedStep;
    QString error;
};

// One step of a run in the journal. Step names and statuses are the workflow's own strings.
struct StepRecord
{
    QString step;
    QString status;
    int attempt = 0;
    QDateTime startedAt;
    QDateTime finishedAt;
    QJsonObject result;
    QString error;
};

// One line of a run's log, as the build log shows it (already redacted by the caller).
struct LogRecord
{
    qint64 id = 0; // given by the store; ignored by appendLog
    QString step;
    int channel = 0;
    QString text;
    QString styled;
    bool isError = false;
    QDateTime at;
};

// Runs, the step journal and the logs, in the Database. Steps are written at once, each in its own
// committed transaction (synchronous=FULL: on disk before the step proceeds); log lines are
// buffered and written in batches (500 lines or 200 ms, whichever comes first, and on flush() and
// destruction). Reads see the buffered lines too. Errors are reported with qWarning (the driver's
// message, never the values) and lastError(). Must be destroyed before its Database.
class RunStore final
{
public:
    static constexpr int LogBatchSize = 500;
    static constexpr int LogFlushIntervalMs = 200;
    // A run keeps its newest this-many log lines: a dev server that prints for days (or floods its
    // output on purpose) must not fill the disk. Older lines are deleted in slices as new ones come.
    static constexpr qint64 MaxLogLinesPerRun = 100'000;

    explicit RunStore(Database& database);
    ~RunStore();
    RunStore(const RunStore&) = delete;
    RunStore& operator=(const RunStore&) = delete;

    // The new run's id (status running), or 0 when it could not be stored (e.g. no such project).
    qint64 startRun(const QString& projectId);
    void finishRun(qint64 runId, const QString& status, const QString& failedStep = {},
                   const QString& error = {});
    std::optional<RunRecord> run(qint64 runId) const;
    std::optional<RunRecord> latestRun(const QString& projectId) const;
    // The newest run still marked running: what a killed process left behind.
    std::optional<RunRecord> unfinishedRun(const QString& projectId) const;
    void markInterrupted(qint64 runId);
    // Marks a finished run running again (its preview is being brought back after a restart).
    void reopenRun(qint64 runId);

    void recordStepStarted(qint64 runId, const QString& step, int attempt,
                           const QDateTime& at = QDateTime::currentDateTimeUtc());
    void recordStepFinished(qint64 runId, const QString& step, const QString& status,
                            const QJsonObject& result, const QString& error,
                            const QDateTime& at = QDateTime::currentDateTimeUtc());
    // In the order they were first recorded.
    QList<StepRecord> steps(qint64 runId) const;
    std::optional<StepRecord> step(qint64 runId, const QString& step) const;
    // Removes these steps' entries so they run again.
    void forgetSteps(qint64 runId, const QStringList& steps);

    void appendLog(qint64 runId, const LogRecord& line);
    // Writes the buffered lines now; false when they could not be written (they are dropped).
    bool flush();
    // Lines with id > afterId, oldest first, at most `limit` (all when negative).
    QList<LogRecord> log(qint64 runId, qint64 afterId = 0, int limit = -1) const;
    qint64 logLineCount(qint64 runId) const;

    QString lastError() const { return m_lastError; }

private:
    struct PendingLine
    {
        qint64 runId;
        LogRecord line;
    };
    bool writePending() const;
    // Deletes the oldest lines of `runId` past MaxLogLinesPerRun (within the open transaction, after
    // `added` new lines were inserted).
    bool trimLog(qint64 runId, qint64 added) const;
    // The lines of `runId` in the database (not the buffered ones); nullopt when it cannot be read.
    std::optional<qint64> storedLineCount(qint64 runId) const;
    bool report(const QSqlQuery& query, const char* what) const;

    Database& m_database;
    mutable QList<PendingLine> m_pending;
    // Lines stored per run, counted once per run and then kept up to date, so trimming costs nothing
    // until it is needed.
    mutable QHash<qint64, qint64> m_storedLines;
    QTimer m_flushTimer;
    mutable QString m_lastError;
};

} // namespace forge
