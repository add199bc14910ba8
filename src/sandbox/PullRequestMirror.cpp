#include "PullRequestMirror.h"

#include "core/Failure.h"
#include "sandbox/GitEnvironment.h"
#include "sandbox/HostCommand.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <memory>
#include <utility>

using namespace Qt::StringLiterals;

namespace forge {

namespace {

// git stops a stalled transfer itself (GIT_HTTP_LOW_SPEED_*, as HostClone's clone); this only ends
// a fetch that hangs for another reason.
constexpr auto FetchLimit = std::chrono::hours(2);
// diff, archive and rev-parse only read the mirror.
constexpr auto LocalLimit = std::chrono::minutes(10);
// How much of git's error output a Failure quotes.
constexpr int TailLines = 8;
constexpr qsizetype KeptErrorBytes = 16 * 1024;

// Attributes from the mirror's info/attributes beat the .gitattributes files of the commit being
// archived: the pull request's own export-ignore would leave changed files out of the archive and
// export-subst would rewrite their contents, neither of which a checkout does. (Conversions a
// checkout applies too, eol and ident, stay: the archive matches what the workspace's clone wrote.)
const QByteArray ArchiveAttributes = "* -export-ignore -export-subst\n";

// A full commit id (SHA-1 or SHA-256) in lower case; anything else is refused before git sees it,
// so an id can never be read as an option or a revision expression.
bool isCommitId(const QString& text)
{
    static const QRegularExpression pattern(u"^(?:[0-9a-f]{40}|[0-9a-f]{64})$"_s);
    return pattern.match(text).hasMatch();
}

QString checkedCommitId(const QString& text, const QString& role)
{
    const QString id = text.trimmed().toLower();
    if (!isCommitId(id)) {
        throw Failure::permanent(u"“%1” is not a full commit id (%2)."_s.arg(text.left(80), role),
                                 u"This is a bug in Forge Preview; run the pull request again."_s);
    }
    return id;
}

// The last non-empty lines of git's error output; progress lines end in \r rather than \n.
QStringList lastLines(const QByteArray& errors)
{
    QStringList lines;
    const QStringList all = QString::fromUtf8(errors).split(QRegularExpression(u"[\r\n]"_s));
    for (const QString& line : all) {
        if (!line.trimmed().isEmpty())
            lines.append(line.trimmed());
    }
    return lines.mid(qMax(0, lines.size() - TailLines));
}

// The line that says what went wrong: git's last "fatal:" or "error:", else its last line.
QString gitReason(const QStringList& tail)
{
    for (auto it = tail.crbegin(); it != tail.crend(); ++it) {
        if (it->startsWith(u"fatal:"_s) || it->startsWith(u"error:"_s))
            return *it;
    }
    return tail.isEmpty() ? u"(no output)"_s : tail.last();
}

bool tailContains(const QStringList& tail, QStringView text)
{
    for (const QString& line : tail) {
        if (line.contains(text, Qt::CaseInsensitive))
            return true;
    }
    return false;
}

// The arguments of each git command, built outside the coroutines: GCC 12 fails on braced lists
// (std::initializer_list) inside a coroutine ("array used as initializer").

QStringList initArguments(const QString& directory)
{
    // No template: nothing is copied into the mirror (sample hooks, a template's config).
    return {u"-c"_s,      u"init.defaultBranch=main"_s,
            u"init"_s,    u"--bare"_s,
            u"--quiet"_s, u"--template="_s,
            u"--"_s,      directory};
}

QStringList fetchArguments(const QUrl& url, const QString& refspec)
{
    // Depth 1 and no tags: a preview needs the head's files, not the history. Auto gc in the
    // foreground: a detached one would outlive the fetch (and race remove()).
    return {u"-c"_s,
            u"gc.autoDetach=false"_s,
            u"fetch"_s,
            u"--progress"_s,
            u"--no-tags"_s,
            u"--no-recurse-submodules"_s,
            u"--depth=1"_s,
            u"--"_s,
            url.toString(QUrl::FullyEncoded),
            refspec};
}

QStringList hasCommitArguments(const QString& id)
{
    return {u"cat-file"_s, u"-e"_s, id + u"^{commit}"_s};
}

QStringList updateRefArguments(const QString& ref, const QString& id)
{
    return {u"update-ref"_s, u"--no-deref"_s, ref, id};
}

QStringList commitOfArguments(const QString& ref)
{
    return {u"rev-parse"_s, u"--verify"_s, u"--quiet"_s, ref + u"^{commit}"_s};
}

QStringList diffArguments(const QString& from, const QString& to)
{
    // No external diff, no textconv: only names and statuses are wanted, and nothing of the
    // repository's may run.
    return {u"diff"_s,
            u"--name-status"_s,
            u"-z"_s,
            u"--no-renames"_s,
            u"--no-ext-diff"_s,
            u"--no-textconv"_s,
            from,
            to,
            u"--"_s};
}

QStringList archiveArguments(const QString& commit, const QStringList& pathspecs)
{
    return QStringList{u"archive"_s, u"--format=tar"_s, commit, u"--"_s} + pathspecs;
}

// One finished git command: its result, its standard output and the end of its error output.
struct GitRun
{
    CommandResult result;
    QByteArray output;
    QByteArray errors;

