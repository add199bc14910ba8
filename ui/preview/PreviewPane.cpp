#include "ui/preview/PreviewPane.h"

#include "ui/common/Icons.h"
#include "ui/common/Theme.h"
#include "ui/preview/DevToolsWindow.h"
#include "ui/preview/DeviceViewport.h"
#include "ui/preview/PaintWatcher.h"
#include "ui/preview/PermissionDenier.h"
#include "ui/preview/PreviewOrigin.h"
#include "ui/preview/PreviewOverlay.h"
#include "ui/preview/PreviewPage.h"
#include "ui/preview/PreviewProfile.h"

#include <QAction>
#include <QActionGroup>
#include <QDesktopServices>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QMessageBox>
#include <QProgressBar>
#include <QPushButton>
#include <QTimer>
#include <QToolButton>
#include <QVBoxLayout>
#include <QWebEngineCertificateError>
#include <QWebEngineHistory>
#include <QWebEngineLoadingInfo>
#include <QWebEngineView>

using namespace Qt::StringLiterals;

namespace forge::ui {

namespace {

bool defaultConfirm(QWidget* parent, const QUrl& url)
{
    const auto answer = QMessageBox::question(
        parent, PreviewPane::tr("Open in browser"),
        PreviewPane::tr("The preview wants to open another site:\n\n%1\n\nOpen %1 in your browser?")
            .arg(url.toDisplayString()),
        QMessageBox::Open | QMessageBox::Cancel, QMessageBox::Cancel);
    return answer == QMessageBox::Open;
}

QString terminationReason(int status, int exitCode)
{
    switch (status) {
    case QWebEnginePage::AbnormalTerminationStatus:
        return PreviewPane::tr("The page's renderer process ended abnormally (exit code %1).").arg(exitCode);
    case QWebEnginePage::CrashedTerminationStatus:
        return PreviewPane::tr("The page's renderer process crashed (exit code %1).").arg(exitCode);
    case QWebEnginePage::KilledTerminationStatus:
        return PreviewPane::tr("The page's renderer process was killed (signal or out of memory).");
    default:
        return PreviewPane::tr("The page's renderer process stopped (exit code %1).").arg(exitCode);
    }
}

} // namespace

PreviewPane::PreviewPane(QWidget* parent)
    : QWidget(parent)
    , m_paintWatcher(new PaintWatcher(this))
{
    setObjectName(u"previewPane"_s);
    createActions();
    createLayout();
    connect(m_paintWatcher, &PaintWatcher::painted, this, [this](bool) { Q_EMIT pagePainted(); });
    setExternalOpenHandler({}, {});
    showPlaceholder();
}

PreviewPane::~PreviewPane()
{
    // Order matters: devtools (inspecting the page), then the page, then the profiles it uses.
    m_paintWatcher->cancel();
    delete m_devTools;
    dropPage();
    qDeleteAll(m_profiles);
    m_profiles.clear();
}

// ---- construction ---------------------------------------------------------------------------

void PreviewPane::createActions()
{
    auto makeAction = [this](const QString& iconName, const QString& text, const QList<QKeySequence>& keys) {
        auto* action = new QAction(text, this);
        if (!iconName.isEmpty())
            action->setIcon(icon(iconName));
        action->setShortcuts(keys);
        action->setShortcutContext(Qt::WidgetWithChildrenShortcut);
        if (!keys.isEmpty())
            action->setToolTip(u"%1 (%2)"_s.arg(text, keys.first().toString(QKeySequence::NativeText)));
        addAction(action);
        return action;
    };
    m_backAction = makeAction(u"back"_s, tr("Back"), {QKeySequence::Back});
    m_forwardAction = makeAction(u"forward"_s, tr("Forward"), {QKeySequence::Forward});
    m_reloadAction =
        makeAction(u"refresh"_s, tr("Reload"), {QKeySequence(u"Ctrl+R"_s), QKeySequence(Qt::Key_F5)});
    m_stopAction = makeAction(u"stop"_s, tr("Stop"), {QKeySequence(Qt::Key_Escape)});
    m_focusPathBarAction = makeAction({}, tr("Go to path"), {QKeySequence(u"Ctrl+L"_s)});
    m_devToolsAction = makeAction(u"devtools"_s, tr("Developer tools"), {QKeySequence(u"Ctrl+Shift+I"_s)});
    m_devToolsAction->setCheckable(true);
    m_openInBrowserAction = makeAction(u"external"_s, tr("Open in browser"), {});

    connect(m_backAction, &QAction::triggered, this, [this] {
        if (m_page)
            m_page->triggerAction(QWebEnginePage::Back);
    });
    connect(m_forwardAction, &QAction::triggered, this, [this] {
        if (m_page)
            m_page->triggerAction(QWebEnginePage::Forward);
    });
    connect(m_reloadAction, &QAction::triggered, this, [this] {
        if (!m_page)
            return;
        if (m_overlayKind == Overlay::LoadFailed || m_overlayKind == Overlay::Crashed)
            onOverlayButton();
        else
            m_page->triggerAction(QWebEnginePage::Reload);
    });
    connect(m_stopAction, &QAction::triggered, this, [this] {
        if (m_page)
            m_page->triggerAction(QWebEnginePage::Stop);
    });
    connect(m_focusPathBarAction, &QAction::triggered, this, [this] {
        m_pathBar->setFocus(Qt::ShortcutFocusReason);
        m_pathBar->selectAll();
    });
    connect(m_devToolsAction, &QAction::toggled, this, &PreviewPane::toggleDevTools);
    connect(m_openInBrowserAction, &QAction::triggered, this, [this] {
        // The user asked for it explicitly, so no second question. The URL carries no secret:
        // preview tokens travel only in headers.
        const QUrl url = m_page ? m_page->url() : QUrl();
        if (previeworigin::isSameOrigin(url, m_origin)) {
            m_openExternal(url);
            Q_EMIT openedExternally(url);
        }
    });

    m_deviceGroup = new QActionGroup(this);
    const QList<QPair<Device, QPair<QString, QString>>> devices = {
        {Device::Responsive, {u"responsive"_s, tr("Responsive")}},
        {Device::Phone, {u"phone"_s, tr("Phone (390 × 844)")}},
        {Device::Tablet, {u"tablet"_s, tr("Tablet (820 × 1180)")}},
        {Device::Desktop, {u"desktop"_s, tr("Desktop (1440 × 900)")}},
    };
    int shortcutDigit = 0;
    for (const auto& [device, names] : devices) {
        auto* action = new QAction(icon(names.first), names.second, m_deviceGroup);
        action->setShortcut(QKeySequence(Qt::CTRL | Qt::ALT | Qt::Key(Qt::Key_0 + shortcutDigit++)));
        addAction(action);
        action->setCheckable(true);
        action->setData(int(device));
        action->setChecked(device == Device::Responsive);
        connect(action, &QAction::triggered, this, [this, device = device] { setDevice(device); });
    }
}

QList<QAction*> PreviewPane::deviceActions() const
{
    return m_deviceGroup->actions();
}

void PreviewPane::createLayout()
{
    auto* toolbar = new QWidget(this);
    toolbar->setObjectName(u"previewToolbar"_s);
    auto* bar = new QHBoxLayout(toolbar);
    bar->setContentsMargins(6, 4, 6, 4);
    bar->setSpacing(2);
    auto addButton = [toolbar, bar](QAction* action) {
        auto* button = new QToolButton(toolbar);
        button->setDefaultAction(action);
        button->setAutoRaise(true);
        bar->addWidget(button);
        return button;
    };
    addButton(m_backAction);
    addButton(m_forwardAction);
    m_reloadStopButton = addButton(m_reloadAction);
    m_reloadStopButton->setObjectName(u"reloadStopButton"_s);

    m_pathBar = new QLineEdit(toolbar);
    m_pathBar->setObjectName(u"pathBar"_s);
    m_pathBar->setPlaceholderText(tr("/path on the preview"));
    m_pathBar->setClearButtonEnabled(false);
    bar->addSpacing(4);
    bar->addWidget(m_pathBar, 1);
    bar->addSpacing(4);
    connect(m_pathBar, &QLineEdit::returnPressed, this, &PreviewPane::onPathBarEntered);
    connect(m_pathBar, &QLineEdit::textEdited, this, [this] { m_pathBarMessage->hide(); });

    m_statusChip = new QLabel(toolbar);
    m_statusChip->setObjectName(u"statusChip"_s);
    m_statusChip->setAlignment(Qt::AlignCenter);
    // Wide enough for the longest state, so the toolbar does not shift as the state changes.
    m_statusChip->setMinimumWidth(m_statusChip->fontMetrics().horizontalAdvance(tr("Restoring")) + 24);
    bar->addWidget(m_statusChip);
    bar->addSpacing(4);

    m_deviceButton = new QToolButton(toolbar);
    m_deviceButton->setObjectName(u"deviceButton"_s);
    m_deviceButton->setAutoRaise(true);
    m_deviceButton->setPopupMode(QToolButton::InstantPopup);
    auto* deviceMenu = new QMenu(m_deviceButton);
    deviceMenu->addActions(m_deviceGroup->actions());
    m_deviceButton->setMenu(deviceMenu);
    m_deviceButton->setIcon(icon(u"responsive"_s));
    m_deviceButton->setToolTip(tr("Device size: Responsive"));
    bar->addWidget(m_deviceButton);
    addButton(m_devToolsAction);
    addButton(m_openInBrowserAction);

    m_pathBarMessage = new QLabel(this);
    m_pathBarMessage->setObjectName(u"pathBarMessage"_s);
    m_pathBarMessage->setTextFormat(Qt::PlainText);
    m_pathBarMessage->setWordWrap(true);
    m_pathBarMessage->setContentsMargins(10, 2, 10, 4);
    m_pathBarMessage->setStyleSheet(u"color: %1;"_s.arg(Theme::failureColor().name()));
    m_pathBarMessage->hide();

    m_viewport = new DeviceViewport(this);
    m_viewport->setObjectName(u"previewViewport"_s);
    m_view = new QWebEngineView(m_viewport);
    m_view->setObjectName(u"previewView"_s);
    m_viewport->setView(m_view);
    m_loadingBar = new QProgressBar(m_viewport);
    m_loadingBar->setObjectName(u"loadingBar"_s);
    m_loadingBar->setTextVisible(false);
    m_loadingBar->setRange(0, 100);
    m_loadingBar->setFixedHeight(3);
    m_loadingBar->hide();
    m_overlay = new PreviewOverlay(m_viewport);
    connect(m_overlay, &PreviewOverlay::buttonClicked, this, &PreviewPane::onOverlayButton);
    connect(m_viewport, &DeviceViewport::resized, this, &PreviewPane::layoutOverlays);
    connect(m_viewport, &DeviceViewport::layoutChanged, this, &PreviewPane::applyZoom);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    layout->addWidget(toolbar);
    layout->addWidget(m_pathBarMessage);
    layout->addWidget(m_viewport, 1);
}

// ---- the public operations -----------------------------------------------------------------

void PreviewPane::setExternalOpenHandler(std::function<bool(const QUrl&)> confirm,
                                         std::function<void(const QUrl&)> open)
{
    if (confirm)
        m_confirmExternal = std::move(confirm);
    else
        m_confirmExternal = [this](const QUrl& url) { return defaultConfirm(this, url); };
    if (open)
        m_openExternal = std::move(open);
    else
        m_openExternal = [](const QUrl& url) { QDesktopServices::openUrl(url); };
}

void PreviewPane::showPreview(const QString& projectId, const QUrl& url, const HeaderList& originHeaders)
{
    const QUrl origin = previeworigin::originOf(url);
    if (!origin.isValid() || url.scheme().startsWith(u"ws"_s)) {
        showUnavailable(projectId,
                        tr("The preview address %1 is not a web address.").arg(url.toDisplayString()));
        return;
    }
    m_projectId = projectId;
    m_origin = origin;
    m_originHeaders = originHeaders;
    m_requestedUrl = url;
    m_failedUrl.clear();
    m_certificateProblem.clear();
    m_authRefusedUrl.clear();
    PreviewProfile* profile = ensureProfile(projectId);
    // Rules before the page loads, so the very first request already carries the headers.
    profile->setRules(origin, originHeaders);
    usePage(projectId);
    m_page->setOrigin(origin);
    setOverlay(Overlay::None);
    m_pathBar->setText(previeworigin::pathOf(url));
    m_pathBar->setToolTip(tr("Path on %1. Press Enter to go there.").arg(origin.toString()));
    m_pathBarMessage->hide();
    m_page->load(url);
}

void PreviewPane::showBuilding(const QString& projectId, const QString& message)
{
    if (projectId != m_pageProjectId)
        dropPage();
    m_projectId = projectId;
    setOverlay(Overlay::Building, tr("Building…"), message);
    setStatus(Status::Building);
}

void PreviewPane::showRestoring(const QString& projectId)
{
    if (projectId != m_pageProjectId)
        dropPage();
    m_projectId = projectId;
    setOverlay(Overlay::Restoring, tr("Restoring sandbox…"),
               tr("The sandbox was asleep or gone. The preview comes back when it is running again."));
    setStatus(Status::Restoring);
}

void PreviewPane::showRestoreFailed(const QString& projectId, const QString& message)
{
    if (projectId != m_pageProjectId)
        dropPage();
    m_projectId = projectId;
    setOverlay(Overlay::RestoreFailed, tr("The sandbox could not be restored"), message, tr("&Retry"));
    setStatus(Status::Error);
}

void PreviewPane::showSleeping(const QString& projectId)
{
    if (projectId != m_pageProjectId)
        dropPage();
    m_projectId = projectId;
    setOverlay(Overlay::Sleeping, tr("Sleeping"),
               tr("The sandbox went to sleep while nobody looked (this project is not kept awake). Wake "
                  "starts it again with its dev server; files and dependencies are kept."),
               tr("&Wake"));
    setStatus(Status::None);
}

void PreviewPane::showUnavailable(const QString& projectId, const QString& message)
{
    if (projectId != m_pageProjectId)
        dropPage();
    m_projectId = projectId;
    setOverlay(Overlay::Unavailable, tr("Preview not available"), message);
    setStatus(Status::Error);
}

void PreviewPane::showPlaceholder()
{
    dropPage();
    m_projectId.clear();
    m_origin.clear();
    m_pathBar->clear();
    m_pathBarMessage->hide();
    setOverlay(Overlay::Placeholder, tr("No preview"), tr("Open a repository with Ctrl+O"));
    setStatus(Status::None);
    updateNavigationActions(); // also right after construction, when there was no page to drop
}

void PreviewPane::forgetProject(const QString& projectId)
{
    if (m_projectId == projectId || m_pageProjectId == projectId)
        showPlaceholder();
    if (PreviewProfile* profile = m_profiles.take(projectId))
        delete profile; // its page is gone already (above), as a profile must outlive its pages
}

QString PreviewPane::currentPath() const
{
    return m_page ? previeworigin::pathOf(m_page->url()) : QString();
}

QWebEnginePage* PreviewPane::page() const
{
    return m_page;
}

QWebEngineProfile* PreviewPane::profileFor(const QString& projectId) const
{
    const PreviewProfile* profile = m_profiles.value(projectId);
    return profile ? profile->profile() : nullptr;
}

QWebEnginePage* PreviewPane::devToolsPage() const
{
    return m_devTools ? m_devTools->devToolsPage() : nullptr;
}

QSize PreviewPane::cssSize(Device device)
{
    switch (device) {
    case Device::Responsive:
        return {};
    case Device::Phone:
        return {390, 844};
    case Device::Tablet:
        return {820, 1180};
    case Device::Desktop:
        return {1440, 900};
    }
    return {};
}

void PreviewPane::setDevice(Device device)
{
    m_device = device;
    const QList<QAction*> actions = m_deviceGroup->actions();
    for (QAction* action : actions) {
        if (action->data().toInt() == int(device)) {
            action->setChecked(true);
            m_deviceButton->setIcon(action->icon());
            m_deviceButton->setToolTip(tr("Device size: %1").arg(action->text()));
        }
    }
    m_viewport->setDeviceSize(cssSize(device));
}

QString PreviewPane::overlayTitle() const
{
    return m_overlayKind == Overlay::None ? QString() : m_overlay->title();
}

QString PreviewPane::overlayMessage() const
{
    return m_overlayKind == Overlay::None ? QString() : m_overlay->message();
}

QPushButton* PreviewPane::overlayButton() const
{
    return m_overlay->button();
}

QString PreviewPane::statusText() const
{
    return m_statusChip->text();
}

QString PreviewPane::pathBarMessage() const
{
    return m_pathBarMessage->isHidden() ? QString() : m_pathBarMessage->text();
}

// ---- profiles and pages --------------------------------------------------------------------

PreviewProfile* PreviewPane::ensureProfile(const QString& projectId)
{
    if (PreviewProfile* existing = m_profiles.value(projectId))
        return existing;
    auto* profile = new PreviewProfile(projectId); // deleted by hand, after its pages
    connect(profile, &PreviewProfile::requestBlocked, this, &PreviewPane::reportBlocked);
    connect(profile, &PreviewProfile::downloadRefused, this,
            [this](const QUrl& url) { Q_EMIT permissionDenied(tr("Download"), url); });
    m_profiles.insert(projectId, profile);
    return profile;
}

void PreviewPane::usePage(const QString& projectId)
{
    if (m_page && m_pageProjectId == projectId)
        return;
    dropPage();
    PreviewProfile* profile = ensureProfile(projectId);
    m_page = new PreviewPage(profile->profile(), this);
    m_pageProjectId = projectId;
    connectPage(m_page);
    m_view->setPage(m_page);
    m_view->show();
    applyZoom();
    if (m_devTools)
        m_devTools->inspect(m_page);
}

void PreviewPane::dropPage()
{
    m_paintWatcher->cancel();
    if (!m_page)
        return;
    if (m_devTools)
        m_devTools->inspect(nullptr);
    PreviewPage* page = m_page;
    m_page = nullptr;
    m_pageProjectId.clear();
    disconnect(page, nullptr, this, nullptr);
    delete page; // the view notices and shows nothing until the next page
    setLoading(false);
    updateNavigationActions();
}

void PreviewPane::connectPage(PreviewPage* page)
{
    auto* denier = new PermissionDenier(page); // a child of the page, gone with it
    connect(denier, &PermissionDenier::denied, this, [this](const QString& what, const QUrl& origin) {
        if (what == PermissionDenier::httpAuthentication())
            m_authRefusedUrl = origin;
        Q_EMIT permissionDenied(what, origin);
    });
    connect(page, &PreviewPage::consoleMessage, this, &PreviewPane::consoleMessage);
    connect(page, &PreviewPage::navigationBlocked, this, &PreviewPane::reportBlocked);
    connect(page, &PreviewPage::externalOpenRequested, this, &PreviewPane::requestExternalOpen);
    connect(page, &QWebEnginePage::loadingChanged, this, &PreviewPane::onLoadingChanged);
    connect(page, &QWebEnginePage::loadProgress, m_loadingBar, &QProgressBar::setValue);
    connect(page, &QWebEnginePage::urlChanged, this, &PreviewPane::onUrlChanged);
    connect(page, &QWebEnginePage::renderProcessTerminated, this,
            [this](QWebEnginePage::RenderProcessTerminationStatus status, int exitCode) {
                onRenderProcessTerminated(int(status), exitCode);
            });
    connect(page, &QWebEnginePage::certificateError, this, [this](const QWebEngineCertificateError& error) {
        // Never accepted, never deferred: a preview with a bad certificate does not load.
        auto rejected = error;
        rejected.rejectCertificate();
        m_certificateProblem = error.description();
        reportBlocked(error.url(), tr("certificate rejected: %1").arg(error.description()));
    });
}

// ---- page events ---------------------------------------------------------------------------

void PreviewPane::onLoadingChanged(const QWebEngineLoadingInfo& info)
{
    switch (info.status()) {
    case QWebEngineLoadingInfo::LoadStartedStatus:
        m_paintWatcher->cancel();
        setLoading(true);
        break;
    case QWebEngineLoadingInfo::LoadSucceededStatus:
        setLoading(false);
        m_failedUrl.clear();
        if (m_overlayKind == Overlay::LoadFailed || m_overlayKind == Overlay::Crashed ||
            m_overlayKind == Overlay::Building || m_overlayKind == Overlay::Restoring ||
            m_overlayKind == Overlay::Unavailable)
            setOverlay(Overlay::None);
        setStatus(Status::Live);
        applyZoom();
        m_paintWatcher->watch(m_page);
        break;
    case QWebEngineLoadingInfo::LoadStoppedStatus:
        setLoading(false);
        if (m_status == Status::Loading)
            setStatus(Status::Live);
        break;
    case QWebEngineLoadingInfo::LoadFailedStatus: {
        setLoading(false);
        // A navigation this page refused ends as an aborted load of that URL: not an error.
        if (info.errorCode() == -3 /* net::ERR_ABORTED */ && info.url() != m_requestedUrl) {
            if (m_status == Status::Loading)
                setStatus(Status::Live);
            break;
        }
        m_failedUrl = info.url();
        QString message;
        if (m_authRefusedUrl.isValid() && m_authRefusedUrl == info.url()) {
            message = tr("%1 asked for a user name and password (HTTP authentication). Previews never "
                         "send credentials; make the page load without a password prompt.")
                          .arg(info.url().toDisplayString());
        } else if (!m_certificateProblem.isEmpty()) {
            message = tr("The preview's certificate is not trusted, so it was not loaded: %1")
                          .arg(m_certificateProblem);
        } else {
            message = tr("%1 could not be loaded: %2").arg(info.url().toDisplayString(), info.errorString());
        }
        setOverlay(Overlay::LoadFailed, tr("The preview did not load"), message, tr("Try again"));
        setStatus(Status::Error);
        break;
    }
    }
    updateNavigationActions();
}

void PreviewPane::onUrlChanged(const QUrl& url)
{
    // Pages the user is typing over keep what they typed.
    if (!(m_pathBar->hasFocus() && m_pathBar->isModified()) && previeworigin::isSameOrigin(url, m_origin)) {
        m_pathBar->setText(previeworigin::pathOf(url));
        m_pathBar->setCursorPosition(0);
    }
    updateNavigationActions();
}

void PreviewPane::onRenderProcessTerminated(int status, int exitCode)
{
    if (status == QWebEnginePage::NormalTerminationStatus)
        return;
    const QString reason = terminationReason(status, exitCode);
    m_paintWatcher->cancel();
    setLoading(false);
    setOverlay(Overlay::Crashed, tr("The preview page crashed"), reason, tr("Reload"));
    setStatus(Status::Error);
    Q_EMIT renderProcessCrashed(reason);
}

void PreviewPane::onOverlayButton()
{
    if (m_overlayKind == Overlay::RestoreFailed) {
        Q_EMIT retryRequested(m_projectId);
        return;
    }
    if (m_overlayKind == Overlay::Sleeping) {
        Q_EMIT wakeRequested(m_projectId);
        return;
    }
    if (!m_page)
        return;
    switch (m_overlayKind) {
    case Overlay::LoadFailed: {
        m_certificateProblem.clear();
        const QUrl url = m_failedUrl.isValid() ? m_failedUrl : m_requestedUrl;
        setOverlay(Overlay::None);
        m_page->load(url);
        break;
    }
    case Overlay::Crashed: {
        setOverlay(Overlay::None);
        const QUrl url = m_page->url();
        // A crashed page reloads in a new renderer process.
        m_page->load(previeworigin::isSameOrigin(url, m_origin) ? url : m_requestedUrl);
        break;
    }
    default:
        break;
    }
}

void PreviewPane::onPathBarEntered()
{
    QString why;
    const QUrl url = previeworigin::urlForTypedText(m_origin, m_pathBar->text(), &why);
    if (!url.isValid() || !m_page) {
        showPathBarMessage(why.isEmpty() ? tr("No preview is open.") : why);
        return;
    }
    m_pathBarMessage->hide();
    m_pathBar->setModified(false);
    m_pathBar->setToolTip(tr("Path on %1. Press Enter to go there.").arg(m_origin.toString()));
    m_requestedUrl = url;
    m_page->load(url);
    m_view->setFocus(Qt::OtherFocusReason);
}

void PreviewPane::showPathBarMessage(const QString& message)
{
    m_pathBarMessage->setText(message);
    m_pathBarMessage->show();
    m_pathBar->setToolTip(message);
}

void PreviewPane::requestExternalOpen(const QUrl& url)
{
    // One question at a time: a page cannot pile up dialogs by opening windows in a loop.
    if (m_confirmationOpen) {
        reportBlocked(url, tr("another request to open a site is already waiting for an answer"));
        return;
    }
    m_confirmationOpen = true;
    const bool confirmed = m_confirmExternal(url);
    m_confirmationOpen = false;
    if (!confirmed) {
        reportBlocked(url, tr("not opened: you declined to open it in your browser"));
        return;
    }
    m_openExternal(url);
    Q_EMIT openedExternally(url);
}

void PreviewPane::reportBlocked(const QUrl& url, const QString& reason)
{
    Q_EMIT requestBlocked(url, reason);
}

void PreviewPane::toggleDevTools(bool on)
{
    if (!on) {
        if (m_devTools)
            m_devTools->hide();
        return;
    }
    if (!m_devTools) {
        m_devTools = new DevToolsWindow(this);
        connect(m_devTools, &DevToolsWindow::closed, this, [this] { m_devToolsAction->setChecked(false); });
    }
    m_devTools->inspect(m_page);
    m_devTools->show();
    m_devTools->raise();
}

// ---- presentation ----------------------------------------------------------------------------

void PreviewPane::updateNavigationActions()
{
    QWebEngineHistory* history = m_page ? m_page->history() : nullptr;
    m_backAction->setEnabled(history && history->canGoBack());
    m_forwardAction->setEnabled(history && history->canGoForward());
    m_reloadAction->setEnabled(m_page != nullptr);
    m_openInBrowserAction->setEnabled(m_page && previeworigin::isSameOrigin(m_page->url(), m_origin));
    m_pathBar->setEnabled(m_page != nullptr);
}

void PreviewPane::setLoading(bool loading)
{
    m_loading = loading;
    m_stopAction->setEnabled(loading);
    m_reloadStopButton->setDefaultAction(loading ? m_stopAction : m_reloadAction);
    m_loadingBar->setVisible(loading);
    if (loading) {
        m_loadingBar->setValue(0);
        m_loadingBar->raise();
        if (m_status != Status::Building && m_status != Status::Restoring)
            setStatus(Status::Loading);
    }
}

void PreviewPane::setOverlay(Overlay kind, const QString& title, const QString& message,
                             const QString& buttonText)
{
    m_overlayKind = kind;
    if (kind == Overlay::None) {
        m_overlay->hide();
        m_view->setVisible(m_page != nullptr);
        return;
    }
    // Over the project's own page the overlay dims it; with no page (or another project's) it hides it.
    const bool opaque = !m_page || kind == Overlay::Placeholder || kind == Overlay::Crashed;
    m_overlay->present(title, message, buttonText, opaque);
    m_view->setVisible(m_page != nullptr && !opaque);
    layoutOverlays();
    m_overlay->show();
    m_overlay->raise();
}

void PreviewPane::setStatus(Status status)
{
    m_status = status;
    QString text;
    QColor color;
    switch (status) {
    case Status::None:
        break;
    case Status::Loading:
        text = tr("Loading");
        color = Theme::mutedTextColor();
        break;
    case Status::Live:
        text = tr("Live");
        color = Theme::successColor();
        break;
    case Status::Building:
        text = tr("Building");
        color = Theme::warningColor();
        break;
    case Status::Restoring:
        text = tr("Restoring");
        color = Theme::warningColor();
        break;
    case Status::Error:
        text = tr("Error");
        color = Theme::failureColor();
        break;
    }
    m_statusChip->setText(text);
    m_statusChip->setVisible(!text.isEmpty());
    m_statusChip->setStyleSheet(
        u"QLabel { border: 1px solid %1; color: %1; border-radius: 9px; padding: 1px 8px; }"_s.arg(
            color.name()));
}

void PreviewPane::layoutOverlays()
{
    m_overlay->setGeometry(m_viewport->rect());
    m_loadingBar->setGeometry(0, 0, m_viewport->width(), m_loadingBar->height());
}

void PreviewPane::applyZoom()
{
    if (m_page && !qFuzzyCompare(m_page->zoomFactor(), m_viewport->scale()))
        m_page->setZoomFactor(m_viewport->scale());
}

} // namespace forge::ui
