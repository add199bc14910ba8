#pragma once

#include "core/Failure.h"
#include "core/RepoRef.h"
#include "sandbox/SandboxProvider.h"

#include <QStringList>
#include <chrono>
#include <optional>

namespace forge {

// Turns what a failed command left behind (exit status and last output lines) into a Failure that
// says what went wrong and what to do. Pure functions: the words are tested without running
// anything.
namespace FailureAdvice {

Failure cloneFailed(const CommandResult& result, const QStringList& tail, const RepoRef& repository,
                    const QString& branch);

// Whether a frozen-lockfile install failed only because the lockfile does not match package.json.
bool isLockfileOutOfDate(const QStringList& tail);
Failure installFailed(const QStringList& argv, const CommandResult& result, const QStringList& tail);
Failure buildFailed(const QStringList& argv, const CommandResult& result, const QStringList& tail);

// The dev server process ended before the preview answered.
Failure devServerExited(const CommandResult& result, const QStringList& tail, bool sawPortInUse, int port);
// The dev server ended saying that the environment variable `name` is not set (MissingVariable).
// `hint` is what the repository's example file says about it; may be empty.
Failure devServerNeedsVariable(const QString& name, const QString& hint, const QStringList& tail);

// What was observed when the dev server did not answer in time.
struct NotReadyEvidence
{
    int port = 0;
    std::chrono::milliseconds waited{0};
    bool sawReadyLine = false;
    int announcedPort = 0;            // the port of the ready line, if any
    QString announcedHost;            // the host of the ready line, if any
    bool listeningOnLoopback = false; // 127.0.0.1:port accepts connections
    bool listeningOnIpv6Only = false; // [::1]:port accepts, 127.0.0.1:port does not
    // A remote sandbox behind a preview proxy: the proxy's last status (502: nothing answered
    // behind it) and the ports the sandbox says something listens on.
    int proxyStatus = 0;
    std::optional<QList<int>> sandboxPorts;
};
Failure devServerNotReady(const NotReadyEvidence& evidence, const QStringList& tail);

// The preview proxy answered with a redirect to its sign-in page (Daytona, a stale or missing
// preview token); `detail` says where it pointed.
Failure previewSignInRequired(const QString& detail, const QStringList& tail);

// The dev server refused the preview proxy's host name (`answer`: its first line, e.g. Vite's
// "Blocked request. This host (...) is not allowed.").
Failure previewHostBlocked(const QString& host, const QString& answer, const QStringList& tail);

} // namespace FailureAdvice
} // namespace forge
