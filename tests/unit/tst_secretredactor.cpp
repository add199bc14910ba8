#include "core/SecretRedactor.h"

#include <QTest>

using namespace Qt::StringLiterals;

namespace forge {

namespace {

// Token-shaped canaries, built at run time so no secret-scanner mistakes this file for a leak.
QString canary(QStringView prefix, int length)
{
    QString body;
    const QString alphabet = u"aB3dE5gH7jK9mN1pQ2sT4vW6yZ8"_s;
    for (int i = 0; i < length; ++i)
        body.append(alphabet.at((i * 7 + 3) % alphabet.size()));
    return prefix + body;
}

} // namespace

class SecretRedactorTest : public QObject
{
    Q_OBJECT

private slots:
    void patterns_data()
    {
        QTest::addColumn<QString>("input");
        QTest::addColumn<QString>("secret");   // must not survive
        QTest::addColumn<QString>("expected"); // exact output

        const QString ghp = canary(u"ghp_", 36);
        const QString gho = canary(u"gho_", 36);
        const QString ghu = canary(u"ghu_", 36);
        const QString ghs = canary(u"ghs_", 36);
        const QString ghr = canary(u"ghr_", 76);
        const QString pat = u"github_pat_11ABCDEFG0_"_s + canary(u"", 59);
        const QString dtn = canary(u"dtn_", 64);

        QTest::newRow("classic PAT") << u"token is "_s + ghp << ghp.mid(4) << u"token is ghp_***"_s;
        QTest::newRow("OAuth token") << u"got "_s + gho + u" ok"_s << gho.mid(4) << u"got gho_*** ok"_s;
        QTest::newRow("App user token") << ghu << ghu.mid(4) << u"ghu_***"_s;
        QTest::newRow("installation token") << u"\""_s + ghs + u"\""_s << ghs.mid(4) << u"\"ghs_***\""_s;
        QTest::newRow("refresh token") << u"refresh="_s + ghr << ghr.mid(4) << u"refresh=ghr_***"_s;
        QTest::newRow("fine-grained PAT") << u"PAT: "_s + pat << pat.mid(11) << u"PAT: github_pat_***"_s;
        QTest::newRow("Daytona key") << u"key "_s + dtn << dtn.mid(4) << u"key dtn_***"_s;
        QTest::newRow("token glued to text") << u"x"_s + ghp + u"y"_s << ghp.mid(4) << u"xghp_***"_s;

        QTest::newRow("Authorization Bearer") << u"Authorization: Bearer abc.def-123_XYZ"_s
                                              << u"abc.def-123_XYZ"_s << u"Authorization: Bearer ***"_s;
        QTest::newRow("authorization bearer lower case")
            << u"> authorization: bearer sEcReTvAlUe1"_s << u"sEcReTvAlUe1"_s
            << u"> authorization: bearer ***"_s;
        QTest::newRow("Authorization basic (git extraheader)")
            << u"http.https://github.com/.extraheader=AUTHORIZATION: basic Zm9vOmJhcg=="_s
            << u"Zm9vOmJhcg=="_s << u"http.https://github.com/.extraheader=AUTHORIZATION: basic ***"_s;
        QTest::newRow("Authorization token") << u"-H 'Authorization: token s3cr3tv4lue'"_s << u"s3cr3tv4lue"_s
                                             << u"-H 'Authorization: token ***'"_s;
        QTest::newRow("Authorization without scheme")
            << u"Authorization: s3cr3tv4lue"_s << u"s3cr3tv4lue"_s << u"Authorization: ***"_s;
        QTest::newRow("Authorization in JSON")
            << u"{\"Authorization\": \"Bearer s3cr3tv4lue\"}"_s << u"s3cr3tv4lue"_s
            << u"{\"Authorization\": \"Bearer ***\"}"_s;
        QTest::newRow("Proxy-Authorization") << u"Proxy-Authorization: Basic dXNlcjpwdw=="_s
                                             << u"dXNlcjpwdw=="_s << u"Proxy-Authorization: Basic ***"_s;
        QTest::newRow("bare Bearer credential") << u"using Bearer eyJhbGciOiJIUzI1NiJ9.payload.sig now"_s
                                                << u"eyJhbGciOiJIUzI1NiJ9"_s << u"using Bearer *** now"_s;
        QTest::newRow("preview token header") << u"x-daytona-preview-token: pvT0k3n-xyz"_s << u"pvT0k3n-xyz"_s
                                              << u"x-daytona-preview-token: ***"_s;
        QTest::newRow("preview token header, other case")
            << u"X-Daytona-Preview-Token:pvT0k3n"_s << u"pvT0k3n"_s << u"X-Daytona-Preview-Token:***"_s;
        QTest::newRow("sandbox auth key") << u"env DAYTONA_SANDBOX_AUTH_KEY=abcdEFGH1234 other"_s
                                          << u"abcdEFGH1234"_s << u"env DAYTONA_SANDBOX_AUTH_KEY=*** other"_s;
        QTest::newRow("GITHUB_TOKEN env")
            << u"GITHUB_TOKEN=whatever-value"_s << u"whatever-value"_s << u"GITHUB_TOKEN=***"_s;
        QTest::newRow("OAuth reply") << u"{\"access_token\":\"abc123xyz\",\"scope\":\"repo\"}"_s
                                     << u"abc123xyz"_s << u"{\"access_token\":\"***\",\"scope\":\"repo\"}"_s;
        QTest::newRow("form body") << u"grant_type=refresh_token&refresh_token=r3fr3sh&client_id=x"_s
                                   << u"r3fr3sh"_s
                                   << u"grant_type=refresh_token&refresh_token=***&client_id=x"_s;

        QTest::newRow("userinfo user:pass") << u"fatal: https://user:p4ss@github.com/a/b.git failed"_s
                                            << u"p4ss"_s << u"fatal: https://***@github.com/a/b.git failed"_s;
        QTest::newRow("userinfo token as user")
            << u"https://"_s + gho + u"@github.com/o/r"_s << gho.mid(4) << u"https://***@github.com/o/r"_s;
        QTest::newRow("userinfo x-access-token")
            << u"remote: https://x-access-token:"_s + ghs + u"@github.com/o/r.git"_s << ghs.mid(4)
            << u"remote: https://***@github.com/o/r.git"_s;
        QTest::newRow("base64 extraheader prefix")
            << u"value eC1hY2Nlc3MtdG9rZW46Z2hvX2FiYw== end"_s << u"Z2hvX2FiYw"_s << u"value *** end"_s;
    }
    void patterns()
    {
        QFETCH(QString, input);
        QFETCH(QString, secret);
        QFETCH(QString, expected);
        const SecretRedactor r;
        const QString out = r.redact(input);
        QCOMPARE(out, expected);
        QVERIFY2(!out.contains(secret), qPrintable(out));
        QCOMPARE(r.redact(out), out); // idempotent
    }

