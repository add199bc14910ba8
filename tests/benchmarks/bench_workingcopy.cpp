// bench_workingcopy: how fast a working copy's edits reach the sandbox (WorkingCopySync, issue 22).
// Not a test: it prints a table.
//
//   bench_workingcopy [--saves N] [--switches N] [--skip-daytona]
//
// 1. Save to visible, local back end (bubblewrap): a file of the folder written, to its new content
//    readable in the sandbox's workspace (polled every millisecond); p50/p95 over N saves.
// 2. The same on the Daytona emulator (one file), read in the project folder the emulator's
//    sandbox has on this machine.
// 3. A 500-file branch switch on the emulator: `git checkout` in the folder to every one of the
//    500 files' new content visible in the sandbox; p50/p95 over N switches.
// 4. The first sync of a 5,000-file project on the emulator: the time of initialSync() and the
//    requests it makes (bulk uploads, and all requests).
// Goals (issue 22): local p95 < 100 ms, Daytona (emulator) p95 < 1 s for one file and < 3 s for
// 500 files, the first sync of 5,000 files in one upload.

#include "AwaitCatching.h"
#include "EmulatorFixture.h"
#include "core/Failure.h"
#include "sandbox/LocalProvider.h"
#include "sandbox/daytona/DaytonaProvider.h"
#include "workflow/WorkingCopySync.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QTemporaryDir>
#include <QTextStream>
#include <algorithm>
#include <cmath>
#include <functional>

using namespace Qt::StringLiterals;
using namespace std::chrono_literals;
using namespace forge;

namespace {

constexpr auto ApiKey = "bench-working-copy-key";
constexpr qint64 ArrivalLimitMs = 30'000;

QTextStream& out()
{
    static QTextStream stream(stdout);
    return stream;
}

[[noreturn]] void fail(const QString& what)
{
    out() << "bench_workingcopy: " << what << Qt::endl;
    std::exit(1);
}

// Runs the event loop until `done` or the limit; true when done.
bool waitFor(const std::function<bool()>& done, qint64 limitMs)
{
    QElapsedTimer clock;
    clock.start();
    while (!done()) {
        if (clock.elapsed() > limitMs)
            return false;
        QCoreApplication::processEvents(QEventLoop::AllEvents, 1);
        QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents, 1);
    }
    return true;
}

QByteArray readFile(const QString& path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

void writeFile(const QString& path, const QByteArray& content)
{
    QDir().mkpath(QFileInfo(path).path());
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate) || file.write(content) != content.size())
        fail(u"cannot write "_s + path);
}

