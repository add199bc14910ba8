#pragma once

#include <QByteArray>
#include <QCoroTask>
#include <QHash>
#include <QString>
#include <QStringList>

namespace forge {

// One file of a working copy as it was on disk when it was listed: enough to tell that it changed
// (lstat's size, modification time, inode and mode; a link's target) without reading it.
struct WorkingCopyEntry
{
    enum class Kind { File, Link };
    Kind kind = Kind::File;
    qint64 size = 0;
    qint64 modifiedNs = 0; // st_mtim in nanoseconds; -1: to be sent again whatever it is now
    quint64 inode = 0;     // a file an editor replaced is a new inode
    quint32 mode = 0;      // permission bits (the executable bit matters to scripts)
    QString linkTarget;    // Link: where it points (always relative and inside the folder)

    bool sameAs(const WorkingCopyEntry& other) const;
};

// Relative path (with '/') -> entry.
using WorkingCopySnapshot = QHash<QString, WorkingCopyEntry>;

// What a folder's working copy is now.
struct WorkingCopyListing
{
    WorkingCopySnapshot files;
    // What was left out and why, one sentence each (a link that points outside the folder, a file
    // over the size limit, a special file): for notices, said once each.
    QStringList skipped;
    bool fromGit = false; // listed by git (ignored files left out), else a walk of the folder

    // Every folder holding a listed file, relative ("" is the folder itself), sorted.
    QStringList folders() const;
};

// What changed between two listings; a rename is a removal and an addition.
struct WorkingCopyDiff
{
    QStringList added;   // sorted
    QStringList changed; // sorted
    QStringList removed; // sorted

    bool isEmpty() const { return added.isEmpty() && changed.isEmpty() && removed.isEmpty(); }
    // added + changed: what an archive must carry.
    QStringList written() const;
    qsizetype count() const { return added.size() + changed.size() + removed.size(); }

    static WorkingCopyDiff between(const WorkingCopySnapshot& before, const WorkingCopySnapshot& after);
};

// The files of a local folder that a working-copy preview copies into its sandbox, read on this
// machine and only read: in a git repository, `git ls-files --cached --others --exclude-standard`
// (tracked files, uncommitted edits included, and untracked files that are not ignored; tracked
// files deleted on disk are absent), run with nothing of the repository's able to run (no hook, no
// fsmonitor, no pager, no system configuration); outside git, a walk of the folder. Always left out:
// anything under a `node_modules` or `.git` folder; files under a folder that is a symbolic link;
// symbolic links that are absolute or lead outside the folder (links inside stay links); files over
// the size limit; sockets, pipes and devices.
class WorkingCopyFiles final
{
public:
    static constexpr qint64 DefaultSizeLimit = qint64(50) * 1024 * 1024;

    explicit WorkingCopyFiles(const QString& folder, qint64 sizeLimit = DefaultSizeLimit);

    // The folder, made canonical (a link to it resolved): every path is relative to this.
    QString folder() const { return m_folder; }
    qint64 sizeLimit() const { return m_sizeLimit; }

    // Lists the folder. Throws Failure when the folder cannot be read at all.
    QCoro::Task<WorkingCopyListing> list() const;
    // Reads `paths` (relative) again without listing the folder: each is updated in `listing`,
    // or dropped from it when it is gone or no longer qualifies. For changes to files already
    // listed (a save); new files need list().
    void refresh(WorkingCopyListing& listing, const QStringList& paths) const;
    // A tar archive of `paths` (relative, from a listing) made on this machine by tar, which
    // archives links as links and never follows one. A file that vanished in between is left out
    // (the next listing sees it gone). Throws Failure when tar is missing or fails.
    QCoro::Task<QByteArray> archive(QStringList paths) const;

    // Whether `relativePath` is always left out (a node_modules or .git component).
    static bool isAlwaysSkipped(QStringView relativePath);

private:
    enum class Verdict { Take, Skip, Folder };
    // Reads one path: what to do with it, its entry when taken, a sentence when skipped with a
    // notice.
    Verdict examine(const QString& relative, WorkingCopyEntry* entry, QString* why,
                    QHash<QString, bool>* realFolders) const;
    void walk(const QString& relativeFolder, WorkingCopyListing& listing,
              QHash<QString, bool>* realFolders) const;
    void add(const QString& relative, WorkingCopyListing& listing, QHash<QString, bool>* realFolders) const;

    QString m_folder;
    qint64 m_sizeLimit;
};

} // namespace forge
