#include "ui/preview/PreviewPage.h"

#include "ui/preview/PreviewOrigin.h"

#include <QWebEngineNewWindowRequest>

using namespace Qt::StringLiterals;

namespace forge::ui {

namespace {

bool isWebScheme(const QString& scheme)
{
    return scheme == "http"_L1 || scheme == "https"_L1;
}

// blob:http://host:port/uuid belongs to http://host:port.
bool isBlobOf(const QUrl& url, const QUrl& origin)
{
    return url.scheme() == "blob"_L1 && previeworigin::isSameOrigin(QUrl(url.path()), origin);
}

} // namespace

PreviewPage::PreviewPage(QWebEngineProfile* profile, QObject* parent)
    : QWebEnginePage(profile, parent)
{
    connect(this, &QWebEnginePage::newWindowRequested, this, &PreviewPage::handleNewWindowRequest);
}

PreviewPage::Decision PreviewPage::decide(const QUrl& origin, const QUrl& url, NavigationType type,
                                          bool isMainFrame)
{
    const QString scheme = url.scheme().toLower();
    if (isMainFrame) {
        if (previeworigin::isSameOrigin(url, origin) && isWebScheme(scheme))
            return Decision::Accept;
        if (isBlobOf(url, origin))
            return Decision::Accept;
        // Only something the user clicked leaves the app, and only after they confirm. Redirects,
        // form posts and scripted navigations to other sites just stop.
        if (isWebScheme(scheme) && type == NavigationTypeLinkClicked)
            return Decision::OpenExternally;
        return Decision::Block;
    }
    // Frames inside the page may embed other web content (the interceptor still keeps them off
    // the user's machine), but never local files or custom schemes.
    if (isWebScheme(scheme) || scheme == "about"_L1 || scheme == "data"_L1 || scheme == "blob"_L1)
        return Decision::Accept;
    return Decision::Block;
}

bool PreviewPage::acceptNavigationRequest(const QUrl& url, NavigationType type, bool isMainFrame)
{
    switch (decide(m_origin, url, type, isMainFrame)) {
    case Decision::Accept:
        return true;
    case Decision::OpenExternally:
        // Queued: a dialog must not run inside Chromium's navigation callback.
        QMetaObject::invokeMethod(
            this, [this, url] { Q_EMIT externalOpenRequested(url); }, Qt::QueuedConnection);
        return false;
    case Decision::Block:
        break;
    }
    const QString reason =
        isWebScheme(url.scheme())
            ? u"the preview stays on %1; other sites open only from a link you click"_s.arg(
                  m_origin.toString())
            : u"%1: addresses cannot be opened from a preview"_s.arg(url.scheme());
    QMetaObject::invokeMethod(
        this, [this, url, reason] { Q_EMIT navigationBlocked(url, reason); }, Qt::QueuedConnection);
    return false;
}

QWebEnginePage* PreviewPage::createWindow(WebWindowType)
{
    // Reached only when newWindowRequested was not handled; never a view inside the app.
    return nullptr;
}

void PreviewPage::handleNewWindowRequest(QWebEngineNewWindowRequest& request)
{
    // window.open and target=_blank: not opened inside the app. Web addresses go to the same
    // confirmation as off-origin links; openIn() is never called, so Chromium drops the window.
    const QUrl url = request.requestedUrl();
    if (isWebScheme(url.scheme().toLower())) {
        QMetaObject::invokeMethod(
            this, [this, url] { Q_EMIT externalOpenRequested(url); }, Qt::QueuedConnection);
        return;
    }
    QMetaObject::invokeMethod(
        this,
        [this, url] {
            Q_EMIT navigationBlocked(url, u"previews cannot open %1: windows"_s.arg(url.scheme()));
        },
        Qt::QueuedConnection);
}

void PreviewPage::javaScriptConsoleMessage(JavaScriptConsoleMessageLevel level, const QString& message,
                                           int lineNumber, const QString& sourceId)
{
    ConsoleMessage out;
    switch (level) {
    case InfoMessageLevel:
        out.level = ConsoleMessage::Level::Info;
        break;
    case WarningMessageLevel:
        out.level = ConsoleMessage::Level::Warning;
        break;
    case ErrorMessageLevel:
        out.level = ConsoleMessage::Level::Error;
        break;
    }
    out.message = message;
    out.line = lineNumber;
    out.source = sourceId;
    Q_EMIT consoleMessage(out);
}

} // namespace forge::ui
