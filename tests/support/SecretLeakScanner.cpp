#include "SecretLeakScanner.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>

using namespace Qt::StringLiterals;

namespace forge::test {

SecretLeakScanner::SecretLeakScanner(QByteArrayList secrets, QObject* parent)
    : QObject(parent)
    , m_secrets(std::move(secrets))
{
    m_timer.setInterval(2);
    connect(&m_timer, &QTimer::timeout, this, &SecretLeakScanner::sample);
}

QByteArrayList SecretLeakScanner::formsOf(const QString& token)
{
    return {token.toUtf8(), QByteArray("x-access-token:" + token.toUtf8()).toBase64()};
}

bool SecretLeakScanner::contains(const QByteArray& text) const
{
    for (const QByteArray& secret : m_secrets) {
        if (!secret.isEmpty() && text.contains(secret))
            return true;
    }
    return false;
}

void SecretLeakScanner::startSamplingCommandLines()
{
    sample();
    m_timer.start();
}

void SecretLeakScanner::stop()
{
    m_timer.stop();
}

void SecretLeakScanner::sample()
{
    ++m_samples;
    const QStringList pids = QDir(u"/proc"_s).entryList(QDir::Dirs | QDir::NoDotAndDotDot);
    for (const QString& pid : pids) {
        QFile cmdline(u"/proc/"_s + pid + u"/cmdline"_s);
        if (!cmdline.open(QIODevice::ReadOnly))
            continue;
        QByteArray argv = cmdline.readAll();
        if (!contains(argv))
            continue;
        for (const QByteArray& secret : std::as_const(m_secrets))
            argv.replace(secret, "<secret>");
        argv.replace('\0', ' ');
        const QString leak = u"pid %1: %2"_s.arg(pid, QString::fromUtf8(argv.left(300)));
        if (!m_commandLineLeaks.contains(leak))
            m_commandLineLeaks.append(leak);
    }
}

QStringList SecretLeakScanner::filesContainingSecrets(const QString& root) const
{
    QStringList found;
    QDirIterator it(root, QDir::Files | QDir::Hidden | QDir::System | QDir::NoSymLinks,
                    QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString path = it.next();
        QFile file(path);
        if (file.open(QIODevice::ReadOnly) && contains(file.readAll()))
            found.append(path);
    }
    return found;
}

} // namespace forge::test
