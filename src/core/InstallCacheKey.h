#pragma once

#include "ProjectSnapshot.h"
#include "RunPlan.h"

#include <QString>
#include <QStringList>

namespace forge {

// What an install's result depends on, as one key: the package manifests and lockfiles (root and
// workspace packages), the package manager configuration files, the package manager and its
// version, the install command, the Node.js version and the platform. Two installs with the same
// key give the same dependency folders, so the second can take the first's instead of installing.
class InstallCacheKey
{
public:
    // The files (by name, at any depth the snapshot holds) that go into the key.
    static const QStringList& inputFileNames();

    // A lowercase hex SHA-256; `nodeVersion` is what `node --version` printed in the sandbox,
    // `platform` the back end's kind ("local", "daytona").
    static QString compute(const ProjectSnapshot& snapshot, const RunPlan& plan, const QString& nodeVersion,
                           const QString& platform);

    // The folders an install fills, relative to the repository root: node_modules at the root and,
    // for a workspace package, its own node_modules.
    static QStringList dependencyDirectories(const RunPlan& plan);

    // Whether `key` has the shape compute() gives (it becomes a folder name and a shell argument).
    static bool isValid(const QString& key);
};

} // namespace forge
