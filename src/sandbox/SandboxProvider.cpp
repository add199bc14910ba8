#include "SandboxProvider.h"

#include "core/Failure.h"
#include "core/InstallCacheKey.h"

#include <QDir>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <algorithm>

using namespace Qt::StringLiterals;

namespace forge {

QString toString(SandboxState state)
{
    switch (state) {
    case SandboxState::Creating:
        return u"creating"_s;
    case SandboxState::Started:
        return u"started"_s;
    case SandboxState::Stopped:
        return u"stopped"_s;
    case SandboxState::Error:
        return u"error"_s;
    case SandboxState::Gone:
        return u"gone"_s;
    }
    return u"unknown"_s;
}

QCoro::Task<std::optional<QList<int>>> SandboxProvider::listeningPorts(QString id)
{
    Q_UNUSED(id);
    co_return std::nullopt;
}

QCoro::Task<bool> SandboxProvider::hasProgram(QString id, QString program)
{
    // A plain name only: it reaches the shell as an argument, but an option or a path would not
    // mean "a program on the PATH".
    static const QRegularExpression plainName(u"\\A[A-Za-z0-9_][A-Za-z0-9_.+-]*\\z"_s);
    if (!plainName.match(program).hasMatch())
        co_return false;
    // `command -v` only looks the name up; from `/`, so that a relative PATH entry ("." or an empty
    // one) cannot find a file of the repository's.
    CommandSpec lookup;
    lookup.argv =
        QStringList{u"sh"_s, u"-c"_s, u"cd / && command -v -- \"$1\" >/dev/null"_s, u"sh"_s, program};
    lookup.timeout = std::chrono::seconds(30);
    const CommandResult result = co_await runCommand(id, lookup, [](OutputChannel, const QByteArray&) {});
    co_return result.succeeded();
}

QCoro::Task<> SandboxProvider::refreshActivity(QString id)
{
    Q_UNUSED(id);
    co_return;
}

namespace {

// Relative, inside the workspace, and not an option: these become arguments of rm and cp.
bool isSafeRelativeDirectory(const QString& directory)
{
    const QString clean = QDir::cleanPath(directory);
    return !directory.isEmpty() && clean == directory && !QDir::isAbsolutePath(directory) &&
           !directory.startsWith(u'-') && clean != u".." && !clean.startsWith(u"../"_s) && clean != u"."_s;
}

bool canCache(const QString& key, const QStringList& directories)
{
    return InstallCacheKey::isValid(key) && !directories.isEmpty() &&
           std::all_of(directories.cbegin(), directories.cend(), isSafeRelativeDirectory);
}

// The in-sandbox cache: $HOME/.forge-cache/installs/<key>/<directory>. The scripts are constants;
// the key and folders arrive as positional parameters, never spliced into the script.
constexpr auto RestoreScript = R"sh(set -e
entry="$HOME/.forge-cache/installs/$1"; shift
[ -d "$entry" ] || exit 3
for d in "$@"; do
  rm -rf -- "$d"
  if [ -e "$entry/$d" ]; then mkdir -p -- "$(dirname -- "$d")"; cp -a -- "$entry/$d" "$d"; fi
done
touch -- "$entry")sh";

constexpr auto SaveScript = R"sh(set -e
cache="$HOME/.forge-cache/installs"; key="$1"; shift
[ -d "$cache/$key" ] && exit 0
mkdir -p -- "$cache"; partial="$cache/.partial-$key-$$"; rm -rf -- "$partial"; mkdir -p -- "$partial"
for d in "$@"; do
  if [ -d "$d" ]; then mkdir -p -- "$partial/$(dirname -- "$d")"; cp -a -- "$d" "$partial/$d"; fi
done
mv -T -- "$partial" "$cache/$key"
# Keep the eight entries used last.
ls -1t -- "$cache" | grep -v '^\.partial-' | tail -n +9 | while read -r old; do rm -rf -- "$cache/$old"; done)sh";

QCoro::Task<bool> runCacheScript(SandboxProvider& provider, QString id, const char* script, QString key,
                                 QStringList directories)
{
    CommandSpec spec;
    spec.argv =
        QStringList{u"sh"_s, u"-c"_s, QString::fromLatin1(script), u"forge-cache"_s, key} + directories;
    spec.timeout = std::chrono::minutes(5);
    try {
        const CommandResult result =
            co_await provider.runCommand(id, spec, [](OutputChannel, const QByteArray&) {});
        co_return result.succeeded();
    } catch (const Failure&) {
        co_return false;
    }
}

} // namespace

QCoro::Task<bool> SandboxProvider::restoreDependencies(QString id, QString key, QStringList directories)
{
    Q_UNUSED(id);
    Q_UNUSED(key);
    Q_UNUSED(directories);
    co_return false;
}

