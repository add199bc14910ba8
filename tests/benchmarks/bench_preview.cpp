// bench_preview: how long a preview takes with Forge Preview against the plain commands it runs,
// and what the app adds on top. Not a test: it prints a table and writes JSON.
//
//   bench_preview [--runs N] [--json FILE] [--skip-daytona]
//
// 1. Time to preview, local back end, Vite and Express fixtures: forge-preview-cli (launch to its
//    "ready" event) against a shell script doing the same work (git clone --depth 1, the install
//    command, the dev command, curl until HTTP 200), run alternately. Cold: empty caches (a new
//    data folder for the app, a new npm cache for the script). Warm: the lockfile unchanged since
//    the previous run (the app's install cache, the script's npm cache).
// 2. Readiness latency: from the dev server's first HTTP 200 (polled every 5 ms by this program)
//    to the app's "ready" event.
// 3. Daytona (emulator): a preview in a sandbox made from nothing against the same project's
//    stopped sandbox started again (the second preview, install cache in the sandbox): time to
//    ready and the HTTP requests the back end makes (the emulator counts them).
// 4. Start-up of the CLI: `forge-preview-cli --version`, wall time and peak memory.

#include "CliProcesses.h"
#include "DaytonaEmulator.h"
#include "FixtureRepository.h"
#include "GitHttpServer.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QRegularExpression>
#include <QSysInfo>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTextStream>
#include <QThread>
#include <QTimer>
#include <algorithm>
#include <csignal>
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

using namespace Qt::StringLiterals;
using forge::test::CliRun;

namespace {

constexpr qint64 RunLimitMs = 600'000;

QTextStream& out()
{
    static QTextStream stream(stdout);
    return stream;
}

void waitFor(const std::function<bool()>& done, qint64 limitMs)
{
    QElapsedTimer clock;
    clock.start();
    while (!done() && clock.elapsed() < limitMs)
        QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents, 5);
}

double median(QList<double> values)
{
    if (values.isEmpty())
        return 0;
    std::sort(values.begin(), values.end());
    const qsizetype mid = values.size() / 2;
    return values.size() % 2 ? values.at(mid) : (values.at(mid - 1) + values.at(mid)) / 2;
}

int freePort()
{
    QTcpServer server;
    server.listen(QHostAddress::LocalHost, 0);
    return server.serverPort();
}

// Polls `port` every 5 ms until it answers 200; the moment (on `clock`) it first did.
class FirstAnswer : public QObject
{
public:
    FirstAnswer(const QElapsedTimer& clock, int port)
        : m_clock(clock)
        , m_url(u"http://127.0.0.1:%1/"_s.arg(port))
    {
        m_network.setTransferTimeout(1000);
        poll();
    }
    qint64 at() const { return m_at; }

private:
    void poll()
    {
        if (m_at >= 0)
            return;
        QNetworkReply* reply = m_network.get(QNetworkRequest(m_url));
        connect(reply, &QNetworkReply::finished, this, [this, reply] {
            reply->deleteLater();
            if (reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt() == 200 && m_at < 0)
                m_at = m_clock.elapsed();
            else
                QTimer::singleShot(5, this, [this] { poll(); });
        });
    }

    const QElapsedTimer& m_clock;
    QUrl m_url;
    QNetworkAccessManager m_network;
    qint64 m_at = -1;
};

struct AppRun
{
    double seconds = 0;
    double readinessLatencyMs = -1;
    bool ok = false;
    QString transcript;
};

