// The single-instance channel against another local user (issue 16, item 5). The attacker is real:
// this test binary started again as the user "nobody" (which needs root; the cases say so and skip
// otherwise), listening on or connecting to a Unix socket. Every case checks what the other side
// actually received, never what the channel says about itself.

#include "ui/common/InstanceChannel.h"

#include <QCoreApplication>
#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QLocalServer>
#include <QLocalSocket>
#include <QProcess>
#include <QScopeGuard>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QTextStream>
#include <QThread>
#include <atomic>
#include <grp.h>
#include <memory>
#include <optional>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace Qt::StringLiterals;
using forge::ui::InstanceChannel;

namespace {

constexpr int TimeoutMs = 10'000;
const QString Link = u"link forge-preview://open?repo=octocat/hello-world&branch=main"_s;

// ---- the other user's side (run as `nobody` by the cases below) ---------------------------------

// Listens on `path` the way an attacker would (anyone may connect), prints "listening", then
// prints every line it receives as "received: <line>" and answers "ok" like a real instance.
int runListeningPeer(const QString& path)
{
    QLocalServer server;
    server.setSocketOptions(QLocalServer::WorldAccessOption);
    QLocalServer::removeServer(path);
    if (!server.listen(path)) {
        QTextStream(stderr) << "cannot listen on " << path << ": " << server.errorString() << '\n';
        return 3;
    }
    QTextStream out(stdout);
    out << "listening" << Qt::endl;
    QObject::connect(&server, &QLocalServer::newConnection, &server, [&server, &out] {
        while (QLocalSocket* socket = server.nextPendingConnection()) {
            out << "connected" << Qt::endl;
            QObject::connect(socket, &QLocalSocket::readyRead, socket, [socket, &out] {
                while (socket->canReadLine()) {
                    out << "received: " << socket->readLine().trimmed() << Qt::endl;
                    socket->write("ok\n");
                }
            });
        }
    });
    return QCoreApplication::exec();
}

// Connects to `path`, sends `request` and prints the answer ("answer: ok") or "no answer".
int runSendingPeer(const QString& path, const QString& request)
{
    QLocalSocket socket;
    socket.connectToServer(path);
    QTextStream out(stdout);
    if (!socket.waitForConnected(TimeoutMs)) {
        out << "cannot connect: " << socket.errorString() << Qt::endl;
        return 3;
    }
    socket.write(request.toUtf8() + '\n');
    socket.waitForBytesWritten(TimeoutMs);
    while (!socket.canReadLine()) {
        if (!socket.waitForReadyRead(TimeoutMs)) {
            out << "no answer" << Qt::endl;
            return 0;
        }
    }
    out << "answer: " << socket.readLine().trimmed() << Qt::endl;
    return 0;
}

// ---- helpers for the cases ----------------------------------------------------------------------

struct OtherUser
{
    uid_t uid = 0;
    gid_t gid = 0;
};

std::optional<OtherUser> nobody()
{
    if (geteuid() != 0)
        return std::nullopt;
    const passwd* entry = getpwnam("nobody");
    if (!entry || entry->pw_uid == 0)
        return std::nullopt;
    return OtherUser{entry->pw_uid, entry->pw_gid};
}

// This test program, started again in one of the peer modes above as `user`.
std::unique_ptr<QProcess> startAs(const OtherUser& user, const QStringList& arguments)
{
    auto process = std::make_unique<QProcess>();
    process->setProcessChannelMode(QProcess::ForwardedErrorChannel);
    process->setChildProcessModifier([user] {
        // Drop every privilege before exec: the peer is an ordinary other user, nothing more.
        if (setgroups(0, nullptr) != 0 || setgid(user.gid) != 0 || setuid(user.uid) != 0)
            _exit(126);
    });
    process->start(QCoreApplication::applicationFilePath(), arguments);
    return process;
}

bool waitForLine(QProcess* process, const QByteArray& line, QByteArray* seen)
{
    return QTest::qWaitFor(
               [&] {
                   *seen += process->readAllStandardOutput();
                   return seen->contains(line) || process->state() == QProcess::NotRunning;
               },
               TimeoutMs) &&
           seen->contains(line);
}

void stop(QProcess* process)
{
    process->kill();
    process->waitForFinished(TimeoutMs);
}

// The channel's blocking hand-over, run on its own thread so that this thread's event loop stays
// free to answer (a real second start is another process).
bool sendFromAnotherThread(const InstanceChannel& channel, const QString& request, int timeoutMs)
{
    std::atomic<bool> handed = false;
    std::unique_ptr<QThread> thread(
        QThread::create([&] { handed = channel.sendToRunningInstance(request, timeoutMs); }));
    thread->start();
    if (!QTest::qWaitFor([&] { return thread->isFinished(); }, timeoutMs * 3))
        qFatal("the hand-over did not return");
    thread->wait();
    return handed;
}

// What versions before this one named the socket: "forge-preview-<hash>" in the shared temporary
// directory (QLocalServer's default place for a bare name), which any local user can create first.
QString oldSharedSocketPath(const QString& dataDirectory)
{
    const QByteArray key =
        (QDir(dataDirectory).absolutePath() + u'\n' + qEnvironmentVariable("USER") + u'\n' + QDir::homePath())
            .toUtf8();
    const QString name =
        u"forge-preview-"_s +
        QString::fromLatin1(QCryptographicHash::hash(key, QCryptographicHash::Sha256).toHex().left(24));
    return QDir::tempPath() + u'/' + name;
}

} // namespace

