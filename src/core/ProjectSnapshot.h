#pragma once

#include <QByteArray>
#include <QMap>
#include <QString>
#include <QStringList>

namespace forge {

// The files detection looks at, read once from wherever the project lives (a local folder today, a
// remote sandbox through its file API later), so that detection itself is pure and testable.
// Paths are relative to the repository root and use '/'.
class ProjectSnapshot
{
public:
    // Files larger than this are recorded as present but their content is not read (a 50 MB
    // package.json is hostile, not a project).
    static constexpr qint64 MaxFileSize = 2 * 1024 * 1024;

    // Reads the interesting files of the repository at `rootPath`: the root listing, package.json,
    // lockfiles, .nvmrc/.node-version, .yarnrc.yml, index.html and, for a monorepo root, the
    // package.json of each workspace package (simple `dir/*` and `dir/name` workspace patterns).
    static ProjectSnapshot fromDirectory(const QString& rootPath);

    // The files read at the repository root, and in each workspace package (see fromDirectory).
    // Other readers (a remote sandbox's file API) read the same ones.
    static const QStringList& rootFileNames();
    static const QStringList& packageFileNames();

    void addFile(const QString& relativePath, const QByteArray& content);
    // Records a file that exists but was not read (too large, unreadable).
    void addUnreadableFile(const QString& relativePath);

    bool contains(const QString& relativePath) const;
    // Content of a file that was read; empty when absent or unreadable.
    QByteArray content(const QString& relativePath) const;
    bool isReadable(const QString& relativePath) const;
    // Every recorded path (files only), sorted.
    QStringList paths() const;

    // The workspace package patterns of a monorepo root, from package.json's `workspaces` (an array,
    // or an object with a `packages` array) and pnpm-workspace.yaml's `packages` list. Only simple
    // patterns are kept: `dir/*` (`dir/**` is read as `dir/*`) and `dir/name`, without `..`;
    // negations and other globs are dropped. Empty when the root is not a monorepo root.
    QStringList workspacePatterns() const;
    // Whether `directory` (relative, no trailing '/') is matched by one of `patterns`.
    static bool matchesWorkspacePattern(const QString& directory, const QStringList& patterns);

    // At most this many workspace packages are read by fromDirectory().
    static constexpr int MaxWorkspacePackages = 200;

private:
    QMap<QString, QByteArray> m_files;
    QStringList m_unreadable;
};

} // namespace forge
