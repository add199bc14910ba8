#pragma once

#include <QByteArrayList>
#include <QObject>
#include <QStringList>
#include <QTimer>

namespace forge::test {

// Looks for secrets where they must never be: every process's command line (sampled while
// something runs, since a short-lived git can come and go between two looks) and every file under
// a folder (.git/config, logs, the project list, settings). A sample can miss a process that lives
// for less than the interval; the unit tests of the argument builders cover the arguments as such.
class SecretLeakScanner : public QObject
{
public:
    // `secrets`: each in every form it could leak in (plain, base64 of "user:token", …).
    explicit SecretLeakScanner(QByteArrayList secrets, QObject* parent = nullptr);

    // Samples /proc/*/cmdline every couple of milliseconds until stop().
    void startSamplingCommandLines();
    void stop();
    // "pid 123: git clone …" for each process seen with a secret in its argv (the secret masked).
    QStringList commandLineLeaks() const { return m_commandLineLeaks; }
    int samplesTaken() const { return m_samples; }

    // Files under `root` (recursively, symlinks not followed) whose content holds a secret.
    QStringList filesContainingSecrets(const QString& root) const;
    // True when `text` holds any of the secrets.
    bool contains(const QByteArray& text) const;

    // The forms a token takes on the wire for git over HTTP: itself, and base64 of
    // "x-access-token:<token>" as in an Authorization: Basic header.
    static QByteArrayList formsOf(const QString& token);

private:
    void sample();

    QByteArrayList m_secrets;
    QTimer m_timer;
    QStringList m_commandLineLeaks;
    int m_samples = 0;
};

} // namespace forge::test
