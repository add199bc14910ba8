// The overlay's two pictures (VisualDiff.h): the head capture with what changed marked, and the
// slider's cross-fade.
#include "ui/preview/PageRows.h"
#include "ui/preview/VisualDiff.h"

#include <QPainter>
#include <algorithm>

namespace forge::ui {

namespace {

constexpr int FrameWidth = 2;
constexpr qreal TintOpacity = 0.35; // the page stays readable under the tint

QImage transparentCanvas(QSize size)
{
    QImage canvas(size, QImage::Format_ARGB32_Premultiplied);
    canvas.fill(Qt::transparent);
    return canvas;
}

// A frame just outside `box`: four bars, exact to the pixel (QPainter::drawRect's outline falls
// half a pen outside a QRect's right and bottom edges).
void frame(QPainter& painter, const QRect& box, const QColor& color)
{
    const int w = FrameWidth;
    painter.fillRect(QRect(box.left() - w, box.top() - w, box.width() + 2 * w, w), color);
    painter.fillRect(QRect(box.left() - w, box.bottom() + 1, box.width() + 2 * w, w), color);
    painter.fillRect(QRect(box.left() - w, box.top(), w, box.height()), color);
    painter.fillRect(QRect(box.right() + 1, box.top(), w, box.height()), color);
}

// a × (1 − w/256) + b × w/256 for each channel of two premultiplied pixels, two channels at a
// time (each product fits its 16-bit lane). QPainter's Plus mode cannot do this: drawn with an
// opacity, its alpha comes out as SourceOver's.
quint32 mix(quint32 a, quint32 b, quint32 weight)
{
    const quint32 keep = 256 - weight;
    const quint32 redBlue = (((a & 0x00ff00ffu) * keep + (b & 0x00ff00ffu) * weight) >> 8) & 0x00ff00ffu;
    const quint32 alphaGreen =
        (((a >> 8) & 0x00ff00ffu) * keep + ((b >> 8) & 0x00ff00ffu) * weight) & 0xff00ff00u;
    return alphaGreen | redBlue;
}

} // namespace

QImage outlined(const QImage& head, const VisualDiff& diff, const QColor& color)
{
    QImage result = transparentCanvas(diff.mask.isNull() ? head.size() : diff.mask.size());
    QPainter painter(&result);
    // Pixel for pixel: drawImage at a point would shrink a HiDPI capture by its devicePixelRatio.
    painter.drawImage(QRect(QPoint(0, 0), head.size()), head, head.rect());
    if (!diff.mask.isNull()) {
        // The mask drawn through its colour table: changed pixels in `color`, the rest transparent.
        QImage tint = diff.mask;
        tint.setColorTable({qRgba(0, 0, 0, 0), color.rgba()});
        painter.setOpacity(TintOpacity);
        painter.drawImage(0, 0, tint);
        painter.setOpacity(1);
    }
    for (const QRect& region : diff.regions)
        frame(painter, region, color);
    painter.end();
    result.setDevicePixelRatio(head.devicePixelRatio()); // shown at the capture's size
    return result;
}

QImage blended(const QImage& base, const QImage& head, qreal position)
{
    const auto weight = quint32(qRound(std::clamp(position, 0.0, 1.0) * 256));
    const PageRows from(base);
    const PageRows to(head);
    // Every pixel is written below: no fill first (a fresh 5 MB image costs its page faults once).
    const QSize size = from.size().expandedTo(to.size());
    QImage result(size, QImage::Format_ARGB32_Premultiplied);
    for (int y = 0; y < size.height(); ++y) {
        auto* out = reinterpret_cast<quint32*>(result.scanLine(y));
        // Where a capture has no pixels, it is transparent.
        const int fromWidth = y < from.height() ? from.width() : 0;
        const int toWidth = y < to.height() ? to.width() : 0;
        const quint32* a = fromWidth ? from.row(y) : nullptr;
        const quint32* b = toWidth ? to.row(y) : nullptr;
        const quint32 fillA = fromWidth ? from.alphaFill(y) : 0;
        const quint32 fillB = toWidth ? to.alphaFill(y) : 0;
        for (int x = 0; x < size.width(); ++x)
            out[x] = mix(x < fromWidth ? a[x] | fillA : 0, x < toWidth ? b[x] | fillB : 0, weight);
    }
    result.setDevicePixelRatio(head.devicePixelRatio());
    return result;
}

} // namespace forge::ui
