#include "BuildLogPanel.h"

#include "FailureBox.h"
#include "FindBar.h"
#include "LogTextView.h"
#include "store/RunStore.h"
#include "ui/common/Icons.h"
#include "ui/common/Theme.h"
#include "workflow/ProjectSession.h"

#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QLabel>
#include <QLocale>
#include <QMessageBox>
#include <QSaveFile>
#include <QScrollBar>
#include <QSplitter>
#include <QStandardPaths>
#include <QTime>
#include <QToolButton>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace forge::ui {

namespace {

LogLine plainLine(const QString& text, LogLine::Kind kind, bool isError = false)
{
    return LogLine{StyledLine{text, {}}, kind, isError};
}

// A Sync line's time of day.
QString clockTime()
{
    return QTime::currentTime().toString(u"HH:mm:ss"_s);
}

QString rowTitle(LogRowId row)
{
    switch (row.kind) {
    case LogRow::All:
        return BuildLogPanel::tr("All output");
    case LogRow::Step:
        return stepTitle(row.step);
    case LogRow::Console:
        return BuildLogPanel::tr("Preview console");
    case LogRow::Sync:
        return BuildLogPanel::tr("Sync");
    case LogRow::Notices:
        return BuildLogPanel::tr("Notices");
    }
    return {};
}

} // namespace

BuildLogPanel::BuildLogPanel(QWidget* parent)
    : QWidget(parent)
    , m_timeline(new StepTimeline(this))
    , m_rowTitle(new QLabel(this))
    , m_failureBox(new FailureBox(this))
    , m_droppedBanner(new QLabel(this))
    , m_view(new LogTextView(this))
    , m_findBar(new FindBar(this))
{
    setObjectName(u"buildLogPanel"_s);
    m_stepLogs.reserve(AllSteps.size());
    for (size_t i = 0; i < AllSteps.size(); ++i)
        m_stepLogs.emplace_back(StepLineLimit);

    m_view->setObjectName(u"logView"_s);
    m_rowTitle->setObjectName(u"rowTitle"_s);
    m_rowTitle->setTextFormat(Qt::PlainText);
    QFont titleFont = m_rowTitle->font();
    titleFont.setBold(true);
    m_rowTitle->setFont(titleFont);
    m_droppedBanner->setObjectName(u"droppedBanner"_s);
    m_droppedBanner->setTextFormat(Qt::PlainText); // quotes output lines: never rich text
    // One line per entry and no word wrap: its height must not change as the count grows, since
    // every height change makes the log view lay out its (many) lines again.
    m_droppedBanner->setWordWrap(false);
    m_droppedBanner->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Fixed);
    m_droppedBanner->setMargin(6);
    m_droppedBanner->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_droppedBanner->hide();

    createActions();
    createLayout();

    // Coalesce per-line work that only needs to be visible, not immediate.
    m_bannerTimer.setSingleShot(true);
    m_bannerTimer.setInterval(150);
    connect(&m_bannerTimer, &QTimer::timeout, this, &BuildLogPanel::updateDroppedBanner);
    m_matchCountTimer.setSingleShot(true);
    m_matchCountTimer.setInterval(100);
    connect(&m_matchCountTimer, &QTimer::timeout, this, &BuildLogPanel::refreshMatchCount);

    connect(m_timeline, &StepTimeline::rowSelected, this, &BuildLogPanel::onRowSelected);
    connectFindBar();

    reset();
}

BuildLogPanel::~BuildLogPanel() = default;