QCoro::Task<bool> SandboxProvider::saveDependencies(QString id, QString key, QStringList directories)
{
    Q_UNUSED(id);
    Q_UNUSED(key);
    Q_UNUSED(directories);
    co_return false;
}

QCoro::Task<bool> SandboxProvider::restoreDependenciesInSandbox(QString id, QString key,
                                                                QStringList directories)
{
    if (!canCache(key, directories))
        co_return false;
    co_return co_await runCacheScript(*this, id, RestoreScript, key, directories);
}

QCoro::Task<bool> SandboxProvider::saveDependenciesInSandbox(QString id, QString key, QStringList directories)
{
    if (!canCache(key, directories))
        co_return false;
    co_return co_await runCacheScript(*this, id, SaveScript, key, directories);
}

namespace {

// Installs one tool package with the sandbox's npm into $HOME/.forge-tools/<package>/<version>
// (once: a finished folder is kept) and prints that folder's bin/, which links each command of the
// package. Everything it names arrives as an argument, never spliced into the script:
// $1 folder name, $2 package, $3 version, then pairs of command name and path in the package.
// --ignore-scripts: a tool package needs no install script, and npm runs none of the registry's.
constexpr auto ToolInstallScript = R"sh(set -e
dir="$HOME/.forge-tools/$1/$3"
if [ ! -f "$dir/.complete" ]; then
  rm -rf "$dir.partial" && mkdir -p "$dir.partial/bin"
  cd "$dir.partial"
  npm install --prefix "$dir.partial" --no-save --no-package-lock --ignore-scripts --no-audit \
    --no-fund --loglevel=error "$2@$3" >&2
  package="$2"
  shift 3
  while [ $# -ge 2 ]; do
    chmod +x "node_modules/$package/$2"
    ln -sf "../node_modules/$package/$2" "bin/$1"
    shift 2
  done
  touch .complete
  cd / && rm -rf "$dir" && mv "$dir.partial" "$dir"
fi
printf '%s\n' "$dir/bin"
)sh";

} // namespace

DownloadProgress SandboxProvider::downloadReporter(const ToolChoice& tool, const ToolProgress& progress)
{
    if (!progress)
        return {};
    const QString what = u"%1 %2"_s.arg(tool.packageName, tool.version.version);
    auto lastTenth = std::make_shared<int>(-1);
    return [what, progress, lastTenth](qint64 received, qint64 total) {
        const auto megabytes = [](qint64 bytes) { return QString::number(double(bytes) / 1e6, 'f', 1); };
        const int tenth = total > 0 ? int(received * 10 / total) : int(received / 10'000'000);
        if (tenth == *lastTenth)
            return;
        *lastTenth = tenth;
        progress(total > 0 ? u"Downloading %1: %2 of %3 MB"_s.arg(what, megabytes(received), megabytes(total))
                           : u"Downloading %1: %2 MB"_s.arg(what, megabytes(received)));
    };
}

QCoro::Task<QStringList> SandboxProvider::provideTools(QString id, QList<ToolChoice> tools,
                                                       ToolProgress progress)
{
    QStringList directories;
    for (const ToolChoice& tool : std::as_const(tools)) {
        if (progress)
            progress(
                u"Installing %1 %2 in the sandbox with npm…"_s.arg(tool.packageName, tool.version.version));
        CommandSpec install;
        install.argv = QStringList{u"sh"_s,
                                   u"-c"_s,
                                   QString::fromLatin1(ToolInstallScript),
                                   u"sh"_s,
                                   ToolCache::folderNameOf(tool.packageName),
                                   tool.packageName,
                                   tool.version.version};
        for (auto it = tool.version.bin.cbegin(); it != tool.version.bin.cend(); ++it)
            install.argv << it.key() << QDir::cleanPath(it.value());
        install.timeout = std::chrono::minutes(10);
        QString printed;
        QString errors;
        const CommandResult result =
            co_await runCommand(id, install, [&](OutputChannel channel, const QByteArray& bytes) {
                (channel == OutputChannel::Stdout ? printed : errors) += QString::fromUtf8(bytes);
            });
        const QString directory = printed.trimmed().section(u'\n', -1);
        if (!result.succeeded() || !directory.startsWith(u'/')) {
            throw Failure::transient(
                u"%1 %2 could not be installed in the sandbox: %3"_s.arg(
                    tool.packageName, tool.version.version, errors.trimmed().section(u'\n', -1).left(300)),
                u"Check that the sandbox reaches the npm registry, then run again."_s);
        }
        directories.append(directory);
    }
    co_return directories;
}

