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

struct BubblewrapSpec
{
    QString workspace;        // host folder mounted read-write at /workspace
    QString homeDirectory;    // host folder mounted read-write at /home/sandbox
    QString tmpDirectory;     // host folder mounted read-write at /tmp
    QString workingDirectory; // path inside the sandbox (/workspace/...)
    // Passed with --setenv after --clearenv: they end up in bwrap's argv, which every local user can
    // read in /proc, so never a secret here. With clearEnvironment = false the command instead
    // inherits bwrap's own environment (the QProcess environment), and `environment` must be empty.
    QMap<QString, QString> environment;
    bool clearEnvironment = true;
    QList<BubblewrapMount> readOnlyMounts; // toolchains outside /usr, a local repository at /source
    // Shared with other sandboxes on purpose: the package managers' download caches.
    QList<BubblewrapMount> readWriteMounts;
};

// The bubblewrap command line of a sandbox (SECURITY-NOTES §5f): every namespace unshared except the
// network, no capabilities, no further user namespaces, a new session (no TIOCSTI into our
// terminal), killed with its parent; the system read-only, only the workspace, a private home and a
// private /tmp writable; nothing of the user's home, /root, /run (D-Bus, Wayland, XDG_RUNTIME_DIR)
// or /tmp/.X11-unix inside.
class Bubblewrap
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
    // Runs `true` inside a sandbox built with the real arguments in `scratchDirectory` (user
    // namespaces are often refused in containers, which only shows when bwrap actually runs).
    static QCoro::Task<ProbeResult> probe(QString scratchDirectory, QList<BubblewrapMount> mounts);
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
