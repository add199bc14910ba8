#include "core/RepoRef.h"

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;

namespace forge {

class RepoRefTest : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_tmp;

    QString tmpPath(const QString& relative) const { return m_tmp.filePath(relative); }

private slots:
    void initTestCase()
    {
        QVERIFY(m_tmp.isValid());
        QDir root(m_tmp.path());
        // A real work tree made by git itself.
        QVERIFY(root.mkpath(u"work/my-app/src"_s));
        QProcess git;
        git.start(u"git"_s, {u"init"_s, u"-q"_s, u"--"_s, tmpPath(u"work/my-app"_s)});
        QVERIFY(git.waitForFinished(30000));
        QCOMPARE(git.exitCode(), 0);
        // A bare repository, laid out by hand: HEAD, objects/, refs/.
        QVERIFY(root.mkpath(u"work/bare.git/objects"_s));
        QVERIFY(root.mkpath(u"work/bare.git/refs/heads"_s));
        QFile head(tmpPath(u"work/bare.git/HEAD"_s));
        QVERIFY(head.open(QIODevice::WriteOnly));
        head.write("ref: refs/heads/main\n");
        head.close();
        // A worktree-style checkout whose .git is a file.
        QVERIFY(root.mkpath(u"work/linked"_s));
        QFile gitFile(tmpPath(u"work/linked/.git"_s));
        QVERIFY(gitFile.open(QIODevice::WriteOnly));
        gitFile.write("gitdir: /elsewhere\n");
        gitFile.close();
        // Not repositories.
        QVERIFY(root.mkpath(u"work/plain folder"_s));
        QVERIFY(root.mkpath(u"work/owner/repo"_s)); // looks like GitHub shorthand
        QFile file(tmpPath(u"work/notes.txt"_s));
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.close();
    }

    void remote_data()
    {
        QTest::addColumn<QString>("input");
        QTest::addColumn<QString>("canonical");
        QTest::addColumn<QString>("displayName");

        const QString gh = u"https://github.com/octocat/hello-world"_s;
        QTest::newRow("shorthand") << u"octocat/hello-world"_s << gh << u"octocat/hello-world"_s;
        QTest::newRow("shorthand .git") << u"octocat/hello-world.git"_s << gh << u"octocat/hello-world"_s;
        QTest::newRow("github.com/owner/repo")
            << u"github.com/octocat/hello-world"_s << gh << u"octocat/hello-world"_s;
        QTest::newRow("https") << u"https://github.com/octocat/hello-world"_s << gh
                               << u"octocat/hello-world"_s;
        QTest::newRow("https .git") << u"https://github.com/octocat/hello-world.git"_s << gh
                                    << u"octocat/hello-world"_s;
        QTest::newRow("trailing slash")
            << u"https://github.com/octocat/hello-world/"_s << gh << u"octocat/hello-world"_s;
        QTest::newRow("upper-case scheme and host")
            << u"HTTPS://GitHub.COM/octocat/hello-world"_s << gh << u"octocat/hello-world"_s;
        QTest::newRow("browser tree URL")
            << u"https://github.com/octocat/hello-world/tree/main/src"_s << gh << u"octocat/hello-world"_s;
        QTest::newRow("fragment dropped")
            << u"https://github.com/octocat/hello-world#readme"_s << gh << u"octocat/hello-world"_s;
        QTest::newRow("query dropped") << u"https://github.com/octocat/hello-world?tab=readme-ov-file"_s << gh
                                       << u"octocat/hello-world"_s;
        QTest::newRow("surrounding blanks") << u"  octocat/hello-world\n"_s << gh << u"octocat/hello-world"_s;
        QTest::newRow("default port dropped") << u"https://git.example.com:443/team/app.git"_s
                                              << u"https://git.example.com/team/app.git"_s << u"team/app"_s;
        QTest::newRow("other host keeps .git")
            << u"https://gitlab.example.org/group/sub/project.git"_s
            << u"https://gitlab.example.org/group/sub/project.git"_s << u"sub/project"_s;
        QTest::newRow("other host trailing slash") << u"https://git.example.com/team/app/"_s
                                                   << u"https://git.example.com/team/app"_s << u"team/app"_s;
        QTest::newRow("http loopback") << u"http://127.0.0.1:8123/repos/app.git"_s
                                       << u"http://127.0.0.1:8123/repos/app.git"_s << u"repos/app"_s;
        QTest::newRow("http localhost")
            << u"http://localhost:9000/app.git"_s << u"http://localhost:9000/app.git"_s << u"app"_s;
        QTest::newRow("http ::1") << u"http://[::1]:9000/x/app"_s << u"http://[::1]:9000/x/app"_s
                                  << u"x/app"_s;
        QTest::newRow("punycode host is ASCII")
            << u"https://xn--bcher-kva.example/a/b"_s << u"https://xn--bcher-kva.example/a/b"_s << u"a/b"_s;
        QTest::newRow("owner with hyphen, repo with dots")
            << u"a-b/c.d_e-f"_s << u"https://github.com/a-b/c.d_e-f"_s << u"a-b/c.d_e-f"_s;
    }
    void remote()
    {
        QFETCH(QString, input);
        QFETCH(QString, canonical);
        QFETCH(QString, displayName);
        const auto result = RepoRef::parse(input, tmpPath(u"work"_s));
        if (const auto* error = std::get_if<RepoRefError>(&result))
            QFAIL(qPrintable(error->message));
        const auto& ref = std::get<RepoRef>(result);
        QCOMPARE(ref.kind(), RepoRef::Kind::RemoteUrl);
        QVERIFY(ref.isRemote());
        QCOMPARE(ref.canonical(), canonical);
        QCOMPARE(ref.url().toString(QUrl::FullyEncoded), canonical);
        QCOMPARE(ref.displayName(), displayName);
        QVERIFY(ref.url().userInfo().isEmpty());
        QVERIFY(!ref.url().hasQuery() && !ref.url().hasFragment());
        // Parsing the canonical form again gives the same repository.
        const auto again = RepoRef::parse(canonical, {});
        QVERIFY(std::holds_alternative<RepoRef>(again));
        QCOMPARE(std::get<RepoRef>(again).canonical(), canonical);
    }

