#include "LocalProvider.h"

#include "Bubblewrap.h"
#include "GitEnvironment.h"
#include "HostServices.h"
#include "LocalProcess.h"
#include "LocalSandboxStore.h"
#include "WorkspaceApplier.h"
#include "core/Failure.h"
#include "core/InstallCacheKey.h"
#include "core/SandboxIsolation.h"
#include "core/SignalWait.h"

#include <QCoroFuture>
#include <QCoroSignal>
#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QHash>
#include <QHostAddress>
#include <QProcess>
#include <QPromise>
#include <QRandomGenerator>
#include <QSaveFile>
#include <QStandardPaths>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QThreadPool>
#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <map>
#include <optional>
#include <unistd.h>
#include <vector>

using namespace Qt::StringLiterals;
using namespace std::chrono_literals;

namespace forge {

namespace {

// Where an install-cache entry appears inside bubblewrap while it is restored or filled.
constexpr auto CacheEntryMountPoint = "/forge-cache-entry";

// Copies dependency folders between /workspace and an install-cache entry inside a sandbox, so that
// every path the repository controls is resolved in the sandbox's view, never on this machine: a
// folder of the repository replaced by a symbolic link can only lead to what the sandbox may touch
// anyway. A symbolic link on the way to a folder is refused all the same (exit 3), and one in place
// of the folder itself is removed on restore and skipped on save.
// $1: "restore" or "save"; then the folders, relative to the workspace.
// (Not a raw string literal: moc misreads the rest of the file after one.)
constexpr auto CacheCopyScript =
    "set -euf\n"
    "mode=$1; shift\n"
    "for dir in \"$@\"; do\n"
    "  path=/workspace\n"
    "  old_ifs=$IFS; IFS=/\n"
    "  for part in $dir; do\n"
    "    if [ -L \"$path\" ]; then echo \"refused: $path is a symbolic link\" >&2; exit 3; fi\n"
    "    path=$path/$part\n"
    "  done\n"
    "  IFS=$old_ifs\n"
    "  entry=/forge-cache-entry/$dir\n"
    "  if [ \"$mode\" = restore ]; then\n"
    "    rm -rf -- \"$path\"\n"
    "    if [ -e \"$entry\" ]; then mkdir -p -- \"${path%/*}\"; cp -a --reflink=auto -- \"$entry\" "
    "\"$path\"; fi\n"
    "  elif [ -d \"$path\" ] && [ ! -L \"$path\" ]; then\n"
    "    mkdir -p -- \"${entry%/*}\"; cp -a --reflink=auto -- \"$path\" \"$entry\"\n"
    "  fi\n"
    "done\n";

// cp with copy-on-write where the file system allows it (btrfs, XFS), a plain copy elsewhere;
// symbolic links are copied as links, never followed (-a), so a link a repository planted in
// node_modules cannot make the host copy files from outside the sandbox.
QCoro::Task<bool> copyTree(QString from, QString to)
{
    QProcess cp;
    cp.setProgram(u"cp"_s);
    cp.setArguments({u"-a"_s, u"--reflink=auto"_s, u"--"_s, from, to});
    cp.setProcessChannelMode(QProcess::MergedChannels);
    cp.start();
    co_await waitForSignal(&cp, &QProcess::finished, std::chrono::minutes(5));
    co_return cp.exitStatus() == QProcess::NormalExit&& cp.exitCode() == 0;
}

// Bubblewrap's probe in a scratch folder below `dataDirectory`.
QCoro::Task<Bubblewrap::ProbeResult> probeIn(QString dataDirectory, QList<BubblewrapMount> mounts,
                                             QString resolvConf)
{
    QTemporaryDir scratch(dataDirectory + u"/bwrap-probe-XXXXXX"_s);
    if (!scratch.isValid())
        co_return Bubblewrap::ProbeResult{false,
                                          u"could not create a test folder in %1"_s.arg(dataDirectory)};
    co_return co_await Bubblewrap::probe(scratch.path(), std::move(mounts), std::move(resolvConf));
}

// Lets coroutines that need the isolation decision while another one is still probing wait for it.
class IsolationGate : public QObject
{
    Q_OBJECT
Q_SIGNALS:
    void decided();
};

// More deletions than this go through SandboxProvider's implementation (200 a command).
constexpr qsizetype DeletionsInOneCommand = 2000;

// How long a timed-out command gets between SIGTERM and SIGKILL.
constexpr auto TimeoutGrace = 2s;
// What stopSandbox() gives each process.
constexpr auto StopGrace = 5s;

// The system's certificate authorities in one file, where the distributions keep it (Debian and
// Ubuntu, Fedora, openSUSE, Alpine); empty when none is there.
QString systemCertificateBundle()
{
    static const QString found = [] {
        for (const QString& path :
             {u"/etc/ssl/certs/ca-certificates.crt"_s, u"/etc/pki/tls/certs/ca-bundle.crt"_s,
              u"/etc/ssl/ca-bundle.pem"_s, u"/etc/ssl/cert.pem"_s}) {
            if (QFileInfo(path).isReadable())
                return path;
        }
        return QString();
    }();
    return found;
}

SandboxInfo toInfo(const SandboxRecord& record)
{
    return SandboxInfo{record.id, record.id, record.labels, record.state};
}

// A path the caller gave relative to the workspace, cleaned; throws when it leaves the workspace.
QString relativeInWorkspace(const QString& path, const QString& what)
{
    if (path.isEmpty())
        return {};
    const QString clean = QDir::cleanPath(path);
    if (QDir::isAbsolutePath(clean) || clean == u".."_s || clean.startsWith(u"../"_s)) {
        throw Failure::permanent(u"The %1 “%2” is outside the sandbox's workspace."_s.arg(what, path),
                                 u"Give a folder relative to the repository root, without “..”."_s);
    }
    return clean == u"."_s ? QString() : clean;
}

// Whether every one of `directories` (node_modules…) names a folder strictly inside the workspace:
// never "", ".", "../x" or "/x".
bool areDependencyFolders(const QStringList& directories)
{
    return std::all_of(directories.cbegin(), directories.cend(), [](const QString& directory) {
        try {
            return !relativeInWorkspace(directory, u"dependency folder"_s).isEmpty();
        } catch (const Failure&) {
            return false;
        }
    });
}

// Whether a folder on the way from `workspace` to `relative` (not `relative` itself) is a symbolic
// link, which the repository may have planted to send a copy elsewhere.
bool hasLinkOnTheWay(const QString& workspace, const QString& relative)
{
    QString path = workspace;
    const QStringList parts = relative.split(u'/', Qt::SkipEmptyParts);
    for (qsizetype i = 0; i + 1 < parts.size(); ++i) {
        path += u'/' + parts.at(i);
        if (QFileInfo(path).isSymLink())
            return true;
    }
    return false;
}

// The host folder for `relative`, which must exist and (after following symbolic links, which the
// repository controls) still be inside the workspace.
QString existingFolderInWorkspace(const QString& workspace, const QString& relative, const QString& what)
{
    const QString path = relative.isEmpty() ? workspace : workspace + u'/' + relative;
    const QFileInfo info(path);
    const QString canonical = info.canonicalFilePath();
    const QString root = QFileInfo(workspace).canonicalFilePath();
    if (!info.isDir() || canonical.isEmpty()) {
        throw Failure::permanent(
            u"The %1 “%2” does not exist in the sandbox's workspace."_s.arg(what, relative),
            u"Check the folder in the project's settings; it is relative to the "
            "repository root."_s);
    }
    if (canonical != root && !canonical.startsWith(root + u'/')) {
        throw Failure::permanent(
            u"The %1 “%2” links to a place outside the sandbox's workspace."_s.arg(what, relative),
            u"Choose a real folder of the repository, not a symbolic link out of it."_s);
    }
    return path;
}

Failure programNotFound(const QString& program)
{
    static const QStringList nodeTools{u"node"_s, u"npm"_s, u"npx"_s, u"corepack"_s};
    static const QStringList corepackTools{u"pnpm"_s, u"yarn"_s};
    const QString name = QFileInfo(program).fileName();
    QString advice;
    if (nodeTools.contains(name))
        advice = u"Install Node.js (it includes npm and npx) on this computer, then try again."_s;
    else if (corepackTools.contains(name))
        advice = u"Install %1 on this computer (for example with “corepack enable” after installing "
                 "Node.js), then try again."_s.arg(name);
    else if (name == u"bun"_s)
        advice = u"Install Bun on this computer, then try again."_s;
    else if (name == u"git"_s)
        advice = u"Install git on this computer, then try again."_s;
    else if (program.contains(u'/'))
        advice = u"Check the command: this file does not exist or cannot be executed (for a project "
                 "script, install the dependencies first)."_s;
    else
        advice = u"Install “%1” on this computer so that it is on the PATH, then try again."_s.arg(name);
    return Failure::permanent(u"“%1” was not found in the sandbox."_s.arg(program), advice);
}

bool isExecutableFile(const QString& path)
{
    const QFileInfo info(path);
    return info.isFile() && info.isExecutable();
}

void emptyFolder(const QString& path)
{
    QDir dir(path);
    const QFileInfoList entries =
        dir.entryInfoList(QDir::AllEntries | QDir::Hidden | QDir::System | QDir::NoDotAndDotDot);
    for (const QFileInfo& entry : entries) {
        const bool removed = entry.isDir() && !entry.isSymLink() ? QDir(entry.filePath()).removeRecursively()
                                                                 : QFile::remove(entry.filePath());
        if (!removed) {
            throw Failure::permanent(u"Could not empty the sandbox's workspace (%1)."_s.arg(entry.filePath()),
                                     u"Stop programs that use files in it, or delete the sandbox and "
                                     "run the preview again."_s);
        }
    }
}

// The URL git clones. A local repository must be an existing folder; in an isolated run only that
// folder, read-only, is mounted (added to `mounts`) at a fixed place: git inside sees nothing else of
// the host's files.
QUrl cloneSourceUrl(const QUrl& url, bool isolatedRun, QList<BubblewrapMount>* mounts)
{
    if (!url.isLocalFile())
        return url;
    const QString source = QDir::cleanPath(url.toLocalFile());
    if (!QFileInfo(source).isDir()) {
        throw Failure::permanent(u"The local repository “%1” does not exist."_s.arg(source),
                                 u"Choose an existing folder that contains a Git repository."_s);
    }
    if (!isolatedRun)
        return url;
    mounts->append({source, u"/source"_s});
    return QUrl::fromLocalFile(u"/source"_s);
}

bool isPortFree(quint16 port)
{
    // One at a time: on Linux a wildcard listener and a loopback listener on the same port conflict.
    for (const QHostAddress& address :
         {QHostAddress(QHostAddress::LocalHost), QHostAddress(QHostAddress::AnyIPv4)}) {
        QTcpServer server;
        if (!server.listen(address, port))
            return false;
        server.close();
    }
    return true;
}

} // namespace

struct LocalProvider::Private
{
    Options options;
    LocalSandboxStore store;
    HostToolchain toolchain;
    HostServices services;
    QString hostPath;
    std::optional<bool> isolated;
    QString isolationProblem;
    bool probing = false;
    IsolationGate gate;
    QHash<QString, std::vector<std::weak_ptr<LocalProcess>>> live;
    std::map<QString, std::unique_ptr<WorkspaceApplier>> appliers; // applyWorkspaceChanges()'s
    const LocalProvider* owner = nullptr; // for its tool cache (SandboxProvider::toolchains())

