#pragma once

#include "sandbox/SandboxProvider.h"

#include <QCoroTask>
#include <QProcessEnvironment>
#include <QString>
#include <QStringList>
#include <chrono>

namespace forge {

// Programs that run on this machine, outside every sandbox, for work that must not happen inside
// one: a clone that carries the user's token (daytona/HostClone.cpp), a pull request's new commits
// (PullRequestMirror.cpp).

// The full path of the program `name` found on PATH. Throws a permanent Failure when it is missing,
// saying `why` it is needed and how to install it.
QString requiredProgram(const QString& name, const QString& why);

// Runs `program` here to the end with exactly `environment`, in `directory`, with nothing on its
// standard input; its output goes to `sink` as it comes. A process still running after `limit` is
// killed (the result says timedOut). Throws a permanent Failure when it cannot start.
QCoro::Task<CommandResult> runOnThisMachine(QString program, QStringList arguments,
                                            QProcessEnvironment environment, QString directory,
                                            OutputSink sink, std::chrono::milliseconds limit);

} // namespace forge
