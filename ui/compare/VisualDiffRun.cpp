#include "ui/compare/VisualDiffRun.h"

#include "ui/compare/CompareSide.h"
#include "ui/compare/PageCapture.h"
#include "ui/compare/PageProbe.h"
#include "ui/preview/DiffMask.h"

#include <QPainter>
#include <algorithm>
#include <cmath>
#include <cstring>

using namespace Qt::StringLiterals;

namespace forge::ui {

namespace {

// True once the document is complete, its images and fonts have loaded and no resource has
// finished (performance entries) during the last two animation frames: the network has gone
// quiet and the page has drawn what it got. Each change starts the two frames again.
constexpr auto idleScript = R"JS(
(function () {
    const state = window.__forgeIdle || (window.__forgeIdle = { resources: -1, generation: 0, frames: 0 });
    const resources = performance.getEntriesByType('resource').length;
    const busy = document.readyState !== 'complete' ||
        Array.from(document.images).some(image => !image.complete) ||
        (!!document.fonts && document.fonts.status !== 'loaded');
    if (busy || resources !== state.resources) {
        state.resources = resources;
        const generation = ++state.generation;
        state.frames = 0;
        const tick = () => {
            if (state.generation === generation && ++state.frames < 2)
                requestAnimationFrame(tick);
        };
        requestAnimationFrame(tick);
        return false;
    }
    return state.frames >= 2;
})()
)JS";

constexpr int PauseTimeoutMs = 3000;
// How far apart (CSS pixels) changed pixels may be and still be one region: the gap between the
// words of a large heading, so a recoloured heading is one region, not one per word (the engine's
// default, 8 capture pixels, keeps a line of body text together but splits a 32 px heading).
constexpr double MergeCssPixels = 16;
constexpr int MinimumProbeMs = 500;

// The two pages' unstable parts together: a pixel either page animates is left out.
QImage united(const QImage& a, const QImage& b)
{
    QImage out = diffmask::blank(a.size().expandedTo(b.size()));
    for (const QImage* mask : {&a, &b}) {
        const auto bytes = size_t(std::min(mask->bytesPerLine(), out.bytesPerLine()));
        for (int y = 0; y < mask->height(); ++y) {
            uchar* line = out.scanLine(y);
            const uchar* in = mask->constScanLine(y);
            for (size_t i = 0; i < bytes; ++i)
                line[i] |= in[i];
        }
    }
    return out;
}

// What moved between a page's two captures; nothing when the second one failed (compared with
// nothing, the whole page would count as moving and hide every difference).
QImage movedParts(const QList<PageTile>& first, const QList<PageTile>& second,
                  const VisualDiffOptions& options)
{
    return second.isEmpty() ? QImage() : unstableMask(first, second, options);
}

bool anySet(const QImage& mask)
{
    const auto bytes = size_t((mask.width() + 7) / 8);
    for (int y = 0; y < mask.height(); ++y) {
        const uchar* line = mask.constScanLine(y);
        if (std::any_of(line, line + bytes, [](uchar byte) { return byte != 0; }))
            return true;
    }
    return false;
}

// The page whole, for the overlay: where tiles overlap, the later one shows (as compareTiles reads).
QImage stitched(const QList<PageTile>& tiles)
{
    if (tiles.isEmpty())
        return {};
    QSize size;
    for (const PageTile& tile : tiles)
        size = size.expandedTo({tile.image.width(), tile.top + tile.image.height()});
    QImage page(size, QImage::Format_ARGB32_Premultiplied);
    page.fill(Qt::transparent);
    QPainter painter(&page);
    for (const PageTile& tile : tiles) // pixel for pixel, whatever the capture's pixel ratio
        painter.drawImage(QRect(QPoint(0, tile.top), tile.image.size()), tile.image, tile.image.rect());
    painter.end();
    page.setDevicePixelRatio(tiles.first().image.devicePixelRatio());
    return page;
}

} // namespace

VisualDiffRun::VisualDiffRun(CompareSide* base, CompareSide* head, QObject* parent)
    : QObject(parent)
{
    m_sides[0].side = base;
    m_sides[1].side = head;
    for (Side& side : m_sides) {
        side.probe = new PageProbe(this);
        side.capture = new PageCapture(side.side->view(), this);
        connect(side.probe, &PageProbe::answered, this,
                [this, &side](const QVariant& answer) { onProbeAnswered(side, answer); });
        connect(side.capture, &PageCapture::finished, this,
                [this, &side](const QList<PageTile>& tiles, bool complete) {
                    onCaptured(side, tiles, complete);
                });
        connect(side.side, &CompareSide::settled, this, [this, &side] {
            if (!side.waitingForPaint)
                return;
            side.waitingForPaint = false;
            probeIdle(side);
        });
    }
    m_deadline.setSingleShot(true);
    m_deadline.setInterval(SettleTimeoutMs);
    connect(&m_deadline, &QTimer::timeout, this, &VisualDiffRun::onDeadline);
}

