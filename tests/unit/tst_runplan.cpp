// RunPlan as a value: JSON round trip, rejection of corrupted saved plans, port substitution,
// summary and the enum identifiers stored in saved plans.

#include "core/RunPlan.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

using namespace Qt::StringLiterals;
using forge::Framework;
using forge::PackageManager;
using forge::RunMode;
using forge::RunPlan;

namespace {

RunPlan samplePlan()
{
    RunPlan plan;
    plan.packageManager = PackageManager::Pnpm;
    plan.packageManagerVersion = u"8.15.4"_s;
    plan.packageManagerVersionSource = u"packageManager"_s;
    plan.framework = Framework::Vite;
    plan.frameworkVariant = u"React"_s;
    plan.projectDirectory = u"apps/web"_s;
    plan.installCommand = {u"pnpm"_s, u"install"_s, u"--frozen-lockfile"_s};
    plan.installFallbackCommand = {u"pnpm"_s, u"install"_s};
    plan.devCommand = {u"pnpm"_s, u"run"_s, u"dev"_s, u"--host"_s, u"0.0.0.0"_s, u"--port"_s, u"${PORT}"_s};
    plan.buildCommand = {u"pnpm"_s, u"run"_s, u"build"_s};
    plan.startCommand = {u"pnpm"_s, u"exec"_s, u"vite"_s, u"preview"_s, u"--port=${PORT}"_s};
    plan.environment = {
        {u"PORT"_s, u"${PORT}"_s}, {u"HOST"_s, u"0.0.0.0"_s}, {u"URL"_s, u"http://x:${PORT}/"_s}};
    plan.expectedPort = 5173;
    plan.nodeVersion = u">=18.17 <21"_s;
    plan.nodeVersionSource = u"apps/web/package.json engines.node"_s;
    plan.notes = {u"Monorepo: using apps/web"_s, u"ünïcödé · note"_s};
    return plan;
}

} // namespace

class TestRunPlan : public QObject
{
    Q_OBJECT

private slots:
    void jsonRoundTrip_data();
    void jsonRoundTrip();
    void fromJsonRejects_data();
    void fromJsonRejects();
    void fromJsonAcceptsMinimalPlan();
    void withPortReplacesEveryPlaceholder();
    void summary_data();
    void summary();
    void enumStrings();
    void staticServerCommand();
};

void TestRunPlan::jsonRoundTrip_data()
{
    QTest::addColumn<RunPlan>("plan");
    QTest::newRow("full") << samplePlan();
    QTest::newRow("default") << RunPlan{};
    RunPlan staticPlan;
    staticPlan.devCommand = RunPlan::staticServerCommand(u"."_s);
    staticPlan.startCommand = RunPlan::staticServerCommand(u"build"_s, true);
    staticPlan.expectedPort = 8080;
    QTest::newRow("static") << staticPlan;
    RunPlan fromLockfile = samplePlan();
    fromLockfile.packageManagerVersion = u">=9 <11"_s; // a range, as pnpm-lock.yaml implies one
    fromLockfile.packageManagerVersionSource = u"pnpm-lock.yaml"_s;
    QTest::newRow("version range from the lockfile") << fromLockfile;
}

void TestRunPlan::jsonRoundTrip()
{
    QFETCH(RunPlan, plan);
    const QJsonObject json = plan.toJson();
    QCOMPARE(json.value("version"_L1).toInt(), 1);
    // Through text too, as it is stored.
    const QJsonObject reread = QJsonDocument::fromJson(QJsonDocument(json).toJson()).object();
    QString error;
    const std::optional<RunPlan> loaded = RunPlan::fromJson(reread, &error);
    QVERIFY2(loaded, qPrintable(error));
    QVERIFY(*loaded == plan);
    QCOMPARE(loaded->toJson(), json);
}

