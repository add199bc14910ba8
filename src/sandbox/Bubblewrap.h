#pragma once

#include <QCoroTask>
#include <QList>
#include <QMap>
#include <QString>
#include <QStringList>

namespace forge {

// A host path made visible read-only inside the sandbox.
struct BubblewrapMount
{
    QString source; // host path
    QString target; // path inside the sandbox
    bool operator==(const BubblewrapMount&) const = default;
};

// Which network a sandbox's commands see. Never the host's for repository code: this machine's
// network namespace carries its loopback services and its abstract Unix sockets (X11's
// @/tmp/.X11-unix/X0, IBus, D-Bus), none of which a file-system view can hide.
enum class SandboxNetworkMode {
    LoopbackOnly, // a namespace of its own with loopback only (copies, probes)
    Private,      // a namespace of its own, connected to the internet by SandboxNetwork (pasta)
    Host,         // this machine's: only git clone, which runs no repository code (GitEnvironment)
};

struct BubblewrapSpec
{
    QString workspace;        // host folder mounted read-write at /workspace
    QString homeDirectory;    // host folder mounted read-write at homeTarget
    QString homeTarget;       // where the home is inside; empty: /home/sandbox (HomePath)
    QString tmpDirectory;     // host folder mounted read-write at /tmp
    QString workingDirectory; // path inside the sandbox (/workspace/...)
    // Passed with --setenv after --clearenv: they end up in bwrap's argv, which every local user can
    // read in /proc, so never a secret here. With clearEnvironment = false the command instead
    // inherits bwrap's own environment (the QProcess environment), and `environment` must be empty.
    QMap<QString, QString> environment;
    bool clearEnvironment = true;
    QList<BubblewrapMount> readOnlyMounts; // toolchains outside /usr, a local repository at /source
    // Read-write besides the three above (the install cache's entry while it is filled).
    QList<BubblewrapMount> readWriteMounts;
    SandboxNetworkMode network = SandboxNetworkMode::LoopbackOnly;
    // Private network: the host file shown as /etc/resolv.conf (it names pasta's DNS address).
    QString resolvConf;
};

// The bubblewrap command line of a sandbox (docs/security-notes.md §5f): every namespace unshared (the
// network too, except for a clone), no capabilities, no further user namespaces, a new session (no TIOCSTI
// into our terminal), killed with its parent; the system read-only, only the workspace, a private home and a
// private /tmp writable; nothing of the user's home, /root, /run (D-Bus, Wayland, XDG_RUNTIME_DIR)
// or /tmp/.X11-unix inside.
class Bubblewrap final
{
public:
    static constexpr auto WorkspacePath = "/workspace";
    static constexpr auto HomePath = "/home/sandbox";

    // The bwrap program, or empty when it is not installed.
    static QString program();
    static QStringList arguments(const BubblewrapSpec& spec, const QStringList& command);
    // PATH inside the sandbox: `extraDirectories` first, then the system's directories.
    static QString sandboxPath(const QStringList& extraDirectories);

    struct ProbeResult
    {
        bool works = false;
        QString reason; // why not, in words, when it does not
    };
    // Runs `true` inside a sandbox built with the real arguments in `scratchDirectory`, connected to
    // its own network the way commands are (user namespaces are often refused in containers and
    // /dev/net/tun may be missing, which only shows when bwrap and pasta actually run).
    static QCoro::Task<ProbeResult> probe(QString scratchDirectory, QList<BubblewrapMount> mounts,
                                          QString resolvConf);
};

// Where Node.js, npm and the other JavaScript tools live on this machine. A toolchain outside the
// system directories (~/.nvm, ~/.volta, /opt/node) is mounted read-only at the same path so that
// sandboxes run the same node as the user; only its installation prefix, never a whole home folder.
struct HostToolchain
{
    QStringList pathDirectories;   // for the front of the sandbox's PATH
    QList<BubblewrapMount> mounts; // read-only, source == target

    static HostToolchain discover(const QString& hostPath, const QString& hostHome);
};

} // namespace forge
