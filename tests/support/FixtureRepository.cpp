#include "FixtureRepository.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QProcessEnvironment>

using namespace Qt::StringLiterals;

namespace forge::test {

namespace {

QProcessEnvironment gitEnvironment()
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    const QStringList keys = env.keys();
    for (const QString& key : keys)
        if (key.startsWith(u"GIT_"_s))
            env.remove(key);
    // No system or global config (no signing, hooks, templates or user identity from the host).
    env.insert(u"GIT_CONFIG_NOSYSTEM"_s, u"1"_s);
    env.insert(u"GIT_CONFIG_GLOBAL"_s, u"/dev/null"_s);
    env.insert(u"GIT_TERMINAL_PROMPT"_s, u"0"_s);
    // A fixed identity and date make commit ids reproducible.
    const QString date = u"2024-01-01T12:00:00+00:00"_s;
    env.insert(u"GIT_AUTHOR_NAME"_s, u"Forge Test"_s);
    env.insert(u"GIT_AUTHOR_EMAIL"_s, u"forge-test@example.invalid"_s);
    env.insert(u"GIT_AUTHOR_DATE"_s, date);
    env.insert(u"GIT_COMMITTER_NAME"_s, u"Forge Test"_s);
    env.insert(u"GIT_COMMITTER_EMAIL"_s, u"forge-test@example.invalid"_s);
    env.insert(u"GIT_COMMITTER_DATE"_s, date);
    return env;
}

} // namespace

FixtureRepository::FixtureRepository(const QString& workingDirectory)
    : m_path(QDir::cleanPath(QDir(workingDirectory).absolutePath()))
{}

bool FixtureRepository::setError(const QString& error)
{
    m_error = error;
    return false;
}

bool FixtureRepository::git(const QStringList& arguments, const QString& workingDirectory, QByteArray* output)
{
    QProcess process;
    process.setProcessEnvironment(gitEnvironment());
    process.setWorkingDirectory(workingDirectory.isEmpty() ? m_path : workingDirectory);
    process.start(u"git"_s, arguments);
    if (!process.waitForStarted(10000))
        return setError(u"git could not be started: "_s + process.errorString());
    process.closeWriteChannel();
    if (!process.waitForFinished(60000)) {
        process.kill();
        process.waitForFinished(5000);
        return setError(u"git %1 did not finish within 60 s"_s.arg(arguments.join(u' ')));
    }
    const QByteArray out = process.readAllStandardOutput();
    if (output)
        *output = out;
    if (process.exitStatus() != QProcess::NormalExit || process.exitCode() != 0)
        return setError(u"git %1 failed (exit %2): %3"_s.arg(arguments.join(u' '))
                            .arg(process.exitCode())
                            .arg(QString::fromUtf8(process.readAllStandardError()).trimmed()));
    return true;
}

bool FixtureRepository::writeFile(const QString& relativeFile, const QByteArray& content)
{
    // Not QDir::isAbsolutePath(): it takes a leading ':' (a Qt resource) as absolute too, and a
    // file named ":x" is a fine test of pathspec magic.
    if (relativeFile.isEmpty() || relativeFile.startsWith(u'/') || relativeFile.contains(u".."_s))
        return setError(u"Fixture file path must be relative and stay inside the repository: "_s +
                        relativeFile);
    const QString target = m_path + u'/' + relativeFile;
    if (!QDir().mkpath(QFileInfo(target).absolutePath()))
        return setError(u"Cannot create the directory for "_s + target);
    QFile file(target);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate) || file.write(content) != content.size())
        return setError(u"Cannot write "_s + target + u": "_s + file.errorString());
    return true;
}

