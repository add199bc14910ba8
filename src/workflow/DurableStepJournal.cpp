#include "DurableStepJournal.h"

#include "store/RunStore.h"

namespace forge {

DurableStepJournal::DurableStepJournal(RunStore& store, qint64 runId)
    : m_store(store)
    , m_runId(runId)
{}

void DurableStepJournal::recordStarted(StepId step, int attempt)
{
    m_store.recordStepStarted(m_runId, stepName(step), attempt);
}

void DurableStepJournal::recordFinished(StepId step, StepStatus status, const QJsonObject& result,
                                        const QString& error)
{
    m_store.recordStepFinished(m_runId, stepName(step), toString(status), result, error);
}

std::optional<StepEntry> DurableStepJournal::entry(StepId step) const
{
    const std::optional<StepRecord> record = m_store.step(m_runId, stepName(step));
    if (!record)
        return std::nullopt;
    StepEntry entry;
    entry.step = step;
    // An unknown status (a newer version's) reads as pending: the step simply runs again.
    entry.status = stepStatusFromString(record->status).value_or(StepStatus::Pending);
    entry.attempt = record->attempt;
    entry.startedAt = record->startedAt;
    entry.finishedAt = record->finishedAt;
    entry.result = record->result;
    entry.error = record->error;
    return entry;
}

void DurableStepJournal::resetFrom(StepId step)
{
    QStringList names;
    bool from = false;
    for (StepId candidate : AllSteps) {
        from = from || candidate == step;
        if (from)
            names.append(stepName(candidate));
    }
    m_store.forgetSteps(m_runId, names);
}

} // namespace forge
