#include "Toolchains.h"

#include "core/Failure.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSaveFile>

using namespace Qt::StringLiterals;

namespace forge {
namespace {

ToolChoice systemNode(const QString& printed)
{
    ToolChoice choice;
    choice.tool = Tool::Node;
    choice.system = true;
    choice.version.version =
        printed.trimmed().startsWith(u'v') ? printed.trimmed().mid(1) : printed.trimmed();
    choice.reason = u"system"_s;
    return choice;
}

} // namespace

Toolchains::Toolchains(QString cacheRoot, const QUrl& registry, QObject* parent)
    : QObject(parent)
    , m_root(std::move(cacheRoot))
    , m_registry(new NpmRegistry(registry, this))
    , m_cache(new ToolCache(m_root, ToolCache::DefaultSizeCap, this))
{}

Toolchains::~Toolchains() = default;

QString Toolchains::metadataPath(const QString& name) const
{
    return m_root + u"/.metadata/"_s + ToolCache::folderNameOf(name) + u".json"_s;
}

std::optional<Packument> Toolchains::rememberedPackument(const QString& name, bool freshOnly) const
{
    const QFileInfo info(metadataPath(name));
    if (!info.isFile())
        return std::nullopt;
    const auto age = std::chrono::seconds(info.lastModified().secsTo(QDateTime::currentDateTime()));
    if (freshOnly && (age < std::chrono::seconds(0) || age > MetadataLifetime))
        return std::nullopt;
    QFile file(info.filePath());
    if (!file.open(QIODevice::ReadOnly))
        return std::nullopt;
    return Packument::fromJson(file.readAll(), name);
}

void Toolchains::remember(const Packument& packument)
{
    // Only a memo: when it cannot be written, the next run asks the registry again.
    QDir().mkpath(m_root + u"/.metadata"_s);
    QSaveFile file(metadataPath(packument.name));
    if (file.open(QIODevice::WriteOnly)) {
        file.write(packument.toJson());
        file.commit();
    }
}

QCoro::Task<Packument> Toolchains::packument(QString name)
{
    if (auto fresh = rememberedPackument(name, true))
        co_return *fresh;
    QString unreachable;
    try {
        Packument fetched = co_await m_registry->packument(name);
        remember(fetched);
        co_return fetched;
    } catch (const Failure& failure) {
        if (!failure.isTransient())
            throw;
        unreachable = failure.message();
    }
    if (auto stale = rememberedPackument(name, false))
        co_return *stale;
    Packument cached = m_cache->cachedPackument(name);
    if (!cached.versions.isEmpty())
        co_return cached;
    throw Failure::transient(
        u"%1 is needed but not in the tool cache, and the npm registry cannot be reached: %2"_s.arg(
            name, unreachable),
        u"Connect to the internet (or to the registry npm is configured for) and run again."_s);
}

QCoro::Task<ToolchainChoice> Toolchains::choose(ToolchainRequest request, std::optional<QString> systemNode)
{
    ToolchainChoice choice;
    co_await chooseNode(request, systemNode, choice);
    co_await choosePackageManager(request, choice);
    co_return choice;
}

QCoro::Task<> Toolchains::chooseNode(const ToolchainRequest& request, std::optional<QString> system,
                                     ToolchainChoice& choice)
{
    if (request.node.isEmpty() && system) {
        choice.node = systemNode(*system);
        co_return;
    }
    // Nothing asked for and no Node.js in the sandbox: the current LTS release.
    const QString wanted = request.node.isEmpty() ? u"lts/*"_s : request.node;
    const QString source = request.node.isEmpty() ? u"no Node.js on this computer"_s : request.nodeSource;
    const QDate today = m_today.isValid() ? m_today : QDate::currentDate();
    const QString range = ToolchainResolver::nodeRange(wanted, source, today);
    if (system && ToolchainResolver::satisfies(*system, range)) {
        choice.node = systemNode(*system);
        choice.notes.append(u"The system's Node.js %1 satisfies %2 (from %3)."_s.arg(
            choice.node.version.version, wanted, source));
        co_return;
    }
    const QString nodePackage = packageName(Tool::Node);
    if (nodePackage.isEmpty()) {
        throw Failure::permanent(
            u"The project asks for Node.js %1 (from %2), and Node.js is not published for this "
            u"platform on npm."_s.arg(wanted, source),
            u"Install that Node.js version yourself, or change the request."_s);
    }
    const Packument nodes = co_await packument(nodePackage);
    choice.node.tool = Tool::Node;
    choice.node.packageName = nodePackage;
    choice.node.version = ToolchainResolver::highest(nodes, range, u"Node.js"_s, source);
    choice.node.reason = u"from "_s + source;
    // The system's npm may not run on another Node.js (npm 11 needs Node.js 20.17 or later): the
    // newest npm that supports the chosen one comes with it.
    const Packument npms = co_await packument(u"npm"_s);
    ToolChoice npm;
    npm.tool = Tool::Npm;
    npm.packageName = u"npm"_s;
    npm.version = ToolchainResolver::npmFor(npms, choice.node.version.version);
    npm.reason = u"for Node %1"_s.arg(choice.node.version.version);
    choice.npm = npm;
}

QCoro::Task<> Toolchains::choosePackageManager(const ToolchainRequest& request, ToolchainChoice& choice)
{
    if (request.packageManager == PackageManager::Npm && !request.packageManagerVersion.isEmpty()) {
        co_await chooseNpm(request, choice);
        co_return;
    }
    const std::optional<Tool> tool =
        ToolchainResolver::toolFor(request.packageManager, request.packageManagerVersion);
    if (!tool)
        co_return; // npm: the one that comes with the chosen Node.js
    const QString name = packageName(*tool);
    if (name.isEmpty()) {
        throw Failure::permanent(u"%1 is not published for this platform on npm."_s.arg(displayName(*tool)),
                                 u"Install it yourself, or use another package manager."_s);
    }
    const bool stated = !request.packageManagerVersion.isEmpty();
    const QString range = stated ? request.packageManagerVersion : ToolchainResolver::knownGoodRange(*tool);
    const QString source = stated ? request.packageManagerSource : u"the newest release known to work"_s;
    const Packument versions = co_await packument(name);
    ToolChoice manager;
    manager.tool = *tool;
    manager.packageName = name;
    manager.version = ToolchainResolver::highest(versions, range, displayName(*tool), source);
    // Bun's platform packages name no command: their one file is bin/bun, which is also bunx
    // when called by that name.
    if (*tool == Tool::Bun && manager.version.bin.isEmpty())
        manager.version.bin = {{u"bun"_s, u"bin/bun"_s}, {u"bunx"_s, u"bin/bun"_s}};
    manager.reason = stated ? u"from "_s + source : u"newest %1 %2"_s.arg(toString(*tool), range);
    choice.packageManager = manager;
}

QCoro::Task<> Toolchains::chooseNpm(const ToolchainRequest& request, ToolchainChoice& choice)
{
    // A project that pins npm ("packageManager": "npm@10.9.2") gets that npm, on any Node.js.
    const Packument npms = co_await packument(u"npm"_s);
    ToolChoice npm;
    npm.tool = Tool::Npm;
    npm.packageName = u"npm"_s;
    npm.version = ToolchainResolver::highest(npms, request.packageManagerVersion, u"npm"_s,
                                             request.packageManagerSource);
    npm.reason = u"from "_s + request.packageManagerSource;
    choice.npm = npm;
}

} // namespace forge
