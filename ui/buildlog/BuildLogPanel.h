#pragma once

#include "AnsiTextFormatter.h"
#include "LogBuffer.h"
#include "StepTimeline.h"
#include "sandbox/SandboxProvider.h"
#include "ui/common/ConsoleMessage.h"
#include "workflow/WorkflowTypes.h"

#include <QPointer>
#include <QTimer>
#include <QWidget>
#include <array>
#include <functional>
#include <optional>
#include <vector>

class QAction;
class QLabel;

namespace forge {
class ProjectSession;
class RunStore;
struct LogRecord;
struct RunRecord;
struct StepRecord;
} // namespace forge

namespace forge::ui {

class FailureBox;
class FindBar;
class LogTextView;

// The build log: a preview run as a timeline of the seven workflow steps (status, duration,
// attempt) next to the selected row's own output, rendered from ANSI colours as plain text. Also
// shows the previewed page's console and the app's notices, a failure box when a step fails, and
// offers find, copy, save and "jump to first error".
//
// Output is kept per row, bounded (StepLineLimit lines per step; the first error lines survive),
// and drawn in time-boxed batches, so a step printing hundreds of thousands of lines neither
// freezes the window nor grows memory without end.
class BuildLogPanel final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(BuildLogPanel)
public:
    static constexpr qsizetype StepLineLimit = 50'000;
    static constexpr qsizetype AllOutputLineLimit = 100'000;
    static constexpr qsizetype ConsoleLineLimit = 20'000;
    static constexpr qsizetype NoticeLineLimit = 2'000;
    static constexpr qsizetype SyncLineLimit = 5'000;
    // Paths listed per sync batch; a bigger batch (a branch switch) says how many more there were.
    static constexpr qsizetype SyncPathsListed = 100;

    explicit BuildLogPanel(QWidget* parent = nullptr);
    ~BuildLogPanel() override;

    // How a failure is shown: the session's own, or with advice only the window knows about.
    using FailureExplainer = std::function<forge::StepFailure(const forge::StepFailure&)>;
    // Shows every run of `session` from now on: each run starts a fresh log, steps, output, retries,
    // notices, restores and the failure (through `explain` when given). A session made for the
    // same project later (another back end) is attached the same way; the old one is let go.
    void attach(forge::ProjectSession* session, const FailureExplainer& explain = {});
    // Shows a run kept in `runs` as it ended (after a restart of the app): its steps with their
    // output, durations and results, its failure, and a note saying when it ran.
    void replay(const forge::RunStore& runs, const forge::RunRecord& run);

    // A new run: every step pending, output cleared.
    void reset();
    void stepStarted(forge::StepId step, int attempt);
    // `line` may contain ANSI SGR sequences; `isError` marks a line the scanner found to be an error.
    void appendOutput(forge::StepId step, forge::OutputChannel channel, const QString& line, bool isError);
    void stepRetrying(forge::StepId step, int nextAttempt, qint64 delayMs, const QString& reason);
    void stepFinished(forge::StepId step, forge::StepStatus status, qint64 durationMs,
                      const QString& summary);
    void showFailure(const forge::StepFailure& failure);
    // The run was stopped by the user: a step still running shows as stopped.
    void runStopped();
    // App notes ("Running without isolation…").
    void appendNotice(const QString& message);
    void appendConsoleMessage(const forge::ui::ConsoleMessage& message);
    // The Sync row: a working copy's watching began, or a batch of saved files (written: new or
    // changed; removed) reached the sandbox.
    void appendSyncStarted();
    void appendSyncBatch(const QStringList& written, const QStringList& removed);

    forge::StepStatus stepStatus(forge::StepId step) const;
    // The kept output without escape codes; every row with step headers when nullopt.
    QString plainText(std::optional<forge::StepId> step = std::nullopt) const;

    // Shows a step's output (nullopt: all output), as if the user had picked that row.
    void selectStep(std::optional<forge::StepId> step);
    std::optional<forge::StepId> selectedStep() const;

    // Writes the selected row's output (no escape codes) to `path` atomically.
    bool saveTo(const QString& path, QString* errorMessage = nullptr) const;
    // Selects and scrolls to the first error line (switching to the failed step when the selected
    // row has none); false when there is no error to go to.
    bool jumpToFirstError();

    QAction* findAction() const { return m_findAction; }
    QAction* findNextAction() const { return m_findNextAction; }
    QAction* findPreviousAction() const { return m_findPreviousAction; }
    QAction* copyAction() const { return m_copyAction; }
    QAction* saveAction() const { return m_saveAction; }
    QAction* jumpToFirstErrorAction() const { return m_jumpAction; }

Q_SIGNALS:
    void stepSelected(std::optional<forge::StepId> step);

private:
    static size_t index(forge::StepId step) { return static_cast<size_t>(step); }
    LogBuffer& bufferFor(LogRowId row);
    const LogBuffer& bufferFor(LogRowId row) const;
    void appendLine(LogRowId row, LogLine line);
    void appendToAll(LogRowId row, const LogLine& line);
    void onRowSelected(LogRowId row, bool byUser);
    void updateFailureBox();
    void updateDroppedBanner();
    void createActions();
    void createLayout();
    void connectFindBar();
    void replayStep(const forge::StepRecord& record, const QList<forge::LogRecord>& lines);
    void openFind();
    void findAgain(bool backward);
    void refreshMatchCount();
    void copy();
    void save();

    std::vector<LogBuffer> m_stepLogs;
    LogBuffer m_allLog{AllOutputLineLimit};
    LogBuffer m_consoleLog{ConsoleLineLimit};
    LogBuffer m_syncLog{SyncLineLimit};
    LogBuffer m_noticeLog{NoticeLineLimit};
    // One formatter per stream: SGR state carries over between lines of the same stream only.
    std::array<AnsiTextFormatter, 14> m_formatters;
    AnsiTextFormatter m_consoleFormatter;
    std::optional<forge::StepId> m_lastStepInAll;
    std::optional<forge::StepId> m_runningStep;
    std::optional<forge::StepFailure> m_failure;
    bool m_userPickedRow = false;
    int m_consoleCount = 0;
    int m_noticeCount = 0;
    int m_syncCount = 0;

    StepTimeline* m_timeline;
    QLabel* m_rowTitle;
    FailureBox* m_failureBox;
    QLabel* m_droppedBanner;
    LogTextView* m_view;
    FindBar* m_findBar;
    QTimer m_bannerTimer;
    QTimer m_matchCountTimer;

    QAction* m_findAction = nullptr;
    QAction* m_findNextAction = nullptr;
    QAction* m_findPreviousAction = nullptr;
    QAction* m_copyAction = nullptr;
    QAction* m_saveAction = nullptr;
    QAction* m_jumpAction = nullptr;
    QPointer<forge::ProjectSession> m_session;
};

} // namespace forge::ui
