// GitEnvironment: what a git child inherits, where the token goes (only the GIT_CONFIG_COUNT entry
// for the repository's own origin), that no configuration file is read (checked with real git
// against a home full of hostile ones), where proxies come from, and which repository addresses
// are refused, with what reason.
#include "HttpServer.h"
#include "sandbox/GitEnvironment.h"

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;
using forge::GitEnvironment;
using forge::test::HttpExchange;
using forge::test::HttpResponse;
using forge::test::HttpServer;
using forge::test::RecordedRequest;

namespace {

const QString Canary = u"ghp_CANARYgitenv0123456789abcdefABCDEF"_s;

// The runtime config entries as key -> value (keys in the order git would apply them).
QList<std::pair<QString, QString>> configEntries(const QProcessEnvironment& env)
{
    QList<std::pair<QString, QString>> entries;
    bool ok = false;
    const int count = env.value(u"GIT_CONFIG_COUNT"_s).toInt(&ok);
    if (!ok)
        return entries;
    for (int i = 0; i < count; ++i)
        entries.append({env.value(u"GIT_CONFIG_KEY_"_s + QString::number(i)),
                        env.value(u"GIT_CONFIG_VALUE_"_s + QString::number(i))});
    return entries;
}

QStringList extraHeaderKeys(const QProcessEnvironment& env)
{
    QStringList keys;
    for (const auto& [key, value] : configEntries(env))
        if (key.endsWith(u".extraheader"_s, Qt::CaseInsensitive))
            keys << key;
    return keys;
}

QString configValue(const QProcessEnvironment& env, const QString& key)
{
    for (const auto& [k, v] : configEntries(env))
        if (k == key)
            return v;
    return u"<unset>"_s;
}

// What a script in a sandbox can leave in the sandbox's home: a proxy that would receive the next
// clone's requests (token included), TLS verification off for one host (a URL-specific key beats
// the generic http.sslVerify=true entry), and a helper that would be asked for credentials.
const QByteArray HostileConfig = R"([http]
	proxy = http://127.0.0.1:9/
[http "https://github.com/"]
	sslVerify = false
	proxy = http://127.0.0.1:9/
[credential]
	helper = !echo hostile-helper
[include]
	path = ~/.included
)";

bool writeFile(const QString& path, const QByteArray& content)
{
    QFile file(path);
    return QDir().mkpath(QFileInfo(path).path()) && file.open(QIODevice::WriteOnly) &&
           file.write(content) == content.size();
}

// A home whose every git configuration file is hostile ($HOME/.gitconfig, $HOME/.config/git/config)
// plus an XDG_CONFIG_HOME elsewhere with one more; the base environment a caller would pass.
struct HostileHome
{
    QTemporaryDir home;
    QTemporaryDir xdg;
    QTemporaryDir notARepository; // where git runs: no .git/config above it (see ceiling below)

    bool create()
    {
        return home.isValid() && xdg.isValid() && notARepository.isValid() &&
               writeFile(home.filePath(u".gitconfig"_s), HostileConfig) &&
               writeFile(home.filePath(u".config/git/config"_s), HostileConfig) &&
               writeFile(home.filePath(u".included"_s), "[http]\n\tproxy = http://127.0.0.1:9/\n") &&
               writeFile(xdg.filePath(u"git/config"_s), HostileConfig);
    }
    QProcessEnvironment base() const
    {
        QProcessEnvironment env;
        env.insert(u"PATH"_s, qEnvironmentVariable("PATH"));
        env.insert(u"HOME"_s, home.path());
        env.insert(u"XDG_CONFIG_HOME"_s, xdg.path());
        env.insert(u"LC_ALL"_s, u"C"_s);
        return env;
    }
};

struct GitResult
{
    int exitCode = -1;
    QString out;
    QString err;
};

// Runs real git with `env` in `directory`, which git must not take for (part of) a repository:
// GIT_CEILING_DIRECTORIES stops its search for one at the directory's parent.
GitResult runGit(const QStringList& arguments, QProcessEnvironment env, const QString& directory)
{
    env.insert(u"GIT_CEILING_DIRECTORIES"_s, QFileInfo(directory).absolutePath());
    QProcess git;
    git.setProcessEnvironment(env);
    git.setWorkingDirectory(directory);
    git.start(u"git"_s, arguments);
    GitResult result;
    if (!git.waitForFinished(60000))
        return result;
    result.exitCode = git.exitStatus() == QProcess::NormalExit ? git.exitCode() : -1;
    result.out = QString::fromUtf8(git.readAllStandardOutput()).trimmed();
    result.err = QString::fromUtf8(git.readAllStandardError()).trimmed();
    return result;
}

} // namespace

