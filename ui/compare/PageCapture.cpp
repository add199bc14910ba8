#include "ui/compare/PageCapture.h"

#include "ui/compare/PageProbe.h"

#include <QVariantMap>
#include <QWebEnginePage>
#include <QWebEngineScript>
#include <QWebEngineView>
#include <cmath>

using namespace Qt::StringLiterals;

namespace forge::ui {

namespace {

constexpr auto measureScript = R"JS(
(function () {
    const root = document.scrollingElement || document.documentElement;
    return { scrollX: window.scrollX, scrollY: window.scrollY, innerHeight: window.innerHeight,
             clientWidth: root.clientWidth, clientHeight: root.clientHeight, pageHeight: root.scrollHeight };
})()
)JS";

// 'instant': a page styled with scroll-behavior: smooth would otherwise glide there.
QString scrollScript(double x, double y)
{
    return u"window.scrollTo({ left: %1, top: %2, behavior: 'instant' });"_s.arg(x).arg(y);
}

// Frames after a scroll before the view is grabbed: the first draws the new position, the
// others let that frame reach the view.
constexpr int FramesAfterScroll = 3;
constexpr int ScrollTimeoutMs = 3000;

} // namespace

PageCapture::PageCapture(QWebEngineView* view, QObject* parent)
    : QObject(parent)
    , m_view(view)
    , m_probe(new PageProbe(this))
{
    connect(m_probe, &PageProbe::answered, this, &PageCapture::onScrolled);
}

void PageCapture::start()
{
    cancel();
    QWebEnginePage* page = m_view ? m_view->page() : nullptr;
    if (!page) {
        finish(false);
        return;
    }
    const quint64 generation = m_generation;
    page->runJavaScript(QString::fromUtf8(measureScript), QWebEngineScript::ApplicationWorld,
                        [self = QPointer<PageCapture>(this), generation](const QVariant& answer) {
                            if (self && generation == self->m_generation)
                                self->onMeasured(answer);
                        });
}

void PageCapture::cancel()
{
    ++m_generation;
    m_probe->cancel();
    m_tiles.clear();
    m_cut = false;
}

void PageCapture::onMeasured(const QVariant& answer)
{
    const QVariantMap page = answer.toMap();
    m_saved = {page.value(u"scrollX"_s).toDouble(), page.value(u"scrollY"_s).toDouble()};
    m_viewportHeight = page.value(u"innerHeight"_s).toDouble();
    m_step = page.value(u"clientHeight"_s).toDouble();
    m_contentWidth = page.value(u"clientWidth"_s).toDouble();
    const double pageHeight = page.value(u"pageHeight"_s).toDouble();
    if (m_viewportHeight <= 0 || m_step <= 0) {
        finish(false);
        return;
    }
    const int needed = std::max(1, int(std::ceil(pageHeight / m_step)));
    m_count = std::min(needed, MaxTiles);
    m_cut = needed > MaxTiles;
    scrollToTile();
}

void PageCapture::scrollToTile()
{
    const double top = double(m_tiles.size()) * m_step;
    m_probe->start(m_view->page(), scrollScript(0, top) + PageProbe::countFramesScript(FramesAfterScroll),
                   u"(%1) && window.scrollY"_s.arg(PageProbe::framesDoneScript()), ScrollTimeoutMs);
}

void PageCapture::onScrolled(const QVariant& scrollY)
{
    if (!m_view || !scrollY.isValid()) {
        finish(false);
        return;
    }
    const QImage view = m_view->grab().toImage();
    // CSS pixels to the capture's: the page's zoom and the screen's pixel ratio in one factor.
    m_scale = view.height() / m_viewportHeight;
    // Without the scrollbars: their thumbs sit elsewhere in every tile, and a page a little longer
    // than the other would show as a changed strip down its edge.
    const QImage content =
        view.copy(0, 0, int(std::lround(m_contentWidth * m_scale)), int(std::lround(m_step * m_scale)));
    m_tiles.append({content, int(std::lround(scrollY.toDouble() * m_scale))});
    if (m_tiles.size() < m_count)
        scrollToTile();
    else
        finish(!m_cut);
}

void PageCapture::finish(bool complete)
{
    if (m_view && m_view->page())
        m_view->page()->runJavaScript(scrollScript(m_saved.x(), m_saved.y()),
                                      QWebEngineScript::ApplicationWorld);
    const QList<PageTile> tiles = m_tiles;
    m_tiles.clear();
    Q_EMIT finished(tiles, complete);
}

} // namespace forge::ui
