#include "RunStore.h"

#include "Database.h"

#include <QJsonDocument>
#include <QLoggingCategory>
#include <QSqlError>
#include <QVariant>

using namespace Qt::StringLiterals;

namespace forge {

namespace {

Q_LOGGING_CATEGORY(lcRunStore, "forge.store.runs")

// The SQLite driver binds a string without data (a null QString, and some empty ones) as NULL; the
// columns that hold text are NOT NULL DEFAULT ''. A literal always has data.
QString notNull(const QString& text)
{
    return text.isEmpty() ? u""_s : text;
}

QVariant toDb(const QDateTime& time)
{
    return time.isValid() ? QVariant(time.toMSecsSinceEpoch()) : QVariant(QMetaType::fromType<qint64>());
}

QDateTime fromDb(const QVariant& value)
{
    return value.isNull() ? QDateTime() : QDateTime::fromMSecsSinceEpoch(value.toLongLong(), Qt::UTC);
}

QVariant jsonToDb(const QJsonObject& object)
{
    return QString::fromUtf8(QJsonDocument(object).toJson(QJsonDocument::Compact));
}

QJsonObject jsonFromDb(const QVariant& value)
{
    return value.isNull() ? QJsonObject() : QJsonDocument::fromJson(value.toString().toUtf8()).object();
}

const QString RunColumns = u"id, project_id, started_at, finished_at, status, failed_step, error"_s;

RunRecord runFrom(const QSqlQuery& query)
{
    RunRecord run;
    run.id = query.value(0).toLongLong();
    run.projectId = query.value(1).toString();
    run.startedAt = fromDb(query.value(2));
    run.finishedAt = fromDb(query.value(3));
    run.status = query.value(4).toString();
    run.failedStep = query.value(5).toString();
    run.error = query.value(6).toString();
    return run;
}

const QString StepColumns = u"step, status, attempt, started_at, finished_at, result_json, error"_s;

StepRecord stepFrom(const QSqlQuery& query)
{
    StepRecord step;
    step.step = query.value(0).toString();
    step.status = query.value(1).toString();
    step.attempt = query.value(2).toInt();
    step.startedAt = fromDb(query.value(3));
    step.finishedAt = fromDb(query.value(4));
    step.result = jsonFromDb(query.value(5));
    step.error = query.value(6).toString();
    return step;
}

} // namespace

RunStore::RunStore(Database& database)
    : m_database(database)
{
    m_flushTimer.setSingleShot(true);
    m_flushTimer.setInterval(LogFlushIntervalMs);
    m_flushTimer.callOnTimeout([this] { flush(); });
}

RunStore::~RunStore()
{
    writePending();
}

bool RunStore::report(const QSqlQuery& query, const char* what) const
{
    // The driver's message names tables and constraints, never the values bound to the query.
    m_lastError = query.lastError().text();
    qCWarning(lcRunStore, "Could not %s: %s", what, qPrintable(m_lastError));
    return false;
}

qint64 RunStore::startRun(const QString& projectId)
{
    QSqlQuery query(m_database.connection());
    query.prepare(u"INSERT INTO runs (project_id, started_at, status) VALUES (?, ?, 'running')"_s);
    query.addBindValue(notNull(projectId));
    query.addBindValue(toDb(QDateTime::currentDateTimeUtc()));
    if (!query.exec()) {
        report(query, "start a run");
        return 0;
    }
    return query.lastInsertId().toLongLong();
}

void RunStore::finishRun(qint64 runId, const QString& status, const QString& failedStep, const QString& error)
{
    QSqlQuery query(m_database.connection());
    query.prepare(u"UPDATE runs SET status = ?, failed_step = ?, error = ?, finished_at = ? WHERE id = ?"_s);
    query.addBindValue(notNull(status));
    query.addBindValue(notNull(failedStep));
    query.addBindValue(notNull(error));
    query.addBindValue(toDb(QDateTime::currentDateTimeUtc()));
    query.addBindValue(runId);
    if (!query.exec())
        report(query, "finish a run");
}

std::optional<RunRecord> RunStore::run(qint64 runId) const
{
    QSqlQuery query(m_database.connection());
    query.setForwardOnly(true);
    query.prepare(u"SELECT %1 FROM runs WHERE id = ?"_s.arg(RunColumns));
    query.addBindValue(runId);
    if (!query.exec()) {
        report(query, "read a run");
        return std::nullopt;
    }
    if (!query.next())
        return std::nullopt;
    return runFrom(query);
}

std::optional<RunRecord> RunStore::latestRun(const QString& projectId) const
{
    QSqlQuery query(m_database.connection());
    query.setForwardOnly(true);
    query.prepare(u"SELECT %1 FROM runs WHERE project_id = ? ORDER BY id DESC LIMIT 1"_s.arg(RunColumns));
    query.addBindValue(notNull(projectId));
    if (!query.exec()) {
        report(query, "read the latest run");
        return std::nullopt;
    }
    if (!query.next())
        return std::nullopt;
    return runFrom(query);
}

std::optional<RunRecord> RunStore::unfinishedRun(const QString& projectId) const
{
    QSqlQuery query(m_database.connection());
    query.setForwardOnly(true);
    query.prepare(
        u"SELECT %1 FROM runs WHERE project_id = ? AND status = 'running' ORDER BY id DESC LIMIT 1"_s.arg(
            RunColumns));
    query.addBindValue(notNull(projectId));
    if (!query.exec()) {
        report(query, "read an unfinished run");
        return std::nullopt;
    }
    if (!query.next())
        return std::nullopt;
    return runFrom(query);
}

void RunStore::markInterrupted(qint64 runId)
{
    QSqlQuery query(m_database.connection());
    query.prepare(
        u"UPDATE runs SET status = 'interrupted', finished_at = ? WHERE id = ? AND status = 'running'"_s);
    query.addBindValue(toDb(QDateTime::currentDateTimeUtc()));
    query.addBindValue(runId);
    if (!query.exec())
        report(query, "mark a run interrupted");
}

void RunStore::reopenRun(qint64 runId)
{
    QSqlQuery query(m_database.connection());
    query.prepare(u"UPDATE runs SET status = 'running', finished_at = NULL, failed_step = '', error = '' "
                  u"WHERE id = ?"_s);
    query.addBindValue(runId);
    if (!query.exec())
        report(query, "reopen a run");
}

void RunStore::recordStepStarted(qint64 runId, const QString& step, int attempt, const QDateTime& at)
{
    // One statement in autocommit mode: its own transaction, on disk when exec() returns.
    QSqlQuery query(m_database.connection());
    query.prepare(
        u"INSERT INTO steps (run_id, step, status, attempt, started_at) VALUES (?, ?, 'running', ?, ?) "
        u"ON CONFLICT (run_id, step) DO UPDATE SET status = 'running', attempt = excluded.attempt, "
        u"started_at = excluded.started_at, finished_at = NULL, result_json = NULL, error = ''"_s);
    query.addBindValue(runId);
    query.addBindValue(notNull(step));
    query.addBindValue(attempt);
    query.addBindValue(toDb(at));
    if (!query.exec())
        report(query, "record a step's start");
}

void RunStore::recordStepFinished(qint64 runId, const QString& step, const QString& status,
                                  const QJsonObject& result, const QString& error, const QDateTime& at)
{
    QSqlQuery query(m_database.connection());
    query.prepare(u"INSERT INTO steps (run_id, step, status, finished_at, result_json, error) "
                  u"VALUES (?, ?, ?, ?, ?, ?) "
                  u"ON CONFLICT (run_id, step) DO UPDATE SET status = excluded.status, "
                  u"finished_at = excluded.finished_at, result_json = excluded.result_json, "
                  u"error = excluded.error"_s);
    query.addBindValue(runId);
    query.addBindValue(notNull(step));
    query.addBindValue(notNull(status));
    query.addBindValue(toDb(at));
    query.addBindValue(jsonToDb(result));
    query.addBindValue(notNull(error));
    if (!query.exec())
        report(query, "record a step's end");
}

QList<StepRecord> RunStore::steps(qint64 runId) const
{
    QList<StepRecord> list;
    QSqlQuery query(m_database.connection());
    query.setForwardOnly(true);
    query.prepare(u"SELECT %1 FROM steps WHERE run_id = ? ORDER BY rowid"_s.arg(StepColumns));
    query.addBindValue(runId);
    if (!query.exec()) {
        report(query, "read the steps of a run");
        return list;
    }
    while (query.next())
        list.append(stepFrom(query));
    return list;
}

std::optional<StepRecord> RunStore::step(qint64 runId, const QString& step) const
{
    QSqlQuery query(m_database.connection());
    query.setForwardOnly(true);
    query.prepare(u"SELECT %1 FROM steps WHERE run_id = ? AND step = ?"_s.arg(StepColumns));
    query.addBindValue(runId);
    query.addBindValue(notNull(step));
    if (!query.exec()) {
        report(query, "read a step");
        return std::nullopt;
    }
    if (!query.next())
        return std::nullopt;
    return stepFrom(query);
}

void RunStore::forgetSteps(qint64 runId, const QStringList& steps)
{
    if (steps.isEmpty())
        return;
    if (const StoreResult<> begun = m_database.transaction(); !begun.ok()) {
        m_lastError = begun.message();
        qCWarning(lcRunStore, "Could not forget steps: %s", qPrintable(m_lastError));
        return;
    }
    QSqlQuery query(m_database.connection());
    query.prepare(u"DELETE FROM steps WHERE run_id = ? AND step = ?"_s);
    for (const QString& step : steps) {
        query.bindValue(0, runId);
        query.bindValue(1, notNull(step));
        if (!query.exec()) {
            report(query, "forget steps");
            m_database.rollback();
            return;
        }
    }
    if (const StoreResult<> committed = m_database.commit(); !committed.ok()) {
        m_lastError = committed.message();
        qCWarning(lcRunStore, "Could not forget steps: %s", qPrintable(m_lastError));
        m_database.rollback();
    }
}

void RunStore::appendLog(qint64 runId, const LogRecord& line)
{
    m_pending.append({runId, line});
    if (m_pending.size() >= LogBatchSize)
        flush();
    else if (!m_flushTimer.isActive())
        m_flushTimer.start();
}

bool RunStore::flush()
{
    m_flushTimer.stop();
    return writePending();
}

bool RunStore::trimLog(qint64 runId, qint64 added) const
{
    // Whole slices of a tenth of the limit: one indexed delete every 10,000 lines at most.
    constexpr qint64 Slack = MaxLogLinesPerRun / 10;
    if (!m_storedLines.contains(runId)) {
        const std::optional<qint64> stored = storedLineCount(runId);
        if (!stored)
            return false;
        m_storedLines.insert(runId, *stored); // the new lines included
    } else {
        m_storedLines[runId] += added;
    }
    if (m_storedLines.value(runId) <= MaxLogLinesPerRun + Slack)
        return true;
    QSqlQuery trim(m_database.connection());
    trim.prepare(
        u"DELETE FROM log_lines WHERE run_id = ? AND id < (SELECT id FROM log_lines WHERE run_id = ? "
        u"ORDER BY id DESC LIMIT 1 OFFSET ?)"_s);
    trim.addBindValue(runId);
    trim.addBindValue(runId);
    trim.addBindValue(MaxLogLinesPerRun - 1);
    if (!trim.exec())
        return report(trim, "trim log lines");
    m_storedLines[runId] = MaxLogLinesPerRun;
    return true;
}

bool RunStore::writePending() const
{
    if (m_pending.isEmpty())
        return true;
    const QList<PendingLine> lines = std::exchange(m_pending, {});
    if (const StoreResult<> begun = m_database.transaction(); !begun.ok()) {
        m_lastError = begun.message();
        qCWarning(lcRunStore, "Could not write %lld log lines: %s", qint64(lines.size()),
                  qPrintable(m_lastError));
        return false;
    }
    QSqlQuery query(m_database.connection());
    query.prepare(u"INSERT INTO log_lines (run_id, step, channel, text, styled, is_error, at) "
                  u"VALUES (?, ?, ?, ?, ?, ?, ?)"_s);
    for (const PendingLine& pending : lines) {
        const LogRecord& line = pending.line;
        query.bindValue(0, pending.runId);
        query.bindValue(1, notNull(line.step));
        query.bindValue(2, line.channel);
        query.bindValue(3, notNull(line.text));
        query.bindValue(4, line.styled.isNull() ? QVariant(QMetaType::fromType<QString>())
                                                : QVariant(line.styled));
        query.bindValue(5, line.isError ? 1 : 0);
        query.bindValue(6, toDb(line.at));
        if (!query.exec()) {
            report(query, "write log lines");
            m_database.rollback();
            return false;
        }
    }
    QHash<qint64, qint64> added;
    for (const PendingLine& pending : lines)
        ++added[pending.runId];
    for (auto it = added.cbegin(); it != added.cend(); ++it) {
        if (!trimLog(it.key(), it.value())) {
            m_database.rollback();
            m_storedLines.clear(); // the counts took in lines that were rolled back; count again
            return false;
        }
    }
    if (const StoreResult<> committed = m_database.commit(); !committed.ok()) {
        m_lastError = committed.message();
        qCWarning(lcRunStore, "Could not write %lld log lines: %s", qint64(lines.size()),
                  qPrintable(m_lastError));
        m_database.rollback();
        m_storedLines.clear(); // as above
        return false;
    }
    return true;
}

QList<LogRecord> RunStore::log(qint64 runId, qint64 afterId, int limit) const
{
    writePending(); // the buffered lines are part of the log
    QList<LogRecord> lines;
    QSqlQuery query(m_database.connection());
    query.setForwardOnly(true);
    query.prepare(u"SELECT id, step, channel, text, styled, is_error, at FROM log_lines "
                  u"WHERE run_id = ? AND id > ? ORDER BY id LIMIT ?"_s);
    query.addBindValue(runId);
    query.addBindValue(afterId);
    query.addBindValue(limit < 0 ? -1 : limit);
    if (!query.exec()) {
        report(query, "read a run's log");
        return lines;
    }
    if (limit > 0)
        lines.reserve(limit);
    while (query.next()) {
        LogRecord line;
        line.id = query.value(0).toLongLong();
        line.step = query.value(1).toString();
        line.channel = query.value(2).toInt();
        line.text = query.value(3).toString();
        line.styled = query.value(4).toString();
        line.isError = query.value(5).toInt() != 0;
        line.at = fromDb(query.value(6));
        lines.append(std::move(line));
    }
    return lines;
}

qint64 RunStore::logLineCount(qint64 runId) const
{
    writePending();
    return storedLineCount(runId).value_or(0);
}

std::optional<qint64> RunStore::storedLineCount(qint64 runId) const
{
    QSqlQuery query(m_database.connection());
    query.setForwardOnly(true);
    query.prepare(u"SELECT count(*) FROM log_lines WHERE run_id = ?"_s);
    query.addBindValue(runId);
    if (!query.exec() || !query.next()) {
        report(query, "count a run's log lines");
        return std::nullopt;
    }
    return query.value(0).toLongLong();
}

} // namespace forge