QCoro::Task<> SandboxProvider::writeWorkspaceFile(QString id, QString name, QByteArray content)
{
    Q_UNUSED(id)
    Q_UNUSED(name)
    Q_UNUSED(content)
    throw Failure::permanent(u"This back end cannot change a sandbox's files in place."_s,
                             u"Run the project again to start from the new commits."_s);
    co_return;
}

namespace {

// How many paths one rm removes: a pull request that deletes thousands of files stays far below
// the system's argument-size limit (ARG_MAX) and Daytona's command-line limits.
constexpr qsizetype DeletionsPerCommand = 200;

// Whether `path` names something inside the workspace however the sandbox resolves it: relative,
// not empty, no ".." component, nothing a command line cannot carry.
bool isWorkspaceRelative(const QString& path)
{
    if (path.isEmpty() || path.startsWith(u'/') || path.contains(QChar(0)))
        return false;
    const QStringList parts = path.split(u'/', Qt::SkipEmptyParts);
    const bool onlyDots =
        std::all_of(parts.cbegin(), parts.cend(), [](const QString& part) { return part == u"."_s; });
    return !onlyDots && !parts.contains(u".."_s);
}

// A name for the archive at the workspace root that no repository file has and no repository code
// can guess ahead: 128 random bits.
QString newArchiveName()
{
    quint32 bits[4];
    QRandomGenerator::system()->fillRange(bits);
    QString name = u".forge-update-"_s;
    for (const quint32 part : bits)
        name += u"%1"_s.arg(part, 8, 16, QLatin1Char('0'));
    return name + u".tar"_s;
}

CommandSpec workspaceCommand(QStringList argv, std::chrono::milliseconds timeout)
{
    CommandSpec spec;
    spec.argv = std::move(argv);
    spec.timeout = timeout;
    return spec;
}

} // namespace

// Everything runs inside the sandbox, from the workspace root, so every path is resolved as the
// repository's code would resolve it: a link it planted (src -> the user's home) leads tar or rm
// only where that code could write anyway. tar keeps its careful defaults: members with ".." or a
// leading "/" are refused or made relative, a link the archive itself brings is made only after the
// files, and a link standing where the archive has a folder is replaced by the folder (no
// --absolute-names, no --keep-directory-symlink). --no-overwrite-dir leaves the modes of folders
// that exist alone (the workspace root's included), --no-same-owner and --no-same-permissions make
// files as a clone would (the sandbox's user, its umask), -m gives them the time of the update so
// that dev servers and build tools see them as changed.
QCoro::Task<CommandResult> SandboxProvider::applyWorkspaceChanges(QString id, QByteArray archive,
                                                                  QStringList deletions, OutputSink sink)
{
    for (const QString& path : std::as_const(deletions)) {
        if (!isWorkspaceRelative(path)) {
            throw Failure::permanent(
                u"The update would remove “%1”, which is not a path inside the workspace; nothing was "
                "changed."_s.arg(path),
                u"Run the project again to start from the pull request's new commits."_s);
        }
    }
    // Every command is made before it is awaited: GCC 12 miscompiles a braced list inside a
    // co_await expression.
    CommandResult result{0};
    if (!archive.isEmpty()) {
        const QString name = newArchiveName();
        co_await writeWorkspaceFile(id, name, std::move(archive));
        const CommandSpec unpack =
            workspaceCommand(QStringList{u"tar"_s, u"-x"_s, u"-f"_s, name, u"--no-same-owner"_s,
                                         u"--no-same-permissions"_s, u"--no-overwrite-dir"_s, u"-m"_s},
                             std::chrono::minutes(10));
        const CommandSpec removeArchive =
            workspaceCommand(QStringList{u"rm"_s, u"-f"_s, u"--"_s, name}, std::chrono::minutes(2));
        std::optional<Failure> failure;
        try {
            result = co_await runCommand(id, unpack, sink);
        } catch (const Failure& caught) {
            failure = caught;
        }
        // Also when tar failed: the archive never stays in the workspace. When even this fails, the
        // failure that came first is the one to report.
        try {
            const CommandResult removed = co_await runCommand(id, removeArchive, sink);
            if (!failure && result.succeeded())
                result = removed;
        } catch (const Failure& caught) {
            if (!failure)
                failure = caught;
        }
        if (failure)
            throw *failure;
        if (!result.succeeded())
            co_return result;
    }
    for (qsizetype from = 0; from < deletions.size(); from += DeletionsPerCommand) {
        const CommandSpec remove = workspaceCommand(QStringList{u"rm"_s, u"-f"_s, u"--"_s} +
                                                        deletions.mid(from, DeletionsPerCommand),
                                                    std::chrono::minutes(2));
        result = co_await runCommand(id, remove, sink);
        if (!result.succeeded())
            co_return result;
    }
    co_return result;
}

} // namespace forge
