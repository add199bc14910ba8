#include "Bubblewrap.h"

#include "SandboxNetwork.h"
#include "core/Failure.h"
#include "core/SignalWait.h"

#include <QDir>
#include <QFileInfo>
#include <QProcess>
#include <QStandardPaths>
#include <climits>
#include <unistd.h>

using namespace Qt::StringLiterals;
using namespace std::chrono_literals;

namespace forge {

namespace {

// The raw target of a symbolic link (e.g. "usr/bin" for /bin), as bwrap's --symlink wants it.
QString readLink(const QString& path)
{
    char buffer[PATH_MAX];
    const QByteArray encoded = QFile::encodeName(path);
    const ssize_t length = ::readlink(encoded.constData(), buffer, sizeof buffer - 1);
    if (length <= 0)
        return {};
    return QFile::decodeName(QByteArray(buffer, length));
}

// The system part of the host: /usr read-only, the merged-/usr symlinks recreated (or the folders
// bound where they are real), /etc read-only for certificates, resolv.conf, passwd and hosts.
QStringList systemArguments()
{
    QStringList args{u"--ro-bind"_s, u"/usr"_s, u"/usr"_s};
    for (const QString& name : {u"bin"_s, u"sbin"_s, u"lib"_s, u"lib32"_s, u"lib64"_s, u"libx32"_s}) {
        const QString path = u'/' + name;
        const QFileInfo info(path);
        if (info.isSymLink()) {
            const QString target = readLink(path);
            if (!target.isEmpty())
                args << u"--symlink"_s << target << path;
        } else if (info.isDir()) {
            args << u"--ro-bind"_s << path << path;
        }
    }
    args << u"--ro-bind"_s << u"/etc"_s << u"/etc"_s;
    // Password hashes stay outside even where the sandbox runs as root (CI): hidden behind /dev/null.
    for (const QString& secret :
         {u"/etc/shadow"_s, u"/etc/gshadow"_s, u"/etc/shadow-"_s, u"/etc/gshadow-"_s}) {
        if (QFileInfo::exists(secret))
            args << u"--ro-bind"_s << u"/dev/null"_s << secret;
    }
    return args;
}

// Where the sandbox's resolv.conf goes: /etc/resolv.conf, or where it points when it is a link
// (Ubuntu's points into /run/systemd/resolve, which bwrap then creates on the sandbox's root).
QString resolvConfTarget()
{
    const QFileInfo info(u"/etc/resolv.conf"_s);
    if (info.isSymLink()) {
        const QString target = info.symLinkTarget();
        if (target.startsWith(u'/'))
            return QDir::cleanPath(target);
    }
    return info.absoluteFilePath();
}

bool isSystemPath(const QString& path)
{
    for (const QString& root :
         {u"/usr/"_s, u"/bin/"_s, u"/sbin/"_s, u"/lib/"_s, u"/lib32/"_s, u"/lib64/"_s}) {
        if (path.startsWith(root))
            return true;
    }
    return false;
}

bool isInside(const QString& path, const QString& folder)
{
    return path == folder || path.startsWith(folder.endsWith(u'/') ? folder : folder + u'/');
}

// The installation a tool belongs to: the folder above `bin`, or above `lib/node_modules` for a
// package's own script (npm -> lib/node_modules/npm/bin/npm-cli.js).
QString installationPrefix(const QString& canonicalFile)
{
    const qsizetype modules = canonicalFile.indexOf(u"/lib/node_modules/"_s);
    if (modules > 0)
        return canonicalFile.left(modules);
    const QFileInfo info(canonicalFile);
    const QString dir = info.absolutePath();
    if (QFileInfo(dir).fileName() == u"bin"_s)
        return QFileInfo(dir).absolutePath();
    return dir;
}

// Whether mounting `prefix` would show much more than a toolchain: the root, a top-level folder,
// the user's home or anything above it, or a folder directly in the home that is not a known
// toolchain manager (~/.local would expose ~/.local/share/keyrings).
bool isTooBroad(const QString& prefix, const QString& home)
{
    if (prefix.count(u'/') < 2)
        return true;
    if (!home.isEmpty() && isInside(home, prefix))
        return true;
    if (!home.isEmpty() && isInside(prefix, home)) {
        const QString relative = QDir(home).relativeFilePath(prefix);
        static const QStringList managers{u".nvm"_s,  u".volta"_s,  u".bun"_s, u".deno"_s,    u".fnm"_s,
                                          u".asdf"_s, u".nodenv"_s, u".n"_s,   u".nodebrew"_s};
        if (!relative.contains(u'/') && !managers.contains(relative))
            return true;
    }
    return false;
}

} // namespace

QString Bubblewrap::program()
{
    return QStandardPaths::findExecutable(u"bwrap"_s);
}

QString Bubblewrap::sandboxPath(const QStringList& extraDirectories)
{
    QStringList path = extraDirectories;
    path << u"/usr/local/bin"_s << u"/usr/bin"_s << u"/bin"_s << u"/usr/local/sbin"_s << u"/usr/sbin"_s
         << u"/sbin"_s;
    path.removeDuplicates();
    return path.join(u':');
}

QStringList Bubblewrap::arguments(const BubblewrapSpec& spec, const QStringList& command)
{
    QStringList args{
        u"--new-session"_s,
        u"--die-with-parent"_s,
        u"--unshare-all"_s,
        // bwrap 0.8 only accepts --disable-userns with an explicit --unshare-user (also as root).
        u"--unshare-user"_s,
    };
    if (spec.network == SandboxNetworkMode::Host)
        args << u"--share-net"_s;
    else if (spec.network == SandboxNetworkMode::Private)
        args << SandboxNetwork::bubblewrapArguments();
    if (spec.clearEnvironment)
        args << u"--clearenv"_s;
    args << u"--disable-userns"_s << u"--cap-drop"_s << u"ALL"_s;
    args << systemArguments();
    if (spec.network == SandboxNetworkMode::Private && !spec.resolvConf.isEmpty())
        args << u"--ro-bind"_s << spec.resolvConf << resolvConfTarget();
    args << u"--proc"_s << u"/proc"_s << u"--dev"_s << u"/dev"_s;
    args << u"--bind"_s << spec.tmpDirectory << u"/tmp"_s;
    args << u"--bind"_s << spec.homeDirectory
         << (spec.homeTarget.isEmpty() ? QString::fromLatin1(HomePath) : spec.homeTarget);
    args << u"--bind"_s << spec.workspace << QLatin1StringView(WorkspacePath);
    for (const BubblewrapMount& mount : spec.readOnlyMounts)
        args << u"--ro-bind"_s << mount.source << mount.target;
    for (const BubblewrapMount& mount : spec.readWriteMounts)
        args << u"--bind"_s << mount.source << mount.target;
    // The root itself is a throw-away tmpfs holding the mount points; read-only, so that nothing a
    // command writes outside the three writable folders appears to work.
    args << u"--remount-ro"_s << u"/"_s;
    args << u"--chdir"_s
         << (spec.workingDirectory.isEmpty() ? QString::fromLatin1(WorkspacePath) : spec.workingDirectory);
    for (auto it = spec.environment.cbegin(); it != spec.environment.cend(); ++it)
        args << u"--setenv"_s << it.key() << it.value();
    // "--" ends bwrap's options: a command starting with '-' cannot be read as one of them.
    args << u"--"_s << command;
    return args;
}

QCoro::Task<Bubblewrap::ProbeResult> Bubblewrap::probe(QString scratchDirectory,
                                                       QList<BubblewrapMount> mounts, QString resolvConf)
{
    const QString bwrap = program();
    if (bwrap.isEmpty())
        co_return ProbeResult{false, u"the bwrap program is not installed"_s};
    if (SandboxNetwork::program().isEmpty())
        co_return ProbeResult{false, u"the pasta program (package passt) is not installed"_s};

    BubblewrapSpec spec;
    spec.workspace = scratchDirectory + u"/workspace"_s;
    spec.homeDirectory = scratchDirectory + u"/home"_s;
    spec.tmpDirectory = scratchDirectory + u"/tmp"_s;
    spec.environment.insert(u"PATH"_s, sandboxPath({}));
    spec.readOnlyMounts = std::move(mounts);
    spec.network = SandboxNetworkMode::Private;
    spec.resolvConf = resolvConf;
    for (const QString& dir : {spec.workspace, spec.homeDirectory, spec.tmpDirectory}) {
        if (!QDir().mkpath(dir))
            co_return ProbeResult{false, u"could not create a test folder in %1"_s.arg(scratchDirectory)};
    }

    SandboxNetwork network({true, {}, {}});
    QString pipeError;
    if (!network.preparePipes(&pipeError))
        co_return ProbeResult{false, u"could not create pipes: %1"_s.arg(pipeError)};
    QProcess process;
    process.setProgram(bwrap);
    process.setArguments(arguments(spec, {u"true"_s}));
    process.setStandardInputFile(QProcess::nullDevice());
    process.setChildProcessModifier([&network] { network.setUpChild(); });
    process.start();
    const auto stopProcess = [&process] {
        if (process.state() != QProcess::NotRunning) {
            process.kill();
            process.waitForFinished(1000); // already killed: returns at once
        }
    };
    if (!process.waitForStarted(10000))
        co_return ProbeResult{false, u"bwrap could not be started: %1"_s.arg(process.errorString())};
    try {
        co_await network.connect(10s);
    } catch (const Failure& failure) {
        stopProcess();
        QString message = QString::fromUtf8(process.readAllStandardError()).trimmed().section(u'\n', 0, 0);
        co_return ProbeResult{false, message.isEmpty() ? failure.message()
                                                       : u"bwrap failed: %1"_s.arg(message.left(300))};
    }
    const bool finished = co_await waitForSignal(&process, &QProcess::finished, 10s);
    if (!finished) {
        stopProcess();
        co_return ProbeResult{false, u"bwrap did not finish a trivial command within 10 seconds"_s};
    }
    const int exitCode = process.exitCode();
    if (process.exitStatus() != QProcess::NormalExit || exitCode != 0) {
        QString message = QString::fromUtf8(process.readAllStandardError()).trimmed().section(u'\n', 0, 0);
        if (message.isEmpty())
            message = u"exit code %1"_s.arg(exitCode);
        co_return ProbeResult{false, u"bwrap failed: %1"_s.arg(message.left(300))};
    }
    co_return ProbeResult{true, {}};
}

HostToolchain HostToolchain::discover(const QString& hostPath, const QString& hostHome)
{
    HostToolchain toolchain;
    const QStringList searchPath = hostPath.split(u':', Qt::SkipEmptyParts);
    const QString home = hostHome.isEmpty() ? QString() : QFileInfo(hostHome).canonicalFilePath();
    QStringList prefixes;
    const auto addMount = [&](const QString& path) {
        for (const QString& prefix : std::as_const(prefixes)) {
            if (isInside(path, prefix))
                return;
        }
        prefixes.append(path);
        toolchain.mounts.append({path, path});
    };

    for (const QString& tool :
         {u"node"_s, u"npm"_s, u"npx"_s, u"corepack"_s, u"pnpm"_s, u"yarn"_s, u"bun"_s}) {
        const QString found = QStandardPaths::findExecutable(tool, searchPath);
        if (found.isEmpty())
            continue;
        const QString location = QFileInfo(QFileInfo(found).absolutePath()).canonicalFilePath();
        const QString target = QFileInfo(found).canonicalFilePath();
        if (location.isEmpty() || target.isEmpty() || (isSystemPath(location + u'/') && isSystemPath(target)))
            continue;
        bool usable = true;
        for (const QString& file : QStringList{location + u"/x"_s, target}) {
            if (isSystemPath(file))
                continue;
            const QString prefix = installationPrefix(file);
            if (isTooBroad(prefix, home)) {
                usable = false;
                break;
            }
            addMount(prefix);
        }
        if (usable) {
            toolchain.pathDirectories.append(location);
        } else if (QFileInfo(target).fileName() == tool && !isSystemPath(target)) {
            // A lone binary in a crowded folder (~/.local/bin/node): that file only.
            addMount(target);
            toolchain.pathDirectories.append(QFileInfo(target).absolutePath());
        }
    }
    toolchain.pathDirectories.removeDuplicates();
    return toolchain;
}

} // namespace forge
