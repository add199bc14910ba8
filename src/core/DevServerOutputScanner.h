#pragma once

#include <QByteArray>
#include <QList>
#include <QString>
#include <optional>

namespace forge {

// One complete line of dev-server output, cleaned for display, with what it tells us.
struct ScannedLine
{
    enum class Hint {
        None,
        Ready,     // the server says it is serving: readyPort (and readyHost) are set
        PortInUse, // EADDRINUSE or "Port 3000 is in use"
        Error,     // an error line worth pointing the user at (compile error, crash)
    };

    QString text; // ANSI/OSC sequences and control characters removed, valid UTF-16
    // The same line with its colour sequences (SGR, `ESC [ … m`) kept in place for a log view that
    // renders them; every other escape sequence and control character is removed as in `text`.
    // Equal to `text` when the line has no colours or was cut.
    QString styledText;
    Hint hint = Hint::None;
    int readyPort = 0;
    QString readyHost; // as printed: "localhost", "0.0.0.0", "127.0.0.1", "::", "::1"…
};

// Reads a dev server's raw stdout/stderr byte stream and recognises the lines that say it is ready
// (`Local: http://localhost:5173/`, `ready - started server on 0.0.0.0:3000`, `listening on port
// 3000`, IPv6 forms…). Handles chunks that split lines, multi-byte characters or escape sequences,
// bare carriage returns and hostile input (OSC 52 clipboard writes, NUL, huge lines). A ready line
// pointing at a non-loopback host ("Local: http://evil.example:3000") is not treated as ready.
class DevServerOutputScanner final
{
public:
    // Longer lines are cut at this many characters (the rest of the line is dropped, marked "…").
    static constexpr int MaxLineLength = 16 * 1024;

    // Feeds raw bytes; returns the lines completed by this chunk.
    QList<ScannedLine> feed(const QByteArray& chunk);
    // Returns the last, unterminated line (if any) once the stream has ended.
    QList<ScannedLine> finish();

    // The first ready line seen so far, if any.
    std::optional<ScannedLine> firstReady() const { return m_firstReady; }
    bool sawPortInUse() const { return m_sawPortInUse; }

    // Removes ANSI CSI/OSC/other escape sequences and control characters (except tab) from a line.
    static QString stripTerminalSequences(const QString& line);

private:
    // Where the byte-level terminal parser is (ECMA-48 / xterm control sequences).
    enum class State {
        Text,         // ordinary text
        Escape,       // after ESC
        EscapeInter,  // ESC + intermediate bytes (ESC ( B, ESC # 8…), waiting for the final byte
        Csi,          // ESC [ … final byte
        String,       // OSC / DCS / SOS / PM / APC body, ends with BEL or ST (ESC \)
        StringEscape, // ESC inside a string: ST if the next byte is '\'
    };

    // One byte of output, in the current state; the three states with most to decide have a
    // function each.
    void consume(char byte, QList<ScannedLine>& out);
    void consumeText(char byte, QList<ScannedLine>& out);
    void consumeEscape(char byte, QList<ScannedLine>& out);
    void consumeCsi(char byte, QList<ScannedLine>& out);
    void appendText(char byte);
    void appendStyled(const char* data, qsizetype size);
    void markCarriageReturn();
    void endCsi(char finalByte);
    // Leaves an escape sequence cut short by `byte`, which is then read as ordinary input.
    void abandonSequence(char byte, QList<ScannedLine>& out);
    void emitLine(QList<ScannedLine>& out);
    void resetLine();
    ScannedLine scan(const QByteArray& rawLine);

    // The visible bytes of the current line (escape sequences and control characters already
    // removed), at most MaxLineBytes; decoded from UTF-8 only once the line is complete, so
    // multi-byte characters split across chunks need no special care.
    QByteArray m_pending;
    // m_pending with the line's SGR colour sequences kept; dropped (empty) once it grows past its
    // bound, and then the line is shown without colours.
    QByteArray m_styled;
    bool m_styleOverflow = false;
    qsizetype m_styledAtReturn = 0; // m_styled's size when the last carriage return was seen
    bool m_truncating = false;
    State m_state = State::Text;
    QByteArray m_csiParams;        // parameter bytes of the CSI being read (bounded)
    bool m_carriageReturn = false; // cursor went back to column 1; the next text overwrites the line
    // Lines left in which a line holding nothing but a URL announces the server: CRA prints
    // "You can now view app in the browser." and then the bare URL; http-server "Available on:".
    int m_bareUrlLinesLeft = 0;
    std::optional<ScannedLine> m_firstReady;
    bool m_sawPortInUse = false;
};

} // namespace forge
