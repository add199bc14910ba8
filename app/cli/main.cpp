// forge-preview-cli: preview a repository from the command line.

#include "CliOptions.h"
#include "PreviewCommand.h"
#include "app/AppContext.h"
#include "core/SignalWatcher.h"
#include "sandbox/LocalProvider.h"
#include "sandbox/daytona/DaytonaProvider.h"
#include "secrets/SecretStore.h"
#include "store/DaytonaSettings.h"

#include <QCoreApplication>
#include <QCoroTask>
#include <QDir>
#include <QProcessEnvironment>
#include <QTextStream>
#include <QTimer>
#include <cstdio>

using namespace Qt::StringLiterals;

namespace {

// The Daytona client configuration: the environment's key, else the one Settings keeps in the
// keychain; nullopt (after saying why) when there is none.
QCoro::Task<std::optional<forge::daytona::DaytonaConfig>> daytonaConfig(forge::cli::CliOptions options,
                                                                        forge::SecretStore& secrets)
{
    auto config = forge::daytona::DaytonaConfig::fromEnvironment();
    if (!options.daytonaApiUrl.isEmpty())
        config.apiUrl = options.daytonaApiUrl;
    if (!options.daytonaTarget.isEmpty())
        config.target = options.daytonaTarget;
    QString keychainProblem;
    if (config.apiKey.isEmpty() && config.jwtToken.isEmpty()) {
        const forge::SecretKey key = forge::DaytonaSettings::keychainKeyFor(config.apiUrl.toString());
        const forge::SecretResult stored = co_await secrets.read(key);
        if (stored.isFound())
            config.apiKey = stored.secret();
        else if (!stored.ok())
            keychainProblem = stored.message();
    }
    if (const QString invalid = config.validationError(); !invalid.isEmpty()) {
        QTextStream err(stderr);
        err << invalid << "\n";
        if (!keychainProblem.isEmpty())
            err << "The keychain could not be read: " << keychainProblem << "\n";
        err << "Create an API key in Daytona's dashboard (Keys), then enter it in Forge Preview's Settings "
               "or run again with DAYTONA_API_KEY set in the environment.\n";
        co_return std::nullopt;
    }
    co_return config;
}

QCoro::Task<int> run(forge::cli::CliOptions options)
{
    // The application core the desktop app builds too, with only what one command-line run needs:
    // the storage its runs are recorded in and the keychain.
    forge::AppContext context(forge::LocalProvider::defaultDataDirectory(),
                              forge::AppContext::Role::CommandLine);
    forge::SecretStore& secrets = context.secrets();
    forge::cli::GitHubCredentials gitHub = co_await forge::cli::GitHubCredentials::resolve(
        options.gitHubHost, QProcessEnvironment::systemEnvironment(), secrets);
    std::unique_ptr<forge::SandboxProvider> provider;
    if (options.provider == u"daytona"_s) {
        const auto config = co_await daytonaConfig(options, secrets);
        if (!config)
            co_return forge::cli::ExitUsage;
        forge::DaytonaSandboxOptions sandboxOptions = options.daytona;
        sandboxOptions.gitHubHost = gitHub.host.name();
        sandboxOptions.ownerId = forge::DaytonaSettings::ownerId(); // the app's too: same settings
        provider = std::make_unique<forge::DaytonaProvider>(*config, sandboxOptions);
    } else {
        // Isolated, or the run fails at its first step saying what to install; plain processes only
        // when the user asked for them (--no-isolation; PreviewCommand warns).
        provider = std::make_unique<forge::LocalProvider>(
            forge::LocalProvider::Options{forge::LocalProvider::defaultDataDirectory(),
                                          options.isolation ? forge::LocalProvider::Isolation::Bubblewrap
                                                            : forge::LocalProvider::Isolation::None,
                                          forge::LocalProvider::defaultCacheDirectory()});
    }

    provider->setToolchains(&context.toolchains());
    forge::cli::PreviewCommand command(options, context, *provider);
    command.setGitHubCredentials(std::move(gitHub));
    forge::SignalWatcher signalWatcher;
    QObject::connect(&signalWatcher, &forge::SignalWatcher::interrupted, &command, [&command](int count) {
        if (count >= 3) {
            // The user insists: leave now. Child processes die with us (process groups, bubblewrap's
            // --die-with-parent).
            std::fputs("\nForced exit.\n", stderr);
            std::_Exit(forge::cli::ExitInterrupted);
        }
        command.interrupt();
    });
    co_return co_await command.run();
}

} // namespace

int main(int argc, char* argv[])
{
    QCoreApplication app(argc, argv);
    // The same names as the desktop app, so both read the same settings (the signed-in account).
    QCoreApplication::setApplicationName(u"forge-preview"_s);
    QCoreApplication::setOrganizationName(u"forge-preview"_s);
    QCoreApplication::setApplicationVersion(QStringLiteral(FORGE_VERSION));

    const auto parsed = forge::cli::parseArguments(QCoreApplication::arguments(), QDir::currentPath());
    if (!parsed.options) {
        QTextStream(parsed.toStderr ? stderr : stdout)
            << parsed.output << (parsed.output.endsWith(u'\n') ? "" : "\n");
        return parsed.exitCode;
    }

    int exitCode = forge::cli::ExitInternalError;
    // Started from inside the event loop: a run can end without ever waiting (a machine that cannot
    // isolate sandboxes fails before anything starts), and an exit() before exec() would be lost,
    // leaving the program waiting for ever.
    QTimer::singleShot(0, &app, [&app, &exitCode, options = *parsed.options] {
        QCoro::connect(run(options), &app, [&exitCode](int code) {
            exitCode = code;
            QCoreApplication::exit(code);
        });
    });
    app.exec();
    return exitCode;
}
