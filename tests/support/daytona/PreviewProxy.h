#pragma once

#include "HttpServer.h"

#include <QNetworkAccessManager>
#include <QObject>
#include <QString>
#include <QUrl>
#include <functional>

namespace forge::test::daytona {

// What the proxy must know about the sandbox at the time of each request.
struct PreviewAccess
{
    bool exists = false;
    bool started = false;
    bool isPublic = false;
    QString token;
    // When set, the Host header the dev server receives, as Daytona's proxy passes on its own
    // preview host name (<port>-<id>.<proxy domain>); empty: this listener's 127.0.0.1 address.
    QString forwardedHost;
    // Where a request without valid credentials is sent to sign in (Daytona's OIDC provider).
    QUrl signInUrl;
};

// The preview proxy for one sandbox port (docs/daytona-api.md §6): a 127.0.0.1 listener that
// forwards HTTP to localhost:<port>, 127.0.0.1 or ::1, as the daemon does (the sandbox shares the
// host network). A private sandbox needs `x-daytona-preview-token` (or `Authorization: Bearer <API
// key>`, or the DAYTONA_SANDBOX_AUTH_KEY query parameter): without valid ones the answer is a 307 to
// the sign-in page, as Daytona's proxy answers a browser (Authenticate in apps/proxy/pkg/proxy/
// auth.go, daytonaio/daytona v0.190.0), never 401 or 403. Nothing listening gives 502. A WebSocket
// upgrade (a dev server's hot reload socket) is forwarded too, and its bytes piped both ways, as
// Daytona's proxy (Go's httputil.ReverseProxy) does.
class PreviewProxy : public QObject
{
    Q_OBJECT
public:
    using AccessLookup = std::function<PreviewAccess()>;
    using KeyCheck = std::function<bool(const QByteArray& authorization)>;
    // Called for every request (recording, last-activity); returns nothing.
    using Observer = std::function<void(const RecordedRequest&, int status)>;

    PreviewProxy(int targetPort, AccessLookup access, KeyCheck keyCheck, Observer observer,
                 QObject* parent = nullptr);
    bool listen();
    QUrl url() const;

private:
    void handle(const RecordedRequest& request, const std::shared_ptr<HttpExchange>& responder);
    void forward(const RecordedRequest& request, const std::shared_ptr<HttpExchange>& responder,
                 const PreviewAccess& access, const QString& address);
    void forwardUpgrade(const RecordedRequest& request, const std::shared_ptr<HttpExchange>& responder,
                        const PreviewAccess& access);
    // The Host header the dev server receives.
    QByteArray forwardedHost(const PreviewAccess& access) const;
    void redirectToSignIn(const RecordedRequest& request, const std::shared_ptr<HttpExchange>& responder,
                          const PreviewAccess& access);

    int m_targetPort;
    AccessLookup m_access;
    KeyCheck m_keyCheck;
    Observer m_observer;
    HttpServer m_listener;
    QNetworkAccessManager m_network;
};

} // namespace forge::test::daytona
