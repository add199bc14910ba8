// "Open in Forge Preview" links: what is accepted, and that every hostile link is refused before
// anything is shown or run.

#include "core/BranchName.h"
#include "core/DeepLink.h"

#include <QTest>

using namespace Qt::StringLiterals;
using forge::DeepLink;

class TestDeepLink : public QObject
{
    Q_OBJECT

private slots:
    void acceptsRepositoryAndBranch_data()
    {
        QTest::addColumn<QString>("link");
        QTest::addColumn<QString>("url");
        QTest::addColumn<QString>("branch");
        QTest::newRow("owner/repo") << u"forge-preview://open?repo=octocat/hello-world"_s
                                    << u"https://github.com/octocat/hello-world"_s << QString();
        QTest::newRow("owner/repo and branch")
            << u"forge-preview://open?repo=octocat/hello-world&branch=feature/login"_s
            << u"https://github.com/octocat/hello-world"_s << u"feature/login"_s;
        QTest::newRow("https URL, encoded")
            << u"forge-preview://open?repo=https%3A%2F%2Fgitlab.com%2Fgroup%2Fapp.git&branch=main"_s
            << u"https://gitlab.com/group/app.git"_s << u"main"_s;
        QTest::newRow("https URL, plain")
            << u"forge-preview://open?repo=https://github.com/octocat/Spoon-Knife"_s
            << u"https://github.com/octocat/Spoon-Knife"_s << QString();
        QTest::newRow("scheme in capitals")
            << u"FORGE-PREVIEW://open?repo=a/b"_s << u"https://github.com/a/b"_s << QString();
        QTest::newRow("trailing slash")
            << u"forge-preview://open/?repo=a/b&branch=v1.2"_s << u"https://github.com/a/b"_s << u"v1.2"_s;
    }
    void acceptsRepositoryAndBranch()
    {
        QFETCH(QString, link);
        QFETCH(QString, url);
        QFETCH(QString, branch);
        const auto parsed = DeepLink::parse(link);
        const auto* error = std::get_if<forge::RepoRefError>(&parsed);
        QVERIFY2(!error, qPrintable(error ? error->explanation() : QString()));
        const DeepLink& deepLink = std::get<DeepLink>(parsed);
        QVERIFY(deepLink.repository.isRemote());
        QCOMPARE(deepLink.repository.url().toString(), url);
        QCOMPARE(deepLink.branch, branch);
    }

    // Issue 21: pr=N opens the repository's pull request N.
    void acceptsPullRequests_data()
    {
        QTest::addColumn<QString>("link");
        QTest::addColumn<int>("number");
        QTest::newRow("owner/repo and pr") << u"forge-preview://open?repo=octocat/hello-world&pr=42"_s << 42;
        QTest::newRow("URL and pr")
            << u"forge-preview://open?repo=https%3A%2F%2Fgithub.com%2Foctocat%2Fhello-world&pr=7"_s << 7;
        QTest::newRow("pull request URL")
            << u"forge-preview://open?repo=https%3A%2F%2Fgithub.com%2Foctocat%2Fhello-world%2Fpull%2F9"_s
            << 9;
        QTest::newRow("both, agreeing")
            << u"forge-preview://open?repo=https://github.com/octocat/hello-world/pull/9&pr=9"_s << 9;
    }

    void acceptsPullRequests()
    {
        QFETCH(QString, link);
        QFETCH(int, number);
        const auto parsed = DeepLink::parse(link);
        if (const auto* error = std::get_if<forge::RepoRefError>(&parsed))
            QFAIL(qPrintable(error->message));
        const forge::DeepLink& opened = std::get<forge::DeepLink>(parsed);
        QCOMPARE(opened.repository.canonical(), u"https://github.com/octocat/hello-world"_s);
        QCOMPARE(opened.repository.pullRequest(), number);
        QVERIFY(opened.branch.isEmpty());
    }

