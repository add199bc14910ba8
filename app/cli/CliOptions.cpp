#include "CliOptions.h"

#include "core/EnvFile.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QFile>
#include <QRegularExpression>
#include <optional>
#include <variant>

using namespace Qt::StringLiterals;

namespace forge::cli {

namespace {

QString usage()
{
    return u"Usage: forge-preview-cli preview <git URL | pull request URL | local path> [options]\n"
           u"\n"
           u"A pull request's address (https://github.com/owner/repo/pull/42) previews its head, fetched "
           u"from\n"
           u"the base repository (also for a pull request from a fork).\n"
           u"\n"
           u"Clones the repository into a sandbox, detects the framework, installs dependencies, starts the\n"
           u"dev server and prints the preview URL once it answers. Keeps serving until Ctrl+C.\n"
           u"\n"
           u"Options:\n"
           u"  -b, --branch <name>        branch to preview (default: the repository's default branch)\n"
           u"      --working-copy         a local folder's files as they are on disk now, uncommitted edits\n"
           u"                             included (tracked and untracked but not ignored), instead of a\n"
           u"                             branch's committed state\n"
           u"  -m, --mode <dev|production> dev server (default) or build + production server\n"
           u"  -p, --provider <local|daytona> sandbox back end (default: local)\n"
           u"      --exit-when-ready      stop the sandbox and exit 0 as soon as the preview answers\n"
           u"      --no-install-cache     install the dependencies even when the install cache has them\n"
           u"      --no-isolation         run the repository's code as plain processes, as you, with access\n"
           u"                             to your files, tokens and network (local only; only for code you\n"
           u"                             trust). Without it, a local run fails where bubblewrap or pasta\n"
           u"                             does not work, saying what to install.\n"
           u"      --node <version>       run under this Node.js version or range (\"22\", \"^20.11\",\n"
           u"                             \"lts/*\") instead of what the repository asks for\n"
           u"      --package-manager <name@version> this version of the project's package manager\n"
           u"                             (\"pnpm@9.15.9\", \"yarn@4\") instead of the one it asks for\n"
           u"      --env <NAME=VALUE>     give the project's commands this variable (repeatable); not for\n"
           u"                             secrets: the command line is visible to every local user\n"
           u"      --env-file <file>      the variables of a .env file (NAME=value lines); values of names\n"
           u"                             with KEY, TOKEN, SECRET, PASSWORD or PRIVATE are redacted\n"
           u"      --json                 print one JSON object per line instead of text\n"
           u"      --ready-timeout <s>    how long the dev server may take to answer (default: 180)\n"
           u"      --github-host <host[:port]> the GitHub (or Enterprise) host whose token private\n"
           u"                             repositories get (default: GH_HOST, the signed-in account's,\n"
           u"                             the one in Settings, github.com)\n"
           u"  -h, --help                 show this help\n"
           u"  -v, --version              show the version\n"
           u"\n"
           u"Private GitHub repositories use GH_TOKEN or GITHUB_TOKEN, else the token of the account signed\n"
           u"in with the desktop app (kept in the keychain); the token goes to that GitHub host only.\n"
           u"\n"
           u"Daytona (--provider daytona; the API key is read from DAYTONA_API_KEY, or DAYTONA_JWT_TOKEN\n"
           u"with DAYTONA_ORGANIZATION_ID, else from the keychain where Settings keeps it):\n"
           u"      --api-url <url>        Daytona API (default: DAYTONA_API_URL or "
           u"https://app.daytona.io/api)\n"
           u"      --target <region>      target region (default: DAYTONA_TARGET or the organization's)\n"
           u"      --size <small|medium|large> resources of a sandbox built from the image (default: small)\n"
           u"      --image <image>        image to build the sandbox from (default: node:22-bookworm)\n"
           u"      --snapshot <name>      create from this snapshot instead of the image\n"
           u"      --public               make the preview public (default: private: members of the\n"
           u"                             organization open it after signing in to Daytona)\n"
           u"      --signed-url <minutes> also print a link to the private preview that anyone can open\n"
           u"                             until it expires after this many minutes (1 to 1440)\n"
           u"      --auto-stop <minutes>  stop the sandbox after this much inactivity, 0 = never (default: "
           u"30)\n"
           u"\n"
           u"Exit codes: 0 ok, 2 bad usage or input, 3 sandbox, 4 clone, 5 nothing runnable, 6 install,\n"
           u"7 build, 8 dev server, 9 publish, 10 dev server died after ready, 130 interrupted.\n"_s;
}

ParseOutcome usageError(const QString& message)
{
    return ParseOutcome{std::nullopt, ExitUsage, message + u"\n\n"_s + usage(), true};
}

// The options the command line knows.
struct OptionSet
{
    const QCommandLineOption branch{{u"b"_s, u"branch"_s}, u"branch"_s, u"name"_s};
    const QCommandLineOption workingCopy{u"working-copy"_s};
    const QCommandLineOption mode{{u"m"_s, u"mode"_s}, u"mode"_s, u"mode"_s, u"dev"_s};
    const QCommandLineOption provider{{u"p"_s, u"provider"_s}, u"provider"_s, u"provider"_s, u"local"_s};
    const QCommandLineOption exitWhenReady{u"exit-when-ready"_s};
    const QCommandLineOption noInstallCache{u"no-install-cache"_s};
    const QCommandLineOption noIsolation{u"no-isolation"_s};
    const QCommandLineOption json{u"json"_s};
    const QCommandLineOption readyTimeout{u"ready-timeout"_s, u"seconds"_s, u"seconds"_s, u"180"_s};
    const QCommandLineOption help{QStringList{u"h"_s, u"help"_s}};
    const QCommandLineOption version{QStringList{u"v"_s, u"version"_s}};
    const QCommandLineOption apiUrl{u"api-url"_s, u"url"_s, u"url"_s};
    const QCommandLineOption target{u"target"_s, u"region"_s, u"region"_s};
    const QCommandLineOption size{u"size"_s, u"size"_s, u"size"_s};
    const QCommandLineOption image{u"image"_s, u"image"_s, u"image"_s};
    const QCommandLineOption snapshot{u"snapshot"_s, u"name"_s, u"name"_s};
    const QCommandLineOption isPublic{u"public"_s};
    const QCommandLineOption autoStop{u"auto-stop"_s, u"minutes"_s, u"minutes"_s};
    const QCommandLineOption signedUrl{u"signed-url"_s, u"minutes"_s, u"minutes"_s};
    const QCommandLineOption gitHubHost{u"github-host"_s, u"host"_s, u"host"_s};
    const QCommandLineOption node{u"node"_s, u"version"_s, u"version"_s};
    const QCommandLineOption packageManager{u"package-manager"_s, u"name@version"_s, u"name@version"_s};
    const QCommandLineOption env{u"env"_s, u"NAME=VALUE"_s, u"NAME=VALUE"_s};
    const QCommandLineOption envFile{u"env-file"_s, u"file"_s, u"file"_s};

