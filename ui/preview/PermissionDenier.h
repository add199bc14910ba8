#pragma once

#include <QObject>
#include <QUrl>

class QWebEnginePage;

namespace forge::ui {

// Answers every permission-like request of a preview page with "no": camera, microphone,
// geolocation, notifications, mouse lock and screen capture, file-system access, protocol
// handlers, full screen, storage quota, HTTP and proxy authentication and client certificates.
// Qt 6.4 leaves unanswered requests pending forever, so each one is answered at once. This is the
// only place that knows Qt's permission API: Qt 6.8 replaces featurePermissionRequested with
// permissionRequested(QWebEnginePermission), whose deny() belongs here too.
class PermissionDenier final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(PermissionDenier)
public:
    // Watches `page` for as long as both exist.
    explicit PermissionDenier(QWebEnginePage* page);

    // The `what` of a refused HTTP authentication (its `origin` is then the request's URL).
    static QString httpAuthentication();

Q_SIGNALS:
    // `what` names the request for the log ("Geolocation", "HTTP authentication", ...).
    void denied(const QString& what, const QUrl& origin);
};

} // namespace forge::ui
