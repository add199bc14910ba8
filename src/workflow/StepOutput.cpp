#include "StepOutput.h"

using namespace Qt::StringLiterals;

namespace forge {

QStringList StepOutput::evidence() const
{
    // While the whole output still fits in the tail, the first errors are already in it.
    if (m_firstErrors.isEmpty() || m_linesSeen <= TailSize)
        return m_tail;
    return m_firstErrors + QStringList{u"…"_s} + m_tail;
}

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
        const QString redacted = m_redactor.redact(line.text);
        // Colour codes could split a secret so that the styled text escapes redaction: when the
        // plain text held one, the line loses its colours.
        line.styledText = redacted == line.text ? m_redactor.redact(line.styledText) : redacted;
        line.text = redacted;
        if (m_firstErrors.size() < FirstErrorsSize &&
            (line.hint == ScannedLine::Hint::Error || line.text.contains(u"error"_s, Qt::CaseInsensitive)))
            m_firstErrors.append(line.text);
        ++m_linesSeen;
        m_tail.append(line.text);
        if (m_tail.size() > TailSize)
            m_tail.removeFirst();
        if (m_handler)
            m_handler(channel, line);
    }
}

} // namespace forge
