#include "RemoteSnapshot.h"

#include "ShellCommand.h"

#include <QCryptographicHash>
#include <QHash>
#include <QRegularExpression>
#include <utility>

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

// Go's os.FileMode text starts with 'L' for a symbolic link. Daytona's daemon lists and describes
// files with os.Stat, which follows links (getFileInfo in apps/daemon/pkg/toolbox/fs/get_file_info.go,
// daytonaio/daytona v0.190.0), so a listing never shows this: a link reads as what it points to.
// Kept for daemons that do say so; the check that counts is PathCheck's realpath in the sandbox.
bool isLink(const FileInfo& info)
{
    return info.mode.startsWith(u'L');
}

// $1: the project folder; $2: the snapshot's folder relative to it ("" for the project itself);
// then paths relative to the snapshot's folder. Prints one character per path, in order: 1 when
// the path resolves to exactly where its name says (no symbolic link anywhere on the way, below the
// project folder's own real path), 0 otherwise. Digits only, so no name the repository chose is
// ever parsed back; a name ending in a newline loses it in $(...) and reads as 0, which is safe.
constexpr auto PathCheckScript = R"(project=$(realpath -e -- "$1") || exit 3
root=$project${2:+/$2}
shift 2
for p; do
  r=$(realpath -e -- "$root/$p" 2>/dev/null) && [ "$r" = "$root/$p" ] && printf 1 || printf 0
done
)";
constexpr int PathCheckTimeoutSeconds = 120;

// Which of `relatives` (below `project`/`directory`) are free of symbolic links, as the sandbox
// itself resolves them: one command for the whole list.
QCoro::Task<QList<bool>> unlinkedPaths(std::shared_ptr<daytona::ToolboxApi> toolbox, QString project,
                                       QString directory, QStringList relatives)
{
    QStringList argv{u"sh"_s,          u"-c"_s, QString::fromLatin1(PathCheckScript),
                     u"forge-paths"_s, project, directory};
    argv += relatives;
    const QString line = shell::commandLine(argv, u"/"_s, {});
    const daytona::ExecuteResult checked = co_await toolbox->execute(line, {}, {}, PathCheckTimeoutSeconds);
    const QString digits = checked.result.trimmed();
    static const QRegularExpression onlyDigits(u"\\A[01]*\\z"_s);
    if (checked.exitCode != 0 || digits.size() != relatives.size() || !onlyDigits.match(digits).hasMatch()) {
        throw DaytonaError(
            DaytonaError::Kind::InvalidState,
            u"Could not check in the sandbox where the project's files lead (sh and realpath, exit code %1). "
            u"The sandbox's image needs sh and realpath (coreutils; node:22-bookworm has them): choose "
            u"such an image or snapshot in the Daytona settings, then run again."_s.arg(checked.exitCode));
    }
    QList<bool> unlinked;
    for (const QChar digit : digits)
        unlinked.append(digit == u'1');
    co_return unlinked;
}

// Reads what ProjectSnapshot::fromDirectory reads, with the same bounds, through the toolbox. The
// listings choose the files; before any is downloaded, the sandbox resolves them all with realpath
// (unlinkedPaths), since the listings follow links: a file that is a link, or lies behind a linked
// folder, is refused as fromDirectory refuses it (the repository controls every name, and a link
// could lead out of the project, for example to /etc/passwd or another project's files).
class RemoteReader
{
public:
    RemoteReader(ProjectSnapshot& snapshot, std::shared_ptr<daytona::ToolboxApi> toolbox, QString project,
                 QString directory)
        : m_snapshot(snapshot)
        , m_toolbox(std::move(toolbox))
        , m_project(std::move(project))
        , m_directory(std::move(directory))
        , m_root(m_directory.isEmpty() ? m_project : m_project + u'/' + m_directory)
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