    void addTo(QCommandLineParser& parser) const
    {
        parser.addOptions({branch,         mode,     provider,     exitWhenReady, noInstallCache,
                           noIsolation,    json,     readyTimeout, help,          version,
                           apiUrl,         target,   size,         image,         snapshot,
                           isPublic,       autoStop, gitHubHost,   signedUrl,     node,
                           packageManager, env,      envFile,      workingCopy});
    }
};

// The command and the repository: `preview <repository>`.
std::variant<RepoRef, ParseOutcome> parseCommand(const QStringList& positional,
                                                 const QString& workingDirectory)
{
    if (positional.isEmpty())
        return usageError(u"Missing command."_s);
    if (positional.first() != u"preview"_s)
        return usageError(u"Unknown command \"%1\"."_s.arg(positional.first()));
    if (positional.size() < 2)
        return usageError(u"Missing the repository to preview: a git URL or a local path."_s);
    if (positional.size() > 2)
        return usageError(u"Too many arguments: %1."_s.arg(positional.mid(2).join(u' ')));

    auto parsed = RepoRef::parse(positional.at(1), workingDirectory);
    if (const auto* error = std::get_if<RepoRefError>(&parsed)) {
        QString text = error->message;
        if (!error->advice.isEmpty())
            text += u"\n"_s + error->advice;
        return ParseOutcome{std::nullopt, ExitUsage, text, true};
    }
    return std::get<RepoRef>(std::move(parsed));
}

// What does not go with the chosen provider: Daytona's options on a local run, --no-isolation or a
// local folder on a Daytona one.
std::optional<ParseOutcome> checkProviderOptions(const QCommandLineParser& parser, const OptionSet& set,
                                                 const CliOptions& options)
{
    const bool daytona = options.provider == u"daytona"_s;
    for (const QCommandLineOption* only : {&set.apiUrl, &set.target, &set.size, &set.image, &set.snapshot,
                                           &set.isPublic, &set.autoStop, &set.signedUrl}) {
        if (!daytona && parser.isSet(*only))
            return usageError(u"--%1 only applies to --provider daytona."_s.arg(only->names().constFirst()));
    }
    if (daytona && parser.isSet(set.noIsolation))
        return usageError(u"--no-isolation only applies to --provider local: Daytona runs every sandbox "
                          u"isolated in its cloud."_s);
    // A working copy goes up as files; a folder's branch would be cloned by Daytona.
    if (daytona && !options.repository.isRemote() && !parser.isSet(set.workingCopy)) {
        return ParseOutcome{
            std::nullopt, ExitUsage,
            u"A Daytona sandbox runs in the cloud and cannot clone the folder %1.\n"
            u"Preview its working copy there with --working-copy (its files are uploaded), push the "
            u"repository to a git host and preview its URL, or use --provider local."_s.arg(
                options.repository.localPath()),
            true};
    }
    return std::nullopt;
}

// --api-url, --target, --size, --image, --snapshot, --public and --auto-stop.
std::optional<ParseOutcome> readDaytonaOptions(const QCommandLineParser& parser, const OptionSet& set,
                                               CliOptions& options)
{
    if (parser.isSet(set.apiUrl)) {
        const QUrl url(parser.value(set.apiUrl), QUrl::StrictMode);
        const bool loopback =
            url.host() == u"localhost"_s || url.host() == u"127.0.0.1"_s || url.host() == u"::1"_s;
        if (!url.isValid() || url.host().isEmpty() || !url.userInfo().isEmpty() ||
            (url.scheme() != u"https"_s && !(url.scheme() == u"http"_s && loopback))) {
            return usageError(u"--api-url takes an https:// URL (http:// only on this computer), for example "
                              u"https://app.daytona.io/api."_s);
        }
        options.daytonaApiUrl = url;
    }
    options.daytonaTarget = parser.value(set.target).trimmed();
    if (parser.isSet(set.size)) {
        const auto parsedSize = DaytonaSandboxOptions::sizeFromString(parser.value(set.size));
        if (!parsedSize)
            return usageError(
                u"Unknown size \"%1\": use small, medium or large."_s.arg(parser.value(set.size)));
        options.daytona.size = *parsedSize;
    }
    if (parser.isSet(set.image))
        options.daytona.image = parser.value(set.image).trimmed();
    options.daytona.snapshot = parser.value(set.snapshot).trimmed();
    if (parser.isSet(set.image) && !options.daytona.snapshot.isEmpty())
        return usageError(u"Give --image or --snapshot, not both."_s);
    options.daytona.publicPreview = parser.isSet(set.isPublic);
    if (parser.isSet(set.autoStop)) {
        bool ok = false;
        options.daytona.autoStopMinutes = parser.value(set.autoStop).toInt(&ok);
        if (!ok || options.daytona.autoStopMinutes < 0 || options.daytona.autoStopMinutes > 10080)
            return usageError(
                u"--auto-stop takes a number of minutes between 0 (never) and 10080 (a week)."_s);
    }
    return std::nullopt;
}

// --node and --package-manager: versions or ranges in npm's syntax, or Node.js's aliases.
std::optional<ParseOutcome> readToolchainOptions(const QCommandLineParser& parser, const OptionSet& set,
                                                 CliOptions& options)
{
    static const QRegularExpression range(u"\\A[0-9A-Za-z.*^~<>=|/ xX+-]{1,64}\\z"_s);
    static const QRegularExpression manager(u"\\A(npm|pnpm|yarn|bun)@(.+)\\z"_s);
    if (parser.isSet(set.node)) {
        options.nodeVersion = parser.value(set.node).trimmed();
        if (!range.match(options.nodeVersion).hasMatch())
            return usageError(u"--node takes a Node.js version or range, for example 22, ^20.11 or lts/*."_s);
    }
    if (parser.isSet(set.packageManager)) {
        options.packageManager = parser.value(set.packageManager).trimmed();
        const auto match = manager.match(options.packageManager);
        if (!match.hasMatch() || !range.match(match.captured(2)).hasMatch())
            return usageError(u"--package-manager takes a name and a version or range, for example "
                              u"pnpm@9.15.9 or yarn@4 (npm, pnpm, yarn or bun)."_s);
    }
    return std::nullopt;
}

// The variables of a .env file given with --env-file; nullopt with `problem` (what is wrong, where)
// for a file that cannot be read or has lines that are not NAME=value.
std::optional<ProjectEnvironment> readEnvFile(const QString& path, QString* problem)
{
    constexpr qint64 MaxEnvFileSize = 1024 * 1024;
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        *problem = u"--env-file: %1 cannot be read (%2)."_s.arg(path, file.errorString());
        return std::nullopt;
    }
    if (file.size() > MaxEnvFileSize) {
        *problem = u"--env-file: %1 is larger than 1 MB; is it really a .env file?"_s.arg(path);
        return std::nullopt;
    }
    const EnvFile parsed = EnvFile::parse(file.readAll(), EnvFile::Kind::Values);
    QStringList problems = parsed.problems;
    ProjectEnvironment environment = EnvFile::toEnvironment(parsed.entries, &problems);
    if (!problems.isEmpty()) {
        *problem = u"--env-file: %1 has lines that are not NAME=value; fix them and run again:\n  %2"_s.arg(
            path, problems.join(u"\n  "_s));
        return std::nullopt;
    }
    return environment;
}

// --env-file then --env: the variables of the project's commands.
std::optional<ParseOutcome> readEnvironmentOptions(const QCommandLineParser& parser, const OptionSet& set,
                                                   CliOptions& options)
{
    for (const QString& path : parser.values(set.envFile)) {
        QString problem;
        const std::optional<ProjectEnvironment> read = readEnvFile(path, &problem);
        if (!read)
            return usageError(problem);
        for (const EnvironmentVariable& variable : read->variables)
            options.environment.set(variable);
    }
    for (const QString& assignment : parser.values(set.env)) {
        const qsizetype equals = assignment.indexOf(u'=');
        EnvironmentVariable variable;
        variable.name = assignment.left(equals);
        variable.value = equals < 0 ? QString() : assignment.mid(equals + 1);
        const QString problem = ProjectEnvironment::nameProblem(variable.name);
        if (equals < 0 || !problem.isEmpty()) {
            return usageError(u"--env takes NAME=VALUE, for example --env API_URL=http://localhost:4000. %1"_s
                                  .arg(equals < 0 ? QString() : problem)
                                  .trimmed());
        }
        options.environment.set(variable);
        options.environmentInArguments = true;
    }
    return std::nullopt;
}

// --signed-url, --branch, --working-copy, --ready-timeout and --github-host.
std::optional<ParseOutcome> readRunOptions(const QCommandLineParser& parser, const OptionSet& set,
                                           CliOptions& options)
{
    if (parser.isSet(set.signedUrl)) {
        // GET /sandbox/{id}/ports/{port}/signed-preview-url takes 1 to 86400 seconds (api.json).
        bool ok = false;
        options.signedUrlMinutes = parser.value(set.signedUrl).toInt(&ok);
        if (!ok || options.signedUrlMinutes < 1 || options.signedUrlMinutes > 1440)
            return usageError(u"--signed-url takes a number of minutes between 1 and 1440 (a day)."_s);
        if (options.daytona.publicPreview)
            return usageError(u"--signed-url is for a private preview; a --public one needs no link that "
                              u"expires."_s);
    }

    options.branch = parser.value(set.branch).trimmed();
    if (options.branch.startsWith(u'-') || options.branch.contains(u"..") ||
        options.branch.contains(QRegularExpression(u"[\\s~^:?*\\[\\\\\\x00-\\x1f]"_s))) {
        return usageError(u"\"%1\" is not a valid branch name."_s.arg(options.branch));
    }
    if (!options.branch.isEmpty() && options.repository.pullRequest() > 0) {
        return usageError(u"--branch does not go with a pull request's address: its head is previewed. Give "
                          u"the repository's address with --branch, or the pull request's without it."_s);
    }
    options.workingCopy = parser.isSet(set.workingCopy);
    if (options.workingCopy && options.repository.isRemote()) {
        return usageError(u"--working-copy is for a folder on this computer: %1 is an address, whose "
                          u"committed state is previewed. Give the folder's path with --working-copy."_s.arg(
                              options.repository.canonical()));
    }
    if (options.workingCopy && !options.branch.isEmpty()) {
        return usageError(u"--working-copy does not go with --branch: the working copy is the files as they "
                          u"are on disk now, whatever branch is checked out. Give one or the other."_s);
    }

    bool numberOk = false;
    options.readyTimeoutSeconds = parser.value(set.readyTimeout).toInt(&numberOk);
    if (!numberOk || options.readyTimeoutSeconds < 1 || options.readyTimeoutSeconds > 3600)
        return usageError(u"--ready-timeout takes a number of seconds between 1 and 3600."_s);

    if (parser.isSet(set.gitHubHost)) {
        QString error;
        options.gitHubHost = github::GitHubHost::parse(parser.value(set.gitHubHost), &error);
        if (!options.gitHubHost)
            return usageError(u"--github-host: "_s + error);
    }
    return std::nullopt;
}

} // namespace

