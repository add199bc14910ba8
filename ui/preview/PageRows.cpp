#include "ui/preview/PageRows.h"

#include <algorithm>

namespace forge::ui {

namespace {

// The capture in a format read in place; a grab is one already, so this rarely copies.
QImage as32Bit(const QImage& image)
{
    if (image.format() == QImage::Format_RGB32 || image.format() == QImage::Format_ARGB32_Premultiplied)
        return image;
    return image.convertToFormat(image.hasAlphaChannel() ? QImage::Format_ARGB32_Premultiplied
                                                         : QImage::Format_RGB32);
}

} // namespace

PageRows::PageRows(const QImage& image)
    : PageRows(QList<PageTile>{{image, 0}})
{}

PageRows::PageRows(const QList<PageTile>& tiles)
{
    int height = 0;
    bool first = true;
    for (const PageTile& tile : tiles) {
        if (tile.image.isNull())
            continue;
        // Tiles share the viewport's width; a wider one is read as wide as the narrowest.
        width_ = first ? tile.image.width() : std::min(width_, tile.image.width());
        height = std::max(height, tile.top + tile.image.height());
        first = false;
    }
    transparent_.assign(size_t(width_), 0);
    rows_.assign(size_t(std::max(0, height)), Row{transparent_.data(), 0});
    for (const PageTile& tile : tiles) {
        if (!tile.image.isNull())
            place(as32Bit(tile.image), tile.top);
    }
}

void PageRows::place(const QImage& capture, int top)
{
    captures_.append(capture);
    const quint32 alphaFill = capture.format() == QImage::Format_RGB32 ? 0xff000000u : 0u;
    const int from = std::max(0, -top);
    for (int y = from; y < capture.height(); ++y) {
        rows_[static_cast<size_t>(top) + static_cast<size_t>(y)] = {
            reinterpret_cast<const quint32*>(capture.constScanLine(y)), alphaFill};
    }
}

} // namespace forge::ui