void git(const QString& folder, const QStringList& arguments)
{
    QProcess process;
    process.setWorkingDirectory(folder);
    process.start(u"git"_s,
                  QStringList{u"-c"_s, u"user.name=Bench"_s, u"-c"_s, u"user.email=bench@example.com"_s,
                              u"-c"_s, u"init.defaultBranch=main"_s, u"-c"_s, u"commit.gpgsign=false"_s} +
                      arguments);
    if (!process.waitForFinished(120'000) || process.exitCode() != 0)
        fail(u"git "_s + arguments.join(u' ') + u": "_s + QString::fromUtf8(process.readAllStandardError()));
}

double percentile(QList<double> values, double fraction)
{
    if (values.isEmpty())
        return 0;
    std::sort(values.begin(), values.end());
    const auto index = qsizetype(std::ceil(fraction * double(values.size()))) - 1;
    return values.at(std::clamp<qsizetype>(index, 0, values.size() - 1));
}

void initialSync(WorkingCopySync& sync)
{
    const auto failure = test::awaitCatchingVoid<Failure>(sync.initialSync({}));
    if (failure)
        fail(u"initial sync: "_s + failure->message());
}

// N saves of one file: from the write to the new content readable at `copy`.
QList<double> saves(WorkingCopySync& sync, const QString& folder, const QString& copy, int count)
{
    sync.start();
    waitFor([&] { return sync.state().kind == WorkingCopySyncState::Kind::Synced; }, ArrivalLimitMs);
    QList<double> milliseconds;
    for (int i = 0; i < count; ++i) {
        const QByteArray content = "export const saved = " + QByteArray::number(i) + ";\n";
        QElapsedTimer clock;
        clock.start();
        writeFile(folder + u"/src/App.jsx"_s, content);
        if (!waitFor([&] { return readFile(copy + u"/src/App.jsx"_s) == content; }, ArrivalLimitMs))
            fail(u"save %1 did not arrive (state: %2)"_s.arg(i).arg(sync.state().describe()));
        milliseconds.append(double(clock.nsecsElapsed()) / 1e6);
        // Let the sync settle, as between two saves of a person.
        waitFor([&] { return sync.state().kind == WorkingCopySyncState::Kind::Synced; }, ArrivalLimitMs);
        QElapsedTimer pause;
        pause.start();
        waitFor([&] { return pause.elapsed() >= 20; }, 1000);
    }
    sync.stop();
    return milliseconds;
}

void row(const QString& name, const QList<double>& values, const QString& unit, double goal)
{
    const double p95 = percentile(values, 0.95);
    out() << qSetFieldWidth(46) << Qt::left << name << qSetFieldWidth(0) << "p50 "
          << QString::number(percentile(values, 0.5), 'f', 1) << ' ' << unit << "   p95 "
          << QString::number(p95, 'f', 1) << ' ' << unit << "   (n=" << values.size() << ", goal p95 < "
          << goal << ' ' << unit << (p95 < goal ? ": met" : ": NOT met") << ")" << Qt::endl;
}

struct Daytona
{
    test::EmulatorFixture emulator;
    std::unique_ptr<DaytonaProvider> provider;
    QString id;
    QString project;

    void start(const QString& name)
    {
        if (const QString error = emulator.start(QString::fromLatin1(ApiKey)); !error.isEmpty())
            fail(u"emulator: "_s + error);
        daytona::DaytonaConfig config;
        config.apiKey = QString::fromLatin1(ApiKey);
        config.apiUrl = emulator->apiUrl();
        config.requestTimeout = 60s;
        provider = std::make_unique<DaytonaProvider>(config, DaytonaSandboxOptions{});
        provider->setLogPollInterval(100ms);
        const auto sandbox =
            test::awaitCatching<Failure>(provider->createSandbox({name, {{u"forge.project"_s, name}}}));
        if (!sandbox.value)
            fail(u"create sandbox: "_s + sandbox.describe());
        id = sandbox.value->id;
        project = emulator->provider().workspacePath(emulator->localSandboxName(id)) + u"/project"_s;
        QDir().mkpath(project);
    }
    int uploads() const
    {
        int count = 0;
        for (const auto& recorded : emulator->requests()) {
            if (recorded.method == "POST" && recorded.path().endsWith("/files/bulk-upload"))
                ++count;
        }
        return count;
    }
};

void smallProject(const QString& folder)
{
    writeFile(folder + u"/package.json"_s, "{\"name\": \"bench\"}\n");
    writeFile(folder + u"/src/App.jsx"_s, "export const saved = -1;\n");
    writeFile(folder + u"/.gitignore"_s, "dist/\n");
    git(folder, {u"init"_s, u"-q"_s});
    git(folder, {u"add"_s, u"-A"_s});
    git(folder, {u"commit"_s, u"-q"_s, u"-m"_s, u"bench"_s});
}

} // namespace

int main(int argc, char* argv[])
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.addHelpOption();
    const QCommandLineOption savesOption(u"saves"_s, u"Saves per back end (default 50)."_s, u"N"_s, u"50"_s);
    const QCommandLineOption switchesOption(u"switches"_s, u"500-file branch switches (default 10)."_s,
                                            u"N"_s, u"10"_s);
    const QCommandLineOption skipDaytona(u"skip-daytona"_s, u"Local back end only."_s);
    const QCommandLineOption debounceOption(u"debounce"_s,
                                            u"The sync's debounce in ms (default: the class's)."_s, u"MS"_s);
    parser.addOption(debounceOption);
    parser.addOption(savesOption);
    parser.addOption(switchesOption);
    parser.addOption(skipDaytona);
    parser.process(app);
    const int saveCount = qMax(1, parser.value(savesOption).toInt());
    const int switchCount = qMax(1, parser.value(switchesOption).toInt());
    WorkingCopySync::Options options;
    if (parser.isSet(debounceOption))
        options.debounce = std::chrono::milliseconds(parser.value(debounceOption).toInt());

    out() << "Working copy sync (issue 22)" << Qt::endl;

    // 1. Local, bubblewrap.
    {
        QTemporaryDir data;
        QTemporaryDir folder;
        smallProject(folder.path());
        LocalProvider provider({data.path(), LocalProvider::Isolation::Bubblewrap, {}});
        const auto sandbox = test::awaitCatching<Failure>(
            provider.createSandbox({u"bench-wc"_s, {{u"forge.project"_s, u"b"_s}}}));
        if (!sandbox.value)
            fail(u"local sandbox: "_s + sandbox.describe());
        WorkingCopySync sync(provider, sandbox.value->id, folder.path(), options);
        initialSync(sync);
        row(u"Save to visible, local (bubblewrap)"_s,
            saves(sync, folder.path(), provider.workspacePath(sandbox.value->id), saveCount), u"ms"_s, 100);
    }
    if (parser.isSet(skipDaytona))
        return 0;

    // 2. Daytona emulator, one file.
    {
        QTemporaryDir folder;
        smallProject(folder.path());
        Daytona daytona;
        daytona.start(u"bench-wc-daytona"_s);
        WorkingCopySync sync(*daytona.provider, daytona.id, folder.path(), options);
        initialSync(sync);
        row(u"Save to visible, Daytona emulator (one file)"_s,
            saves(sync, folder.path(), daytona.project, saveCount), u"ms"_s, 1000);
    }

    // 3. Daytona emulator, 500-file branch switch.
    {
        QTemporaryDir folder;
        const QString path = folder.path();
        const auto fill = [&](const QByteArray& branch) {
            for (int i = 0; i < 500; ++i) {
                writeFile(path + u"/src/part%1/module%2.js"_s.arg(i / 50).arg(i),
                          "export const branch = '" + branch + "', index = " + QByteArray::number(i) + ";\n");
            }
        };
        fill("main");
        git(path, {u"init"_s, u"-q"_s});
        git(path, {u"add"_s, u"-A"_s});
        git(path, {u"commit"_s, u"-q"_s, u"-m"_s, u"main"_s});
        git(path, {u"checkout"_s, u"-q"_s, u"-b"_s, u"other"_s});
        fill("other");
        git(path, {u"commit"_s, u"-q"_s, u"-a"_s, u"-m"_s, u"other"_s});
        git(path, {u"checkout"_s, u"-q"_s, u"main"_s});
        Daytona daytona;
        daytona.start(u"bench-wc-switch"_s);
        WorkingCopySync sync(*daytona.provider, daytona.id, path, options);
        initialSync(sync);
        sync.start();
        waitFor([&] { return sync.state().kind == WorkingCopySyncState::Kind::Synced; }, ArrivalLimitMs);
        QList<double> seconds;
        for (int run = 0; run < switchCount; ++run) {
            const QByteArray branch = run % 2 == 0 ? "other" : "main";
            const auto allArrived = [&] {
                for (int i = 0; i < 500; ++i) {
                    const QByteArray expected =
                        "export const branch = '" + branch + "', index = " + QByteArray::number(i) + ";\n";
                    if (readFile(daytona.project + u"/src/part%1/module%2.js"_s.arg(i / 50).arg(i)) !=
                        expected)
                        return false;
                }
                return true;
            };
            QElapsedTimer clock;
            clock.start();
            git(path, {u"checkout"_s, u"-q"_s, QString::fromLatin1(branch)});
            if (!waitFor(allArrived, 60'000))
                fail(u"switch %1 did not arrive (state: %2)"_s.arg(run).arg(sync.state().describe()));
            seconds.append(double(clock.nsecsElapsed()) / 1e9);
            waitFor([&] { return sync.state().kind == WorkingCopySyncState::Kind::Synced; }, ArrivalLimitMs);
        }
        sync.stop();
        row(u"500-file branch switch, Daytona emulator"_s, seconds, u"s"_s, 3);
    }

    // 4. Daytona emulator, first sync of 5,000 files.
    {
        QTemporaryDir folder;
        const QString path = folder.path();
        for (int i = 0; i < 5000; ++i) {
            writeFile(path + u"/src/part%1/file%2.js"_s.arg(i / 100).arg(i),
                      "export const value = " + QByteArray::number(i) + ";\n");
        }
        git(path, {u"init"_s, u"-q"_s});
        git(path, {u"add"_s, u"-A"_s});
        git(path, {u"commit"_s, u"-q"_s, u"-m"_s, u"5000"_s});
        Daytona daytona;
        daytona.start(u"bench-wc-5000"_s);
        daytona.emulator->clearRequests();
        WorkingCopySync sync(*daytona.provider, daytona.id, path, options);
        QElapsedTimer clock;
        clock.start();
        initialSync(sync);
        const double seconds = double(clock.nsecsElapsed()) / 1e9;
        out() << qSetFieldWidth(46) << Qt::left << u"First sync of 5,000 files, Daytona emulator"_s
              << qSetFieldWidth(0) << QString::number(seconds, 'f', 2) << " s, " << daytona.uploads()
              << " bulk upload(s), " << daytona.emulator->requestCount()
              << " requests in all (goal: one upload" << (daytona.uploads() == 1 ? ": met" : ": NOT met")
              << ")" << Qt::endl;
    }
    return 0;
}
