#include "ui/preview/VisualDiff.h"

#include "ui/preview/ChangeGrid.h"
#include "ui/preview/DiffMask.h"
#include "ui/preview/PageRows.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>

namespace forge::ui {

namespace {

bool beyondTolerance(quint32 a, quint32 b, int tolerance)
{
    for (int shift = 0; shift < 32; shift += 8) {
        if (std::abs(int((a >> shift) & 0xff) - int((b >> shift) & 0xff)) > tolerance)
            return true;
    }
    return false;
}

// One row's changed pixels, in increasing order: marked in the mask and handed to the grid as
// runs (the last one when the row is done).
class RowChanges
{
public:
    RowChanges(ChangeGrid& grid, uchar* mask, const uchar* ignore, int ignoreWidth, int y)
        : grid_(grid)
        , mask_(mask)
        , ignore_(ignore)
        , ignoreWidth_(ignoreWidth)
        , y_(y)
    {}
    ~RowChanges() { flush(); }

    void add(int x)
    {
        if (ignore_ && x < ignoreWidth_ && diffmask::test(ignore_, x))
            return;
        diffmask::set(mask_, x);
        if (x == end_ + 1 && start_ >= 0) {
            end_ = x;
            return;
        }
        flush();
        start_ = end_ = x;
    }

private:
    void flush()
    {
        if (start_ >= 0)
            grid_.addRun(y_, start_, end_);
        start_ = -1;
    }

    ChangeGrid& grid_;
    uchar* mask_;
    const uchar* ignore_;
    int ignoreWidth_;
    int y_;
    int start_ = -1;
    int end_ = -1;
};

// Row y of both captures: pixels both have are compared, pixels only one has have changed.
void compareRow(const PageRows& base, const PageRows& head, int y, int tolerance, RowChanges& changes)
{
    const int baseWidth = y < base.height() ? base.width() : 0;
    const int headWidth = y < head.height() ? head.width() : 0;
    const int common = std::min(baseWidth, headWidth);
    if (common > 0 && std::memcmp(base.row(y), head.row(y), size_t(common) * 4) != 0) {
        const quint32* a = base.row(y);
        const quint32* b = head.row(y);
        const quint32 fillA = base.alphaFill(y);
        const quint32 fillB = head.alphaFill(y);
        for (int x = 0; x < common; ++x) {
            if (a[x] != b[x] && beyondTolerance(a[x] | fillA, b[x] | fillB, tolerance))
                changes.add(x);
        }
    }
    for (int x = common; x < std::max(baseWidth, headWidth); ++x)
        changes.add(x);
}

VisualDiff compareRows(const PageRows& base, const PageRows& head, const VisualDiffOptions& options,
                       const QImage& ignore)
{
    VisualDiff diff;
    diff.sizesDiffer = base.size() != head.size();
    const QSize canvas = base.size().expandedTo(head.size());
    diff.mask = diffmask::blank(canvas);
    const QImage ignoreBits = diffmask::fromImage(ignore);
    ChangeGrid grid(canvas, options.mergeDistance);
    for (int y = 0; y < canvas.height(); ++y) {
        const uchar* ignoreLine = y < ignoreBits.height() ? ignoreBits.constScanLine(y) : nullptr;
        RowChanges changes(grid, diff.mask.scanLine(y), ignoreLine, ignoreBits.width(), y);
        compareRow(base, head, y, options.tolerance, changes);
    }

    const ChangeGrid::Grouping grouping = grid.group(options.minRegionPixels);
    for (const QRect& cell : grouping.droppedCells)
        diffmask::fill(diff.mask, cell, false);
    for (const ChangeGrid::Region& region : grouping.kept) {
        diff.regions.append(region.box);
        diff.changedPixels += region.pixels;
    }
    return diff;
}

QImage regionsMask(const VisualDiff& diff, int grow)
{
    QImage mask = diffmask::blank(diff.mask.size());
    for (const QRect& region : diff.regions)
        diffmask::fill(mask, region.adjusted(-grow, -grow, grow, grow), true);
    return mask;
}

} // namespace

VisualDiff compareImages(const QImage& base, const QImage& head, const VisualDiffOptions& options,
                         const QImage& ignore)
{
    return compareRows(PageRows(base), PageRows(head), options, ignore);
}

QList<PageTile> scrolledTiles(const QList<QImage>& captures, int viewportHeight, int pageHeight)
{
    QList<PageTile> tiles;
    for (qsizetype i = 0; i < captures.size(); ++i) {
        const int top = int(i) * viewportHeight;
        tiles.append({captures.at(i), std::max(0, std::min(top, pageHeight - captures.at(i).height()))});
    }
    return tiles;
}

VisualDiff compareTiles(const QList<PageTile>& base, const QList<PageTile>& head,
                        const VisualDiffOptions& options, const QImage& ignore)
{
    return compareRows(PageRows(base), PageRows(head), options, ignore);
}

QImage unstableMask(const QImage& first, const QImage& second, const VisualDiffOptions& options)
{
    return regionsMask(compareImages(first, second, options), options.mergeDistance);
}

QImage unstableMask(const QList<PageTile>& first, const QList<PageTile>& second,
                    const VisualDiffOptions& options)
{
    return regionsMask(compareTiles(first, second, options), options.mergeDistance);
}

} // namespace forge::ui
