#pragma once

#include "ui/preview/VisualDiff.h"

#include <QObject>
#include <QPointF>
#include <QPointer>

class QVariant;
class QWebEngineView;

namespace forge::ui {

class PageProbe;

// Captures what a view shows of its page from the top to the bottom, one viewport at a time: it
// scrolls, waits until the page has drawn a few frames at the new position, grabs the view and
// notes where the page really scrolled to (the last viewport stops at the page's end), then puts
// the page back where it was. The tiles are in the capture's pixels (PageTile), ready for
// compareTiles and unstableMask.
class PageCapture final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(PageCapture)
public:
    // A page taller than this many viewports is captured down to there only.
    static constexpr int MaxTiles = 12;

    explicit PageCapture(QWebEngineView* view, QObject* parent = nullptr);

    void start();
    void cancel();
    // Capture pixels per CSS pixel in the last capture (the page's zoom times the screen's pixel
    // ratio); 1 before any.
    double scale() const { return m_scale; }

Q_SIGNALS:
    // `complete` is false when the page was cut at MaxTiles or stopped answering.
    void finished(const QList<forge::ui::PageTile>& tiles, bool complete);

private:
    void onMeasured(const QVariant& answer);
    void scrollToTile();
    void onScrolled(const QVariant& scrollY);
    void finish(bool complete);

    QPointer<QWebEngineView> m_view;
    PageProbe* m_probe = nullptr;
    QList<PageTile> m_tiles;
    QPointF m_saved;             // where the user had scrolled to (CSS pixels)
    double m_viewportHeight = 0; // window.innerHeight (CSS pixels): what one capture shows
    double m_contentWidth = 0;   // clientWidth: the viewport without a vertical scrollbar
    double m_step = 0;           // clientHeight: the viewport without a horizontal scrollbar
    double m_scale = 1;
    int m_count = 0;
    bool m_cut = false;
    quint64 m_generation = 0;
};

} // namespace forge::ui