    // Detection's files: `names` in `relativeDirectory`, chosen for reading when small; an install
    // input too large to keep is hashed.
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
            if (isLink(*entry) || entry->size > ProjectSnapshot::MaxFileSize)
                m_snapshot.addUnreadableFile(relative);
            else
                choose({relative, false, relative});
        }
    }

    // As SnapshotReader::readInstallInput (core/ProjectSnapshot.cpp): chosen, or recorded as
    // unreadable; nothing when absent; false once the bounds are exceeded. A link found later makes
    // `refusedAs` unreadable (the file itself, or the install-input folder it was found in).
    QCoro::Task<bool> readInstallInput(QString relative, QString refusedAs = {})
    {
        if (++m_inputFiles > ProjectSnapshot::MaxInstallInputFiles)
            co_return false;
        const QStringList parts = relative.split(u'/');
        QString parent;
        for (qsizetype i = 0; i + 1 < parts.size(); ++i) {
            const QHash<QString, FileInfo> entries = co_await folder(parent);
            const auto entry = entries.constFind(parts.at(i));
            if (entry == entries.cend()) {
                absentBelow(parent, relative);
                co_return true;
            }
            if (!entry->isDir || isLink(*entry)) {
                m_snapshot.addUnreadableFile(relative);
                co_return true;
            }
            parent = parent.isEmpty() ? parts.at(i) : parent + u'/' + parts.at(i);
        }
        const QHash<QString, FileInfo> entries = co_await folder(parent);
        const auto entry = entries.constFind(parts.constLast());
        if (entry == entries.cend()) {
            absentBelow(parent, relative);
            co_return true;
        }
        if (entry->isDir || isLink(*entry) || entry->size > ProjectSnapshot::MaxHashedFileSize) {
            m_snapshot.addUnreadableFile(relative);
            co_return true;
        }
        if (m_inputBytes + entry->size > ProjectSnapshot::MaxInstallInputBytes) {
            m_snapshot.addUnreadableFile(relative);
            co_return false;
        }
        m_inputBytes += entry->size;
        choose({relative, true, refusedAs.isEmpty() ? relative : refusedAs});
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

    // Downloads the chosen files whose paths the sandbox finds free of links (one command for all
    // of them) and records the others as unreadable. Called once the files chosen so far decide
    // what to look at next (workspace patterns, referenced install inputs).
    QCoro::Task<> readChosen()
    {
        const QList<ChosenFile> chosen = std::exchange(m_chosen, {});
        if (chosen.isEmpty())
            co_return;
        QStringList relatives;
        for (const ChosenFile& file : chosen)
            relatives.append(file.relative);
        const QList<bool> unlinked = co_await unlinkedPaths(m_toolbox, m_project, m_directory, relatives);
        for (qsizetype i = 0; i < chosen.size(); ++i) {
            if (!unlinked.at(i))
                m_snapshot.addUnreadableFile(chosen.at(i).refusedAs);
            else if (!chosen.at(i).folderOnly)
                co_await download(chosen.at(i));
        }
    }

private:
    struct ChosenFile
    {
        QString relative;
        bool installInput = false; // hashed when too large to keep
        QString refusedAs;         // what a link makes unreadable
        bool folderOnly = false;   // a folder on the way to an absent file: checked, not read
    };

    // `relative` is absent from the folder `parent`: nothing to read, unless `parent` is (or lies
    // behind) a link, which fromDirectory, never following links, reports as unreadable.
    void absentBelow(const QString& parent, const QString& relative)
    {
        if (!parent.isEmpty())
            choose({parent, false, relative, true});
    }

    void choose(ChosenFile file)
    {
        for (const ChosenFile& known : std::as_const(m_chosen)) {
            if (known.relative == file.relative && known.refusedAs == file.refusedAs)
                return;
        }
        m_chosen.append(std::move(file));
    }

    QCoro::Task<> download(ChosenFile file)
    {
        const QByteArray content = co_await m_toolbox->downloadFile(m_root + u'/' + file.relative);
        if (content.size() <= ProjectSnapshot::MaxFileSize)
            m_snapshot.addFile(file.relative, content);
        else if (file.installInput && content.size() <= ProjectSnapshot::MaxHashedFileSize)
            m_snapshot.addFileDigest(file.relative,
                                     QCryptographicHash::hash(content, QCryptographicHash::Sha256));
        else
            m_snapshot.addUnreadableFile(file.relative);
    }

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
                read = co_await readInstallInput(path, top);
            if (!read)
                co_return false;
        }
        co_return true;
    }

    ProjectSnapshot& m_snapshot;
    std::shared_ptr<daytona::ToolboxApi> m_toolbox;
    QString m_project;
    QString m_directory;
    QString m_root;
    QHash<QString, QHash<QString, FileInfo>> m_listings;
    QList<ChosenFile> m_chosen;
    int m_inputFiles = 0;
    qint64 m_inputBytes = 0;
};

} // namespace

QCoro::Task<ProjectSnapshot> readRemoteSnapshot(std::shared_ptr<daytona::ToolboxApi> toolbox, QString project,
                                                QString directory)
{
    ProjectSnapshot snapshot;
    RemoteReader reader(snapshot, toolbox, project, directory);
    const QString root = directory.isEmpty() ? project : project + u'/' + directory;
    const QHash<QString, FileInfo> top = co_await reader.folder(QString());
    co_await reader.readInto(QString(), top, ProjectSnapshot::rootFileNames());
    co_await reader.readChosen(); // the root's package.json names the workspaces

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
    for (const QString& package : std::as_const(directories)) {
        if (++read > ProjectSnapshot::MaxWorkspacePackages)
            break;
        const QHash<QString, FileInfo> entries = co_await listing(toolbox, root + u'/' + package);
        co_await reader.readInto(package, entries, ProjectSnapshot::packageFileNames());
    }

    // The install inputs detection does not look at.
    for (const QString& name : ProjectSnapshot::installInputFileNames()) {
        if (!snapshot.contains(name) && !ProjectSnapshot::rootFileNames().contains(name))
            co_await reader.readInstallInput(name);
    }
    for (const QString& folder : ProjectSnapshot::installInputFolders())
        co_await reader.readInstallFolder(folder);
    co_await reader.readChosen(); // what they hold names further install inputs
    for (const QString& path : snapshot.referencedInstallInputs()) {
        if (snapshot.contains(path))
            continue;
        if (!co_await reader.readInstallInput(path))
            snapshot.addUnreadableFile(path); // beyond the bounds: the key cannot cover it
    }
    co_await reader.readChosen();
    // No scan of the source files for variable references (ProjectSnapshot::variableReferences),
    // which fromDirectory does: through the file API it would be one listing per folder and one
    // download per file, thousands of requests before the first run. The example files (.env.example
    // and the like) come with rootFileNames() and packageFileNames() above, so ExpectedEnvironment
    // still sees what the repository documents.
    co_return snapshot;
}

} // namespace forge