    void registeredValues()
    {
        SecretRedactor r;
        const QString token = u"Xy7-unusual.shape:value"_s; // matches no pattern
        r.addSecret(token);
        const QString b64Header =
            QString::fromLatin1(QByteArray("x-access-token:" + token.toUtf8()).toBase64());
        const QString b64 = QString::fromLatin1(token.toUtf8().toBase64());

        QCOMPARE(r.redact(u"value "_s + token + u" here"_s), u"value *** here"_s);
        QCOMPARE(r.redact(u"twice "_s + token + token), u"twice ******"_s);
        QVERIFY(!r.redact(u"hdr "_s + b64Header).contains(b64Header.mid(20)));
        QCOMPARE(r.redact(u"b64 "_s + b64 + u"."_s), u"b64 ***."_s);
        // Unpadded base64, as some tools print it.
        QString unpadded = b64;
        while (unpadded.endsWith(u'='))
            unpadded.chop(1);
        QVERIFY(!r.redact(u"b64 "_s + unpadded).contains(unpadded));
    }

    // A secret encoded as part of a longer text (Basic user:secret, an encoded .env file) at each of
    // the three byte offsets base64 has.
    void registeredValueInsideALongerBase64Text_data()
    {
        QTest::addColumn<QByteArray>("prefix");
        QTest::newRow("offset 0") << QByteArray("abc");
        QTest::newRow("offset 1") << QByteArray("api:");
        QTest::newRow("offset 2") << QByteArray("A=1\nSTRIPE=");
    }

