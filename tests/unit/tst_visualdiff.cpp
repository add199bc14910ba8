// The visual diff of PR previews (issue 21) on synthetic pages painted into QImages: what counts as
// a change, how changes group into regions, animations masked out, captures of different sizes,
// tall pages captured as tiles, and the overlay's pictures.

#include "ui/preview/VisualDiff.h"

#include <QPainter>
#include <QRandomGenerator>
#include <QTest>

using forge::ui::blended;
using forge::ui::compareImages;
using forge::ui::compareTiles;
using forge::ui::outlined;
using forge::ui::PageTile;
using forge::ui::scrolledTiles;
using forge::ui::unstableMask;
using forge::ui::VisualDiff;
using forge::ui::VisualDiffOptions;

namespace {

const QRect Heading(100, 80, 600, 60);

// A page as a capture shows it: background, navigation bar, heading, lines of "text", a picture.
QImage page(QSize size = {1440, 900}, QColor heading = QColor(0x22, 0x22, 0x22))
{
    QImage image(size, QImage::Format_RGB32);
    image.fill(QColor(0xfa, 0xfa, 0xfa));
    QPainter painter(&image);
    painter.fillRect(0, 0, size.width(), 48, QColor(0x1e, 0x3a, 0x8a));
    painter.fillRect(Heading, heading);
    for (int y = 180; y + 10 < size.height(); y += 24)
        painter.fillRect(100, y, 600 + (y * 37) % 500, 10, QColor(0x44, 0x44, 0x44));
    QLinearGradient gradient(900, 200, 1300, 500);
    gradient.setColorAt(0, Qt::darkCyan);
    gradient.setColorAt(1, Qt::yellow);
    painter.fillRect(QRect(900, 200, 400, 300), gradient);
    return image;
}

QImage paintedOver(QImage image, const QRect& rect, QColor color)
{
    QPainter(&image).fillRect(rect, color);
    return image;
}

qint64 setBits(const QImage& mask)
{
    qint64 count = 0;
    for (int y = 0; y < mask.height(); ++y) {
        for (int x = 0; x < mask.width(); ++x)
            count += mask.pixelIndex(x, y);
    }
    return count;
}

// A carousel at `frame`: one of four slides, each a picture of its own filling a 300×120 box, with
// a caption placed differently on each.
QImage withCarousel(QImage image, int frame)
{
    QPainter painter(&image);
    const QRect box(1000, 600, 300, 120);
    painter.fillRect(box, QColor::fromHsv(frame * 90, 120, 230));
    painter.fillRect(box.left() + 20 + 60 * frame, box.top() + 80, 100, 16, QColor(0x22, 0x22, 0x22));
    return image;
}

// The tiles a capture of `page` takes, scrolling one viewport at a time.
QList<PageTile> tilesOf(const QImage& page, int viewportHeight)
{
    QList<QImage> captures;
    for (int top = 0; top < page.height(); top += viewportHeight)
        captures.append(
            page.copy(0, std::min(top, page.height() - viewportHeight), page.width(), viewportHeight));
    return scrolledTiles(captures, viewportHeight, page.height());
}

} // namespace

class TestVisualDiff : public QObject
{
    Q_OBJECT

private slots:
    void identicalPagesHaveNoChanges()
    {
        const VisualDiff diff = compareImages(page(), page());
        QCOMPARE(diff.changedPixels, 0);
        QVERIFY(diff.regions.isEmpty());
        QVERIFY(diff.identical());
        QVERIFY(!diff.sizesDiffer);
        QCOMPARE(diff.mask.size(), QSize(1440, 900));
        QCOMPARE(diff.mask.format(), QImage::Format_MonoLSB);
        QCOMPARE(setBits(diff.mask), 0);
    }

    void aChangedHeadingIsOneRegionOfItsPixels()
    {
        const VisualDiff diff = compareImages(page(), page({1440, 900}, QColor(0xcc, 0, 0)));
        QCOMPARE(diff.regions, QList<QRect>{Heading});
        QCOMPARE(diff.changedPixels, 600 * 60);
        QCOMPARE(setBits(diff.mask), 600 * 60);
        QCOMPARE(diff.mask.pixelIndex(Heading.topLeft()), 1);
        QCOMPARE(diff.mask.pixelIndex(Heading.bottomRight()), 1);
        QCOMPARE(diff.mask.pixelIndex(Heading.left() - 1, Heading.top()), 0);
        QCOMPARE(diff.mask.pixelIndex(Heading.left(), Heading.bottom() + 1), 0);
    }

