#include "ToolchainResolver.h"

#include "SemVer.h"
#include "core/Failure.h"

#include <QJsonArray>
#include <QRegularExpression>

using namespace Qt::StringLiterals;

namespace forge {
namespace {

// ---------------------------------------------------------------------------------------------
// JSON

// Stable identifiers for saved choices: toString(Tool) names both Yarns "yarn".
constexpr std::pair<Tool, const char*> ToolIds[] = {
    {Tool::Node, "node"},
    {Tool::Npm, "npm"},
    {Tool::Pnpm, "pnpm"},
    {Tool::YarnClassic, "yarn"},
    {Tool::YarnBerry, "yarn-berry"},
    {Tool::Bun, "bun"},
};

QString toolId(Tool tool)
{
    for (const auto& [value, id] : ToolIds) {
        if (value == tool)
            return QString::fromLatin1(id);
    }
    return {};
}

std::optional<Tool> toolFromId(const QString& text)
{
    for (const auto& [value, id] : ToolIds) {
        if (text == QLatin1StringView(id))
            return value;
    }
    return std::nullopt;
}

QJsonObject versionToJson(const PackageVersion& version)
{
    QJsonObject bin;
    for (auto it = version.bin.begin(); it != version.bin.end(); ++it)
        bin.insert(it.key(), it.value());
    return QJsonObject{
        {u"version"_s, version.version},         {u"tarball"_s, version.tarball.toString()},
        {u"integrity"_s, version.integrity},     {u"bin"_s, bin},
        {u"enginesNode"_s, version.enginesNode}, {u"deprecated"_s, version.deprecated},
    };
}

std::optional<PackageVersion> versionFromJson(const QJsonObject& object)
{
    PackageVersion version;
    version.version = object.value("version"_L1).toString();
    version.tarball = QUrl(object.value("tarball"_L1).toString());
    version.integrity = object.value("integrity"_L1).toString();
    version.enginesNode = object.value("enginesNode"_L1).toString();
    version.deprecated = object.value("deprecated"_L1).toBool();
    const QJsonObject bin = object.value("bin"_L1).toObject();
    for (auto it = bin.begin(); it != bin.end(); ++it) {
        if (!it.value().isString())
            return std::nullopt;
        version.bin.insert(it.key(), it.value().toString());
    }
    if (version.version.isEmpty())
        return std::nullopt;
    return version;
}

// ---------------------------------------------------------------------------------------------
// Node.js aliases

// Node.js's LTS lines by codename; every even major from 4 on has one.
constexpr std::pair<const char*, int> LtsCodenames[] = {
    {"argon", 4},    {"boron", 6},     {"carbon", 8}, {"dubnium", 10}, {"erbium", 12},  {"fermium", 14},
    {"gallium", 16}, {"hydrogen", 18}, {"iron", 20},  {"jod", 22},     {"krypton", 24},
};

// An even major enters LTS in the October of 2015 + (major - 4) / 2, on a day that varies; counting
// from the end of that October never calls a line LTS before it is.
bool ltsHasBegun(int major, QDate today)
{
    return today >= QDate(2015 + (major - 4) / 2, 10, 31);
}

int newestLtsMajor(QDate today)
{
    int major = 4;
    while (ltsHasBegun(major + 2, today))
        major += 2;
    return major;
}

QString fromText(const QString& source)
{
    return source.isEmpty() ? QString() : u" (from %1)"_s.arg(source);
}

QString ltsRange(const QString& line, const QString& request, const QString& source, QDate today)
{
    if (line == u"*"_s)
        return QString::number(newestLtsMajor(today));
    static const QRegularExpression back(u"\\A-([0-9]{1,2})\\z"_s);
    if (const QRegularExpressionMatch match = back.match(line); match.hasMatch())
        return QString::number(std::max(4, newestLtsMajor(today) - 2 * match.captured(1).toInt()));
    for (const auto& [codename, major] : LtsCodenames) {
        if (line.compare(QLatin1StringView(codename), Qt::CaseInsensitive) == 0)
            return QString::number(major);
    }
    throw Failure::permanent(
        u"“%1”%2 is not a Node.js LTS line this version of Forge Preview knows."_s.arg(request,
                                                                                       fromText(source)),
        u"Use a version number instead (for example %1), or lts/* for the newest LTS line; known "
        u"codenames run from lts/argon (4) to lts/krypton (24)."_s.arg(newestLtsMajor(today)));
}

// ---------------------------------------------------------------------------------------------
// Versions of a packument

SemRange parseRange(const QString& range, const QString& what, const QString& source)
{
    QString error;
    const std::optional<SemRange> parsed = SemRange::parse(range, &error);
    if (!parsed)
        throw Failure::permanent(
            u"The %1 version asked for%2 cannot be read: %3"_s.arg(what, fromText(source), error),
            u"Write a version such as 20, 20.11.1 or ^20.11 there."_s);
    return *parsed;
}

// The highest of `candidates`, versions that do not parse left out.
std::optional<PackageVersion> highestOf(const QList<PackageVersion>& candidates)
{
    std::optional<PackageVersion> best;
    std::optional<SemVersion> bestVersion;
    for (const PackageVersion& candidate : candidates) {
        const auto version = SemVersion::parse(candidate.version);
        if (version && (!bestVersion || *version > *bestVersion)) {
            best = candidate;
            bestVersion = version;
        }
    }
    return best;
}

// Non-deprecated versions first; deprecated ones only when nothing else passes `accepts`.
std::optional<PackageVersion> highestAccepted(const Packument& packument,
                                              const std::function<bool(const SemVersion&)>& accepts)
{
    QList<PackageVersion> current;
    QList<PackageVersion> deprecated;
    for (const PackageVersion& candidate : packument.versions) {
        const auto version = SemVersion::parse(candidate.version);
        if (version && accepts(*version))
            (candidate.deprecated ? deprecated : current).append(candidate);
    }
    return current.isEmpty() ? highestOf(deprecated) : highestOf(current);
}

QString newestRelease(const Packument& packument)
{
    const auto newest =
        highestAccepted(packument, [](const SemVersion& version) { return !version.isPrerelease(); });
    return newest ? newest->version : QString();
}

QString choiceText(const ToolChoice& choice)
{
    const QString name = choice.tool == Tool::Node ? u"Node"_s : displayName(choice.tool);
    QString text = name + u' ' + choice.version.version;
    const QString reason = choice.reason.isEmpty() && choice.system ? u"system"_s : choice.reason;
    if (!reason.isEmpty())
        text += u" ("_s + reason + u')';
    return text;
}

} // namespace

// ---------------------------------------------------------------------------------------------
// Values

ToolchainRequest ToolchainRequest::fromPlan(const RunPlan& plan)
{
    ToolchainRequest request;
    request.node = plan.nodeVersion.trimmed();
    if (!request.node.isEmpty())
        request.nodeSource = plan.nodeVersionSource.isEmpty() ? u"the run plan"_s : plan.nodeVersionSource;
    request.packageManager = plan.packageManager;
    request.packageManagerVersion = plan.packageManagerVersion.trimmed();
    if (!request.packageManagerVersion.isEmpty())
        request.packageManagerSource = plan.packageManagerVersionSource;
    return request;
}

QJsonObject ToolChoice::toJson() const
{
    return QJsonObject{
        {u"tool"_s, toolId(tool)},   {u"system"_s, system},
        {u"package"_s, packageName}, {u"version"_s, versionToJson(version)},
        {u"reason"_s, reason},
    };
}

std::optional<ToolChoice> ToolChoice::fromJson(const QJsonObject& object)
{
    const std::optional<Tool> tool = toolFromId(object.value("tool"_L1).toString());
    const std::optional<PackageVersion> version = versionFromJson(object.value("version"_L1).toObject());
    if (!tool || !version)
        return std::nullopt;
    ToolChoice choice;
    choice.tool = *tool;
    choice.system = object.value("system"_L1).toBool();
    choice.packageName = object.value("package"_L1).toString();
    choice.version = *version;
    choice.reason = object.value("reason"_L1).toString();
    if (!choice.system && choice.packageName.isEmpty())
        return std::nullopt; // a fetched tool must say which package it comes from
    return choice;
}

QString ToolchainChoice::summary() const
{
    QStringList parts{choiceText(node)};
    if (npm)
        parts.append(choiceText(*npm));
    if (packageManager)
        parts.append(choiceText(*packageManager));
    return parts.join(u" · "_s);
}

QList<ToolChoice> ToolchainChoice::fetched() const
{
    // The package manager's folder first, then npm's, then Node's: a fetched npm must win over the
    // npm that ships inside Node's own package.
    QList<ToolChoice> tools;
    for (const std::optional<ToolChoice>& choice : {packageManager, npm, std::optional(node)}) {
        if (choice && !choice->system)
            tools.append(*choice);
    }
    return tools;
}

QJsonObject ToolchainChoice::toJson() const
{
    QJsonObject object{{u"node"_s, node.toJson()}, {u"notes"_s, QJsonArray::fromStringList(notes)}};
    if (npm)
        object.insert(u"npm"_s, npm->toJson());
    if (packageManager)
        object.insert(u"packageManager"_s, packageManager->toJson());
    return object;
}

std::optional<ToolchainChoice> ToolchainChoice::fromJson(const QJsonObject& object)
{
    ToolchainChoice choice;
    const auto node = ToolChoice::fromJson(object.value("node"_L1).toObject());
    if (!node || node->tool != Tool::Node)
        return std::nullopt;
    choice.node = *node;
    for (const auto& [key, target] :
         {std::pair{"npm"_L1, &choice.npm}, std::pair{"packageManager"_L1, &choice.packageManager}}) {
        if (!object.contains(key))
            continue;
        *target = ToolChoice::fromJson(object.value(key).toObject());
        if (!*target)
            return std::nullopt;
    }
    for (const QJsonValue& note : object.value("notes"_L1).toArray())
        choice.notes.append(note.toString());
    return choice;
}

// ---------------------------------------------------------------------------------------------
// Choosing

QString ToolchainResolver::nodeRange(const QString& request, const QString& source, QDate today)
{
    QString text = request.trimmed();
    static const QRegularExpression everything(u"\\A(node|latest|current|stable)\\z"_s,
                                               QRegularExpression::CaseInsensitiveOption);
    if (text.isEmpty() || everything.match(text).hasMatch())
        return u"*"_s;
    if (text.startsWith("lts/"_L1, Qt::CaseInsensitive))
        return ltsRange(text.mid(4), text, source, today);
    static const QRegularExpression leadingV(u"\\A[vV](?=[0-9])"_s);
    text.remove(leadingV);
    QString error;
    if (!SemRange::parse(text, &error))
        throw Failure::permanent(
            u"The Node.js version asked for%1 cannot be read: %2"_s.arg(fromText(source), error),
            u"Write a Node.js version there, such as 22, 22.11.0, >=20 or lts/*."_s);
    return text;
}

bool ToolchainResolver::satisfies(const QString& systemVersion, const QString& range)
{
    const auto version = SemVersion::parse(systemVersion);
    const auto parsed = SemRange::parse(range);
    return version && parsed && parsed->satisfiedBy(*version);
}

PackageVersion ToolchainResolver::highest(const Packument& packument, const QString& range,
                                          const QString& what, const QString& source)
{
    const SemRange wanted = parseRange(range, what, source);
    const auto found = highestAccepted(packument, [&](const SemVersion& v) { return wanted.satisfiedBy(v); });
    if (found)
        return *found;
    const QString newest = newestRelease(packument);
    if (newest.isEmpty())
        throw Failure::permanent(
            u"No %1 matches “%2”%3: the registry lists no usable version of %4."_s.arg(
                what, range, fromText(source), packument.name),
            u"Check that the npm registry in use mirrors %1 completely."_s.arg(packument.name));
    throw Failure::permanent(
        u"No %1 matches “%2”%3; the newest is %4."_s.arg(what, range, fromText(source), newest),
        source.isEmpty() ? u"Ask for a version that exists, such as %1."_s.arg(newest)
                         : u"Change %1 to a version that exists, such as %2."_s.arg(source, newest));
}

PackageVersion ToolchainResolver::npmFor(const Packument& npm, const QString& nodeVersion)
{
    const auto node = SemVersion::parse(nodeVersion);
    if (!node)
        throw Failure::permanent(
            u"“%1” is not a Node.js version, so no npm can be chosen for it."_s.arg(nodeVersion));
    const auto supports = [&](const PackageVersion& candidate) {
        if (candidate.enginesNode.trimmed().isEmpty())
            return true;
        const auto engines = SemRange::parse(candidate.enginesNode);
        return engines && engines->satisfiedBy(*node);
    };
    const PackageVersion latest = npm.versions.value(npm.distTags.value(u"latest"_s));
    if (!latest.version.isEmpty() && !latest.deprecated && supports(latest))
        return latest;
    const auto found = highestAccepted(npm, [&](const SemVersion& version) {
        return !version.isPrerelease() && supports(npm.versions.value(version.toString()));
    });
    if (!found)
        throw Failure::permanent(u"No npm release supports Node.js %1."_s.arg(node->toString()),
                                 u"Ask for a newer Node.js (in .nvmrc, .node-version or engines.node)."_s);
    return *found;
}

std::optional<Tool> ToolchainResolver::toolFor(PackageManager packageManager, const QString& version)
{
    switch (packageManager) {
    case PackageManager::None:
    case PackageManager::Npm:
        return std::nullopt;
    case PackageManager::Pnpm:
        return Tool::Pnpm;
    case PackageManager::Bun:
        return Tool::Bun;
    case PackageManager::YarnClassic:
    case PackageManager::YarnBerry:
        break;
    }
    const Tool fallback = packageManager == PackageManager::YarnClassic ? Tool::YarnClassic : Tool::YarnBerry;
    const auto range = SemRange::parse(version);
    if (version.trimmed().isEmpty() || !range)
        return fallback;
    const bool classic = range->intersects(*SemRange::parse(u"1"_s));
    const bool berry = range->intersects(*SemRange::parse(u">=2.0.0-0"_s));
    if (classic != berry)
        return classic ? Tool::YarnClassic : Tool::YarnBerry;
    return fallback;
}

QString ToolchainResolver::knownGoodRange(Tool tool)
{
    switch (tool) {
    case Tool::Pnpm:
        return u"10"_s;
    case Tool::YarnClassic:
    case Tool::Bun:
        return u"1"_s;
    case Tool::YarnBerry:
        return u"4"_s;
    case Tool::Node:
    case Tool::Npm:
        break;
    }
    return u"*"_s;
}

} // namespace forge