    explicit Private(Options o)
        : options(std::move(o))
        , store(options.dataDirectory + u"/sandboxes"_s)
    {
        if (options.cacheDirectory.isEmpty())
            options.cacheDirectory = options.dataDirectory + u"/cache"_s;
    }

    QString installCachePath() const { return options.cacheDirectory + u"/installs"_s; }
    // The sandboxes' /etc/resolv.conf: DNS goes through pasta (SandboxNetwork::DnsAddress).
    QString resolvConfPath() const { return options.dataDirectory + u"/network/resolv.conf"_s; }

    void writeResolvConf() const
    {
        QDir().mkpath(QFileInfo(resolvConfPath()).path());
        QSaveFile file(resolvConfPath());
        if (file.open(QIODevice::WriteOnly)) {
            file.write("# Written by Forge Preview: sandboxes resolve names through pasta.\nnameserver ");
            file.write(SandboxNetwork::DnsAddress);
            file.write("\n");
            file.commit();
        }
    }

    QString homeInside() const
    {
        return options.homeInside.isEmpty() ? QString::fromLatin1(Bubblewrap::HomePath) : options.homeInside;
    }

    // The bubblewrap part every command of sandbox `id` shares.
    BubblewrapSpec bubblewrap(const QString& id) const
    {
        BubblewrapSpec bwrap;
        bwrap.workspace = store.workspacePath(id);
        bwrap.homeDirectory = store.homePath(id);
        bwrap.homeTarget = homeInside();
        bwrap.tmpDirectory = store.tmpPath(id);
        bwrap.workingDirectory = QString::fromLatin1(Bubblewrap::WorkspacePath);
        // The environment reaches the command through bwrap's own (set exactly on the QProcess), not
        // --setenv, which is argv that every local user can read; a proxy URL may hold a password.
        bwrap.clearEnvironment = false;
        bwrap.readOnlyMounts = toolchain.mounts;
        bwrap.resolvConf = resolvConfPath();
        return bwrap;
    }

