// GitEnvironment: what a git child inherits, where the token goes (only the GIT_CONFIG_COUNT entry
// for the repository's own origin) and which repository addresses are refused, with what reason.
#include "sandbox/GitEnvironment.h"

#include <QTest>

using namespace Qt::StringLiterals;
using forge::GitEnvironment;

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
            u"GIT_CONFIG_GLOBAL"_s,
            u"GIT_CONFIG_SYSTEM"_s,
            u"GIT_CONFIG_KEY_7"_s,
            u"GIT_CONFIG_VALUE_7"_s,
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
        };
        for (const QString& name : dangerous)
            base.insert(name, u"1"_s);
        // Inherited values of what we set ourselves must be replaced, not kept.
        base.insert(u"GIT_ALLOW_PROTOCOL"_s, u"ext:ssh:file:http"_s);
        base.insert(u"GIT_TERMINAL_PROMPT"_s, u"1"_s);
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
        QVERIFY(extraHeaderKeys(env).isEmpty()); // no token, no header
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