bool FixtureRepository::copyTree(const QString& from, const QString& to)
{
    const QDir source(from);
    if (!source.exists())
        return setError(u"Fixture directory does not exist: "_s + from);
    QDirIterator it(from, QDir::AllEntries | QDir::Hidden | QDir::System | QDir::NoDotAndDotDot,
                    QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString entry = it.next();
        const QFileInfo info = it.fileInfo();
        const QString relative = source.relativeFilePath(entry);
        if (relative == u".git"_s || relative.startsWith(u".git/"_s))
            continue; // a fixture never brings its own repository
        const QString target = to + u'/' + relative;
        if (info.isDir() && !info.isSymLink()) {
            if (!QDir().mkpath(target))
                return setError(u"Cannot create "_s + target);
        } else if (info.isSymLink()) {
            QFile::remove(target);
            if (!QFile::link(info.symLinkTarget(), target))
                return setError(u"Cannot create the symbolic link "_s + target);
        } else {
            QDir().mkpath(QFileInfo(target).absolutePath());
            QFile::remove(target);
            if (!QFile::copy(entry, target))
                return setError(u"Cannot copy "_s + entry + u" to "_s + target);
        }
    }
    return true;
}

bool FixtureRepository::commitAll(const QString& message)
{
    return git({u"add"_s, u"--all"_s}) &&
           git({u"commit"_s, u"--quiet"_s, u"--no-verify"_s, u"-m"_s, message});
}

bool FixtureRepository::initialize(const QString& fixtureDirectory)
{
    if (!QDir().mkpath(m_path))
        return setError(u"Cannot create "_s + m_path);
    if (fixtureDirectory.isEmpty()) {
        if (!writeFile(u"README.md"_s, "# Fixture\n"))
            return false;
    } else if (!copyTree(fixtureDirectory, m_path)) {
        return false;
    }
    return git({u"init"_s, u"--quiet"_s, u"-b"_s, u"main"_s}) && commitAll(u"Initial commit"_s);
}

bool FixtureRepository::initializeWithFiles(const QMap<QString, QByteArray>& files)
{
    if (!QDir().mkpath(m_path))
        return setError(u"Cannot create "_s + m_path);
    for (auto it = files.cbegin(); it != files.cend(); ++it)
        if (!writeFile(it.key(), it.value()))
            return false;
    if (files.isEmpty() && !writeFile(u"README.md"_s, "# Fixture\n"))
        return false;
    return git({u"init"_s, u"--quiet"_s, u"-b"_s, u"main"_s}) && commitAll(u"Initial commit"_s);
}

bool FixtureRepository::commitFile(const QString& relativeFile, const QByteArray& content,
                                   const QString& message)
{
    return writeFile(relativeFile, content) &&
           commitAll(message.isEmpty() ? u"Update "_s + relativeFile : message);
}

bool FixtureRepository::addBranch(const QString& name, const QString& relativeFile, const QByteArray& content)
{
    return git({u"checkout"_s, u"--quiet"_s, u"-b"_s, name, u"main"_s}) && writeFile(relativeFile, content) &&
           commitAll(u"Branch "_s + name + u": update "_s + relativeFile) &&
           git({u"checkout"_s, u"--quiet"_s, u"main"_s});
}

bool FixtureRepository::createBareClone(const QString& root, const QString& name)
{
    const QString repositoryName = name.isEmpty() ? QFileInfo(m_path).fileName() : name;
    const QString target = QDir(root).absoluteFilePath(repositoryName + u".git"_s);
    if (!QDir().mkpath(root))
        return setError(u"Cannot create "_s + root);
    if (QFileInfo::exists(target) && !QDir(target).removeRecursively())
        return setError(u"Cannot remove the earlier bare clone "_s + target);
    // --no-local: a real copy (no hard links into the working repository, which the test may keep
    // changing) and packed the way a server would hold it.
    if (!git({u"clone"_s, u"--quiet"_s, u"--bare"_s, u"--no-local"_s, u"--"_s, m_path, target}, root))
        return false;
    // Only the bare repository is served; the source path recorded in it is of no use to clients.
    if (!git({u"remote"_s, u"remove"_s, u"origin"_s}, target))
        return false;
    // GitHub serves any commit reachable from a ref to a client that asks for it by id (a fetch of
    // the commit a preview runs, PullRequestMirror::fetchHead). git's upload-pack does so by itself
    // for protocol v2 clients; this makes it do so for protocol v0 ones too (older git, or
    // protocol.version=0), so the fixture answers as GitHub does whatever the client speaks.
    if (!git({u"config"_s, u"uploadpack.allowReachableSHA1InWant"_s, u"true"_s}, target))
        return false;
    m_barePath = target;
    return true;
}

