#include "CliOptions.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QRegularExpression>

using namespace Qt::StringLiterals;

namespace forge::cli {

namespace {

QString usage()
{
    return u"Usage: forge-preview-cli preview <git URL | local path> [options]\n"
           u"\n"
           u"Clones the repository into a sandbox, detects the framework, installs dependencies, starts the\n"
           u"dev server and prints the preview URL once it answers. Keeps serving until Ctrl+C.\n"
           u"\n"
           u"Options:\n"
           u"  -b, --branch <name>        branch to preview (default: the repository's default branch)\n"
           u"  -m, --mode <dev|production> dev server (default) or build + production server\n"
           u"  -p, --provider <local>     sandbox back end (default: local)\n"
           u"      --exit-when-ready      stop the sandbox and exit 0 as soon as the preview answers\n"
           u"      --json                 print one JSON object per line instead of text\n"
           u"      --ready-timeout <s>    how long the dev server may take to answer (default: 180)\n"
           u"  -h, --help                 show this help\n"
           u"  -v, --version              show the version\n"
           u"\n"
           u"Exit codes: 0 ok, 2 bad usage or input, 3 sandbox, 4 clone, 5 nothing runnable, 6 install,\n"
           u"7 build, 8 dev server, 9 publish, 10 dev server died after ready, 130 interrupted.\n"_s;
}

ParseOutcome usageError(const QString& message)
{
    return ParseOutcome{std::nullopt, ExitUsage, message + u"\n\n"_s + usage(), true};
}

} // namespace

ParseOutcome parseArguments(const QStringList& arguments, const QString& workingDirectory)
{
    QCommandLineParser parser;
    parser.setOptionsAfterPositionalArgumentsMode(QCommandLineParser::ParseAsOptions);
    const QCommandLineOption branch({u"b"_s, u"branch"_s}, u"branch"_s, u"name"_s);
    const QCommandLineOption mode({u"m"_s, u"mode"_s}, u"mode"_s, u"mode"_s, u"dev"_s);
    const QCommandLineOption provider({u"p"_s, u"provider"_s}, u"provider"_s, u"provider"_s, u"local"_s);
    const QCommandLineOption exitWhenReady(u"exit-when-ready"_s);
    const QCommandLineOption json(u"json"_s);
    const QCommandLineOption readyTimeout(u"ready-timeout"_s, u"seconds"_s, u"seconds"_s, u"180"_s);
    const QCommandLineOption help(QStringList{u"h"_s, u"help"_s});
    const QCommandLineOption version(QStringList{u"v"_s, u"version"_s});
    parser.addOptions({branch, mode, provider, exitWhenReady, json, readyTimeout, help, version});

    if (!parser.parse(arguments))
        return usageError(parser.errorText());
    if (parser.isSet(help))
        return ParseOutcome{std::nullopt, ExitOk, usage(), false};
    if (parser.isSet(version))
        return ParseOutcome{std::nullopt, ExitOk,
                            u"forge-preview-cli %1\n"_s.arg(QCoreApplication::applicationVersion()), false};

    const QStringList positional = parser.positionalArguments();
    if (positional.isEmpty())
        return usageError(u"Missing command."_s);
    if (positional.first() != u"preview"_s)
        return usageError(u"Unknown command \"%1\"."_s.arg(positional.first()));
    if (positional.size() < 2)
        return usageError(u"Missing the repository to preview: a git URL or a local path."_s);
    if (positional.size() > 2)
        return usageError(u"Too many arguments: %1."_s.arg(positional.mid(2).join(u' ')));

    CliOptions options;
    auto parsed = RepoRef::parse(positional.at(1), workingDirectory);
    if (const auto* error = std::get_if<RepoRefError>(&parsed)) {
        QString text = error->message;
        if (!error->advice.isEmpty())
            text += u"\n"_s + error->advice;
        return ParseOutcome{std::nullopt, ExitUsage, text, true};
    }
    options.repository = std::get<RepoRef>(parsed);

    const auto parsedMode = runModeFromString(parser.value(mode));
    if (!parsedMode)
        return usageError(u"Unknown mode \"%1\": use dev or production."_s.arg(parser.value(mode)));
    options.mode = *parsedMode;

    options.provider = parser.value(provider);
    if (options.provider != u"local"_s) {
        return usageError(
            u"Unknown provider \"%1\": only \"local\" is available in this version."_s.arg(options.provider));
    }

    options.branch = parser.value(branch).trimmed();
    if (options.branch.startsWith(u'-') || options.branch.contains(u"..") ||
        options.branch.contains(QRegularExpression(u"[\\s~^:?*\\[\\\\\\x00-\\x1f]"_s))) {
        return usageError(u"\"%1\" is not a valid branch name."_s.arg(options.branch));
    }

    bool numberOk = false;
    options.readyTimeoutSeconds = parser.value(readyTimeout).toInt(&numberOk);
    if (!numberOk || options.readyTimeoutSeconds < 1 || options.readyTimeoutSeconds > 3600)
        return usageError(u"--ready-timeout takes a number of seconds between 1 and 3600."_s);

    options.exitWhenReady = parser.isSet(exitWhenReady);
    options.json = parser.isSet(json);
    return ParseOutcome{options, ExitOk, {}, false};
}

} // namespace forge::cli