    SandboxRecord require(const QString& id) const
    {
        if (auto record = store.load(id))
            return *record;
        throw Failure::permanent(u"The sandbox “%1” does not exist."_s.arg(id),
                                 u"It may have been deleted; run the preview again to create a new one."_s);
    }

    // The environment every command starts from: nothing of the user's own environment (tokens,
    // D-Bus and display addresses, SSH agents), only what builds need.
    QMap<QString, QString> baseEnvironment(const QString& id, bool isolatedRun) const
    {
        QMap<QString, QString> env{
            {u"LANG"_s, u"C.UTF-8"_s},
            // No colours or prompts meant for a person at a terminal: the log is a plain text panel.
            {u"TERM"_s, u"dumb"_s},
            // npm, pnpm, yarn and the frameworks' CLIs skip questions and interactive UIs.
            {u"CI"_s, u"true"_s},
        };
        if (isolatedRun) {
            env.insert(u"HOME"_s, homeInside());
            env.insert(u"TMPDIR"_s, u"/tmp"_s);
            env.insert(u"PATH"_s, Bubblewrap::sandboxPath(toolchain.pathDirectories));
        } else {
            env.insert(u"HOME"_s, store.homePath(id));
            env.insert(u"TMPDIR"_s, store.tmpPath(id));
            env.insert(u"PATH"_s, hostPath);
        }
        // The package managers' download caches stay where they put them, in the sandbox's own home
        // (~/.npm, ~/.cache/yarn, ~/.bun, pnpm's store): one project's sandbox cannot change what
        // another's installs take. A shared cache would let it: Yarn (classic, and Berry without
        // --check-cache) and Bun trust what is there, and npm trusts cached metadata.
        for (auto it = services.variables.cbegin(); it != services.variables.cend(); ++it)
            env.insert(it.key(), it.value());
        return env;
    }

    // The path of `program` as the command will see it; throws when there is no such program.
    QString resolveProgram(const QString& id, const QString& program, const QString& cwdRelative,
                           const QString& path, bool isolatedRun) const
    {
        const QString workspace = store.workspacePath(id);
        const QString insideWorkspace = QString::fromLatin1(Bubblewrap::WorkspacePath);
        if (program.isEmpty())
            throw Failure::permanent(u"An empty command was given."_s,
                                     u"Check the command in the run plan."_s);
        if (!program.contains(u'/')) {
            // Every PATH folder of a sandbox exists at the same path on the host (system folders and
            // toolchains are mounted where they are), so the host can answer for the sandbox.
            const QString found =
                QStandardPaths::findExecutable(program, path.split(u':', Qt::SkipEmptyParts));
            if (found.isEmpty())
                throw programNotFound(program);
            return found;
        }
        if (QDir::isAbsolutePath(program)) {
            QString host = program;
            if (isolatedRun) {
                const QString clean = QDir::cleanPath(program);
                if (clean == insideWorkspace || clean.startsWith(insideWorkspace + u'/'))
                    host = workspace + clean.mid(insideWorkspace.size());
                else if (clean.startsWith(homeInside() + u'/'))
                    host = store.homePath(id) + clean.mid(homeInside().size());
            }
            if (!isExecutableFile(host))
                throw programNotFound(program);
            return program;
        }
        // Relative to the working folder (./node_modules/.bin/vite).
        const QString relative =
            QDir::cleanPath((cwdRelative.isEmpty() ? QString() : cwdRelative + u'/') + program);
        if (relative.startsWith(u"../"_s) || !isExecutableFile(workspace + u'/' + relative))
            throw programNotFound(program);
        return (isolatedRun ? insideWorkspace : workspace) + u'/' + relative;
    }

    LaunchSpec launchSpec(const QString& id, const CommandSpec& spec, bool isolatedRun) const
    {
        if (spec.argv.isEmpty())
            throw Failure::permanent(u"An empty command was given."_s,
                                     u"Check the command in the run plan."_s);
        const QString workspace = store.workspacePath(id);
        const QString cwd = relativeInWorkspace(spec.workingDirectory, u"working folder"_s);
        const QString hostCwd = existingFolderInWorkspace(workspace, cwd, u"working folder"_s);

        QMap<QString, QString> env = baseEnvironment(id, isolatedRun);
        // Both reach the command through the process environment (LaunchSpec), never argv: the
        // project's variables may be secrets.
        for (const QMap<QString, QString>* added : {&spec.environment, &spec.privateEnvironment}) {
            for (auto it = added->cbegin(); it != added->cend(); ++it) {
                if (it.key().isEmpty() || it.key().contains(u'=') || it.key().contains(QChar(0)) ||
                    it.value().contains(QChar(0))) {
                    throw Failure::permanent(
                        u"The environment variable name “%1” is not valid."_s.arg(it.key()),
                        u"Use names made of letters, digits and underscores."_s);
                }
                env.insert(it.key(), it.value());
            }
        }
        const QList<BubblewrapMount> tools = toolMounts(spec.toolDirectories);
        if (!spec.toolDirectories.isEmpty()) {
            env.insert(u"PATH"_s,
                       isolatedRun ? Bubblewrap::sandboxPath(spec.toolDirectories + toolchain.pathDirectories)
                                   : (spec.toolDirectories + QStringList{hostPath}).join(u':'));
            // A fetched Node.js (nodejs.org's build) trusts only the certificates built into it,
            // unlike the distribution's, which uses the system's store: behind a proxy or registry
            // with a company's own authority its installs fail (SELF_SIGNED_CERT_IN_CHAIN). The
            // system's bundle is added to them, unless the project says otherwise. /etc is bound
            // read-only into every sandbox (Bubblewrap.cpp).
            const QString bundle = systemCertificateBundle();
            if (!bundle.isEmpty() && !env.contains(u"NODE_EXTRA_CA_CERTS"_s))
                env.insert(u"NODE_EXTRA_CA_CERTS"_s, bundle);
        }
        QStringList command = spec.argv;
        command[0] = resolveProgram(id, spec.argv.first(), cwd, env.value(u"PATH"_s), isolatedRun);

        LaunchSpec launch;
        for (auto it = env.cbegin(); it != env.cend(); ++it)
            launch.environment.insert(it.key(), it.value());
        if (isolatedRun) {
            BubblewrapSpec bwrap = bubblewrap(id);
            bwrap.workingDirectory += cwd.isEmpty() ? QString() : u'/' + cwd;
            bwrap.readOnlyMounts += tools;
            bwrap.network = options.hostNetwork ? SandboxNetworkMode::Host : SandboxNetworkMode::Private;
            launch.program = Bubblewrap::program();
            launch.arguments = Bubblewrap::arguments(bwrap, command);
            launch.workingDirectory = workspace;
            launch.leaderIsSupervisor = true;
            launch.network = NetworkSpec{!options.hostNetwork, spec.exposedPorts, services.loopbackPorts()};
        } else {
            launch.program = command.takeFirst();
            launch.arguments = command;
            launch.workingDirectory = hostCwd;
        }
        return launch;
    }

