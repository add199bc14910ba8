#include "ui/buildlog/AnsiTextFormatter.h"
#include "ui/common/Theme.h"

#include <QGuiApplication>
#include <QRandomGenerator>
#include <QTest>

using namespace Qt::StringLiterals;
using forge::ui::AnsiTextFormatter;
using forge::ui::StyledLine;

namespace {

const QString Esc = QString(QChar(0x1b));

// QStringBuilder expressions do not convert to QStringView by themselves.
StyledLine run(AnsiTextFormatter& formatter, const QString& input)
{
    return formatter.format(input);
}

// The format of the character at `position` (an empty format when no range covers it).
QTextCharFormat formatAt(const StyledLine& line, int position)
{
    for (const QTextLayout::FormatRange& range : line.formats) {
        if (position >= range.start && position < range.start + range.length)
            return range.format;
    }
    return {};
}

QColor foregroundAt(const StyledLine& line, int position)
{
    const QTextCharFormat format = formatAt(line, position);
    return format.hasProperty(QTextFormat::ForegroundBrush) ? format.foreground().color() : QColor();
}

QColor backgroundAt(const StyledLine& line, int position)
{
    const QTextCharFormat format = formatAt(line, position);
    return format.hasProperty(QTextFormat::BackgroundBrush) ? format.background().color() : QColor();
}

double luminance(const QColor& color)
{
    const auto channel = [](double c) {
        return c <= 0.03928 ? c / 12.92 : std::pow((c + 0.055) / 1.055, 2.4);
    };
    return 0.2126 * channel(color.redF()) + 0.7152 * channel(color.greenF()) +
           0.0722 * channel(color.blueF());
}

double contrast(const QColor& a, const QColor& b)
{
    const double la = luminance(a);
    const double lb = luminance(b);
    return (std::max(la, lb) + 0.05) / (std::min(la, lb) + 0.05);
}

} // namespace

