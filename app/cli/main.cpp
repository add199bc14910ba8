// forge-preview-cli: preview a repository from the command line.

#include "CliOptions.h"
#include "PreviewCommand.h"
#include "core/SignalWatcher.h"
#include "sandbox/LocalProvider.h"
#include "sandbox/daytona/DaytonaProvider.h"

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

    std::unique_ptr<forge::SandboxProvider> provider;
    if (parsed.options->provider == u"daytona"_s) {
        auto config = forge::daytona::DaytonaConfig::fromEnvironment();
        if (!parsed.options->daytonaApiUrl.isEmpty())
            config.apiUrl = parsed.options->daytonaApiUrl;
        if (!parsed.options->daytonaTarget.isEmpty())
            config.target = parsed.options->daytonaTarget;
        if (const QString invalid = config.validationError(); !invalid.isEmpty()) {
            QTextStream(stderr) << invalid
                                << "\nCreate an API key in Daytona's dashboard (Keys), then run again "
                                   "with DAYTONA_API_KEY set in the environment.\n";
            return forge::cli::ExitUsage;
        }
        provider = std::make_unique<forge::DaytonaProvider>(config, parsed.options->daytona);
    } else {
        provider = std::make_unique<forge::LocalProvider>(forge::LocalProvider::Options{
            forge::LocalProvider::defaultDataDirectory(), forge::LocalProvider::Isolation::Auto});
    }
    forge::cli::PreviewCommand command(*parsed.options, *provider);
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