    bool succeeded() const { return result.succeeded(); }
    QStringList tail() const { return lastLines(errors); }
    QString reason() const
    {
        if (result.timedOut)
            return u"git did not finish in time"_s;
        return gitReason(tail());
    }
};

// git run on this machine against the mirror, set up as HostClone's clone (src/sandbox/daytona/
// HostClone.cpp): GitEnvironment's environment (no configuration file, no hook, the token only as a
// header for the repository's own origin, via GIT_CONFIG_COUNT: never argv), an empty home of its
// own (git before 2.32 ignores GIT_CONFIG_GLOBAL), English messages, and a stalled transfer ending
// the fetch. The mirror is always named with --git-dir: git never looks for a repository.
class MirrorGit
{
public:
    MirrorGit(QString directory, const QUrl& url, const QString& authToken)
        : m_directory(std::move(directory))
        , m_home(QDir::tempPath() + u"/forge-mirror-home-XXXXXX"_s)
    {
        if (!m_home.isValid()) {
            throw Failure::permanent(
                u"Could not create a folder in %1: %2."_s.arg(QDir::tempPath(), m_home.errorString()),
                u"Check that the disk is not full, then run again."_s);
        }
        m_program = requiredProgram(
            u"git"_s, u"A pull request's new commits are fetched on this computer, outside the sandbox, "
                      u"so that git never runs in the sandbox's workspace."_s);
        QProcessEnvironment base = QProcessEnvironment::systemEnvironment();
        base.insert(u"HOME"_s, m_home.path());
        // git's messages in English: fetchFailed() reads them.
        base.insert(u"LC_ALL"_s, u"C"_s);
        // A stalled transfer ends the fetch: below 1 byte/s for a minute.
        base.insert(u"GIT_HTTP_LOW_SPEED_LIMIT"_s, u"1"_s);
        base.insert(u"GIT_HTTP_LOW_SPEED_TIME"_s, u"60"_s);
        m_environment = GitEnvironment::forClone(base, url, authToken);
    }

    // `git --git-dir=<mirror> <arguments>`; stdout kept, stderr's end kept and passed to `sink`.
    QCoro::Task<GitRun> run(QStringList arguments, OutputSink sink = {},
                            std::chrono::milliseconds limit = LocalLimit)
    {
        auto outcome = std::make_shared<GitRun>();
        const OutputSink collect = [outcome, sink](OutputChannel channel, const QByteArray& bytes) {
            if (channel == OutputChannel::Stdout) {
                outcome->output += bytes;
            } else {
                outcome->errors += bytes;
                if (outcome->errors.size() > KeptErrorBytes)
                    outcome->errors = outcome->errors.right(KeptErrorBytes);
            }
            if (sink)
                sink(channel, bytes);
        };
        arguments.prepend(u"--git-dir="_s + m_directory);
        outcome->result =
            co_await runOnThisMachine(m_program, arguments, m_environment, m_home.path(), collect, limit);
        co_return std::move(*outcome);
    }

