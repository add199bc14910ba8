// RunPlanDetector and ProjectSnapshot: one row per fixture repository in tests/fixtures/detect, each
// checked against the expected.json beside its files (the format: tests/fixtures/detect/README.md),
// plus hostile inputs generated at run time and the embedded static server run for real with node.

#include "core/ProjectSnapshot.h"
#include "core/RunPlanDetector.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
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

QString fixturesRoot()
{
    return QStringLiteral(FORGE_FIXTURES_DIR) + u"/detect"_s;
}

QString fixturePath(const QString& name)
{
    return fixturesRoot() + u'/' + name;
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

// What expected.json asks of a plan; an absent key expects an empty value.
struct PlanExpectation
{
    QString packageManager;
    QString framework;
    QString variant;
    QString install;
    QString fallback;
    QString dev;
    QString build;
    QString start;
    QMap<QString, QString> environment;
    int port = 0;
    QString directory;
    QString nodeVersion;
    QString nodeVersionSource;
    QString packageManagerVersion;
    QString packageManagerVersionSource;
    QString note; // a fragment one of the notes must contain; empty: no check
};

// What expected.json asks of a refusal: fragments of the error's message and advice.
struct ErrorExpectation
{
    QString message;
    QString advice;
};

using Expectation = std::variant<PlanExpectation, ErrorExpectation>;

const QStringList PlanKeys{u"about"_s,
                           u"packageManager"_s,
                           u"framework"_s,
                           u"frameworkVariant"_s,
                           u"install"_s,
                           u"installFallback"_s,
                           u"dev"_s,
                           u"build"_s,
                           u"start"_s,
                           u"environment"_s,
                           u"port"_s,
                           u"projectDirectory"_s,
                           u"nodeVersion"_s,
                           u"nodeVersionSource"_s,
                           u"packageManagerVersion"_s,
                           u"packageManagerVersionSource"_s,
                           u"noteContains"_s};
const QStringList ErrorKeys{u"about"_s, u"errorContains"_s, u"adviceContains"_s};

// Reads the fields of one expected.json and collects every problem, so that a typo in a key or a
// value of the wrong type fails the row instead of silently expecting an empty value.
class ExpectationFields
{
public:
    explicit ExpectationFields(QJsonObject object)
        : m_object(std::move(object))
    {}

    QString text(const QString& key, bool required = false)
    {
        const QJsonValue value = m_object.value(key);
        if (value.isUndefined() && required)
            m_problems.append(u"\"%1\" is missing"_s.arg(key));
        else if (!value.isUndefined() && !value.isString())
            m_problems.append(u"\"%1\" must be a string"_s.arg(key));
        return value.toString();
    }

    int port()
    {
        const QJsonValue value = m_object.value(u"port"_s);
        const int port = value.toInt(-1); // -1 for a fraction or a non-number as well
        if (port <= 0 || port > 65535)
            m_problems.append(u"\"port\" must be a port number"_s);
        return port;
    }

    QMap<QString, QString> environment()
    {
        QMap<QString, QString> environment;
        const QJsonValue value = m_object.value(u"environment"_s);
        if (value.isUndefined())
            return environment;
        if (!value.isObject())
            m_problems.append(u"\"environment\" must be an object"_s);
        const QJsonObject object = value.toObject();
        for (auto it = object.begin(); it != object.end(); ++it) {
            if (!it.value().isString())
                m_problems.append(u"\"environment\" → \"%1\" must be a string"_s.arg(it.key()));
            environment.insert(it.key(), it.value().toString());
        }
        return environment;
    }

    void rejectKeysBut(const QStringList& known)
    {
        for (const QString& key : m_object.keys()) {
            if (!known.contains(key))
                m_problems.append(u"unknown key \"%1\" (known here: %2)"_s.arg(key, known.join(u", "_s)));
        }
    }

    const QStringList& problems() const { return m_problems; }

private:
    QJsonObject m_object;
    QStringList m_problems;
};

PlanExpectation readPlanExpectation(ExpectationFields& fields)
{
    PlanExpectation plan;
    plan.packageManager = fields.text(u"packageManager"_s, true);
    plan.framework = fields.text(u"framework"_s, true);
    plan.variant = fields.text(u"frameworkVariant"_s);
    plan.install = fields.text(u"install"_s);
    plan.fallback = fields.text(u"installFallback"_s);
    plan.dev = fields.text(u"dev"_s);
    plan.build = fields.text(u"build"_s);
    plan.start = fields.text(u"start"_s);
    plan.environment = fields.environment();
    plan.port = fields.port();
    plan.directory = fields.text(u"projectDirectory"_s);
    plan.nodeVersion = fields.text(u"nodeVersion"_s);
    plan.nodeVersionSource = fields.text(u"nodeVersionSource"_s);
    plan.packageManagerVersion = fields.text(u"packageManagerVersion"_s);
    plan.packageManagerVersionSource = fields.text(u"packageManagerVersionSource"_s);
    plan.note = fields.text(u"noteContains"_s);
    fields.rejectKeysBut(PlanKeys);
    return plan;
}

// The fixture's expectation, or why expected.json cannot say one (missing, not JSON, malformed).
std::variant<Expectation, QString> readExpectation(const QString& folder)
{
    QFile file(folder + u"/expected.json"_s);
    if (!file.open(QIODevice::ReadOnly))
        return u"%1: %2 (every fixture folder needs one)"_s.arg(file.fileName(), file.errorString());
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(file.readAll(), &parseError);
    if (parseError.error != QJsonParseError::NoError)
        return u"%1: not valid JSON: %2 at offset %3"_s.arg(file.fileName(), parseError.errorString())
            .arg(parseError.offset);
    if (!document.isObject())
        return u"%1: the top level must be an object"_s.arg(file.fileName());

    ExpectationFields fields(document.object());
    (void)fields.text(u"about"_s);
    Expectation expectation;
    if (document.object().contains(u"errorContains"_s)) {
        expectation =
            ErrorExpectation{fields.text(u"errorContains"_s, true), fields.text(u"adviceContains"_s, true)};
        fields.rejectKeysBut(ErrorKeys);
    } else {
        expectation = readPlanExpectation(fields);
    }
    if (!fields.problems().isEmpty())
        return u"%1: %2"_s.arg(file.fileName(), fields.problems().join(u"; "_s));
    return expectation;
}

void comparePlan(const std::variant<RunPlan, DetectionError>& result, const PlanExpectation& expected)
{
    if (const auto* error = std::get_if<DetectionError>(&result))
        QFAIL(qPrintable(u"detection refused: "_s + error->message));
    const RunPlan& plan = std::get<RunPlan>(result);

    QCOMPARE(toString(plan.packageManager), expected.packageManager);
    QCOMPARE(toString(plan.framework), expected.framework);
    QCOMPARE(plan.frameworkVariant, expected.variant);
    QCOMPARE(plan.installCommand, command(expected.install));
    QCOMPARE(plan.installFallbackCommand, command(expected.fallback));
    QCOMPARE(plan.devCommand, command(expected.dev));
    QCOMPARE(plan.buildCommand, command(expected.build));
    QCOMPARE(plan.startCommand, command(expected.start));
    QCOMPARE(environmentText(plan.environment), environmentText(expected.environment));
    QCOMPARE(plan.expectedPort, expected.port);
    QCOMPARE(plan.projectDirectory, expected.directory);
    QCOMPARE(plan.nodeVersion, expected.nodeVersion);
    QCOMPARE(plan.nodeVersionSource, expected.nodeVersionSource);
    QCOMPARE(plan.packageManagerVersion, expected.packageManagerVersion);
    QCOMPARE(plan.packageManagerVersionSource, expected.packageManagerVersionSource);
    if (!expected.note.isEmpty()) {
        const bool found = std::any_of(plan.notes.begin(), plan.notes.end(),
                                       [&](const QString& n) { return n.contains(expected.note); });
        QVERIFY2(found,
                 qPrintable(u"no note contains \"%1\" in:\n%2"_s.arg(expected.note, plan.notes.join(u'\n'))));
    }
    // Every plan that runs something binds all interfaces on the chosen port.
    const QString everything = (plan.devCommand + plan.environment.values()).join(u' ');
    QVERIFY(everything.contains(u"${PORT}"_s));
    // The plan survives saving and loading unchanged.
    const std::optional<RunPlan> loaded = RunPlan::fromJson(plan.toJson());
    QVERIFY(loaded && *loaded == plan);
}

void compareError(const std::variant<RunPlan, DetectionError>& result, const ErrorExpectation& expected)
{
    const auto* error = std::get_if<DetectionError>(&result);
    if (!error)
        QFAIL(qPrintable(u"detected a plan: "_s + std::get<RunPlan>(result).summary()));
    QVERIFY2(error->message.contains(expected.message), qPrintable(error->message));
    QVERIFY2(error->advice.contains(expected.advice), qPrintable(error->advice));
}

} // namespace

