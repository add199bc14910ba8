// MissingVariable: the variable a dead dev server complained about, from the end of real-looking
// output (tests/fixtures/env/logs) and single lines; the expected names that are not set are
// preferred, and code errors ("document is not defined") name nothing.

#include "core/MissingVariable.h"

#include <QFile>
#include <QTest>

using namespace Qt::StringLiterals;
using forge::MissingVariable;

namespace {

QStringList logLines(const QString& name)
{
    QFile file(QStringLiteral(FORGE_FIXTURES_DIR) + u"/env/logs/"_s + name);
    if (!file.open(QIODevice::ReadOnly))
        qFatal("cannot read the fixture %s", qPrintable(name));
    return QString::fromUtf8(file.readAll()).split(u'\n');
}

} // namespace

class TestMissingVariable : public QObject
{
    Q_OBJECT

private slots:
    void logs_data()
    {
        QTest::addColumn<QString>("log");
        QTest::addColumn<QStringList>("candidates");
        QTest::addColumn<QString>("expected"); // empty: none

        const QStringList none;
        QTest::newRow("@t3-oss/env, zod 3") << u"t3-env-next.log"_s << none << u"DATABASE_URL"_s;
        QTest::newRow("@t3-oss/env, a candidate among several")
            << u"t3-env-next.log"_s << QStringList{u"NEXTAUTH_SECRET"_s} << u"NEXTAUTH_SECRET"_s;
        QTest::newRow("@t3-oss/env, an invalid value is no missing one")
            << u"t3-env-next.log"_s << QStringList{u"NEXTAUTH_URL"_s} << u"DATABASE_URL"_s;
        QTest::newRow("@t3-oss/env, zod 4") << u"t3-env-zod4.log"_s << none << u"AUTH_SECRET"_s;
        QTest::newRow("ZodError as JSON") << u"zod-json.log"_s << none << u"REDIS_URL"_s;
        QTest::newRow("Prisma") << u"prisma.log"_s << none << u"DATABASE_URL"_s;
        QTest::newRow("Node app") << u"node-missing.log"_s << QStringList{u"OTHER_KEY"_s}
                                  << u"STRIPE_SECRET_KEY"_s;
        QTest::newRow("Supabase without candidates") << u"supabase-url.log"_s << none << QString();
        QTest::newRow("Supabase through the expected names")
            << u"supabase-url.log"_s << QStringList{u"VITE_SUPABASE_ANON_KEY"_s, u"VITE_SUPABASE_URL"_s}
            << u"VITE_SUPABASE_URL"_s;
        QTest::newRow("OpenAI, in colour") << u"openai.log"_s << none << u"OPENAI_API_KEY"_s;
        QTest::newRow("envalid") << u"envalid.log"_s << none << u"JWT_SECRET"_s;
        QTest::newRow("envalid, a candidate")
            << u"envalid.log"_s << QStringList{u"SMTP_PASSWORD"_s} << u"SMTP_PASSWORD"_s;
        QTest::newRow("Vite config") << u"vite-config.log"_s << none << u"VITE_API_URL"_s;
        QTest::newRow("Clerk's option")
            << u"clerk.log"_s << QStringList{u"CLERK_SECRET_KEY"_s, u"NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY"_s}
            << u"NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY"_s;
        QTest::newRow("a candidate next to a complaint")
            << u"mentioned-near-complaint.log"_s << QStringList{u"PUBLIC_MAPBOX_TOKEN"_s}
            << u"PUBLIC_MAPBOX_TOKEN"_s;
        QTest::newRow("no candidate next to a complaint")
            << u"mentioned-near-complaint.log"_s << none << QString();
        QTest::newRow("code errors") << u"reference-error.log"_s << QStringList{u"API_URL"_s} << QString();
        QTest::newRow("PORT is the sandbox's") << u"port-in-use.log"_s << QStringList{u"PORT"_s} << QString();
    }

    void logs()
    {
        QFETCH(QString, log);
        QFETCH(QStringList, candidates);
        QFETCH(QString, expected);
        const std::optional<QString> found = MissingVariable::find(logLines(log), candidates);
        QCOMPARE(found.value_or(QString()), expected);
    }

