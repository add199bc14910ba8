// forge-preview-cli: preview a repository from the command line.

#include "CliOptions.h"
#include "PreviewCommand.h"
#include "core/SignalWatcher.h"
#include "sandbox/LocalProvider.h"

#include <QCoreApplication>
#include <QDir>
#include <QTextStream>
#include <cstdio>

using namespace Qt::StringLiterals;

int main(int argc, char* argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(u"forge-preview"_s);
    QCoreApplication::setApplicationVersion(QStringLiteral(FORGE_VERSION));

    const auto parsed = forge::cli::parseArguments(QCoreApplication::arguments(), QDir::currentPath());
    if (!parsed.options) {
        QTextStream(parsed.toStderr ? stderr : stdout)
            << parsed.output << (parsed.output.endsWith(u'\n') ? "" : "\n");
        return parsed.exitCode;
    }

    forge::LocalProvider provider(
        {forge::LocalProvider::defaultDataDirectory(), forge::LocalProvider::Isolation::Auto});
    forge::cli::PreviewCommand command(*parsed.options, provider);
    forge::SignalWatcher signalWatcher;
    QObject::connect(&signalWatcher, &forge::SignalWatcher::interrupted, &command, [&command](int count) {
        if (count >= 3) {
            // The user insists: leave now. Child processes die with us (process groups,
            // bubblewrap's
            // --die-with-parent).
            std::fputs("\nForced exit.\n", stderr);
            std::_Exit(forge::cli::ExitInterrupted);
        }
        command.interrupt();
    });

    int exitCode = forge::cli::ExitInternalError;
    QCoro::connect(command.run(), &app, [&exitCode](int code) {
        exitCode = code;
        QCoreApplication::exit(code);
    });
    app.exec();
    return exitCode;
}
