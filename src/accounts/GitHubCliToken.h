#pragma once

#include "github/GitHubHost.h"

#include <QCoro/QCoroTask>
#include <QString>
#include <chrono>

namespace forge {

// The token the GitHub CLI is signed in with (`gh auth token --hostname HOST`), to import it instead
// of signing in again. The token only travels through a pipe from gh to this process.
struct GitHubCliToken
{
    QString token;   // empty when there is none
    QString problem; // why not, and what to do; empty when `token` is set

    // Whether a `gh` program is on PATH.
    static bool isInstalled();
    static QCoro::Task<GitHubCliToken> read(github::GitHubHost host,
                                            std::chrono::milliseconds timeout = std::chrono::seconds(10));
};

} // namespace forge
