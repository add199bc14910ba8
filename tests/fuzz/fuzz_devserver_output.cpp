// The dev-server output scanner reads whatever a repository's dev server prints. Every line it
// returns must be clean (no escape sequences or control characters but tab), bounded, and the same
// whichever way the stream was cut into chunks.

#include "FuzzInput.h"
#include "core/DevServerOutputScanner.h"

using namespace forge;

namespace {

QList<ScannedLine> scan(const QList<QByteArray>& chunks)
{
    DevServerOutputScanner scanner;
    QList<ScannedLine> lines;
    for (const QByteArray& chunk : chunks)
        lines += scanner.feed(chunk);
    lines += scanner.finish();
    return lines;
}

void checkLine(const ScannedLine& line)
{
    // The cut mark "…" may follow the longest line.
    fuzz::check(line.text.size() <= DevServerOutputScanner::MaxLineLength + 1,
                "a line longer than the bound");
    for (const QChar c : line.text) {
        fuzz::check(c != u'\x1b', "an escape character left in a line");
        fuzz::check(c == u'\t' || c.category() != QChar::Other_Control, "a control character left in a line");
    }
    fuzz::check(!line.styledText.contains(u"\x1b]"), "an OSC sequence kept in the styled text");
    if (line.hint == ScannedLine::Hint::Ready)
        fuzz::check(line.readyPort > 0 && line.readyPort < 65536, "a ready line with a port out of range");
}

bool sameLines(const QList<ScannedLine>& a, const QList<ScannedLine>& b)
{
    if (a.size() != b.size())
        return false;
    for (qsizetype i = 0; i < a.size(); ++i) {
        if (a[i].text != b[i].text || a[i].styledText != b[i].styledText || a[i].hint != b[i].hint ||
            a[i].readyPort != b[i].readyPort || a[i].readyHost != b[i].readyHost)
            return false;
    }
    return true;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    const QByteArray input(reinterpret_cast<const char*>(data), static_cast<qsizetype>(size));
    const QList<QByteArray> chunks = fuzz::chunked(input);
    const QList<ScannedLine> lines = scan(chunks);
    for (const ScannedLine& line : lines)
        checkLine(line);
    fuzz::check(sameLines(lines, scan({chunks.isEmpty() ? QByteArray() : input.mid(1)})),
                "the lines depend on how the stream was cut");
    return 0;
}