class TestAnsiTextFormatter : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void plainTextHasNoFormats()
    {
        AnsiTextFormatter formatter;
        const StyledLine line = run(formatter, u"Cloning into '/workspace'..."_s);
        QCOMPARE(line.text, u"Cloning into '/workspace'..."_s);
        QVERIFY(line.formats.isEmpty());
    }

    void basicColoursAndReset()
    {
        AnsiTextFormatter formatter;
        const StyledLine line = run(formatter, Esc + u"[31merror"_s + Esc + u"[0m ok "_s + Esc +
                                                   u"[92mgreen"_s + Esc + u"[39m plain"_s);
        QCOMPARE(line.text, u"error ok green plain"_s);
        QCOMPARE(foregroundAt(line, 0), AnsiTextFormatter::baseColor(1));
        QCOMPARE(foregroundAt(line, 4), AnsiTextFormatter::baseColor(1));
        QVERIFY(!foregroundAt(line, 6).isValid());
        QCOMPARE(foregroundAt(line, 9), AnsiTextFormatter::baseColor(10));
        QVERIFY(!foregroundAt(line, 15).isValid());
    }

    void whiteAndBlackStayReadable()
    {
        // 37 ("white") keeps the palette's text colour, 30 ("black") becomes a neutral grey.
        AnsiTextFormatter formatter;
        const StyledLine line = run(formatter, Esc + u"[37mwhite"_s + Esc + u"[30mblack"_s);
        QVERIFY(!foregroundAt(line, 0).isValid());
        QCOMPARE(foregroundAt(line, 5), AnsiTextFormatter::baseColor(0));
    }

    void baseColoursReadOnLightAndDark()
    {
        const QColor light = forge::ui::Theme::palette(forge::ui::Theme::Scheme::Light).color(QPalette::Base);
        const QColor dark = forge::ui::Theme::palette(forge::ui::Theme::Scheme::Dark).color(QPalette::Base);
        for (int index = 0; index < 16; ++index) {
            const QColor color = AnsiTextFormatter::baseColor(index);
            if (!color.isValid())
                continue; // the palette's own text colour
            QVERIFY2(contrast(color, light) >= 3.0, qPrintable(u"colour %1 on light"_s.arg(index)));
            QVERIFY2(contrast(color, dark) >= 3.0, qPrintable(u"colour %1 on dark"_s.arg(index)));
        }
    }

    void backgroundGetsContrastingText()
    {
        AnsiTextFormatter formatter;
        const StyledLine line = run(formatter, Esc + u"[41m FAIL "_s + Esc + u"[49m "_s + Esc + u"[47mW"_s);
        QCOMPARE(line.text, u" FAIL  W"_s);
        QCOMPARE(backgroundAt(line, 1), AnsiTextFormatter::baseColor(1));
        QVERIFY(foregroundAt(line, 1).isValid());
        QVERIFY(contrast(foregroundAt(line, 1), backgroundAt(line, 1)) >= 3.0);
        QVERIFY(!backgroundAt(line, 6).isValid());
        QVERIFY(contrast(foregroundAt(line, 7), backgroundAt(line, 7)) >= 3.0);
    }

    void extendedColours()
    {
        AnsiTextFormatter formatter;
        const StyledLine line =
            run(formatter, Esc + u"[38;5;196ma"_s + Esc + u"[38;5;244mb"_s + Esc + u"[38;2;10;20;30mc"_s +
                               Esc + u"[48;2;1;2;3md"_s + Esc + u"[0;38:2::40:50:60me"_s + Esc +
                               u"[38:5:21mf"_s + Esc + u"[38;5;3mg"_s);
        QCOMPARE(line.text, u"abcdefg"_s);
        QCOMPARE(foregroundAt(line, 0), QColor(255, 0, 0));
        QCOMPARE(foregroundAt(line, 1), QColor(128, 128, 128));
        QCOMPARE(foregroundAt(line, 2), QColor(10, 20, 30));
        QCOMPARE(backgroundAt(line, 3), QColor(1, 2, 3));
        QCOMPARE(foregroundAt(line, 3), QColor(10, 20, 30)); // the foreground carries on
        QCOMPARE(foregroundAt(line, 4), QColor(40, 50, 60));
        QCOMPARE(foregroundAt(line, 5), QColor(0, 0, 255));
        QCOMPARE(foregroundAt(line, 6), AnsiTextFormatter::baseColor(3));
    }

    void indexedColourTable()
    {
        QCOMPARE(AnsiTextFormatter::indexedColor(16), QColor(0, 0, 0));
        QCOMPARE(AnsiTextFormatter::indexedColor(231), QColor(255, 255, 255));
        QCOMPARE(AnsiTextFormatter::indexedColor(67), QColor(95, 135, 175));
        QCOMPARE(AnsiTextFormatter::indexedColor(232), QColor(8, 8, 8));
        QCOMPARE(AnsiTextFormatter::indexedColor(255), QColor(238, 238, 238));
        QCOMPARE(AnsiTextFormatter::indexedColor(9), AnsiTextFormatter::baseColor(9));
        QVERIFY(!AnsiTextFormatter::indexedColor(256).isValid());
    }

    void attributes()
    {
        AnsiTextFormatter formatter;
        const StyledLine line = run(formatter, Esc + u"[1mB"_s + Esc + u"[22;3mI"_s + Esc + u"[23;4mU"_s +
                                                   Esc + u"[24;2mD"_s + Esc + u"[mN"_s + Esc + u"[9mS"_s);
        QCOMPARE(line.text, u"BIUDNS"_s);
        QCOMPARE(formatAt(line, 0).fontWeight(), int(QFont::Bold));
        QVERIFY(!formatAt(line, 0).fontItalic());
        QVERIFY(formatAt(line, 1).fontItalic());
        QVERIFY(formatAt(line, 1).fontWeight() != int(QFont::Bold));
        QVERIFY(formatAt(line, 2).fontUnderline());
        QVERIFY(!formatAt(line, 2).fontItalic());
        QVERIFY(!formatAt(line, 3).fontUnderline());
        QVERIFY(foregroundAt(line, 3).isValid()); // dim text gets a muted colour
        QVERIFY(formatAt(line, 4).properties().isEmpty());
        QVERIFY(formatAt(line, 5).fontStrikeOut());
    }

    void dimKeepsHueWithLessOpacity()
    {
        AnsiTextFormatter formatter;
        const StyledLine line = run(formatter, Esc + u"[2;34mdim blue"_s);
        const QColor color = foregroundAt(line, 0);
        QCOMPARE(color.rgb(), AnsiTextFormatter::baseColor(4).rgb());
        QVERIFY(color.alphaF() < 1.0);
    }

    void styleCarriesAcrossLinesUntilReset()
    {
        AnsiTextFormatter formatter;
        run(formatter, Esc + u"[33mwarning starts"_s);
        const StyledLine second = run(formatter, u"still yellow"_s);
        QCOMPARE(foregroundAt(second, 0), AnsiTextFormatter::baseColor(3));
        formatter.reset();
        QVERIFY(run(formatter, u"plain"_s).formats.isEmpty());
    }

    void rangesAreMergedAndOrdered()
    {
        AnsiTextFormatter formatter;
        // Repeating the same colour does not split the range.
        const StyledLine line = run(formatter, Esc + u"[31mab"_s + Esc + u"[31mcd"_s + Esc + u"[0mef"_s);
        QCOMPARE(line.formats.size(), 1);
        QCOMPARE(line.formats.first().start, 0);
        QCOMPARE(line.formats.first().length, 4);
    }

    void otherEscapesAreDropped_data()
    {
        QTest::addColumn<QString>("input");
        QTest::addColumn<QString>("expected");
        QTest::newRow("erase line and move") << Esc + u"[2K"_s + Esc + u"[1Gdone"_s << u"done"_s;
        QTest::newRow("private mode")
            << Esc + u"[?25lhidden cursor"_s + Esc + u"[?25h"_s << u"hidden cursor"_s;
        QTest::newRow("osc title bel") << Esc + u"]0;my title\x07text"_s << u"text"_s;
        QTest::newRow("osc hyperlink st")
            << Esc + u"]8;;https://evil.example/"_s + Esc + u"\\link"_s + Esc + u"]8;;"_s + Esc + u"\\"_s
            << u"link"_s;
        QTest::newRow("dcs") << Esc + u"Pq#0;2;0;0;0"_s + Esc + u"\\after"_s << u"after"_s;
        QTest::newRow("two-char escapes") << Esc + u"7saved"_s + Esc + u"8"_s + Esc + u"(B"_s << u"saved"_s;
        QTest::newRow("c1 csi") << QString(QChar(0x9b)) + u"2Jclear"_s << u"clear"_s;
        QTest::newRow("controls") << u"a"_s + QChar(0x07) + u"b"_s + QChar(0x08) + u"c"_s + QChar(0x01) +
                                         u"d"_s + QChar(0x7f) + QChar(0x85) + u"e"_s
                                  << u"abcde"_s;
        QTest::newRow("tab kept") << u"a\tb"_s << u"a\tb"_s;
        QTest::newRow("lone escape at end") << u"end"_s + Esc << u"end"_s;
        QTest::newRow("unterminated csi") << u"x"_s + Esc + u"[31"_s << u"x"_s;
        QTest::newRow("unterminated osc") << u"x"_s + Esc + u"]0;never ends"_s << u"x"_s;
        QTest::newRow("escape before control") << u"a"_s + Esc + u"\nb"_s << u"ab"_s;
        QTest::newRow("progress overwrite") << u"  10%\r  50%\r100% done"_s << u"100% done"_s;
        QTest::newRow("trailing carriage return") << u"line\r"_s << u"line"_s;
        QTest::newRow("bidi override") << u"abc"_s + QChar(0x202e) + u"def"_s + QChar(0x2066) << u"abcdef"_s;
        QTest::newRow("sgr with intermediate is not sgr") << Esc + u"[1 mx"_s << u"x"_s;
        QTest::newRow("html stays text") << u"<b>not bold</b> &amp;"_s << u"<b>not bold</b> &amp;"_s;
    }

    void otherEscapesAreDropped()
    {
        QFETCH(QString, input);
        QFETCH(QString, expected);
        AnsiTextFormatter formatter;
        QCOMPARE(run(formatter, input).text, expected);
        QCOMPARE(AnsiTextFormatter::stripped(input), expected);
    }

    void malformedSgrIsHarmless()
    {
        AnsiTextFormatter formatter;
        const StyledLine line =
            run(formatter, Esc + u"[38;5mA"_s + Esc + u"[38;2;300;0;0mB"_s + Esc + u"[99999999999999mC"_s +
                               Esc + u"[38;7;1;2mD"_s + Esc + u"[38:2mE"_s);
        QCOMPARE(line.text, u"ABCDE"_s);
        for (const QTextLayout::FormatRange& range : line.formats)
            QVERIFY(range.start >= 0 && range.start + range.length <= line.text.size());
    }

    void veryLongLinesAreCut()
    {
        AnsiTextFormatter formatter;
        const QString input = Esc + u"[32m"_s + QString(AnsiTextFormatter::MaxLineLength + 500, u'x');
        const StyledLine line = run(formatter, input);
        QVERIFY(line.text.startsWith(QString(AnsiTextFormatter::MaxLineLength, u'x')));
        QVERIFY(line.text.endsWith(u"[500 more characters]"_s));
        QCOMPARE(foregroundAt(line, 0), AnsiTextFormatter::baseColor(2));
    }

    void randomInputNeverLeaksControls()
    {
        // Hostile or broken output: whatever arrives, no escape or control character reaches the
        // text, and every format range lies inside it, in order.
        const QString alphabet = u"\x1b[];:0123456789mPX^_\\\x07\r\t abcABC?<>"_s + QChar(0x9b) +
                                 QChar(0x9c) + QChar(0x9d) + QChar(0x202e);
        QRandomGenerator random(20261123);
        AnsiTextFormatter formatter;
        for (int round = 0; round < 3000; ++round) {
            QString input;
            const int length = random.bounded(1, 80);
            for (int i = 0; i < length; ++i)
                input.append(alphabet.at(random.bounded(alphabet.size())));
            const StyledLine line = run(formatter, input);
            for (const QChar c : line.text) {
                QVERIFY2(c == u'\t' || (c.unicode() >= 0x20 && (c.unicode() < 0x7f || c.unicode() > 0x9f) &&
                                        c.unicode() != 0x202e),
                         qPrintable(u"control U+%1 from %2"_s.arg(c.unicode(), 4, 16, QChar(u'0'))
                                        .arg(QString::fromLatin1(input.toUtf8().toPercentEncoding()))));
            }
            int previousEnd = 0;
            for (const QTextLayout::FormatRange& range : line.formats) {
                QVERIFY(range.length > 0);
                QVERIFY(range.start >= previousEnd);
                QVERIFY(range.start + range.length <= line.text.size());
                previousEnd = range.start + range.length;
            }
        }
    }
};

int main(int argc, char** argv)
{
    // Fonts and colours want a QGuiApplication; a unit test has no display.
    qputenv("QT_QPA_PLATFORM", "offscreen");
    QGuiApplication app(argc, argv);
    TestAnsiTextFormatter test;
    return QTest::qExec(&test, argc, argv);
}

#include "tst_ansitextformatter.moc"