    // The tool cache entries whose bin/ folders a command puts on its PATH, bound read-only where
    // they are (their links are relative to the entry). Only folders of the tool cache: anything
    // else is refused, so that no other host folder can be brought into a sandbox this way.
    QList<BubblewrapMount> toolMounts(const QStringList& toolDirectories) const
    {
        QList<BubblewrapMount> mounts;
        if (toolDirectories.isEmpty())
            return mounts;
        const QString root = toolCacheRoot();
        for (const QString& folder : toolDirectories) {
            const QFileInfo bin(folder);
            const QString entry = QFileInfo(bin.absolutePath()).canonicalFilePath();
            if (root.isEmpty() || bin.fileName() != u"bin"_s || !bin.isDir() || entry.isEmpty() ||
                !entry.startsWith(root + u'/')) {
                throw Failure::permanent(
                    u"The tool folder “%1” is not in the tool cache."_s.arg(folder),
                    u"Run the preview again; if this persists, clear the tool cache in Settings > "
                    "Toolchains."_s);
            }
            mounts.append({entry, bin.absolutePath()});
        }
        return mounts;
    }

    QString toolCacheRoot() const
    {
        Toolchains* toolchains = owner ? owner->toolchains() : nullptr;
        return toolchains ? QFileInfo(toolchains->cache().root()).canonicalFilePath() : QString();
    }

    // git's environment for a clone: the base one (with `cloneHome` as home outside the sandbox),
    // limits that end a stalled transfer, and GitEnvironment's scrubbed configuration with the token.
    QProcessEnvironment cloneEnvironment(const QString& id, bool isolatedRun, const QString& cloneHome,
                                         const QUrl& cloneUrl, const QString& authToken) const
    {
        QProcessEnvironment base;
        const QMap<QString, QString> baseMap = baseEnvironment(id, isolatedRun);
        for (auto it = baseMap.cbegin(); it != baseMap.cend(); ++it)
            base.insert(it.key(), it.value());
        if (!isolatedRun)
            base.insert(u"HOME"_s, cloneHome);
        // A stalled connection ends the clone instead of hanging it: below 1 byte/s for a minute.
        base.insert(u"GIT_HTTP_LOW_SPEED_LIMIT"_s, u"1"_s);
        base.insert(u"GIT_HTTP_LOW_SPEED_TIME"_s, u"60"_s);
        return GitEnvironment::forClone(base, cloneUrl, authToken);
    }

