#include "InstanceChannel.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QLocalServer>
#include <QLocalSocket>
#include <optional>

#ifdef Q_OS_UNIX
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/un.h>
#include <unistd.h>
#endif

using namespace Qt::StringLiterals;

namespace forge::ui {

namespace {

// Longer requests are not ours: a link is at most a few kilobytes.
constexpr qint64 MaxRequestBytes = 16 * 1024;

#ifdef Q_OS_UNIX
// $XDG_RUNTIME_DIR when it is what the XDG Base Directory specification promises: an absolute
// path to a folder owned by this user with no access for anyone else. A value that does not keep
// that promise (XDG_RUNTIME_DIR=/tmp) is not used: the socket would be back in a shared folder.
QString privateRuntimeDirectory()
{
    const QByteArray directory = qgetenv("XDG_RUNTIME_DIR");
    if (!directory.startsWith('/'))
        return {};
    struct stat info = {};
    if (::stat(directory.constData(), &info) != 0 || !S_ISDIR(info.st_mode) || info.st_uid != ::geteuid() ||
        (info.st_mode & (S_IRWXG | S_IRWXO)) != 0)
        return {};
    return QFile::decodeName(directory);
}

// The user at the other end of a connected local socket, as the kernel recorded it when the
// connection was made (connect() for a client, listen() for a server); empty when it cannot tell.
std::optional<uid_t> peerUserId(const QLocalSocket& socket)
{
    const int descriptor = int(socket.socketDescriptor());
    if (descriptor < 0)
        return std::nullopt;
#if defined(Q_OS_LINUX)
    ucred credentials = {};
    socklen_t length = sizeof credentials;
    if (::getsockopt(descriptor, SOL_SOCKET, SO_PEERCRED, &credentials, &length) != 0 ||
        length != sizeof credentials)
        return std::nullopt;
    return credentials.uid;
#else
    uid_t uid = 0;
    gid_t gid = 0;
    if (::getpeereid(descriptor, &uid, &gid) != 0)
        return std::nullopt;
    return uid;
#endif
}

// True when the other end is this user. A peer the kernel cannot name counts as someone else.
bool isThisUser(const QLocalSocket& socket, QString* who)
{
    const auto uid = peerUserId(socket);
    if (uid && *uid == ::geteuid())
        return true;
    if (who)
        *who = uid ? u"user id %1"_s.arg(*uid) : u"an unknown user"_s;
    return false;
}

// sockaddr_un's path has room for this many bytes (and a terminating NUL).
constexpr qsizetype MaxSocketPathBytes = qsizetype(sizeof(sockaddr_un::sun_path)) - 1;
#else
// Windows: QLocalServer makes a named pipe, not a file; UserAccessOption gives it an access list
// for this user alone, which the system enforces on every connection.
bool isThisUser(const QLocalSocket&, QString*)
{
    return true;
}
#endif

QString dataFolderKey(const QString& dataDirectory)
{
    return QString::fromLatin1(
        QCryptographicHash::hash(QDir(dataDirectory).absolutePath().toUtf8(), QCryptographicHash::Sha256)
            .toHex()
            .left(24));
}

} // namespace

QString InstanceChannel::socketPathFor(const QString& dataDirectory)
{
#ifdef Q_OS_UNIX
    if (const QString runtime = privateRuntimeDirectory(); !runtime.isEmpty())
        return runtime + u"/forge-preview-"_s + dataFolderKey(dataDirectory) + u".socket"_s;
    return QDir(dataDirectory).absoluteFilePath(u"instance.socket"_s);
#else
    // A pipe name, per user and data folder (pipes share one namespace on a machine).
    return u"forge-preview-"_s + qEnvironmentVariable("USERNAME") + u'-' + dataFolderKey(dataDirectory);
#endif
}

InstanceChannel::InstanceChannel(const QString& dataDirectory, QObject* parent)
    : QObject(parent)
    , m_serverName(socketPathFor(dataDirectory))
{}

InstanceChannel::~InstanceChannel() = default;

bool InstanceChannel::sendToRunningInstance(const QString& request, int timeoutMs, QString* problem) const
{
    QLocalSocket socket;
    socket.connectToServer(m_serverName);
    if (!socket.waitForConnected(timeoutMs))
        return false;
    // Before a single byte goes out: the link may name a private repository.
    if (QString who; !isThisUser(socket, &who)) {
        socket.abort();
        if (problem) {
            *problem = u"the socket %1 is held by %2, not by you, so the request was not handed to it. "
                       u"Find out who made it, and remove it if it is not yours."_s.arg(m_serverName, who);
        }
        return false;
    }
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
#ifdef Q_OS_UNIX
    if (QFile::encodeName(m_serverName).size() > MaxSocketPathBytes) {
        m_error = u"the socket path %1 is longer than the %2 bytes a local socket may have; set "
                  u"XDG_RUNTIME_DIR, or FORGE_PREVIEW_DATA_DIR to a shorter folder"_s.arg(m_serverName)
                      .arg(MaxSocketPathBytes);
        return false;
    }
    // The data folder may not exist yet on a first start.
    if (const QString folder = QFileInfo(m_serverName).absolutePath(); !QDir().mkpath(folder)) {
        m_error = u"cannot create the folder %1"_s.arg(folder);
        return false;
    }
#endif
    m_server = new QLocalServer(this);
    // Only this user may connect (file mode 0700, a private pipe on Windows); readRequests() checks
    // the peer again, for file systems and setups where the mode is not the whole story.
    m_server->setSocketOptions(QLocalServer::UserAccessOption);
    connect(m_server, &QLocalServer::newConnection, this, &InstanceChannel::readRequests);
    if (m_server->listen(m_serverName))
        return true;
    // A socket left by an instance that crashed: nobody answered on it (the caller asked first),
    // so it can go. It is in a folder of this user's, so it is this user's to remove.
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
        if (QString who; !isThisUser(*socket, &who)) {
            // Another user must not be able to open links (and run their code) in this user's window.
            qWarning("forge-preview: ignored a request from %s on %s", qPrintable(who),
                     qPrintable(m_serverName));
            socket->abort();
            socket->deleteLater();
            continue;
        }
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