    // Antialiasing and dithering: every channel of every pixel off by up to the tolerance.
    void noiseWithinTheToleranceIsNoChange()
    {
        const QImage base = page();
        QImage head = base.copy();
        QRandomGenerator random(21);
        for (int y = 0; y < head.height(); ++y) {
            auto* pixels = reinterpret_cast<QRgb*>(head.scanLine(y));
            for (int x = 0; x < head.width(); ++x) {
                const auto jitter = [&](int channel) {
                    return std::clamp(channel + random.bounded(-16, 17), 0, 255);
                };
                pixels[x] =
                    qRgb(jitter(qRed(pixels[x])), jitter(qGreen(pixels[x])), jitter(qBlue(pixels[x])));
            }
        }
        QCOMPARE(compareImages(base, head).changedPixels, 0);
    }

    void aChannelJustBeyondTheToleranceIsAChange()
    {
        const QRect block(10, 10, 4, 4);
        const QImage base = paintedOver(page({200, 100}), block, QColor(100, 100, 100));
        const VisualDiff within = compareImages(base, paintedOver(base, block, QColor(100, 116, 100)));
        QCOMPARE(within.changedPixels, 0);
        const VisualDiff beyond = compareImages(base, paintedOver(base, block, QColor(100, 100, 117)));
        QCOMPARE(beyond.regions, QList<QRect>{block});
        QCOMPARE(beyond.changedPixels, 16);
        VisualDiffOptions strict;
        strict.tolerance = 0;
        QCOMPARE(compareImages(base, paintedOver(base, block, QColor(100, 101, 100)), strict).changedPixels,
                 16);
    }

    void straySpecksAreDropped()
    {
        const QImage base = page({300, 200});
        QImage head = base.copy();
        head.setPixel(20, 20, qRgb(255, 0, 0));
        head.setPixel(150, 100, qRgb(255, 0, 0));
        head.setPixel(151, 101, qRgb(255, 0, 0));
        const VisualDiff specks = compareImages(base, head);
        QCOMPARE(specks.changedPixels, 0);
        QVERIFY(specks.regions.isEmpty());
        QCOMPARE(setBits(specks.mask), 0);

        const QRect small(250, 150, 2, 2); // minRegionPixels (4): kept
        const VisualDiff kept = compareImages(base, paintedOver(head, small, Qt::red));
        QCOMPARE(kept.regions, QList<QRect>{small});
        QCOMPARE(kept.changedPixels, 4);
        QCOMPARE(setBits(kept.mask), 4);
    }

    void nearbyChangesMerge_data()
    {
        QTest::addColumn<int>("gap");
        QTest::addColumn<int>("regions");
        QTest::newRow("touching") << 0 << 1;
        QTest::newRow("1 px apart") << 1 << 1;
        QTest::newRow("mergeDistance apart") << 8 << 1;
        QTest::newRow("beyond twice mergeDistance") << 17 << 2;
        QTest::newRow("far apart") << 200 << 2;
    }

    void nearbyChangesMerge()
    {
        QFETCH(int, gap);
        QFETCH(int, regions);
        const QImage base = page();
        const QRect first(300, 400, 40, 12);
        const QRect second(first.right() + 1 + gap, 403, 30, 12);
        const QImage head = paintedOver(paintedOver(base, first, Qt::red), second, Qt::red);
        const VisualDiff diff = compareImages(base, head);
        QCOMPARE(diff.regions.size(), regions);
        QCOMPARE(diff.changedPixels, 40 * 12 + 30 * 12);
        if (regions == 1)
            QCOMPARE(diff.regions.first(), first | second);
        else
            QCOMPARE(diff.regions, (QList<QRect>{first, second}));
    }

