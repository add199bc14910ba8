#include "RunRecorder.h"

#include "DurableStepJournal.h"
#include "store/RunStore.h"

namespace forge {

RunRecorder::RunRecorder(RunStore* store, const QString& projectId, Mode mode)
    : m_store(store)
{
    if (m_store) {
        const auto latest = m_store->latestRun(projectId);
        if (const auto unfinished = m_store->unfinishedRun(projectId)) {
            m_runId = unfinished->id;
            m_resuming = true;
        } else if (mode == Mode::ReopenLatest && latest && latest->status == u"succeeded") {
            m_runId = latest->id;
            m_resuming = true;
            m_store->reopenRun(m_runId);
        } else {
            m_runId = m_store->startRun(projectId);
        }
        if (m_runId == 0)
            m_store = nullptr; // the project is not in the database: remembered nowhere
    }
    if (m_store)
        m_journal = std::make_unique<DurableStepJournal>(*m_store, m_runId);
    else
        m_journal = std::make_unique<InMemoryStepJournal>();
}

RunRecorder::~RunRecorder()
{
    if (m_store)
        m_store->flush();
}

void RunRecorder::appendLog(StepId step, OutputChannel channel, const QString& line, const QString& styled,
                            bool isError)
{
    if (!m_store)
        return;
    LogRecord record;
    record.step = stepName(step);
    record.channel = static_cast<int>(channel);
    record.text = line;
    record.styled = styled;
    record.isError = isError;
    record.at = QDateTime::currentDateTimeUtc();
    m_store->appendLog(m_runId, record);
}

void RunRecorder::finish(const QString& status, const std::optional<StepFailure>& failure)
{
    if (!m_store || m_finished)
        return;
    m_finished = true;
    m_store->finishRun(m_runId, status, failure ? stepName(failure->step()) : QString(),
                       failure ? failure->message() : QString());
    m_store->flush();
}

} // namespace forge