    // Issue 21: a pull request's address names its base repository and the number.
    void pullRequests_data()
    {
        QTest::addColumn<QString>("input");
        QTest::addColumn<QString>("canonical");
        QTest::addColumn<int>("number");
        QTest::newRow("github") << u"https://github.com/acme/web/pull/42"_s
                                << u"https://github.com/acme/web"_s << 42;
        QTest::newRow("files tab") << u"https://github.com/acme/web/pull/42/files"_s
                                   << u"https://github.com/acme/web"_s << 42;
        QTest::newRow("no scheme") << u"github.com/acme/web/pull/7"_s << u"https://github.com/acme/web"_s
                                   << 7;
        QTest::newRow("fragment") << u"https://github.com/acme/web/pull/7#issuecomment-1"_s
                                  << u"https://github.com/acme/web"_s << 7;
        QTest::newRow("enterprise") << u"https://ghe.example.com/team/app/pull/3"_s
                                    << u"https://ghe.example.com/team/app"_s << 3;
        QTest::newRow("test server") << u"http://127.0.0.1:8080/env-echo.git/pull/1"_s
                                     << u"http://127.0.0.1:8080/env-echo.git"_s << 1;
        QTest::newRow("a branch called pull")
            << u"https://github.com/acme/web/tree/pull/5"_s << u"https://github.com/acme/web"_s << 0;
        QTest::newRow("repository") << u"https://github.com/acme/web"_s << u"https://github.com/acme/web"_s
                                    << 0;
    }

    void pullRequests()
    {
        QFETCH(QString, input);
        QFETCH(QString, canonical);
        QFETCH(int, number);
        const auto parsed = RepoRef::parse(input, tmpPath(u"work"_s));
        if (const auto* error = std::get_if<RepoRefError>(&parsed))
            QFAIL(qPrintable(error->explanation()));
        const auto* ref = std::get_if<RepoRef>(&parsed);
        QCOMPARE(ref->canonical(), canonical);
        QCOMPARE(ref->pullRequest(), number);
    }

    void pullRequestNumbersAreChecked_data()
    {
        QTest::addColumn<QString>("input");
        QTest::newRow("zero") << u"https://github.com/acme/web/pull/0"_s;
        QTest::newRow("word") << u"https://github.com/acme/web/pull/new"_s;
        QTest::newRow("huge") << u"https://github.com/acme/web/pull/123456789012"_s;
        QTest::newRow("leading zero") << u"https://github.com/acme/web/pull/042"_s;
    }