// forge-preview-cli preview <repository> until "ready"; watches the dev server's own port (from its
// output) for the first 200 to measure the readiness latency.
AppRun runApp(const QString& dataDirectory, const QString& repository)
{
    CliRun cli(dataDirectory);
    QElapsedTimer clock;
    clock.start();
    cli.start({u"preview"_s, repository, u"--exit-when-ready"_s, u"--json"_s});
    std::unique_ptr<FirstAnswer> watcher;
    static const QRegularExpression portInOutput(u"(?:port |127\\.0\\.0\\.1:|localhost:)(\\d{2,5})"_s);
    waitFor(
        [&] {
            if (!watcher) {
                for (const QJsonObject& event : cli.events()) {
                    if (event.value(u"event"_s) != u"output"_s ||
                        event.value(u"step"_s) != u"start-dev-server"_s)
                        continue;
                    const auto match = portInOutput.match(event.value(u"line"_s).toString());
                    if (match.hasMatch()) {
                        watcher = std::make_unique<FirstAnswer>(clock, match.captured(1).toInt());
                        break;
                    }
                }
            }
            return cli.event(u"ready"_s).has_value() || cli.finished();
        },
        RunLimitMs);
    AppRun result;
    result.seconds = double(clock.elapsed()) / 1000.0;
    result.ok = cli.event(u"ready"_s).has_value();
    if (result.ok && watcher && watcher->at() >= 0)
        result.readinessLatencyMs = double(clock.elapsed() - watcher->at());
    waitFor([&] { return cli.finished(); }, 60'000);
    result.transcript = cli.transcript();
    return result;
}

// The same work as plain commands, in one bash script; timed to its "READY".
double runScript(const QString& work, const QString& repository, const QString& npmCache, bool vite)
{
    const int port = freePort();
    const QString dev = vite ? u"npm run dev -- --port %1 --strictPort --host 127.0.0.1"_s.arg(port)
                             : u"PORT=%1 npm start"_s.arg(port);
    const QString script = u"set -e\n"
                           u"cd \"$1\"\n"
                           u"rm -rf app\n"
                           u"git clone -q --depth 1 \"$2\" app\n"
                           u"cd app\n"
                           u"if [ -f package-lock.json ]; then npm ci --no-audit --no-fund >/dev/null 2>&1; "
                           u"else npm install --no-audit --no-fund >/dev/null 2>&1; fi\n"
                           u"(%1) >/dev/null 2>&1 &\n"
                           u"until curl -fs -o /dev/null http://127.0.0.1:%2/; do sleep 0.05; done\n"
                           u"echo READY\n"
                           u"wait\n"_s.arg(dev)
                               .arg(port);
    QProcess bash;
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(u"npm_config_cache"_s, npmCache);
    environment.insert(u"CI"_s, u"true"_s);
    bash.setProcessEnvironment(environment);
    // Its own process group, so the dev server goes with it.
    bash.setChildProcessModifier([] { ::setpgid(0, 0); });
    QElapsedTimer clock;
    clock.start();
    bash.start(u"bash"_s, {u"-c"_s, script, u"bench"_s, work, repository});
    QByteArray output;
    waitFor(
        [&] {
            output += bash.readAllStandardOutput();
            return output.contains("READY") || bash.state() == QProcess::NotRunning;
        },
        RunLimitMs);
    const double seconds = double(clock.elapsed()) / 1000.0;
    const bool ready = output.contains("READY");
    if (bash.processId() > 0)
        ::kill(-pid_t(bash.processId()), SIGTERM);
    bash.waitForFinished(10'000);
    return ready ? seconds : -1;
}

struct StartUp
{
    double medianMs = 0;
    double peakMemoryMb = 0;
};

StartUp cliStartUp(int runs)
{
    QList<double> times;
    long peakKb = 0;
    for (int i = 0; i < runs; ++i) {
        QElapsedTimer clock;
        clock.start();
        const pid_t pid = ::fork();
        if (pid == 0) {
            const int devNull = ::open("/dev/null", O_WRONLY);
            ::dup2(devNull, STDOUT_FILENO);
            ::execl(FORGE_CLI_PATH, "forge-preview-cli", "--version", nullptr);
            ::_exit(127);
        }
        int status = 0;
        rusage usage{};
        ::wait4(pid, &status, 0, &usage);
        times.append(double(clock.nsecsElapsed()) / 1e6);
        peakKb = std::max(peakKb, usage.ru_maxrss);
    }
    return {median(times), double(peakKb) / 1024.0};
}

} // namespace

int main(int argc, char* argv[])
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.setApplicationDescription(u"Forge Preview's benchmarks: a table on stdout, JSON to --json."_s);
    parser.addHelpOption();
    const QCommandLineOption runsOption(u"runs"_s, u"Runs of each measurement (default 3)."_s, u"n"_s,
                                        u"3"_s);
    const QCommandLineOption jsonOption(u"json"_s, u"Write the figures as JSON to this file."_s, u"file"_s);
    const QCommandLineOption skipDaytona(u"skip-daytona"_s, u"Leave out the Daytona request count."_s);
    parser.addOptions({runsOption, jsonOption, skipDaytona});
    parser.process(app);
    const int runs = std::max(1, parser.value(runsOption).toInt());

    QTemporaryDir work;
    const QString served = work.filePath(u"served"_s);
    QDir().mkpath(served);
    for (const QString& name : {u"vite-app"_s, u"express-app"_s}) {
        forge::test::FixtureRepository repository(work.filePath(name));
        if (!repository.initialize(QStringLiteral(FORGE_FIXTURES_DIR) + u"/projects/"_s + name) ||
            !repository.createBareClone(served, name)) {
            qCritical("could not prepare the %s fixture: %s", qPrintable(name),
                      qPrintable(repository.errorString()));
            return 1;
        }
    }
    forge::test::GitHttpServer git(served);
    QString error;
    if (!git.listen(&error)) {
        qCritical("could not serve the fixtures: %s", qPrintable(error));
        return 1;
    }

    QJsonObject report{{u"machine"_s, QJsonObject{{u"cpus"_s, QThread::idealThreadCount()},
                                                  {u"os"_s, QSysInfo::prettyProductName()},
                                                  {u"kernel"_s, QSysInfo::kernelVersion()}}},
                       {u"runs"_s, runs}};
    out() << "Forge Preview benchmarks — " << QSysInfo::prettyProductName() << ", "
          << QThread::idealThreadCount() << " CPUs, " << runs << " runs each (medians)\n\n";

    // 1 and 2.
    QJsonArray previews;
    QList<double> latencies;
    out() << QStringLiteral("%1 %2 %3 %4 %5\n")
                 .arg(u"fixture"_s, -12)
                 .arg(u"caches"_s, -7)
                 .arg(u"app (s)"_s, 9)
                 .arg(u"script (s)"_s, 11)
                 .arg(u"app/script"_s, 11);
    for (const QString& fixture : {u"vite-app"_s, u"express-app"_s}) {
        const QString repository = git.repositoryUrl(fixture).toString();
        const bool vite = fixture == u"vite-app"_s;
        QList<double> appTimes[2], scriptTimes[2]; // [0] cold, [1] warm
        for (int i = 0; i < runs; ++i) {
            QTemporaryDir appData;
            QTemporaryDir scriptWork;
            const QString npmCache = scriptWork.filePath(u"npm-cache"_s);
            for (int warm = 0; warm < 2; ++warm) {
                const AppRun appRun = runApp(appData.path(), repository);
                if (!appRun.ok) {
                    qCritical("the app did not get %s ready:\n%s", qPrintable(fixture),
                              qPrintable(appRun.transcript));
                    return 1;
                }
                appTimes[warm].append(appRun.seconds);
                if (appRun.readinessLatencyMs >= 0)
                    latencies.append(appRun.readinessLatencyMs);
                const double scriptSeconds = runScript(scriptWork.path(), repository, npmCache, vite);
                if (scriptSeconds < 0) {
                    qCritical("the plain script did not get %s ready", qPrintable(fixture));
                    return 1;
                }
                scriptTimes[warm].append(scriptSeconds);
            }
        }
        for (int warm = 0; warm < 2; ++warm) {
            const double a = median(appTimes[warm]);
            const double s = median(scriptTimes[warm]);
            out() << QStringLiteral("%1 %2 %3 %4 %5\n")
                         .arg(fixture, -12)
                         .arg(warm ? u"warm"_s : u"cold"_s, -7)
                         .arg(a, 9, 'f', 2)
                         .arg(s, 11, 'f', 2)
                         .arg(a / s, 11, 'f', 2);
            previews.append(QJsonObject{{u"fixture"_s, fixture},
                                        {u"caches"_s, warm ? u"warm"_s : u"cold"_s},
                                        {u"appSeconds"_s, a},
                                        {u"scriptSeconds"_s, s},
                                        {u"ratio"_s, a / s}});
        }
        out().flush();
    }
    report.insert(u"timeToPreview"_s, previews);
    std::sort(latencies.begin(), latencies.end());
    const double latencyMedian = median(latencies);
    const double latencyMax = latencies.isEmpty() ? 0 : latencies.last();
    out() << "\nReadiness latency (dev server's first 200 to the app's ready): median "
          << QString::number(latencyMedian, 'f', 0) << " ms, worst " << QString::number(latencyMax, 'f', 0)
          << " ms over " << latencies.size() << " runs\n";
    report.insert(u"readinessLatencyMs"_s, QJsonObject{{u"median"_s, latencyMedian},
                                                       {u"worst"_s, latencyMax},
                                                       {u"samples"_s, latencies.size()}});

    // 3.
    if (!parser.isSet(skipDaytona)) {
        QTemporaryDir emulatorData;
        QTemporaryDir cliData;
        forge::test::DaytonaEmulator emulator(
            {emulatorData.path(), {QString::fromLatin1(forge::test::EmulatorProcess::DefaultApiKey)}, {}});
        if (!emulator.listen()) {
            qCritical("the Daytona emulator could not listen");
            return 1;
        }
        QJsonArray counts;
        for (int warm = 0; warm < 2; ++warm) {
            emulator.clearRequests();
            CliRun cli(cliData.path(), {{u"DAYTONA_API_KEY"_s,
                                         QString::fromLatin1(forge::test::EmulatorProcess::DefaultApiKey)}});
            QElapsedTimer clock;
            clock.start();
            cli.start({u"preview"_s, git.repositoryUrl(u"express-app"_s).toString(), u"--provider"_s,
                       u"daytona"_s, u"--api-url"_s, emulator.apiUrl().toString(), u"--exit-when-ready"_s,
                       u"--json"_s});
            waitFor([&] { return cli.event(u"ready"_s).has_value() || cli.finished(); }, RunLimitMs);
            const double seconds = double(clock.elapsed()) / 1000.0;
            waitFor([&] { return cli.finished(); }, RunLimitMs);
            if (!cli.event(u"ready"_s)) {
                qCritical("the Daytona preview did not get ready:\n%s", qPrintable(cli.transcript()));
                return 1;
            }
            const int count = emulator.requestCount();
            out() << "Daytona (emulator), "
                  << (warm ? "the stopped sandbox started again (install cache): "
                           : "a sandbox made from nothing:                       ")
                  << QString::number(seconds, 'f', 2) << " s to ready, " << count
                  << " HTTP requests until ready and stopped\n";
            counts.append(QJsonObject{{u"run"_s, warm ? u"restart"_s : u"fromNothing"_s},
                                      {u"seconds"_s, seconds},
                                      {u"requests"_s, count}});
        }
        report.insert(u"daytona"_s, counts);
    }

    // 4.
    const StartUp startUp = cliStartUp(std::max(runs, 5));
    out() << "CLI start-up (forge-preview-cli --version): median "
          << QString::number(startUp.medianMs, 'f', 1) << " ms, peak memory "
          << QString::number(startUp.peakMemoryMb, 'f', 1) << " MB\n";
    report.insert(u"cliStartUp"_s,
                  QJsonObject{{u"medianMs"_s, startUp.medianMs}, {u"peakMemoryMb"_s, startUp.peakMemoryMb}});
    out().flush();

    if (parser.isSet(jsonOption)) {
        QFile file(parser.value(jsonOption));
        if (!file.open(QIODevice::WriteOnly) || file.write(QJsonDocument(report).toJson()) < 0) {
            qCritical("could not write %s", qPrintable(parser.value(jsonOption)));
            return 1;
        }
    }
    return 0;
}