    void verticalNeighboursMergeToo()
    {
        const QImage base = page();
        const QRect line1(120, 300, 500, 10);
        const QRect line2(120, 316, 300, 10); // 6 px below
        const VisualDiff diff =
            compareImages(base, paintedOver(paintedOver(base, line1, Qt::red), line2, Qt::red));
        QCOMPARE(diff.regions, QList<QRect>{line1 | line2});
    }

    // A changed border around a card, and a change inside it far from the border: one region.
    void overlappingRegionsBecomeOne()
    {
        const QImage base = page();
        QImage head = base.copy();
        const QRect card(200, 250, 500, 400);
        {
            QPainter painter(&head);
            painter.fillRect(card.left(), card.top(), card.width(), 3, Qt::red);
            painter.fillRect(card.left(), card.bottom() - 2, card.width(), 3, Qt::red);
            painter.fillRect(card.left(), card.top(), 3, card.height(), Qt::red);
            painter.fillRect(card.right() - 2, card.top(), 3, card.height(), Qt::red);
            painter.fillRect(400, 420, 50, 20, Qt::green);
        }
        const VisualDiff diff = compareImages(base, head);
        QCOMPARE(diff.regions, QList<QRect>{card});
        QCOMPARE(diff.changedPixels, 2 * 500 * 3 + 2 * 394 * 3 + 50 * 20);
    }

    void regionsAreListedTopToBottom()
    {
        const QImage base = page();
        const QRect lower(100, 700, 50, 50), upperRight(900, 100, 50, 50), upperLeft(20, 100, 50, 50);
        QImage head = paintedOver(paintedOver(paintedOver(base, lower, Qt::red), upperRight, Qt::red),
                                  upperLeft, Qt::red);
        QCOMPARE(compareImages(base, head).regions, (QList<QRect>{upperLeft, upperRight, lower}));
    }

    // Two captures of the base page a moment apart show the carousel on different slides; the head
    // shows a third one, and a changed heading. Only the heading is a change.
    void anAnimatedRegionIsMaskedOut()
    {
        const QImage first = withCarousel(page(), 0);
        const QImage second = withCarousel(page(), 2);
        const QImage head = withCarousel(page({1440, 900}, QColor(0xcc, 0, 0)), 1);

        QCOMPARE(compareImages(first, head).regions.size(), 2); // the heading and the carousel

        const QImage unstable = unstableMask(first, second);
        QCOMPARE(unstable.size(), first.size());
        QCOMPARE(unstable.pixelIndex(1000 - 8, 600 - 8), 1); // grown by mergeDistance
        QCOMPARE(unstable.pixelIndex(1000 - 9, 600), 0);
        QCOMPARE(unstable.pixelIndex(Heading.center()), 0);
        const VisualDiff diff = compareImages(first, head, {}, unstable);
        QCOMPARE(diff.regions, QList<QRect>{Heading});
        QCOMPARE(diff.changedPixels, 600 * 60);
    }

    void anIgnoreMaskMayBeAnyImage()
    {
        const QImage base = page();
        const QImage head = page({1440, 900}, QColor(0xcc, 0, 0));
        QImage ignore(base.size(), QImage::Format_ARGB32_Premultiplied);
        ignore.fill(Qt::transparent);
        QPainter(&ignore).fillRect(Heading.adjusted(0, 0, -300, 0), Qt::black);
        const VisualDiff diff = compareImages(base, head, {}, ignore);
        QCOMPARE(diff.regions, QList<QRect>{Heading.adjusted(300, 0, 0, 0)});
        QCOMPARE(diff.changedPixels, 300 * 60);
    }

