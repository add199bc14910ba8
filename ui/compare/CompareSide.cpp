#include "ui/compare/CompareSide.h"

#include "ui/preview/DeviceViewport.h"
#include "ui/preview/PaintWatcher.h"
#include "ui/preview/PermissionDenier.h"
#include "ui/preview/PreviewOrigin.h"
#include "ui/preview/PreviewOverlay.h"
#include "ui/preview/PreviewPage.h"
#include "ui/preview/PreviewProfile.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QVBoxLayout>
#include <QWebEngineCertificateError>
#include <QWebEngineHistory>
#include <QWebEngineLoadingInfo>
#include <QWebEngineView>

using namespace Qt::StringLiterals;

namespace forge::ui {

CompareSide::CompareSide(const QString& role, const QString& title, QWidget* parent)
    : QWidget(parent)
    , m_role(role)
    , m_title(title)
    , m_caption(new QLabel(this))
    , m_address(new QLabel(this))
    , m_viewport(new DeviceViewport(this))
    , m_paintWatcher(new PaintWatcher(this))
{
    setObjectName(u"compareSide"_s + role);
    m_caption->setObjectName(u"compareCaption"_s);
    m_caption->setTextFormat(Qt::RichText);
    m_address->setTextFormat(Qt::PlainText);
    m_address->setForegroundRole(QPalette::PlaceholderText);
    m_view = new QWebEngineView(m_viewport);
    m_viewport->setView(m_view);
    m_overlay = new PreviewOverlay(m_viewport);
    m_overlay->hide();
    connect(m_viewport, &DeviceViewport::layoutChanged, this, &CompareSide::applyZoom);
    connect(m_viewport, &DeviceViewport::resized, this,
            [this] { m_overlay->setGeometry(m_viewport->rect()); });
    connect(m_paintWatcher, &PaintWatcher::painted, this, [this] {
        m_painted = true;
        Q_EMIT settled();
    });

    auto* captionRow = new QHBoxLayout;
    captionRow->setContentsMargins(8, 4, 8, 4);
    captionRow->setSpacing(8);
    captionRow->addWidget(m_caption);
    captionRow->addWidget(m_address, 1);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    layout->addLayout(captionRow);
    layout->addWidget(m_viewport, 1);
    updateCaption();
}

CompareSide::~CompareSide()
{
    // The page goes before the profile it belongs to.
    m_paintWatcher->cancel();
    delete m_page;
    m_page = nullptr;
    delete m_profile;
}

void CompareSide::open(const QUrl& url, const HeaderList& headers)
{
    const QUrl origin = previeworigin::originOf(url);
    if (!origin.isValid()) {
        showFailure(tr("%1 is not a web address.").arg(url.toDisplayString()));
        return;
    }
    createPage(origin, headers);
    m_commanded = true;
    m_page->load(url);
}

void CompareSide::createPage(const QUrl& origin, const HeaderList& headers)
{
    m_origin = origin;
    if (!m_profile)
        m_profile = new PreviewProfile(u"compare-"_s + m_role); // deleted by hand, after its page
    // Rules before the page loads, so the very first request already carries the headers.
    m_profile->setRules(origin, headers);
    if (!m_page) {
        m_page = new PreviewPage(m_profile->profile(), this);
        connectPage();
        m_view->setPage(m_page);
    }
    m_page->setOrigin(origin);
    applyZoom();
    updateCaption();
}

void CompareSide::connectPage()
{
    auto* denier = new PermissionDenier(m_page); // a child of the page, gone with it
    connect(denier, &PermissionDenier::denied, this, [this](const QString& what, const QUrl& origin) {
        Q_EMIT refused(origin, tr("%1 denied").arg(what));
    });
    connect(m_profile, &PreviewProfile::requestBlocked, this, &CompareSide::refused);
    connect(m_profile, &PreviewProfile::downloadRefused, this,
            [this](const QUrl& url) { Q_EMIT refused(url, tr("downloads are refused")); });
    connect(m_page, &PreviewPage::navigationBlocked, this, &CompareSide::refused);
    connect(m_page, &PreviewPage::externalOpenRequested, this, [this](const QUrl& url) {
        Q_EMIT refused(url, tr("other sites open from the main preview, not from a comparison"));
    });
    connect(m_page, &QWebEnginePage::loadingChanged, this, &CompareSide::onLoadingChanged);
    connect(m_page, &QWebEnginePage::urlChanged, this, &CompareSide::onUrlChanged);
    connect(m_page, &QWebEnginePage::scrollPositionChanged, this, &CompareSide::scrolled);
    connect(m_page, &QWebEnginePage::certificateError, this, [this](const QWebEngineCertificateError& error) {
        // Never accepted: a page with a bad certificate is not compared.
        auto rejected = error;
        rejected.rejectCertificate();
        Q_EMIT refused(error.url(), tr("certificate rejected: %1").arg(error.description()));
    });
}

bool CompareSide::navigate(const QString& path, QString* why)
{
    const QUrl url = previeworigin::urlForTypedText(m_origin, path, why);
    if (!url.isValid() || !m_page)
        return false;
    m_commanded = true;
    m_page->load(url);
    return true;
}

void CompareSide::back()
{
    if (m_page && m_page->history()->canGoBack()) {
        m_commanded = true;
        m_page->triggerAction(QWebEnginePage::Back);
    }
}

void CompareSide::forward()
{
    if (m_page && m_page->history()->canGoForward()) {
        m_commanded = true;
        m_page->triggerAction(QWebEnginePage::Forward);
    }
}

void CompareSide::reload()
{
    if (m_page) {
        m_commanded = true;
        m_page->triggerAction(QWebEnginePage::Reload);
    }
}

QString CompareSide::path() const
{
    return m_page ? previeworigin::pathOf(m_page->url()) : QString();
}

QWebEnginePage* CompareSide::page() const
{
    return m_page;
}

void CompareSide::setDeviceSize(const QSize& cssSize)
{
    m_viewport->setDeviceSize(cssSize);
}

void CompareSide::onLoadingChanged(const QWebEngineLoadingInfo& info)
{
    if (info.status() == QWebEngineLoadingInfo::LoadStartedStatus) {
        m_loading = true;
        m_painted = false;
        m_paintWatcher->cancel();
        updateCaption();
        return;
    }
    m_loading = false;
    m_commanded = false;
    updateCaption();
    if (info.status() == QWebEngineLoadingInfo::LoadSucceededStatus) {
        m_overlay->hide();
        applyZoom();
        m_paintWatcher->watch(m_page);
        return;
    }
    // A navigation this page refused ends as an aborted load of that URL: nothing to explain.
    if (info.status() == QWebEngineLoadingInfo::LoadFailedStatus && info.errorCode() != -3 /* ERR_ABORTED */)
        showFailure(tr("%1 could not be loaded: %2").arg(info.url().toDisplayString(), info.errorString()));
    m_painted = true; // nothing more will paint: a capture need not wait for it
    Q_EMIT settled();
}

void CompareSide::onUrlChanged(const QUrl& url)
{
    if (m_commanded) {
        // A history step within the document loads nothing, so no load end clears the mark.
        if (!m_loading)
            m_commanded = false;
        return;
    }
    if (previeworigin::isSameOrigin(url, m_origin))
        Q_EMIT pageNavigated(url);
}

void CompareSide::showFailure(const QString& message)
{
    m_overlay->present(tr("The page did not load"), message, {}, true);
    m_overlay->setGeometry(m_viewport->rect());
    m_overlay->show();
    m_overlay->raise();
}

void CompareSide::updateCaption()
{
    // The project's name comes from its repository address: escaped, never markup.
    m_caption->setText(u"<b>%1</b> · %2"_s.arg(m_role.toHtmlEscaped(), m_title.toHtmlEscaped()));
    const QString address = m_origin.toDisplayString();
    m_address->setText(m_loading ? tr("%1 · loading…").arg(address) : address);
}

void CompareSide::applyZoom()
{
    if (m_page && !qFuzzyCompare(m_page->zoomFactor(), m_viewport->scale()))
        m_page->setZoomFactor(m_viewport->scale());
}

} // namespace forge::ui
