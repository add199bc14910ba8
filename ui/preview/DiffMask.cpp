#include "ui/preview/DiffMask.h"

#include <algorithm>
#include <cstring>

namespace forge::ui::diffmask {

QImage blank(QSize size)
{
    QImage mask(size, QImage::Format_MonoLSB);
    mask.setColorTable({qRgba(0, 0, 0, 0), qRgba(255, 255, 255, 255)});
    mask.fill(0);
    return mask;
}

QImage fromImage(const QImage& image)
{
    if (image.isNull())
        return {};
    if (image.format() == QImage::Format_MonoLSB)
        return image;
    if (image.format() == QImage::Format_Mono)
        return image.convertToFormat(QImage::Format_MonoLSB); // reorders the bits, keeps them
    const QImage argb = image.convertToFormat(QImage::Format_ARGB32);
    QImage mask = blank(argb.size());
    const int width = argb.width();
    for (int y = 0; y < argb.height(); ++y) {
        const auto* pixels = reinterpret_cast<const QRgb*>(argb.constScanLine(y));
        uchar* bits = mask.scanLine(y);
        for (int x = 0; x < width; ++x) {
            if (qAlpha(pixels[x]) >= 128)
                set(bits, x);
        }
    }
    return mask;
}

void fill(QImage& mask, const QRect& rect, bool on)
{
    const QRect area = rect & mask.rect();
    const auto put = [on](uchar* bits, int x) { on ? set(bits, x) : clear(bits, x); };
    for (int y = area.top(); y <= area.bottom(); ++y) {
        uchar* bits = mask.scanLine(y);
        int x = area.left();
        // Whole bytes in the middle at once: an unstable region can be most of a page.
        for (; x <= area.right() && (x & 7); ++x)
            put(bits, x);
        const int wholeBytes = std::max(0, (area.right() + 1 - x) / 8);
        std::memset(bits + (x >> 3), on ? 0xff : 0, size_t(wholeBytes));
        for (x += 8 * wholeBytes; x <= area.right(); ++x)
            put(bits, x);
    }
}

} // namespace forge::ui::diffmask