    void differentSizesCountWhatOnlyOneHas()
    {
        const QImage shorter = page({200, 100});
        QImage taller(200, 150, QImage::Format_RGB32);
        taller.fill(Qt::white);
        QPainter(&taller).drawImage(0, 0, shorter);
        const VisualDiff diff = compareImages(shorter, taller);
        QVERIFY(diff.sizesDiffer);
        QCOMPARE(diff.mask.size(), QSize(200, 150));
        QCOMPARE(diff.regions, QList<QRect>{QRect(0, 100, 200, 50)});
        QCOMPARE(diff.changedPixels, 200 * 50);

        // Wider but shorter against narrower but taller: each one's own strip (100×100 and 200×50),
        // not the corner neither has. The strips touch at a corner, so they are one region.
        QImage wide(300, 100, QImage::Format_RGB32);
        wide.fill(Qt::white);
        QImage tall(200, 150, QImage::Format_RGB32);
        tall.fill(Qt::white);
        const VisualDiff crossed = compareImages(wide, tall);
        QVERIFY(crossed.sizesDiffer);
        QCOMPARE(crossed.mask.size(), QSize(300, 150));
        QCOMPARE(crossed.changedPixels, 100 * 100 + 200 * 50);
        QCOMPARE(crossed.regions, QList<QRect>{QRect(0, 0, 300, 150)});
        QCOMPARE(crossed.mask.pixelIndex(250, 125), 0);
    }

    void capturesInOtherFormatsCompareByColour()
    {
        const QImage base = page();
        QCOMPARE(compareImages(base, base.convertToFormat(QImage::Format_ARGB32_Premultiplied)).changedPixels,
                 0);
        QCOMPARE(compareImages(base, base.convertToFormat(QImage::Format_RGB888)).changedPixels, 0);
        const QImage head = page({1440, 900}, QColor(0xcc, 0, 0)).convertToFormat(QImage::Format_ARGB32);
        QCOMPARE(compareImages(base, head).regions, QList<QRect>{Heading});

        // RGB32 over a foreign buffer whose alpha byte is 0 is still opaque.
        QImage zeroAlpha = base.copy();
        for (int y = 0; y < zeroAlpha.height(); ++y) {
            auto* pixels = reinterpret_cast<quint32*>(zeroAlpha.scanLine(y));
            for (int x = 0; x < zeroAlpha.width(); ++x)
                pixels[x] &= 0x00ffffffu;
        }
        QCOMPARE(
            compareImages(base.convertToFormat(QImage::Format_ARGB32_Premultiplied), zeroAlpha).changedPixels,
            0);
    }

    void tilesArePlacedWhereThePageScrolled()
    {
        const QList<QImage> captures(5, QImage(1440, 900, QImage::Format_RGB32));
        QList<int> tops;
        for (const PageTile& tile : scrolledTiles(captures, 900, 4000))
            tops.append(tile.top);
        QCOMPARE(tops, (QList<int>{0, 900, 1800, 2700, 3100}));
    }

    // A page four viewports tall: a change across a tile boundary, and one where the last two
    // tiles overlap, come back as one region each in page coordinates.
    void tiledPagesReportRegionsInPageCoordinates()
    {
        const QImage base = page({1440, 4000});
        const QRect acrossBoundary(200, 1780, 300, 40);
        const QRect inOverlap(600, 3000, 200, 50);
        const QImage head = paintedOver(paintedOver(base, acrossBoundary, Qt::red), inOverlap, Qt::green);
        const VisualDiff diff = compareTiles(tilesOf(base, 900), tilesOf(head, 900));
        QCOMPARE(diff.regions, (QList<QRect>{acrossBoundary, inOverlap}));
        QCOMPARE(diff.changedPixels, 300 * 40 + 200 * 50);
        QCOMPARE(diff.mask.size(), QSize(1440, 4000));
        QVERIFY(!diff.sizesDiffer);
        QVERIFY(compareTiles(tilesOf(base, 900), tilesOf(base, 900)).identical());
        QCOMPARE(compareTiles(tilesOf(base, 900), tilesOf(head, 900)).regions,
                 compareImages(base, head).regions);
        const QImage unstable = unstableMask(tilesOf(base, 900), tilesOf(head, 900));
        QCOMPARE(unstable.size(), QSize(1440, 4000));
        QCOMPARE(unstable.pixelIndex(inOverlap.center()), 1);
        QCOMPARE(unstable.pixelIndex(100, 2500), 0);
    }

    void aTallerHeadPageCountsItsExtraLength()
    {
        const QImage base = page({1440, 2000});
        QImage head(1440, 2300, QImage::Format_RGB32);
        head.fill(Qt::white);
        QPainter(&head).drawImage(0, 0, base);
        const VisualDiff diff = compareTiles(tilesOf(base, 900), tilesOf(head, 900));
        QVERIFY(diff.sizesDiffer);
        QCOMPARE(diff.regions, QList<QRect>{QRect(0, 2000, 1440, 300)});
    }

