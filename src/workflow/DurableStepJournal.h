#pragma once

#include "StepJournal.h"

namespace forge {

class RunStore;

// The step journal of one run, kept in SQLite through RunStore: every record is on disk before
// the step goes on (synchronous=FULL), so a run whose process was killed resumes at the step that
// was running, and the steps before it are read back instead of run again.
class DurableStepJournal final : public StepJournal
{
    Q_DISABLE_COPY_MOVE(DurableStepJournal)
public:
    DurableStepJournal(RunStore& store, qint64 runId);

    qint64 runId() const { return m_runId; }

    void recordStarted(StepId step, int attempt) override;
    void recordFinished(StepId step, StepStatus status, const QJsonObject& result,
                        const QString& error) override;
    std::optional<StepEntry> entry(StepId step) const override;
    void resetFrom(StepId step) override;

private:
    RunStore& m_store;
    qint64 m_runId;
};

} // namespace forge