void VisualDiffRun::start()
{
    cancel();
    m_clock.start();
    enter(Stage::Settling);
}

void VisualDiffRun::cancel()
{
    m_stage = Stage::Idle;
    m_deadline.stop();
    m_notes.clear();
    for (Side& side : m_sides) {
        side.probe->cancel();
        side.capture->cancel();
        side.waitingForPaint = false;
        side.first.clear();
        side.second.clear();
    }
}

void VisualDiffRun::enter(Stage stage)
{
    m_stage = stage;
    m_waiting = int(m_sides.size());
    switch (stage) {
    case Stage::Idle:
        return;
    case Stage::Settling:
        Q_EMIT progress(tr("Waiting for both pages to finish loading and drawing…"));
        m_deadline.start();
        for (Side& side : m_sides)
            settle(side);
        return;
    case Stage::FirstCapture:
    case Stage::SecondCapture:
        Q_EMIT progress(stage == Stage::FirstCapture ? tr("Capturing both pages…")
                                                     : tr("Capturing again to find animations…"));
        for (Side& side : m_sides)
            side.capture->start();
        return;
    case Stage::Pause:
        for (Side& side : m_sides)
            side.probe->start(side.side->page(), PageProbe::countFramesScript(FramesBetweenCaptures),
                              PageProbe::framesDoneScript(), PauseTimeoutMs);
        return;
    }
}

void VisualDiffRun::settle(Side& side)
{
    if (side.side->isSettled()) {
        probeIdle(side);
        return;
    }
    side.waitingForPaint = true; // CompareSide::settled goes on
}

void VisualDiffRun::probeIdle(Side& side)
{
    const int left = std::max(MinimumProbeMs, SettleTimeoutMs - int(m_clock.elapsed()));
    side.probe->start(side.side->page(), {}, QString::fromUtf8(idleScript), left);
}

void VisualDiffRun::onDeadline()
{
    for (Side& side : m_sides) {
        if (!side.waitingForPaint)
            continue;
        side.waitingForPaint = false;
        m_notes.append(tr("The %1 page was still loading after %2 seconds; it was captured as it was.")
                           .arg(name(side))
                           .arg(SettleTimeoutMs / 1000));
        side.probe->start(side.side->page(), {}, QString::fromUtf8(idleScript), MinimumProbeMs);
    }
}

void VisualDiffRun::onProbeAnswered(Side& side, const QVariant& answer)
{
    if (m_stage == Stage::Settling && !answer.isValid())
        m_notes.append(tr("The %1 page was still busy after %2 seconds; it was captured as it was.")
                           .arg(name(side))
                           .arg(SettleTimeoutMs / 1000));
    if (m_stage == Stage::Settling || m_stage == Stage::Pause)
        sideDone();
}

void VisualDiffRun::onCaptured(Side& side, const QList<PageTile>& tiles, bool complete)
{
    if (m_stage == Stage::FirstCapture) {
        side.first = tiles;
        if (!complete && !tiles.isEmpty())
            m_notes.append(tr("The %1 page is long: its first %2 screens were compared.")
                               .arg(name(side))
                               .arg(tiles.size()));
    } else if (m_stage == Stage::SecondCapture) {
        side.second = tiles;
    } else {
        return;
    }
    sideDone();
}

void VisualDiffRun::sideDone()
{
    if (--m_waiting == 0)
        advance();
}

void VisualDiffRun::advance()
{
    switch (m_stage) {
    case Stage::Settling:
        m_deadline.stop();
        return enter(Stage::FirstCapture);
    case Stage::FirstCapture:
        return enter(Stage::Pause);
    case Stage::Pause:
        return enter(Stage::SecondCapture);
    case Stage::SecondCapture:
        return compare();
    case Stage::Idle:
        return;
    }
}

void VisualDiffRun::compare()
{
    Q_EMIT progress(tr("Comparing…"));
    const Side& base = m_sides[0];
    const Side& head = m_sides[1];
    VisualDiffResult result;
    result.notes = m_notes;
    if (base.first.isEmpty() || head.first.isEmpty()) {
        result.failure =
            tr("The %1 page could not be captured.").arg(name(base.first.isEmpty() ? base : head));
    } else {
        VisualDiffOptions options;
        options.mergeDistance =
            std::max(options.mergeDistance, int(std::lround(MergeCssPixels * head.capture->scale())));
        const QImage unstable = united(movedParts(base.first, base.second, options),
                                       movedParts(head.first, head.second, options));
        result.animationsMasked = anySet(unstable);
        result.diff = compareTiles(base.first, head.first, options, unstable);
        result.base = stitched(base.first);
        result.head = stitched(head.first);
    }
    cancel();
    Q_EMIT finished(result);
}

QString VisualDiffRun::name(const Side& side) const
{
    return side.side->role().toLower();
}

} // namespace forge::ui