ParseOutcome parseArguments(const QStringList& arguments, const QString& workingDirectory)
{
    QCommandLineParser parser;
    parser.setOptionsAfterPositionalArgumentsMode(QCommandLineParser::ParseAsOptions);
    const OptionSet set;
    set.addTo(parser);

    if (!parser.parse(arguments))
        return usageError(parser.errorText());
    if (parser.isSet(set.help))
        return ParseOutcome{std::nullopt, ExitOk, usage(), false};
    if (parser.isSet(set.version))
        return ParseOutcome{std::nullopt, ExitOk,
                            u"forge-preview-cli %1\n"_s.arg(QCoreApplication::applicationVersion()), false};

    CliOptions options;
    auto repository = parseCommand(parser.positionalArguments(), workingDirectory);
    if (auto* failed = std::get_if<ParseOutcome>(&repository))
        return std::move(*failed);
    options.repository = std::get<RepoRef>(std::move(repository));

    const auto parsedMode = runModeFromString(parser.value(set.mode));
    if (!parsedMode)
        return usageError(u"Unknown mode \"%1\": use dev or production."_s.arg(parser.value(set.mode)));
    options.mode = *parsedMode;

    options.provider = parser.value(set.provider);
    if (options.provider != u"local"_s && options.provider != u"daytona"_s)
        return usageError(u"Unknown provider \"%1\": use local or daytona."_s.arg(options.provider));
    if (auto failed = checkProviderOptions(parser, set, options))
        return std::move(*failed);
    if (auto failed = readDaytonaOptions(parser, set, options))
        return std::move(*failed);
    if (auto failed = readRunOptions(parser, set, options))
        return std::move(*failed);
    if (auto failed = readToolchainOptions(parser, set, options))
        return std::move(*failed);
    if (auto failed = readEnvironmentOptions(parser, set, options))
        return std::move(*failed);

    options.exitWhenReady = parser.isSet(set.exitWhenReady);
    options.useInstallCache = !parser.isSet(set.noInstallCache);
    options.isolation = !parser.isSet(set.noIsolation);
    options.json = parser.isSet(set.json);
    return ParseOutcome{options, ExitOk, {}, false};
}

} // namespace forge::cli
