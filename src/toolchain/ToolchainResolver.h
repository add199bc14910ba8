#pragma once

#include "Packument.h"
#include "ToolPackages.h"
#include "core/RunPlan.h"

#include <QDate>
#include <QJsonObject>
#include <QString>
#include <optional>

namespace forge {

// What a run asks for, and where each wish comes from (the run plan's line says it).
struct ToolchainRequest
{
    QString node;       // as the project states it: "18", "^20.11", ">=18 <21", "lts/*", "lts/iron"; empty: any
    QString nodeSource; // ".nvmrc", "package.json engines.node", "--node"; empty when node is empty
    PackageManager packageManager = PackageManager::Npm;
    // Exact ("9.15.9") or a range ("9", ">=9 <11"); empty: the newest release of the known-good major
    // (ToolchainResolver::knownGoodRange).
    QString packageManagerVersion;
    QString packageManagerSource; // "packageManager", "pnpm-lock.yaml", "--package-manager"; may be empty

    // From a detected or saved plan (RunPlan::nodeVersion, packageManager, packageManagerVersion and
    // their sources).
    static ToolchainRequest fromPlan(const RunPlan& plan);
    friend bool operator==(const ToolchainRequest&, const ToolchainRequest&) = default;
};

// One tool a run uses: the system's own or a version from the registry.
struct ToolChoice
{
    Tool tool = Tool::Node;
    bool system = false;   // the sandbox's own program; nothing to fetch
    QString packageName;   // the npm package (ToolPackages.h); empty when system
    PackageVersion version; // version.version is what runs (for the system's Node: what it printed)
    QString reason;        // "from .nvmrc", "from packageManager", "newest pnpm 10", "system"

    QJsonObject toJson() const;
    static std::optional<ToolChoice> fromJson(const QJsonObject& object);
    friend bool operator==(const ToolChoice&, const ToolChoice&) = default;
};

// The tools a run uses. npm is only fetched for a fetched Node whose system npm does not support it.
struct ToolchainChoice
{
    ToolChoice node;
    std::optional<ToolChoice> npm;
    std::optional<ToolChoice> packageManager; // pnpm, Yarn or Bun; npm projects use the npm above
    QStringList notes; // e.g. "The system's Node.js 20.20.2 satisfies engines.node >=18."

    // "Node 18.20.8 (from .nvmrc) · pnpm 9.15.9 (from packageManager)"
    QString summary() const;
    // Every choice that is not the system's, in the order their bin folders go on PATH.
    QList<ToolChoice> fetched() const;
    QJsonObject toJson() const;
    static std::optional<ToolchainChoice> fromJson(const QJsonObject& object);
    friend bool operator==(const ToolchainChoice&, const ToolchainChoice&) = default;
};

// Choosing versions; pure functions over packuments. Every error is a forge::Failure (permanent)
// that names what was asked, where it came from, and what to do.
namespace ToolchainResolver {

// The semver range a Node.js request stands for: a range as is ("18" -> "18", "v18.2.0" ->
// "18.2.0"), aliases resolved: "node", "latest", "current", "stable" -> "*"; "lts/*" -> the newest
// even major whose LTS has begun by `today` (October of 2015 + (major - 4) / 2); "lts/-1" the one
// before; "lts/<codename>" (argon 4 … krypton 24) -> that major. Throws for an unknown codename.
QString nodeRange(const QString& request, const QString& source, QDate today);

// True when `systemVersion` ("v20.20.2" or "20.20.2") satisfies `range`.
bool satisfies(const QString& systemVersion, const QString& range);

// The highest non-prerelease, non-deprecated version of `packument` in `range` (deprecated ones only
// when nothing else matches). Throws naming the newest versions there are.
PackageVersion highest(const Packument& packument, const QString& range, const QString& what,
                       const QString& source);

// The newest npm whose engines.node accepts `nodeVersion` (the dist-tag "latest" first when it does).
PackageVersion npmFor(const Packument& npm, const QString& nodeVersion);

// Which tool package a package manager needs: pnpm -> Pnpm, yarn 1.x -> YarnClassic, yarn 2+ ->
// YarnBerry, bun -> Bun; nullopt for npm and None. `version` decides yarn's flavour; an empty or
// ambiguous version follows `packageManager` (YarnClassic / YarnBerry).
std::optional<Tool> toolFor(PackageManager packageManager, const QString& version);

// The range used when nothing states a version: pnpm "10", yarn classic "1", yarn berry "4", bun "1".
QString knownGoodRange(Tool tool);

} // namespace ToolchainResolver
} // namespace forge
