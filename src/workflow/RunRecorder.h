#pragma once

#include "StepJournal.h"
#include "WorkflowTypes.h"
#include "sandbox/SandboxProvider.h"

#include <QString>
#include <memory>
#include <optional>

namespace forge {

class RunStore;

// One run of a project as the database remembers it: the run row, its step journal and its log.
// When the project's previous run was cut off (the process was killed before the run ended), this
// run continues it: its journal already holds the finished steps, which the workflow reads back
// instead of running again. Without a store the run is remembered nowhere (an in-memory journal).
class RunRecorder final
{
public:
    enum class Mode {
        NewOrResume,  // continue an interrupted run, else start a new one
        ReopenLatest, // take up the latest run again (its preview is to come back: see ProjectSession)
    };

    RunRecorder(RunStore* store, const QString& projectId, Mode mode = Mode::NewOrResume);
    ~RunRecorder();
    RunRecorder(const RunRecorder&) = delete;
    RunRecorder& operator=(const RunRecorder&) = delete;

    StepJournal& journal() { return *m_journal; }
    bool isDurable() const { return m_store != nullptr; }
    // True when this run continues one that was interrupted.
    bool isResuming() const { return m_resuming; }
    qint64 runId() const { return m_runId; }

    void appendLog(StepId step, OutputChannel channel, const QString& line, const QString& styled = {},
                   bool isError = false);
    // "succeeded" once the preview is ready, "failed" with the failure, "cancelled" when stopped.
    // A run never finished stays "running", so the next start continues it.
    void finish(const QString& status, const std::optional<StepFailure>& failure = std::nullopt);

private:
    RunStore* m_store = nullptr;
    std::unique_ptr<StepJournal> m_journal;
    qint64 m_runId = 0;
    bool m_resuming = false;
    bool m_finished = false;
};

} // namespace forge
