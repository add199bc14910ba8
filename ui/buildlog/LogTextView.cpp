#include "LogTextView.h"

#include "LogBuffer.h"
#include "ui/common/Theme.h"

#include <QFontDatabase>
#include <QScrollBar>
#include <QTextBlock>
#include <QTextDocument>

using namespace Qt::StringLiterals;

namespace forge::ui {

namespace {

// QTextBlock::userState marker of a line the scanner flagged as an error.
constexpr int ErrorLineState = 1;

} // namespace

LogTextView::LogTextView(QWidget* parent)
    : QPlainTextEdit(parent)
{
    setReadOnly(true);
    setUndoRedoEnabled(false);
    setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);
    setLineWrapMode(QPlainTextEdit::WidgetWidth);
    setWordWrapMode(QTextOption::WrapAtWordBoundaryOrAnywhere);
    setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    setTabStopDistance(fontMetrics().horizontalAdvance(u' ') * 8);
    document()->setDocumentMargin(6);

    m_renderTimer.setInterval(RenderIntervalMs);
    connect(&m_renderTimer, &QTimer::timeout, this, [this] { render(RenderBudgetMs); });
    m_highlightTimer.setSingleShot(true);
    m_highlightTimer.setInterval(0);
    connect(&m_highlightTimer, &QTimer::timeout, this, &LogTextView::updateHighlights);

    QScrollBar* bar = verticalScrollBar();
    // Only a scroll the user made decides whether to follow; our own adjustments are guarded.
    connect(bar, &QScrollBar::valueChanged, this, [this, bar] {
        if (!m_adjustingScroll)
            m_following = bar->value() >= bar->maximum();
        if (!m_highlightTerm.isEmpty())
            m_highlightTimer.start();
    });
    connect(bar, &QScrollBar::rangeChanged, this, [this] { scrollToBottomIfFollowing(); });
}

void LogTextView::setSource(const LogBuffer* buffer)
{
    m_source = buffer;
    m_following = true;
    restartFromBuffer();
    // A small row appears at once; a big one fills in over the next turns.
    render(RenderBudgetMs);
}

void LogTextView::sourceChanged()
{
    // render() notices a cleared buffer or lines dropped before they were shown.
    if (hasPendingLines() && !m_renderTimer.isActive())
        m_renderTimer.start();
}

void LogTextView::renderAll()
{
    render(-1);
}

void LogTextView::restartFromBuffer()
{
    restartAt(m_source ? m_source->firstSequence() : 0);
    sourceChanged();
}

void LogTextView::restartAt(qint64 sequence)
{
    m_adjustingScroll = true;
    document()->clear(); // cheap, unlike removing blocks one range at a time
    m_adjustingScroll = false;
    m_documentEmpty = true;
    m_renderedEnd = sequence;
    m_documentFirst = sequence;
}

void LogTextView::render(int budgetMs)
{
    if (!m_source) {
        m_renderTimer.stop();
        return;
    }
    const bool unlimited = budgetMs < 0;
    QElapsedTimer clock;
    clock.start();
    const auto outOfTime = [&] { return !unlimited && clock.elapsed() >= budgetMs; };

    const qint64 first = m_source->firstSequence();
    const qint64 end = m_source->endSequence();
    if (end < m_renderedEnd || first > m_renderedEnd) {
        // Cleared, or every shown line was dropped: start again, with the newest lines first.
        restartAt(unlimited ? first : std::max(first, end - TailWindow));
    } else if (!unlimited && end - m_renderedEnd > SkipThreshold) {
        // Far behind a flood of output: show the tail now; older lines are filled in once it calms.
        restartAt(std::max(first, end - TailWindow));
    }

    m_adjustingScroll = true;
    // Separate edits for the top and the bottom: one edit spanning both would make the layout
    // revisit every block in between.
    trimDocument(unlimited ? -1 : budgetMs, clock);
    if (m_renderedEnd < end && !outOfTime()) {
        QTextCursor cursor(document());
        cursor.movePosition(QTextCursor::End);
        cursor.beginEditBlock();
        while (m_renderedEnd < end) {
            if (!m_documentEmpty)
                cursor.insertBlock();
            appendLine(cursor, m_source->at(m_renderedEnd));
            ++m_renderedEnd;
            if (outOfTime())
                break;
        }
        cursor.endEditBlock();
    }
    if (m_renderedEnd == end && m_documentFirst > first && !outOfTime())
        backfill(first, unlimited ? -1 : budgetMs, clock);
    m_adjustingScroll = false;
    scrollToBottomIfFollowing();

    if (!hasPendingLines())
        m_renderTimer.stop();
    if (!m_highlightTerm.isEmpty())
        m_highlightTimer.start();
}

