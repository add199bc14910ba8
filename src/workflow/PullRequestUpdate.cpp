#include "PullRequestUpdate.h"

#include "OutputTail.h"
#include "core/Failure.h"
#include "sandbox/PullRequestMirror.h"

#include <algorithm>

using namespace Qt::StringLiterals;

namespace forge {

QString PullRequestUpdateResult::describeChanges() const
{
    const auto removed = std::count_if(changes.cbegin(), changes.cend(),
                                       [](const SourceChange& change) { return change.removesFile(); });
    const qsizetype written = changes.size() - removed;
    if (changes.isEmpty())
        return u"no file changed"_s;
    QStringList parts;
    if (written > 0)
        parts << (written == 1 ? u"1 file changed"_s : u"%1 files changed"_s.arg(written));
    if (removed > 0)
        parts << (removed == 1 ? u"1 removed"_s : u"%1 removed"_s.arg(removed));
    return parts.join(u", "_s);
}

PullRequestUpdate::PullRequestUpdate(SandboxProvider& provider, QString sandboxId, PreviewRequest request,
                                     RunPlan plan)
    : m_provider(provider)
    , m_sandboxId(std::move(sandboxId))
    , m_request(std::move(request))
    , m_plan(std::move(plan))
{}

QCoro::Task<PullRequestUpdateResult> PullRequestUpdate::run(QString mirrorDirectory, QString knownHead)
{
    const int number = m_request.repository.pullRequest();
    if (number <= 0 || knownHead.isEmpty()) {
        throw Failure::permanent(
            u"The commit this preview runs is not known, so its changes cannot be worked out."_s,
            u"Run the project again (Run Again) to preview the pull request's newest commit."_s);
    }
    PullRequestMirror mirror(mirrorDirectory);
    PullRequestUpdateResult update;
    update.head =
        co_await mirror.fetchHead(m_request.repository.url(), number, knownHead, m_request.authToken, {});
    if (update.head == knownHead)
        co_return update;
    update.changes = co_await mirror.changes(knownHead, update.head);
    co_await applyToWorkspace(mirrorDirectory, update);
    update.action = sourceUpdateAction(update.changes, m_plan, m_request.mode);
    co_return update;
}

QCoro::Task<> PullRequestUpdate::applyToWorkspace(const QString& mirrorDirectory,
                                                  const PullRequestUpdateResult& update)
{
    QStringList written;
    QStringList removed;
    for (const SourceChange& change : update.changes)
        (change.removesFile() ? removed : written).append(change.path);
    PullRequestMirror mirror(mirrorDirectory);
    QByteArray archive;
    if (!written.isEmpty())
        archive = co_await mirror.archive(update.head, written);
    OutputTail tail;
    const CommandResult result =
        co_await m_provider.applyWorkspaceChanges(m_sandboxId, archive, removed, tail.sink());
    if (!result.succeeded()) {
        throw Failure::permanent(
            u"The pull request's new files could not be put into the sandbox: %1"_s.arg(
                tail.lastLines().isEmpty() ? u"exit code %1"_s.arg(result.exitCode) : tail.lastLines()),
            u"Some files may be new and others old. Run the project again (Run Again) to start from the "
            u"pull request's newest commit."_s);
    }
}

} // namespace forge
