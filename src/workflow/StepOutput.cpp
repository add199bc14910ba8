#include "StepOutput.h"

namespace forge {

StepOutput::StepOutput(const SecretRedactor& redactor, LineHandler handler)
    : m_redactor(redactor)
    , m_handler(std::move(handler))
{}

void StepOutput::feed(OutputChannel channel, const QByteArray& bytes)
{
    auto& scanner = channel == OutputChannel::Stdout ? m_stdout : m_stderr;
    deliver(channel, scanner.feed(bytes));
}

void StepOutput::finish()
{
    deliver(OutputChannel::Stdout, m_stdout.finish());
    deliver(OutputChannel::Stderr, m_stderr.finish());
}

void StepOutput::deliver(OutputChannel channel, QList<ScannedLine> lines)
{
    for (ScannedLine& line : lines) {
        line.text = m_redactor.redact(line.text);
        m_tail.append(line.text);
        if (m_tail.size() > TailSize)
            m_tail.removeFirst();
        if (m_handler)
            m_handler(channel, line);
    }
}

} // namespace forge