class TestRunPlanDetector : public QObject
{
    Q_OBJECT

private slots:
    void detectsFixture_data();
    void detectsFixture();
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
    const QStringList folders =
        QDir(fixturesRoot()).entryList(QDir::Dirs | QDir::NoDotAndDotDot | QDir::Hidden, QDir::Name);
    // A moved or empty fixtures folder must fail, not pass with no rows.
    if (folders.isEmpty())
        QTest::newRow("no fixture folders") << u"(none in %1)"_s.arg(fixturesRoot());
    for (const QString& folder : folders)
        QTest::newRow(qPrintable(folder)) << folder;
}

void TestRunPlanDetector::detectsFixture()
{
    QFETCH(QString, fixture);
    const QString folder = fixturePath(fixture);
    QVERIFY2(QFileInfo(folder).isDir(), qPrintable(folder));
    const auto expectation = readExpectation(folder);
    if (const auto* problem = std::get_if<QString>(&expectation))
        QFAIL(qPrintable(*problem));

    // expected.json lies among the fixture's files; detection must not read it.
    const ProjectSnapshot snapshot = ProjectSnapshot::fromDirectory(folder);
    QVERIFY(!snapshot.contains(u"expected.json"_s));
    const auto result = RunPlanDetector::detect(snapshot);
    const Expectation& expected = std::get<Expectation>(expectation);
    if (const auto* plan = std::get_if<PlanExpectation>(&expected))
        comparePlan(result, *plan);
    else
        compareError(result, std::get<ErrorExpectation>(expected));
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
