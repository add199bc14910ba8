#include "FailureAdvice.h"

using namespace Qt::StringLiterals;

namespace forge::FailureAdvice {

namespace {

bool tailContains(const QStringList& tail, QStringView needle)
{
    for (const QString& line : tail) {
        if (line.contains(needle, Qt::CaseInsensitive))
            return true;
    }
    return false;
}

QString describeEnd(const CommandResult& result)
{
    if (result.timedOut)
        return u"did not finish in time"_s;
    if (result.crashed)
        return u"was killed"_s;
    return u"exited with code %1"_s.arg(result.exitCode);
}

QString commandText(const QStringList& argv)
{
    return argv.join(u' ');
}

} // namespace

Failure cloneFailed(const CommandResult& result, const QStringList& tail, const RepoRef& repository,
                    const QString& branch)
{
    const QString& where = repository.displayName();
    // git fetch's words for a ref the server does not have (GitEnvironment::pullRequestArguments).
    if (repository.pullRequest() > 0 && tailContains(tail, u"couldn't find remote ref")) {
        return Failure::permanent(
            u"Pull request #%1 does not exist in %2."_s.arg(repository.pullRequest()).arg(where),
            u"Check the pull request's number in its address (https://github.com/owner/repo/pull/NUMBER)."_s,
            tail);
    }
    if (!branch.isEmpty() &&
        (tailContains(tail, u"Remote branch") || tailContains(tail, u"not found in upstream"))) {
        return Failure::permanent(u"The branch \"%1\" does not exist in %2."_s.arg(branch, where),
                                  u"Check the branch name, or leave it out to use the default branch."_s,
                                  tail);
    }
    if (tailContains(tail, u"Authentication failed") || tailContains(tail, u"could not read Username") ||
        tailContains(tail, u"terminal prompts disabled") || tailContains(tail, u"returned error: 403") ||
        tailContains(tail, u"returned error: 401")) {
        return Failure::permanent(u"Access to %1 was refused."_s.arg(where),
                                  u"If the repository is private, sign in with an account that can read it; "
                                  u"otherwise check the URL."_s,
                                  tail);
    }
    if (tailContains(tail, u"not found") || tailContains(tail, u"does not appear to be a git repository") ||
        tailContains(tail, u"returned error: 404")) {
        return Failure::permanent(u"The repository %1 was not found."_s.arg(where),
                                  u"Check the URL for typos. A private repository also answers \"not found\" "
                                  u"when you are not signed in."_s,
                                  tail);
    }
    if (tailContains(tail, u"Could not resolve host") || tailContains(tail, u"Failed to connect") ||
        tailContains(tail, u"timed out") || tailContains(tail, u"Connection reset") ||
        tailContains(tail, u"early EOF") || tailContains(tail, u"RPC failed")) {
        return Failure::transient(u"The network failed while cloning %1."_s.arg(where),
                                  u"Check your internet connection and try again."_s, tail);
    }
    if (tailContains(tail, u"transport") && tailContains(tail, u"not allowed")) {
        return Failure::permanent(u"The URL of %1 uses a protocol that is not allowed."_s.arg(where),
                                  u"Use an https:// URL."_s, tail);
    }
    return Failure::permanent(u"Cloning %1 failed: git %2."_s.arg(where, describeEnd(result)),
                              u"Read the last lines of git's output above; check the URL and branch."_s,
                              tail);
}

bool isLockfileOutOfDate(const QStringList& tail)
{
    static const QStringView markers[] = {
        u"package.json and package-lock.json or npm-shrinkwrap.json are in sync", // npm ci
        u"ERR_PNPM_OUTDATED_LOCKFILE",
        u"Your lockfile needs to be updated",            // yarn classic
        u"YN0028",                                       // yarn berry: lockfile would have been modified
        u"lockfile had changes, but lockfile is frozen", // bun
        u"requires a lockfile",                          // npm ci without package-lock
    };
    for (QStringView marker : markers) {
        if (tailContains(tail, marker))
            return true;
    }
    return false;
}

Failure installFailed(const QStringList& argv, const CommandResult& result, const QStringList& tail)
{
    if (result.timedOut) {
        return Failure::permanent(u"Installing dependencies took too long (%1)."_s.arg(commandText(argv)),
                                  u"Check your network connection; a very large project may need a longer "
                                  u"install timeout."_s,
                                  tail);
    }
    if (tailContains(tail, u"ENOTFOUND") || tailContains(tail, u"ETIMEDOUT") ||
        tailContains(tail, u"ECONNRESET") || tailContains(tail, u"EAI_AGAIN") ||
        tailContains(tail, u"network")) {
        return Failure::transient(
            u"Installing dependencies failed: the package registry could not be reached."_s,
            u"Check your internet connection and try again."_s, tail);
    }
    if (tailContains(tail, u"ERESOLVE") || tailContains(tail, u"peer dep")) {
        return Failure::permanent(
            u"Installing dependencies failed: the dependency versions conflict (%1 %2)."_s.arg(
                commandText(argv), describeEnd(result)),
            u"Fix the conflicting versions in package.json, or add "
            u"`--legacy-peer-deps` to the install command in the run plan."_s,
            tail);
    }
    return Failure::permanent(
        u"Installing dependencies failed: %1 %2."_s.arg(commandText(argv), describeEnd(result)),
        u"Read the last lines of the output above. Check that the project installs on your own machine "
        u"with the same command."_s,
        tail);
}

Failure buildFailed(const QStringList& argv, const CommandResult& result, const QStringList& tail)
{
    return Failure::permanent(u"The build failed: %1 %2."_s.arg(commandText(argv), describeEnd(result)),
                              u"Read the compiler's messages above, or preview in dev mode, which needs no "
                              u"build."_s,
                              tail);
}

Failure devServerExited(const CommandResult& result, const QStringList& tail, bool sawPortInUse, int port)
{
    if (sawPortInUse) {
        return Failure::permanent(
            u"The dev server could not listen: port %1 is taken by another program."_s.arg(port),
            u"Stop the program using port %1, or start the preview again to pick another "
            u"port."_s.arg(port),
            tail);
    }
    return Failure::permanent(
        u"The dev server stopped before the preview was ready: it %1."_s.arg(describeEnd(result)),
        u"Read the last lines of its output above; check that the dev command in the run "
        u"plan is right."_s,
        tail);
}

Failure devServerNeedsVariable(const QString& name, const QString& hint, const QStringList& tail)
{
    QString advice = u"Set %1 in the project's environment (the Run Plan's Environment; on the command line, "
                     u"--env-file FILE) and run again."_s.arg(name);
    if (!hint.isEmpty())
        advice += u" The repository describes it as: “%1”."_s.arg(hint);
    return Failure::permanent(
        u"The dev server stopped because the environment variable %1 is not set."_s.arg(name), advice, tail);
}

namespace {

// The ready line named another port than the one the server was given.
bool announcedElsewhere(const NotReadyEvidence& evidence)
{
    return evidence.sawReadyLine && evidence.announcedPort != 0 && evidence.announcedPort != evidence.port;
}

Failure listeningElsewhere(const QString& headline, const NotReadyEvidence& evidence, const QStringList& tail)
{
    return Failure::permanent(
        headline + u" It says it is listening on port %1 instead."_s.arg(evidence.announcedPort),
        u"The dev command does not pass the port the way this server expects; edit the run plan so the "
        u"server uses ${PORT}."_s,
        tail);
}

} // namespace

Failure devServerNotReady(const NotReadyEvidence& evidence, const QStringList& tail)
{
    const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(evidence.waited).count();
    const QString headline =
        u"The dev server did not answer on port %1 within %2 s."_s.arg(evidence.port).arg(seconds);
    if (evidence.sandboxPorts && evidence.proxyStatus == 502) {
        // Behind a preview proxy the checks below (connections to this machine) mean nothing; the
        // sandbox's own list of listening ports tells the cases apart. Daytona's daemon forwards to
        // http://localhost:{port} (apps/daemon/pkg/toolbox/proxy/proxy.go, daytonaio/daytona
        // v0.190.0), so a server bound to 127.0.0.1 or ::1 is reachable; a listed port that gives 502
        // is bound to another address, or does not speak HTTP. The list holds IPv4 ports only
        // (netstat.TCPSocks in apps/daemon/pkg/toolbox/port/detector.go).
        if (evidence.sandboxPorts->contains(evidence.port)) {
            return Failure::permanent(
                headline +
                    u" Something listens on port %1, but the preview proxy, which connects to localhost:%1 "
                    u"inside the sandbox, gets no HTTP answer from it (502 Bad Gateway): it is bound to an "
                    u"address other than localhost, or does not speak HTTP."_s.arg(evidence.port),
                u"Make the dev server listen on 0.0.0.0 or localhost (for example `--host 0.0.0.0`) in "
                u"the dev command of the run plan, and check that it serves HTTP on ${PORT}."_s,
                tail);
        }
        if (announcedElsewhere(evidence))
            return listeningElsewhere(headline, evidence, tail);
        return Failure::permanent(
            headline +
                u" Nothing listens on that port in the sandbox over IPv4, so the preview proxy answers "
                u"502 Bad Gateway."_s,
            u"Read the dev server's output above: it may have failed, still be compiling (try again), or use "
            u"a port from its own configuration instead of ${PORT}."_s,
            tail);
    }
    if (evidence.listeningOnIpv6Only) {
        return Failure::permanent(
            headline + u" It is bound to localhost (::1) only."_s,
            u"Make the dev server listen on 0.0.0.0 (for example `--host 0.0.0.0`) in the "
            u"dev command of the run plan."_s,
            tail);
    }
    if (announcedElsewhere(evidence))
        return listeningElsewhere(headline, evidence, tail);
    if (evidence.listeningOnLoopback) {
        return Failure::permanent(
            headline + u" Something accepts connections there but does not answer HTTP."_s,
            u"Check that the dev command starts an HTTP server, and read its output above."_s, tail);
    }
    if (evidence.sawReadyLine) {
        return Failure::permanent(headline + u" It printed a ready line but nothing listens on the port."_s,
                                  u"The server may be bound to another interface or port; make it listen on "
                                  u"0.0.0.0 and ${PORT}."_s,
                                  tail);
    }
    return Failure::permanent(
        headline + u" It never started listening."_s,
        u"Read its output above: it may still be compiling (try again), waiting for input, "
        u"or using a port set in its own configuration."_s,
        tail);
}

Failure previewSignInRequired(const QString& detail, const QStringList& tail)
{
    return Failure::permanent(
        u"The preview proxy sent the request to its sign-in page (%1) instead of to the dev server: the "
        u"preview token it was given is missing or no longer valid."_s.arg(detail),
        u"Stop the project and run it again: a sandbox that was started again elsewhere has a new preview "
        u"token, which the next run fetches."_s,
        tail);
}

Failure previewHostBlocked(const QString& host, const QString& answer, const QStringList& tail)
{
    return Failure::permanent(
        u"The dev server refused the preview's host name “%1” (%2). It checks the Host header and does not "
        u"know the preview proxy."_s.arg(host, answer),
        u"Allow that host in the dev server's configuration: for Vite, add \"%1\" to server.allowedHosts in "
        u"vite.config (Vite 6.1 and later also read __VITE_ADDITIONAL_SERVER_ALLOWED_HOSTS, which can go in "
        u"the run plan's environment); for webpack-dev-server, its allowedHosts option. Then run again."_s
            .arg(host),
        tail);
}

} // namespace forge::FailureAdvice
