#pragma once

#include <QCoroTask>
#include <QList>
#include <QProcess>
#include <QString>
#include <QStringList>
#include <chrono>
#include <optional>

namespace forge {

// What a sandboxed command may reach over the network when it has a network namespace of its own.
struct NetworkSpec
{
    bool enabled = false; // false: the command keeps whatever bwrap was told (no namespace of ours)
    // Ports the command serves on; each is forwarded from 127.0.0.1:<port> on this machine (never
    // another address, so no other machine reaches a dev server) to the same port in the sandbox.
    QList<int> inboundPorts;
    // Ports of services on this machine's loopback that the user configured for installs (a local
    // registry, a proxy); the sandbox's 127.0.0.1:<port> reaches exactly those and nothing else.
    QList<int> hostLoopbackPorts;
    bool operator==(const NetworkSpec&) const = default;
};

// Connects one bubblewrap sandbox's own network namespace to the internet with pasta (Debian's
// passt package), user-mode networking that needs no privileges (docs/security-notes.md §5f: never
// --share-net). bwrap is started with --info-fd/--block-fd: it reports the sandbox's first process
// and waits; pasta attaches to that process's namespace with
//  - no route to this machine's loopback (--no-map-gw; -T only for the ports above),
//  - no UDP or TCP port forwarding except the ports above (pasta's default is "auto": everything),
//  - DNS through pasta to this machine's resolver (the sandbox's /etc/resolv.conf names
//    DnsAddress, which works when the host's resolver is itself on 127.0.0.53).
// The namespace has no view of the host's abstract Unix sockets (X11, D-Bus, IBus): those belong to
// the network namespace. pasta quits by itself when the namespace goes, i.e. when bwrap exits.
class SandboxNetwork final
{
public:
    // The descriptors bwrap gets for --info-fd and --block-fd.
    static constexpr int InfoFd = 3;
    static constexpr int BlockFd = 4;
    // The address the sandbox's resolv.conf names; pasta forwards DNS sent there to the host's.
    static constexpr auto DnsAddress = "169.254.0.53";

    explicit SandboxNetwork(NetworkSpec spec);
    ~SandboxNetwork();
    SandboxNetwork(const SandboxNetwork&) = delete;
    SandboxNetwork& operator=(const SandboxNetwork&) = delete;

    // The pasta program, or empty when it is not installed.
    static QString program();
    // --info-fd/--block-fd for bwrap's command line.
    static QStringList bubblewrapArguments();
    // The TCP ports something listens on in the network namespace of `pid` (any address, IPv4 or
    // IPv6); nullopt when /proc cannot tell.
    static std::optional<QList<int>> listeningPorts(qint64 pid);
    // pasta's command line for the namespace of `sandboxPid` (unit-tested; see the class comment).
    static QStringList pastaArguments(const NetworkSpec& spec, qint64 sandboxPid,
                                      const QString& userNamespace, bool runningAsRoot);

    // Creates the two pipes; false (with `error`) when the system refuses.
    bool preparePipes(QString* error);
    // Runs in the forked child before exec: puts the pipe ends bwrap uses at InfoFd and BlockFd.
    // Async-signal-safe (dup2/fcntl/close only).
    void setUpChild() const noexcept;
    // After bwrap started: closes the child's ends here, waits for the sandbox's process, starts
    // pasta, waits until the namespace has its route and lets the sandbox go on. Throws a permanent
    // Failure saying what to install or check when any of it does not work within `timeout`.
    QCoro::Task<> connect(std::chrono::milliseconds timeout);
    // The sandbox's first process (in the host's PID numbering) once connected; 0 before.
    qint64 sandboxPid() const { return m_sandboxPid; }
    // Ends pasta: called when the sandbox's command has finished. pasta would notice the namespace
    // going only when its inotify watch on /proc fires, which procfs does not promise.
    void stop();

private:
    QCoro::Task<qint64> readSandboxPid(std::chrono::milliseconds timeout);
    QCoro::Task<bool> waitUntilConfigured(qint64 sandboxPid, std::chrono::milliseconds timeout);
    bool isConfigured(qint64 sandboxPid) const;
    QString pastaError();
    void closeFd(int& fd);

    NetworkSpec m_spec;
    int m_infoRead = -1;
    int m_infoWrite = -1;
    int m_blockRead = -1;
    int m_blockWrite = -1;
    int m_userNamespace = -1;
    qint64 m_sandboxPid = 0;
    QProcess m_pasta;
};

} // namespace forge
