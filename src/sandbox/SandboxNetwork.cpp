#include "SandboxNetwork.h"

#include "core/Failure.h"
#include "core/SignalWait.h"

#include <QCoroTimer>
#include <QDeadlineTimer>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QSocketNotifier>
#include <QStandardPaths>
#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <linux/nsfs.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <unistd.h>

using namespace Qt::StringLiterals;
using namespace std::chrono_literals;

namespace forge {

namespace {

constexpr auto RoutePollInterval = 5ms;

// Says that a descriptor has something to read (see readSandboxPid()).
class Readable : public QObject
{
    Q_OBJECT
Q_SIGNALS:
    void ready();
};

QString portList(const QList<int>& ports)
{
    QStringList text;
    for (const int port : ports)
        text << QString::number(port);
    return text.join(u',');
}

// Whether the namespace of `pid` has a default route yet: pasta's --config-net sets addresses and
// then routes, so with the route in place traffic to the internet can flow.
bool hasDefaultRoute(qint64 pid)
{
    QFile ipv4(u"/proc/%1/net/route"_s.arg(pid));
    if (ipv4.open(QIODevice::ReadOnly)) {
        const QList<QByteArray> lines = ipv4.readAll().split('\n');
        for (const QByteArray& line : lines) {
            const QList<QByteArray> fields = line.simplified().split(' ');
            if (fields.size() > 1 && fields.at(1) == "00000000")
                return true;
        }
    }
    QFile ipv6(u"/proc/%1/net/ipv6_route"_s.arg(pid));
    if (ipv6.open(QIODevice::ReadOnly)) {
        const QList<QByteArray> lines = ipv6.readAll().split('\n');
        for (const QByteArray& line : lines) {
            const QList<QByteArray> fields = line.simplified().split(' ');
            // Destination ::/0 on an interface other than lo.
            if (fields.size() >= 10 && fields.at(0) == QByteArray(32, '0') && fields.at(1) == "00" &&
                fields.at(9) != "lo")
                return true;
        }
    }
    return false;
}

Failure networkFailure(const QString& why)
{
    return Failure::permanent(
        u"The sandbox's own network could not be set up: %1."_s.arg(why),
        u"Install pasta (Debian/Ubuntu package “passt”) and make sure /dev/net/tun exists and is usable "
        "by your user; then run again. Repository code never runs on this computer's network."_s);
}

} // namespace

SandboxNetwork::SandboxNetwork(NetworkSpec spec)
    : m_spec(std::move(spec))
{}

SandboxNetwork::~SandboxNetwork()
{
    stop();
    for (int* fd : {&m_infoRead, &m_infoWrite, &m_blockRead, &m_blockWrite, &m_userNamespace})
        closeFd(*fd);
}

void SandboxNetwork::stop()
{
    if (m_pasta.state() != QProcess::NotRunning) {
        m_pasta.kill();
        m_pasta.waitForFinished(1000); // killed: returns at once
    }
}

QString SandboxNetwork::program()
{
    return QStandardPaths::findExecutable(u"pasta"_s);
}

QStringList SandboxNetwork::bubblewrapArguments()
{
    return {u"--info-fd"_s, QString::number(InfoFd), u"--block-fd"_s, QString::number(BlockFd)};
}

QStringList SandboxNetwork::pastaArguments(const NetworkSpec& spec, qint64 sandboxPid,
                                           const QString& userNamespace, bool runningAsRoot)
{
    QStringList args{u"--foreground"_s, u"--quiet"_s, u"--config-net"_s,
                     // The gateway address would otherwise lead to this machine's loopback.
                     u"--no-map-gw"_s,
                     // pasta forwards every bound port both ways unless told otherwise ("auto").
                     u"--udp-ports"_s, u"none"_s, u"--udp-ns"_s, u"none"_s};
    if (spec.inboundPorts.isEmpty()) {
        args << u"--tcp-ports"_s << u"none"_s;
    } else {
        for (const int port : spec.inboundPorts)
            args << u"--tcp-ports"_s << u"127.0.0.1/%1"_s.arg(port);
    }
    args << u"--tcp-ns"_s
         << (spec.hostLoopbackPorts.isEmpty() ? u"none"_s : portList(spec.hostLoopbackPorts));
    args << u"--dns-forward"_s << QString::fromLatin1(DnsAddress);
    // As root pasta switches to "nobody" before it joins the namespace, which then fails; it keeps
    // root only when told (it is root on this machine already, so nothing is gained by asking).
    if (runningAsRoot)
        args << u"--runas"_s << u"0"_s;
    args << u"--netns"_s << u"/proc/%1/ns/net"_s.arg(sandboxPid);
    // Unprivileged, pasta must join the user namespace that owns the network namespace (bwrap's
    // outer one; the sandbox's own is nested inside it by --disable-userns) to be allowed in.
    if (!userNamespace.isEmpty())
        args << u"--userns"_s << userNamespace;
    return args;
}

bool SandboxNetwork::preparePipes(QString* error)
{
    int info[2];
    int block[2];
    if (::pipe2(info, O_CLOEXEC) != 0) {
        *error = QString::fromLocal8Bit(strerror(errno));
        return false;
    }
    if (::pipe2(block, O_CLOEXEC) != 0) {
        *error = QString::fromLocal8Bit(strerror(errno));
        ::close(info[0]);
        ::close(info[1]);
        return false;
    }
    m_infoRead = info[0];
    m_infoWrite = info[1];
    m_blockRead = block[0];
    m_blockWrite = block[1];
    return true;
}

void SandboxNetwork::setUpChild() const noexcept
{
    // Above every descriptor number first, so that placing one cannot overwrite the other.
    const int info = ::fcntl(m_infoWrite, F_DUPFD, 10);
    const int block = ::fcntl(m_blockRead, F_DUPFD, 10);
    ::dup2(info, InfoFd); // dup2 clears close-on-exec on the copy
    ::dup2(block, BlockFd);
    ::close(info);
    ::close(block);
}

QCoro::Task<> SandboxNetwork::connect(std::chrono::milliseconds timeout)
{
    const QDeadlineTimer deadline(timeout);
    closeFd(m_infoWrite); // bwrap holds its own copies now
    closeFd(m_blockRead);

    const qint64 pid = co_await readSandboxPid(std::chrono::milliseconds(deadline.remainingTime()));
    if (pid <= 0)
        throw networkFailure(u"bubblewrap did not report the sandbox's process"_s);

    const bool root = ::geteuid() == 0;
    QString userNamespace;
    if (!root) {
        // The namespace's owner, asked of the namespace itself: the sandbox's process may be in
        // the owner still or already in the user namespace nested inside it (--disable-userns).
        const int net =
            ::open(QFile::encodeName(u"/proc/%1/ns/net"_s.arg(pid)).constData(), O_RDONLY | O_CLOEXEC);
        m_userNamespace = net >= 0 ? ::ioctl(net, NS_GET_USERNS) : -1;
        if (net >= 0)
            ::close(net);
        if (m_userNamespace < 0)
            throw networkFailure(u"the sandbox's user namespace could not be opened"_s);
        userNamespace = u"/proc/%1/fd/%2"_s.arg(::getpid()).arg(m_userNamespace);
    }

    const QString pasta = program();
    if (pasta.isEmpty())
        throw networkFailure(u"the pasta program is not installed"_s);
    m_pasta.setProgram(pasta);
    m_pasta.setArguments(pastaArguments(m_spec, pid, userNamespace, root));
    m_pasta.setStandardInputFile(QProcess::nullDevice());
    m_pasta.setProcessChannelMode(QProcess::MergedChannels);
    // Dies with this program, as bwrap does (--die-with-parent): nothing may keep listening on the
    // preview's port after a crash. (pasta keeps its user id, so the setting survives.)
    m_pasta.setChildProcessModifier([] { ::prctl(PR_SET_PDEATHSIG, SIGKILL); });
    m_pasta.start();
    if (m_pasta.state() == QProcess::Starting)
        co_await waitForSignal(&m_pasta, &QProcess::stateChanged,
                               std::chrono::milliseconds(deadline.remainingTime()));
    if (m_pasta.state() != QProcess::Running)
        throw networkFailure(u"pasta could not be started (%1)"_s.arg(m_pasta.errorString()));
    const bool routed =
        co_await waitUntilConfigured(pid, std::chrono::milliseconds(deadline.remainingTime()));
    if (!routed)
        throw networkFailure(pastaError());

    // Let the sandbox go on: its command starts with the network in place.
    const char go = '1';
    if (::write(m_blockWrite, &go, 1) != 1)
        throw networkFailure(u"the sandbox could not be released"_s);
    closeFd(m_blockWrite);
    closeFd(m_userNamespace);
    m_sandboxPid = pid;
}

QCoro::Task<qint64> SandboxNetwork::readSandboxPid(std::chrono::milliseconds timeout)
{
    const QDeadlineTimer deadline(timeout);
    ::fcntl(m_infoRead, F_SETFL, ::fcntl(m_infoRead, F_GETFL) | O_NONBLOCK);
    QSocketNotifier notifier(m_infoRead, QSocketNotifier::Read);
    // Awaited through a signal of our own: QCoro passes a null reference for activated()'s
    // QPrivateSignal argument, which UndefinedBehaviorSanitizer rightly refuses.
    Readable readable;
    QObject::connect(&notifier, &QSocketNotifier::activated, &readable, &Readable::ready);
    QByteArray info;
    for (;;) {
        char buffer[512];
        const ssize_t count = ::read(m_infoRead, buffer, sizeof buffer);
        if (count > 0) {
            info.append(buffer, count);
            // bwrap writes one JSON object; it may keep the descriptor open afterwards.
            const QJsonObject object = QJsonDocument::fromJson(info).object();
            if (object.contains(u"child-pid"_s))
                co_return object.value(u"child-pid"_s).toInteger();
            if (info.size() > 64 * 1024)
                co_return 0;
            continue;
        }
        if (count == 0 || (errno != EAGAIN && errno != EINTR) || deadline.hasExpired())
            co_return 0; // bwrap exited (it failed to set up the sandbox) or never answered
        co_await waitForSignal(&readable, &Readable::ready,
                               std::chrono::milliseconds(deadline.remainingTime()));
    }
}

std::optional<QList<int>> SandboxNetwork::listeningPorts(qint64 pid)
{
    QList<int> ports;
    for (const QString& table : {u"tcp"_s, u"tcp6"_s}) {
        QFile file(u"/proc/%1/net/%2"_s.arg(pid).arg(table));
        if (!file.open(QIODevice::ReadOnly))
            return std::nullopt;
        const QList<QByteArray> lines = file.readAll().split('\n');
        for (const QByteArray& line : lines.mid(1)) {
            // "sl local_address rem_address st ...": local "0100007F:1F90", state 0A = LISTEN.
            const QList<QByteArray> fields = line.simplified().split(' ');
            if (fields.size() < 4 || fields.at(3) != "0A")
                continue;
            bool ok = false;
            const int port = fields.at(1).split(':').value(1).toInt(&ok, 16);
            if (ok && !ports.contains(port))
                ports.append(port);
        }
    }
    return ports;
}

// pasta sets addresses, then routes, and only then opens the namespace's side of the forwarded
// loopback ports: a command released on the route alone could find its proxy refused.
bool SandboxNetwork::isConfigured(qint64 sandboxPid) const
{
    if (!hasDefaultRoute(sandboxPid))
        return false;
    if (m_spec.hostLoopbackPorts.isEmpty())
        return true;
    const std::optional<QList<int>> listening = listeningPorts(sandboxPid);
    return listening && std::all_of(m_spec.hostLoopbackPorts.cbegin(), m_spec.hostLoopbackPorts.cend(),
                                    [&](int port) { return listening->contains(port); });
}

QCoro::Task<bool> SandboxNetwork::waitUntilConfigured(qint64 sandboxPid, std::chrono::milliseconds timeout)
{
    const QDeadlineTimer deadline(timeout);
    // Polled: /proc has no notification for a namespace's routes, and pasta does not report
    // readiness while it stays in the foreground. It takes a few milliseconds.
    for (;;) {
        if (isConfigured(sandboxPid))
            co_return true;
        if (m_pasta.state() == QProcess::NotRunning || deadline.hasExpired())
            co_return false;
        co_await QCoro::sleepFor(RoutePollInterval);
    }
}

QString SandboxNetwork::pastaError()
{
    if (m_pasta.state() == QProcess::NotRunning) {
        QString output = QString::fromLocal8Bit(m_pasta.readAll()).trimmed();
        output.remove(
            QRegularExpression(u"^Failed to send .* syslog$"_s, QRegularExpression::MultilineOption));
        output = output.simplified();
        return output.isEmpty() ? u"pasta stopped with exit code %1"_s.arg(m_pasta.exitCode())
                                : u"pasta: %1"_s.arg(output.left(300));
    }
    return u"pasta did not configure the network within the time allowed"_s;
}

void SandboxNetwork::closeFd(int& fd)
{
    if (fd >= 0)
        ::close(fd);
    fd = -1;
}

} // namespace forge

#include "SandboxNetwork.moc"
