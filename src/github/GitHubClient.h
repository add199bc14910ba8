#pragma once

#include "GitHubHttp.h"
#include "GitHubParsing.h"

#include <functional>

namespace forge::github {

// The REST calls the repository picker needs. Listings follow GitHub's Link: rel="next" URLs as
// given and hand each page to `onPage` as soon as it arrives, so a long list fills in progressively.
class GitHubClient final
{
    Q_DISABLE_COPY_MOVE(GitHubClient)
public:
    using RepositoryPage = std::function<void(const QList<GitHubRepository>&)>;
    using BranchPage = std::function<void(const QList<GitHubBranch>&)>;
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
    QCoro::Task<QList<GitHubBranch>> branches(QString owner, QString repo, BranchPage onPage = {});

private:
    // Follows the pages from `first`, calling `onPage` with each page's array.
    QCoro::Task<> paginate(QUrl first, std::function<void(const QJsonArray&, const QString&)> onPage);

    GitHubHttp m_http;
};

} // namespace forge::github
