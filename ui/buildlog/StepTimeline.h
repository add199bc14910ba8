#pragma once

#include "workflow/WorkflowTypes.h"

#include <QElapsedTimer>
#include <QTimer>
#include <QTreeWidget>
#include <array>

namespace forge::ui {

// The rows of the build log: "All output" on top, the seven workflow steps, then the previewed
// page's console, what a working copy's sync sent (shown once there is something) and the app's
// notices.
enum class LogRow { All, Step, Console, Sync, Notices };

struct LogRowId
{
    LogRow kind = LogRow::All;
    forge::StepId step = forge::StepId::CreateSandbox; // meaningful for LogRow::Step only

    static LogRowId forStep(forge::StepId id) { return {LogRow::Step, id}; }
    bool operator==(const LogRowId& other) const
    {
        return kind == other.kind && (kind != LogRow::Step || step == other.step);
    }
};

// The run as a timeline: one row per step with its status icon, attempt, summary and duration
// (ticking while the step runs), plus the extra rows. Selection is reported separately for the
// user's picks, so the panel can stop auto-selecting once the user chose a row.
class StepTimeline final : public QTreeWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(StepTimeline)
public:
    // Item data (column 0) naming the status icon shown ("status-running", …), for tests and
    // accessibility.
    static constexpr int IconNameRole = Qt::UserRole + 1;

    explicit StepTimeline(QWidget* parent = nullptr);

    void reset();
    void setStepRunning(forge::StepId step, int attempt);
    void setStepRetrying(forge::StepId step, int nextAttempt, qint64 delayMs);
    void setStepFinished(forge::StepId step, forge::StepStatus status, qint64 durationMs,
                         const QString& summary);
    // The run was stopped: a step still running shows as stopped.
    void setRunStopped();
    void setCount(LogRow row, int count);

    forge::StepStatus status(forge::StepId step) const { return m_steps[index(step)].status; }
    QTreeWidgetItem* item(LogRowId row) const;
    LogRowId currentRowId() const;
    // Selects a row without it counting as the user's choice.
    void selectRow(LogRowId row);

    static QString formatDuration(qint64 ms);

Q_SIGNALS:
    void rowSelected(forge::ui::LogRowId row, bool byUser);

protected:
    void changeEvent(QEvent* event) override;

private:
    struct StepState
    {
        forge::StepStatus status = forge::StepStatus::Pending;
        QString iconName = QStringLiteral("status-pending");
        int attempt = 1;
        QElapsedTimer clock; // valid while running
        qint64 durationMs = -1;
    };

    static size_t index(forge::StepId step) { return static_cast<size_t>(step); }
    void setIcon(QTreeWidgetItem* item, const QString& name);
    void refreshStep(forge::StepId step);
    void refreshIcons();
    void tick();

    QTreeWidgetItem* m_allItem = nullptr;
    std::array<QTreeWidgetItem*, 7> m_stepItems{};
    QTreeWidgetItem* m_consoleItem = nullptr;
    QTreeWidgetItem* m_syncItem = nullptr;
    QTreeWidgetItem* m_noticesItem = nullptr;
    std::array<StepState, 7> m_steps;
    QElapsedTimer m_runClock;
    QTimer m_ticker;
    bool m_selectingProgrammatically = false;
};

} // namespace forge::ui

Q_DECLARE_METATYPE(forge::ui::LogRowId)
