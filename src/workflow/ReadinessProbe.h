#pragma once

#include "sandbox/SandboxProvider.h"

#include <QCoroTask>
#include <QNetworkAccessManager>
#include <chrono>

namespace forge {

// Asks whether a preview answers HTTP. Any HTTP response counts (a 404 page is still a running
// server) except the gateway errors a proxy sends while nothing listens behind it and a preview
// proxy's redirect to its sign-in page.
class ReadinessProbe final
{
    Q_DISABLE_COPY_MOVE(ReadinessProbe)
public:
    enum class Outcome {
        Answered, // an HTTP response came back
        Refused,  // nothing listens on the port
        NotHttp,  // something accepted the connection but did not answer HTTP, or a gateway error
        TimedOut, // no answer in time
        // The dev server answered but refused the request's host name (Vite's 403 "Blocked
        // request", webpack-dev-server's "Invalid Host header"): a preview proxy's host it does not know.
        HostBlocked,
        // The preview proxy sent the request to sign in instead of passing it on: Daytona answers a
        // missing or stale preview token with a 307 to its login page, not 401 or 403
        // (Authenticate in apps/proxy/pkg/proxy/auth.go, daytonaio/daytona v0.190.0).
        SignInRequired,
    };

    struct Result
    {
        Outcome outcome = Outcome::Refused;
        int httpStatus = 0;
        QString detail; // the network error, or the first line of a HostBlocked answer
    };

    ReadinessProbe();

    QCoro::Task<Result> probe(PreviewEndpoint endpoint, std::chrono::milliseconds timeout);
    // Whether a redirect to `location` is a preview proxy's sign-in (an OAuth authorization request
    // that returns to the proxy's /callback), not the dev server's own redirect.
    static bool isSignInRedirect(const QUrl& location);
    // Whether a TCP connection to host:port succeeds; used to tell "bound to localhost only" apart.
    static QCoro::Task<bool> acceptsConnections(QString host, int port, std::chrono::milliseconds timeout);

private:
    QNetworkAccessManager m_network;
};

} // namespace forge
