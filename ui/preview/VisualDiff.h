#pragma once

#include <QColor>
#include <QImage>
#include <QList>
#include <QRect>

// The visual diff of issue 21: a pull request's preview against the base branch's, both captured
// at the same viewport size. Pure functions over QImages (no widgets, no web engine), so the PR
// preview view, its tests and its benchmark share one engine. Captures are compared as 32-bit
// pixels: Format_RGB32 and Format_ARGB32_Premultiplied are read in place, any other format is
// converted once. Coordinates are the captures' pixels (device pixels on a HiDPI screen), whatever
// their devicePixelRatio.

namespace forge::ui {

// How far two captures must differ to count, and how changed pixels are grouped.
struct VisualDiffOptions
{
    // A pixel has changed when one of its channels (alpha, red, green, blue) moves by more than
    // this: antialiasing, dithering and image decoding differ by a few steps between renderings.
    int tolerance = 16;
    // Changed pixels at most this far apart, horizontally and vertically, belong to one region, so
    // a changed line of text is one region and not one per letter. The grouping runs on a grid of
    // cells this size: pixels up to twice as far apart may join too, farther ones only through
    // changed pixels between them.
    int mergeDistance = 8;
    // Regions with fewer changed pixels are noise (a stray antialiased pixel): dropped, not
    // counted and not in the mask.
    int minRegionPixels = 4;
};

struct VisualDiff
{
    // Changed pixels in the regions kept.
    qint64 changedPixels = 0;
    // Bounding boxes of the changed pixels, grouped by mergeDistance; boxes that would overlap are
    // joined, so none do. Top to bottom, then left to right, in image (or page) coordinates.
    QList<QRect> regions;
    // What changed, for the overlay: Format_MonoLSB the size of the larger capture, bit 1 for a
    // changed pixel (colour table: transparent, white).
    QImage mask;
    // The captures differ in size: they are compared over their common area, and a pixel only one
    // of them has counts as changed.
    bool sizesDiffer = false;

    bool identical() const { return regions.isEmpty(); }
};

// What differs between `base` and `head`. Pixels set in `ignore` are left out: a mask as
// unstableMask returns (bit 1 = ignore) or any other image, where a pixel at least half opaque is
// ignored.
VisualDiff compareImages(const QImage& base, const QImage& head, const VisualDiffOptions& options = {},
                         const QImage& ignore = {});

// One viewport capture of a page taller than the viewport, and how far the page was scrolled when
// it was taken (window.scrollY, in the capture's pixels). A page scrolls no further than its end, so
// the last tile usually overlaps the one before it: its top is not simply i × the viewport height.
struct PageTile
{
    QImage image;
    int top = 0;
};

// Tiles captured by scrolling one viewport at a time down a page `pageHeight` pixels tall: tile i
// at i × viewportHeight, the last one where the page stopped scrolling.
QList<PageTile> scrolledTiles(const QList<QImage>& captures, int viewportHeight, int pageHeight);

// compareImages for whole pages captured as tiles (of one width): regions, mask and `ignore` are
// in page coordinates. Where tiles overlap, the later tile is read.
VisualDiff compareTiles(const QList<PageTile>& base, const QList<PageTile>& head,
                        const VisualDiffOptions& options = {}, const QImage& ignore = {});

// What is animated (carousels, spinners, clocks): two captures of the same page taken a moment
// apart differ there. Returns a mask for compareImages' `ignore`: the boxes of the regions that
// differ, grown by mergeDistance, since a third moment of an animation also changes pixels that
// happened to match in the first two.
QImage unstableMask(const QImage& first, const QImage& second, const VisualDiffOptions& options = {});
QImage unstableMask(const QList<PageTile>& first, const QList<PageTile>& second,
                    const VisualDiffOptions& options = {});

// For the overlay: `head` (on the diff's canvas) with the changed pixels tinted in `color` and each
// region framed in it, just outside its box so the frame hides nothing that changed. Like
// blended(), it keeps head's devicePixelRatio, so it is shown at the capture's size.
QImage outlined(const QImage& head, const VisualDiff& diff, const QColor& color);

// The slider between the two: `base` at 0, `head` at 1, a cross-fade between (clamped to 0..1).
QImage blended(const QImage& base, const QImage& head, qreal position);

} // namespace forge::ui
