#pragma once

#include <QImage>
#include <QRect>

// The visual diff's 1-bit masks (what changed, what to ignore): Format_MonoLSB, bit 1 = set, read
// and written a scanline at a time. QPainter cannot paint on 1-bit images, hence these helpers.
namespace forge::ui::diffmask {

// An empty mask: nothing set; colour table transparent, white.
QImage blank(QSize size);

// `image` as a mask: 1-bit images keep their bits, others set the pixels at least half opaque.
// A null image stays null (nothing to ignore).
QImage fromImage(const QImage& image);

void fill(QImage& mask, const QRect& rect, bool set);

inline bool test(const uchar* line, int x)
{
    return (line[x >> 3] >> (x & 7)) & 1;
}

inline void set(uchar* line, int x)
{
    line[x >> 3] |= uchar(1u << (x & 7));
}

inline void clear(uchar* line, int x)
{
    line[x >> 3] &= uchar(~(1u << (x & 7)));
}

} // namespace forge::ui::diffmask
