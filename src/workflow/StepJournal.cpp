#include "StepJournal.h"

namespace forge {

void InMemoryStepJournal::recordStarted(StepId step, int attempt)
{
    StepEntry& entry = m_entries[static_cast<int>(step)];
    entry.step = step;
    entry.status = StepStatus::Running;
    entry.attempt = attempt;
    entry.startedAt = QDateTime::currentDateTimeUtc();
    entry.finishedAt = {};
    entry.result = {};
    entry.error.clear();
}

void InMemoryStepJournal::recordFinished(StepId step, StepStatus status, const QJsonObject& result,
                                         const QString& error)
{
    StepEntry& entry = m_entries[static_cast<int>(step)];
    entry.step = step;
    entry.status = status;
    entry.finishedAt = QDateTime::currentDateTimeUtc();
    entry.result = result;
    entry.error = error;
}

std::optional<StepEntry> InMemoryStepJournal::entry(StepId step) const
{
    const auto it = m_entries.constFind(static_cast<int>(step));
    if (it == m_entries.cend())
        return std::nullopt;
    return *it;
}

void InMemoryStepJournal::resetFrom(StepId step)
{
    for (StepId each : AllSteps) {
        if (each >= step)
            m_entries.remove(static_cast<int>(each));
    }
}

} // namespace forge
