#include "LogBuffer.h"

namespace forge::ui {

LogBuffer::LogBuffer(qsizetype capacity)
    : m_capacity(std::max<qsizetype>(capacity, 1))
{}

void LogBuffer::append(LogLine line)
{
    if (line.isError)
        ++m_errorCount;
    m_lines.push_back(std::move(line));
    ++m_nextSequence;
    if (size() <= m_capacity)
        return;
    const LogLine& oldest = m_lines.front();
    if (oldest.isError && m_droppedErrors.size() < KeptFirstErrors)
        m_droppedErrors.append(oldest.styled.text);
    m_lines.pop_front();
}

void LogBuffer::clear()
{
    m_lines.clear();
    m_nextSequence = 0;
    m_errorCount = 0;
    m_droppedErrors.clear();
}

const LogLine& LogBuffer::at(qint64 sequence) const
{
    Q_ASSERT(sequence >= firstSequence() && sequence < endSequence());
    return m_lines[static_cast<size_t>(sequence - firstSequence())];
}

qint64 LogBuffer::firstKeptError() const
{
    for (size_t i = 0; i < m_lines.size(); ++i) {
        if (m_lines[i].isError)
            return firstSequence() + static_cast<qint64>(i);
    }
    return -1;
}

QString LogBuffer::plainText() const
{
    qsizetype length = 0;
    for (const LogLine& line : m_lines)
        length += line.styled.text.size() + 1;
    QString text;
    text.reserve(length);
    for (const LogLine& line : m_lines) {
        text.append(line.styled.text);
        text.append(u'\n');
    }
    if (!text.isEmpty())
        text.chop(1);
    return text;
}

} // namespace forge::ui
