#pragma once

#include "core/DevServerOutputScanner.h"
#include "core/SecretRedactor.h"
#include "sandbox/SandboxProvider.h"

#include <QStringList>
#include <functional>

namespace forge {

// Turns a command's raw stdout/stderr bytes into clean, redacted lines for one step, and keeps the
// first error lines and the last lines for the error message if the step fails. Each channel has its own
// scanner so a partial stdout line is never glued to a stderr line.
class StepOutput final
{
    Q_DISABLE_COPY_MOVE(StepOutput)
public:
    using LineHandler = std::function<void(OutputChannel channel, const ScannedLine& line)>;

    static constexpr int TailSize = 30;
    static constexpr int FirstErrorsSize = 12;

    StepOutput(const SecretRedactor& redactor, LineHandler handler);

    void feed(OutputChannel channel, const QByteArray& bytes);
    // Flushes unterminated last lines once the command has ended.
    void finish();
    QStringList tail() const { return m_tail; }
    // What a failure report shows: the first error lines (tools such as npm print the cause first
    // and pages of help after it), then the last lines.
    QStringList evidence() const;

private:
    void deliver(OutputChannel channel, QList<ScannedLine> lines);

    const SecretRedactor& m_redactor;
    LineHandler m_handler;
    DevServerOutputScanner m_stdout;
    DevServerOutputScanner m_stderr;
    QStringList m_tail;
    QStringList m_firstErrors;
    qint64 m_linesSeen = 0;
};

} // namespace forge
