#pragma once

#include <QByteArray>

namespace forge::daytona {

// Splits the toolbox's split-mode log stream into stdout and stderr (docs/daytona-api.md §8): the bytes after
// 01 01 01 belong to stdout and the bytes after 02 02 02 to stderr, until the next marker. A marker
// may be cut across chunks or WebSocket frames, so up to two trailing bytes that could start one
// are held back until the next feed() or finish(). Bytes before any marker count as stdout.
class OutputDemultiplexer final
{
public:
    struct Output
    {
        QByteArray stdoutData;
        QByteArray stderrData;
    };

    Output feed(const QByteArray& chunk);
    // Flushes the held-back bytes: at the end of the stream they are output, not a marker.
    Output finish();

    static Output demultiplex(const QByteArray& all);
    static bool containsMarkers(const QByteArray& data);

private:
    enum class Stream { Stdout, Stderr };
    void append(Output& output, const char* data, qsizetype size) const;

    Stream m_stream = Stream::Stdout;
    QByteArray m_pending;
};

} // namespace forge::daytona