// A header (the row's title and the actions) over the failure box, the banner, the log and the
// find bar, under the step timeline.
void BuildLogPanel::createLayout()
{
    auto* header = new QHBoxLayout;
    header->setContentsMargins(8, 4, 4, 4);
    header->addWidget(m_rowTitle, 1);
    for (QAction* action : {m_findAction, m_copyAction, m_saveAction, m_jumpAction}) {
        auto* button = new QToolButton(this);
        button->setDefaultAction(action);
        button->setAutoRaise(true);
        header->addWidget(button);
    }

    auto* output = new QWidget(this);
    auto* outputLayout = new QVBoxLayout(output);
    outputLayout->setContentsMargins(0, 0, 0, 0);
    outputLayout->setSpacing(0);
    outputLayout->addLayout(header);
    outputLayout->addWidget(m_failureBox);
    outputLayout->addWidget(m_droppedBanner);
    outputLayout->addWidget(m_view, 1);
    outputLayout->addWidget(m_findBar);

    auto* splitter = new QSplitter(Qt::Vertical, this);
    splitter->setObjectName(u"buildLogSplitter"_s);
    splitter->setChildrenCollapsible(false);
    splitter->addWidget(m_timeline);
    splitter->addWidget(output);
    splitter->setStretchFactor(0, 0);
    splitter->setStretchFactor(1, 1);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(splitter);
}

// Incremental search as the term is typed, next and previous, and back to the log when the bar
// closes.
void BuildLogPanel::connectFindBar()
{
    connect(m_findBar, &FindBar::termChanged, this, [this](const QString& term) {
        m_view->setHighlightTerm(term);
        if (!term.isEmpty()) {
            // Incremental search: look from the start of the current match so typing extends it.
            QTextCursor from = m_view->textCursor();
            from.setPosition(from.selectionStart());
            m_view->setTextCursor(from);
            m_view->findNext(term, false);
        }
        refreshMatchCount();
    });
    connect(m_findBar, &FindBar::nextRequested, this, [this] { findAgain(false); });
    connect(m_findBar, &FindBar::previousRequested, this, [this] { findAgain(true); });
    connect(m_findBar, &FindBar::closed, this, [this] {
        m_view->setHighlightTerm({});
        m_view->setFocus(Qt::OtherFocusReason);
    });
}

void BuildLogPanel::attach(ProjectSession* session, const FailureExplainer& explain)
{
    if (m_session)
        m_session->disconnect(this);
    m_session = session;
    connect(session, &ProjectSession::runStarted, this, &BuildLogPanel::reset);
    connect(session, &ProjectSession::stepStarted, this, &BuildLogPanel::stepStarted);
    connect(session, &ProjectSession::stepOutput, this,
            [this](StepId step, OutputChannel channel, const QString&, const QString& styled, bool isError) {
                appendOutput(step, channel, styled, isError);
            });
    connect(session, &ProjectSession::stepRetrying, this, &BuildLogPanel::stepRetrying);
    connect(session, &ProjectSession::stepFinished, this, &BuildLogPanel::stepFinished);
    // A step the interrupted run had finished: shown done, with what it did then.
    connect(session, &ProjectSession::stepRestored, this,
            [this](StepId step, StepStatus status, const QString& summary) {
                stepStarted(step, 1);
                stepFinished(step, status, 0,
                             summary.isEmpty() ? tr("done before the restart")
                                               : tr("%1 (done before the restart)").arg(summary));
            });
    connect(session, &ProjectSession::failed, this, [this, explain](const StepFailure& failure) {
        showFailure(explain ? explain(failure) : failure);
    });
    connect(session, &ProjectSession::notice, this, &BuildLogPanel::appendNotice);
    connect(session, &ProjectSession::workingCopyWatchStarted, this, &BuildLogPanel::appendSyncStarted);
    connect(session, &ProjectSession::workingCopyBatchSent, this, &BuildLogPanel::appendSyncBatch);
    // The sandbox manager restores the preview (asleep, gone, dev server dead): say so.
    connect(session, &ProjectSession::restoring, this,
            [this](const QString& reason) { appendNotice(tr("Restoring the preview: %1").arg(reason)); });
    connect(session, &ProjectSession::restored, this, [this] { appendNotice(tr("The preview is back.")); });
    connect(session, &ProjectSession::restoreFailed, this,
            [this](const QString& cause) { appendNotice(tr("Restoring failed: %1").arg(cause)); });
    // Once live, the dev server's output is what matters (requests, hot reloads, compile errors).
    connect(session, &ProjectSession::previewReady, this, [this] { selectStep(StepId::StartDevServer); });
    connect(session, &ProjectSession::statusChanged, this, [this](ProjectStatus status) {
        if (status == ProjectStatus::Stopped)
            runStopped();
    });
}