bool LogTextView::hasPendingLines() const
{
    return m_source &&
           (m_renderedEnd < m_source->endSequence() || m_documentFirst > m_source->firstSequence() ||
            m_documentFirst < m_source->firstSequence());
}

void LogTextView::trimDocument(int budgetMs, const QElapsedTimer& clock)
{
    // Removing blocks under a QPlainTextEdit costs tens of microseconds each, so a long removal is
    // spread over several turns.
    constexpr qint64 Step = 100;
    while (m_documentFirst < m_source->firstSequence()) {
        const qint64 count = std::min(Step, m_source->firstSequence() - m_documentFirst);
        QTextCursor cursor(document());
        cursor.movePosition(QTextCursor::NextBlock, QTextCursor::KeepAnchor, static_cast<int>(count));
        cursor.removeSelectedText();
        m_documentFirst += count;
        if (m_documentFirst == m_source->firstSequence()) {
            // The new first block inherited the removed first block's format; give it its own.
            const LogLine& line = m_source->at(m_documentFirst);
            cursor.setBlockFormat(blockFormatFor(line));
            cursor.block().setUserState(line.isError ? ErrorLineState : -1);
        }
        if (budgetMs >= 0 && clock.elapsed() >= budgetMs)
            return;
    }
}

void LogTextView::backfill(qint64 first, int budgetMs, const QElapsedTimer& clock)
{
    QScrollBar* bar = verticalScrollBar();
    const int valueBefore = bar->value();
    int added = 0;
    QTextCursor cursor(document());
    cursor.beginEditBlock();
    while (m_documentFirst > first) {
        // Split the first block at its start: the new empty block above takes the older line.
        const LogLine& below = m_source->at(m_documentFirst);
        cursor.setPosition(0);
        cursor.insertBlock(blockFormatFor(below));
        cursor.block().setUserState(below.isError ? ErrorLineState : -1);
        cursor.setPosition(0);
        --m_documentFirst;
        appendLine(cursor, m_source->at(m_documentFirst));
        ++added;
        if (budgetMs >= 0 && clock.elapsed() >= budgetMs)
            break;
    }
    cursor.endEditBlock();
    // Keep what the user is reading in place (the scroll bar counts lines).
    if (!m_following && added > 0)
        bar->setValue(valueBefore + added);
}

QTextBlockFormat LogTextView::blockFormatFor(const LogLine& line) const
{
    QTextBlockFormat format;
    if (line.isError) {
        QColor background = Theme::failureColor();
        background.setAlphaF(0.12f);
        format.setBackground(background);
    } else if (line.kind == LogLine::Kind::Header) {
        QColor background = palette().color(QPalette::Highlight);
        background.setAlphaF(0.14f);
        format.setBackground(background);
    }
    return format;
}

void LogTextView::appendLine(QTextCursor& cursor, const LogLine& line)
{
    const QTextBlockFormat blockFormat = blockFormatFor(line);
    QTextCharFormat baseFormat;
    switch (line.kind) {
    case LogLine::Kind::Header:
        baseFormat.setFontWeight(QFont::Bold);
        break;
    case LogLine::Kind::Notice:
        baseFormat.setForeground(Theme::warningColor());
        break;
    case LogLine::Kind::ErrorStream:
    case LogLine::Kind::Output:
        break;
    }
    // The cursor is at the start of an empty block made for this line.
    cursor.setBlockFormat(blockFormat);
    cursor.setBlockCharFormat(baseFormat);
    cursor.block().setUserState(line.isError ? ErrorLineState : -1);
    m_documentEmpty = false;

    const QString& text = line.styled.text;
    qsizetype position = 0;
    for (const QTextLayout::FormatRange& range : line.styled.formats) {
        if (range.start > position)
            cursor.insertText(text.mid(position, range.start - position), baseFormat);
        QTextCharFormat format = baseFormat;
        format.merge(range.format);
        cursor.insertText(text.mid(range.start, range.length), format);
        position = range.start + range.length;
    }
    if (position < text.size())
        cursor.insertText(position == 0 ? text : text.mid(position), baseFormat);
}

