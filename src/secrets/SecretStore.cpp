#include "secrets/SecretStore.h"

#include "core/SecretRedactor.h"
#include "secrets/PlainTextSecretFile.h"

#include <QCoroSignal>
#include <QPointer>
#include <QTimer>
#include <memory>
#include <qt6keychain/keychain.h>

using namespace Qt::StringLiterals;

namespace forge {

namespace {

// Wakes the waiting coroutine once: when the job finishes or when the timeout fires.
class JobWaiter : public QObject
{
    Q_OBJECT

signals:
    void done();
};

struct JobOutcome
{
    bool finished = false;
    int error = QKeychain::NoError;
    QString errorString;
    QString text;
};

QString verb(SecretStore::Operation operation)
{
    switch (operation) {
    case SecretStore::Operation::Read:
        return u"read"_s;
    case SecretStore::Operation::Write:
        return u"store"_s;
    case SecretStore::Operation::Remove:
        return u"remove"_s;
    }
    return u"use"_s;
}

bool meansNoService(const QString& errorString)
{
    static const QStringList hints = {
        u"org.freedesktop.secrets"_s,  u"not provided by any"_s, u"ServiceUnknown"_s, u"autolaunch"_s,
        u"DBUS_SESSION_BUS_ADDRESS"_s, u"Could not connect"_s,
    };
    for (const QString& hint : hints) {
        if (errorString.contains(hint, Qt::CaseInsensitive))
            return true;
    }
    return false;
}

} // namespace

SecretStore::SecretStore(QObject* parent)
    : QObject(parent)
{}

void SecretStore::enablePlainTextFallback(const QString& directory)
{
    m_fallbackDirectory = directory;
}

void SecretStore::disablePlainTextFallback()
{
    m_fallbackDirectory.reset();
    m_usingFallback = false;
}

SecretResult SecretStore::mapError(Operation operation, int keychainError, const QString& errorString,
                                   const SecretKey& key)
{
    using Status = SecretResult::Status;
    switch (keychainError) {
    case QKeychain::NoError:
        return SecretResult::done();
    case QKeychain::EntryNotFound:
        return operation == Operation::Read ? SecretResult::notFound() : SecretResult::done();
    case QKeychain::NoBackendAvailable:
        break;
    case QKeychain::AccessDenied:
    case QKeychain::AccessDeniedByUser:
        return SecretResult::failure(
            Status::AccessDenied,
            u"The keychain is locked or access to it was refused, so Forge Preview could not %1 %2. "
            "Unlock the keychain (or allow Forge Preview when asked) and try again."_s.arg(verb(operation),
                                                                                           key.describe()));
    default:
        if (!meansNoService(errorString)) {
            return SecretResult::failure(Status::Failed, u"The keychain could not %1 %2: %3"_s.arg(
                                                             verb(operation), key.describe(), errorString));
        }
        break;
    }
    return SecretResult::failure(
        Status::NoService,
        u"No keychain service is running: install and unlock GNOME Keyring or KWallet (or another "
        "Secret Service), then try again. Forge Preview could not %1 %2 and does not keep secrets in "
        "plain text unless you turn that on in Settings."_s.arg(verb(operation), key.describe()));
}

QCoro::Task<SecretResult> SecretStore::read(SecretKey key)
{
    return run(Operation::Read, std::move(key), {});
}

QCoro::Task<SecretResult> SecretStore::write(SecretKey key, QString secret)
{
    return run(Operation::Write, std::move(key), std::move(secret));
}

QCoro::Task<SecretResult> SecretStore::remove(SecretKey key)
{
    return run(Operation::Remove, std::move(key), {});
}

QCoro::Task<SecretResult> SecretStore::run(Operation operation, SecretKey key, QString secret)
{
    const QString service = QString::fromLatin1(SecretKey::Service);
    QKeychain::Job* job = nullptr;
    QKeychain::ReadPasswordJob* readJob = nullptr;
    switch (operation) {
    case Operation::Read:
        readJob = new QKeychain::ReadPasswordJob(service);
        job = readJob;
        break;
    case Operation::Write: {
        auto* writeJob = new QKeychain::WritePasswordJob(service);
        writeJob->setTextData(secret);
        job = writeJob;
        break;
    }
    case Operation::Remove:
        job = new QKeychain::DeletePasswordJob(service);
        break;
    }
    job->setKey(key.toKeychainKey());
    job->setInsecureFallback(false); // never QtKeychain's own unencrypted storage
    // No parent: a job still running when we give up (or when the store goes away) stays alive for
    // the keychain's late answer, then deletes itself.
    job->setAutoDelete(true);

    auto outcome = std::make_shared<JobOutcome>();
    auto waiter = std::make_unique<JobWaiter>();
    JobWaiter* const waiterPtr = waiter.get();
    auto onFinished = [outcome, readJob, waiterPtr](QKeychain::Job* finishedJob) {
        outcome->finished = true;
        outcome->error = finishedJob->error();
        outcome->errorString = finishedJob->errorString();
        if (readJob && finishedJob->error() == QKeychain::NoError)
            outcome->text = readJob->textData();
        emit waiterPtr->done();
    };
    connect(job, &QKeychain::Job::finished, waiterPtr, onFinished);
    auto onTimeout = [waiterPtr] { emit waiterPtr->done(); };
    QTimer::singleShot(m_timeout, waiterPtr, onTimeout);
    auto signalled = qCoro(waiterPtr, &JobWaiter::done);
    const std::chrono::milliseconds timeout = m_timeout;
    const QPointer<SecretStore> self(this);
    job->start();
    co_await signalled;

    SecretResult result;
    if (!outcome->finished) {
        const auto seconds = QString::number(static_cast<double>(timeout.count()) / 1000.0);
        result = SecretResult::failure(
            SecretResult::Status::TimedOut,
            u"The keychain did not answer within %1 s, so Forge Preview could not %2 %3. If it is asking "
            "for a password, unlock it; otherwise check that GNOME Keyring or KWallet is working, then "
            "try again."_s.arg(seconds, verb(operation), key.describe()));
    } else if (outcome->error == QKeychain::NoError && operation == Operation::Read) {
        result = SecretResult::found(outcome->text);
    } else {
        SecretRedactor redactor;
        redactor.addSecret(secret);
        result = mapError(operation, outcome->error, redactor.redact(outcome->errorString), key);
    }

    if (self && result.status() == SecretResult::Status::NoService && m_fallbackDirectory)
        result = runFallback(operation, key, secret);
    co_return result;
}

SecretResult SecretStore::runFallback(Operation operation, const SecretKey& key, const QString& secret)
{
    const PlainTextSecretFile file(*m_fallbackDirectory);
    SecretResult result;
    switch (operation) {
    case Operation::Read:
        result = file.read(key);
        break;
    case Operation::Write:
        result = file.write(key, secret);
        break;
    case Operation::Remove:
        result = file.remove(key);
        break;
    }
    if (result.ok() && !m_usingFallback) {
        m_usingFallback = true;
        emit plainTextFallbackActivated();
    }
    return result;
}

} // namespace forge

#include "SecretStore.moc"
