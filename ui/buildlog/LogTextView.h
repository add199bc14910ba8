#pragma once

#include <QElapsedTimer>
#include <QPlainTextEdit>
#include <QTimer>

namespace forge::ui {

class LogBuffer;
struct LogLine;

// Shows one LogBuffer as plain text with its colours. Lines are rendered incrementally on a short
// timer with a time budget per turn, so a step printing hundreds of thousands of lines never blocks
// the event loop and the document is never rebuilt per line. Eventually the document holds exactly
// the buffer's lines; under a flood it shows the newest first and fills in the older ones later.
//
// Follows the tail while the user is at the bottom; scrolling up stops following, scrolling back
// to the bottom resumes it.
class LogTextView final : public QPlainTextEdit
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(LogTextView)
public:
    // Per rendering turn: long enough to make progress, short enough to keep 60 fps input.
    static constexpr int RenderBudgetMs = 8;
    static constexpr int RenderIntervalMs = 16;
    // When rendering falls this far behind (a flood of output), it jumps to the newest TailWindow
    // lines and fills in the older ones once the flood stops.
    static constexpr qint64 SkipThreshold = 10'000;
    static constexpr qint64 TailWindow = 2'000;

    explicit LogTextView(QWidget* parent = nullptr);

    // Shows `buffer` (nullptr: nothing). The view keeps a pointer; the owner outlives the view's use.
    void setSource(const LogBuffer* buffer);
    const LogBuffer* source() const { return m_source; }
    // The buffer got new lines (or was cleared): render them soon.
    void sourceChanged();
    // Renders everything pending now, ignoring the budget (for find and jumps).
    void renderAll();
    bool hasPendingLines() const;

    bool isFollowingTail() const { return m_following; }
    // Scrolls to and selects the line with this buffer sequence number; false if it is not kept.
    bool revealSequence(qint64 sequence);

    // Highlights every match of `term` in the visible part (case-insensitive); empty clears.
    void setHighlightTerm(const QString& term);
    // Moves the selection to the next (or previous) match, wrapping around; false if none.
    bool findNext(const QString& term, bool backward);
    // Total matches in the document, and the 1-based index of the selected match (0 if none).
    std::pair<int, int> matchCount(const QString& term) const;

private:
    void render(int budgetMs);
    void appendLine(QTextCursor& cursor, const LogLine& line);
    void restartAt(qint64 sequence);
    void trimDocument(int budgetMs, const QElapsedTimer& clock);
    void backfill(qint64 first, int budgetMs, const QElapsedTimer& clock);
    QTextBlockFormat blockFormatFor(const LogLine& line) const;
    void restartFromBuffer();
    void scrollToBottomIfFollowing();
    void updateHighlights();

    const LogBuffer* m_source = nullptr;
    qint64 m_renderedEnd = 0;   // one past the last rendered sequence number
    qint64 m_documentFirst = 0; // sequence number of the document's first block
    bool m_documentEmpty = true;
    bool m_following = true;
    bool m_adjustingScroll = false;
    QTimer m_renderTimer;
    QTimer m_highlightTimer;
    QString m_highlightTerm;
};

} // namespace forge::ui