    void refusesHostileLinks_data()
    {
        QTest::addColumn<QString>("link");
        QTest::addColumn<QString>("expected"); // a part of the message
        QTest::newRow("credentials in the repository URL")
            << u"forge-preview://open?repo=https%3A%2F%2Fuser%3Aghp_secret%40github.com%2Fa%2Fb"_s
            << u"password"_s;
        QTest::newRow("ext transport")
            << u"forge-preview://open?repo=ext::sh%20-c%20touch%20%2Ftmp%2Fpwned"_s << u"ext::"_s;
        QTest::newRow("file URL") << u"forge-preview://open?repo=file:///etc"_s << u"file://"_s;
        QTest::newRow("absolute folder")
            << u"forge-preview://open?repo=/home/user/secret"_s << u"not a repository address"_s;
        QTest::newRow("home folder") << u"forge-preview://open?repo=~/code/app"_s
                                     << u"not a repository address"_s;
        QTest::newRow("relative folder")
            << u"forge-preview://open?repo=../x"_s << u"not a repository address"_s;
        QTest::newRow("option injection as repository")
            << u"forge-preview://open?repo=--upload-pack=touch%20x"_s << u"not a repository address"_s;
        QTest::newRow("option injection as owner")
            << u"forge-preview://open?repo=--upload-pack=x/y"_s << u"not allowed"_s;
        QTest::newRow("option injection as branch")
            << u"forge-preview://open?repo=a/b&branch=--upload-pack=x"_s << u"starts with “-”"_s;
        QTest::newRow("branch with ..") << u"forge-preview://open?repo=a/b&branch=a..b"_s << u"“..”"_s;
        QTest::newRow("branch with a space") << u"forge-preview://open?repo=a/b&branch=a%20b"_s << u"space"_s;
        QTest::newRow("branch with a newline")
            << u"forge-preview://open?repo=a/b&branch=a%0Ab"_s << u"control"_s;
        QTest::newRow("empty branch") << u"forge-preview://open?repo=a/b&branch="_s << u"empty"_s;
        QTest::newRow("ssh") << u"forge-preview://open?repo=git@github.com:a/b.git"_s << u"SSH"_s;
        QTest::newRow("plain http") << u"forge-preview://open?repo=http://example.com/a/b"_s << u"http://"_s;
        // RepoRef takes http:// on this computer's loopback (a local test server); a link from a web
        // page must not (issue 16): it would clone unencrypted from whatever listens there.
        QTest::newRow("plain http to 127.0.0.1")
            << u"forge-preview://open?repo=http://127.0.0.1:8000/a/b.git"_s << u"https://"_s;
        QTest::newRow("plain http to localhost, encoded")
            << u"forge-preview://open?repo=http%3A%2F%2Flocalhost%2Fa%2Fb"_s << u"https://"_s;
        QTest::newRow("plain http to [::1]")
            << u"forge-preview://open?repo=http://[::1]:9/a/b"_s << u"https://"_s;
        QTest::newRow("no repository") << u"forge-preview://open?branch=main"_s << u"no repository"_s;
        QTest::newRow("two repositories") << u"forge-preview://open?repo=a/b&repo=evil/c"_s << u"repeated"_s;
        QTest::newRow("unknown parameter") << u"forge-preview://open?repo=a/b&run=1"_s << u"unknown"_s;
        QTest::newRow("pr not a number") << u"forge-preview://open?repo=a/b&pr=1;rm"_s << u"not a number"_s;
        QTest::newRow("pr zero") << u"forge-preview://open?repo=a/b&pr=0"_s << u"not a number"_s;
        QTest::newRow("two pull requests") << u"forge-preview://open?repo=a/b&pr=1&pr=2"_s << u"repeated"_s;
        QTest::newRow("branch and pr") << u"forge-preview://open?repo=a/b&branch=main&pr=2"_s << u"both"_s;
        QTest::newRow("pull requests disagree")
            << u"forge-preview://open?repo=https://github.com/a/b/pull/3&pr=4"_s << u"#3 in repo= and #4"_s;
        QTest::newRow("another action") << u"forge-preview://delete?repo=a/b"_s << u"only understands"_s;
        QTest::newRow("user info") << u"forge-preview://me@open?repo=a/b"_s << u"only understands"_s;
        QTest::newRow("another scheme") << u"https://open?repo=a/b"_s << u"does not start"_s;
        QTest::newRow("bidi override in the owner")
            << u"forge-preview://open?repo=a%E2%80%AEb/c"_s << u"invisible"_s;
        QTest::newRow("64 KB") << u"forge-preview://open?repo="_s + QString(65536, u'a') << u"longer"_s;
    }
    void refusesHostileLinks()
    {
        QFETCH(QString, link);
        QFETCH(QString, expected);
        const auto parsed = DeepLink::parse(link);
        const auto* error = std::get_if<forge::RepoRefError>(&parsed);
        QVERIFY2(error, qPrintable(u"accepted: "_s + link.left(200)));
        QVERIFY2(error->explanation().contains(expected, Qt::CaseInsensitive),
                 qPrintable(error->explanation()));
        QVERIFY(!error->advice.isEmpty());
        // The refusal never repeats a secret from the link.
        QVERIFY(!error->explanation().contains(u"ghp_secret"_s));
    }

    void recognisesLinksAmongArguments()
    {
        QVERIFY(DeepLink::looksLikeLink(u"forge-preview://open?repo=a/b"_s));
        QVERIFY(DeepLink::looksLikeLink(u"Forge-Preview:garbage"_s));
        QVERIFY(!DeepLink::looksLikeLink(u"--open"_s));
        QVERIFY(!DeepLink::looksLikeLink(u"https://github.com/a/b"_s));
    }

    void branchNames_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<bool>("valid");
        QTest::newRow("main") << u"main"_s << true;
        QTest::newRow("nested") << u"feature/x-1_2"_s << true;
        QTest::newRow("unicode") << u"fix/größe"_s << true;
        QTest::newRow("leading dash") << u"-x"_s << false;
        QTest::newRow("@") << u"@"_s << false;
        QTest::newRow("@{") << u"a@{1}"_s << false;
        QTest::newRow("lock") << u"a/b.lock"_s << false;
        QTest::newRow("dot part") << u"a/.b"_s << false;
        QTest::newRow("ends with dot") << u"a."_s << false;
        QTest::newRow("double slash") << u"a//b"_s << false;
        QTest::newRow("tilde") << u"a~1"_s << false;
        QTest::newRow("colon") << u"a:b"_s << false;
        QTest::newRow("backslash") << u"a\\b"_s << false;
        QTest::newRow("zero-width space") << u"ma\u200Bin"_s << false;
        QTest::newRow("too long") << QString(256, u'a') << false;
    }
    void branchNames()
    {
        QFETCH(QString, name);
        QFETCH(bool, valid);
        QCOMPARE(!forge::branchNameProblem(name).has_value(), valid);
    }
};

QTEST_GUILESS_MAIN(TestDeepLink)
#include "tst_deeplink.moc"
