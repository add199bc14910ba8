#include "StepTimeline.h"

#include "ui/common/Icons.h"
#include "ui/common/Theme.h"

#include <QEvent>
#include <QHeaderView>

using namespace Qt::StringLiterals;

namespace forge::ui {

namespace {

enum Column { TitleColumn, SummaryColumn, DurationColumn, ColumnCount };

QColor iconColor(const QString& name)
{
    if (name == u"status-succeeded"_s)
        return Theme::successColor();
    if (name == u"status-failed"_s)
        return Theme::failureColor();
    if (name == u"status-queued"_s || name == u"status-stopped"_s)
        return Theme::warningColor();
    if (name == u"status-running"_s)
        return {}; // the text colour, and the highlighted text colour on the selected row
    return Theme::mutedTextColor();
}

} // namespace

StepTimeline::StepTimeline(QWidget* parent)
    : QTreeWidget(parent)
{
    setObjectName(u"stepTimeline"_s);
    setColumnCount(ColumnCount);
    setHeaderHidden(true);
    setRootIsDecorated(false);
    setUniformRowHeights(true);
    setSelectionMode(QAbstractItemView::SingleSelection);
    setTextElideMode(Qt::ElideRight);
    setIconSize(QSize(16, 16));
    header()->setStretchLastSection(false);
    header()->setSectionResizeMode(TitleColumn, QHeaderView::ResizeToContents);
    header()->setSectionResizeMode(SummaryColumn, QHeaderView::Stretch);
    header()->setSectionResizeMode(DurationColumn, QHeaderView::ResizeToContents);
    header()->setMinimumSectionSize(0);

    const auto makeItem = [this](const QString& title) {
        auto* item = new QTreeWidgetItem(this, QStringList{title});
        item->setTextAlignment(DurationColumn, Qt::AlignRight | Qt::AlignVCenter);
        return item;
    };
    m_allItem = makeItem(tr("All output"));
    m_allItem->setData(TitleColumn, IconNameRole, u"plan"_s);
    for (StepId step : AllSteps)
        m_stepItems[index(step)] = makeItem(stepTitle(step));
    m_consoleItem = makeItem(tr("Preview console"));
    m_consoleItem->setData(TitleColumn, IconNameRole, u"devtools"_s);
    m_syncItem = makeItem(tr("Sync"));
    m_syncItem->setData(TitleColumn, IconNameRole, u"refresh"_s);
    m_noticesItem = makeItem(tr("Notices"));
    m_noticesItem->setData(TitleColumn, IconNameRole, u"status-queued"_s);
    // The extra rows read as a separate group below the steps.
    QFont italic = font();
    italic.setItalic(true);
    for (QTreeWidgetItem* extra : {m_consoleItem, m_syncItem, m_noticesItem})
        extra->setFont(TitleColumn, italic);

    m_ticker.setInterval(200);
    connect(&m_ticker, &QTimer::timeout, this, &StepTimeline::tick);
    connect(this, &QTreeWidget::currentItemChanged, this, [this](QTreeWidgetItem* current) {
        if (current)
            Q_EMIT rowSelected(currentRowId(), !m_selectingProgrammatically);
    });
    reset();
}

void StepTimeline::reset()
{
    m_ticker.stop();
    m_runClock.invalidate();
    for (StepId step : AllSteps) {
        m_steps[index(step)] = StepState{};
        QTreeWidgetItem* row = m_stepItems[index(step)];
        row->setText(TitleColumn, stepTitle(step));
        row->setText(SummaryColumn, {});
        row->setToolTip(SummaryColumn, {});
        refreshStep(step);
    }
    m_allItem->setText(DurationColumn, {});
    setCount(LogRow::Console, 0);
    setCount(LogRow::Sync, 0);
    setCount(LogRow::Notices, 0);
    // Only a working copy's runs sync (BuildLogPanel::appendSyncStarted shows the row): it stays out
    // of the way of every other run.
    m_syncItem->setHidden(true);
    refreshIcons();
    selectRow({LogRow::All});
}

void StepTimeline::setStepRunning(StepId step, int attempt)
{
    StepState& state = m_steps[index(step)];
    state.status = StepStatus::Running;
    state.iconName = u"status-running"_s;
    state.attempt = attempt;
    state.durationMs = -1;
    state.clock.start();
    if (!m_runClock.isValid())
        m_runClock.start();
    m_ticker.start();
    refreshStep(step);
}

void StepTimeline::setStepRetrying(StepId step, int nextAttempt, qint64 delayMs)
{
    StepState& state = m_steps[index(step)];
    state.iconName = u"status-queued"_s;
    QTreeWidgetItem* row = m_stepItems[index(step)];
    row->setToolTip(TitleColumn, tr("Attempt %1 starts in %2").arg(nextAttempt).arg(formatDuration(delayMs)));
    refreshStep(step);
}

void StepTimeline::setStepFinished(StepId step, StepStatus status, qint64 durationMs, const QString& summary)
{
    StepState& state = m_steps[index(step)];
    state.status = status;
    state.clock.invalidate();
    state.durationMs = status == StepStatus::Skipped ? -1 : durationMs;
    switch (status) {
    case StepStatus::Succeeded:
        state.iconName = u"status-succeeded"_s;
        break;
    case StepStatus::Failed:
        state.iconName = u"status-failed"_s;
        break;
    case StepStatus::Skipped:
        state.iconName = u"status-skipped"_s;
        break;
    case StepStatus::Running:
        state.iconName = u"status-running"_s;
        break;
    case StepStatus::Pending:
        state.iconName = u"status-pending"_s;
        break;
    }
    QTreeWidgetItem* row = m_stepItems[index(step)];
    row->setText(SummaryColumn, summary);
    row->setToolTip(SummaryColumn, summary);
    row->setToolTip(TitleColumn, {});
    refreshStep(step);
    tick();
}

void StepTimeline::setRunStopped()
{
    for (StepId step : AllSteps) {
        StepState& state = m_steps[index(step)];
        if (state.status != StepStatus::Running)
            continue;
        state.durationMs = state.clock.isValid() ? state.clock.elapsed() : -1;
        state.clock.invalidate();
        state.iconName = u"status-stopped"_s;
        refreshStep(step);
    }
    tick();
    m_ticker.stop();
}

void StepTimeline::setCount(LogRow row, int count)
{
    QTreeWidgetItem* target = row == LogRow::Console   ? m_consoleItem
                              : row == LogRow::Sync    ? m_syncItem
                              : row == LogRow::Notices ? m_noticesItem
                                                       : nullptr;
    if (target)
        target->setText(DurationColumn, count > 0 ? QString::number(count) : QString());
}

QTreeWidgetItem* StepTimeline::item(LogRowId row) const
{
    switch (row.kind) {
    case LogRow::All:
        return m_allItem;
    case LogRow::Step:
        return m_stepItems[index(row.step)];
    case LogRow::Console:
        return m_consoleItem;
    case LogRow::Sync:
        return m_syncItem;
    case LogRow::Notices:
        return m_noticesItem;
    }
    return m_allItem;
}

LogRowId StepTimeline::currentRowId() const
{
    const QTreeWidgetItem* current = currentItem();
    if (current == m_consoleItem)
        return {LogRow::Console};
    if (current == m_syncItem)
        return {LogRow::Sync};
    if (current == m_noticesItem)
        return {LogRow::Notices};
    for (StepId step : AllSteps) {
        if (current == m_stepItems[index(step)])
            return LogRowId::forStep(step);
    }
    return {LogRow::All};
}

void StepTimeline::selectRow(LogRowId row)
{
    QTreeWidgetItem* target = item(row);
    if (currentItem() == target)
        return;
    m_selectingProgrammatically = true;
    setCurrentItem(target);
    m_selectingProgrammatically = false;
    scrollToItem(target);
}

QString StepTimeline::formatDuration(qint64 ms)
{
    if (ms < 60'000)
        return tr("%1 s").arg(static_cast<double>(ms) / 1000.0, 0, 'f', 1);
    const qint64 seconds = ms / 1000;
    return tr("%1 min %2 s").arg(seconds / 60).arg(seconds % 60, 2, 10, QChar(u'0'));
}

void StepTimeline::setIcon(QTreeWidgetItem* row, const QString& name)
{
    row->setData(TitleColumn, IconNameRole, name);
    row->setIcon(TitleColumn, forge::ui::icon(name, iconColor(name)));
}

void StepTimeline::refreshStep(StepId step)
{
    const StepState& state = m_steps[index(step)];
    QTreeWidgetItem* row = m_stepItems[index(step)];
    setIcon(row, state.iconName);
    row->setText(TitleColumn, state.attempt > 1
                                  ? tr("%1 · attempt %2").arg(stepTitle(step)).arg(state.attempt)
                                  : stepTitle(step));
    if (state.clock.isValid())
        row->setText(DurationColumn, formatDuration(state.clock.elapsed()));
    else
        row->setText(DurationColumn, state.durationMs >= 0 ? formatDuration(state.durationMs) : QString());
    const QColor muted = Theme::mutedTextColor();
    const bool quiet = state.status == StepStatus::Pending || state.status == StepStatus::Skipped;
    const QBrush titleBrush = quiet ? QBrush(muted) : QBrush();
    row->setForeground(TitleColumn, titleBrush);
    row->setForeground(SummaryColumn, muted);
    row->setForeground(DurationColumn, muted);
    row->setToolTip(TitleColumn, row->toolTip(TitleColumn).isEmpty() && state.status == StepStatus::Skipped
                                     ? tr("Skipped")
                                     : row->toolTip(TitleColumn));
}

void StepTimeline::refreshIcons()
{
    setIcon(m_allItem, m_allItem->data(TitleColumn, IconNameRole).toString());
    setIcon(m_consoleItem, m_consoleItem->data(TitleColumn, IconNameRole).toString());
    setIcon(m_syncItem, m_syncItem->data(TitleColumn, IconNameRole).toString());
    setIcon(m_noticesItem, m_noticesItem->data(TitleColumn, IconNameRole).toString());
    for (StepId step : AllSteps)
        refreshStep(step);
}

void StepTimeline::tick()
{
    bool anyRunning = false;
    for (StepId step : AllSteps) {
        const StepState& state = m_steps[index(step)];
        if (state.clock.isValid()) {
            anyRunning = true;
            m_stepItems[index(step)]->setText(DurationColumn, formatDuration(state.clock.elapsed()));
        }
    }
    if (m_runClock.isValid())
        m_allItem->setText(DurationColumn, formatDuration(m_runClock.elapsed()));
    if (!anyRunning)
        m_ticker.stop();
}

void StepTimeline::changeEvent(QEvent* event)
{
    // Icons are tinted when made; a light/dark switch needs them made again.
    if (event->type() == QEvent::PaletteChange)
        refreshIcons();
    QTreeWidget::changeEvent(event);
}

} // namespace forge::ui