void TestRunPlan::fromJsonRejects_data()
{
    QTest::addColumn<QString>("key");
    QTest::addColumn<QJsonValue>("value");
    QTest::addColumn<QString>("error");

    QTest::newRow("unknown framework")
        << u"framework"_s << QJsonValue(u"rails"_s) << u"Saved run plan: unknown framework \"rails\"."_s;
    QTest::newRow("framework not a string")
        << u"framework"_s << QJsonValue(3) << u"Saved run plan: \"framework\" must be a string."_s;
    QTest::newRow("framework missing") << u"framework"_s << QJsonValue(QJsonValue::Undefined)
                                       << u"Saved run plan: \"framework\" is missing."_s;
    QTest::newRow("unknown package manager") << u"packageManager"_s << QJsonValue(u"pip"_s)
                                             << u"Saved run plan: unknown package manager \"pip\"."_s;
    QTest::newRow("command is a string") << u"devCommand"_s << QJsonValue(u"npm run dev"_s)
                                         << u"Saved run plan: \"devCommand\" must be an array of strings."_s;
    QTest::newRow("command with a number")
        << u"installCommand"_s << QJsonValue(QJsonArray{u"npm"_s, 1})
        << u"Saved run plan: \"installCommand\" must be an array of strings."_s;
    QTest::newRow("notes is an object") << u"notes"_s << QJsonValue(QJsonObject{})
                                        << u"Saved run plan: \"notes\" must be an array of strings."_s;
    QTest::newRow("environment is an array")
        << u"environment"_s << QJsonValue(QJsonArray{})
        << u"Saved run plan: \"environment\" must be an object of strings."_s;
    QTest::newRow("environment value is a number")
        << u"environment"_s << QJsonValue(QJsonObject{{u"PORT"_s, 3000}})
        << u"Saved run plan: environment variable \"PORT\" must be a string."_s;
    QTest::newRow("environment name is not a name")
        << u"environment"_s << QJsonValue(QJsonObject{{u"A B"_s, u"x"_s}})
        << u"Saved run plan: \"A B\" is not a valid environment variable name."_s;
    QTest::newRow("port is a string")
        << u"expectedPort"_s << QJsonValue(u"3000"_s)
        << u"Saved run plan: \"expectedPort\" must be a whole number from 1 to 65535."_s;
    QTest::newRow("port is fractional")
        << u"expectedPort"_s << QJsonValue(80.5)
        << u"Saved run plan: \"expectedPort\" must be a whole number from 1 to 65535."_s;
    QTest::newRow("port out of range")
        << u"expectedPort"_s << QJsonValue(70000)
        << u"Saved run plan: \"expectedPort\" must be a whole number from 1 to 65535."_s;
    QTest::newRow("port zero")
        << u"expectedPort"_s << QJsonValue(0)
        << u"Saved run plan: \"expectedPort\" must be a whole number from 1 to 65535."_s;
    QTest::newRow("directory escapes the checkout")
        << u"projectDirectory"_s << QJsonValue(u"apps/../../etc"_s)
        << u"Saved run plan: \"projectDirectory\" must be a path inside the repository, got \"apps/../../etc\"."_s;
    QTest::newRow("absolute directory")
        << u"projectDirectory"_s << QJsonValue(u"/etc"_s)
        << u"Saved run plan: \"projectDirectory\" must be a path inside the repository, got \"/etc\"."_s;
    QTest::newRow("node version not a string")
        << u"nodeVersion"_s << QJsonValue(20) << u"Saved run plan: \"nodeVersion\" must be a string."_s;
    QTest::newRow("node version source not a string")
        << u"nodeVersionSource"_s << QJsonValue(true)
        << u"Saved run plan: \"nodeVersionSource\" must be a string."_s;
    QTest::newRow("newer format") << u"version"_s << QJsonValue(2)
                                  << u"Saved run plan: unsupported \"version\" (expected 1)."_s;
}

void TestRunPlan::fromJsonRejects()
{
    QFETCH(QString, key);
    QFETCH(QJsonValue, value);
    QFETCH(QString, error);

    QJsonObject json = samplePlan().toJson();
    if (value.isUndefined())
        json.remove(key);
    else
        json.insert(key, value);
    QString message;
    QVERIFY(!RunPlan::fromJson(json, &message));
    QCOMPARE(message, error);
    QVERIFY(!RunPlan::fromJson(json)); // no error pointer: no crash
}

void TestRunPlan::fromJsonAcceptsMinimalPlan()
{
    // A hand-written plan needs only a framework; everything else has defaults.
    const auto plan = RunPlan::fromJson(QJsonObject{{u"framework"_s, u"static-html"_s}});
    QVERIFY(plan);
    QVERIFY(*plan == RunPlan{});
}

void TestRunPlan::withPortReplacesEveryPlaceholder()
{
    const RunPlan plan = samplePlan().withPort(4173);
    QCOMPARE(plan.devCommand,
             (QStringList{u"pnpm"_s, u"run"_s, u"dev"_s, u"--host"_s, u"0.0.0.0"_s, u"--port"_s, u"4173"_s}));
    QCOMPARE(plan.startCommand.last(), u"--port=4173"_s);
    QCOMPARE(plan.environment.value(u"PORT"_s), u"4173"_s);
    QCOMPARE(plan.environment.value(u"URL"_s), u"http://x:4173/"_s);
    QCOMPARE(plan.environment.value(u"HOST"_s), u"0.0.0.0"_s);
    QCOMPARE(plan.installCommand, samplePlan().installCommand);
    QCOMPARE(plan.notes, samplePlan().notes);
    QCOMPARE(plan.expectedPort, 5173);

    const QString everything = (plan.installCommand + plan.installFallbackCommand + plan.devCommand +
                                plan.buildCommand + plan.startCommand + plan.environment.values())
                                   .join(u' ');
    QVERIFY(!everything.contains(QLatin1StringView(RunPlan::PortPlaceholder)));

    // The static server's script is not touched, only its port argument.
    RunPlan staticPlan;
    staticPlan.devCommand = RunPlan::staticServerCommand(u"."_s);
    const RunPlan bound = staticPlan.withPort(8080);
    QCOMPARE(bound.devCommand.at(2), RunPlan::staticServerScript());
    QCOMPARE(bound.devCommand.mid(3), (QStringList{u"--"_s, u"."_s, u"8080"_s}));
}

