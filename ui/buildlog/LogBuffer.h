#pragma once

#include "AnsiTextFormatter.h"

#include <QStringList>
#include <deque>

namespace forge::ui {

// One line as the panel keeps it: already parsed, so showing it again (switching rows) costs no
// parsing.
struct LogLine
{
    enum class Kind { Output, ErrorStream, Header, Notice };

    StyledLine styled;
    Kind kind = Kind::Output;
    bool isError = false; // the scanner flagged it; "jump to first error" goes there
};

// The output of one row of the timeline, bounded: past `capacity` lines the oldest are dropped
// (and counted) so a step printing millions of lines cannot exhaust memory. The first error lines
// are kept aside when they are dropped, because the first error is usually the cause.
//
// Every line gets a sequence number (0, 1, 2, … in arrival order, never reused), which lets a view
// render "everything after what I already showed" without caring what was dropped meanwhile.
class LogBuffer final
{
public:
    static constexpr qsizetype KeptFirstErrors = 20;

    explicit LogBuffer(qsizetype capacity);

    void append(LogLine line);
    void clear();

    qsizetype capacity() const { return m_capacity; }
    qsizetype size() const { return static_cast<qsizetype>(m_lines.size()); }
    bool isEmpty() const { return m_lines.empty(); }
    // Sequence number of the oldest kept line, and one past the newest.
    qint64 firstSequence() const { return m_nextSequence - size(); }
    qint64 endSequence() const { return m_nextSequence; }
    const LogLine& at(qint64 sequence) const;

    qint64 droppedCount() const { return firstSequence(); }
    // The first error lines (plain text) among those dropped, oldest first.
    const QStringList& droppedErrors() const { return m_droppedErrors; }
    qint64 errorCount() const { return m_errorCount; }
    // Sequence number of the first kept error line, or -1.
    qint64 firstKeptError() const;

    // The kept lines without escape codes, one per line.
    QString plainText() const;

private:
    qsizetype m_capacity;
    std::deque<LogLine> m_lines;
    qint64 m_nextSequence = 0;
    qint64 m_errorCount = 0;
    QStringList m_droppedErrors;
};

} // namespace forge::ui