bool FixtureRepository::addPullRequest(int number, const QString& relativeFile, const QByteArray& content)
{
    if (m_barePath.isEmpty())
        return setError(u"addPullRequest needs the bare clone first"_s);
    const QString branch = u"pr-%1"_s.arg(number);
    if (!git({u"checkout"_s, u"--quiet"_s, u"-B"_s, branch, u"main"_s}) ||
        !writeFile(relativeFile, content) ||
        !commitAll(u"Pull request #%1: update %2"_s.arg(number).arg(relativeFile)))
        return false;
    return git({u"push"_s, u"--quiet"_s, u"--force"_s, u"--"_s, m_barePath,
                u"refs/heads/%1:refs/pull/%2/head"_s.arg(branch).arg(number)}) &&
           git({u"checkout"_s, u"--quiet"_s, u"main"_s});
}

bool FixtureRepository::updatePullRequest(int number, const QMap<QString, QByteArray>& files,
                                          const QStringList& removed, const QMap<QString, QString>& links)
{
    if (m_barePath.isEmpty())
        return setError(u"updatePullRequest needs the bare clone first"_s);
    const QString branch = u"pr-%1"_s.arg(number);
    const QString ref = u"refs/pull/%1/head"_s.arg(number);
    // From the bare clone's ref, not a local branch: the test may have moved the ref itself.
    if (!git({u"fetch"_s, u"--quiet"_s, u"--"_s, m_barePath, u"+%1:refs/heads/%2"_s.arg(ref, branch)}) ||
        !git({u"checkout"_s, u"--quiet"_s, branch}))
        return false;
    for (const QString& path : removed) {
        if (!git({u"rm"_s, u"--quiet"_s, u"-r"_s, u"--"_s, path}))
            return false;
    }
    // An existing link is replaced, never written through.
    const auto replace = [this](const QString& relativeFile) {
        const QString target = m_path + u'/' + relativeFile;
        const QFileInfo info(target);
        return (!info.exists() && !info.isSymLink()) || QFile::remove(target);
    };
    for (auto it = files.cbegin(); it != files.cend(); ++it) {
        if (!replace(it.key()))
            return setError(u"Cannot replace "_s + it.key());
        if (!writeFile(it.key(), it.value()))
            return false;
    }
    for (auto it = links.cbegin(); it != links.cend(); ++it) {
        const QString target = m_path + u'/' + it.key();
        if (!replace(it.key()) || !QDir().mkpath(QFileInfo(target).absolutePath()) ||
            !QFile::link(it.value(), target))
            return setError(u"Cannot create the symbolic link "_s + target);
    }
    return commitAll(u"Pull request #%1: update"_s.arg(number)) &&
           git({u"push"_s, u"--quiet"_s, u"--force"_s, u"--"_s, m_barePath,
                u"refs/heads/%1:%2"_s.arg(branch, ref)}) &&
           git({u"checkout"_s, u"--quiet"_s, u"main"_s});
}

QString FixtureRepository::commitId(const QString& revision)
{
    QByteArray out;
    if (!git({u"rev-parse"_s, u"--verify"_s, u"--quiet"_s, revision + u"^{commit}"_s}, {}, &out))
        return {};
    return QString::fromLatin1(out.trimmed());
}

} // namespace forge::test
