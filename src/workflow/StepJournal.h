#pragma once

#include "WorkflowTypes.h"

#include <QDateTime>
#include <QHash>
#include <QJsonObject>
#include <optional>

namespace forge {

struct StepEntry
{
    StepId step = StepId::CreateSandbox;
    StepStatus status = StepStatus::Pending;
    int attempt = 0;
    QDateTime startedAt;
    QDateTime finishedAt;
    QJsonObject result; // what later steps (and a resumed run) need from this one
    QString error;      // redacted message of the last failure
};

// Where the workflow records each step before and after it runs. A step whose entry says
// Succeeded or Skipped is never run again: its result is read back. This is the in-memory journal;
// a durable SQLite one implements the same interface.
class StepJournal
{
public:
    virtual ~StepJournal() = default;

    virtual void recordStarted(StepId step, int attempt) = 0;
    virtual void recordFinished(StepId step, StepStatus status, const QJsonObject& result,
                                const QString& error) = 0;
    virtual std::optional<StepEntry> entry(StepId step) const = 0;
    // Forgets `step` and every step after it, so they run again (e.g. restarting the dev server).
    virtual void resetFrom(StepId step) = 0;
};

class InMemoryStepJournal final : public StepJournal
{
public:
    void recordStarted(StepId step, int attempt) override;
    void recordFinished(StepId step, StepStatus status, const QJsonObject& result,
                        const QString& error) override;
    std::optional<StepEntry> entry(StepId step) const override;
    void resetFrom(StepId step) override;

private:
    QHash<int, StepEntry> m_entries;
};

} // namespace forge
