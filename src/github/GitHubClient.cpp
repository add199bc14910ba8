#include "GitHubClient.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QSet>

using namespace Qt::StringLiterals;

namespace forge::github {

GitHubClient::GitHubClient(GitHubConfig config)
    : m_http(std::move(config))
{}

static GitHubError wrongShape(const QString& what)
{
    return GitHubError(GitHubError::Kind::MalformedResponse,
                       u"GitHub answered %1 with data in an unexpected shape."_s.arg(what),
                       u"Check the GitHub address in the settings, then try again."_s);
}

QCoro::Task<GitHubUser> GitHubClient::currentUser()
{
    const QUrl url = m_http.apiUrl(u"/user"_s);
    const GitHubReply reply = co_await m_http.get(url);
    const QString what = u"GET /user"_s;
    const QJsonValue json = m_http.decodeJson(reply.body, what);
    GitHubUser user;
    if (!json.isObject() || !parsing::user(json.toObject(), user))
        throw wrongShape(what);
    bool present = false;
    for (const auto& [name, value] : reply.headers)
        present = present || name.compare("x-oauth-scopes", Qt::CaseInsensitive) == 0;
    user.scopesKnown = present;
    user.scopes = parsing::scopes(reply.header("x-oauth-scopes"));
    user.missingRepoScope = present && !parsing::hasRepoScope(user.scopes);
    co_return user;
}

QCoro::Task<> GitHubClient::paginate(QUrl first,
                                     std::function<void(const QJsonArray&, const QString&)> onPage)
{
    QUrl url = first;
    QSet<QString> seen;
    for (int page = 0; page < MaxPages && url.isValid(); ++page) {
        const QString key = url.toString(QUrl::FullyEncoded);
        if (seen.contains(key))
            break; // a loop in the Link headers
        seen.insert(key);
        const GitHubReply reply = co_await m_http.get(url);
        const QString what = u"GET "_s + url.path();
        const QJsonValue json = m_http.decodeJson(reply.body, what);
        if (!json.isArray())
            throw wrongShape(what);
        onPage(json.toArray(), what);
        url = parsing::nextPageUrl(reply.header("link"));
    }
}

QCoro::Task<QList<GitHubRepository>> GitHubClient::repositories(RepositoryPage onPage)
{
    QList<GitHubRepository> all;
    QUrlQuery query;
    query.addQueryItem(u"per_page"_s, u"100"_s);
    query.addQueryItem(u"sort"_s, u"pushed"_s);
    const QUrl first = m_http.apiUrl(u"/user/repos"_s, query);
    std::function<void(const QJsonArray&, const QString&)> collect = [&all, &onPage](const QJsonArray& array,
                                                                                     const QString& what) {
        QList<GitHubRepository> page;
        for (const QJsonValue& value : array) {
            GitHubRepository repository;
            if (!value.isObject() || !parsing::repository(value.toObject(), repository))
                throw wrongShape(what);
            page << repository;
        }
        all += page;
        if (onPage)
            onPage(page);
    };
    co_await paginate(first, collect);
    QList<GitHubRepository> result = all;
    co_return result;
}

QCoro::Task<QList<GitHubBranch>> GitHubClient::branches(QString owner, QString repo, BranchPage onPage)
{
    QList<GitHubBranch> all;
    QUrlQuery query;
    query.addQueryItem(u"per_page"_s, u"100"_s);
    const QUrl first = m_http.apiUrl(
        u"/repos/%1/%2/branches"_s.arg(GitHubHttp::segment(owner), GitHubHttp::segment(repo)), query);
    std::function<void(const QJsonArray&, const QString&)> collect = [&all, &onPage](const QJsonArray& array,
                                                                                     const QString& what) {
        QList<GitHubBranch> page;
        for (const QJsonValue& value : array) {
            GitHubBranch branch;
            if (!value.isObject() || !parsing::branch(value.toObject(), branch))
                throw wrongShape(what);
            page << branch;
        }
        all += page;
        if (onPage)
            onPage(page);
    };
    co_await paginate(first, collect);
    QList<GitHubBranch> result = all;
    co_return result;
}

} // namespace forge::github
