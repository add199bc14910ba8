#include "OutputDemultiplexer.h"

namespace forge::daytona {

namespace {

constexpr char StdoutByte = '\x01';
constexpr char StderrByte = '\x02';
constexpr qsizetype MarkerSize = 3;

bool isMarkerByte(char byte)
{
    return byte == StdoutByte || byte == StderrByte;
}

} // namespace

void OutputDemultiplexer::append(Output& output, const char* data, qsizetype size) const
{
    if (size <= 0)
        return;
    (m_stream == Stream::Stdout ? output.stdoutData : output.stderrData).append(data, size);
}

OutputDemultiplexer::Output OutputDemultiplexer::feed(const QByteArray& chunk)
{
    Output output;
    QByteArray buffer;
    buffer.swap(m_pending);
    buffer.append(chunk);
    const char* data = buffer.constData();
    const qsizetype size = buffer.size();
    qsizetype runStart = 0;
    qsizetype i = 0;
    while (i < size) {
        if (!isMarkerByte(data[i])) {
            ++i;
            continue;
        }
        const char byte = data[i];
        const qsizetype available = std::min(MarkerSize, size - i);
        bool prefix = true;
        for (qsizetype k = 1; k < available; ++k)
            prefix = prefix && data[i + k] == byte;
        if (prefix && available < MarkerSize) {
            // Possibly a marker cut by the chunk boundary: decide when more bytes arrive.
            append(output, data + runStart, i - runStart);
            m_pending = buffer.mid(i);
            return output;
        }
        if (prefix) {
            append(output, data + runStart, i - runStart);
            m_stream = byte == StdoutByte ? Stream::Stdout : Stream::Stderr;
            i += MarkerSize;
            runStart = i;
            continue;
        }
        ++i;
    }
    append(output, data + runStart, size - runStart);
    return output;
}

OutputDemultiplexer::Output OutputDemultiplexer::finish()
{
    Output output;
    append(output, m_pending.constData(), m_pending.size());
    m_pending.clear();
    return output;
}

OutputDemultiplexer::Output OutputDemultiplexer::demultiplex(const QByteArray& all)
{
    OutputDemultiplexer demux;
    Output output = demux.feed(all);
    const Output rest = demux.finish();
    output.stdoutData += rest.stdoutData;
    output.stderrData += rest.stderrData;
    return output;
}

bool OutputDemultiplexer::containsMarkers(const QByteArray& data)
{
    return data.contains(QByteArray(MarkerSize, StdoutByte)) ||
           data.contains(QByteArray(MarkerSize, StderrByte));
}

} // namespace forge::daytona
