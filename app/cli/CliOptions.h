#pragma once

#include "core/ProjectEnvironment.h"
#include "core/RepoRef.h"
#include "core/RunPlan.h"
#include "github/GitHubHost.h"
#include "sandbox/daytona/DaytonaProvider.h"

#include <QString>
#include <QStringList>
#include <QUrl>
#include <optional>

namespace forge::cli {

// Exit codes of forge-preview-cli; documented in the README. A failing step maps to its own code
// so scripts can tell a bad URL from a broken install.
enum ExitCode : int {
    ExitOk = 0, // served and stopped on request, or ready with --exit-when-ready
    ExitInternalError = 1,
    ExitUsage = 2,           // bad arguments or input (invalid URL, not a git repository)
    ExitSandboxFailed = 3,   // create-sandbox
    ExitCloneFailed = 4,     // clone-repository
    ExitNothingRunnable = 5, // detect-framework
    ExitInstallFailed = 6,   // install-dependencies
    ExitBuildFailed = 7,     // build-project
    ExitServerFailed = 8,    // start-dev-server (never ready, crashed, port taken)
    ExitPublishFailed = 9,   // publish-preview
    ExitServerExited = 10,   // the dev server died after the preview was ready
    ExitInterrupted = 130,   // Ctrl+C before the preview was ready
};

struct CliOptions
{
    RepoRef repository;
    QString branch;
    // --working-copy (issue 22): a local folder's files as they are on disk now, uncommitted edits
    // included, instead of its branch's committed state.
    bool workingCopy = false;
    RunMode mode = RunMode::Dev;
    QString provider = QStringLiteral("local");
    bool exitWhenReady = false;
    bool useInstallCache = true; // --no-install-cache turns it off
    // Local sandboxes are isolated, or the run fails saying what to install; --no-isolation runs the
    // repository's code as plain processes instead (the user's explicit choice, with a warning).
    bool isolation = true;
    bool json = false;
    int readyTimeoutSeconds = 180;
    // --provider daytona: where and how (the API key comes from the environment, never argv).
    QUrl daytonaApiUrl; // empty: DAYTONA_API_URL or Daytona's default
    QString daytonaTarget;
    DaytonaSandboxOptions daytona;
    // --signed-url: once ready, print a link to the private preview that expires after this many
    // minutes (0: none).
    int signedUrlMinutes = 0;
    // --github-host: the GitHub whose token private repositories get (else GH_HOST, the signed-in
    // account's host, github.com).
    std::optional<github::GitHubHost> gitHubHost;
    // --node and --package-manager: instead of what the repository asks for. nodeVersion is a
    // version or range ("22", "^20.11", "lts/*"); packageManager "pnpm@9.15.9" (or a range).
    QString nodeVersion;
    QString packageManager;
    // --env NAME=VALUE (repeatable) and --env-file FILE: variables on top of the project's stored
    // environment (the desktop app's), the later ones winning. Values from a file whose names look
    // like credentials are secrets (redacted from the output); --env values are plain (argv is
    // visible to every local user, and the program says so).
    ProjectEnvironment environment;
    bool environmentInArguments = false;
};

struct ParseOutcome
{
    std::optional<CliOptions> options; // set when the program should run
    int exitCode = ExitOk;             // otherwise: exit with this code…
    QString output;                    // …after printing this (help/version to stdout, errors to stderr)
    bool toStderr = false;
};

ParseOutcome parseArguments(const QStringList& arguments, const QString& workingDirectory);

} // namespace forge::cli