    void pullRequestNumbersAreChecked()
    {
        QFETCH(QString, input);
        const auto parsed = RepoRef::parse(input, tmpPath(u"work"_s));
        const auto* error = std::get_if<RepoRefError>(&parsed);
        QVERIFY(error);
        QVERIFY2(error->message.contains(u"not a pull request number"_s), qPrintable(error->message));
    }

    void refused_data()
    {
        QTest::addColumn<QString>("input");
        QTest::addColumn<QString>("messagePart");
        QTest::addColumn<QString>("advicePart");

        QTest::newRow("empty") << QString() << u"No repository given"_s << u"owner/repo"_s;
        QTest::newRow("blank") << u"   \t "_s << u"No repository given"_s << QString();
        QTest::newRow("too long") << (u"a/"_s + QString(3000, u'b')) << u"too long"_s << QString();
        QTest::newRow("64 KB") << QString(65536, u'x') << u"too long"_s << QString();
        QTest::newRow("option injection")
            << u"--upload-pack=touch /tmp/pwned"_s << u"starts with “-”"_s << u"./"_s;
        QTest::newRow("option injection, short") << u"-u"_s << u"git would read as an option"_s << QString();
        QTest::newRow("ext transport") << u"ext::sh -c touch% /tmp/pwned"_s << u"ext::"_s << u"https"_s;
        QTest::newRow("other remote helper") << u"fd::17"_s << u"remote-helper"_s << u"https"_s;
        QTest::newRow("file URL") << u"file:///etc"_s << u"file://"_s << u"folder's path"_s;
        QTest::newRow("ssh URL") << u"ssh://git@github.com/owner/repo.git"_s << u"SSH"_s
                                 << u"https://github.com/owner/repo"_s;
        QTest::newRow("scp-like") << u"git@github.com:owner/repo.git"_s << u"SSH"_s
                                  << u"https://github.com/owner/repo"_s;
        QTest::newRow("scp-like without user")
            << u"github.com:owner/repo"_s << u"SSH"_s << u"https://github.com/owner/repo"_s;
        QTest::newRow("git protocol") << u"git://github.com/owner/repo"_s << u"unencrypted"_s << u"https"_s;
        QTest::newRow("ftp") << u"ftp://example.com/repo"_s << u"“ftp://” addresses are not supported"_s
                             << u"https"_s;
        QTest::newRow("credentials") << u"https://u:p@github.com/a/b"_s << u"user name or password"_s
                                     << u"sign"_s;
        QTest::newRow("token as user")
            << u"https://ghp_abc@github.com/a/b"_s << u"user name or password"_s << u"token"_s;
        QTest::newRow("credentials, http loopback")
            << u"http://u:p@127.0.0.1:8000/a.git"_s << u"user name or password"_s << QString();
        QTest::newRow("http remote") << u"http://github.com/a/b"_s << u"Plain http://"_s << u"https://"_s;
        QTest::newRow("http private IP") << u"http://192.168.1.5/a/b"_s << u"Plain http://"_s << QString();
        QTest::newRow("newline inside")
            << u"https://github.com/a/b\nc"_s << u"control or invisible"_s << QString();
        QTest::newRow("NUL inside") << u"octocat/hello\u0000world"_s << u"U+0000"_s << QString();
        QTest::newRow("escape inside") << u"octocat/\x1b[31mrepo"_s << u"U+001B"_s << QString();
        QTest::newRow("zero-width space") << u"octo\u200bcat/repo"_s << u"U+200B"_s << QString();
        QTest::newRow("bidi override") << u"https://github.com/a/\u202eb"_s << u"U+202E"_s << QString();
        QTest::newRow("space in URL") << u"https://github.com/a b/c"_s << u"space"_s << QString();
        QTest::newRow("space in shorthand") << u"octo cat/repo"_s << u"space"_s << QString();
        QTest::newRow("Cyrillic look-alike host")
            << u"https://gіthub.com/a/b"_s << u"non-ASCII"_s << u"look"_s;
        QTest::newRow("look-alike host without scheme") << u"gіthub.com/a/b"_s << u"non-ASCII"_s << u"look"_s;
        QTest::newRow("IDN host") << u"https://bücher.example/a/b"_s << u"non-ASCII"_s << QString();
        QTest::newRow("dotdot path") << u"https://git.example.com/a/../b"_s << u"not allowed"_s << QString();
        QTest::newRow("percent path")
            << u"https://git.example.com/a/%2e%2e/b"_s << u"not allowed"_s << QString();
        QTest::newRow("no path") << u"https://git.example.com"_s << u"does not name a repository"_s
                                 << QString();
        // Found by the fuzz target repository_input (tests/fuzz/regressions/repository_input/): a path
        // that is only a ".git" suffix names no repository, and was accepted without a name.
        QTest::newRow("only .git") << u"https://utAgathb.gom/.git"_s << u"does not name a repository"_s
                                   << QString();
        QTest::newRow("only .GIT, nested")
            << u"https://git.example.com/owner/.GIT"_s << u"does not name a repository"_s << QString();
        QTest::newRow("github owner only")
            << u"https://github.com/octocat"_s << u"does not name a GitHub"_s << QString();
        QTest::newRow("bad port") << u"https://git.example.com:99999/a/b"_s << u"invalid port"_s << QString();
        QTest::newRow("port letters")
            << u"https://git.example.com:8x/a/b"_s << u"invalid port"_s << QString();
        QTest::newRow("bad host") << u"https://-bad-.example/a/b"_s << u"not a valid host"_s << QString();
        QTest::newRow("empty host") << u"https:///a/b"_s << u"no host"_s << QString();
        QTest::newRow("owner too long")
            << (QString(40, u'a') + u"/repo"_s) << u"not a valid GitHub owner"_s << u"39"_s;
        QTest::newRow("owner double hyphen") << u"a--b/repo"_s << u"not a valid GitHub owner"_s << QString();
        QTest::newRow("owner leading hyphen via URL")
            << u"https://github.com/-a/repo"_s << u"not a valid GitHub owner"_s << QString();
        QTest::newRow("repo with bad char")
            << u"owner/re$po"_s << u"not a valid repository name"_s << QString();
        QTest::newRow("repo dotdot") << u"https://github.com/owner/.."_s << u"not allowed"_s << QString();
        QTest::newRow("repo too long")
            << (u"owner/"_s + QString(101, u'r')) << u"not a valid repository"_s << u"100"_s;
        QTest::newRow("three segments, no folder")
            << u"a/b/c"_s << u"neither an existing folder"_s << QString();
        QTest::newRow("single word, no folder") << u"nonexistent"_s << u"no folder"_s << QString();
        QTest::newRow("other user's home") << u"~root/repo"_s << u"other users' home"_s << QString();
    }
    void refused()
    {
        QFETCH(QString, input);
        QFETCH(QString, messagePart);
        QFETCH(QString, advicePart);
        const auto result = RepoRef::parse(input, tmpPath(u"work"_s));
        const auto* error = std::get_if<RepoRefError>(&result);
        QVERIFY2(error, qPrintable(u"accepted: "_s + input.left(80)));
        QVERIFY2(error->message.contains(messagePart, Qt::CaseInsensitive), qPrintable(error->message));
        if (!advicePart.isEmpty())
            QVERIFY2(error->advice.contains(advicePart, Qt::CaseInsensitive), qPrintable(error->advice));
        QVERIFY(!error->message.isEmpty());
        // A refusal never echoes a password back.
        QVERIFY(!error->message.contains(u":p@"_s));
    }