class TestGitEnvironment : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void scrubsDangerousInheritedVariables()
    {
        QProcessEnvironment base;
        base.insert(u"PATH"_s, u"/usr/bin:/bin"_s);
        base.insert(u"HOME"_s, u"/home/someone"_s);
        base.insert(u"LANG"_s, u"C.UTF-8"_s);
        base.insert(u"HTTPS_PROXY"_s, u"http://proxy.example:3128"_s);
        const QStringList dangerous{
            u"GIT_SSL_NO_VERIFY"_s,
            u"GIT_TRACE"_s,
            u"GIT_TRACE_CURL"_s,
            u"GIT_TRACE_PACKET"_s,
            u"GIT_TRACE_REDACT"_s,
            u"GIT_TRACE2_EVENT"_s,
            u"GIT_CURL_VERBOSE"_s,
            u"GIT_ASKPASS"_s,
            u"SSH_ASKPASS"_s,
            u"GIT_CONFIG"_s,
            u"GIT_CONFIG_PARAMETERS"_s,
            u"GIT_CONFIG_SYSTEM"_s,
            u"GIT_CONFIG_KEY_42"_s, // beyond our own entries
            u"GIT_CONFIG_VALUE_42"_s,
            u"GIT_DIR"_s,
            u"GIT_WORK_TREE"_s,
            u"GIT_SSH"_s,
            u"GIT_SSH_COMMAND"_s,
            u"GIT_SSH_VARIANT"_s,
            u"GIT_PROXY_COMMAND"_s,
            u"GIT_EXEC_PATH"_s,
            u"GIT_TEMPLATE_DIR"_s,
            u"GIT_OBJECT_DIRECTORY"_s,
            u"GIT_ALTERNATE_OBJECT_DIRECTORIES"_s,
            u"XDG_CONFIG_HOME"_s,
        };
        for (const QString& name : dangerous)
            base.insert(name, u"1"_s);
        // Inherited values of what we set ourselves must be replaced, not kept.
        base.insert(u"GIT_ALLOW_PROTOCOL"_s, u"ext:ssh:file:http"_s);
        base.insert(u"GIT_TERMINAL_PROMPT"_s, u"1"_s);
        base.insert(u"GIT_CONFIG_GLOBAL"_s, u"/home/someone/.gitconfig"_s);
        base.insert(u"GIT_CONFIG_NOSYSTEM"_s, u"0"_s);
        base.insert(u"GIT_CONFIG_COUNT"_s, u"9"_s);
        base.insert(u"GIT_CONFIG_KEY_0"_s, u"http.sslVerify"_s);
        base.insert(u"GIT_CONFIG_VALUE_0"_s, u"false"_s);

        const auto env = GitEnvironment::forClone(base, QUrl(u"https://github.com/owner/repo.git"_s), {});

        for (const QString& name : dangerous)
            QVERIFY2(!env.contains(name), qPrintable(name));
        QCOMPARE(env.value(u"PATH"_s), u"/usr/bin:/bin"_s);
        QCOMPARE(env.value(u"HOME"_s), u"/home/someone"_s);
        QCOMPARE(env.value(u"LANG"_s), u"C.UTF-8"_s);
        QCOMPARE(env.value(u"HTTPS_PROXY"_s), u"http://proxy.example:3128"_s);

        QCOMPARE(env.value(u"GIT_TERMINAL_PROMPT"_s), u"0"_s);
        QCOMPARE(env.value(u"GCM_INTERACTIVE"_s), u"never"_s);
        QCOMPARE(env.value(u"GIT_ALLOW_PROTOCOL"_s), u"https"_s);
        QCOMPARE(env.value(u"GIT_CONFIG_NOSYSTEM"_s), u"1"_s);
        QCOMPARE(env.value(u"GIT_CONFIG_GLOBAL"_s), u"/dev/null"_s);

        // Only our own config entries, numbered from 0 without gaps.
        const auto entries = configEntries(env);
        QVERIFY(!entries.isEmpty());
        for (const QString& key : env.keys()) {
            if (key.startsWith(u"GIT_CONFIG_KEY_"_s) || key.startsWith(u"GIT_CONFIG_VALUE_"_s)) {
                const int index = key.section(u'_', -1).toInt();
                QVERIFY2(index < entries.size(), qPrintable(key));
            }
        }
        QCOMPARE(configValue(env, u"transfer.credentialsInUrl"_s), u"die"_s);
        QCOMPARE(configValue(env, u"protocol.file.allow"_s), u"never"_s);
        QCOMPARE(configValue(env, u"http.sslVerify"_s), u"true"_s);
        QCOMPARE(configValue(env, u"credential.helper"_s), QString());
        QCOMPARE(configValue(env, u"core.hooksPath"_s), u"/dev/null"_s);
        QCOMPARE(configValue(env, u"core.attributesFile"_s), u"/dev/null"_s);
        QCOMPARE(configValue(env, u"core.excludesFile"_s), u"/dev/null"_s);
        QVERIFY(extraHeaderKeys(env).isEmpty()); // no token, no header
    }

    void noConfigurationFileIsSwitchedBackOn_data()
    {
        QTest::addColumn<QUrl>("url");
        QTest::addColumn<QString>("token");
        QTest::newRow("https with token") << QUrl(u"https://github.com/o/r"_s) << Canary;
        QTest::newRow("https public") << QUrl(u"https://github.com/o/r"_s) << QString();
        QTest::newRow("loopback http") << QUrl(u"http://127.0.0.1:8080/r.git"_s) << Canary;
        QTest::newRow("local file") << QUrl::fromLocalFile(u"/srv/repo"_s) << QString();
    }

    void noConfigurationFileIsSwitchedBackOn()
    {
        // Whatever the URL or token: neither the system file nor any "global" one.
        QFETCH(QUrl, url);
        QFETCH(QString, token);
        QProcessEnvironment base;
        base.insert(u"XDG_CONFIG_HOME"_s, u"/home/someone/.config"_s);
        const auto env = GitEnvironment::forClone(base, url, token);
        QCOMPARE(env.value(u"GIT_CONFIG_NOSYSTEM"_s), u"1"_s);
        QCOMPARE(env.value(u"GIT_CONFIG_GLOBAL"_s), u"/dev/null"_s);
        QVERIFY(!env.contains(u"XDG_CONFIG_HOME"_s));
        QVERIFY(!env.contains(u"GIT_CONFIG_SYSTEM"_s));
    }

    void realGitReadsNothingFromAHostileHome()
    {
        if (QStandardPaths::findExecutable(u"git"_s).isEmpty())
            QSKIP("git is not installed");
        HostileHome hostile;
        QVERIFY(hostile.create());
        const QString cwd = hostile.notARepository.path();

        // Without GitEnvironment git takes every one of them: the fixture is an attack that works.
        const GitResult plain =
            runGit({u"config"_s, u"--get-urlmatch"_s, u"http.sslVerify"_s, u"https://github.com/x"_s},
                   hostile.base(), cwd);
        QCOMPARE(plain.out, u"false"_s);
        QCOMPARE(runGit({u"config"_s, u"--get"_s, u"http.proxy"_s}, hostile.base(), cwd).out,
                 u"http://127.0.0.1:9/"_s);

        const QProcessEnvironment env =
            GitEnvironment::forClone(hostile.base(), QUrl(u"https://github.com/o/r"_s), Canary);
        const GitResult proxy = runGit({u"config"_s, u"--get"_s, u"http.proxy"_s}, env, cwd);
        QCOMPARE(proxy.exitCode, 1); // "the key was not found"
        QVERIFY2(proxy.out.isEmpty(), qPrintable(proxy.out));
        const GitResult urlProxy =
            runGit({u"config"_s, u"--get-urlmatch"_s, u"http.proxy"_s, u"https://github.com/x"_s}, env, cwd);
        QVERIFY2(urlProxy.out.isEmpty(), qPrintable(urlProxy.out));
        // The generic override is all there is, so nothing URL-specific can beat it.
        const GitResult verify = runGit(
            {u"config"_s, u"--get-urlmatch"_s, u"http.sslVerify"_s, u"https://github.com/x"_s}, env, cwd);
        QCOMPARE(verify.exitCode, 0);
        QCOMPARE(verify.out, u"true"_s);

        // And every value git sees at all comes from the command line (GIT_CONFIG_COUNT), none
        // from a file; the helper from the file is gone too.
        const GitResult all = runGit({u"config"_s, u"--list"_s, u"--show-origin"_s}, env, cwd);
        QCOMPARE(all.exitCode, 0);
        const QStringList lines = all.out.split(u'\n', Qt::SkipEmptyParts);
        QVERIFY(!lines.isEmpty());
        for (const QString& line : lines)
            QVERIFY2(line.startsWith(u"command line:"_s), qPrintable(line));
        QVERIFY2(!all.out.contains(u"hostile-helper"_s), qPrintable(all.out));
        QVERIFY2(!all.out.contains(u"127.0.0.1:9"_s), qPrintable(all.out));
    }

    void proxyVariablesAreTheOnesCurlReads()
    {
        QProcessEnvironment user;
        user.insert(u"http_proxy"_s, u"http://lower.example:3128"_s);
        user.insert(u"HTTP_PROXY"_s, u"http://httpoxy.example:3128"_s); // curl ignores it: so do we
        user.insert(u"https_proxy"_s, u"http://user:secret@lower.example:3128"_s);
        user.insert(u"HTTPS_PROXY"_s, u"http://upper.example:3128"_s);
        user.insert(u"all_proxy"_s, u"socks5h://127.0.0.1:1080"_s);
        user.insert(u"ALL_PROXY"_s, u"socks5h://127.0.0.1:1081"_s);
        user.insert(u"no_proxy"_s, u"localhost,.internal"_s);
        user.insert(u"NO_PROXY"_s, u"127.0.0.1"_s);
        user.insert(u"ftp_proxy"_s, u"http://ftp.example:3128"_s);
        user.insert(u"HOME"_s, u"/home/someone"_s);
        user.insert(u"GH_TOKEN"_s, Canary);
        user.insert(u"GIT_PROXY_COMMAND"_s, u"nc"_s);

        const QProcessEnvironment proxies = GitEnvironment::proxyVariables(user);
        QStringList names = proxies.keys();
        names.sort();
        QCOMPARE(names, (QStringList{u"ALL_PROXY"_s, u"HTTPS_PROXY"_s, u"NO_PROXY"_s, u"all_proxy"_s,
                                     u"http_proxy"_s, u"https_proxy"_s, u"no_proxy"_s}));
        for (const QString& name : names)
            QCOMPARE(proxies.value(name), user.value(name)); // credentials in a proxy URL kept as they are
        QVERIFY(GitEnvironment::proxyVariables(QProcessEnvironment()).isEmpty());
        // An empty value is a value (curl: "no proxy"), not an absent variable.
        QProcessEnvironment empty;
        empty.insert(u"https_proxy"_s, QString());
        QCOMPARE(GitEnvironment::proxyVariables(empty).keys(), QStringList{u"https_proxy"_s});
    }

    void realGitTakesTheProxyFromTheEnvironmentOnly()
    {
        // A clone goes through the proxy the environment names, not the one a hostile home names
        // (which is the discard port, 9: a connection there would fail differently).
        if (QStandardPaths::findExecutable(u"git"_s).isEmpty())
            QSKIP("git is not installed");
        HostileHome hostile;
        QVERIFY(hostile.create());
        HttpServer proxy; // answers 502 to everything and keeps what it was asked
        proxy.setHandler([](const RecordedRequest&, const std::shared_ptr<HttpExchange>& exchange) {
            exchange->send(HttpResponse{502, {}, {}});
        });
        QVERIFY(proxy.listen());
        QProcessEnvironment user;
        user.insert(u"http_proxy"_s, u"http://127.0.0.1:%1"_s.arg(proxy.port()));
        QProcessEnvironment base = hostile.base();
        base.insert(GitEnvironment::proxyVariables(user));
        // A repository on a port nothing listens on: only the proxy can answer.
        const QUrl url(u"http://127.0.0.1:1/o/r.git"_s);
        QProcessEnvironment env = GitEnvironment::forClone(base, url, Canary);
        env.insert(u"GIT_CEILING_DIRECTORIES"_s, QFileInfo(hostile.notARepository.path()).absolutePath());

        QProcess git;
        git.setProcessEnvironment(env);
        git.setWorkingDirectory(hostile.notARepository.path());
        QSignalSpy finished(&git, &QProcess::finished);
        git.start(u"git"_s, {u"ls-remote"_s, u"--"_s, url.toString()});
        QVERIFY(finished.wait(60000));
        QVERIFY(git.exitCode() != 0); // the proxy answered 502
        QVERIFY(!proxy.requests().isEmpty());
        const RecordedRequest asked = proxy.requests().constFirst();
        QCOMPARE(asked.method, "GET"_ba);
        QVERIFY2(asked.target.startsWith("http://127.0.0.1:1/o/r.git/info/refs"), asked.target.constData());
    }

    void allowedProtocolsFollowTheUrl_data()
    {
        QTest::addColumn<QUrl>("url");
        QTest::addColumn<QString>("protocols");
        QTest::addColumn<QString>("fileAllow");
        QTest::newRow("https") << QUrl(u"https://github.com/o/r"_s) << u"https"_s << u"never"_s;
        QTest::newRow("http loopback v4")
            << QUrl(u"http://127.0.0.1:8080/r.git"_s) << u"https:http"_s << u"never"_s;
        QTest::newRow("http localhost")
            << QUrl(u"http://localhost:8080/r.git"_s) << u"https:http"_s << u"never"_s;
        QTest::newRow("http loopback v6")
            << QUrl(u"http://[::1]:8080/r.git"_s) << u"https:http"_s << u"never"_s;
        QTest::newRow("http remote") << QUrl(u"http://example.com/r.git"_s) << u"https"_s << u"never"_s;
        QTest::newRow("local file") << QUrl::fromLocalFile(u"/home/me/project"_s) << u"https:file"_s
                                    << u"always"_s;
        QTest::newRow("remote file") << QUrl(u"file://server/share/r"_s) << u"https"_s << u"never"_s;
    }

    void allowedProtocolsFollowTheUrl()
    {
        QFETCH(QUrl, url);
        QFETCH(QString, protocols);
        QFETCH(QString, fileAllow);
        const auto env = GitEnvironment::forClone(QProcessEnvironment(), url, {});
        QCOMPARE(env.value(u"GIT_ALLOW_PROTOCOL"_s), protocols);
        QCOMPARE(configValue(env, u"protocol.file.allow"_s), fileAllow);
    }

    void headerScopedToTheRepositoryOrigin_data()
    {
        QTest::addColumn<QUrl>("url");
        QTest::addColumn<QString>("key");
        QTest::newRow("github") << QUrl(u"https://github.com/owner/repo.git"_s)
                                << u"http.https://github.com/.extraheader"_s;
        QTest::newRow("upper-case host")
            << QUrl(u"https://GitHub.COM/owner/repo"_s) << u"http.https://github.com/.extraheader"_s;
        QTest::newRow("default port dropped")
            << QUrl(u"https://github.com:443/owner/repo"_s) << u"http.https://github.com/.extraheader"_s;
        QTest::newRow("enterprise with port") << QUrl(u"https://ghe.example.com:8443/o/r.git"_s)
                                              << u"http.https://ghe.example.com:8443/.extraheader"_s;
        QTest::newRow("loopback http")
            << QUrl(u"http://127.0.0.1:41234/repo.git"_s) << u"http.http://127.0.0.1:41234/.extraheader"_s;
        QTest::newRow("ipv6 loopback")
            << QUrl(u"http://[::1]:41234/repo.git"_s) << u"http.http://[::1]:41234/.extraheader"_s;
        QTest::newRow("query and fragment ignored")
            << QUrl(u"https://github.com/o/r?x=1#frag"_s) << u"http.https://github.com/.extraheader"_s;
    }

    void headerScopedToTheRepositoryOrigin()
    {
        QFETCH(QUrl, url);
        QFETCH(QString, key);
        const auto env = GitEnvironment::forClone(QProcessEnvironment(), url, Canary);
        QCOMPARE(extraHeaderKeys(env), QStringList{key});
    }

    void headerValueIsBasicXAccessToken()
    {
        const auto env =
            GitEnvironment::forClone(QProcessEnvironment(), QUrl(u"https://github.com/o/r"_s), Canary);
        const QString value = configValue(env, u"http.https://github.com/.extraheader"_s);
        const QString prefix = u"AUTHORIZATION: basic "_s;
        QVERIFY(value.startsWith(prefix));
        const QByteArray decoded = QByteArray::fromBase64(value.mid(prefix.size()).toLatin1());
        QCOMPARE(decoded, "x-access-token:" + Canary.toUtf8());
        // The base64 of "x-access-token:" is what the redactor also looks for.
        QVERIFY(value.mid(prefix.size()).startsWith(u"eC1hY2Nlc3MtdG9rZW46"_s));

        // The token itself appears nowhere else in the environment, in plain or encoded form.
        const QString encoded = value.mid(prefix.size());
        for (const QString& key : env.keys()) {
            const QString v = env.value(key);
            QVERIFY2(!key.contains(Canary) && !v.contains(Canary), qPrintable(key));
            if (v != value)
                QVERIFY2(!v.contains(encoded), qPrintable(key));
        }
    }

    void redirectsOffOnlyWithAToken()
    {
        // A clone carrying a token must not follow a redirect: git would send the header on to the
        // redirect target (see tst_githttpserver). Without a token git's default stays.
        const QUrl url(u"https://github.com/o/r"_s);
        QCOMPARE(configValue(GitEnvironment::forClone(QProcessEnvironment(), url, Canary),
                             u"http.followRedirects"_s),
                 u"false"_s);
        QCOMPARE(
            configValue(GitEnvironment::forClone(QProcessEnvironment(), url, {}), u"http.followRedirects"_s),
            u"<unset>"_s);
    }

    void noHeaderForLocalFiles()
    {
        const auto env =
            GitEnvironment::forClone(QProcessEnvironment(), QUrl::fromLocalFile(u"/srv/repo"_s), Canary);
        QVERIFY(extraHeaderKeys(env).isEmpty());
        for (const QString& key : env.keys())
            QVERIFY(!env.value(key).contains(u"basic"_s, Qt::CaseInsensitive));
    }

    void cloneArgumentsCarryNoSecretAndEndWithDashDash()
    {
        const QUrl url(u"https://github.com/owner/repo.git"_s);
        const QStringList args = GitEnvironment::cloneArguments(url, u"feature/x"_s, 1, u"/tmp/ws/repo"_s);
        QCOMPARE(args.first(), u"clone"_s);
        QVERIFY(args.contains(u"--single-branch"_s));
        QVERIFY(!args.contains(u"--recurse-submodules"_s));
        const int dashDash = args.indexOf(u"--"_s);
        QVERIFY(dashDash > 0);
        QCOMPARE(args.mid(dashDash),
                 (QStringList{u"--"_s, u"https://github.com/owner/repo.git"_s, u"/tmp/ws/repo"_s}));
        const int depth = args.indexOf(u"--depth"_s);
        QVERIFY(depth > 0 && depth < dashDash);
        QCOMPARE(args.at(depth + 1), u"1"_s);
        QVERIFY(args.contains(u"--branch=feature/x"_s));
        for (const QString& arg : args) {
            QVERIFY2(!arg.contains(u"ghp_"_s), qPrintable(arg));
            QVERIFY2(!arg.contains(u"extraheader"_s, Qt::CaseInsensitive), qPrintable(arg));
            QVERIFY2(!arg.contains(u"AUTHORIZATION"_s, Qt::CaseInsensitive), qPrintable(arg));
            QVERIFY2(!arg.startsWith(u"-c"_s) || arg == u"--"_s, qPrintable(arg));
        }
    }

    void cloneArgumentsFullHistoryDefaultBranch()
    {
        const QStringList args =
            GitEnvironment::cloneArguments(QUrl(u"https://github.com/o/r"_s), {}, 0, u"dir"_s);
        QVERIFY(!args.contains(u"--depth"_s));
        for (const QString& arg : args)
            QVERIFY2(!arg.startsWith(u"--branch"_s), qPrintable(arg));
        QCOMPARE(args.last(), u"dir"_s);
    }

    void cloneArgumentsKeepHostileBranchAnOperand()
    {
        // A branch that looks like an option stays glued to --branch=, so git never parses it as one.
        const QStringList args = GitEnvironment::cloneArguments(QUrl(u"https://github.com/o/r"_s),
                                                                u"--upload-pack=touch /tmp/x"_s, 1, u"d"_s);
        QVERIFY(args.contains(u"--branch=--upload-pack=touch /tmp/x"_s));
        QVERIFY(!args.contains(u"--upload-pack=touch /tmp/x"_s));
    }

    void urlPolicy_data()
    {
        QTest::addColumn<QUrl>("url");
        QTest::addColumn<bool>("allowed");
        QTest::addColumn<QString>("reasonMentions");

        QTest::newRow("https github") << QUrl(u"https://github.com/owner/repo.git"_s) << true << QString();
        QTest::newRow("https enterprise port")
            << QUrl(u"https://ghe.example.com:8443/o/r"_s) << true << QString();
        QTest::newRow("http 127.0.0.1") << QUrl(u"http://127.0.0.1:9000/r.git"_s) << true << QString();
        QTest::newRow("http 127.1.2.3") << QUrl(u"http://127.1.2.3/r.git"_s) << true << QString();
        QTest::newRow("http localhost") << QUrl(u"http://localhost/r.git"_s) << true << QString();
        QTest::newRow("http ::1") << QUrl(u"http://[::1]:9000/r.git"_s) << true << QString();
        QTest::newRow("local file") << QUrl::fromLocalFile(u"/home/me/repo"_s) << true << QString();

        QTest::newRow("empty") << QUrl() << false << u"No repository address"_s;
        QTest::newRow("http remote") << QUrl(u"http://github.com/o/r"_s) << false << u"https://"_s;
        QTest::newRow("http private ip") << QUrl(u"http://192.168.1.10/o/r"_s) << false << u"unencrypted"_s;
        QTest::newRow("http localhost lookalike")
            << QUrl(u"http://localhost.evil.example/o/r"_s) << false << u"unencrypted"_s;
        QTest::newRow("userinfo token") << QUrl(u"https://x-access-token:ghp_abc@github.com/o/r"_s) << false
                                        << u"user name or password"_s;
        QTest::newRow("user only") << QUrl(u"https://someone@github.com/o/r"_s) << false
                                   << u"user name or password"_s;
        QTest::newRow("ext") << QUrl(u"ext::sh -c touch% /tmp/pwned"_s) << false << u"run a program"_s;
        QTest::newRow("ssh") << QUrl(u"ssh://git@github.com/o/r.git"_s) << false << u"SSH"_s;
        QTest::newRow("git+ssh") << QUrl(u"git+ssh://github.com/o/r.git"_s) << false << u"SSH"_s;
        QTest::newRow("git protocol") << QUrl(u"git://github.com/o/r.git"_s) << false << u"unencrypted"_s;
        QTest::newRow("ftp") << QUrl(u"ftp://example.com/r.git"_s) << false << u"'ftp:'"_s;
        QTest::newRow("leading dash") << QUrl(u"--upload-pack=touch /tmp/pwned"_s) << false << u"'-'"_s;
        // QUrl itself already rejects a host starting with '-'.
        QTest::newRow("dash host") << QUrl(u"https://-oproxy.example/o/r"_s) << false << u"not a valid URL"_s;
        QTest::newRow("invalid host")
            << QUrl(u"https://ghp_secret@-oProxyCommand=x/o/r"_s) << false << u"not a valid URL"_s;
        QTest::newRow("no scheme") << QUrl(u"github.com/o/r"_s) << false << u"no scheme"_s;
        QTest::newRow("https no host") << QUrl(u"https:///o/r"_s) << false << u"no host"_s;
        QTest::newRow("remote file") << QUrl(u"file://server/share/r"_s) << false << u"another machine"_s;
        QTest::newRow("relative file") << QUrl(u"file:repo"_s) << false << u"absolute path"_s;
    }

    void urlPolicy()
    {
        QFETCH(QUrl, url);
        QFETCH(bool, allowed);
        QFETCH(QString, reasonMentions);
        QString reason;
        QCOMPARE(GitEnvironment::isAllowedUrl(url, &reason), allowed);
        if (allowed) {
            QVERIFY2(reason.isEmpty(), qPrintable(reason));
        } else {
            QVERIFY2(reason.contains(reasonMentions), qPrintable(reason));
            // Every refusal tells the user what to do, and never echoes a credential back.
            QVERIFY2(!reason.contains(u"ghp_"_s), qPrintable(reason));
        }
        QVERIFY(!GitEnvironment::isAllowedUrl(QUrl(u"ext::sh"_s))); // reason pointer is optional
    }
};

QTEST_GUILESS_MAIN(TestGitEnvironment)
#include "tst_gitenvironment.moc"
