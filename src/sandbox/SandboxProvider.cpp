#include "SandboxProvider.h"

#include "core/Failure.h"
#include "core/InstallCacheKey.h"

#include <QDir>
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

} // namespace forge