    // `git init --bare` of the mirror unless it exists (0700), and its info/attributes.
    QCoro::Task<> ensureRepository()
    {
        if (!QFileInfo::exists(m_directory + u"/HEAD"_s)) {
            createPrivateDirectory();
            const QStringList arguments = initArguments(m_directory);
            auto outcome = std::make_shared<GitRun>();
            const OutputSink collect = [outcome](OutputChannel, const QByteArray& bytes) {
                outcome->errors += bytes;
            };
            outcome->result = co_await runOnThisMachine(m_program, arguments, m_environment, m_home.path(),
                                                        collect, LocalLimit);
            if (!outcome->succeeded()) {
                throw Failure::permanent(u"Could not create the pull request mirror %1 (git: %2)."_s.arg(
                                             m_directory, outcome->reason()),
                                         u"Check that the disk is not full, then run again."_s,
                                         outcome->tail());
            }
        }
        writeArchiveAttributes();
    }

    // Only into a mirror that exists: one that does not is created by ensureRepository(), 0700.
    void writeArchiveAttributes() const
    {
        if (!QFileInfo::exists(m_directory + u"/HEAD"_s))
            return;
        const QString path = m_directory + u"/info/attributes"_s;
        QFile existing(path);
        if (existing.open(QIODevice::ReadOnly) && existing.readAll() == ArchiveAttributes)
            return;
        existing.close();
        QFile file(path);
        if (!QDir().mkpath(m_directory + u"/info"_s) ||
            !file.open(QIODevice::WriteOnly | QIODevice::Truncate) ||
            file.write(ArchiveAttributes) != ArchiveAttributes.size() || !file.flush()) {
            throw Failure::permanent(u"Could not write %1: %2."_s.arg(path, file.errorString()),
                                     u"Check that the disk is not full, then run again."_s);
        }
    }

private:
    void createPrivateDirectory() const
    {
        const QFileInfo info(m_directory);
        // The mirror holds a private repository's code: only this user may read it.
        const auto ownerOnly = QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner;
        if (!QDir().mkpath(info.absolutePath()) || (!info.exists() && !QDir().mkdir(m_directory)) ||
            !QFile::setPermissions(m_directory, ownerOnly)) {
            throw Failure::permanent(u"Could not create the pull request mirror %1."_s.arg(m_directory),
                                     u"Check that the disk is not full and the folder is writable."_s);
        }
    }