void LogTextView::scrollToBottomIfFollowing()
{
    if (!m_following)
        return;
    QScrollBar* bar = verticalScrollBar();
    m_adjustingScroll = true;
    bar->setValue(bar->maximum());
    m_adjustingScroll = false;
}

bool LogTextView::revealSequence(qint64 sequence)
{
    if (!m_source || sequence < m_source->firstSequence() || sequence >= m_source->endSequence())
        return false;
    if (sequence >= m_renderedEnd || sequence < m_documentFirst)
        render(-1);
    const qint64 blockNumber = sequence - m_documentFirst;
    const QTextBlock block = document()->findBlockByNumber(static_cast<int>(blockNumber));
    if (!block.isValid())
        return false;
    m_following = false;
    QTextCursor cursor(block);
    cursor.movePosition(QTextCursor::EndOfBlock, QTextCursor::KeepAnchor);
    m_adjustingScroll = true;
    setTextCursor(cursor);
    centerCursor();
    m_adjustingScroll = false;
    return true;
}

void LogTextView::setHighlightTerm(const QString& term)
{
    m_highlightTerm = term;
    updateHighlights();
}

bool LogTextView::findNext(const QString& term, bool backward)
{
    if (term.isEmpty())
        return false;
    renderAll();
    QTextDocument::FindFlags flags;
    if (backward)
        flags |= QTextDocument::FindBackward;
    QTextCursor match = document()->find(term, textCursor(), flags);
    if (match.isNull()) {
        // Wrap around, like every find bar.
        QTextCursor start(document());
        if (backward)
            start.movePosition(QTextCursor::End);
        match = document()->find(term, start, flags);
    }
    if (match.isNull())
        return false;
    m_following = false;
    m_adjustingScroll = true;
    setTextCursor(match);
    centerCursor();
    m_adjustingScroll = false;
    updateHighlights();
    return true;
}

std::pair<int, int> LogTextView::matchCount(const QString& term) const
{
    if (term.isEmpty())
        return {0, 0};
    const QTextCursor selection = textCursor();
    const bool selectionIsMatch =
        selection.hasSelection() && selection.selectedText().compare(term, Qt::CaseInsensitive) == 0;
    int total = 0;
    int current = 0;
    for (QTextBlock block = document()->begin(); block.isValid(); block = block.next()) {
        const QString text = block.text();
        for (qsizetype at = text.indexOf(term, 0, Qt::CaseInsensitive); at >= 0;
             at = text.indexOf(term, at + term.size(), Qt::CaseInsensitive)) {
            ++total;
            if (selectionIsMatch && block.position() + at == selection.selectionStart())
                current = total;
        }
    }
    return {total, current};
}

void LogTextView::updateHighlights()
{
    QList<QTextEdit::ExtraSelection> selections;
    if (!m_highlightTerm.isEmpty()) {
        QTextCharFormat format;
        QColor background = Theme::warningColor();
        background.setAlphaF(0.35f);
        format.setBackground(background);
        // Only the visible lines: highlighting every match of a 50,000-line log would cost more
        // than it shows.
        const int viewportBottom = viewport()->height();
        for (QTextBlock block = firstVisibleBlock(); block.isValid(); block = block.next()) {
            if (blockBoundingGeometry(block).translated(contentOffset()).top() > viewportBottom)
                break;
            const QString text = block.text();
            for (qsizetype at = text.indexOf(m_highlightTerm, 0, Qt::CaseInsensitive); at >= 0;
                 at = text.indexOf(m_highlightTerm, at + m_highlightTerm.size(), Qt::CaseInsensitive)) {
                QTextEdit::ExtraSelection selection;
                selection.format = format;
                selection.cursor = QTextCursor(block);
                selection.cursor.setPosition(block.position() + static_cast<int>(at));
                selection.cursor.setPosition(block.position() + static_cast<int>(at + m_highlightTerm.size()),
                                             QTextCursor::KeepAnchor);
                selections.append(selection);
            }
        }
    }
    setExtraSelections(selections);
}

} // namespace forge::ui
