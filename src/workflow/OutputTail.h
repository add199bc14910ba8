#pragma once

#include "sandbox/SandboxProvider.h"

#include <QString>
#include <memory>

namespace forge {

// The last lines a command printed, for the message that says it failed; passed on to `next`.
class OutputTail final
{
public:
    explicit OutputTail(OutputSink next = {})
        : m_text(std::make_shared<QString>())
        , m_next(std::move(next))
    {}
    OutputSink sink() const
    {
        return [text = m_text, next = m_next](OutputChannel channel, const QByteArray& bytes) {
            *text += QString::fromUtf8(bytes);
            if (text->size() > 4000)
                *text = text->right(4000);
            if (next)
                next(channel, bytes);
        };
    }
    QString lastLines() const { return m_text->trimmed().split(u'\n').mid(-3).join(u' ').trimmed(); }

private:
    std::shared_ptr<QString> m_text;
    OutputSink m_next;
};

} // namespace forge