    void local_data()
    {
        QTest::addColumn<QString>("input");
        QTest::addColumn<QString>("expectedPath"); // relative to the temporary dir
        QTest::addColumn<QString>("displayName");
        QTest::newRow("absolute") << tmpPath(u"work/my-app"_s) << u"work/my-app"_s << u"my-app"_s;
        QTest::newRow("absolute, trailing slash")
            << tmpPath(u"work/my-app/"_s) << u"work/my-app"_s << u"my-app"_s;
        QTest::newRow("relative") << u"my-app"_s << u"work/my-app"_s << u"my-app"_s;
        QTest::newRow("dot relative") << u"./my-app"_s << u"work/my-app"_s << u"my-app"_s;
        QTest::newRow("dot-dot relative") << u"../work/my-app"_s << u"work/my-app"_s << u"my-app"_s;
        QTest::newRow("uncleaned") << tmpPath(u"work/./my-app/src/.."_s) << u"work/my-app"_s << u"my-app"_s;
        QTest::newRow("bare repository") << u"bare.git"_s << u"work/bare.git"_s << u"bare.git"_s;
        QTest::newRow(".git file (worktree)") << u"./linked"_s << u"work/linked"_s << u"linked"_s;
    }
    void local()
    {
        QFETCH(QString, input);
        QFETCH(QString, expectedPath);
        QFETCH(QString, displayName);
        const auto result = RepoRef::parse(input, tmpPath(u"work"_s));
        if (const auto* error = std::get_if<RepoRefError>(&result))
            QFAIL(qPrintable(error->message));
        const auto& ref = std::get<RepoRef>(result);
        const QString expected = QFileInfo(tmpPath(expectedPath)).canonicalFilePath();
        QCOMPARE(ref.kind(), RepoRef::Kind::LocalPath);
        QVERIFY(!ref.isRemote());
        QCOMPARE(ref.localPath(), expected);
        QCOMPARE(ref.canonical(), expected);
        QCOMPARE(ref.url(), QUrl::fromLocalFile(expected));
        QCOMPARE(ref.displayName(), displayName);
    }

