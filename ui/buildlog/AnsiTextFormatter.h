#pragma once

#include <QColor>
#include <QList>
#include <QString>
#include <QStringView>
#include <QTextCharFormat>
#include <QTextLayout>

namespace forge::ui {

// A line of output ready to show: the text without any escape sequence or control character, and
// the character formats (colours, bold, …) its ANSI SGR sequences asked for.
struct StyledLine
{
    QString text;
    QList<QTextLayout::FormatRange> formats; // sorted, non-overlapping; unformatted text has none
};

// Turns terminal output into StyledLine. Only SGR ("ESC [ … m") is interpreted; every other escape
// sequence (cursor movement, OSC titles and hyperlinks, DCS, …) and every control character except
// tab is dropped, so hostile or noisy output can never show raw escapes or move anything. A carriage
// return followed by more text means "overwrite" (progress bars), so only the last version is kept.
//
// Like a terminal, the formatter is stateful: a colour set on one line lasts until it is reset,
// so use one formatter per output stream.
class AnsiTextFormatter final
{
public:
    // Lines longer than this are cut (with a note): laying out megabyte lines would freeze the view.
    static constexpr qsizetype MaxLineLength = 10'000;

    StyledLine format(QStringView line);
    // Forgets the colours carried over from earlier lines.
    void reset();

    // The text alone, for copying and saving.
    static QString stripped(QStringView line);

    // The colour shown for one of the 16 base colours (0–7 normal, 8–15 bright) as a foreground.
    // Chosen to read on both the light and the dark palette; "white" and "black" map to neutral
    // tones because a literal white or black would vanish on one of the two.
    static QColor baseColor(int index);
    // The colour of an xterm 256-colour index (16–231 the 6×6×6 cube, 232–255 the grey ramp).
    static QColor indexedColor(int index);

private:
    struct Style
    {
        QColor foreground; // invalid = the palette's text colour
        QColor background; // invalid = none
        bool bold = false;
        bool dim = false;
        bool italic = false;
        bool underline = false;
        bool strikeOut = false;
        bool inverse = false;

        bool isPlain() const;
        QTextCharFormat toFormat() const;
        bool operator==(const Style&) const = default;
    };

    void applySgr(QStringView parameters);
    void applyColonGroup(QStringView group);
    static QColor extendedColor(const QList<int>& values, qsizetype& index);

    Style m_style;
};

} // namespace forge::ui
