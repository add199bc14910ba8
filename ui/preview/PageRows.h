#pragma once

#include "ui/preview/VisualDiff.h"

#include <vector>

namespace forge::ui {

// A capture as rows of 32-bit pixels, whether one image or the tiles of a tall page, so the diff
// reads both the same way and never copies a tile into a stitched page. Rows no tile covers are
// transparent.
class PageRows
{
public:
    explicit PageRows(const QImage& image);
    explicit PageRows(const QList<PageTile>& tiles);

    int width() const { return width_; }
    int height() const { return int(rows_.size()); }
    QSize size() const { return {width_, height()}; }

    // width() pixels, 0xAARRGGBB (premultiplied).
    const quint32* row(int y) const { return rows_[size_t(y)].pixels; }
    // To OR into row y's pixels before comparing them: RGB32 pixels are opaque, but images made
    // over a foreign buffer (BGRX) may leave their alpha byte 0.
    quint32 alphaFill(int y) const { return rows_[size_t(y)].alphaFill; }

private:
    struct Row
    {
        const quint32* pixels = nullptr;
        quint32 alphaFill = 0;
    };

    void place(const QImage& capture, int top);

    QList<QImage> captures_; // keeps the pixels read alive (converted ones are copies)
    std::vector<quint32> transparent_;
    std::vector<Row> rows_;
    int width_ = 0;
};

} // namespace forge::ui
