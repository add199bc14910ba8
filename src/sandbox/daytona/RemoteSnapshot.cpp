#include "RemoteSnapshot.h"

#include <QCryptographicHash>
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

// Reads what ProjectSnapshot::fromDirectory reads, with the same bounds, through the toolbox. Every
// folder on the way to an install input is listed first, so a symbolic link anywhere on the way is
// refused as fromDirectory refuses it (the repository controls every name).
class RemoteReader
{
public:
    RemoteReader(ProjectSnapshot& snapshot, std::shared_ptr<daytona::ToolboxApi> toolbox, QString root)
        : m_snapshot(snapshot)
        , m_toolbox(std::move(toolbox))
        , m_root(std::move(root))
    {}

    // The listing of a folder relative to the root ("" for the root), fetched once.
    QCoro::Task<QHash<QString, FileInfo>> folder(QString relative)
    {
        if (const auto known = m_listings.constFind(relative); known != m_listings.cend())
            co_return *known;
        const QString path = relative.isEmpty() ? m_root : m_root + u'/' + relative;
        const QHash<QString, FileInfo> entries = co_await listing(m_toolbox, path);
        m_listings.insert(relative, entries);
        co_return entries;
    }

    // Detection's files: `names` in `relativeDirectory`, read when small; an install input too large
    // to keep is hashed.
    QCoro::Task<> readInto(QString relativeDirectory, QHash<QString, FileInfo> entries, QStringList names)
    {
        for (const QString& name : names) {
            const auto entry = entries.constFind(name);
            if (entry == entries.cend() || entry->isDir)
                continue;
            const QString relative = relativeDirectory.isEmpty() ? name : relativeDirectory + u'/' + name;
            if (!isLink(*entry) && entry->size > ProjectSnapshot::MaxFileSize &&
                ProjectSnapshot::installInputFileNames().contains(name)) {
                co_await readInstallInput(relative);
                continue;
            }
            if (isLink(*entry) || entry->size > ProjectSnapshot::MaxFileSize) {
                m_snapshot.addUnreadableFile(relative);
                continue;
            }
            const QByteArray content = co_await m_toolbox->downloadFile(m_root + u'/' + relative);
            if (content.size() > ProjectSnapshot::MaxFileSize)
                m_snapshot.addUnreadableFile(relative);
            else
                m_snapshot.addFile(relative, content);
        }
    }

    // As SnapshotReader::readInstallInput (core/ProjectSnapshot.cpp): kept, hashed or unreadable;
    // nothing when absent; false once the bounds are exceeded.
    QCoro::Task<bool> readInstallInput(QString relative)
    {
        if (++m_inputFiles > ProjectSnapshot::MaxInstallInputFiles)
            co_return false;
        const QStringList parts = relative.split(u'/');
        QString parent;
        for (qsizetype i = 0; i + 1 < parts.size(); ++i) {
            const QHash<QString, FileInfo> entries = co_await folder(parent);
            const auto entry = entries.constFind(parts.at(i));
            if (entry == entries.cend())
                co_return true;
            if (!entry->isDir || isLink(*entry)) {
                m_snapshot.addUnreadableFile(relative);
                co_return true;
            }
            parent = parent.isEmpty() ? parts.at(i) : parent + u'/' + parts.at(i);
        }
        const QHash<QString, FileInfo> entries = co_await folder(parent);
        const auto entry = entries.constFind(parts.constLast());
        if (entry == entries.cend())
            co_return true;
        if (entry->isDir || isLink(*entry) || entry->size > ProjectSnapshot::MaxHashedFileSize) {
            m_snapshot.addUnreadableFile(relative);
            co_return true;
        }
        if (m_inputBytes + entry->size > ProjectSnapshot::MaxInstallInputBytes) {
            m_snapshot.addUnreadableFile(relative);
            co_return false;
        }
        const QByteArray content = co_await m_toolbox->downloadFile(m_root + u'/' + relative);
        m_inputBytes += content.size();
        if (content.size() > ProjectSnapshot::MaxHashedFileSize)
            m_snapshot.addUnreadableFile(relative);
        else if (content.size() > ProjectSnapshot::MaxFileSize)
            m_snapshot.addFileDigest(relative, QCryptographicHash::hash(content, QCryptographicHash::Sha256));
        else
            m_snapshot.addFile(relative, content);
        co_return true;
    }

    // As SnapshotReader::readInstallFolder: every file under `top`, or `top` recorded as unreadable.
    QCoro::Task<> readInstallFolder(QString top)
    {
        // Checks the folders on the way to `top` (for links) the way a file on that path would be.
        const QStringList parts = top.split(u'/');
        QString parent;
        for (const QString& part : parts) {
            const QHash<QString, FileInfo> entries = co_await folder(parent);
            const auto entry = entries.constFind(part);
            if (entry == entries.cend())
                co_return;
            if (!entry->isDir || isLink(*entry)) {
                m_snapshot.addUnreadableFile(top);
                co_return;
            }
            parent = parent.isEmpty() ? part : parent + u'/' + part;
        }
        if (!co_await readFolderFiles(top, top, 0))
            m_snapshot.addUnreadableFile(top);
    }

private:
    QCoro::Task<bool> readFolderFiles(QString top, QString relative, int depth)
    {
        const QHash<QString, FileInfo> entries = co_await folder(relative);
        QStringList names = entries.keys();
        names.sort(); // the same order as fromDirectory, so the bounds cut the same files
        for (const QString& name : std::as_const(names)) {
            const FileInfo entry = entries.value(name);
            const QString path = relative + u'/' + name;
            if (isLink(entry))
                co_return false;
            // (No co_await inside &&, || or ?:, which GCC 12 fails to compile.)
            if (entry.isDir && depth + 1 >= ProjectSnapshot::MaxInstallInputDepth)
                co_return false;
            bool read = false;
            if (entry.isDir)
                read = co_await readFolderFiles(top, path, depth + 1);
            else
                read = co_await readInstallInput(path);
            if (!read)
                co_return false;
        }
        co_return true;
    }

    ProjectSnapshot& m_snapshot;
    std::shared_ptr<daytona::ToolboxApi> m_toolbox;
    QString m_root;
    QHash<QString, QHash<QString, FileInfo>> m_listings;
    int m_inputFiles = 0;
    qint64 m_inputBytes = 0;
};

} // namespace

QCoro::Task<ProjectSnapshot> readRemoteSnapshot(std::shared_ptr<daytona::ToolboxApi> toolbox, QString root)
{
    ProjectSnapshot snapshot;
    RemoteReader reader(snapshot, toolbox, root);
    const QHash<QString, FileInfo> top = co_await reader.folder(QString());
    co_await reader.readInto(QString(), top, ProjectSnapshot::rootFileNames());

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
        co_await reader.readInto(directory, entries, ProjectSnapshot::packageFileNames());
    }

    // The install inputs detection does not look at.
    for (const QString& name : ProjectSnapshot::installInputFileNames()) {
        if (!snapshot.contains(name) && !ProjectSnapshot::rootFileNames().contains(name))
            co_await reader.readInstallInput(name);
    }
    for (const QString& folder : ProjectSnapshot::installInputFolders())
        co_await reader.readInstallFolder(folder);
    for (const QString& path : snapshot.referencedInstallInputs()) {
        if (snapshot.contains(path))
            continue;
        if (!co_await reader.readInstallInput(path))
            snapshot.addUnreadableFile(path); // beyond the bounds: the key cannot cover it
    }
    co_return snapshot;
}

} // namespace forge
