// EnvFile: dotenv files as users and repositories write them (tests/fixtures/env/dotenv), the
// corner cases one line at a time, the names copied out, and the entries turned into a project's
// environment.

#include "core/EnvFile.h"

#include <QFile>
#include <QTest>

using namespace Qt::StringLiterals;
using forge::EnvEntry;
using forge::EnvFile;
using forge::EnvironmentStep;
using forge::EnvironmentVariable;
using forge::ProjectEnvironment;

namespace {

QByteArray fixture(const QString& name)
{
    QFile file(QStringLiteral(FORGE_FIXTURES_DIR) + u"/env/dotenv/"_s + name);
    if (!file.open(QIODevice::ReadOnly))
        qFatal("cannot read the fixture %s", qPrintable(name));
    return file.readAll();
}

} // namespace

class TestEnvFile : public QObject
{
    Q_OBJECT

private slots:
    void exampleFile()
    {
        const EnvFile file =
            EnvFile::parse(fixture(u"nextjs-supabase.env.example"_s), EnvFile::Kind::Example);
        const QList<EnvEntry> expected{
            {u"NEXT_PUBLIC_SUPABASE_URL"_s, u"https://your-project.supabase.co"_s,
             u"Supabase Project URL, from Settings > API in the Supabase dashboard"_s, 7},
            {u"NEXT_PUBLIC_SUPABASE_ANON_KEY"_s, QString(), u"The anon (public) key"_s, 9},
            {u"SUPABASE_SERVICE_ROLE_KEY"_s, QString(),
             u"Server only: never expose this one to the browser!"_s, 11},
            {u"STRIPE_SECRET_KEY"_s, u"sk_test_..."_s,
             u"Stripe from https://dashboard.stripe.com/test/apikeys"_s, 14},
            {u"STRIPE_WEBHOOK_SECRET"_s, QString(), QString(), 15},
            // The banner's rules are decoration and `# SENTRY_DSN=…` is an assignment turned off.
            {u"NEXT_PUBLIC_SITE_URL"_s, u"http://localhost:3000"_s,
             u"Optional Where the app is served; used for auth redirects"_s, 22},
            {u"RESEND_API_KEY"_s, QString(), QString(), 23}, // a bare name lists a variable
            {u"NODE_ENV"_s, u"development"_s, QString(), 24},
            {u"PORT"_s, u"3000"_s, QString(), 25},
        };
        QCOMPARE(file.entries, expected);
        QCOMPARE(file.problems, QStringList());
    }

    void aBareNameIsAProblemInAValuesFile()
    {
        const EnvFile file = EnvFile::parse(fixture(u"nextjs-supabase.env.example"_s));
        QVERIFY(!file.names().contains(u"RESEND_API_KEY"_s));
        QCOMPARE(file.problems, QStringList{u"line 23: the line is not NAME=value"_s});
    }

    void userFile()
    {
        const EnvFile file = EnvFile::parse(fixture(u"user.env"_s));
        const QList<EnvEntry> expected{
            {u"DATABASE_URL"_s, u"postgres://app:s3cret@localhost:5432/app?sslmode=disable"_s,
             u"My local settings"_s, 2},
            {u"API_BASE_URL"_s, u"https://api.example.com/v1/#/docs"_s, u"the API, with a fragment"_s, 3},
            {u"EMPTY"_s, QString(), QString(), 4},
            {u"EMPTY_WITH_COMMENT"_s, QString(), u"nothing yet"_s, 5},
            // Given again on line 17: the later value, in the first one's place.
            {u"GREETING"_s, u"Hi again"_s, QString(), 17},
            {u"MOTD"_s, u"Line one\nLine \"two\"\\n"_s, QString(), 7},
            {u"PRIVATE_KEY"_s,
             u"-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----"_s,
             QString(), 8},
            {u"TEMPLATE"_s, u"backtick ${literal}"_s, QString(), 11},
            {u"JWT_SECRET"_s, u"abc=def=="_s, QString(), 12},
            {u"HASH_IN_VALUE"_s, u"abc#def"_s, QString(), 13},
            {u"AFTER_UNCLOSED"_s, u"ok"_s, QString(), 19},
        };
        QCOMPARE(file.entries, expected);
        const QStringList problems{
            u"line 14: “my-var” is not a variable name (letters, digits and _, not starting with a digit)"_s,
            u"line 15: “1BAD” is not a variable name (letters, digits and _, not starting with a digit)"_s,
            u"line 16: the line is not NAME=value"_s,
            u"line 17: GREETING is set again (first on line 6); this value is used"_s,
            u"line 18: the quote after UNCLOSED= is not closed"_s,
        };
        QCOMPARE(file.problems, problems);
    }

