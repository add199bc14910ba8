#include "HostCommand.h"

#include "core/Failure.h"
#include "core/SignalWait.h"

#include <QProcess>
#include <QStandardPaths>

using namespace Qt::StringLiterals;

namespace forge {

QString requiredProgram(const QString& name, const QString& why)
{
    const QString program = QStandardPaths::findExecutable(name);
    if (program.isEmpty()) {
        throw Failure::permanent(
            u"“%1” is not installed on this computer."_s.arg(name),
            u"%1 Install %2 (on Debian or Ubuntu: sudo apt install %2) and run again."_s.arg(why, name));
    }
    return program;
}

QCoro::Task<CommandResult> runOnThisMachine(QString program, QStringList arguments,
                                            QProcessEnvironment environment, QString directory,
                                            OutputSink sink, std::chrono::milliseconds limit)
{
    QProcess process;
    process.setProgram(program);
    process.setArguments(arguments);
    process.setProcessEnvironment(environment);
    process.setWorkingDirectory(directory);
    process.setStandardInputFile(QProcess::nullDevice());
    QObject::connect(&process, &QProcess::readyReadStandardOutput, &process, [&process, sink] {
        const QByteArray bytes = process.readAllStandardOutput();
        if (sink)
            sink(OutputChannel::Stdout, bytes);
    });
    QObject::connect(&process, &QProcess::readyReadStandardError, &process, [&process, sink] {
        const QByteArray bytes = process.readAllStandardError();
        if (sink)
            sink(OutputChannel::Stderr, bytes);
    });
    process.start();
    if (!process.waitForStarted(10'000)) {
        throw Failure::permanent(u"Could not start %1: %2."_s.arg(program, process.errorString()),
                                 u"Check that it is installed and can run, then run again."_s);
    }
    const bool finished = co_await waitForSignal(&process, &QProcess::finished, limit);
    CommandResult result;
    if (!finished) {
        process.kill();
        process.waitForFinished(5000);
        result.timedOut = true;
        co_return result;
    }
    // QProcess reads the pipes dry before it emits finished(), so this is normally nothing; it is
    // read all the same because a caller may keep stdout as data (PullRequestMirror's archive).
    const QByteArray restOut = process.readAllStandardOutput();
    if (sink && !restOut.isEmpty())
        sink(OutputChannel::Stdout, restOut);
    const QByteArray restErr = process.readAllStandardError();
    if (sink && !restErr.isEmpty())
        sink(OutputChannel::Stderr, restErr);
    result.exitCode = process.exitCode();
    result.crashed = process.exitStatus() == QProcess::CrashExit;
    co_return result;
}

} // namespace forge
