#include "AnsiTextFormatter.h"

#include <QFont>
#include <array>
#include <optional>

using namespace Qt::StringLiterals;

namespace forge::ui {

namespace {

constexpr char16_t Escape = 0x1b;
constexpr char16_t Bell = 0x07;
constexpr char16_t SingleCsi = 0x9b;        // the one-character (C1) form of "ESC ["
constexpr char16_t StringTerminator = 0x9c; // the C1 form of "ESC \"

// A neutral grey that reads on both palettes; used for "black", "bright black" and dim text.
const QColor NeutralGrey(0x8b, 0x94, 0x9e);

// Mid-luminance tones: at least 3:1 contrast against both the light and the dark palette's base.
// 7 and 15 ("white") are left invalid: the palette's own text colour is the readable "white".
const std::array<QColor, 16> BaseForegrounds{
    QColor(0x6e, 0x77, 0x81),
    QColor(0xd7, 0x3a, 0x3a),
    QColor(0x2d, 0xa4, 0x4e),
    QColor(0xb0, 0x88, 0x00),
    QColor(0x3b, 0x7d, 0xdd),
    QColor(0xb4, 0x5f, 0xcf),
    QColor(0x17, 0x97, 0xa6),
    QColor(),
    NeutralGrey,
    QColor(0xe5, 0x53, 0x4b),
    QColor(0x2e, 0xa0, 0x43),
    QColor(0xbb, 0x88, 0x1c),
    QColor(0x4c, 0x8e, 0xda),
    QColor(0xc2, 0x6f, 0xd6),
    QColor(0x1a, 0x9d, 0xab),
    QColor(),
};

// Backgrounds get real black and white-ish tones; the text on them is given a contrasting colour.
QColor baseBackground(int index)
{
    switch (index) {
    case 0:
        return QColor(0x30, 0x36, 0x3d);
    case 7:
        return QColor(0xd0, 0xd7, 0xde);
    case 15:
        return QColor(0xf0, 0xf3, 0xf6);
    default:
        return AnsiTextFormatter::baseColor(index);
    }
}

QColor contrastingText(const QColor& background)
{
    return background.lightnessF() > 0.55 ? QColor(0x1f, 0x23, 0x28) : QColor(0xf6, 0xf8, 0xfa);
}

bool isBidiControl(char16_t c)
{
    // Embeddings, overrides and isolates can make a log line display differently from what it is.
    return (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069);
}

// Where the escape sequence starting at `i` ends (one past its last character). When it is an SGR
// sequence, `sgr` receives its parameters.
qsizetype skipEscape(QStringView line, qsizetype i, std::optional<QStringView>& sgr)
{
    const qsizetype n = line.size();
    qsizetype j = i + 1;
    bool csi = false;
    bool string = false;
    const char16_t first = line[i].unicode();
    if (first == SingleCsi) {
        csi = true;
    } else if (first != Escape) {
        string = true; // C1 OSC, DCS, SOS, PM, APC
    } else {
        if (j >= n)
            return n;
        const char16_t next = line[j].unicode();
        ++j;
        if (next == u'[') {
            csi = true;
        } else if (next == u']' || next == u'P' || next == u'X' || next == u'^' || next == u'_') {
            string = true;
        } else if (next >= 0x20 && next <= 0x2f) {
            // nF sequences: intermediates, then one final character.
            while (j < n && line[j].unicode() >= 0x20 && line[j].unicode() <= 0x2f)
                ++j;
            return j < n && line[j].unicode() >= 0x30 && line[j].unicode() <= 0x7e ? j + 1 : j;
        } else if (next < 0x30 || next > 0x7e) {
            return i + 1; // a lone ESC before something else: drop only the ESC
        } else {
            return j; // two-character sequence such as ESC 7 or ESC c
        }
    }
    if (string) {
        // Runs to BEL, ST or "ESC \"; an unterminated string swallows the rest of the line, as a
        // terminal would.
        for (; j < n; ++j) {
            const char16_t c = line[j].unicode();
            if (c == Bell || c == StringTerminator)
                return j + 1;
            if (c == Escape)
                return j + 1 < n && line[j + 1] == u'\\' ? j + 2 : j + 1;
        }
        return n;
    }
    Q_ASSERT(csi);
    const qsizetype parametersStart = j;
    bool onlySgrParameters = true;
    while (j < n && line[j].unicode() >= 0x30 && line[j].unicode() <= 0x3f) {
        const char16_t c = line[j].unicode();
        if (!(c >= u'0' && c <= u'9') && c != u';' && c != u':')
            onlySgrParameters = false; // private modes such as "ESC [ ? 25 l"
        ++j;
    }
    const qsizetype parametersEnd = j;
    bool intermediates = false;
    while (j < n && line[j].unicode() >= 0x20 && line[j].unicode() <= 0x2f) {
        intermediates = true;
        ++j;
    }
    if (j >= n)
        return n;
    const char16_t final = line[j].unicode();
    if (final < 0x40 || final > 0x7e)
        return j; // malformed: drop what was read, keep the unexpected character for the caller
    if (final == u'm' && onlySgrParameters && !intermediates)
        sgr = line.sliced(parametersStart, parametersEnd - parametersStart);
    return j + 1;
}

bool startsEscape(char16_t c)
{
    // ESC, and the C1 introducers of CSI, OSC, DCS, SOS, PM and APC.
    return c == Escape || c == SingleCsi || c == 0x9d || c == 0x90 || c == 0x98 || c == 0x9e || c == 0x9f;
}

// Marks a parameter written with colons in the list of SGR codes.
constexpr int ColonGroup = -2;

int toNumber(QStringView text)
{
    if (text.isEmpty())
        return 0; // "ESC [ ; 1 m": an empty parameter means 0
    bool ok = false;
    const int value = text.toInt(&ok);
    return ok ? value : -1;
}

} // namespace

QColor AnsiTextFormatter::baseColor(int index)
{
    return index >= 0 && index < 16 ? BaseForegrounds[static_cast<size_t>(index)] : QColor();
}

QColor AnsiTextFormatter::indexedColor(int index)
{
    if (index < 0 || index > 255)
        return {};
    if (index < 16)
        return baseColor(index);
    if (index < 232) {
        static constexpr std::array<int, 6> Levels{0, 95, 135, 175, 215, 255};
        const int cube = index - 16;
        return QColor(Levels[static_cast<size_t>(cube / 36)], Levels[static_cast<size_t>(cube / 6 % 6)],
                      Levels[static_cast<size_t>(cube % 6)]);
    }
    const int grey = 8 + 10 * (index - 232);
    return QColor(grey, grey, grey);
}

bool AnsiTextFormatter::Style::isPlain() const
{
    return *this == Style{};
}

QTextCharFormat AnsiTextFormatter::Style::toFormat() const
{
    QColor fg = foreground;
    QColor bg = background;
    if (inverse) {
        const QColor oldForeground = fg;
        bg = oldForeground.isValid() ? oldForeground : NeutralGrey;
        fg = background.isValid() ? background : contrastingText(bg);
    }
    if (bg.isValid() && !fg.isValid())
        fg = contrastingText(bg);
    if (dim) {
        if (!fg.isValid())
            fg = NeutralGrey;
        else
            fg.setAlphaF(0.65f);
    }
    QTextCharFormat format;
    if (fg.isValid())
        format.setForeground(fg);
    if (bg.isValid())
        format.setBackground(bg);
    if (bold)
        format.setFontWeight(QFont::Bold);
    if (italic)
        format.setFontItalic(true);
    if (underline)
        format.setFontUnderline(true);
    if (strikeOut)
        format.setFontStrikeOut(true);
    return format;
}

void AnsiTextFormatter::reset()
{
    m_style = {};
}

QColor AnsiTextFormatter::extendedColor(const QList<int>& values, qsizetype& index)
{
    // values[index] is 38 or 48; "5;n" or "2;r;g;b" follow. Malformed colours are skipped whole.
    if (index + 1 >= values.size())
        return {};
    const int mode = values[index + 1];
    if (mode == 5 && index + 2 < values.size()) {
        index += 2;
        return indexedColor(values[index]);
    }
    if (mode == 2 && index + 4 < values.size()) {
        const int r = values[index + 2];
        const int g = values[index + 3];
        const int b = values[index + 4];
        index += 4;
        if (r < 0 || r > 255 || g < 0 || g > 255 || b < 0 || b > 255)
            return {};
        return QColor(r, g, b);
    }
    index = values.size(); // unknown colour mode: the rest cannot be interpreted safely
    return {};
}

void AnsiTextFormatter::applyColonGroup(QStringView group)
{
    // ITU T.416 form with colons: "38:5:n", "38:2::r:g:b" (with a colour space id) or "38:2:r:g:b",
    // and "4:n" underline styles. Each group is self-contained.
    QList<int> sub;
    for (const QStringView part : group.split(u':'))
        sub.append(toNumber(part));
    if ((sub[0] == 38 || sub[0] == 48) && sub.size() >= 3) {
        QColor color;
        if (sub[1] == 5) {
            color = indexedColor(sub[2]);
        } else if (sub[1] == 2 && sub.size() >= 5) {
            const qsizetype first = sub.size() >= 6 ? 3 : 2;
            const int r = sub[first], g = sub[first + 1], b = sub[first + 2];
            if (r >= 0 && r <= 255 && g >= 0 && g <= 255 && b >= 0 && b <= 255)
                color = QColor(r, g, b);
        }
        (sub[0] == 38 ? m_style.foreground : m_style.background) = color;
    } else if (sub[0] == 4) {
        m_style.underline = sub.size() > 1 && sub[1] > 0;
    }
}

void AnsiTextFormatter::applySgr(QStringView parameters)
{
    if (parameters.isEmpty()) {
        m_style = {};
        return;
    }
    const auto groups = parameters.split(u';');
    QList<int> values;
    values.reserve(groups.size());
    for (const QStringView group : groups)
        values.append(group.contains(u':') ? ColonGroup : toNumber(group));

    for (qsizetype i = 0; i < values.size(); ++i) {
        const int code = values[i];
        if (code == ColonGroup) {
            applyColonGroup(groups[i]);
        } else if (code >= 30 && code <= 37) {
            m_style.foreground = baseColor(code - 30);
        } else if (code >= 90 && code <= 97) {
            m_style.foreground = baseColor(code - 90 + 8);
        } else if (code >= 40 && code <= 47) {
            m_style.background = baseBackground(code - 40);
        } else if (code >= 100 && code <= 107) {
            m_style.background = baseBackground(code - 100 + 8);
        } else {
            switch (code) {
            case 0:
                m_style = {};
                break;
            case 1:
                m_style.bold = true;
                break;
            case 2:
                m_style.dim = true;
                break;
            case 3:
                m_style.italic = true;
                break;
            case 4:
            case 21:
                m_style.underline = true;
                break;
            case 7:
                m_style.inverse = true;
                break;
            case 9:
                m_style.strikeOut = true;
                break;
            case 22:
                m_style.bold = false;
                m_style.dim = false;
                break;
            case 23:
                m_style.italic = false;
                break;
            case 24:
                m_style.underline = false;
                break;
            case 27:
                m_style.inverse = false;
                break;
            case 29:
                m_style.strikeOut = false;
                break;
            case 38:
                m_style.foreground = extendedColor(values, i);
                break;
            case 39:
                m_style.foreground = QColor(); // not "= {}", which picks operator=(Qt::GlobalColor)
                break;
            case 48:
                m_style.background = extendedColor(values, i);
                break;
            case 49:
                m_style.background = QColor();
                break;
            default:
                break; // blink, conceal, fonts, …: not shown
            }
        }
    }
}

StyledLine AnsiTextFormatter::format(QStringView line)
{
    StyledLine out;
    out.text.reserve(std::min(line.size(), MaxLineLength));
    qsizetype runStart = 0;
    qsizetype cutCharacters = 0;
    bool overwritePending = false;

    // Appends the format range of the text written since the last style change.
    const auto closeRun = [&](const Style& style) {
        if (out.text.size() > runStart && !style.isPlain())
            out.formats.append(
                {static_cast<int>(runStart), static_cast<int>(out.text.size() - runStart), style.toFormat()});
        runStart = out.text.size();
    };

    const qsizetype n = line.size();
    for (qsizetype i = 0; i < n;) {
        const char16_t c = line[i].unicode();
        if (startsEscape(c)) {
            std::optional<QStringView> sgr;
            i = skipEscape(line, i, sgr);
            if (sgr) {
                const Style before = m_style;
                applySgr(*sgr);
                if (!(m_style == before))
                    closeRun(before);
            }
            continue;
        }
        ++i;
        if (c == u'\r') {
            overwritePending = true;
            continue;
        }
        if ((c < 0x20 && c != u'\t') || (c >= 0x7f && c <= 0x9f) || isBidiControl(c))
            continue;
        if (overwritePending) {
            // "\r" then more text: the terminal would have overwritten the line from its start.
            out.text.clear();
            out.formats.clear();
            runStart = 0;
            cutCharacters = 0;
            overwritePending = false;
        }
        if (out.text.size() >= MaxLineLength) {
            ++cutCharacters;
            continue;
        }
        out.text.append(QChar(c));
    }
    closeRun(m_style);

    if (cutCharacters > 0) {
        const QString note = u" … [%1 more characters]"_s.arg(cutCharacters);
        QTextCharFormat muted;
        muted.setForeground(NeutralGrey);
        muted.setFontItalic(true);
        out.formats.append({static_cast<int>(out.text.size()), static_cast<int>(note.size()), muted});
        out.text.append(note);
    }
    return out;
}

QString AnsiTextFormatter::stripped(QStringView line)
{
    AnsiTextFormatter formatter;
    return formatter.format(line).text;
}

} // namespace forge::ui