class TestInstanceChannel : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_root;
    QByteArray m_savedRuntimeDirectory;

    // A data folder under the test's root that `user` may enter (the root itself is opened to
    // everyone for the peer processes; only the folders they must use are theirs).
    QString dataFolder(const QString& name)
    {
        const QString path = m_root.filePath(name);
        QDir().mkpath(path);
        return path;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_root.isValid());
        // The peer, running as another user, must be able to reach folders below the root.
        QVERIFY(QFile::setPermissions(m_root.path(), QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner |
                                                         QFile::ReadGroup | QFile::ExeGroup |
                                                         QFile::ReadOther | QFile::ExeOther));
        m_savedRuntimeDirectory = qgetenv("XDG_RUNTIME_DIR");
    }

    void cleanup()
    {
        if (m_savedRuntimeDirectory.isNull())
            qunsetenv("XDG_RUNTIME_DIR");
        else
            qputenv("XDG_RUNTIME_DIR", m_savedRuntimeDirectory);
    }

    // The ordinary case: a second start's request reaches the first instance, which answers it.
    void secondStartReachesTheRunningInstance()
    {
        const QString data = dataFolder(u"data-plain"_s);
        InstanceChannel running(data);
        QVERIFY2(running.listen(), qPrintable(running.errorString()));
        QSignalSpy received(&running, &InstanceChannel::requestReceived);
        const InstanceChannel second(data);
        QVERIFY(sendFromAnotherThread(second, Link, TimeoutMs));
        QTRY_COMPARE(received.count(), 1);
        QCOMPARE(received.first().first().toString(), Link);
    }

    // Where the socket lives: in $XDG_RUNTIME_DIR when that is private, else in the data folder;
    // never directly in the shared temporary folder.
    void socketLivesInAPrivateFolder()
    {
        const QString data = dataFolder(u"data-where"_s);
        const QString runtime = dataFolder(u"runtime"_s);
        QVERIFY(::chmod(QFile::encodeName(runtime).constData(), 0700) == 0);
        qputenv("XDG_RUNTIME_DIR", QFile::encodeName(runtime));
        QVERIFY2(InstanceChannel(data).serverName().startsWith(runtime + u"/forge-preview-"_s),
                 qPrintable(InstanceChannel(data).serverName()));
        // Another data folder, another socket.
        QVERIFY(InstanceChannel(data).serverName() != InstanceChannel(data + u"-2"_s).serverName());

        // A runtime folder others may enter is not private: the data folder is used instead.
        const QString dataSocket = QDir(data).filePath(u"instance.socket"_s);
        QVERIFY(::chmod(QFile::encodeName(runtime).constData(), 0755) == 0);
        QCOMPARE(InstanceChannel(data).serverName(), dataSocket);
        qputenv("XDG_RUNTIME_DIR", QFile::encodeName(QDir::tempPath()));
        QCOMPARE(InstanceChannel(data).serverName(), dataSocket);
        qputenv("XDG_RUNTIME_DIR", "relative/folder");
        QCOMPARE(InstanceChannel(data).serverName(), dataSocket);
        qunsetenv("XDG_RUNTIME_DIR");
        QCOMPARE(InstanceChannel(data).serverName(), dataSocket);

        // The first start makes the data folder when it does not exist yet.
        const QString fresh = m_root.filePath(u"not-yet/data"_s);
        InstanceChannel first(fresh);
        QVERIFY2(first.listen(), qPrintable(first.errorString()));
        QVERIFY(QFileInfo::exists(QDir(fresh).filePath(u"instance.socket"_s)));
    }

    // The attack of issue 16: another user creates the old, predictable socket first and receives
    // every link a second start hands over. Now the socket is elsewhere, so the link stays here.
    void linkNeverReachesASocketAnotherUserMadeAtTheOldPath()
    {
        const auto attacker = nobody();
        if (!attacker)
            QSKIP("Playing another local user needs root (this test starts itself as `nobody`).");
        const QString data = dataFolder(u"data-old-path"_s);
        const QString oldPath = oldSharedSocketPath(data);
        const auto removeSocket = qScopeGuard([&] { QFile::remove(oldPath); });
        auto peer = startAs(*attacker, {u"--listen-as-peer"_s, oldPath});
        QByteArray seen;
        QVERIFY2(waitForLine(peer.get(), "listening\n", &seen), seen.constData());

        const InstanceChannel second(data);
        const bool handed = sendFromAnotherThread(second, Link, 2000);
        seen += peer->readAllStandardOutput();
        stop(peer.get());
        QVERIFY2(!seen.contains("received:"),
                 QByteArray("another user received the link: " + seen).constData());
        QVERIFY(!handed);
    }

    // However the other user got a socket to where the channel looks (a data folder others may
    // write to, a file system that ignores socket permissions), the second start asks the kernel
    // who owns the listening end and hands nothing to anyone but this user.
    void secondStartRefusesAServerOfAnotherUser()
    {
        const auto attacker = nobody();
        if (!attacker)
            QSKIP("Playing another local user needs root (this test starts itself as `nobody`).");
        qunsetenv("XDG_RUNTIME_DIR"); // so the channel's socket lives in the data folder
        const QString data = dataFolder(u"data-foreign-server"_s);
        QVERIFY(::chown(QFile::encodeName(data).constData(), attacker->uid, attacker->gid) == 0);
        const InstanceChannel second(data);
        const QString path = second.serverName();
        auto peer = startAs(*attacker, {u"--listen-as-peer"_s, path});
        QByteArray seen;
        QVERIFY2(waitForLine(peer.get(), "listening\n", &seen), seen.constData());

        const bool handed = sendFromAnotherThread(second, Link, 2000);
        seen += peer->readAllStandardOutput();
        stop(peer.get());
        QVERIFY2(!seen.contains("received:"),
                 QByteArray("a server of another user received the link: " + seen).constData());
        QVERIFY(!handed);
    }

    // And the running instance takes requests from its own user only: another user who can reach
    // the socket gets no answer and opens no link.
    void runningInstanceIgnoresAnotherUser()
    {
        const auto attacker = nobody();
        if (!attacker)
            QSKIP("Playing another local user needs root (this test starts itself as `nobody`).");
        qunsetenv("XDG_RUNTIME_DIR");
        const QString data = dataFolder(u"data-foreign-client"_s);
        InstanceChannel running(data);
        QVERIFY2(running.listen(), qPrintable(running.errorString()));
        QSignalSpy received(&running, &InstanceChannel::requestReceived);
        // Open the way as wide as a careless setup would: the folder and the socket for everyone.
        const QString path = QFileInfo(running.serverName()).isAbsolute()
                                 ? running.serverName()
                                 : QDir::tempPath() + u'/' + running.serverName();
        QVERIFY(::chmod(QFile::encodeName(data).constData(), 0777) == 0);
        QVERIFY(::chmod(QFile::encodeName(path).constData(), 0777) == 0);

        auto peer = startAs(*attacker, {u"--send-as-peer"_s, path, Link});
        QByteArray seen;
        QVERIFY(QTest::qWaitFor([&] { return peer->state() == QProcess::NotRunning; }, TimeoutMs * 2));
        seen += peer->readAllStandardOutput();
        QVERIFY2(seen.contains("no answer") || seen.contains("cannot connect"), seen.constData());
        QCOMPARE(received.count(), 0);
    }
};

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    const QStringList arguments = QCoreApplication::arguments();
    if (arguments.size() == 3 && arguments.at(1) == u"--listen-as-peer")
        return runListeningPeer(arguments.at(2));
    if (arguments.size() == 4 && arguments.at(1) == u"--send-as-peer")
        return runSendingPeer(arguments.at(2), arguments.at(3));
    TestInstanceChannel test;
    QTEST_SET_MAIN_SOURCE_PATH
    return QTest::qExec(&test, argc, argv);
}

#include "tst_instancechannel.moc"
