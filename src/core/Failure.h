#pragma once

#include <QString>
#include <QStringList>
#include <exception>

namespace forge {

// What the user can do about a failure decides how the workflow treats it: a transient failure is
// retried with backoff, a permanent one fails its step at once, a cancelled one ends the run quietly.
enum class FailureKind { Transient, Permanent, Cancelled };

// The one error type that crosses layers. Thrown from coroutines (QCoro propagates it through
// co_await) so a multi-step flow reads top to bottom; every instance carries a sentence for the user
// saying what went wrong and one saying what to do next.
class Failure : public std::exception
{
public:
    Failure(FailureKind kind, QString message, QString advice = {}, QStringList lastLines = {});

    static Failure permanent(QString message, QString advice = {}, QStringList lastLines = {});
    static Failure transient(QString message, QString advice = {}, QStringList lastLines = {});
    static Failure cancelled(QString message = {});

    FailureKind kind() const { return m_kind; }
    bool isTransient() const { return m_kind == FailureKind::Transient; }
    bool isCancelled() const { return m_kind == FailureKind::Cancelled; }
    const QString& message() const { return m_message; }
    const QString& advice() const { return m_advice; }
    // The tail of the output of the command that failed, already redacted by whoever captured it.
    const QStringList& lastLines() const { return m_lastLines; }

    // Seconds the server asked us to wait before retrying (Retry-After); negative when none.
    int retryAfterSeconds() const { return m_retryAfterSeconds; }
    Failure& withRetryAfter(int seconds);

    const char* what() const noexcept override;

private:
    FailureKind m_kind;
    QString m_message;
    QString m_advice;
    QStringList m_lastLines;
    int m_retryAfterSeconds = -1;
    QByteArray m_what;
};

} // namespace forge
