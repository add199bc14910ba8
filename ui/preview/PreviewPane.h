#pragma once

#include "ui/common/ConsoleMessage.h"

#include <QHash>
#include <QList>
#include <QPair>
#include <QPointer>
#include <QUrl>
#include <QWebEngineView> // webView() callers use it
#include <QWidget>
#include <functional>

class QAction;
class QActionGroup;
class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QToolButton;
class QWebEngineLoadingInfo;
class QWebEnginePage;
class QWebEngineProfile;

namespace forge::ui {

class DeviceViewport;
class DevToolsWindow;
class PaintWatcher;
class PreviewOverlay;
class PreviewPage;
class PreviewProfile;

// The live preview of the selected project: a toolbar (back, forward, reload/stop, a path bar
// that stays on the preview's origin, a status chip, device sizes, devtools, open in browser) over
// a web view, with overlays for loading errors, builds, restores, crashes and "nothing open".
// Each project gets its own off-the-record profile with the rules of docs/security-notes.md §3: auth
// headers only for the preview origin, no local network, no local files, every permission denied,
// popups and other sites only in the system browser after the user confirms.
class PreviewPane final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(PreviewPane)
public:
    using HeaderList = QList<QPair<QByteArray, QByteArray>>;

    enum class Device { Responsive, Phone, Tablet, Desktop };
    Q_ENUM(Device)
    enum class Overlay {
        None,
        Placeholder,
        Building,
        Restoring,
        RestoreFailed,
        Sleeping,
        Unavailable,
        LoadFailed,
        Crashed
    };
    Q_ENUM(Overlay)
    enum class Status { None, Loading, Live, Building, Restoring, Error };
    Q_ENUM(Status)

    explicit PreviewPane(QWidget* parent = nullptr);
    ~PreviewPane() override;

    // Loads `url` for `projectId` in that project's profile. The origin (scheme, host, port of
    // `url`) is the only place the page may go and the only one that gets `originHeaders`.
    void showPreview(const QString& projectId, const QUrl& url, const HeaderList& originHeaders = {});
    // Overlays while the project's steps run; the project's old page (if shown) stays dimmed below.
    void showBuilding(const QString& projectId, const QString& message);
    void showRestoring(const QString& projectId);
    // Restoring gave up (the sandbox manager tried three times): why, and a Retry button that emits
    // retryRequested().
    void showRestoreFailed(const QString& projectId, const QString& message);
    // The project's sandbox sleeps (its keep-awake is off); Wake emits wakeRequested().
    void showSleeping(const QString& projectId);
    void showUnavailable(const QString& projectId, const QString& message);
    void showPlaceholder();
    // The project was removed: its page and profile (cookies, storage) are dropped.
    void forgetProject(const QString& projectId);

    QString projectId() const { return m_projectId; }
    QUrl origin() const { return m_origin; }
    QString currentPath() const;
    QWebEngineView* webView() const { return m_view; }
    // The current preview page, or null when none is loaded.
    QWebEnginePage* page() const;
    // The profile kept for `projectId`, or null.
    QWebEngineProfile* profileFor(const QString& projectId) const;
    QWebEnginePage* devToolsPage() const;

    QAction* backAction() const { return m_backAction; }
    QAction* forwardAction() const { return m_forwardAction; }
    QAction* reloadAction() const { return m_reloadAction; }             // Ctrl+R and F5
    QAction* stopAction() const { return m_stopAction; }                 // Esc
    QAction* focusPathBarAction() const { return m_focusPathBarAction; } // Ctrl+L
    QAction* devToolsAction() const { return m_devToolsAction; }         // Ctrl+Shift+I
    QAction* openInBrowserAction() const { return m_openInBrowserAction; }
    // Responsive, phone, tablet, desktop (checkable, exclusive; Ctrl+Alt+0…3), for the window's menu.
    QList<QAction*> deviceActions() const;

    void setDevice(Device device);
    Device device() const { return m_device; }
    static QSize cssSize(Device device); // empty for Responsive