void BuildLogPanel::replay(const RunStore& runs, const RunRecord& run)
{
    QHash<QString, QList<LogRecord>> linesByStep;
    for (LogRecord& line : runs.log(run.id))
        linesByStep[line.step].append(std::move(line));
    for (const StepRecord& record : runs.steps(run.id))
        replayStep(record, linesByStep.value(record.step));
    if (run.status == u"failed"_s) {
        if (const auto step = stepFromName(run.failedStep))
            showFailure(StepFailure(*step, Failure::permanent(run.error)));
    }
    if (run.status != u"succeeded"_s)
        runStopped();
    appendNotice(tr("The log of the last run (%1), kept from before Forge Preview restarted.")
                     .arg(QLocale().toString(run.startedAt.toLocalTime(), QLocale::ShortFormat)));
}

void BuildLogPanel::replayStep(const StepRecord& record, const QList<LogRecord>& lines)
{
    const auto step = stepFromName(record.step);
    const auto status = stepStatusFromString(record.status);
    if (!step || !status)
        return;
    stepStarted(*step, record.attempt);
    for (const LogRecord& line : lines)
        appendOutput(*step, OutputChannel(line.channel), line.styled.isEmpty() ? line.text : line.styled,
                     line.isError);
    if (*status == StepStatus::Running || *status == StepStatus::Pending)
        return;
    const qint64 duration = record.startedAt.isValid() && record.finishedAt.isValid()
                                ? record.startedAt.msecsTo(record.finishedAt)
                                : 0;
    stepFinished(*step, *status, duration,
                 *status == StepStatus::Failed ? record.error : record.result.value(u"summary"_s).toString());
}

void BuildLogPanel::createActions()
{
    const auto make = [this](const QString& iconName, const QString& text, const QKeySequence& shortcut,
                             Qt::ShortcutContext context, auto slot) {
        auto* action = new QAction(icon(iconName), text, this);
        action->setShortcut(shortcut);
        action->setShortcutContext(context);
        action->setToolTip(
            shortcut.isEmpty()
                ? text
                : u"%1 (%2)"_s.arg(QString(text).remove(u'&'), shortcut.toString(QKeySequence::NativeText)));
        connect(action, &QAction::triggered, this, slot);
        addAction(action);
        return action;
    };
    // Only while the panel has focus: the preview pane has its own find and copy, and a window
    // menu can forward to the current panel's actions.
    m_findAction = make(u"search"_s, tr("&Find in Output…"), QKeySequence::Find,
                        Qt::WidgetWithChildrenShortcut, [this] { openFind(); });
    m_findAction->setObjectName(u"findAction"_s);
    m_findNextAction = make(u"search"_s, tr("Find &Next"), QKeySequence::FindNext,
                            Qt::WidgetWithChildrenShortcut, [this] { findAgain(false); });
    m_findPreviousAction = make(u"search"_s, tr("Find &Previous"), QKeySequence::FindPrevious,
                                Qt::WidgetWithChildrenShortcut, [this] { findAgain(true); });
    m_copyAction = make(u"copy"_s, tr("&Copy Output"), QKeySequence::Copy, Qt::WidgetWithChildrenShortcut,
                        [this] { copy(); });
    m_copyAction->setObjectName(u"copyAction"_s);
    m_copyAction->setStatusTip(tr("Copies the selected text, or the selected row's whole output"));
    m_saveAction = make(u"save"_s, tr("&Save Output…"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_S),
                        Qt::WidgetWithChildrenShortcut, [this] { save(); });
    m_saveAction->setObjectName(u"saveAction"_s);
    // F8 is "next error" in most IDEs.
    m_jumpAction = make(u"jump-error"_s, tr("&Jump to First Error"), QKeySequence(Qt::Key_F8),
                        Qt::WidgetWithChildrenShortcut, [this] { jumpToFirstError(); });
    m_jumpAction->setObjectName(u"jumpToFirstErrorAction"_s);
}

