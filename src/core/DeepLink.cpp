#include "DeepLink.h"

#include "BranchName.h"

#include <QRegularExpression>
#include <QUrl>
#include <QUrlQuery>

using namespace Qt::StringLiterals;

namespace forge {

namespace {

// Longer than any repository URL plus branch RepoRef accepts; longer links are refused unread.
constexpr qsizetype MaxLinkLength = 4096;

RepoRefError refuse(QString message)
{
    return RepoRefError{std::move(message),
                        u"Nothing was opened. Ask whoever made the link for a correct one, or open the "
                        u"repository yourself with File > Open Repository (Ctrl+O)."_s};
}

// The repository named in a link: only a remote repository, never a folder on this computer.
std::variant<RepoRef, RepoRefError> linkedRepository(const QString& value)
{
    // owner/repo on GitHub, taken without looking at the file system (RepoRef would prefer a folder
    // of that name in the current directory).
    static const QRegularExpression ownerRepo(u"\\A[^/:@\\\\\\s.~][^/:@\\\\\\s]*/[^/:@\\\\\\s]+\\z"_s);
    if (ownerRepo.match(value).hasMatch())
        return RepoRef::parse(u"https://github.com/"_s + value, {});
    // Anything with a scheme or a transport (`https://`, `file://`, `ext::`, `git@host:`) is left to
    // RepoRef, which says exactly why it refuses the ones it refuses.
    if (value.contains(u':')) {
        auto parsed = RepoRef::parse(value, {});
        if (const auto* ref = std::get_if<RepoRef>(&parsed)) {
            if (!ref->isRemote())
                return refuse(u"A link cannot open a folder on this computer."_s);
            // RepoRef takes http:// on this computer's loopback for a repository the user types (a
            // local git server); a web page must not point the app there (issue 16).
            if (ref->url().scheme() != u"https"_s) {
                return refuse(u"A link may only name a repository at an https:// address, or owner/repo; "
                              u"“%1” would be fetched unencrypted from a server on this computer."_s.arg(
                                  ref->url().toDisplayString()));
            }
        }
        return parsed;
    }
    return refuse(u"The link's repository “%1” is not a repository address: a link names one as "
                  u"https://host/owner/repo or owner/repo."_s.arg(value));
}

// pr=N on top of the link's repository: its pull request N (the repository's own address followed
// by /pull/N, parsed again so it passes the same checks as a typed one).
std::variant<RepoRef, RepoRefError> linkedPullRequest(const RepoRef& repository, const QString& number,
                                                      bool withBranch)
{
    static const QRegularExpression digits(u"\\A[1-9][0-9]{0,7}\\z"_s);
    if (!digits.match(number).hasMatch())
        return refuse(u"The link's pull request “%1” is not a number."_s.arg(number.left(20)));
    if (withBranch)
        return refuse(u"The link names both a branch and a pull request; it may name one of them."_s);
    if (repository.pullRequest() > 0 && QString::number(repository.pullRequest()) != number) {
        return refuse(
            u"The link names pull request #%1 in repo= and #%2 in pr=."_s.arg(repository.pullRequest())
                .arg(number));
    }
    return RepoRef::parse(repository.canonical() + u"/pull/"_s + number, {});
}

} // namespace

bool DeepLink::looksLikeLink(const QString& argument)
{
    return argument.startsWith(QLatin1StringView(Scheme) + u':', Qt::CaseInsensitive);
}

std::variant<DeepLink, RepoRefError> DeepLink::parse(const QString& link)
{
    if (link.size() > MaxLinkLength)
        return refuse(u"The link is longer than %1 characters."_s.arg(MaxLinkLength));
    const QUrl url(link, QUrl::StrictMode);
    if (!url.isValid())
        return refuse(u"The link is not a valid address (%1)."_s.arg(url.errorString()));
    if (url.scheme().compare(QLatin1StringView(Scheme), Qt::CaseInsensitive) != 0)
        return refuse(u"The link does not start with %1://."_s.arg(QLatin1StringView(Scheme)));
    if (url.host() != u"open" || !(url.path().isEmpty() || url.path() == u"/") || !url.userInfo().isEmpty() ||
        url.port() != -1 || url.hasFragment()) {
        return refuse(u"The link asks for something Forge Preview does not do: it only understands "
                      u"%1://open?repo=…&branch=… (or &pr=…)."_s.arg(QLatin1StringView(Scheme)));
    }

    QString repo;
    QString branch;
    QString pullRequest;
    bool sawRepo = false;
    bool sawBranch = false;
    bool sawPullRequest = false;
    const QUrlQuery query(url);
    for (const auto& [key, value] : query.queryItems(QUrl::FullyDecoded)) {
        if (key == u"repo" && !sawRepo) {
            repo = value;
            sawRepo = true;
        } else if (key == u"branch" && !sawBranch) {
            branch = value;
            sawBranch = true;
        } else if (key == u"pr" && !sawPullRequest) {
            pullRequest = value;
            sawPullRequest = true;
        } else {
            // A second repo= could show one repository and clone another; an unknown parameter
            // could be a newer link's instruction this version would silently ignore.
            return refuse(u"The link has a repeated or unknown parameter “%1”; it may take only repo=, "
                          u"branch= and pr=."_s.arg(key.left(40)));
        }
    }
    if (repo.isEmpty())
        return refuse(u"The link names no repository (repo=…)."_s);

    auto repository = linkedRepository(repo);
    if (auto* error = std::get_if<RepoRefError>(&repository))
        return *error;
    if (sawPullRequest) {
        auto withPullRequest = linkedPullRequest(std::get<RepoRef>(repository), pullRequest, sawBranch);
        if (auto* error = std::get_if<RepoRefError>(&withPullRequest))
            return *error;
        repository = std::move(withPullRequest);
    }
    if (sawBranch) {
        if (auto problem = branchNameProblem(branch))
            return *problem;
    }
    return DeepLink{std::get<RepoRef>(std::move(repository)), branch};
}

} // namespace forge
