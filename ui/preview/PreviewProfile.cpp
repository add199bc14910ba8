#include "ui/preview/PreviewProfile.h"

#include <QWebEngineDownloadRequest>
#include <QWebEngineProfile>
#include <QWebEngineSettings>

using namespace Qt::StringLiterals;

namespace forge::ui {

PreviewProfile::PreviewProfile(const QString& projectId, QObject* parent)
    : QObject(parent)
    , m_projectId(projectId)
    // No storage name: off-the-record, nothing persists, nothing is shared between projects.
    , m_profile(new QWebEngineProfile(this))
    , m_interceptor(new PreviewRequestInterceptor(this))
{
    m_profile->setHttpCacheType(QWebEngineProfile::MemoryHttpCache);
    m_profile->setPersistentCookiesPolicy(QWebEngineProfile::NoPersistentCookies);
    m_profile->setUrlRequestInterceptor(m_interceptor);

    // Qt 6.4 defaults that are wrong for untrusted pages (docs/security-notes.md §3).
    QWebEngineSettings* settings = m_profile->settings();
    settings->setAttribute(QWebEngineSettings::JavascriptCanOpenWindows, false);
    settings->setAttribute(QWebEngineSettings::LocalContentCanAccessFileUrls, false);
    settings->setAttribute(QWebEngineSettings::LocalContentCanAccessRemoteUrls, false);
    settings->setAttribute(QWebEngineSettings::NavigateOnDropEnabled, false);
    settings->setAttribute(QWebEngineSettings::WebRTCPublicInterfacesOnly, true);
    settings->setAttribute(QWebEngineSettings::JavascriptCanAccessClipboard, false);
    settings->setAttribute(QWebEngineSettings::JavascriptCanPaste, false);
    settings->setAttribute(QWebEngineSettings::AllowRunningInsecureContent, false);
    settings->setAttribute(QWebEngineSettings::AllowGeolocationOnInsecureOrigins, false);
    settings->setAttribute(QWebEngineSettings::ScreenCaptureEnabled, false);
    settings->setAttribute(QWebEngineSettings::PluginsEnabled, false);
    settings->setAttribute(QWebEngineSettings::PdfViewerEnabled, false);
    settings->setAttribute(QWebEngineSettings::HyperlinkAuditingEnabled, false);
    settings->setAttribute(QWebEngineSettings::FullScreenSupportEnabled, false);
    // Failed loads are explained by the pane's own overlay, not by Chromium's error page.
    settings->setAttribute(QWebEngineSettings::ErrorPageEnabled, false);
    settings->setUnknownUrlSchemePolicy(QWebEngineSettings::DisallowUnknownUrlSchemes);

    connect(m_interceptor, &PreviewRequestInterceptor::requestBlocked, this, &PreviewProfile::requestBlocked,
            Qt::QueuedConnection);
    // Previews never write files to the user's disk.
    connect(m_profile, &QWebEngineProfile::downloadRequested, this,
            [this](QWebEngineDownloadRequest* download) {
                const QUrl url = download->url();
                download->cancel();
                Q_EMIT downloadRefused(url);
            });
}

PreviewProfile::~PreviewProfile()
{
    // The interceptor is a child too; detach it before the profile goes so no request can reach
    // a half-destroyed interceptor.
    m_profile->setUrlRequestInterceptor(nullptr);
    delete m_profile;
    m_profile = nullptr;
}

void PreviewProfile::setRules(const QUrl& origin, const PreviewRequestInterceptor::HeaderList& originHeaders)
{
    m_interceptor->setRules({origin, originHeaders});
}

} // namespace forge::ui