void TestRunPlan::summary_data()
{
    QTest::addColumn<RunPlan>("plan");
    QTest::addColumn<QString>("summary");

    QTest::newRow("vite react pnpm monorepo") << samplePlan() << u"Vite (React) · pnpm · apps/web"_s;
    QTest::newRow("static") << RunPlan{} << u"Static HTML"_s;
    RunPlan next;
    next.framework = Framework::NextJs;
    next.packageManager = PackageManager::Npm;
    QTest::newRow("next npm") << next << u"Next.js · npm"_s;
    RunPlan cra;
    cra.framework = Framework::CreateReactApp;
    cra.packageManager = PackageManager::YarnClassic;
    QTest::newRow("cra yarn") << cra << u"Create React App · Yarn classic"_s;
    RunPlan kit;
    kit.framework = Framework::SvelteKit;
    kit.packageManager = PackageManager::YarnBerry;
    QTest::newRow("sveltekit berry") << kit << u"SvelteKit · Yarn Berry"_s;
    RunPlan node;
    node.framework = Framework::NodeServer;
    node.packageManager = PackageManager::Bun;
    QTest::newRow("node bun") << node << u"Node.js server · Bun"_s;
}

void TestRunPlan::summary()
{
    QFETCH(RunPlan, plan);
    QFETCH(QString, summary);
    QCOMPARE(plan.summary(), summary);
}

void TestRunPlan::enumStrings()
{
    using forge::frameworkFromString;
    using forge::packageManagerFromString;
    using forge::runModeFromString;

    const QList<PackageManager> managers{PackageManager::None,      PackageManager::Npm,
                                         PackageManager::Pnpm,      PackageManager::YarnClassic,
                                         PackageManager::YarnBerry, PackageManager::Bun};
    QStringList seen;
    for (PackageManager pm : managers) {
        const QString text = toString(pm);
        QVERIFY(!text.isEmpty() && !seen.contains(text));
        seen.append(text);
        QVERIFY(packageManagerFromString(text) == pm);
    }
    QCOMPARE(seen,
             (QStringList{u"none"_s, u"npm"_s, u"pnpm"_s, u"yarn-classic"_s, u"yarn-berry"_s, u"bun"_s}));

    const QList<Framework> frameworks{Framework::StaticHtml,    Framework::NodeServer, Framework::NextJs,
                                      Framework::Vite,          Framework::VueCli,     Framework::Nuxt,
                                      Framework::Astro,         Framework::SvelteKit,  Framework::Angular,
                                      Framework::CreateReactApp};
    seen.clear();
    for (Framework framework : frameworks) {
        const QString text = toString(framework);
        QVERIFY(!text.isEmpty() && !seen.contains(text));
        seen.append(text);
        QVERIFY(frameworkFromString(text) == framework);
    }

    QCOMPARE(toString(RunMode::Dev), u"dev"_s);
    QCOMPARE(toString(RunMode::Production), u"production"_s);
    QVERIFY(runModeFromString(u"dev"_s) == RunMode::Dev);
    QVERIFY(runModeFromString(u"production"_s) == RunMode::Production);

    for (const QString& junk : {QString(), u"NPM"_s, u" npm"_s, u"yarn"_s, u"Next.js"_s, u"prod"_s}) {
        QVERIFY(!packageManagerFromString(junk));
        QVERIFY(!frameworkFromString(junk));
        QVERIFY(!runModeFromString(junk));
    }
}

void TestRunPlan::staticServerCommand()
{
    const QStringList command = RunPlan::staticServerCommand(u"dist/app"_s);
    QCOMPARE(command.size(), 6);
    QCOMPARE(command.mid(0, 2), (QStringList{u"node"_s, u"-e"_s}));
    QCOMPARE(command.mid(3), (QStringList{u"--"_s, u"dist/app"_s, u"${PORT}"_s}));
    QCOMPARE(RunPlan::staticServerCommand(u"build"_s, true).last(), u"--spa"_s);

    const QString script = RunPlan::staticServerScript();
    QVERIFY(!script.contains(QLatin1StringView(RunPlan::PortPlaceholder)));
    for (const QString& builtin : {u"require('http')"_s, u"require('fs')"_s, u"require('path')"_s})
        QVERIFY(script.contains(builtin));
    QVERIFY(!script.contains(u"require('child_process')"_s));
    QVERIFY(script.contains(u"'0.0.0.0'"_s));
    QVERIFY(script.contains(u"EADDRINUSE"_s));
}

QTEST_GUILESS_MAIN(TestRunPlan)
#include "tst_runplan.moc"
