#pragma once

#include "WorkflowTypes.h"
#include "core/SourceChange.h"
#include "sandbox/SandboxProvider.h"

#include <QCoroTask>
#include <QList>
#include <QString>

namespace forge {

// What bringing a pull request preview's files up to date did.
struct PullRequestUpdateResult
{
    QString head;                // the pull request's head commit now in the workspace
    QList<SourceChange> changes; // between the commit the preview ran and `head`
    SourceUpdateAction action = SourceUpdateAction::None; // what the running preview still needs

    // "2 files changed, 1 removed", or "no file changed".
    QString describeChanges() const;
};

// The file part of updating a live pull request preview (ProjectSession::updatePullRequest): the
// new commits are fetched into the project's PullRequestMirror on this machine (only they travel,
// the token only as a header to the repository's origin), and the files that differ from the
// commit the preview runs are unpacked, and the removed ones deleted, inside the sandbox
// (SandboxProvider::applyWorkspaceChanges). git never runs in the workspace: its .git is the
// repository code's to rewrite once that code has run (tests/e2e/tst_pullrequestupdate.cpp plays
// that). What the dev server needs next is sourceUpdateAction()'s answer; running it is the
// caller's.
class PullRequestUpdate final
{
    Q_DISABLE_COPY_MOVE(PullRequestUpdate)
public:
    PullRequestUpdate(SandboxProvider& provider, QString sandboxId, PreviewRequest request, RunPlan plan);

    // Throws Failure (a refused fetch, a commit the mirror cannot get, files the sandbox would not
    // take) with what went wrong and what to do; nothing in the workspace changed unless the
    // failure says so.
    QCoro::Task<PullRequestUpdateResult> run(QString mirrorDirectory, QString knownHead);

private:
    QCoro::Task<> applyToWorkspace(const QString& mirrorDirectory, const PullRequestUpdateResult& update);

    SandboxProvider& m_provider;
    QString m_sandboxId;
    PreviewRequest m_request;
    RunPlan m_plan;
};

} // namespace forge