    void registeredValueInsideALongerBase64Text()
    {
        QFETCH(QByteArray, prefix);
        const QByteArray secret = "sk_live_51HqLyjWDarjtT1zdp7dc";
        SecretRedactor r;
        r.addSecret(QString::fromLatin1(secret));
        const QString encoded = QString::fromLatin1(QByteArray(prefix + secret + "\nB=2\n").toBase64());
        const QString redacted = r.redact(u"body "_s + encoded);
        QVERIFY2(redacted.contains(u"***"_s), qPrintable(redacted));
        // Of the value's own characters, no run of 8 survives.
        const QString core = encoded.mid((prefix.size() + 2) * 4 / 3 + 1, 8);
        QVERIFY2(!redacted.contains(core), qPrintable(redacted + u" / "_s + core));
    }

    void shortAndEmptyValuesAreIgnored()
    {
        SecretRedactor r;
        r.addSecret({});
        r.addSecret(u"a"_s);
        r.addSecret(u"abc"_s);
        const QString text = u"a abc abcd"_s;
        QCOMPARE(r.redact(text), text);
        r.addSecret(u"abcd"_s);
        QCOMPARE(r.redact(text), u"a abc ***"_s);
    }

    void overlappingRegisteredValues()
    {
        SecretRedactor r;
        r.addSecret(u"secret"_s);
        r.addSecret(u"my-secret-value"_s); // contains the first: must go whole
        QCOMPARE(r.redact(u"x my-secret-value y"_s), u"x *** y"_s);
        QCOMPARE(r.redact(u"secret"_s), u"***"_s);
    }

    void idempotentEvenWhenMaskingCreatesMatches()
    {
        SecretRedactor r;
        r.addSecret(u"ab***cd"_s);
        r.addSecret(u"innerSecret"_s);
        const QString once = r.redact(u"abinnerSecretcd"_s);
        QCOMPARE(r.redact(once), once);
        QCOMPARE(once, u"***"_s);
    }

    void ordinaryTextUntouched_data()
    {
        QTest::addColumn<QString>("text");
        QTest::newRow("plain") << u"Installing dependencies with npm ci"_s;
        QTest::newRow("token word") << u"The token has expired; sign in again."_s;
        QTest::newRow("basic word") << u"basic setup done, token refresh scheduled"_s;
        QTest::newRow("bearer word") << u"Bearer authentication failed"_s;
        QTest::newRow("url without userinfo") << u"  ➜  Local:   http://localhost:5173/"_s;
        QTest::newRow("email") << u"Author: Jane <jane@example.com>"_s;
        QTest::newRow("scp address") << u"git@github.com:owner/repo.git"_s;
        QTest::newRow("short gh prefix") << u"ghp_short and gho_ alone"_s;
        QTest::newRow("empty") << QString();
        QTest::newRow("mask itself") << u"***"_s;
        QTest::newRow("unicode") << u"✓ Ready in 2.1s — ünïcödé"_s;
    }
    void ordinaryTextUntouched()
    {
        QFETCH(QString, text);
        SecretRedactor r;
        r.addSecret(u"some-registered-secret"_s);
        QCOMPARE(r.redact(text), text);
    }

    void multiLineLogBlock()
    {
        SecretRedactor r;
        const QString ghp = canary(u"ghp_", 40);
        r.addSecret(ghp);
        const QString block = u"line 1\nAuthorization: basic "_s +
                              QString::fromLatin1(QByteArray("x-access-token:" + ghp.toUtf8()).toBase64()) +
                              u"\nclone https://x:"_s + ghp + u"@github.com/o/r\nend"_s;
        const QString out = r.redact(block);
        QVERIFY(!out.contains(ghp.mid(4)));
        QVERIFY(!out.contains(u"eC1hY2Nlc3MtdG9rZW46"_s));
        QCOMPARE(out.count(u'\n'), 3);
        QCOMPARE(r.redact(out), out);
    }

    void throughput()
    {
        // Log streaming pushes every line through redact(); print the rate (not a timed test).
        SecretRedactor r;
        r.addSecret(canary(u"gho_", 36));
        r.addSecret(canary(u"dtn_", 64));
        const QString line = u"  ➜  [vite] page reload src/App.jsx (x12) compiled in 12 ms, 345 modules"_s;
        QBENCHMARK
        {
            for (int i = 0; i < 1000; ++i)
                (void)r.redact(line);
        }
    }
};

} // namespace forge

QTEST_GUILESS_MAIN(forge::SecretRedactorTest)
#include "tst_secretredactor.moc"
