#pragma once

#include <QByteArray>
#include <QMap>
#include <QString>
#include <QStringList>

namespace forge::test {

// Builds a git repository for a test, synchronously (it is test set-up, not code under test):
// copies a fixture tree (or writes given files) into `workingDirectory`, runs `git init -b main`
// and commits with a fixed author, committer and date, so commit ids are the same on every run.
// Git runs with no system or global configuration, so the host's settings do not leak in.
// Every operation returns false on failure and leaves the reason in errorString():
//     QVERIFY2(repo.initialize(dir), qPrintable(repo.errorString()));
class FixtureRepository
{
public:
    // `workingDirectory` is created if needed; it usually lives in the caller's QTemporaryDir.
    explicit FixtureRepository(const QString& workingDirectory);

    // Copies `fixtureDirectory` (hidden files included; an empty string = no files but a README)
    // into the working directory, initialises the repository on branch main and commits.
    bool initialize(const QString& fixtureDirectory = {});
    // Same, with the files given as relative path -> content.
    bool initializeWithFiles(const QMap<QString, QByteArray>& files);

    // Writes `relativeFile` on the current branch (main unless a test changed it) and commits.
    bool commitFile(const QString& relativeFile, const QByteArray& content, const QString& message = {});
    // Creates branch `name` from main with `relativeFile` set to `content` (committed), then goes
    // back to main. Call before createBareClone().
    bool addBranch(const QString& name, const QString& relativeFile, const QByteArray& content);

    // `git clone --bare` of this repository (all branches, HEAD -> main) to `<root>/<name>.git`,
    // where GitHttpServer(root) serves it as repositoryUrl(name). An empty name = the working
    // directory's own name. Replaces an earlier bare clone of the same name. Like GitHub, it lets a
    // client fetch any commit reachable from one of its refs by its id.
    bool createBareClone(const QString& root, const QString& name = {});
    // Pull request `number`, as GitHub keeps it in the base repository: a commit on main that
    // changes `relativeFile`, stored in the bare clone as refs/pull/<number>/head only (no branch
    // of the base repository has it, as for a fork's pull request). After createBareClone().
    bool addPullRequest(int number, const QString& relativeFile, const QByteArray& content);
    // A new commit on top of pull request `number`'s current head (refs/pull/<number>/head of the
    // bare clone, as a force-push or a new commit on the pull request's branch leaves it): `files`
    // written (relative path -> content), `links` made symbolic links (relative path -> target),
    // `removed` deleted; then the ref points at it. After addPullRequest().
    bool updatePullRequest(int number, const QMap<QString, QByteArray>& files,
                           const QStringList& removed = {}, const QMap<QString, QString>& links = {});
    // The path createBareClone() produced last.
    QString bareClonePath() const { return m_barePath; }

    QString path() const { return m_path; }
    // Full commit id of `revision` ("main", a branch name, "HEAD"); empty on failure.
    QString commitId(const QString& revision = QStringLiteral("HEAD"));
    QString errorString() const { return m_error; }

    // Runs git with the fixed identity and no host configuration; `output` gets stdout.
    bool git(const QStringList& arguments, const QString& workingDirectory = {},
             QByteArray* output = nullptr);

private:
    bool writeFile(const QString& relativeFile, const QByteArray& content);
    bool copyTree(const QString& from, const QString& to);
    bool commitAll(const QString& message);
    bool setError(const QString& error);

    QString m_path;
    QString m_barePath;
    QString m_error;
};

} // namespace forge::test