void BuildLogPanel::reset()
{
    for (LogBuffer& log : m_stepLogs)
        log.clear();
    m_allLog.clear();
    m_consoleLog.clear();
    m_syncLog.clear();
    m_noticeLog.clear();
    for (AnsiTextFormatter& formatter : m_formatters)
        formatter.reset();
    m_consoleFormatter.reset();
    m_lastStepInAll.reset();
    m_runningStep.reset();
    m_failure.reset();
    m_userPickedRow = false;
    m_consoleCount = 0;
    m_noticeCount = 0;
    m_syncCount = 0;
    m_timeline->reset(); // selects "All output"
    m_view->setSource(&bufferFor(m_timeline->currentRowId()));
    updateFailureBox();
    updateDroppedBanner();
}

void BuildLogPanel::stepStarted(StepId step, int attempt)
{
    m_timeline->setStepRunning(step, attempt);
    m_runningStep = step;
    // The All view gets a header whenever a step (re)starts; a step's own view only on retries.
    const QString title =
        attempt > 1 ? tr("%1 · attempt %2").arg(stepTitle(step)).arg(attempt) : stepTitle(step);
    m_allLog.append(plainLine(u"▸ "_s + title, LogLine::Kind::Header));
    m_lastStepInAll = step;
    if (attempt > 1)
        appendLine(LogRowId::forStep(step),
                   plainLine(tr("▸ Attempt %1").arg(attempt), LogLine::Kind::Header));
    else
        m_view->sourceChanged();
    if (!m_userPickedRow)
        m_timeline->selectRow(LogRowId::forStep(step));
}

void BuildLogPanel::appendOutput(StepId step, OutputChannel channel, const QString& line, bool isError)
{
    const size_t stream = index(step) * 2 + (channel == OutputChannel::Stderr ? 1 : 0);
    LogLine parsed{m_formatters[stream].format(line),
                   channel == OutputChannel::Stderr ? LogLine::Kind::ErrorStream : LogLine::Kind::Output,
                   isError};
    appendLine(LogRowId::forStep(step), std::move(parsed));
}

void BuildLogPanel::stepRetrying(StepId step, int nextAttempt, qint64 delayMs, const QString& reason)
{
    m_timeline->setStepRetrying(step, nextAttempt, delayMs);
    appendLine(LogRowId::forStep(step),
               plainLine(tr("↻ %1 Retrying in %2 (attempt %3).")
                             .arg(AnsiTextFormatter::stripped(reason), StepTimeline::formatDuration(delayMs))
                             .arg(nextAttempt),
                         LogLine::Kind::Notice));
}

void BuildLogPanel::stepFinished(StepId step, StepStatus status, qint64 durationMs, const QString& summary)
{
    m_timeline->setStepFinished(step, status, durationMs, AnsiTextFormatter::stripped(summary));
    if (m_runningStep == step)
        m_runningStep.reset();
    if (status == StepStatus::Failed) {
        // The failed step is what the user needs to see, whatever row they were looking at.
        m_userPickedRow = true;
        m_timeline->selectRow(LogRowId::forStep(step));
    }
}

void BuildLogPanel::showFailure(const StepFailure& failure)
{
    m_failure = failure;
    m_failureBox->setFailure(failure);
    if (m_timeline->status(failure.step()) != StepStatus::Failed)
        m_timeline->setStepFinished(failure.step(), StepStatus::Failed, -1, {});
    if (m_runningStep == failure.step())
        m_runningStep.reset();
    m_userPickedRow = true;
    m_timeline->selectRow(LogRowId::forStep(failure.step()));
    updateFailureBox();
    // Open at the top so the failure box and the start of the output show first.
    m_view->verticalScrollBar()->setValue(0);
}