    void outlinedTintsAndFramesWhatChanged()
    {
        const QImage base = page();
        const QImage head = page({1440, 900}, QColor(0xcc, 0, 0));
        const VisualDiff diff = compareImages(base, head);
        const QImage overlay = outlined(head, diff, Qt::magenta);
        QCOMPARE(overlay.size(), head.size());
        QCOMPARE(overlay.pixel(Heading.left() - 1, Heading.top() - 1), QColor(Qt::magenta).rgb());
        QCOMPARE(overlay.pixel(Heading.right() + 2, Heading.bottom() + 2), QColor(Qt::magenta).rgb());
        QCOMPARE(overlay.pixel(Heading.right() + 3, Heading.bottom() + 3),
                 head.pixel(Heading.right() + 3, Heading.bottom() + 3));
        const QColor tinted = overlay.pixelColor(Heading.center());
        QVERIFY(tinted != head.pixelColor(Heading.center()));
        QVERIFY(tinted.blue() > 0x40); // the magenta over the red
        QCOMPARE(overlay.pixel(50, 500), head.pixel(50, 500));
    }

    // A capture on a HiDPI screen: compared and drawn in its pixels, shown at its size.
    void hiDpiCapturesWorkInTheirPixels()
    {
        QImage base = page();
        QImage head = page({1440, 900}, QColor(0xcc, 0, 0));
        base.setDevicePixelRatio(2);
        head.setDevicePixelRatio(2);
        const VisualDiff diff = compareImages(base, head);
        QCOMPARE(diff.regions, QList<QRect>{Heading});
        const QImage overlay = outlined(head, diff, Qt::magenta);
        QCOMPARE(overlay.size(), head.size());
        QCOMPARE(overlay.devicePixelRatio(), 2.0);
        QCOMPARE(overlay.pixel(Heading.left() - 1, Heading.top() - 1), QColor(Qt::magenta).rgb());
        QCOMPARE(overlay.pixel(1200, 800), head.pixel(1200, 800));
        QCOMPARE(blended(base, head, 0.5).devicePixelRatio(), 2.0);
    }

    // A capture that failed (a null image): everything the other one shows has changed.
    void aMissingCaptureIsAllChange()
    {
        QVERIFY(compareImages(QImage(), QImage()).identical());
        const VisualDiff diff = compareImages(QImage(), page({300, 200}));
        QVERIFY(diff.sizesDiffer);
        QCOMPARE(diff.regions, QList<QRect>{QRect(0, 0, 300, 200)});
        QCOMPARE(diff.changedPixels, 300 * 200);
    }

    void blendedCrossFades()
    {
        QImage base(100, 50, QImage::Format_RGB32);
        base.fill(QColor(200, 0, 0));
        QImage head(100, 50, QImage::Format_RGB32);
        head.fill(QColor(0, 0, 200));
        QCOMPARE(blended(base, head, 0).pixel(10, 10), base.pixel(10, 10));
        QCOMPARE(blended(base, head, 1).pixel(10, 10), head.pixel(10, 10));
        QCOMPARE(blended(base, head, 7).pixel(10, 10), head.pixel(10, 10));
        const QColor half = blended(base, head, 0.5).pixelColor(10, 10);
        QVERIFY2(std::abs(half.red() - 100) <= 2 && std::abs(half.blue() - 100) <= 2 && half.alpha() >= 253,
                 qPrintable(half.name(QColor::HexArgb)));

        // Where only the base has pixels, it fades out: transparent at 1.
        QImage shorter(100, 30, QImage::Format_RGB32);
        shorter.fill(Qt::blue);
        const QImage faded = blended(base, shorter, 1);
        QCOMPARE(faded.size(), QSize(100, 50));
        QCOMPARE(faded.pixel(10, 10), shorter.pixel(10, 10));
        QCOMPARE(qAlpha(faded.pixel(10, 40)), 0);
    }
};

QTEST_GUILESS_MAIN(TestVisualDiff)
#include "tst_visualdiff.moc"
