// forge-daytona-emulator --port N [--data-dir DIR] [--api-key KEY] [--transition-delay MS]: runs the
// emulator until Ctrl+C.
#include "DaytonaEmulator.h"
#include "core/SignalWatcher.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>
#include <QTextStream>

using namespace Qt::StringLiterals;

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.setApplicationDescription(u"Daytona API emulator backed by local sandboxes"_s);
    parser.addHelpOption();
    const QCommandLineOption portOption(u"port"_s, u"Port on 127.0.0.1 (0 = any)."_s, u"N"_s, u"0"_s);
    const QCommandLineOption dataOption(u"data-dir"_s, u"Where sandboxes live."_s, u"DIR"_s);
    const QCommandLineOption keyOption(u"api-key"_s, u"Accepted API key (repeatable)."_s, u"KEY"_s);
    // Lifecycle calls answer in the transitional state (creating, stopping, archiving, ...) and finish
    // after MS milliseconds, so a client has to poll as it does on Daytona (setTransitionDelay).
    const QCommandLineOption delayOption(u"transition-delay"_s, u"Milliseconds each state change takes."_s,
                                         u"MS"_s, u"0"_s);
    parser.addOptions({portOption, dataOption, keyOption, delayOption});
    parser.process(app);

    forge::test::DaytonaEmulator::Options options;
    options.dataDirectory =
        parser.isSet(dataOption) ? parser.value(dataOption) : QDir::tempPath() + u"/forge-daytona-emulator"_s;
    if (parser.isSet(keyOption))
        options.apiKeys = parser.values(keyOption);
    forge::test::DaytonaEmulator emulator(options);
    emulator.setTransitionDelay(std::chrono::milliseconds(parser.value(delayOption).toInt()));
    if (!emulator.listen(quint16(parser.value(portOption).toUInt()))) {
        QTextStream(stderr) << "Could not listen on 127.0.0.1:" << parser.value(portOption) << '\n';
        return 1;
    }
    QTextStream(stdout) << emulator.apiUrl().toString() << Qt::endl;
    // Ctrl+C / SIGTERM: quit the loop so the destructors end the sandboxes' processes.
    forge::SignalWatcher watcher;
    QObject::connect(&watcher, &forge::SignalWatcher::interrupted, &app, &QCoreApplication::quit);
    return app.exec();
}