    QString m_directory;
    QTemporaryDir m_home;
    QString m_program;
    QProcessEnvironment m_environment;
};

// A fetch that failed, in git's words and with what to do; network trouble is transient.
Failure fetchFailed(const GitRun& run, const QUrl& url, int number, const QString& knownHead)
{
    const QString where = url.toString(QUrl::RemoveUserInfo);
    const QStringList tail = run.tail();
    const QString reason = run.reason();
    if (run.result.timedOut) {
        return Failure::transient(
            u"Fetching pull request #%1 from %2 took too long."_s.arg(number).arg(where),
            u"Check your internet connection and try again."_s, tail);
    }
    if (tailContains(tail, u"couldn't find remote ref")) {
        return Failure::permanent(
            u"Pull request #%1 is not in %2 (git: %3)."_s.arg(number).arg(where, reason),
            u"Check the pull request's number; a deleted repository's pull requests are "
            u"gone too."_s,
            tail);
    }
    if (!knownHead.isEmpty() &&
        (tailContains(tail, u"not our ref") || tailContains(tail, u"unadvertised object"))) {
        return Failure::permanent(
            u"%1 no longer has commit %2, which the preview runs (git: %3)."_s.arg(where, knownHead.left(12),
                                                                                   reason),
            u"The pull request was probably force-pushed: run it again to start from its current head."_s,
            tail);
    }
    if (tailContains(tail, u"Authentication failed") || tailContains(tail, u"could not read Username") ||
        tailContains(tail, u"terminal prompts disabled") || tailContains(tail, u"returned error: 401") ||
        tailContains(tail, u"returned error: 403")) {
        return Failure::permanent(u"Access to %1 was refused (git: %2)."_s.arg(where, reason),
                                  u"Sign in with an account that can read the repository, then try again."_s,
                                  tail);
    }
    if (tailContains(tail, u"Could not resolve host") || tailContains(tail, u"Failed to connect") ||
        tailContains(tail, u"Connection refused") || tailContains(tail, u"timed out") ||
        tailContains(tail, u"Connection reset") || tailContains(tail, u"early EOF") ||
        tailContains(tail, u"RPC failed") || tailContains(tail, u"returned error: 5")) {
        return Failure::transient(
            u"The network failed while fetching pull request #%1 from %2 (git: %3)."_s.arg(number).arg(
                where, reason),
            u"Check your internet connection and try again."_s, tail);
    }
    return Failure::permanent(
        u"Fetching pull request #%1 from %2 failed (git: %3)."_s.arg(number).arg(where, reason),
        u"Read git's last lines above; check the repository's address."_s, tail);
}

// `git diff --name-status -z` output: a status, NUL, a path, NUL, and so on. Paths are raw bytes
// (no quoting with -z), so spaces, newlines and quotes in names come through as they are.
QList<SourceChange> parseNameStatus(const QByteArray& output)
{
    QList<SourceChange> changes;
    const QList<QByteArray> fields = output.split('\0');
    // The output ends with a NUL, so the last field is empty.
    for (qsizetype i = 0; i + 1 < fields.size(); i += 2) {
        const QByteArray& status = fields[i];
        SourceChange change;
        change.path = QString::fromUtf8(fields[i + 1]);
        switch (status.isEmpty() ? '\0' : status.front()) {
        case 'A':
            change.kind = SourceChange::Kind::Added;
            break;
        case 'M':
            change.kind = SourceChange::Kind::Modified;
            break;
        case 'D':
            change.kind = SourceChange::Kind::Deleted;
            break;
        case 'T':
            change.kind = SourceChange::Kind::TypeChanged;
            break;
        default:
            // R and C need rename or copy detection (off); U and X cannot occur between two commits.
            throw Failure::permanent(u"git reported an unexpected change “%1” for %2."_s.arg(
                                         QString::fromLatin1(status), change.path),
                                     u"This is a bug in Forge Preview; run the pull request again."_s);
        }
        changes.append(change);
    }
    return changes;
}

// git archive reads its paths as pathspecs; with the literal magic `*`, `?`, `[`, a leading `:`
// or `!` in a file's name are just characters.
QStringList literalPathspecs(const QStringList& paths)
{
    QStringList pathspecs;
    pathspecs.reserve(paths.size());
    for (const QString& path : paths) {
        // An empty literal pathspec matches every file of the commit.
        if (path.isEmpty() || path.startsWith(u'/')) {
            throw Failure::permanent(u"“%1” is not a path inside the repository."_s.arg(path),
                                     u"This is a bug in Forge Preview; run the pull request again."_s);
        }
        pathspecs.append(u":(literal)"_s + path);
    }
    return pathspecs;
}

} // namespace

PullRequestMirror::PullRequestMirror(QString directory)
    : m_directory(std::move(directory))
{}

QCoro::Task<QString> PullRequestMirror::fetchHead(QUrl url, int number, QString knownHead, QString authToken,
                                                  OutputSink sink)
{
    QString refused;
    if (!GitEnvironment::isAllowedUrl(url, &refused))
        throw Failure::permanent(u"This repository address cannot be fetched from."_s, refused);
    if (number <= 0)
        throw Failure::permanent(u"%1 is not a pull request number."_s.arg(number));
    if (m_directory.isEmpty())
        throw Failure::permanent(u"The pull request mirror has no folder."_s,
                                 u"This is a bug in Forge Preview."_s);
    const QString known =
        knownHead.isEmpty() ? QString() : checkedCommitId(knownHead, u"the preview's commit"_s);
    MirrorGit git(m_directory, url, authToken);
    co_await git.ensureRepository();

    if (!known.isEmpty()) {
        // The commit the preview runs stays under a ref of its own: git offers only commits that
        // refs point at as "have"s, and without one the next fetch brings the whole tree again
        // (with the known head only in FETCH_HEAD, a second fetch doubled the mirror's size).
        const QString knownRef = u"refs/forge/known/%1"_s.arg(number);
        const GitRun present = co_await git.run(hasCommitArguments(known));
        if (present.succeeded()) {
            const GitRun kept = co_await git.run(updateRefArguments(knownRef, known));
            if (!kept.succeeded()) {
                throw Failure::permanent(u"Could not update the pull request mirror %1 (git: %2)."_s.arg(
                                             m_directory, kept.reason()),
                                         u"Check that the disk is not full, then run again."_s, kept.tail());
            }
        } else {
            const GitRun fetched =
                co_await git.run(fetchArguments(url, u"+%1:%2"_s.arg(known, knownRef)), sink, FetchLimit);
            if (!fetched.succeeded())
                throw fetchFailed(fetched, url, number, known);
        }
    }
    const QString pullRef = u"refs/pull/%1/head"_s.arg(number);
    const GitRun fetched = co_await git.run(fetchArguments(url, u"+%1:%1"_s.arg(pullRef)), sink, FetchLimit);
    if (!fetched.succeeded())
        throw fetchFailed(fetched, url, number, {});
    const GitRun head = co_await git.run(commitOfArguments(pullRef));
    const QString id = QString::fromLatin1(head.output.trimmed());
    if (!head.succeeded() || !isCommitId(id)) {
        throw Failure::permanent(
            u"The pull request mirror %1 has no %2 after fetching it."_s.arg(m_directory, pullRef),
            u"Run the pull request again."_s, head.tail());
    }
    co_return id;
}

QCoro::Task<QList<SourceChange>> PullRequestMirror::changes(QString from, QString to)
{
    const QString fromId = checkedCommitId(from, u"the preview's commit"_s);
    const QString toId = checkedCommitId(to, u"the pull request's head"_s);
    MirrorGit git(m_directory, QUrl(), QString());
    const GitRun diff = co_await git.run(diffArguments(fromId, toId));
    if (!diff.succeeded()) {
        throw Failure::permanent(u"Could not compare %1 with %2 in the pull request mirror (git: %3)."_s.arg(
                                     fromId.left(12), toId.left(12), diff.reason()),
                                 u"Fetch the pull request again; if that fails too, run it again."_s,
                                 diff.tail());
    }
    co_return parseNameStatus(diff.output);
}

QCoro::Task<QByteArray> PullRequestMirror::archive(QString commit, QStringList paths)
{
    const QString id = checkedCommitId(commit, u"the pull request's head"_s);
    if (paths.isEmpty()) {
        // Not a zero-length array: an archive with no members, the two zero blocks that end every
        // tar archive, which any tar unpacks to nothing (GNU tar refuses zero bytes).
        co_return QByteArray(2 * 512, '\0');
    }
    const QStringList pathspecs = literalPathspecs(paths);
    MirrorGit git(m_directory, QUrl(), QString());
    git.writeArchiveAttributes();
    const GitRun archived = co_await git.run(archiveArguments(id, pathspecs));
    if (!archived.succeeded()) {
        throw Failure::permanent(u"Could not pack the pull request's changed files at %1 (git: %2)."_s.arg(
                                     id.left(12), archived.reason()),
                                 u"Fetch the pull request again; if that fails too, run it again."_s,
                                 archived.tail());
    }
    co_return archived.output;
}

void PullRequestMirror::remove()
{
    // An empty path would be the current folder.
    if (m_directory.isEmpty())
        return;
    QDir(m_directory).removeRecursively();
}

} // namespace forge
