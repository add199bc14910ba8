#pragma once

#include "ProjectSnapshot.h"
#include "RepoRef.h"
#include "RunPlan.h"

#include <QString>
#include <QStringList>

namespace forge {

// What an install's result depends on, as one key: every install input of the repository
// (ProjectSnapshot::installInputPaths(): manifests, lockfiles, the package managers' configuration,
// Yarn's releases and plugins, patches, and the files those name), the package manager and its
// version, the install command, the Node.js version, the platform, and the repository's identity.
// Two installs with the same key give the same dependency folders, so the second can take the
// first's instead of installing.
class InstallCacheKey final
{
public:
    // The files (by name, at any depth the snapshot holds) that go into the key; the folders and
    // references of ProjectSnapshot::installInputPaths() go in too.
    static const QStringList& inputFileNames();

    // The repository as the key knows it: the clone URL without credentials, query or fragment
    // (github.com's case-insensitive owner/name in lower case), or the local folder's canonical path.
    static QString repositoryIdentity(const RepoRef& repository);

    // A lowercase hex SHA-256; `nodeVersion` is what `node --version` printed in the sandbox,
    // `platform` the back end's kind ("local", "daytona"), `repository` a repositoryIdentity().
    // Empty (nothing is cached) when an install input could not be read (unreadableInputs()) or the
    // repository is not known: a key that cannot see every input could hand out the wrong folders.
    static QString compute(const ProjectSnapshot& snapshot, const RunPlan& plan, const QString& nodeVersion,
                           const QString& platform, const QString& repository);
    // The install inputs that were found but not read (symbolic links, too large, beyond the bounds).
    static QStringList unreadableInputs(const ProjectSnapshot& snapshot);

    // The folders an install fills, relative to the repository root: node_modules at the root and,
    // for a workspace package, its own node_modules.
    static QStringList dependencyDirectories(const RunPlan& plan);

    // Whether `key` has the shape compute() gives (it becomes a folder name and a shell argument).
    static bool isValid(const QString& key);
};

} // namespace forge
