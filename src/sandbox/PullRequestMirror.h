#pragma once

#include "core/SourceChange.h"
#include "sandbox/SandboxProvider.h"

#include <QCoroTask>
#include <QString>
#include <QUrl>

namespace forge {

// A pull request's commits kept on this machine, in a bare repository outside every sandbox, so
// that bringing a live pull request preview up to date never runs git in the workspace: the
// workspace's .git belongs to the repository's code once it has run (a planted core.fsmonitor, hook
// or proxy there would run commands, or see the token, the next time git ran in it). Only this
// class writes the mirror's configuration, git runs here as GitEnvironment sets it up (no
// configuration file, no hook, the token only as a header for the repository's own origin), and
// what leaves the mirror is an archive of file contents, unpacked inside the sandbox
// (SandboxProvider::applyWorkspaceChanges).
class PullRequestMirror final
{
    Q_DISABLE_COPY_MOVE(PullRequestMirror)
public:
    // The mirror lives at `directory` (created, 0700, on the first fetch; kept between updates so
    // later fetches bring only new commits).
    explicit PullRequestMirror(QString directory);

    QString directory() const { return m_directory; }

    // Fetches `knownHead` (the commit the preview runs, depth 1) unless the mirror has it, then the
    // current refs/pull/<number>/head of `url`, and returns that head's full commit id. git's
    // output goes to `sink`. Throws Failure: a refused address, a missing git, or a fetch that
    // failed (git's words in the message: not found, no access).
    QCoro::Task<QString> fetchHead(QUrl url, int number, QString knownHead, QString authToken,
                                   OutputSink sink);
    // The files that differ between two commits the mirror has (no rename detection: a rename is a
    // deletion and an addition). Throws Failure when either commit is missing.
    QCoro::Task<QList<SourceChange>> changes(QString from, QString to);
    // A tar archive of `paths` (files and symbolic links, as links) at `commit`; empty `paths`
    // gives an empty archive. Throws Failure when a path is not in the commit.
    QCoro::Task<QByteArray> archive(QString commit, QStringList paths);
    // Removes the mirror (the project was removed).
    void remove();

private:
    QString m_directory;
};

} // namespace forge