    // How git `command` starts for a clone into the workspace of sandbox `id`; the caller sets the
    // environment (cloneEnvironment()).
    LaunchSpec cloneLaunch(const QString& id, bool isolatedRun, QStringList command, const QString& cloneHome,
                           const QList<BubblewrapMount>& mounts) const
    {
        LaunchSpec launch;
        if (isolatedRun) {
            // The token must not reach bwrap's argv, and --setenv is argv (readable by every local user
            // in /proc/<pid>/cmdline). So for the clone bwrap runs WITHOUT --clearenv and the command
            // inherits bwrap's own environment, which is not the user's: the QProcess environment is set
            // to exactly the explicit one (base variables + GitEnvironment's scrubbed git
            // configuration). The token is then only in the environment of bwrap and git, readable by
            // this user alone, which is what docs/security-notes.md (test plan 1) allows.
            BubblewrapSpec bwrap = bubblewrap(id);
            bwrap.homeDirectory = cloneHome;
            bwrap.readOnlyMounts = mounts;
            // git is ours and runs no repository code (no hooks, no config files, no submodules:
            // GitEnvironment), so it may use this machine's network: a repository on a server on this
            // machine, a proxy or a VPN reach it as they reach the user's own git.
            bwrap.network = SandboxNetworkMode::Host;
            launch.program = Bubblewrap::program();
            launch.arguments = Bubblewrap::arguments(bwrap, command);
            launch.leaderIsSupervisor = true;
        } else {
            launch.program = command.takeFirst();
            launch.arguments = command;
        }
        launch.workingDirectory = store.workspacePath(id);
        return launch;
    }
};

QString LocalProvider::defaultCacheDirectory()
{
    const QString overridden = qEnvironmentVariable("FORGE_PREVIEW_DATA_DIR");
    if (!overridden.isEmpty())
        return QDir(overridden).absoluteFilePath(u"cache"_s);
    return QStandardPaths::writableLocation(QStandardPaths::CacheLocation);
}

QString LocalProvider::cacheDirectoryFor(const QString& dataDirectory)
{
    return dataDirectory == defaultDataDirectory() ? defaultCacheDirectory() : dataDirectory + u"/cache"_s;
}

QCoro::Task<bool> LocalProvider::restoreDependencies(QString id, QString key, QStringList directories)
{
    if (!InstallCacheKey::isValid(key) || !d->store.load(id))
        co_return false;
    const QString entry = d->installCachePath() + u'/' + key;
    if (!QFileInfo(entry).isDir())
        co_return false;
    const bool restored = co_await copyDependencies(id, CacheCopy::Restore, entry, directories);
    if (!restored)
        co_return false;
    // Used now: the least recently used entries are the first to go (saveDependencies()).
    QFile(entry).setFileTime(QDateTime::currentDateTimeUtc(), QFileDevice::FileModificationTime);
    co_return true;
}

QCoro::Task<QStringList> LocalProvider::provideTools(QString id, QList<ToolChoice> tools,
                                                     ToolProgress progress)
{
    Q_UNUSED(id); // every sandbox shares the per-user cache; toolMounts() binds what a command uses
    Toolchains* toolchains = this->toolchains();
    if (!toolchains) {
        throw Failure::permanent(
            u"This back end has no tool cache to take Node.js and package managers from."_s,
            u"Install the tools the project needs on this computer."_s);
    }
    QStringList directories;
    for (const ToolChoice& tool : std::as_const(tools)) {
        const ToolCacheEntry entry = co_await toolchains->cache().ensure(
            toolchains->registry(), tool.packageName, tool.version, downloadReporter(tool, progress));
        toolchains->cache().use(entry);
        directories.append(entry.binDirectory());
    }
    co_return directories;
}

QCoro::Task<bool> LocalProvider::saveDependencies(QString id, QString key, QStringList directories)
{
    constexpr int KeptEntries = 8;
    if (!InstallCacheKey::isValid(key) || !d->store.load(id))
        co_return false;
    const QString cache = d->installCachePath();
    const QString entry = cache + u'/' + key;
    if (QFileInfo(entry).isDir())
        co_return true; // another sandbox saved the same install already
    if (!QDir().mkpath(cache))
        co_return false;
    QTemporaryDir partial(cache + u"/.partial-XXXXXX");
    if (!partial.isValid())
        co_return false;
    const bool copied = co_await copyDependencies(id, CacheCopy::Save, partial.path(), directories);
    if (!copied)
        co_return false;
    // Whole or not at all: the entry appears under its key only once complete.
    if (!QDir().rename(partial.path(), entry))
        co_return QFileInfo(entry).isDir();
    partial.setAutoRemove(false);

    QFileInfoList entries = QDir(cache).entryInfoList(QDir::Dirs | QDir::NoDotAndDotDot, QDir::Time);
    for (qsizetype i = KeptEntries; i < entries.size(); ++i)
        QDir(entries.at(i).absoluteFilePath()).removeRecursively();
    co_return true;
}

// Isolated, the copy runs inside the sandbox (CacheCopyScript), the entry bound in read-only to
// restore and read-write to save; nothing on this machine follows a path the repository controls.
// Without isolation (the user's explicit choice: repository code already runs as the user) the
// host copies after refusing symbolic links on the way.
QCoro::Task<bool> LocalProvider::copyDependencies(QString id, CacheCopy mode, QString entry,
                                                  QStringList directories)
{
    if (!areDependencyFolders(directories))
        co_return false;
    bool isolatedRun = false;
    try {
        isolatedRun = co_await isolation();
    } catch (const Failure&) {
        co_return false; // the cache never throws (SandboxProvider); the next command will say why
    }
    if (!isolatedRun)
        co_return co_await copyDependenciesOnHost(id, mode, entry, directories);

    BubblewrapSpec bwrap = d->bubblewrap(id);
    const BubblewrapMount mount{entry, QString::fromLatin1(CacheEntryMountPoint)};
    if (mode == CacheCopy::Restore)
        bwrap.readOnlyMounts.append(mount);
    else
        bwrap.readWriteMounts.append(mount);
    QStringList command{u"/bin/sh"_s, u"-c"_s, QString::fromLatin1(CacheCopyScript), u"sh"_s,
                        mode == CacheCopy::Restore ? u"restore"_s : u"save"_s};
    command << directories;
    LaunchSpec launch;
    launch.program = Bubblewrap::program();
    launch.arguments = Bubblewrap::arguments(bwrap, command);
    launch.workingDirectory = d->store.workspacePath(id);
    launch.environment.insert(u"LANG"_s, u"C.UTF-8"_s);
    launch.environment.insert(u"PATH"_s, Bubblewrap::sandboxPath({}));
    launch.leaderIsSupervisor = true;
    auto process = std::make_shared<LocalProcess>(std::move(launch));
    try {
        co_await this->launch(id, process);
    } catch (const Failure&) {
        co_return false;
    }
    const bool finished = co_await process->waitForFinished(std::chrono::minutes(5));
    if (!finished)
        co_await process->stop(TimeoutGrace);
    co_return finished && process->result().succeeded();
}

QCoro::Task<bool> LocalProvider::copyDependenciesOnHost(QString id, CacheCopy mode, QString entry,
                                                        QStringList directories)
{
    const QString workspace = d->store.workspacePath(id);
    for (const QString& directory : std::as_const(directories)) {
        const QString relative = QDir::cleanPath(directory);
        if (hasLinkOnTheWay(workspace, relative))
            co_return false;
        const QString inWorkspace = workspace + u'/' + relative;
        const QString inEntry = entry + u'/' + relative;
        const QFileInfo info(inWorkspace);
        if (mode == CacheCopy::Restore) {
            // QDir::removeRecursively removes links, never what they point to.
            if (info.isSymLink() ? !QFile::remove(inWorkspace)
                                 : (info.exists() && !QDir(inWorkspace).removeRecursively()))
                co_return false;
            if (!QFileInfo::exists(inEntry))
                continue;
            if (!QDir().mkpath(QFileInfo(inWorkspace).path()))
                co_return false;
            const bool copied = co_await copyTree(inEntry, inWorkspace);
            if (!copied)
                co_return false;
        } else if (info.isDir() && !info.isSymLink()) {
            if (!QDir().mkpath(QFileInfo(inEntry).path()))
                co_return false;
            const bool copied = co_await copyTree(inWorkspace, inEntry);
            if (!copied)
                co_return false;
        }
    }
    co_return true;
}

QString LocalProvider::defaultDataDirectory()
{
    const QString overridden = qEnvironmentVariable("FORGE_PREVIEW_DATA_DIR");
    if (!overridden.isEmpty())
        return QDir(overridden).absolutePath();
    return QStandardPaths::writableLocation(QStandardPaths::AppLocalDataLocation);
}

LocalProvider::LocalProvider(Options options, QObject* parent)
    : SandboxProvider(parent)
    , d(std::make_unique<Private>(std::move(options)))
{
    d->owner = this;
    d->hostPath = qEnvironmentVariable("PATH", u"/usr/local/bin:/usr/bin:/bin"_s);
    d->toolchain = HostToolchain::discover(d->hostPath, qEnvironmentVariable("HOME"));
    d->services = HostServices::ofThisUser();
    QDir().mkpath(d->store.rootDirectory());
    d->writeResolvConf();

    // A new provider means a new run of the app: nothing it did before is still running on purpose.
    // Processes that survived a crash (plain mode; bubblewrap dies with its parent) are killed, and
    // started sandboxes read as stopped until something starts them again.
    const QList<SandboxRecord> records = d->store.loadAll();
    for (SandboxRecord record : records) {
        if (record.processes.isEmpty() && record.state != SandboxState::Started &&
            record.state != SandboxState::Creating)
            continue;
        for (const ProcessRecord& process : std::as_const(record.processes))
            ProcessTable::killRecorded(process);
        record.processes.clear();
        if (record.state == SandboxState::Started || record.state == SandboxState::Creating)
            record.state = SandboxState::Stopped;
        try {
            d->store.save(record);
        } catch (const Failure& failure) {
            qWarning("%s", failure.what());
        }
    }
}

LocalProvider::~LocalProvider() = default;

bool LocalProvider::isIsolated() const
{
    return d->isolated.value_or(false);
}

QString LocalProvider::workspacePath(const QString& id) const
{
    return d->store.workspacePath(id);
}

QCoro::Task<QString> LocalProvider::workspacePathInside(QString id)
{
    const bool isolatedRun = co_await isolation();
    co_return isolatedRun ? QString::fromLatin1(Bubblewrap::WorkspacePath) : d->store.workspacePath(id);
}

QString LocalProvider::homePath(const QString& id) const
{
    return d->store.homePath(id);
}

QString LocalProvider::tmpPath(const QString& id) const
{
    return d->store.tmpPath(id);
}

QCoro::Task<QString> LocalProvider::homePathInside(QString id)
{
    const bool isolatedRun = co_await isolation();
    co_return isolatedRun ? d->homeInside() : d->store.homePath(id);
}

QCoro::Task<std::optional<SandboxInfo>> LocalProvider::findSandbox(QMap<QString, QString> labels)
{
    const QList<SandboxRecord> records = d->store.loadAll();
    std::optional<SandboxRecord> best;
    for (const SandboxRecord& record : records) {
        bool all = true;
        for (auto it = labels.cbegin(); it != labels.cend() && all; ++it)
            all = record.labels.contains(it.key()) && record.labels.value(it.key()) == it.value();
        // The newest wins when several carry the labels (a later generation replaced an older one).
        if (all && (!best || record.created > best->created))
            best = record;
    }
    if (!best)
        co_return std::nullopt;
    co_return toInfo(*best);
}

QCoro::Task<SandboxInfo> LocalProvider::createSandbox(SandboxSpec spec)
{
    if (!LocalSandboxStore::isValidName(spec.name)) {
        throw Failure::permanent(u"“%1” is not a valid sandbox name."_s.arg(spec.name),
                                 u"Use letters, digits, '.', '_' and '-' only (at most 128)."_s);
    }
    // Isolation is checked first, so a machine without it fails at "Create sandbox".
    co_await isolation();
    // No co_await from here on: checking and creating happen in one go on the event loop, so two
    // concurrent creates of the same name cannot both create.
    if (auto existing = d->store.load(spec.name)) {
        bool changed = false;
        for (auto it = spec.labels.cbegin(); it != spec.labels.cend(); ++it) {
            if (existing->labels.value(it.key()) != it.value()) {
                existing->labels.insert(it.key(), it.value());
                changed = true;
            }
        }
        if (changed)
            d->store.save(*existing);
        co_return toInfo(*existing);
    }
    co_return toInfo(d->store.create(spec.name, spec.labels));
}

QCoro::Task<SandboxInfo> LocalProvider::getSandbox(QString id)
{
    co_return toInfo(d->require(id));
}

QCoro::Task<> LocalProvider::startSandbox(QString id)
{
    SandboxRecord record = d->require(id);
    if (record.state != SandboxState::Started) {
        record.state = SandboxState::Started;
        d->store.save(record);
    }
    co_return;
}

QCoro::Task<> LocalProvider::stopSandbox(QString id)
{
    d->require(id);
    std::vector<std::shared_ptr<LocalProcess>> processes;
    for (const auto& weak : d->live.value(id)) {
        if (auto process = weak.lock(); process && process->isRunning())
            processes.push_back(std::move(process));
    }
    // All at once: tasks start running when created, so the grace periods overlap.
    std::vector<QCoro::Task<>> stops;
    stops.reserve(processes.size());
    for (const auto& process : processes)
        stops.push_back(process->stop(StopGrace));
    for (auto& stop : stops)
        co_await stop;

    // Anything recorded that we do not hold (left by an earlier run of the app).
    if (auto record = d->store.load(id)) {
        for (const ProcessRecord& process : std::as_const(record->processes))
            ProcessTable::killRecorded(process);
        record->processes.clear();
        record->state = SandboxState::Stopped;
        d->store.save(*record);
    }
}

QCoro::Task<> LocalProvider::deleteSandbox(QString id)
{
    if (!d->store.load(id))
        co_return; // already gone: deleting is idempotent
    co_await stopSandbox(id);
    d->live.remove(id);
    d->appliers.erase(id);
    d->store.remove(id);
}

// Whether commands run inside bubblewrap; throws when isolation was asked for and does not work:
// repository code never runs with less isolation than the user chose. A working setup is probed
// once; a failing one again at the next run, so installing what was missing is enough. Concurrent
// callers wait for the one probe in progress.
QCoro::Task<bool> LocalProvider::isolation()
{
    if (d->options.isolation == Isolation::None)
        co_return false;
    if (d->isolated == false && !d->probing)
        d->isolated.reset();
    if (!d->isolated) {
        if (d->probing) {
            co_await qCoro(&d->gate, &IsolationGate::decided);
        } else {
            d->probing = true;
            // Twice before saying no: under heavy load the kernel was seen to refuse bwrap's loopback
            // set-up once ("loopback: Failed RTM_NEWADDR: No child processes", test_hostile_git_config
            // during a parallel build), and a run should not fail for that. Still fails closed.
            const QString data = d->options.dataDirectory;
            Bubblewrap::ProbeResult result = co_await probeIn(data, d->toolchain.mounts, d->resolvConfPath());
            if (!result.works)
                result = co_await probeIn(data, d->toolchain.mounts, d->resolvConfPath());
            d->isolated = result.works;
            d->isolationProblem = result.reason;
            d->probing = false;
            if (result.works && !d->services.loopback.isEmpty()) {
                Q_EMIT notice(u"Sandboxes have a network of their own; on this computer they reach only "
                              "%1, as you configured."_s.arg(d->services.describeLoopback()));
            }
            Q_EMIT d->gate.decided();
        }
    }
    if (!*d->isolated)
        throw SandboxIsolation::unavailable(d->isolationProblem);
    co_return true;
}

QCoro::Task<> LocalProvider::launch(const QString& id, std::shared_ptr<LocalProcess> process)
{
    auto& live = d->live[id];
    std::erase_if(live, [](const std::weak_ptr<LocalProcess>& weak) {
        auto locked = weak.lock();
        return !locked || locked->hasFinished();
    });
    live.push_back(process);

    co_await process->start();

    const ProcessRecord started = process->record();
    const auto updateRecord = [this, id](const std::function<void(SandboxRecord&)>& change) {
        auto record = d->store.load(id);
        if (!record)
            return; // deleted meanwhile: nothing to keep track of
        change(*record);
        try {
            d->store.save(*record);
        } catch (const Failure& failure) {
            // Bookkeeping only; the command itself is fine. Losing the record means a crash could
            // leave this process running in plain mode, which is what the warning is for.
            qWarning("%s", failure.what());
        }
    };
    updateRecord([&](SandboxRecord& record) { record.processes.append(started); });
    connect(process.get(), &LocalProcess::finished, this, [updateRecord, started] {
        updateRecord([&](SandboxRecord& record) { record.processes.removeAll(started); });
    });
    if (process->hasFinished()) // finished before the connection was made
        updateRecord([&](SandboxRecord& record) { record.processes.removeAll(started); });
}

QCoro::Task<CommandResult> LocalProvider::cloneRepository(QString id, CloneSpec spec, OutputSink sink)
{
    d->require(id);
    QString reason;
    if (!GitEnvironment::isAllowedUrl(spec.url, &reason))
        throw Failure::permanent(u"This repository address cannot be cloned."_s, reason);
    const QString target = relativeInWorkspace(spec.targetDirectory, u"clone folder"_s);
    const bool isolatedRun = co_await isolation();

    const QString workspace = d->store.workspacePath(id);
    QList<BubblewrapMount> mounts = d->toolchain.mounts;
    const QUrl cloneUrl = cloneSourceUrl(spec.url, isolatedRun, &mounts);

    // The previous clone goes (and with it whatever an earlier run built); the folder stays because
    // it is what bubblewrap mounts.
    emptyFolder(workspace);
    if (!target.isEmpty() && !QDir().mkpath(workspace + u'/' + target)) {
        throw Failure::permanent(
            u"Could not create the folder “%1” in the sandbox's workspace."_s.arg(target),
            u"Check that the disk is not full."_s);
    }

    const QString git = d->resolveProgram(id, u"git"_s, {},
                                          d->baseEnvironment(id, isolatedRun).value(u"PATH"_s), isolatedRun);
    // A home of its own for every clone, empty and outside everything a sandbox can write: the
    // sandbox home keeps what repository scripts put there (a ~/.gitconfig with a proxy that would
    // receive the token), and git must read nothing of it. Removed when the clone ends.
    QTemporaryDir cloneHome(d->store.sandboxPath(id) + u"/clone-home-XXXXXX"_s);
    if (!cloneHome.isValid()) {
        throw Failure::permanent(
            u"Could not create a folder for the clone in %1."_s.arg(d->store.sandboxPath(id)),
            u"Check that the disk is not full and the folder is writable."_s);
    }
    // One git clone, or the four commands that check out a pull request's head; each runs as the
    // clone does, and the first that fails ends it.
    const QList<QStringList> invocations = GitEnvironment::checkoutArguments(
        cloneUrl, spec.branch, spec.pullRequest, spec.depth, target.isEmpty() ? u"."_s : target);
    CommandResult result;
    for (const QStringList& arguments : invocations) {
        LaunchSpec launch =
            d->cloneLaunch(id, isolatedRun, QStringList{git} + arguments, cloneHome.path(), mounts);
        launch.environment = d->cloneEnvironment(id, isolatedRun, cloneHome.path(), cloneUrl, spec.authToken);
        auto process = std::make_shared<LocalProcess>(std::move(launch));
        if (sink)
            connect(process.get(), &LocalProcess::output, process.get(),
                    [sink](OutputChannel channel, const QByteArray& bytes) { sink(channel, bytes); });
        co_await this->launch(id, process);
        co_await process->waitForFinished();
        result = process->result();
        if (!result.succeeded())
            break;
    }
    co_return result;
}

QCoro::Task<ProjectSnapshot> LocalProvider::snapshotProject(QString id, QString directory)
{
    d->require(id);
    const QString relative = relativeInWorkspace(directory, u"project folder"_s);
    const QString root = existingFolderInWorkspace(d->store.workspacePath(id), relative, u"project folder"_s);
    // On a worker thread: reading a large repository (install inputs hashed up to 256 MB, up to 2,000
    // source files scanned for the variables it expects) would otherwise stall the window.
    auto promise = std::make_shared<QPromise<ProjectSnapshot>>();
    QFuture<ProjectSnapshot> future = promise->future();
    QThreadPool::globalInstance()->start([promise, root] {
        promise->start();
        promise->addResult(ProjectSnapshot::fromDirectory(root));
        promise->finish();
    });
    co_return co_await qCoro(future).waitForFinished();
}

QCoro::Task<CommandResult> LocalProvider::runCommand(QString id, CommandSpec spec, OutputSink sink)
{
    d->require(id);
    const bool isolatedRun = co_await isolation();
    auto process = std::make_shared<LocalProcess>(d->launchSpec(id, spec, isolatedRun));
    if (sink)
        connect(process.get(), &LocalProcess::output, process.get(),
                [sink](OutputChannel channel, const QByteArray& bytes) { sink(channel, bytes); });
    co_await launch(id, process);
    const bool finished =
        co_await process->waitForFinished(spec.timeout > 0ms ? spec.timeout : std::chrono::milliseconds(-1));
    if (finished)
        co_return process->result();
    co_await process->stop(TimeoutGrace);
    CommandResult result = process->result();
    result.timedOut = true;
    co_return result;
}

QCoro::Task<std::unique_ptr<BackgroundProcess>> LocalProvider::startBackground(QString id, CommandSpec spec)
{
    d->require(id);
    const bool isolatedRun = co_await isolation();
    auto process = std::make_shared<LocalProcess>(d->launchSpec(id, spec, isolatedRun));
    co_await launch(id, process);
    co_return std::make_unique<LocalBackgroundProcess>(std::move(process));
}

QCoro::Task<CommandResult> LocalProvider::applyWorkspaceChanges(QString id, QByteArray archive,
                                                                QStringList deletions, OutputSink sink)
{
    d->require(id);
    const bool isolatedRun = co_await isolation();
    const bool plainPaths = std::all_of(deletions.cbegin(), deletions.cend(), [](const QString& path) {
        const QStringList parts = path.split(u'/', Qt::SkipEmptyParts);
        return !path.isEmpty() && !path.startsWith(u'/') && !path.contains(QChar(0)) &&
               !parts.contains(u".."_s) &&
               std::any_of(parts.cbegin(), parts.cend(), [](const QString& part) { return part != u"."_s; });
    });
    if (!isolatedRun || !plainPaths || deletions.size() > DeletionsInOneCommand) {
        // The base refuses a path outside the workspace before anything happens.
        co_return co_await SandboxProvider::applyWorkspaceChanges(id, std::move(archive),
                                                                  std::move(deletions), std::move(sink));
    }
    if (archive.isEmpty() && deletions.isEmpty())
        co_return CommandResult{0};
    QString name;
    if (!archive.isEmpty()) {
        quint32 bits[4];
        QRandomGenerator::system()->fillRange(bits);
        name = u".forge-update-"_s;
        for (const quint32 part : bits)
            name += u"%1"_s.arg(part, 8, 16, QLatin1Char('0'));
        name += u".tar"_s;
        co_await writeWorkspaceFile(id, name, std::move(archive));
    }
    const auto holdsNewline = [](const QString& path) { return path.contains(u'\n'); };
    if (std::none_of(deletions.cbegin(), deletions.cend(), holdsNewline)) {
        if (WorkspaceApplier* applier = co_await applierFor(id))
            co_return co_await applier->apply(name, std::move(deletions), std::move(sink),
                                              std::chrono::minutes(10));
    }
    co_return co_await applyInOneCommand(id, name, std::move(deletions), std::move(sink));
}

LaunchSpec LocalProvider::workspaceCommand(const QString& id, const QStringList& command,
                                           bool keepInputOpen) const
{
    LaunchSpec launch;
    launch.program = Bubblewrap::program();
    launch.arguments = Bubblewrap::arguments(d->bubblewrap(id), command);
    launch.workingDirectory = d->store.workspacePath(id);
    launch.environment.insert(u"LANG"_s, u"C.UTF-8"_s);
    launch.environment.insert(u"PATH"_s, Bubblewrap::sandboxPath({}));
    launch.leaderIsSupervisor = true;
    launch.keepInputOpen = keepInputOpen;
    return launch;
}

QCoro::Task<WorkspaceApplier*> LocalProvider::applierFor(QString id)
{
    if (const auto found = d->appliers.find(id); found != d->appliers.end() && found->second->isAlive())
        co_return found->second.get();
    auto process = std::make_shared<LocalProcess>(workspaceCommand(id, WorkspaceApplier::command(), true));
    try {
        co_await launch(id, process);
    } catch (const Failure& failure) {
        qWarning("The workspace applier of %s did not start: %s", qPrintable(id), failure.what());
        co_return nullptr;
    }
    // Another caller may have started one meanwhile: that one serves (it may be applying a batch),
    // and this process ends with the last reference to it.
    std::unique_ptr<WorkspaceApplier>& slot = d->appliers[id];
    if (!slot || !slot->isAlive())
        slot = std::make_unique<WorkspaceApplier>(std::move(process));
    co_return slot.get();
}

QCoro::Task<CommandResult> LocalProvider::applyInOneCommand(QString id, QString name, QStringList deletions,
                                                            OutputSink sink)
{
    auto process = std::make_shared<LocalProcess>(
        workspaceCommand(id, WorkspaceApplier::oneShotCommand(name, deletions), false));
    if (sink)
        connect(process.get(), &LocalProcess::output, process.get(),
                [sink](OutputChannel channel, const QByteArray& bytes) { sink(channel, bytes); });
    std::optional<Failure> failure;
    try {
        co_await this->launch(id, process);
    } catch (const Failure& caught) {
        failure = caught;
    }
    if (failure) {
        // Never started: the archive this call wrote goes (unlink removes a name, never follows).
        if (!name.isEmpty())
            ::unlink(QFile::encodeName(d->store.workspacePath(id) + u'/' + name).constData());
        throw *failure;
    }
    const bool finished = co_await process->waitForFinished(std::chrono::minutes(10));
    if (finished)
        co_return process->result();
    co_await process->stop(TimeoutGrace);
    CommandResult result = process->result();
    result.timedOut = true;
    co_return result;
}

QCoro::Task<> LocalProvider::writeWorkspaceFile(QString id, QString name, QByteArray content)
{
    d->require(id);
    if (name.isEmpty() || name == u"."_s || name == u".."_s || name.contains(u'/') ||
        name.contains(QChar(0))) {
        throw Failure::permanent(u"“%1” is not a file name for the sandbox's workspace."_s.arg(name),
                                 u"This is a bug in Forge Preview; please report it."_s);
    }
    // Fails closed before anything is written: the file is only ever read by commands that run with
    // the isolation the user chose.
    co_await isolation();
    const QString path = d->store.workspacePath(id) + u'/' + name;
    const QByteArray encoded = QFile::encodeName(path);
    const int fd = ::open(encoded.constData(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    const auto failed = [&](int error) {
        return Failure::permanent(
            u"Could not write the update to the sandbox's workspace (%1: %2)."_s.arg(
                path, QString::fromLocal8Bit(std::strerror(error))),
            error == EEXIST ? u"Something in the workspace already has that name; run the project again."_s
                            : u"Check that the disk is not full, then run the project again."_s);
    };
    if (fd < 0)
        throw failed(errno);
    qsizetype written = 0;
    while (written < content.size()) {
        const ssize_t n = ::write(fd, content.constData() + written, size_t(content.size() - written));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            const int error = n < 0 ? errno : ENOSPC;
            ::close(fd);
            // Only the name this call made: a partial archive is of no use to anyone.
            ::unlink(encoded.constData());
            throw failed(error);
        }
        written += n;
    }
    if (::close(fd) != 0) {
        const int error = errno;
        ::unlink(encoded.constData());
        throw failed(error);
    }
}

QCoro::Task<int> LocalProvider::allocatePort(QString id, int preferred)
{
    d->require(id);
    if (preferred > 0 && preferred <= 65535) {
        const int last = std::min(preferred + 100, 65535);
        for (int port = preferred; port <= last; ++port) {
            if (isPortFree(quint16(port)))
                co_return port;
        }
    }
    // Let the system pick, and check the loopback side as well.
    for (int attempt = 0; attempt < 10; ++attempt) {
        QTcpServer server;
        if (!server.listen(QHostAddress::AnyIPv4, 0))
            break;
        const quint16 port = server.serverPort();
        server.close();
        if (isPortFree(port))
            co_return port;
    }
    throw Failure::transient(u"Could not find a free network port for the dev server."_s,
                             u"Close programs that listen on many ports, then try again."_s);
}

QCoro::Task<std::optional<QList<int>>> LocalProvider::listeningPorts(QString id)
{
    d->require(id);
    qint64 sandboxPid = 0;
    for (const auto& weak : d->live.value(id)) {
        if (auto process = weak.lock(); process && process->isRunning() && process->sandboxPid() > 0)
            sandboxPid = process->sandboxPid(); // the newest one wins: the dev server
    }
    if (sandboxPid <= 0)
        co_return std::nullopt;
    co_return SandboxNetwork::listeningPorts(sandboxPid);
}

QCoro::Task<PreviewEndpoint> LocalProvider::previewEndpoint(QString id, int port)
{
    d->require(id);
    if (port <= 0 || port > 65535) {
        throw Failure::permanent(u"%1 is not a valid port for the preview."_s.arg(port),
                                 u"Check the port in the run plan (1 to 65535)."_s);
    }
    PreviewEndpoint endpoint;
    endpoint.url = QUrl(u"http://127.0.0.1:%1/"_s.arg(port));
    co_return endpoint;
}

} // namespace forge

#include "LocalProvider.moc"
