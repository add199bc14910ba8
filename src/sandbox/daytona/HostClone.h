#pragma once

#include "sandbox/SandboxProvider.h"

#include <QCoroTask>
#include <QString>
#include <QTemporaryDir>

namespace forge {

// A clone that carries the user's GitHub token, made on this machine for a Daytona sandbox and then
// packed for upload, so that the token never enters a sandbox (issue 16). A Daytona sandbox is
// repository code's to control once anything of the repository has run in it - the toolbox daemon
// that would clone there runs inside it as the same user, with its files and its network - and the
// token would outlive a clone in one that has not run any yet (the daemon's memory, its askpass
// helper). git runs here as GitEnvironment sets it up, with an empty home and no git configuration
// file at all (GIT_CONFIG_GLOBAL=/dev/null, GIT_CONFIG_NOSYSTEM): proxies come from this user's
// environment as curl reads them, and no file decides where the token goes. Checking out runs no
// repository code either (no hooks, no submodules, and no filter without a configuration).
class HostClone final
{
    Q_DISABLE_COPY_MOVE(HostClone)
public:
    // Creates a private (0700) scratch folder; throws Failure when it cannot.
    HostClone();

    // Clones `spec` into the scratch folder, git's output to `sink`. A refused address or a missing
    // git throws Failure; a clone that fails (not found, no access, unknown branch) is a result with
    // git's exit code, its words in the output.
    QCoro::Task<CommandResult> clone(CloneSpec spec, OutputSink sink);
    // Packs the clone (with its .git, which holds no credentials) into a gzip-compressed tar archive
    // and returns its path. Symbolic links are packed as links, never followed.
    QCoro::Task<QString> pack();

private:
    QString treePath() const;

    QTemporaryDir m_scratch;
};

} // namespace forge