    void windowsFile()
    {
        const QByteArray bytes = fixture(u"windows-crlf.env"_s);
        // Guards the fixture itself: git must not have normalised it (tests/fixtures/env/.gitattributes).
        QVERIFY(bytes.startsWith("\xEF\xBB\xBF"));
        QVERIFY(bytes.contains("\r\n"));

        const EnvFile file = EnvFile::parse(bytes);
        const QList<EnvEntry> expected{
            {u"VITE_API_URL"_s, u"http://localhost:8080"_s, u"Saved by Notepad"_s, 2},
            {u"VITE_FEATURE_FLAGS"_s, u"a,b"_s, QString(), 3},
            {u"SECRET_TOKEN"_s, u"t0k3n"_s, QString(), 4},
            {u"MULTI"_s, u"one\ntwo"_s, QString(), 6},
        };
        QCOMPARE(file.entries, expected);
        QCOMPARE(file.problems, QStringList());
    }

    void lines_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<bool>("example");
        QTest::addColumn<QString>("name"); // empty: no entry
        QTest::addColumn<QString>("value");
        QTest::addColumn<QString>("hint");
        QTest::addColumn<QString>("problem");

        const QString none;
        QTest::newRow("plain") << u"NAME=value"_s << false << u"NAME"_s << u"value"_s << none << none;
        QTest::newRow("spaces around =")
            << u"  NAME  =  a value  "_s << false << u"NAME"_s << u"a value"_s << none << none;
        QTest::newRow("export") << u"export NAME=1"_s << false << u"NAME"_s << u"1"_s << none << none;
        QTest::newRow("a variable called export")
            << u"export=1"_s << false << u"export"_s << u"1"_s << none << none;
        QTest::newRow("empty") << u"NAME="_s << false << u"NAME"_s << none << none << none;
        QTest::newRow("only a comment")
            << u"NAME= # later"_s << false << u"NAME"_s << none << u"later"_s << none;
        QTest::newRow("# glued to the value")
            << u"NAME=#abc"_s << false << u"NAME"_s << u"#abc"_s << none << none;
        QTest::newRow("tab before #") << u"NAME=a\t# b"_s << false << u"NAME"_s << u"a"_s << u"b"_s << none;
        QTest::newRow("single quotes are literal") << u"NAME='a \\n $B \"c\" # d'"_s << false << u"NAME"_s
                                                   << u"a \\n $B \"c\" # d"_s << none << none;
        QTest::newRow("double quotes with a comment after")
            << u"NAME=\"a # b\"  # c"_s << false << u"NAME"_s << u"a # b"_s << u"c"_s << none;
        QTest::newRow("double quote escapes") << u"NAME=\"tab\\tend \\x \\\\ \\\"\""_s << false << u"NAME"_s
                                              << u"tab\tend \\x \\ \""_s << none << none;
        QTest::newRow("empty quotes") << u"NAME=\"\""_s << false << u"NAME"_s << none << none << none;
        QTest::newRow("text after the quote") << u"NAME=\"a\"b"_s << false << none << none << none
                                              << u"line 1: NAME has text after its closing quote"_s;
        QTest::newRow("bare name in an example")
            << u"NAME # what it is"_s << true << u"NAME"_s << none << u"what it is"_s << none;
        QTest::newRow("bare name in a values file")
            << u"ghp_notATokenButCouldBe"_s << false << none << none << none
            << u"line 1: the line is not NAME=value"_s; // never echoed: it may be a pasted token
        QTest::newRow("a URL is no name")
            << u"postgres://u:pw@h/db?x=1"_s << false << none << none << none
            << u"line 1: the text before = is not a variable name (letters, digits and _, not "
               "starting with a digit)"_s;
        QTest::newRow("YAML style") << u"NAME: value"_s << false << none << none << none
                                    << u"line 1: the line is not NAME=value"_s;
        QTest::newRow("a blank line ends the comment block")
            << u"# about something else\n\nNAME=1"_s << false << u"NAME"_s << u"1"_s << none << none;
        QTest::newRow("byte order mark in text")
            << u"\uFEFFNAME=1"_s << false << u"NAME"_s << u"1"_s << none << none;
    }

    void lines()
    {
        QFETCH(QString, text);
        QFETCH(bool, example);
        QFETCH(QString, name);
        QFETCH(QString, value);
        QFETCH(QString, hint);
        QFETCH(QString, problem);

        const EnvFile file = EnvFile::parse(text, example ? EnvFile::Kind::Example : EnvFile::Kind::Values);
        if (name.isEmpty()) {
            QCOMPARE(file.entries.size(), 0);
        } else {
            QCOMPARE(file.entries.size(), 1);
            QCOMPARE(file.entries.first().name, name);
            QCOMPARE(file.entries.first().value, value);
            QCOMPARE(file.entries.first().hint, hint);
        }
        QCOMPARE(file.problems, problem.isEmpty() ? QStringList() : QStringList{problem});
    }

    void emptyText()
    {
        QCOMPARE(EnvFile::parse(QString()).entries.size(), 0);
        QCOMPARE(EnvFile::parse(QByteArray("\xEF\xBB\xBF")).problems, QStringList());
    }

    void namesOnly()
    {
        ProjectEnvironment environment;
        environment.set({u"DATABASE_URL"_s, u"postgres://secret@host/db"_s, false, EnvironmentStep::Run});
        environment.set({u"API_KEY"_s, u"value-of-a-secret"_s, true, EnvironmentStep::Run});
        QCOMPARE(EnvFile::namesOnly(environment), u"DATABASE_URL=\nAPI_KEY=\n"_s);
        QCOMPARE(EnvFile::namesOnly(ProjectEnvironment()), QString());

        // What is copied out reads back as the same names.
        QCOMPARE(EnvFile::parse(EnvFile::namesOnly(environment), EnvFile::Kind::Example).names(),
                 environment.names());
    }

    void toEnvironment()
    {
        const EnvFile file =
            EnvFile::parse(u"API_KEY=k\nDATABASE_URL=postgres://h/db\nPORT=3000\nFORGE_X=1\nDEBUG=\n"_s);
        QStringList problems;
        const ProjectEnvironment environment = EnvFile::toEnvironment(file.entries, &problems);
        const QList<EnvironmentVariable> expected{
            {u"API_KEY"_s, u"k"_s, true, EnvironmentStep::Run}, // the value stays for the keychain
            {u"DATABASE_URL"_s, u"postgres://h/db"_s, false, EnvironmentStep::Run},
            {u"DEBUG"_s, QString(), false, EnvironmentStep::Run},
        };
        QCOMPARE(environment.variables, expected);
        QCOMPARE(problems.size(), 2);
        QVERIFY(problems.at(0).startsWith(u"line 3: PORT is set by the sandbox"_s));
        QVERIFY(problems.at(1).startsWith(u"line 4: Names starting with FORGE_"_s));
        // Without a list for the problems, the same environment.
        QCOMPARE(EnvFile::toEnvironment(file.entries), environment);
    }
};

QTEST_APPLESS_MAIN(TestEnvFile)
#include "tst_envfile.moc"
