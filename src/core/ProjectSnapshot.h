#pragma once

#include <QByteArray>
#include <QMap>
#include <QString>
#include <QStringList>

namespace forge {

// The files detection looks at, read once from wherever the project lives (a local folder today, a
// remote sandbox through its file API later), so that detection itself is pure and testable.
// Paths are relative to the repository root and use '/'.
class ProjectSnapshot final
{
public:
    // Files larger than this are recorded as present but their content is not read (a 50 MB
    // package.json is hostile, not a project).
    static constexpr qint64 MaxFileSize = 2 * 1024 * 1024;

    // An install input (installInputFileNames(), the files in installInputFolders() and
    // referencedInstallInputs()) larger than MaxFileSize is hashed instead of kept, up to this size;
    // a larger one is unreadable. Lockfiles of large projects and Yarn releases exceed 2 MB.
    static constexpr qint64 MaxHashedFileSize = 64 * 1024 * 1024;
    // Bounds on the install inputs read from folders and references: files, folder depth and bytes.
    // Beyond them the folder is recorded as unreadable (and the install cache is not used).
    static constexpr int MaxInstallInputFiles = 1000;
    static constexpr int MaxInstallInputDepth = 4;
    static constexpr qint64 MaxInstallInputBytes = 256 * 1024 * 1024;

    // Bounds on the scan of source files for variable references (see fromDirectory).
    static constexpr int MaxReferenceScanFiles = 2000;    // source files read
    static constexpr int MaxReferenceScanEntries = 20000; // folder entries looked at
    static constexpr int MaxReferenceScanDepth = 8;       // folders below the root
    static constexpr qint64 MaxReferenceScanFileSize = 512 * 1024;
    static constexpr qint64 MaxReferenceScanBytes = 64 * 1024 * 1024;

    // Reads the interesting files of the repository at `rootPath`: the root listing, package.json,
    // lockfiles, .nvmrc/.node-version, .yarnrc.yml, index.html, the .env example files and, for a
    // monorepo root, the package.json (and example files) of each workspace package (simple `dir/*`
    // and `dir/name` workspace patterns); then every install input (installInputFileNames(),
    // installInputFolders(), referencedInstallInputs()); then the framework public variables the
    // source files refer to (variableReferences()). No symbolic link is followed at any step.
    static ProjectSnapshot fromDirectory(const QString& rootPath);

    // The files read at the repository root, and in each workspace package (see fromDirectory).
    // Other readers (a remote sandbox's file API) read the same ones.
    static const QStringList& rootFileNames();
    static const QStringList& packageFileNames();

    // What an install reads from the repository besides the packages it downloads (InstallCacheKey):
    // - files by name, at the root and in workspace packages: manifests, lockfiles, the package
    //   managers' configuration (.npmrc, .yarnrc, .yarnrc.yml, .pnpmfile.cjs, bunfig.toml,
    //   .corepack.env) and the Node.js version files;
    static const QStringList& installInputFileNames();
    // - every file under these root folders: Yarn's releases and plugins (Yarn runs them), Yarn's
    //   patches, and patches/ (patch-package, pnpm's patchedDependencies);
    static const QStringList& installInputFolders();
    // - the files that the files read so far name: .yarnrc.yml's yarnPath and plugin paths, .yarnrc's
    //   yarn-path, .npmrc's and pnpm-workspace.yaml's pnpmfile, pnpm's patchedDependencies, and the
    //   `patch:` and `file:` tarball dependencies of each package.json. Relative to the repository
    //   root, cleaned, never leaving it; sorted. (Scripts that install scripts run are not here:
    //   see InstallCacheKey about why the repository's identity is in the key.)
    QStringList referencedInstallInputs() const;
    // The recorded paths that are install inputs by the three rules above (unreadable ones
    // included), sorted.
    QStringList installInputPaths() const;

    void addFile(const QString& relativePath, const QByteArray& content);
    // Records a file too large to keep by its SHA-256 (see MaxHashedFileSize).
    void addFileDigest(const QString& relativePath, const QByteArray& sha256);
    // Records a file that exists but was not read (too large, a symbolic link, unreadable), or a
    // folder whose files were not all read.
    void addUnreadableFile(const QString& relativePath);

    bool contains(const QString& relativePath) const;
    // Content of a file that was read; empty when absent, hashed only or unreadable.
    QByteArray content(const QString& relativePath) const;
    bool isReadable(const QString& relativePath) const;
    // The SHA-256 of a file's content, whether it was kept or only hashed; empty when it is absent
    // or unreadable.
    QByteArray digest(const QString& relativePath) const;
    // Every recorded path (files only), sorted.
    QStringList paths() const;

    // The workspace package patterns of a monorepo root, from package.json's `workspaces` (an array,
    // or an object with a `packages` array) and pnpm-workspace.yaml's `packages` list. Only simple
    // patterns are kept: `dir/*` (`dir/**` is read as `dir/*`) and `dir/name`, without `..`;
    // negations and other globs are dropped. Empty when the root is not a monorepo root.
    QStringList workspacePatterns() const;
    // Whether `directory` (relative, no trailing '/') is matched by one of `patterns`.
    static bool matchesWorkspacePattern(const QString& directory, const QStringList& patterns);

    // The framework public variables (ExpectedEnvironment::isPublicName) that source files refer to:
    // only the names and the files they were seen in, never the files themselves. fromDirectory()
    // scans the .js/.jsx/.ts/.tsx/.mjs/.cjs/.vue/.svelte/.astro files breadth first, in name order,
    // within the MaxReferenceScan bounds (a file above the size bound is skipped, the scan stops at
    // the others), skipping node_modules, .git, build output (dist, build, .next, .nuxt, .output,
    // .svelte-kit, .vercel, .turbo) and .yarn, and never following a symbolic link.
    void addVariableReference(const QString& name, const QString& relativePath);
    // Name to the files referring to it, sorted.
    QMap<QString, QStringList> variableReferences() const { return m_references; }

    // At most this many workspace packages are read by fromDirectory().
    static constexpr int MaxWorkspacePackages = 200;

private:
    QMap<QString, QByteArray> m_files;
    QMap<QString, QByteArray> m_digests; // hashed, not kept
    QStringList m_unreadable;
    QMap<QString, QStringList> m_references;
};

} // namespace forge