void BuildLogPanel::runStopped()
{
    m_timeline->setRunStopped();
    m_runningStep.reset();
}

void BuildLogPanel::appendNotice(const QString& message)
{
    ++m_noticeCount;
    m_timeline->setCount(LogRow::Notices, m_noticeCount);
    appendLine({LogRow::Notices},
               plainLine(u"! "_s + AnsiTextFormatter::stripped(message), LogLine::Kind::Notice));
}

void BuildLogPanel::appendSyncStarted()
{
    appendLine({LogRow::Sync},
               plainLine(tr("%1  Watching the working copy: saved files go to the sandbox as they change.")
                             .arg(clockTime()),
                         LogLine::Kind::Notice));
    m_timeline->item({LogRow::Sync})->setHidden(false);
}

void BuildLogPanel::appendSyncBatch(const QStringList& written, const QStringList& removed)
{
    ++m_syncCount;
    m_timeline->setCount(LogRow::Sync, m_syncCount);
    // Spelled out: without a translation loaded, tr()'s "%n file(s)" stays "file(s)".
    const QString sent = written.size() == 1 ? tr("Sent 1 file") : tr("Sent %1 files").arg(written.size());
    appendLine({LogRow::Sync}, plainLine(tr("%1  %2, removed %3").arg(clockTime(), sent).arg(removed.size()),
                                         LogLine::Kind::Header));
    qsizetype listed = 0;
    const auto list = [&](const QStringList& paths, QStringView mark) {
        for (const QString& path : paths) {
            if (listed++ < SyncPathsListed)
                appendLine({LogRow::Sync}, plainLine(u"    %1 %2"_s.arg(mark, path), LogLine::Kind::Output));
        }
    };
    list(written, u"+");
    list(removed, u"−");
    if (listed > SyncPathsListed) {
        appendLine({LogRow::Sync},
                   plainLine(tr("    … and %1 more").arg(listed - SyncPathsListed), LogLine::Kind::Output));
    }
}

void BuildLogPanel::appendConsoleMessage(const ConsoleMessage& message)
{
    ++m_consoleCount;
    m_timeline->setCount(LogRow::Console, m_consoleCount);

    QString level;
    QColor color;
    switch (message.level) {
    case ConsoleMessage::Level::Info:
        level = u"info"_s;
        break;
    case ConsoleMessage::Level::Warning:
        level = u"warning"_s;
        color = Theme::warningColor();
        break;
    case ConsoleMessage::Level::Error:
        level = u"error"_s;
        color = Theme::failureColor();
        break;
    }
    LogLine line;
    line.isError = message.level == ConsoleMessage::Level::Error;
    const QString prefix = u"[%1] "_s.arg(level);
    line.styled = m_consoleFormatter.format(message.message);
    for (QTextLayout::FormatRange& range : line.styled.formats)
        range.start += static_cast<int>(prefix.size());
    QTextCharFormat prefixFormat;
    prefixFormat.setForeground(color.isValid() ? color : Theme::mutedTextColor());
    line.styled.formats.prepend({0, static_cast<int>(prefix.size()), prefixFormat});
    line.styled.text.prepend(prefix);
    if (!message.source.isEmpty()) {
        const QString where =
            u"  (%1:%2)"_s.arg(AnsiTextFormatter::stripped(message.source)).arg(message.line);
        QTextCharFormat muted;
        muted.setForeground(Theme::mutedTextColor());
        line.styled.formats.append(
            {static_cast<int>(line.styled.text.size()), static_cast<int>(where.size()), muted});
        line.styled.text.append(where);
    }
    appendLine({LogRow::Console}, std::move(line));
}

StepStatus BuildLogPanel::stepStatus(StepId step) const
{
    return m_timeline->status(step);
}

QString BuildLogPanel::plainText(std::optional<StepId> step) const
{
    return step ? m_stepLogs[index(*step)].plainText() : m_allLog.plainText();
}

