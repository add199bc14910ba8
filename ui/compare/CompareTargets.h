#pragma once

#include <QList>
#include <QString>

namespace forge::ui {

// A live project the shown one can be compared with.
struct CompareCandidate
{
    QString id;
    QString repository; // Project::repository: an address, a pull request's with /pull/N
    QString branch;     // empty: the default branch
    QString name;       // the registry's display name ("owner/repo")
};

namespace comparetargets {

// The candidate Compare With… offers first for the project at `repository`: for a pull request,
// the project of its repository without /pull/N (on the default branch if there is one); for a
// repository, one of its pull requests; otherwise the first. -1 when there is none.
int defaultFor(const QString& repository, const QList<CompareCandidate>& candidates);

// Whether the shown project is the head of the comparison: yes, unless it is the repository and
// the other is one of its pull requests (a pull request is always the head, its base the base).
bool shownIsHead(const QString& shownRepository, const QString& otherRepository);

// How a project is named in the comparison: "owner/repo #42", "owner/repo (main)",
// "owner/repo (default branch)".
QString title(const QString& name, const QString& repository, const QString& branch);

} // namespace comparetargets
} // namespace forge::ui
