#include "accounts/GitHubCliToken.h"

#include "core/SignalWait.h"

#include <QProcess>
#include <QStandardPaths>

using namespace Qt::StringLiterals;

namespace forge {

bool GitHubCliToken::isInstalled()
{
    return !QStandardPaths::findExecutable(u"gh"_s).isEmpty();
}

QCoro::Task<GitHubCliToken> GitHubCliToken::read(github::GitHubHost host, std::chrono::milliseconds timeout)
{
    GitHubCliToken result;
    const QString gh = QStandardPaths::findExecutable(u"gh"_s);
    if (gh.isEmpty()) {
        result.problem = u"The GitHub CLI (gh) is not installed. Install it and run “gh auth login”, "
                         u"or sign in with the browser or a token instead."_s;
        co_return result;
    }
    QProcess process;
    process.setProgram(gh);
    process.setArguments({u"auth"_s, u"token"_s, u"--hostname"_s, host.name()});
    process.setStandardInputFile(QProcess::nullDevice());
    process.start();
    if (!process.waitForStarted(5000)) {
        result.problem = u"The GitHub CLI could not be started: %1"_s.arg(process.errorString());
        co_return result;
    }
    const bool finished = co_await waitForSignal(&process, &QProcess::finished, timeout);
    if (!finished) {
        process.kill();
        process.waitForFinished(1000);
        result.problem =
            u"The GitHub CLI did not answer within %1 s (it may be waiting for the "
            u"keychain). Run “gh auth token” in a terminal to see why."_s.arg(timeout.count() / 1000);
        co_return result;
    }
    const int exitCode = process.exitCode();
    const QProcess::ExitStatus exitStatus = process.exitStatus();
    const QString token = QString::fromUtf8(process.readAllStandardOutput()).trimmed();
    if (exitStatus != QProcess::NormalExit || exitCode != 0 || token.isEmpty()) {
        // gh's own words ("no oauth token found for github.com"); stderr never holds the token.
        QString reason = QString::fromUtf8(process.readAllStandardError()).trimmed().section(u'\n', 0, 0);
        if (reason.isEmpty())
            reason = u"exit code %1"_s.arg(exitCode);
        result.problem =
            u"The GitHub CLI is not signed in to %1 (%2). Run “gh auth login --hostname %1” "
            u"first, or sign in here with the browser or a token."_s.arg(host.name(), reason.left(200));
        co_return result;
    }
    result.token = token;
    co_return result;
}

} // namespace forge