void BuildLogPanel::selectStep(std::optional<StepId> step)
{
    m_userPickedRow = true;
    m_timeline->selectRow(step ? LogRowId::forStep(*step) : LogRowId{LogRow::All});
}

std::optional<StepId> BuildLogPanel::selectedStep() const
{
    const LogRowId row = m_timeline->currentRowId();
    return row.kind == LogRow::Step ? std::optional<StepId>(row.step) : std::nullopt;
}

LogBuffer& BuildLogPanel::bufferFor(LogRowId row)
{
    return const_cast<LogBuffer&>(std::as_const(*this).bufferFor(row));
}

const LogBuffer& BuildLogPanel::bufferFor(LogRowId row) const
{
    switch (row.kind) {
    case LogRow::All:
        return m_allLog;
    case LogRow::Step:
        return m_stepLogs[index(row.step)];
    case LogRow::Console:
        return m_consoleLog;
    case LogRow::Sync:
        return m_syncLog;
    case LogRow::Notices:
        return m_noticeLog;
    }
    return m_allLog;
}

void BuildLogPanel::appendLine(LogRowId row, LogLine line)
{
    appendToAll(row, line);
    LogBuffer& buffer = bufferFor(row);
    buffer.append(std::move(line));
    if (m_view->source() == &buffer || m_view->source() == &m_allLog) {
        m_view->sourceChanged();
        if (!m_bannerTimer.isActive())
            m_bannerTimer.start();
        if (m_findBar->isVisible() && !m_matchCountTimer.isActive())
            m_matchCountTimer.start();
    }
}

void BuildLogPanel::appendToAll(LogRowId row, const LogLine& line)
{
    if (row.kind == LogRow::Step) {
        if (m_lastStepInAll != row.step) {
            m_allLog.append(plainLine(u"▸ "_s + stepTitle(row.step), LogLine::Kind::Header));
            m_lastStepInAll = row.step;
        }
        m_allLog.append(line);
        return;
    }
    // Console messages and notices interleave with the step output, marked rather than headed.
    LogLine marked = line;
    if (row.kind == LogRow::Console || row.kind == LogRow::Sync) {
        const QString prefix = row.kind == LogRow::Console ? tr("console: ") : tr("sync: ");
        for (QTextLayout::FormatRange& range : marked.styled.formats)
            range.start += static_cast<int>(prefix.size());
        marked.styled.text.prepend(prefix);
    }
    m_allLog.append(std::move(marked));
}

void BuildLogPanel::onRowSelected(LogRowId row, bool byUser)
{
    if (byUser) {
        // Picking the running step itself keeps auto-selection going.
        m_userPickedRow = !(row.kind == LogRow::Step && m_runningStep == row.step);
    }
    m_rowTitle->setText(rowTitle(row));
    m_view->setSource(&bufferFor(row));
    updateFailureBox();
    updateDroppedBanner();
    if (m_findBar->isVisible()) {
        m_view->setHighlightTerm(m_findBar->term());
        refreshMatchCount();
    }
    Q_EMIT stepSelected(row.kind == LogRow::Step ? std::optional<StepId>(row.step) : std::nullopt);
}

void BuildLogPanel::updateFailureBox()
{
    const LogRowId row = m_timeline->currentRowId();
    const bool show =
        m_failure && (row.kind == LogRow::All || (row.kind == LogRow::Step && row.step == m_failure->step()));
    m_failureBox->setVisible(show);
}

void BuildLogPanel::updateDroppedBanner()
{
    const LogBuffer* buffer = m_view->source();
    if (!buffer || buffer->droppedCount() == 0) {
        m_droppedBanner->hide();
        return;
    }
    QString text = tr("%L1 earlier lines were dropped to keep memory bounded; the last %L2 are shown.")
                       .arg(buffer->droppedCount())
                       .arg(buffer->size());
    constexpr qsizetype ShownErrors = 3;
    const QStringList& errors = buffer->droppedErrors();
    if (!errors.isEmpty()) {
        text += u'\n' + tr("First errors among the dropped lines:");
        for (const QString& line : errors.first(std::min(ShownErrors, errors.size())))
            text += u"\n    "_s + line;
    }
    m_droppedBanner->setText(text);
    m_droppedBanner->setToolTip(errors.size() > ShownErrors ? errors.join(u'\n') : QString());
    QPalette banner = m_droppedBanner->palette();
    banner.setColor(QPalette::WindowText, Theme::warningColor());
    m_droppedBanner->setPalette(banner);
    m_droppedBanner->show();
}

