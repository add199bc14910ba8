#pragma once

#include "sandbox/SandboxProvider.h"
#include "workflow/WorkflowTypes.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QJsonObject>
#include <QTextStream>

namespace forge::cli {

// Prints the workflow's progress: readable text (coloured on a terminal unless NO_COLOR is set) or,
// with --json, one JSON object per line for scripts. Everything it prints has been redacted by the
// workflow already; it adds no secrets of its own.
class CliReporter final
{
    Q_DISABLE_COPY_MOVE(CliReporter)
public:
    CliReporter(bool json, FILE* out, FILE* err);

    // `workingCopy`: a local folder's files as they are on disk now (--working-copy), not a branch.
    void started(const RepoRef& repository, const QString& branch, bool workingCopy, RunMode mode,
                 const QString& provider);
    void stepStarted(StepId step, int attempt);
    // A step an interrupted earlier run finished (read back, not run again).
    void stepRestored(StepId step, StepStatus status, const QString& summary);
    void stepOutput(StepId step, OutputChannel channel, const QString& line);
    void stepRetrying(StepId step, int nextAttempt, qint64 delayMs, const QString& reason);
    void stepFinished(StepId step, StepStatus status, qint64 durationMs, const QString& summary);
    void plan(const RunPlan& plan);
    // The Node.js and package manager the run uses (text: the build log's own line says it).
    void toolchain(const ToolchainChoice& toolchain);
    void notice(const QString& message);
    void ready(const QUrl& url, bool exitWhenReady);
    // A link to the preview that needs no token until `expires` (--signed-url).
    void signedUrl(const QUrl& url, const QDateTime& expires);
    void failed(const StepFailure& failure);
    void serverExited(int exitCode);
    void stopping();
    void stopped(int exitCode);

private:
    void emitJson(QJsonObject object);
    QString paint(const QString& text, const char* ansi) const;
    static QString seconds(qint64 ms);

    bool m_json;
    bool m_colour;
    QTextStream m_out;
    QTextStream m_err;
    QElapsedTimer m_clock;
};

} // namespace forge::cli
