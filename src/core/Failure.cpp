#include "Failure.h"

namespace forge {

Failure::Failure(FailureKind kind, QString message, QString advice, QStringList lastLines)
    : m_kind(kind)
    , m_message(std::move(message))
    , m_advice(std::move(advice))
    , m_lastLines(std::move(lastLines))
    , m_what(m_message.toUtf8())
{}

Failure Failure::permanent(QString message, QString advice, QStringList lastLines)
{
    return Failure(FailureKind::Permanent, std::move(message), std::move(advice), std::move(lastLines));
}

Failure Failure::transient(QString message, QString advice, QStringList lastLines)
{
    return Failure(FailureKind::Transient, std::move(message), std::move(advice), std::move(lastLines));
}

Failure Failure::cancelled(QString message)
{
    return Failure(FailureKind::Cancelled,
                   message.isEmpty() ? QStringLiteral("Cancelled.") : std::move(message));
}

Failure& Failure::withRetryAfter(int seconds)
{
    m_retryAfterSeconds = seconds;
    return *this;
}

const char* Failure::what() const noexcept
{
    return m_what.constData();
}

} // namespace forge
