#pragma once

#include <QDebug>
#include <QString>

namespace forge {

// The outcome of one SecretStore operation. The secret itself is only reachable through secret();
// message() and the debug output never contain it.
class SecretResult final
{
public:
    enum class Status {
        Found,        // read: the secret is there
        NotFound,     // read: nothing stored (signed out)
        Done,         // write / remove succeeded (removing a missing entry counts as done)
        NoService,    // no keychain service is running
        AccessDenied, // the keychain is locked or the user refused access
        TimedOut,     // the keychain did not answer in time
        Failed,       // anything else, with the keychain's own text
    };

    static SecretResult found(QString secret);
    static SecretResult notFound();
    static SecretResult done();
    static SecretResult failure(Status status, QString message);

    Status status() const { return m_status; }
    bool ok() const
    {
        return m_status == Status::Found || m_status == Status::NotFound || m_status == Status::Done;
    }
    bool isFound() const { return m_status == Status::Found; }
    const QString& secret() const { return m_secret; }
    // What went wrong and what to do; empty when ok().
    const QString& message() const { return m_message; }

private:
    Status m_status = Status::NotFound;
    QString m_secret;
    QString m_message;
};

QDebug operator<<(QDebug debug, const SecretResult& result);

} // namespace forge
