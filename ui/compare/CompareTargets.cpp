#include "ui/compare/CompareTargets.h"

#include "core/RepoRef.h"

#include <QCoreApplication>
#include <QDir>
#include <functional>
#include <optional>

namespace forge::ui::comparetargets {

namespace {

std::optional<RepoRef> parsed(const QString& repository)
{
    auto result = RepoRef::parse(repository, QDir::homePath());
    if (auto* reference = std::get_if<RepoRef>(&result))
        return *reference;
    return std::nullopt;
}

bool sameRepository(const RepoRef& a, const RepoRef& b)
{
    return a.canonical() == b.canonical();
}

// The best of `candidates` that `wanted` accepts: one on the default branch first.
int bestOf(const QList<CompareCandidate>& candidates, const std::function<bool(const RepoRef&)>& wanted)
{
    int found = -1;
    for (qsizetype i = 0; i < candidates.size(); ++i) {
        const auto other = parsed(candidates.at(i).repository);
        if (!other || !wanted(*other))
            continue;
        if (candidates.at(i).branch.isEmpty())
            return int(i);
        if (found < 0)
            found = int(i);
    }
    return found;
}

} // namespace

int defaultFor(const QString& repository, const QList<CompareCandidate>& candidates)
{
    if (candidates.isEmpty())
        return -1;
    const auto shown = parsed(repository);
    if (!shown)
        return 0;
    const bool isPullRequest = shown->pullRequest() > 0;
    const int best = bestOf(candidates, [&](const RepoRef& other) {
        return sameRepository(*shown, other) &&
               (isPullRequest ? other.pullRequest() == 0 : other.pullRequest() > 0);
    });
    return best >= 0 ? best : 0;
}

bool shownIsHead(const QString& shownRepository, const QString& otherRepository)
{
    const auto shown = parsed(shownRepository);
    const auto other = parsed(otherRepository);
    if (!shown || !other)
        return true;
    return !(shown->pullRequest() == 0 && other->pullRequest() > 0 && sameRepository(*shown, *other));
}

QString title(const QString& name, const QString& repository, const QString& branch)
{
    if (const auto reference = parsed(repository); reference && reference->pullRequest() > 0)
        return QStringLiteral("%1 #%2").arg(name).arg(reference->pullRequest());
    return QStringLiteral("%1 (%2)").arg(
        name, branch.isEmpty() ? QCoreApplication::translate("CompareView", "default branch") : branch);
}

} // namespace forge::ui::comparetargets
