#include "ToolArchive.h"

#include "core/Failure.h"
#include "core/SignalWait.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QRegularExpression>
#include <QStandardPaths>
#include <chrono>

using namespace Qt::StringLiterals;
using namespace std::chrono_literals;

namespace forge {
namespace {

// Listing and unpacking a 50 MB Node.js package takes seconds; minutes mean something is wrong.
constexpr auto TarLimit = 5min;

QString unpackAdvice()
{
    return u"The download was verified, so the package itself is like this: choose another version, "
           u"or report it to the package's maintainers."_s;
}

// `path` as a list of components, or empty when it is absolute or climbs out with "..".
QStringList containedComponents(const QString& path)
{
    if (path.startsWith(u'/'))
        return {};
    const QString clean = QDir::cleanPath(path);
    if (clean == ".."_L1 || clean.startsWith("../"_L1))
        return {};
    return clean.split(u'/', Qt::SkipEmptyParts);
}

bool hasParentComponent(const QString& path)
{
    return path.split(u'/').contains(".."_L1);
}

// The member name, link target and type of one line of `tar -tzv` (GNU tar, LC_ALL=C):
// "lrwxrwxrwx 0/0 0 2024-01-01 00:00 package/a -> b".
struct ListedMember
{
    QChar type;
    QString name;
    QString target;
};

std::optional<ListedMember> parseListingLine(const QString& line)
{
    static const QRegularExpression format(
        u"^(\\S)\\S*\\s+\\S+\\s+\\S+\\s+\\d{4}-\\d\\d-\\d\\d\\s+\\d\\d:\\d\\d(?::\\d\\d)?\\s(.*)$"_s);
    const QRegularExpressionMatch match = format.match(line);
    if (!match.hasMatch())
        return std::nullopt;
    ListedMember member{match.captured(1).front(), match.captured(2), {}};
    const QString separator = member.type == u'l' ? u" -> "_s : u" link to "_s;
    if (member.type == u'l' || member.type == u'h') {
        const qsizetype at = member.name.indexOf(separator);
        if (at < 0)
            return std::nullopt;
        member.target = member.name.mid(at + separator.size());
        member.name.truncate(at);
    }
    return member;
}

QString unsafeLinkTarget(const ListedMember& member, const QStringList& nameParts)
{
    if (member.type == u'h') {
        return hasParentComponent(member.target) || containedComponents(member.target).isEmpty()
                   ? u"a hard link from “%1” to “%2”, outside the package"_s.arg(member.name, member.target)
                   : QString();
    }
    // A symbolic link's target is relative to the folder holding the link, and must stay within
    // the archive's top folder (which becomes package/).
    const QString folder = nameParts.mid(0, nameParts.size() - 1).join(u'/');
    const QStringList resolved =
        member.target.startsWith(u'/') ? QStringList() : containedComponents(folder + u'/' + member.target);
    if (resolved.isEmpty() || resolved.first() != nameParts.first())
        return u"a link from “%1” to “%2”, outside the package"_s.arg(member.name, member.target);
    return {};
}

QString symbolicLinkProblem(const QFileInfo& link, const QString& root)
{
    // Where the system really leads (links through links included); for a dangling link, what it
    // names.
    QString target = link.canonicalFilePath();
    if (target.isEmpty())
        target = QDir::cleanPath(link.symLinkTarget());
    if (target == root || target.startsWith(root + u'/'))
        return {};
    return u"the link “%1” leads outside the package"_s.arg(link.filePath().mid(root.size() + 1));
}

QCoro::Task<QByteArray> runTar(QStringList arguments, QString what)
{
    const QString tar = QStandardPaths::findExecutable(u"tar"_s);
    if (tar.isEmpty())
        throw Failure::permanent(u"Could not unpack %1: the program tar is not installed."_s.arg(what),
                                 u"Install tar (GNU tar), then try again."_s);
    QProcess process;
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(u"LC_ALL"_s, u"C"_s); // the listing's date format, English messages
    process.setProcessEnvironment(environment);
    process.setStandardInputFile(QProcess::nullDevice());
    process.start(tar, arguments);
    if (!process.waitForStarted(10'000))
        throw Failure::permanent(
            u"Could not unpack %1: tar did not start (%2)."_s.arg(what, process.errorString()),
            u"Check that tar is installed and can run, then try again."_s);
    const bool finished = co_await waitForSignal(&process, &QProcess::finished, TarLimit);
    if (!finished) {
        process.kill();
        process.waitForFinished(5000);
        throw Failure::permanent(u"Could not unpack %1: tar did not finish within 5 minutes."_s.arg(what),
                                 u"Check that the disk is not full or very slow, then try again."_s);
    }
    if (process.exitStatus() != QProcess::NormalExit || process.exitCode() != 0) {
        const QStringList lastLines =
            QString::fromUtf8(process.readAllStandardError()).split(u'\n', Qt::SkipEmptyParts).mid(0, 10);
        throw Failure::permanent(u"Could not unpack %1: tar failed."_s.arg(what),
                                 u"Check that the disk is not full, then try again; if it happens again, "
                                 u"report it."_s,
                                 lastLines);
    }
    co_return process.readAllStandardOutput();
}

// Directories npm tarballs record without their x bit still have to be entered, and every file read
// (by the sandbox's user, who is not the cache's owner): npm fixes the modes the same way.
void normalizeModes(const QString& packageFolder)
{
    constexpr auto readable = QFile::ReadOwner | QFile::WriteOwner | QFile::ReadUser | QFile::WriteUser |
                              QFile::ReadGroup | QFile::ReadOther;
    constexpr auto enterable =
        readable | QFile::ExeOwner | QFile::ExeUser | QFile::ExeGroup | QFile::ExeOther;
    QDirIterator it(packageFolder, QDir::AllEntries | QDir::Hidden | QDir::System | QDir::NoDotAndDotDot,
                    QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QFileInfo info = it.nextFileInfo();
        if (info.isSymLink())
            continue;
        QFile::setPermissions(info.filePath(), info.permissions() | (info.isDir() ? enterable : readable));
    }
}

} // namespace

QString ToolArchive::unsafeMember(const QString& listing)
{
    for (const QString& line : listing.split(u'\n', Qt::SkipEmptyParts)) {
        const std::optional<ListedMember> member = parseListingLine(line);
        if (!member)
            return u"tar listed a member this check cannot read (“%1”)"_s.arg(line.left(200));
        if (member->type != u'-' && member->type != u'd' && member->type != u'l' && member->type != u'h')
            return u"“%1” is a device or other special file"_s.arg(member->name);
        const QStringList parts = containedComponents(member->name);
        if (parts.isEmpty() || hasParentComponent(member->name))
            return u"“%1” would be written outside the package"_s.arg(member->name);
        if (member->type == u'l' || member->type == u'h') {
            if (const QString problem = unsafeLinkTarget(*member, parts); !problem.isEmpty())
                return problem;
        }
    }
    return {};
}

QString ToolArchive::escapingLink(const QString& packageFolder)
{
    const QString root = QFileInfo(packageFolder).canonicalFilePath();
    QDirIterator it(packageFolder, QDir::AllEntries | QDir::Hidden | QDir::System | QDir::NoDotAndDotDot,
                    QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QFileInfo info = it.nextFileInfo();
        if (!info.isSymLink())
            continue;
        if (const QString problem =
                symbolicLinkProblem(QFileInfo(root + info.filePath().mid(packageFolder.size())), root);
            !problem.isEmpty())
            return problem;
    }
    return {};
}

QCoro::Task<> ToolArchive::unpack(QByteArray tarball, QString folder, QString what)
{
    // On disk once, for tar to list and then unpack; beside package/, removed when done.
    const QString archive = folder + "/download.tgz"_L1;
    QFile file(archive);
    if (!file.open(QIODevice::WriteOnly) || file.write(tarball) != tarball.size() || !file.flush())
        throw Failure::permanent(u"Could not write %1 to %2: %3."_s.arg(what, archive, file.errorString()),
                                 u"Check that the disk is not full, then try again."_s);
    file.close();
    tarball.clear();

    // (Argument lists built before the co_await: GCC 12 miscompiles braced lists of literals in it.)
    const QStringList listArguments{u"-tzvf"_s, archive};
    const QByteArray listing = co_await runTar(listArguments, what);
    if (const QString problem = unsafeMember(QString::fromUtf8(listing)); !problem.isEmpty())
        throw Failure::permanent(u"The tarball of %1 was refused: %2."_s.arg(what, problem), unpackAdvice());

    const QString packageFolder = folder + "/package"_L1;
    if (!QDir().mkpath(packageFolder))
        throw Failure::permanent(u"Could not create %1."_s.arg(packageFolder),
                                 u"Check that the disk is not full and the folder can be written."_s);
    const QStringList extractArguments{
        u"-xzf"_s, archive,      u"--no-same-owner"_s, u"--no-same-permissions"_s, u"--strip-components=1"_s,
        u"-C"_s,   packageFolder};
    co_await runTar(extractArguments, what);
    QFile::remove(archive);
    if (const QString problem = escapingLink(packageFolder); !problem.isEmpty())
        throw Failure::permanent(u"The tarball of %1 was refused: %2."_s.arg(what, problem), unpackAdvice());
    normalizeModes(packageFolder);
}

} // namespace forge
