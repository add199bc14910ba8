#include "InstanceChannel.h"

#include <QCryptographicHash>
#include <QDir>
#include <QLocalServer>
#include <QLocalSocket>

using namespace Qt::StringLiterals;

namespace forge::ui {

namespace {

// Longer requests are not ours: a link is at most a few kilobytes.
constexpr qint64 MaxRequestBytes = 16 * 1024;

QString serverNameFor(const QString& dataDirectory)
{
    // The user is part of the name: sockets live in one shared temporary directory.
    const QByteArray key =
        (QDir(dataDirectory).absolutePath() + u'\n' + qEnvironmentVariable("USER") + u'\n' + QDir::homePath())
            .toUtf8();
    return u"forge-preview-"_s +
           QString::fromLatin1(QCryptographicHash::hash(key, QCryptographicHash::Sha256).toHex().left(24));
}

} // namespace

InstanceChannel::InstanceChannel(const QString& dataDirectory, QObject* parent)
    : QObject(parent)
    , m_serverName(serverNameFor(dataDirectory))
{}

InstanceChannel::~InstanceChannel() = default;

bool InstanceChannel::sendToRunningInstance(const QString& request, int timeoutMs) const
{
    QLocalSocket socket;
    socket.connectToServer(m_serverName);
    if (!socket.waitForConnected(timeoutMs))
        return false;
    socket.write(request.toUtf8() + '\n');
    if (!socket.waitForBytesWritten(timeoutMs))
        return false;
    // The running instance answers once it has taken the request, so this one may exit.
    while (!socket.canReadLine()) {
        if (!socket.waitForReadyRead(timeoutMs))
            return false;
    }
    return socket.readLine().trimmed() == "ok";
}

bool InstanceChannel::listen()
{
    m_server = new QLocalServer(this);
    // Only this user may connect: another local user must not be able to hand us links.
    m_server->setSocketOptions(QLocalServer::UserAccessOption);
    connect(m_server, &QLocalServer::newConnection, this, &InstanceChannel::readRequests);
    if (m_server->listen(m_serverName))
        return true;
    // A socket left by an instance that crashed: nobody answered on it (the caller asked first),
    // so it can go.
    if (m_server->serverError() == QAbstractSocket::AddressInUseError) {
        QLocalServer::removeServer(m_serverName);
        if (m_server->listen(m_serverName))
            return true;
    }
    m_error = m_server->errorString();
    return false;
}

void InstanceChannel::readRequests()
{
    while (QLocalSocket* socket = m_server->nextPendingConnection()) {
        connect(socket, &QLocalSocket::disconnected, socket, &QObject::deleteLater);
        connect(socket, &QLocalSocket::readyRead, this, [this, socket] {
            if (socket->bytesAvailable() > MaxRequestBytes && !socket->canReadLine()) {
                socket->abort();
                return;
            }
            if (!socket->canReadLine())
                return;
            const QString request = QString::fromUtf8(socket->readLine(MaxRequestBytes)).trimmed();
            socket->write("ok\n");
            socket->flush();
            socket->disconnectFromServer();
            Q_EMIT requestReceived(request);
        });
    }
}

} // namespace forge::ui
