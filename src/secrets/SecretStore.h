#pragma once

#include "secrets/SecretKey.h"
#include "secrets/SecretResult.h"

#include <QCoro/QCoroTask>
#include <QObject>
#include <QString>
#include <chrono>
#include <optional>

namespace forge {

// The app's one way to keep tokens and API keys: the platform keychain through QtKeychain (macOS
// Keychain, Windows Credential Manager, the Secret Service on Linux). Every operation is an
// asynchronous task with its own timeout, so a hanging keyring never blocks the app, and ends in a
// SecretResult whose message says what to do (no keychain service, locked or refused, no answer).
// Secrets never appear in messages or debug output.
//
// Nothing is ever written in plain text unless the caller opts in with enablePlainTextFallback();
// then, and only while no keychain service is running, secrets go to a file readable by the user
// alone and isUsingPlainTextFallback() turns true so the UI can show a visible warning.
//
// A task still waiting when its store is destroyed ends without touching the plain-text file.
class SecretStore final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SecretStore)

public:
    static constexpr std::chrono::milliseconds DefaultTimeout{3000};

    explicit SecretStore(QObject* parent = nullptr);

    std::chrono::milliseconds timeout() const { return m_timeout; }
    void setTimeout(std::chrono::milliseconds timeout) { m_timeout = timeout; }

    // The user explicitly asked for it: when no keychain service runs, keep secrets in
    // `directory`/secrets.json (mode 0600) instead of failing.
    void enablePlainTextFallback(const QString& directory);
    void disablePlainTextFallback();
    bool isPlainTextFallbackEnabled() const { return m_fallbackDirectory.has_value(); }
    // True once a secret was read from or written to the plain-text file: show a warning.
    bool isUsingPlainTextFallback() const { return m_usingFallback; }

    QCoro::Task<SecretResult> read(SecretKey key);
    QCoro::Task<SecretResult> write(SecretKey key, QString secret);
    QCoro::Task<SecretResult> remove(SecretKey key);

    enum class Operation { Read, Write, Remove };
    // How a QtKeychain error (QKeychain::Error as int) becomes a result; public for the unit tests.
    static SecretResult mapError(Operation operation, int keychainError, const QString& errorString,
                                 const SecretKey& key);

signals:
    // Emitted the first time a secret goes to or comes from the plain-text file.
    void plainTextFallbackActivated();

private:
    QCoro::Task<SecretResult> run(Operation operation, SecretKey key, QString secret);
    SecretResult runFallback(Operation operation, const SecretKey& key, const QString& secret);

    std::chrono::milliseconds m_timeout = DefaultTimeout;
    std::optional<QString> m_fallbackDirectory;
    bool m_usingFallback = false;
};

} // namespace forge
