#pragma once

#include "GitHubHttp.h"
#include "GitHubParsing.h"

#include <functional>
#include <optional>

namespace forge::github {

// What GET /repos/{o}/{r}/pulls/{n} answered: the pull request, or nothing when it has not changed
// since the ETag the caller sent (304 Not Modified, which costs no rate limit), with the ETag to
// send next time and the rate limit the answer carried, to pace the next poll by.
struct PullRequestFetch
{
    std::optional<GitHubPullRequest> pullRequest; // empty: not modified
    QByteArray etag;                              // empty when GitHub sent none
    RateLimitInfo rateLimit;

    bool notModified() const { return !pullRequest.has_value(); }
};

// The REST calls the repository picker and pull request previews need. Listings follow GitHub's Link:
// rel="next" URLs as given and hand each page to `onPage` as soon as it arrives, so a long list fills in
// progressively.
class GitHubClient final
{
    Q_DISABLE_COPY_MOVE(GitHubClient)
public:
    using RepositoryPage = std::function<void(const QList<GitHubRepository>&)>;
    using BranchPage = std::function<void(const QList<GitHubBranch>&)>;
    using PullRequestPage = std::function<void(const QList<GitHubPullRequest>&)>;
    // Stops a runaway listing (a server whose "next" never ends).
    static constexpr int MaxPages = 200;

    explicit GitHubClient(GitHubConfig config);

    GitHubHttp& http() { return m_http; }
    void setToken(const QString& token) { m_http.setToken(token); }

    // GET /user, with the token's scopes and whether `repo` is missing.
    QCoro::Task<GitHubUser> currentUser();
    // GET /user/repos?per_page=100&sort=pushed, every page.
    QCoro::Task<QList<GitHubRepository>> repositories(RepositoryPage onPage = {});
    // GET /repos/{owner}/{repo}/branches, every page.
    QCoro::Task<QList<GitHubBranch>> branches(const QString& owner, const QString& repo,
                                              BranchPage onPage = {});
    // GET /repos/{owner}/{repo}/pulls?state=open&per_page=100&sort=updated&direction=desc, every
    // page: the open pull requests, most recently updated first.
    QCoro::Task<QList<GitHubPullRequest>> pullRequests(const QString& owner, const QString& repo,
                                                       PullRequestPage onPage = {});
    // GET /repos/{owner}/{repo}/pulls/{number}, with If-None-Match: `etag` when one is given (the
    // one a previous fetch returned), bypassing GitHubHttp's cache so that "not modified" reaches
    // the caller. Throws GitHubError (NotFound for an unknown number).
    QCoro::Task<PullRequestFetch> pullRequest(QString owner, QString repo, int number, QByteArray etag = {});

private:
    // Follows the pages from `first`, calling `onPage` with each page's array.
    QCoro::Task<> paginate(QUrl first, std::function<void(const QJsonArray&, const QString&)> onPage);
    template<typename T>
    using ItemParser = bool (*)(const QJsonObject&, T&);
    // Every page from `first` read item by item with `parse` (a refused item fails the listing),
    // each page handed to `onPage` as it arrives.
    template<typename T>
    QCoro::Task<QList<T>> listAll(QUrl first, ItemParser<T> parse,
                                  std::function<void(const QList<T>&)> onPage);

    GitHubHttp m_http;
};

} // namespace forge::github
