#include "RemoteSnapshot.h"

#include <QHash>

using namespace Qt::StringLiterals;

namespace forge {

namespace {

using daytona::DaytonaError;
using daytona::FileInfo;

// The listing of `directory`, by name; empty when it does not exist.
QCoro::Task<QHash<QString, FileInfo>> listing(std::shared_ptr<daytona::ToolboxApi> toolbox, QString directory)
{
    QHash<QString, FileInfo> byName;
    try {
        const QList<FileInfo> entries = co_await toolbox->listFiles(directory);
        for (const FileInfo& entry : entries)
            byName.insert(entry.name, entry);
    } catch (const DaytonaError& error) {
        if (error.kind() != DaytonaError::Kind::NotFound && error.kind() != DaytonaError::Kind::InvalidState)
            throw;
    }
    co_return byName;
}

// Go's os.FileMode text starts with 'L' for a symbolic link; a link could point out of the project.
bool isLink(const FileInfo& info)
{
    return info.mode.startsWith(u'L');
}

QCoro::Task<> readInto(ProjectSnapshot& snapshot, std::shared_ptr<daytona::ToolboxApi> toolbox, QString root,
                       QString relativeDirectory, QHash<QString, FileInfo> entries, QStringList names)
{
    for (const QString& name : names) {
        const auto entry = entries.constFind(name);
        if (entry == entries.cend() || entry->isDir)
            continue;
        const QString relative = relativeDirectory.isEmpty() ? name : relativeDirectory + u'/' + name;
        if (isLink(*entry) || entry->size > ProjectSnapshot::MaxFileSize) {
            snapshot.addUnreadableFile(relative);
            continue;
        }
        const QByteArray content = co_await toolbox->downloadFile(root + u'/' + relative);
        if (content.size() > ProjectSnapshot::MaxFileSize)
            snapshot.addUnreadableFile(relative);
        else
            snapshot.addFile(relative, content);
    }
}

} // namespace

QCoro::Task<ProjectSnapshot> readRemoteSnapshot(std::shared_ptr<daytona::ToolboxApi> toolbox, QString root)
{
    ProjectSnapshot snapshot;
    const QHash<QString, FileInfo> top = co_await listing(toolbox, root);
    co_await readInto(snapshot, toolbox, root, QString(), top, ProjectSnapshot::rootFileNames());

    // Workspace packages of a monorepo root, as fromDirectory finds them.
    QStringList directories;
    for (const QString& pattern : snapshot.workspacePatterns()) {
        if (!pattern.endsWith(u"/*"_s)) {
            directories.append(pattern);
            continue;
        }
        const QString parent = pattern.chopped(2);
        const QHash<QString, FileInfo> children = co_await listing(toolbox, root + u'/' + parent);
        QStringList names;
        for (const FileInfo& child : children) {
            if (child.isDir && !isLink(child))
                names.append(child.name);
        }
        names.sort();
        for (const QString& name : std::as_const(names))
            directories.append(parent + u'/' + name);
    }
    directories.removeDuplicates();
    int read = 0;
    for (const QString& directory : std::as_const(directories)) {
        if (++read > ProjectSnapshot::MaxWorkspacePackages)
            break;
        const QHash<QString, FileInfo> entries = co_await listing(toolbox, root + u'/' + directory);
        co_await readInto(snapshot, toolbox, root, directory, entries, ProjectSnapshot::packageFileNames());
    }
    co_return snapshot;
}

} // namespace forge