    void lines_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QStringList>("candidates");
        QTest::addColumn<QString>("expected");

        const QStringList none;
        QTest::newRow("Environment variable X is required")
            << u"Error: Environment variable API_TOKEN is required"_s << none << u"API_TOKEN"_s;
        QTest::newRow("env var in quotes")
            << u"env var `SESSION_SECRET` is not set"_s << none << u"SESSION_SECRET"_s;
        QTest::newRow("X is required") << u"Error: DATABASE_URL is required"_s << none << u"DATABASE_URL"_s;
        QTest::newRow("X is not defined")
            << u"ReferenceError: API_URL is not defined"_s << none << u"API_URL"_s;
        QTest::newRow("process.env.X is undefined")
            << u"process.env.SESSION_SECRET is undefined"_s << none << u"SESSION_SECRET"_s;
        QTest::newRow("process.env[X]")
            << u"process.env['MAPS_KEY'] was undefined"_s << none << u"MAPS_KEY"_s;
        QTest::newRow("Missing env.X")
            << u"Error: Missing env.NEXT_PUBLIC_SUPABASE_URL"_s << none << u"NEXT_PUBLIC_SUPABASE_URL"_s;
        QTest::newRow("Missing X") << u"missing: STRIPE_WEBHOOK_SECRET"_s << none
                                   << u"STRIPE_WEBHOOK_SECRET"_s;
        QTest::newRow("single-word name after 'environment variable'")
            << u"Missing environment variable: SECRET"_s << none << u"SECRET"_s;
        QTest::newRow("a sentence, not a name")
            << u"Missing environment variables. Please check your .env file"_s << none << QString();
        QTest::newRow("a single word without env context") << u"URL is required"_s << none << QString();
        QTest::newRow("a lower-case name") << u"Missing environment variable: my-var"_s << none << QString();
        QTest::newRow("a name no project can have")
            << u"Missing environment variable: FORGE_TOKEN"_s << none << QString();
        QTest::newRow("the first stated")
            << u"Missing environment variable: A_ONE\nMissing environment variable: B_TWO"_s << none
            << u"A_ONE"_s;
        QTest::newRow("the candidate stated")
            << u"Missing environment variable: A_ONE\nMissing environment variable: B_TWO"_s
            << QStringList{u"B_TWO"_s} << u"B_TWO"_s;
        QTest::newRow("a stated name beats a candidate nearby")
            << u"warn: VITE_MAP_KEY undefined, maps off\nError: Missing environment variable: A_ONE"_s
            << QStringList{u"VITE_MAP_KEY"_s} << u"A_ONE"_s;
        QTest::newRow("a candidate as a whole word only")
            << u"NEXT_PUBLIC_SUPABASE_URL missing"_s << QStringList{u"SUPABASE_URL"_s} << QString();
        QTest::newRow("a candidate on the line after the complaint")
            << u"Error: a required setting is missing\n  set it: SITE_URL"_s << QStringList{u"SITE_URL"_s}
            << u"SITE_URL"_s;
        QTest::newRow("a candidate far from any complaint")
            << u"Error: a required setting is missing\n\n\nSITE_URL"_s << QStringList{u"SITE_URL"_s}
            << QString();
        QTest::newRow("an option matching two candidates")
            << u"Error: supabaseKey is required."_s
            << QStringList{u"NEXT_PUBLIC_SUPABASE_ANON_KEY"_s, u"SUPABASE_SERVICE_ROLE_KEY"_s} << QString();
        QTest::newRow("an option matching one candidate")
            << u"Error: supabaseKey is required."_s << QStringList{u"NEXT_PUBLIC_SUPABASE_ANON_KEY"_s}
            << u"NEXT_PUBLIC_SUPABASE_ANON_KEY"_s;
        QTest::newRow("nothing") << QString() << QStringList{u"A_B"_s} << QString();
    }

    void lines()
    {
        QFETCH(QString, text);
        QFETCH(QStringList, candidates);
        QFETCH(QString, expected);
        QCOMPARE(MissingVariable::find(text.split(u'\n'), candidates).value_or(QString()), expected);
    }
};

QTEST_APPLESS_MAIN(TestMissingVariable)
#include "tst_missingvariable.moc"
