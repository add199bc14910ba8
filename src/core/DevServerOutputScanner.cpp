#include "DevServerOutputScanner.h"

#include <QRegularExpression>
#include <QStringList>

using namespace Qt::StringLiterals;

namespace forge {

namespace {

// Bytes kept per line: enough for MaxLineLength characters of any UTF-8 width (at most 4 bytes
// each), and a hard bound on memory however long a hostile line is.
constexpr qsizetype MaxLineBytes = qsizetype(DevServerOutputScanner::MaxLineLength) * 4;
// A CSI's parameters are a few digits; only the short ones we act on need keeping.
constexpr qsizetype MaxCsiParams = 16;

constexpr char Esc = 0x1b;
constexpr char Bel = 0x07;
constexpr char Can = 0x18;
constexpr char Sub = 0x1a;

// Characters that must not reach the log view even when they arrive as valid UTF-8: C1 controls
// (U+0080–U+009F) and bidirectional overrides/isolates, which can make a line display differently
// from what it says ("Trojan Source").
bool isHiddenCharacter(char16_t c)
{
    return (c >= 0x80 && c <= 0x9f) || (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069) ||
           c == 0xfeff || (c < 0x20 && c != u'\t') || c == 0x7f;
}

// Hosts at which a dev server in our sandbox can be reached. Anything else printed on a "Local:"
// line (a hostile package can print whatever it likes) must not redirect the preview.
bool isAcceptedReadyHost(const QString& rawHost)
{
    QString host = rawHost.toLower();
    if (host.startsWith(u'[') && host.endsWith(u']'))
        host = host.mid(1, host.size() - 2);
    if (host.isEmpty() || host == u"localhost" || host == u"0.0.0.0" || host == u"::" || host == u"::1" ||
        host == u"0:0:0:0:0:0:0:0" || host == u"0:0:0:0:0:0:0:1" || host == u"::ffff:127.0.0.1")
        return true;
    // All of 127.0.0.0/8 is loopback.
    static const QRegularExpression loopback4(
        u"\\A127\\.(?:25[0-5]|2[0-4]\\d|1?\\d?\\d)\\.(?:25[0-5]|2[0-4]\\d|1?\\d?\\d)\\.(?:25[0-5]|2[0-4]\\d|1?\\d?\\d)\\z"_s);
    return loopback4.match(host).hasMatch();
}

QString unbracket(const QString& host)
{
    if (host.startsWith(u'[') && host.endsWith(u']'))
        return host.mid(1, host.size() - 2);
    return host;
}

struct ReadyAddress
{
    bool found = false; // the line announces an address (accepted or not)
    QString host;
    int port = 0;
};

int parsePort(QStringView digits)
{
    bool ok = false;
    const int port = digits.toInt(&ok);
    return ok && port >= 1 && port <= 65535 ? port : 0;
}

// Reads `host:port`, `:port`, `[::]:port` or `:::port` (Node prints `::` + `:3000` for an
// IPv6-any socket) from the word after "listening on".
ReadyAddress parseHostPort(QString word)
{
    ReadyAddress address;
    while (!word.isEmpty() && QStringView(u",;.)!*'\"").contains(word.back()))
        word.chop(1);
    const qsizetype colon = word.lastIndexOf(u':');
    if (colon < 0)
        return address;
    const QString host = word.left(colon);
    const QString portText = word.mid(colon + 1);
    static const QRegularExpression digits(u"\\A\\d{1,5}\\z"_s);
    static const QRegularExpression hostShape(
        u"\\A(?:\\[[0-9A-Fa-f:.]*\\]|[0-9A-Fa-f:.]*|[A-Za-z0-9.-]+)\\z"_s);
    if (!digits.match(portText).hasMatch() || !hostShape.match(host).hasMatch())
        return address;
    address.found = true;
    address.host = unbracket(host);
    address.port = parsePort(portText);
    return address;
}

// The address a ready line announces, if it is one. `bareUrlAllowed`: a heading just before said
// that the URLs below are where the app is served.
ReadyAddress findReadyAddress(const QString& text, bool bareUrlAllowed)
{
    static const QRegularExpression context(
        u"\\b(?:local|network|ready|started|listening|running|serving|available|open your browser)\\b"_s,
        QRegularExpression::CaseInsensitiveOption);
    static const QRegularExpression bareUrl(u"\\A\\s*https?://\\S+\\s*\\z"_s,
                                            QRegularExpression::CaseInsensitiveOption);
    if (!context.match(text).hasMatch() && !(bareUrlAllowed && bareUrl.match(text).hasMatch()))
        return {};

    // A URL decides on its own: `Local: http://evil.example:3000` is an announcement, but not of a
    // server we can use, and no other number on the line may make it one.
    static const QRegularExpression url(
        u"\\bhttps?://(\\[[^\\]\\s/]*\\]|[^\\s/:?#\\[]*)(?::(\\d{1,5}))?(?![\\d])"_s,
        QRegularExpression::CaseInsensitiveOption);
    if (const auto m = url.match(text); m.hasMatch()) {
        ReadyAddress address;
        address.found = true;
        address.host = unbracket(m.captured(1));
        address.port = m.capturedLength(2) > 0 ? parsePort(m.capturedView(2))
                       : text.mid(m.capturedStart(), 5).compare(u"https", Qt::CaseInsensitive) == 0 ? 443
                                                                                                    : 80;
        if (address.host.isEmpty())
            address.found = false;
        return address;
    }

    // `listening on 0.0.0.0:3000`, `Listening on :3000`, `started server on [::]:3000`.
    static const QRegularExpression onAddress(
        u"\\b(?:listening|started server|running|serving|ready)\\s+(?:on|at)\\s+(\\S+)"_s,
        QRegularExpression::CaseInsensitiveOption);
    if (const auto m = onAddress.match(text); m.hasMatch()) {
        ReadyAddress address = parseHostPort(m.captured(1));
        if (address.found)
            return address;
    }

    // `listening on port 3000`, `Server running on port 3000`.
    static const QRegularExpression onPort(
        u"\\b(?:listening|running|started|serving|available|ready)\\b.*?\\bport\\s*:?\\s*(\\d{1,5})\\b"_s,
        QRegularExpression::CaseInsensitiveOption);
    if (const auto m = onPort.match(text); m.hasMatch()) {
        ReadyAddress address;
        address.found = true;
        address.port = parsePort(m.capturedView(1));
        return address;
    }
    return {};
}

bool isPortInUse(const QString& text)
{
    static const QRegularExpression re(
        u"EADDRINUSE|\\bport\\s+\\d{1,5}\\s+is\\s+(?:already\\s+)?in\\s+use|address already in use|"
        u"already running on port\\s+\\d"_s,
        QRegularExpression::CaseInsensitiveOption);
    return re.match(text).hasMatch();
}

// Deliberately narrow: a line is flagged only when it is unmistakably an error header, so the hint
// can be trusted. Warnings and ordinary lines that merely mention "error" are not flagged.
bool isErrorLine(const QString& text)
{
    static const QRegularExpression re(
        // "Error: …", "TypeError: …", "Error [ERR_MODULE_NOT_FOUND]: …", after an optional bullet
        // symbol ("⨯ Error: …") or "Uncaught".
        u"^\\s*(?:[^\\w\\s]{1,3}\\s*)?(?:Uncaught\\s+)?[A-Z]?[A-Za-z]*Error(?:\\s*\\[[A-Z0-9_]+\\])?:(?:\\s|$"
        u")"
        u"|\\bERR!(?:\\s|$)"                              // npm ERR!
        u"|\\berror\\s+TS\\d+:"                           // tsc
        u"|^\\s*(?:[^\\w\\s]{1,3}\\s*)?Failed to compile" // webpack, CRA, Next
        u"|^\\s*(?:[^\\w\\s]{1,3}\\s*)?(?:Uncaught|Unhandled)\\s+(?:\\w+\\s+)?(?i:exception|error|rejection)"
        u"|UnhandledPromiseRejection"
        u"|\\[vite\\] Internal server error"
        u"|^\\s*✘ \\[ERROR\\]"                        // esbuild
        u"|^\\s*ERROR in\\s"                          // webpack
        u"|^\\s*(?:[^\\w\\s]{1,3}\\s*)?ERROR\\s{2}"_s // consola (Nuxt): " ERROR  Cannot start nuxt"
    );
    return re.match(text).hasMatch();
}

} // namespace

QList<ScannedLine> DevServerOutputScanner::feed(const QByteArray& chunk)
{
    QList<ScannedLine> out;
    const char* data = chunk.constData();
    const qsizetype size = chunk.size();
    for (qsizetype i = 0; i < size; ++i) {
        // Fast path for runs of plain text: one append instead of a state-machine step per byte.
        if (m_state == State::Text && !m_carriageReturn && !m_truncating) {
            qsizetype j = i;
            const qsizetype room = MaxLineBytes - m_pending.size();
            while (j < size && j - i < room) {
                const auto b = static_cast<unsigned char>(data[j]);
                if (b < 0x20 || b == 0x7f || (b >= 0x80 && b <= 0x9f) || b == 0xc2)
                    break;
                ++j;
            }
            if (j > i) {
                m_pending.append(data + i, j - i);
                appendStyled(data + i, j - i);
                i = j;
                if (i >= size)
                    break;
            }
        }
        consume(data[i], out);
    }
    return out;
}

QList<ScannedLine> DevServerOutputScanner::finish()
{
    QList<ScannedLine> out;
    if (!m_pending.isEmpty() || m_truncating)
        emitLine(out);
    resetLine();
    m_state = State::Text;
    m_carriageReturn = false;
    return out;
}

void DevServerOutputScanner::consume(char byte, QList<ScannedLine>& out)
{
    const auto b = static_cast<unsigned char>(byte);
    switch (m_state) {
    case State::Text:
        consumeText(byte, out);
        break;

    case State::Escape:
        consumeEscape(byte, out);
        break;

    case State::EscapeInter:
        if (b >= 0x20 && b <= 0x2f) {
        } else if (b >= 0x30 && b <= 0x7e) {
            m_state = State::Text;
        } else if (byte == Esc) {
            m_state = State::Escape;
        } else {
            abandonSequence(byte, out);
        }
        break;

    case State::Csi:
        consumeCsi(byte, out);
        break;

    case State::String:
        if (byte == Bel || byte == Can || byte == Sub) {
            m_state = State::Text;
        } else if (byte == Esc) {
            m_state = State::StringEscape;
        } else if (byte == '\n') {
            // A terminal would keep swallowing until BEL or ST. A log must not: an unterminated OSC
            // would otherwise hide every following line (an error, a fake "ready").
            m_state = State::Text;
            consume(byte, out);
        }
        // Everything else is the string's body and is dropped without being stored: an OSC 52
        // clipboard payload costs no memory however long it is.
        break;

    case State::StringEscape:
        if (byte == '\\') {
            m_state = State::Text; // ST
        } else {
            // ESC followed by something else ends the string and starts a new sequence.
            m_state = State::Escape;
            consume(byte, out);
        }
        break;
    }
}

void DevServerOutputScanner::consumeText(char byte, QList<ScannedLine>& out)
{
    const auto b = static_cast<unsigned char>(byte);
    if (byte == Esc) {
        m_state = State::Escape;
    } else if (byte == '\n') {
        emitLine(out);
    } else if (byte == '\r') {
        // Either half of "\r\n" or a progress redraw; which one shows only with the next byte.
        // Clearing lazily (on the next visible character) handles both and a "\r" at the end of
        // a chunk.
        markCarriageReturn();
    } else if (byte == '\t') {
        appendText(byte);
    } else if (b < 0x20 || b == 0x7f) {
        // NUL, BEL, backspace and other C0 controls: nothing to show.
    } else if (b >= 0x80 && b <= 0x9f && !m_pending.isEmpty() &&
               static_cast<unsigned char>(m_pending.back()) == 0xc2) {
        // A UTF-8 encoded C1 control (U+0080–U+009F). 0xC2 can only be a lead byte, so the last
        // stored byte starts this character. Some terminals act on these like their ESC forms.
        m_pending.chop(1);
        if (b == 0x9b) {
            m_state = State::Csi;
            m_csiParams.clear();
        } else if (b == 0x9d || b == 0x90 || b == 0x98 || b == 0x9e || b == 0x9f) {
            m_state = State::String;
        }
    } else {
        appendText(byte);
    }
}

void DevServerOutputScanner::consumeEscape(char byte, QList<ScannedLine>& out)
{
    const auto b = static_cast<unsigned char>(byte);
    if (byte == '[') {
        m_state = State::Csi;
        m_csiParams.clear();
    } else if (byte == ']' || byte == 'P' || byte == 'X' || byte == '^' || byte == '_') {
        // OSC (links, titles, OSC 52 clipboard writes), DCS, SOS, PM, APC: a string whose whole
        // body is dropped.
        m_state = State::String;
    } else if (b >= 0x20 && b <= 0x2f) {
        m_state = State::EscapeInter;
    } else if (b >= 0x30 && b <= 0x7e) {
        m_state = State::Text; // a two-byte sequence: ESC 7, ESC =, ESC c…
    } else if (byte == Esc) {
        // ESC ESC: the first one is abandoned.
    } else if (byte == Can || byte == Sub) {
        m_state = State::Text;
    } else {
        // Not a valid sequence: drop the ESC, keep the byte (a newline must still end the line).
        m_state = State::Text;
        consume(byte, out);
    }
}

void DevServerOutputScanner::consumeCsi(char byte, QList<ScannedLine>& out)
{
    const auto b = static_cast<unsigned char>(byte);
    if (b >= 0x30 && b <= 0x3f) {
        if (m_csiParams.size() < MaxCsiParams)
            m_csiParams.append(byte);
    } else if (b >= 0x20 && b <= 0x2f) {
        // Intermediate bytes: none of the sequences we act on has any; one mark says so, and
        // keeps a flood of them from growing the buffer.
        if (!m_csiParams.contains('!'))
            m_csiParams.append('!');
    } else if (b >= 0x40 && b <= 0x7e) {
        m_state = State::Text;
        endCsi(byte);
    } else if (byte == Esc) {
        m_state = State::Escape;
    } else {
        // A control or non-ASCII byte cuts the sequence short; a newline still ends the line.
        abandonSequence(byte, out);
    }
}

void DevServerOutputScanner::abandonSequence(char byte, QList<ScannedLine>& out)
{
    // CAN and SUB cancel the sequence and are dropped; any other byte is read as ordinary input.
    m_state = State::Text;
    if (byte != Can && byte != Sub)
        consume(byte, out);
}

void DevServerOutputScanner::endCsi(char finalByte)
{
    const QByteArray& p = m_csiParams;
    if (finalByte == 'K') {
        // Erase in line. Spinners redraw with "\r" or "ESC[1G" followed by "ESC[K"/"ESC[2K"; erasing
        // from column 1, or the entire line, leaves nothing of what was there.
        if (p == "2" || ((p.isEmpty() || p == "0") && m_carriageReturn)) {
            resetLine();
            markCarriageReturn();
        }
    } else if (finalByte == 'G') {
        // Cursor to column 1 (readline.cursorTo(0)): the same as a carriage return.
        if (p.isEmpty() || p == "1" || p == "0")
            markCarriageReturn();
    }
    // Colours are kept for the styled text; cursor movement, screen clearing and the rest change
    // nothing in a log.
    if (finalByte == 'm' && !p.contains('!') && !p.contains('?') && !p.contains('<') && !p.contains('=') &&
        !p.contains('>')) {
        const QByteArray sequence = "\x1b[" + p + 'm';
        appendStyled(sequence.constData(), sequence.size());
    }
}

void DevServerOutputScanner::markCarriageReturn()
{
    m_carriageReturn = true;
    m_styledAtReturn = m_styled.size();
}

void DevServerOutputScanner::appendStyled(const char* data, qsizetype size)
{
    if (m_styleOverflow)
        return;
    if (m_styled.size() + size > 2 * MaxLineBytes) {
        m_styleOverflow = true;
        m_styled.clear();
        return;
    }
    m_styled.append(data, size);
}

void DevServerOutputScanner::appendText(char byte)
{
    if (m_carriageReturn) {
        // Text after a bare carriage return overwrites the line; keep what a terminal would show
        // last (the final frame of a spinner), with the colours set since the carriage return.
        const QByteArray coloursSinceReturn = m_styled.mid(m_styledAtReturn);
        resetLine();
        m_styled = coloursSinceReturn;
        m_carriageReturn = false;
    }
    if (m_truncating)
        return;
    if (m_pending.size() >= MaxLineBytes) {
        m_truncating = true;
        return;
    }
    m_pending.append(byte);
    appendStyled(&byte, 1);
}

void DevServerOutputScanner::emitLine(QList<ScannedLine>& out)
{
    out.append(scan(m_pending));
    resetLine();
    m_carriageReturn = false;
}

void DevServerOutputScanner::resetLine()
{
    m_pending.clear();
    m_styled.clear();
    if (m_styled.capacity() > 8192)
        m_styled.squeeze();
    m_styleOverflow = false;
    // Keep the allocation for ordinary lines, but give back what a huge line took.
    if (m_pending.capacity() > 4096)
        m_pending.squeeze();
    m_truncating = false;
}

ScannedLine DevServerOutputScanner::scan(const QByteArray& rawLine)
{
    ScannedLine line;
    // Invalid UTF-8 becomes U+FFFD, never an exception or a crash.
    const QString decoded = QString::fromUtf8(rawLine);
    QString text;
    text.reserve(std::min<qsizetype>(decoded.size(), MaxLineLength + 1));
    for (const QChar c : decoded) {
        if (!isHiddenCharacter(c.unicode()))
            text.append(c);
    }
    bool cut = m_truncating;
    if (text.size() > MaxLineLength) {
        qsizetype keep = MaxLineLength;
        if (text.at(keep - 1).isHighSurrogate())
            --keep; // never split a surrogate pair
        text.truncate(keep);
        cut = true;
    }
    if (cut)
        text.append(u'…');
    line.text = text;
    line.styledText = text;
    if (!cut && !m_styleOverflow && m_styled.size() != rawLine.size()) {
        // Only SGR sequences were added to m_styled, so every ESC in it starts one of ours.
        const QString styled = QString::fromUtf8(m_styled);
        QString kept;
        kept.reserve(styled.size());
        for (const QChar c : styled) {
            if (c == u'\x1b' || !isHiddenCharacter(c.unicode()))
                kept.append(c);
        }
        line.styledText = kept;
    }

    if (isPortInUse(text)) {
        line.hint = ScannedLine::Hint::PortInUse;
        m_sawPortInUse = true;
        return line;
    }

    static const QRegularExpression urlHeading(
        u"you can now view .* in the browser|\\bapp running at:|\\bavailable on:"_s,
        QRegularExpression::CaseInsensitiveOption);
    const bool bareUrlAllowed = m_bareUrlLinesLeft > 0;
    if (urlHeading.match(text).hasMatch())
        m_bareUrlLinesLeft = 4; // the heading, a blank line, the URL (CRA's layout), with a spare
    else if (m_bareUrlLinesLeft > 0)
        --m_bareUrlLinesLeft;

    const ReadyAddress address = findReadyAddress(text, bareUrlAllowed);
    if (address.found) {
        if (address.port > 0 && isAcceptedReadyHost(address.host)) {
            line.hint = ScannedLine::Hint::Ready;
            line.readyPort = address.port;
            line.readyHost = address.host;
            if (!m_firstReady)
                m_firstReady = line;
        }
        return line;
    }

    // "✓ Ready in 2.1s" (Next.js) confirms an address announced before; Vite's "ready in 300 ms"
    // comes before its Local line and says nothing about where, so alone it is not a ready line.
    static const QRegularExpression readyIn(u"\\bready in\\s+[\\d.]+\\s*m?s\\b"_s,
                                            QRegularExpression::CaseInsensitiveOption);
    if (m_firstReady && readyIn.match(text).hasMatch()) {
        line.hint = ScannedLine::Hint::Ready;
        line.readyPort = m_firstReady->readyPort;
        line.readyHost = m_firstReady->readyHost;
        return line;
    }

    if (isErrorLine(text))
        line.hint = ScannedLine::Hint::Error;
    return line;
}

QString DevServerOutputScanner::stripTerminalSequences(const QString& line)
{
    DevServerOutputScanner scanner;
    QStringList parts;
    for (const ScannedLine& l : scanner.feed(line.toUtf8()))
        parts.append(l.text);
    for (const ScannedLine& l : scanner.finish())
        parts.append(l.text);
    return parts.join(u'\n');
}

} // namespace forge