    Overlay overlay() const { return m_overlayKind; }
    QString overlayTitle() const;
    QString overlayMessage() const;
    QPushButton* overlayButton() const;
    Status status() const { return m_status; }
    QString statusText() const;
    QLineEdit* pathBar() const { return m_pathBar; }
    // The inline message under the path bar (why a typed address was not opened); empty if none.
    QString pathBarMessage() const;

    // How links that leave the preview are handled: `confirm` asks the user (default: a dialog
    // "Open <url> in your browser?"), `open` opens it (default: QDesktopServices::openUrl). Tests
    // inject both.
    void setExternalOpenHandler(std::function<bool(const QUrl&)> confirm,
                                std::function<void(const QUrl&)> open);

Q_SIGNALS:
    void consoleMessage(const forge::ui::ConsoleMessage& message);
    // A request or navigation of the page that was refused, with the reason (for the log).
    void requestBlocked(const QUrl& url, const QString& reason);
    // A permission (geolocation, camera, notifications, HTTP auth, download, ...) that was denied.
    void permissionDenied(const QString& what, const QUrl& origin);
    // The current preview finished loading and has painted content (`--screenshot`).
    void pagePainted();
    // Retry on the "could not be restored" overlay.
    void retryRequested(const QString& projectId);
    // Wake on the "Sleeping" overlay.
    void wakeRequested(const QString& projectId);
    void renderProcessCrashed(const QString& reason);
    // After the user confirmed: `url` was handed to the system browser.
    void openedExternally(const QUrl& url);

private:
    void createActions();
    void createLayout();
    PreviewProfile* ensureProfile(const QString& projectId);
    void usePage(const QString& projectId);
    void dropPage();
    void connectPage(PreviewPage* page);
    void onLoadingChanged(const QWebEngineLoadingInfo& info);
    void onUrlChanged(const QUrl& url);
    void onRenderProcessTerminated(int status, int exitCode);
    void onPathBarEntered();
    void onOverlayButton();
    void requestExternalOpen(const QUrl& url);
    void reportBlocked(const QUrl& url, const QString& reason);
    void toggleDevTools(bool on);
    void updateNavigationActions();
    void setLoading(bool loading);
    void setOverlay(Overlay kind, const QString& title = {}, const QString& message = {},
                    const QString& buttonText = {});
    void setStatus(Status status);
    void layoutOverlays();
    void applyZoom();
    void showPathBarMessage(const QString& message);

    QString m_projectId;     // the project the pane shows (page or overlay)
    QString m_pageProjectId; // the project m_page belongs to
    QUrl m_origin;
    QUrl m_requestedUrl;
    QUrl m_failedUrl;
    QString m_certificateProblem;
    QUrl m_authRefusedUrl;
    HeaderList m_originHeaders;
    QHash<QString, PreviewProfile*> m_profiles;
    PreviewPage* m_page = nullptr;
    bool m_loading = false;
    bool m_confirmationOpen = false;
    Device m_device = Device::Responsive;
    Overlay m_overlayKind = Overlay::None;
    Status m_status = Status::None;

    std::function<bool(const QUrl&)> m_confirmExternal;
    std::function<void(const QUrl&)> m_openExternal;

    QAction* m_backAction = nullptr;
    QAction* m_forwardAction = nullptr;
    QAction* m_reloadAction = nullptr;
    QAction* m_stopAction = nullptr;
    QAction* m_focusPathBarAction = nullptr;
    QAction* m_devToolsAction = nullptr;
    QAction* m_openInBrowserAction = nullptr;
    QActionGroup* m_deviceGroup = nullptr;

    QToolButton* m_reloadStopButton = nullptr;
    QToolButton* m_deviceButton = nullptr;
    QLineEdit* m_pathBar = nullptr;
    QLabel* m_pathBarMessage = nullptr;
    QLabel* m_statusChip = nullptr;
    DeviceViewport* m_viewport = nullptr;
    QWebEngineView* m_view = nullptr;
    QProgressBar* m_loadingBar = nullptr;
    PreviewOverlay* m_overlay = nullptr;
    PaintWatcher* m_paintWatcher = nullptr;
    QPointer<DevToolsWindow> m_devTools;
};

} // namespace forge::ui