void BuildLogPanel::openFind()
{
    const QString selected = m_view->textCursor().selectedText();
    m_findBar->open(selected);
}

void BuildLogPanel::findAgain(bool backward)
{
    if (!m_findBar->isVisible()) {
        openFind();
        return;
    }
    m_view->findNext(m_findBar->term(), backward);
    refreshMatchCount();
}

void BuildLogPanel::refreshMatchCount()
{
    const auto [total, current] = m_view->matchCount(m_findBar->term());
    m_findBar->setMatchCount(total, current);
}

void BuildLogPanel::copy()
{
    const QTextCursor selection = m_view->textCursor();
    QString text;
    if (selection.hasSelection()) {
        text = selection.selectedText();
        text.replace(QChar::ParagraphSeparator, u'\n');
        text.replace(QChar::LineSeparator, u'\n');
    } else {
        text = bufferFor(m_timeline->currentRowId()).plainText();
    }
    QApplication::clipboard()->setText(text);
}

bool BuildLogPanel::saveTo(const QString& path, QString* errorMessage) const
{
    const LogBuffer& buffer = bufferFor(m_timeline->currentRowId());
    QString text;
    if (buffer.droppedCount() > 0)
        text = tr("[%1 earlier lines were dropped]").arg(buffer.droppedCount()) + u'\n';
    text += buffer.plainText();
    if (!text.isEmpty())
        text += u'\n';

    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(text.toUtf8()) < 0 || !file.commit()) {
        if (errorMessage)
            *errorMessage = file.errorString();
        return false;
    }
    return true;
}

void BuildLogPanel::save()
{
    const LogRowId row = m_timeline->currentRowId();
    const QString baseName = row.kind == LogRow::Step      ? stepName(row.step)
                             : row.kind == LogRow::Console ? u"preview-console"_s
                             : row.kind == LogRow::Notices ? u"notices"_s
                             : row.kind == LogRow::Sync    ? u"sync"_s
                                                           : u"build-log"_s;
    const QString folder = QStandardPaths::writableLocation(QStandardPaths::DocumentsLocation);
    const QString path =
        QFileDialog::getSaveFileName(this, tr("Save Output"), folder + u'/' + baseName + u".log"_s,
                                     tr("Log files (*.log);;Text files (*.txt);;All files (*)"));
    if (path.isEmpty())
        return;
    QString error;
    if (!saveTo(path, &error)) {
        QMessageBox::warning(
            this, tr("Could not save the output"),
            tr("%1 could not be written: %2\nChoose another folder or file name.").arg(path, error));
    }
}

bool BuildLogPanel::jumpToFirstError()
{
    const auto hasErrors = [](const LogBuffer& buffer) {
        return buffer.firstKeptError() >= 0 || !buffer.droppedErrors().isEmpty();
    };
    LogRowId row = m_timeline->currentRowId();
    if (!hasErrors(bufferFor(row)) && m_failure) {
        m_userPickedRow = true;
        row = LogRowId::forStep(m_failure->step());
        m_timeline->selectRow(row);
    }
    const LogBuffer& buffer = bufferFor(row);
    const qint64 first = buffer.firstKeptError();
    if (!buffer.droppedErrors().isEmpty() || (first < 0 && m_failureBox->isVisible())) {
        // The first error is in the banner (dropped lines) or only in the failure box: show the top.
        m_view->verticalScrollBar()->setValue(0);
        return true;
    }
    if (first >= 0)
        return m_view->revealSequence(first);
    return false;
}

} // namespace forge::ui
