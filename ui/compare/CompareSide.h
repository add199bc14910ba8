#pragma once

#include "ui/preview/PreviewRequestInterceptor.h"

#include <QUrl>
#include <QWidget>

class QLabel;
class QWebEngineLoadingInfo;
class QWebEnginePage;
class QWebEngineView;

namespace forge::ui {

class DeviceViewport;
class PaintWatcher;
class PreviewOverlay;
class PreviewPage;
class PreviewProfile;

// One of the two pages of a comparison: a caption ("Base", the project) over a web view, as
// confined as the main preview. It has its own off-the-record profile whose interceptor sends the
// preview's headers to its origin alone and keeps the page off this machine and the private network
// (PreviewProfile), a PreviewPage that keeps the main frame on that origin, and every permission
// denied (PermissionDenier). Links to other sites are not followed here at all: the main preview
// is where they can be opened, after asking.
class CompareSide final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(CompareSide)
public:
    using HeaderList = PreviewRequestInterceptor::HeaderList;

    // `role` is "Base" or "Head"; `title` names the project ("owner/repo #42").
    CompareSide(const QString& role, const QString& title, QWidget* parent = nullptr);
    ~CompareSide() override;

    // Loads `url`; its origin is the only place the page may go and the only one that gets `headers`.
    void open(const QUrl& url, const HeaderList& headers);
    // Goes to `path` ("/docs?x=1") on the origin; false (with `why`) when it is not a path there.
    bool navigate(const QString& path, QString* why = nullptr);
    void back();
    void forward();
    void reload();

    QString role() const { return m_role; }
    QString title() const { return m_title; }
    QUrl origin() const { return m_origin; }
    // Where the page is, "/path?query#fragment" as the path bar shows it.
    QString path() const;
    QWebEnginePage* page() const;
    QWebEngineView* view() const { return m_view; }
    void setDeviceSize(const QSize& cssSize);

    bool isLoading() const { return m_loading; }
    // The current page has loaded and painted (PaintWatcher), or failed to.
    bool isSettled() const { return !m_loading && m_painted; }

Q_SIGNALS:
    // The page went somewhere by itself (a link, a form, a script), not because open(), navigate(),
    // back(), forward() or reload() asked: the other side follows it.
    void pageNavigated(const QUrl& url);
    // The page loaded and painted (or gave up painting); see isSettled().
    void settled();
    void scrolled();
    // A request, navigation or permission of the page that was refused, with the reason.
    void refused(const QUrl& url, const QString& reason);

private:
    void createPage(const QUrl& origin, const HeaderList& headers);
    void connectPage();
    void onLoadingChanged(const QWebEngineLoadingInfo& info);
    void onUrlChanged(const QUrl& url);
    void showFailure(const QString& message);
    void updateCaption();
    void applyZoom();

    QString m_role;
    QString m_title;
    QUrl m_origin;
    PreviewProfile* m_profile = nullptr;
    PreviewPage* m_page = nullptr;
    QLabel* m_caption = nullptr; // role and project
    QLabel* m_address = nullptr; // origin, and whether it loads
    DeviceViewport* m_viewport = nullptr;
    QWebEngineView* m_view = nullptr;
    PreviewOverlay* m_overlay = nullptr;
    PaintWatcher* m_paintWatcher = nullptr;
    bool m_loading = false;
    bool m_painted = false;
    // A load this side was told to do (open, navigate, history): until it ends, its URL changes are
    // not the page moving by itself, so the other side does not follow them back (two pages that
    // redirect to each other's paths would otherwise chase one another forever).
    bool m_commanded = false;
};

} // namespace forge::ui
