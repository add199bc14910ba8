#include "WorkingCopyFiles.h"

#include "core/Failure.h"
#include "sandbox/HostCommand.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QLocale>
#include <QProcessEnvironment>
#include <QSet>
#include <QStandardPaths>
#include <QTemporaryFile>
#include <algorithm>
#include <memory>
#include <sys/stat.h>
#include <unistd.h>

using namespace Qt::StringLiterals;

namespace forge {

namespace {

constexpr auto GitLimit = std::chrono::minutes(2);
constexpr auto TarLimit = std::chrono::minutes(10);

qint64 nanoseconds(const struct timespec& time)
{
    return qint64(time.tv_sec) * 1'000'000'000 + time.tv_nsec;
}

bool lstatPath(const QString& path, struct stat* info)
{
    return ::lstat(QFile::encodeName(path).constData(), info) == 0;
}

QString readLink(const QString& path)
{
    const QByteArray encoded = QFile::encodeName(path);
    QByteArray buffer(4096, Qt::Uninitialized);
    const ssize_t length = ::readlink(encoded.constData(), buffer.data(), size_t(buffer.size()));
    if (length < 0 || length >= buffer.size())
        return {};
    buffer.truncate(length);
    return QFile::decodeName(buffer);
}

QString megabytes(qint64 bytes)
{
    return QLocale::c().toString(double(bytes) / (1024.0 * 1024.0), 'f', 1) + u" MB"_s;
}

// The environment git lists the user's repository with: nothing inherited that could point git at
// another repository or configuration (GIT_DIR, GIT_CONFIG_*, ...), no system configuration, no
// pager, no prompt, no optional lock (nothing written into .git). HOME stays: the user's own global
// excludes file says what they ignore.
QProcessEnvironment gitEnvironment()
{
    const QProcessEnvironment user = QProcessEnvironment::systemEnvironment();
    QProcessEnvironment environment;
    for (const QString& name : {u"PATH"_s, u"HOME"_s, u"XDG_CONFIG_HOME"_s}) {
        if (user.contains(name))
            environment.insert(name, user.value(name));
    }
    environment.insert(u"LC_ALL"_s, u"C"_s);
    environment.insert(u"GIT_CONFIG_NOSYSTEM"_s, u"1"_s);
    environment.insert(u"GIT_TERMINAL_PROMPT"_s, u"0"_s);
    environment.insert(u"GIT_OPTIONAL_LOCKS"_s, u"0"_s);
    environment.insert(u"GIT_PAGER"_s, u"cat"_s);
    environment.insert(u"PAGER"_s, u"cat"_s);
    return environment;
}

// Built outside the coroutine: GCC 12 fails on braced lists inside one.
QStringList lsFilesArguments()
{
    // Options given with -c beat the repository's .git/config: its core.fsmonitor would otherwise
    // run a command of the repository's choosing. ls-files runs no hook; hooksPath points nowhere
    // all the same.
    return {u"--no-pager"_s,
            u"-c"_s,
            u"core.fsmonitor=false"_s,
            u"-c"_s,
            u"core.untrackedCache=false"_s,
            u"-c"_s,
            u"core.hooksPath=/dev/null"_s,
            u"ls-files"_s,
            u"-z"_s,
            u"--cached"_s,
            u"--others"_s,
            u"--exclude-standard"_s};
}

QStringList tarArguments(const QString& folder, const QString& listFile)
{
    // Names come NUL-separated and verbatim from the file (a name starting with "-" is a name);
    // no recursion (the list names every file); links archived as links (no -h); owners not
    // recorded (the sandbox's user owns what it unpacks). --ignore-failed-read: a file removed
    // since the listing is left out with a warning, not an error.
    return {u"--create"_s,       u"--file=-"_s,
            u"--format=gnu"_s,   u"--owner=0"_s,
            u"--group=0"_s,      u"--numeric-owner"_s,
            u"--no-recursion"_s, u"--ignore-failed-read"_s,
            u"--directory"_s,    folder,
            u"--null"_s,         u"--verbatim-files-from"_s,
            u"--files-from"_s,   listFile};
}

struct Collected
{
    QByteArray output;
    QByteArray errors;
};

} // namespace

bool WorkingCopyEntry::sameAs(const WorkingCopyEntry& other) const
{
    return kind == other.kind && size == other.size && modifiedNs == other.modifiedNs && modifiedNs >= 0 &&
           inode == other.inode && mode == other.mode && linkTarget == other.linkTarget;
}

QStringList WorkingCopyListing::folders() const
{
    QSet<QString> set{QString()};
    for (auto it = files.cbegin(); it != files.cend(); ++it) {
        QString path = it.key();
        for (qsizetype slash = path.lastIndexOf(u'/'); slash > 0; slash = path.lastIndexOf(u'/')) {
            path.truncate(slash);
            if (set.contains(path))
                break;
            set.insert(path);
        }
    }
    QStringList sorted(set.cbegin(), set.cend());
    std::sort(sorted.begin(), sorted.end());
    return sorted;
}

QStringList WorkingCopyDiff::written() const
{
    QStringList all = added + changed;
    std::sort(all.begin(), all.end());
    return all;
}

WorkingCopyDiff WorkingCopyDiff::between(const WorkingCopySnapshot& before, const WorkingCopySnapshot& after)
{
    WorkingCopyDiff diff;
    for (auto it = after.cbegin(); it != after.cend(); ++it) {
        const auto old = before.constFind(it.key());
        if (old == before.cend())
            diff.added.append(it.key());
        else if (!old->sameAs(*it))
            diff.changed.append(it.key());
    }
    for (auto it = before.cbegin(); it != before.cend(); ++it) {
        if (!after.contains(it.key()))
            diff.removed.append(it.key());
    }
    std::sort(diff.added.begin(), diff.added.end());
    std::sort(diff.changed.begin(), diff.changed.end());
    std::sort(diff.removed.begin(), diff.removed.end());
    return diff;
}

WorkingCopyFiles::WorkingCopyFiles(const QString& folder, qint64 sizeLimit)
    : m_sizeLimit(sizeLimit)
{
    const QString canonical = QFileInfo(folder).canonicalFilePath();
    m_folder = canonical.isEmpty() ? QDir::cleanPath(QFileInfo(folder).absoluteFilePath()) : canonical;
}

bool WorkingCopyFiles::isAlwaysSkipped(QStringView relativePath)
{
    for (const QStringView part : relativePath.tokenize(u'/')) {
        if (part == u"node_modules" || part == u".git")
            return true;
    }
    return false;
}

WorkingCopyFiles::Verdict WorkingCopyFiles::examine(const QString& relative, WorkingCopyEntry* entry,
                                                    QString* why, QHash<QString, bool>* realFolders) const
{
    if (relative.isEmpty() || relative.startsWith(u'/') || isAlwaysSkipped(relative))
        return Verdict::Skip;
    const QStringList parts = relative.split(u'/');
    if (parts.contains(u".."_s) || parts.contains(u"."_s) || parts.contains(QString()))
        return Verdict::Skip;
    // Every folder on the way must be a real folder: through a folder that is a link, lstat and tar
    // would read wherever it leads (git still lists a tracked folder's files after the folder was
    // replaced by a link).
    QString folder;
    for (qsizetype i = 0; i + 1 < parts.size(); ++i) {
        folder = i == 0 ? parts.at(0) : folder + u'/' + parts.at(i);
        auto known = realFolders->constFind(folder);
        if (known == realFolders->cend()) {
            struct stat info
            {
            };
            const bool real = lstatPath(m_folder + u'/' + folder, &info) && S_ISDIR(info.st_mode);
            known = realFolders->insert(folder, real);
        }
        if (!*known)
            return Verdict::Skip;
    }
    const QString path = m_folder + u'/' + relative;
    struct stat info
    {
    };
    if (!lstatPath(path, &info))
        return Verdict::Skip; // gone (a tracked file deleted on disk)
    entry->size = qint64(info.st_size);
    entry->modifiedNs = nanoseconds(info.st_mtim);
    entry->inode = quint64(info.st_ino);
    entry->mode = quint32(info.st_mode & 07777);
    entry->linkTarget.clear();
    if (S_ISDIR(info.st_mode))
        return Verdict::Folder; // a submodule, or a walk's folder
    if (S_ISLNK(info.st_mode)) {
        entry->kind = WorkingCopyEntry::Kind::Link;
        const QString target = readLink(path);
        const QString outside =
            u"%1 is a symbolic link to %2, outside the folder: it is not followed and not copied."_s;
        if (target.isEmpty() || target.startsWith(u'/')) {
            *why = outside.arg(relative, target.isEmpty() ? u"(unreadable)"_s : target);
            return Verdict::Skip;
        }
        const QString lexical = QDir::cleanPath(QFileInfo(path).path() + u'/' + target);
        const QString resolved = QFileInfo(path).canonicalFilePath(); // empty when dangling
        const auto inside = [this](const QString& where) {
            return where == m_folder || where.startsWith(m_folder + u'/');
        };
        if (!inside(lexical) || (!resolved.isEmpty() && !inside(resolved))) {
            *why = outside.arg(relative, target);
            return Verdict::Skip;
        }
        entry->linkTarget = target;
        return Verdict::Take;
    }
    if (!S_ISREG(info.st_mode)) {
        *why = u"%1 is not a regular file (a socket, pipe or device): it is not copied."_s.arg(relative);
        return Verdict::Skip;
    }
    entry->kind = WorkingCopyEntry::Kind::File;
    if (entry->size > m_sizeLimit) {
        *why = u"%1 is %2, over the %3 limit: it is not copied."_s.arg(relative, megabytes(entry->size),
                                                                       megabytes(m_sizeLimit));
        return Verdict::Skip;
    }
    return Verdict::Take;
}

void WorkingCopyFiles::add(const QString& relative, WorkingCopyListing& listing,
                           QHash<QString, bool>* realFolders) const
{
    WorkingCopyEntry entry;
    QString why;
    switch (examine(relative, &entry, &why, realFolders)) {
    case Verdict::Take:
        listing.files.insert(relative, entry);
        break;
    case Verdict::Folder:
        walk(relative, listing, realFolders);
        break;
    case Verdict::Skip:
        if (!why.isEmpty())
            listing.skipped.append(why);
        break;
    }
}

void WorkingCopyFiles::walk(const QString& relativeFolder, WorkingCopyListing& listing,
                            QHash<QString, bool>* realFolders) const
{
    // One level at a time: QDirIterator's own recursion cannot leave node_modules out, and a folder
    // that is a link is never entered (examine() sees it as a link).
    const QString base = relativeFolder.isEmpty() ? m_folder : m_folder + u'/' + relativeFolder;
    QDirIterator it(base, QDir::AllEntries | QDir::Hidden | QDir::System | QDir::NoDotAndDotDot);
    QStringList names;
    while (it.hasNext()) {
        it.next();
        names.append(it.fileName());
    }
    std::sort(names.begin(), names.end());
    for (const QString& name : std::as_const(names)) {
        if (name == u"node_modules"_s || name == u".git"_s)
            continue;
        add(relativeFolder.isEmpty() ? name : relativeFolder + u'/' + name, listing, realFolders);
    }
}

QCoro::Task<WorkingCopyListing> WorkingCopyFiles::list() const
{
    struct stat info
    {
    };
    if (!lstatPath(m_folder, &info) || !S_ISDIR(info.st_mode)) {
        throw Failure::permanent(u"The folder %1 cannot be read."_s.arg(m_folder),
                                 u"Check that it exists and that you can read it, then run again."_s);
    }
    WorkingCopyListing listing;
    QHash<QString, bool> realFolders;
    const QString git = QStandardPaths::findExecutable(u"git"_s);
    bool listed = false;
    if (!git.isEmpty()) {
        auto collected = std::make_shared<Collected>();
        const OutputSink sink = [collected](OutputChannel channel, const QByteArray& bytes) {
            if (channel == OutputChannel::Stdout)
                collected->output += bytes;
            else if (collected->errors.size() < 16 * 1024)
                collected->errors += bytes;
        };
        const QStringList arguments = lsFilesArguments();
        const CommandResult result =
            co_await runOnThisMachine(git, arguments, gitEnvironment(), m_folder, sink, GitLimit);
        if (result.succeeded()) {
            listed = true;
            listing.fromGit = true;
            QSet<QString> seen; // an unmerged file is listed once per stage
            for (const QByteArray& name : collected->output.split('\0')) {
                if (name.isEmpty())
                    continue;
                const QString relative = QFile::decodeName(name);
                if (seen.contains(relative))
                    continue;
                seen.insert(relative);
                add(relative, listing, &realFolders);
            }
        } else if (!collected->errors.contains("not a git repository")) {
            const QString reason = QString::fromUtf8(collected->errors).trimmed().section(u'\n', -1);
            listing.skipped.append(
                u"git could not list %1 (%2): every file of the folder is copied, ignored ones too."_s.arg(
                    m_folder, reason.isEmpty() ? u"exit code %1"_s.arg(result.exitCode) : reason));
        }
    } else if (QFileInfo::exists(m_folder + u"/.git"_s)) {
        listing.skipped.append(
            u"git is not installed on this computer: every file of %1 is copied, ignored ones too."_s.arg(
                m_folder));
    }
    if (!listed)
        walk(QString(), listing, &realFolders);
    co_return listing;
}

void WorkingCopyFiles::refresh(WorkingCopyListing& listing, const QStringList& paths) const
{
    QHash<QString, bool> realFolders;
    for (const QString& relative : paths) {
        WorkingCopyEntry entry;
        QString why;
        if (examine(relative, &entry, &why, &realFolders) == Verdict::Take) {
            listing.files.insert(relative, entry);
        } else {
            listing.files.remove(relative);
            if (!why.isEmpty())
                listing.skipped.append(why);
        }
    }
}

QCoro::Task<QByteArray> WorkingCopyFiles::archive(QStringList paths) const
{
    if (paths.isEmpty())
        co_return QByteArray();
    const QString tar = requiredProgram(
        u"tar"_s, u"The folder's files are packed on this computer to be copied into the sandbox."_s);
    QTemporaryFile list(QDir::tempPath() + u"/forge-working-copy-XXXXXX"_s);
    if (!list.open()) {
        throw Failure::permanent(
            u"Could not create a file in %1: %2."_s.arg(QDir::tempPath(), list.errorString()),
            u"Check that the disk is not full, then run again."_s);
    }
    QByteArray names;
    for (const QString& path : std::as_const(paths)) {
        if (path.isEmpty() || path.startsWith(u'/') || path.contains(QChar(0)))
            continue;
        names += QFile::encodeName(path);
        names += '\0';
    }
    if (list.write(names) != names.size() || !list.flush()) {
        throw Failure::permanent(u"Could not write %1: %2."_s.arg(list.fileName(), list.errorString()),
                                 u"Check that the disk is not full, then run again."_s);
    }
    auto collected = std::make_shared<Collected>();
    const OutputSink sink = [collected](OutputChannel channel, const QByteArray& bytes) {
        if (channel == OutputChannel::Stdout)
            collected->output += bytes;
        else if (collected->errors.size() < 16 * 1024)
            collected->errors += bytes;
    };
    QProcessEnvironment environment;
    environment.insert(u"PATH"_s, QProcessEnvironment::systemEnvironment().value(u"PATH"_s));
    environment.insert(u"LC_ALL"_s, u"C"_s);
    const QStringList arguments = tarArguments(m_folder, list.fileName());
    const CommandResult result =
        co_await runOnThisMachine(tar, arguments, environment, m_folder, sink, TarLimit);
    // 1: a file changed while it was read; the archive is whole and the next listing sees the change.
    if (result.timedOut || result.crashed || (result.exitCode != 0 && result.exitCode != 1)) {
        const QString reason = QString::fromUtf8(collected->errors).trimmed().section(u'\n', -1);
        throw Failure::transient(u"The folder's files could not be packed for the sandbox (tar: %1)."_s.arg(
                                     reason.isEmpty() ? u"exit code %1"_s.arg(result.exitCode) : reason),
                                 u"Check that the files can be read; the copy is tried again."_s);
    }
    co_return std::move(collected->output);
}

} // namespace forge
