// bench_gui: the desktop app's own costs. Not a test: it prints its figures and writes JSON.
//
//   bench_gui [--lines N] [--runs N] [--json FILE]      (needs a display: xvfb-run in scripts/bench)
//
// 1. Build log: N lines (200,000 by default) pushed through the log panel, 1,000 per event-loop
//    turn as a fast dev server delivers them: the worst event-loop stall (gaps between 1 ms
//    heartbeats), the time to take them all, and the memory the panel grew by.
// 2. Start-up: the real forge-preview on an empty data folder, from launch until its window is up
//    and answering (a second start's "come to the front" request is taken, which happens once the
//    window is shown and the event loop runs), and the idle memory of the app and its helper
//    processes (WebEngine) two seconds later.

#include "ProcessTree.h"
#include "ui/buildlog/BuildLogPanel.h"
#include "ui/common/InstanceChannel.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTextStream>
#include <QThread>
#include <QTimer>
#include <algorithm>

using namespace Qt::StringLiterals;

namespace {

struct LogFigures
{
    qint64 worstStallMs = 0;
    double seconds = 0;
    double grewMb = 0;
};

LogFigures pushLines(int lines)
{
    forge::ui::BuildLogPanel panel;
    panel.resize(900, 700);
    panel.show();
    QCoreApplication::processEvents();
    const qint64 before = forge::test::statusKiB(QCoreApplication::applicationPid(), "VmRSS");

    QElapsedTimer beat;
    beat.start();
    qint64 worst = 0;
    QTimer heartbeat;
    heartbeat.setTimerType(Qt::PreciseTimer);
    heartbeat.setInterval(1);
    QObject::connect(&heartbeat, &QTimer::timeout, [&] { worst = std::max(worst, beat.restart()); });

    panel.stepStarted(forge::StepId::StartDevServer, 1);
    QElapsedTimer clock;
    clock.start();
    int pushed = 0;
    QEventLoop loop;
    std::function<void()> pushBatch = [&] {
        for (int i = 0; i < 1000 && pushed < lines; ++i, ++pushed) {
            panel.appendOutput(
                forge::StepId::StartDevServer, forge::OutputChannel::Stdout,
                u"[vite] hmr update /src/components/Widget%1.tsx (x%2) \x1b[32mok\x1b[0m"_s.arg(pushed % 97)
                    .arg(pushed),
                false);
        }
        if (pushed < lines)
            QTimer::singleShot(0, &panel, pushBatch);
        else
            QTimer::singleShot(50, &loop, &QEventLoop::quit); // let the panel's own timers catch up
    };
    heartbeat.start();
    beat.restart();
    QTimer::singleShot(0, &panel, pushBatch);
    loop.exec();
    heartbeat.stop();
    LogFigures figures;
    figures.seconds = double(clock.elapsed()) / 1000.0;
    figures.worstStallMs = worst;
    figures.grewMb =
        double(forge::test::statusKiB(QCoreApplication::applicationPid(), "VmRSS") - before) / 1024.0;
    return figures;
}

struct StartUpFigures
{
    double medianMs = 0;
    double idleMemoryMb = 0;
};

StartUpFigures startUp(int runs)
{
    QList<double> times;
    double idleMb = 0;
    for (int i = 0; i < runs; ++i) {
        QTemporaryDir data;
        QProcess app;
        QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
        environment.insert(u"FORGE_PREVIEW_DATA_DIR"_s, data.path());
        environment.insert(u"XDG_CONFIG_HOME"_s, data.filePath(u"config"_s));
        app.setProcessEnvironment(environment);
        app.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        const forge::ui::InstanceChannel channel(data.path());
        QElapsedTimer clock;
        clock.start();
        app.start(QStringLiteral(FORGE_GUI_PATH), {});
        bool up = false;
        while (!up && clock.elapsed() < 60'000 && app.state() != QProcess::NotRunning) {
            up =
                channel.sendToRunningInstance(QString::fromLatin1(forge::ui::InstanceChannel::Activate), 200);
            if (!up)
                QThread::msleep(5);
        }
        if (!up) {
            qCritical("forge-preview did not come up");
            return {};
        }
        times.append(double(clock.nsecsElapsed()) / 1e6);
        QThread::sleep(2);
        qint64 kb = forge::test::statusKiB(app.processId(), "VmRSS");
        for (const forge::test::ProcessId& child : forge::test::descendantsOf(app.processId()))
            kb += forge::test::statusKiB(child.pid, "VmRSS");
        idleMb = std::max(idleMb, double(kb) / 1024.0);
        app.terminate();
        if (!app.waitForFinished(20'000))
            app.kill();
    }
    std::sort(times.begin(), times.end());
    return {times.isEmpty() ? 0 : times.at(times.size() / 2), idleMb};
}

} // namespace

int main(int argc, char* argv[])
{
    QApplication application(argc, argv);
    QCommandLineParser parser;
    parser.addHelpOption();
    const QCommandLineOption linesOption(u"lines"_s, u"Lines for the log panel (200000)."_s, u"n"_s,
                                         u"200000"_s);
    const QCommandLineOption runsOption(u"runs"_s, u"Start-ups to time (3)."_s, u"n"_s, u"3"_s);
    const QCommandLineOption jsonOption(u"json"_s, u"Write the figures as JSON to this file."_s, u"file"_s);
    parser.addOptions({linesOption, runsOption, jsonOption});
    parser.process(application);
    const int lines = std::max(1, parser.value(linesOption).toInt());

    QTextStream out(stdout);
    const LogFigures log = pushLines(lines);
    out << "Build log panel, " << lines << " lines: worst event-loop stall " << log.worstStallMs
        << " ms, all in " << QString::number(log.seconds, 'f', 2) << " s, memory +"
        << QString::number(log.grewMb, 'f', 1) << " MB\n";
    out.flush();
    const StartUpFigures start = startUp(std::max(1, parser.value(runsOption).toInt()));
    out << "GUI start-up (launch to window up and answering): median "
        << QString::number(start.medianMs, 'f', 0) << " ms, idle memory with helper processes "
        << QString::number(start.idleMemoryMb, 'f', 0) << " MB\n";

    if (parser.isSet(jsonOption)) {
        QFile file(parser.value(jsonOption));
        const QJsonObject report{{u"buildLog"_s, QJsonObject{{u"lines"_s, lines},
                                                             {u"worstStallMs"_s, log.worstStallMs},
                                                             {u"seconds"_s, log.seconds},
                                                             {u"memoryGrowthMb"_s, log.grewMb}}},
                                 {u"guiStartUp"_s, QJsonObject{{u"medianMs"_s, start.medianMs},
                                                               {u"idleMemoryMb"_s, start.idleMemoryMb}}}};
        if (!file.open(QIODevice::WriteOnly) || file.write(QJsonDocument(report).toJson()) < 0) {
            qCritical("could not write %s", qPrintable(parser.value(jsonOption)));
            return 1;
        }
    }
    return 0;
}
