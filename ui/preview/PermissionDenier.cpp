#include "ui/preview/PermissionDenier.h"

#include <QAuthenticator>
#include <QWebEngineClientCertificateSelection>
#include <QWebEngineFileSystemAccessRequest>
#include <QWebEngineFullScreenRequest>
#include <QWebEnginePage>
#include <QWebEngineQuotaRequest>
#include <QWebEngineRegisterProtocolHandlerRequest>

using namespace Qt::StringLiterals;

namespace forge::ui {

namespace {

QString featureName(QWebEnginePage::Feature feature)
{
    switch (feature) {
    case QWebEnginePage::Notifications:
        return u"Notifications"_s;
    case QWebEnginePage::Geolocation:
        return u"Geolocation"_s;
    case QWebEnginePage::MediaAudioCapture:
        return u"Microphone"_s;
    case QWebEnginePage::MediaVideoCapture:
        return u"Camera"_s;
    case QWebEnginePage::MediaAudioVideoCapture:
        return u"Camera and microphone"_s;
    case QWebEnginePage::MouseLock:
        return u"Mouse lock"_s;
    case QWebEnginePage::DesktopVideoCapture:
        return u"Screen capture"_s;
    case QWebEnginePage::DesktopAudioVideoCapture:
        return u"Screen and audio capture"_s;
    }
    return u"Permission %1"_s.arg(int(feature));
}

} // namespace

QString PermissionDenier::httpAuthentication()
{
    return u"HTTP authentication"_s;
}

PermissionDenier::PermissionDenier(QWebEnginePage* page)
    : QObject(page)
{
    // Qt 6.4 API. With Qt >= 6.8 connect QWebEnginePage::permissionRequested here instead and call
    // permission.deny(); the rest of the app only sees denied().
    connect(page, &QWebEnginePage::featurePermissionRequested, this,
            [this, page](const QUrl& origin, QWebEnginePage::Feature feature) {
                page->setFeaturePermission(origin, feature, QWebEnginePage::PermissionDeniedByUser);
                Q_EMIT denied(featureName(feature), origin);
            });
    connect(page, &QWebEnginePage::fileSystemAccessRequested, this,
            [this](QWebEngineFileSystemAccessRequest request) {
                request.reject();
                Q_EMIT denied(u"File system access"_s, request.origin());
            });
    connect(page, &QWebEnginePage::registerProtocolHandlerRequested, this,
            [this](QWebEngineRegisterProtocolHandlerRequest request) {
                request.reject();
                Q_EMIT denied(u"Protocol handler for %1:"_s.arg(request.scheme()), request.origin());
            });
    connect(page, &QWebEnginePage::fullScreenRequested, this, [this](QWebEngineFullScreenRequest request) {
        if (!request.toggleOn()) {
            request.accept(); // leaving full screen is always fine
            return;
        }
        request.reject();
        Q_EMIT denied(u"Full screen"_s, request.origin());
    });
    connect(page, &QWebEnginePage::quotaRequested, this, [this](QWebEngineQuotaRequest request) {
        request.reject();
        Q_EMIT denied(u"Storage quota"_s, request.origin());
    });
    // Setting the authenticator to a null one cancels the request: the page gets its 401/407.
    connect(page, &QWebEnginePage::authenticationRequired, this,
            [this](const QUrl& url, QAuthenticator* authenticator) {
                *authenticator = QAuthenticator();
                Q_EMIT denied(httpAuthentication(), url);
            });
    connect(page, &QWebEnginePage::proxyAuthenticationRequired, this,
            [this](const QUrl& url, QAuthenticator* authenticator, const QString&) {
                *authenticator = QAuthenticator();
                Q_EMIT denied(u"Proxy authentication"_s, url);
            });
    connect(page, &QWebEnginePage::selectClientCertificate, this,
            [this](QWebEngineClientCertificateSelection selection) {
                selection.selectNone();
                Q_EMIT denied(u"Client certificate"_s, selection.host());
            });
}

} // namespace forge::ui
