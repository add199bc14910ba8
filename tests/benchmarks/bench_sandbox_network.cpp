// bench_sandbox_network: what a local sandbox's own network costs. Not a test: it prints a table.
//
//   bench_sandbox_network [--runs N]
//
// Times one sandboxed command (`true`) from launch to exit, alternating three ways (A B C A B C…):
// bubblewrap with loopback only (no network: the install cache's copies), bubblewrap with this
// machine's network (what every command had before issue 16; now only git clone), and bubblewrap
// with a network of its own connected by pasta (install, build, dev server). The difference between
// the last two is what the network namespace adds to each command that has one; a preview runs two
// or three such commands (install, dev server, a build in production mode), so the cost per preview
// is that figure times three, to be held against the time to preview (bench_preview, README).

#include "core/Failure.h"
#include "sandbox/Bubblewrap.h"
#include "sandbox/SandboxNetwork.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QCoroTask>
#include <QDir>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QProcess>
#include <QTemporaryDir>
#include <QTextStream>
#include <algorithm>

using namespace Qt::StringLiterals;
using namespace forge;

namespace {

struct Timing
{
    QString name;
    QList<double> milliseconds;
    double median() const
    {
        QList<double> sorted = milliseconds;
        std::sort(sorted.begin(), sorted.end());
        return sorted.isEmpty() ? 0 : sorted.at(sorted.size() / 2);
    }
};

QCoro::Task<double> timeOnce(BubblewrapSpec spec)
{
    QElapsedTimer timer;
    timer.start();
    SandboxNetwork network({spec.network == SandboxNetworkMode::Private, {}, {}});
    QProcess process;
    process.setProgram(Bubblewrap::program());
    process.setArguments(Bubblewrap::arguments(spec, {u"true"_s}));
    process.setStandardInputFile(QProcess::nullDevice());
    if (spec.network == SandboxNetworkMode::Private) {
        QString error;
        if (!network.preparePipes(&error))
            qFatal("pipes: %s", qPrintable(error));
        process.setChildProcessModifier([&network] { network.setUpChild(); });
    }
    process.start();
    if (!process.waitForStarted())
        qFatal("bwrap did not start");
    if (spec.network == SandboxNetworkMode::Private)
        co_await network.connect(std::chrono::seconds(20));
    process.waitForFinished();
    if (process.exitCode() != 0)
        qFatal("bwrap failed: %s", process.readAllStandardError().constData());
    co_return double(timer.nsecsElapsed()) / 1e6;
}

double runSync(QCoro::Task<double> task)
{
    double result = -1;
    QEventLoop loop;
    auto wrapper = [&]() -> QCoro::Task<> {
        try {
            result = co_await task;
        } catch (const Failure& failure) {
            qFatal("%s", failure.what());
        }
        loop.quit();
    };
    auto running = wrapper();
    if (result < 0)
        loop.exec();
    return result;
}

} // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.addHelpOption();
    const QCommandLineOption runsOption(u"runs"_s, u"Runs of each kind (default 30)."_s, u"N"_s, u"30"_s);
    parser.addOption(runsOption);
    parser.process(app);
    const int runs = std::max(1, parser.value(runsOption).toInt());

    QTemporaryDir scratch;
    BubblewrapSpec spec;
    spec.workspace = scratch.filePath(u"workspace"_s);
    spec.homeDirectory = scratch.filePath(u"home"_s);
    spec.tmpDirectory = scratch.filePath(u"tmp"_s);
    spec.resolvConf = scratch.filePath(u"resolv.conf"_s);
    for (const QString& dir : {spec.workspace, spec.homeDirectory, spec.tmpDirectory})
        QDir().mkpath(dir);
    QFile resolv(spec.resolvConf);
    resolv.open(QIODevice::WriteOnly);
    resolv.write("nameserver 169.254.0.53\n");
    resolv.close();

    QList<Timing> timings{{u"bubblewrap, loopback only"_s, {}},
                          {u"bubblewrap, this machine's network (old)"_s, {}},
                          {u"bubblewrap + pasta, a network of its own"_s, {}}};
    const SandboxNetworkMode modes[] = {SandboxNetworkMode::LoopbackOnly, SandboxNetworkMode::Host,
                                        SandboxNetworkMode::Private};
    for (int run = 0; run < runs; ++run) {
        for (int kind = 0; kind < 3; ++kind) {
            spec.network = modes[kind];
            timings[kind].milliseconds.append(runSync(timeOnce(spec)));
        }
    }
    QTextStream out(stdout);
    out << u"One sandboxed command, launch to exit (median of %1 runs each, alternating):\n"_s.arg(runs);
    for (const Timing& timing : std::as_const(timings))
        out << u"  %1: %2 ms\n"_s.arg(timing.name, -42).arg(timing.median(), 0, 'f', 1);
    const double added = timings[2].median() - timings[1].median();
    out << u"The network namespace adds %1 ms per command; three per preview: %2 ms.\n"_s
               .arg(added, 0, 'f', 1)
               .arg(3 * added, 0, 'f', 1);
    return 0;
}