    void homeExpansion()
    {
        // `~/…` expands to the home folder; point HOME at the temporary dir for the test.
        const QByteArray oldHome = qgetenv("HOME");
        qputenv("HOME", m_tmp.path().toUtf8());
        const auto result = RepoRef::parse(u"~/work/my-app"_s, u"/"_s);
        qputenv("HOME", oldHome);
        if (const auto* error = std::get_if<RepoRefError>(&result))
            QFAIL(qPrintable(error->message));
        QCOMPARE(std::get<RepoRef>(result).localPath(),
                 QFileInfo(tmpPath(u"work/my-app"_s)).canonicalFilePath());
    }

    void existingFolderWinsOverShorthand()
    {
        // "owner/repo" exists as a folder here: the user named a folder, and it is not a repository.
        const auto result = RepoRef::parse(u"owner/repo"_s, tmpPath(u"work"_s));
        const auto* error = std::get_if<RepoRefError>(&result);
        QVERIFY(error);
        QVERIFY2(error->message.contains(u"not a git repository"_s), qPrintable(error->message));
        // Elsewhere it is GitHub shorthand.
        const auto remote = RepoRef::parse(u"owner/repo"_s, tmpPath(u"work/plain folder"_s));
        QVERIFY(std::holds_alternative<RepoRef>(remote));
        QCOMPARE(std::get<RepoRef>(remote).canonical(), u"https://github.com/owner/repo"_s);
    }

    void localRefusals_data()
    {
        QTest::addColumn<QString>("input");
        QTest::addColumn<QString>("messagePart");
        QTest::addColumn<QString>("advicePart");
        QTest::newRow("not a repository")
            << u"./plain folder"_s << u"is not a git repository"_s << u"git init"_s;
        QTest::newRow("folder inside a repository")
            << u"./my-app/src"_s << u"inside the repository"_s << u"root folder"_s;
        QTest::newRow("missing") << u"./does-not-exist"_s << u"does not exist"_s << QString();
        QTest::newRow("missing absolute") << u"/definitely/not/here"_s << u"does not exist"_s << QString();
        QTest::newRow("a file") << u"./notes.txt"_s << u"is a file"_s << QString();
    }
    void localRefusals()
    {
        QFETCH(QString, input);
        QFETCH(QString, messagePart);
        QFETCH(QString, advicePart);
        const auto result = RepoRef::parse(input, tmpPath(u"work"_s));
        const auto* error = std::get_if<RepoRefError>(&result);
        QVERIFY2(error, qPrintable(input));
        QVERIFY2(error->message.contains(messagePart), qPrintable(error->message));
        if (!advicePart.isEmpty())
            QVERIFY2(error->advice.contains(advicePart), qPrintable(error->advice));
    }

    void localPathWithLeadingDashNeedsDotSlash()
    {
        QVERIFY(QDir(tmpPath(u"work"_s)).mkpath(u"-dash/.git"_s));
        QVERIFY(std::holds_alternative<RepoRefError>(RepoRef::parse(u"-dash"_s, tmpPath(u"work"_s))));
        const auto ok = RepoRef::parse(u"./-dash"_s, tmpPath(u"work"_s));
        QVERIFY(std::holds_alternative<RepoRef>(ok));
        // The path handed on is absolute, so git can never read it as an option.
        QVERIFY(std::get<RepoRef>(ok).localPath().startsWith(u'/'));
    }
};

} // namespace forge

QTEST_GUILESS_MAIN(forge::RepoRefTest)
#include "tst_reporef.moc"
