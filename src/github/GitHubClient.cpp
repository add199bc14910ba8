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

template<typename T>
QCoro::Task<QList<T>> GitHubClient::listAll(QUrl first, ItemParser<T> parse,
                                            std::function<void(const QList<T>&)> onPage)
{
    QList<T> all;
    std::function<void(const QJsonArray&, const QString&)> collect =
        [&all, &onPage, parse](const QJsonArray& array, const QString& what) {
            QList<T> page;
            for (const QJsonValue& value : array) {
                T item;
                if (!value.isObject() || !parse(value.toObject(), item))
                    throw wrongShape(what);
                page << item;
            }
            all += page;
            if (onPage)
                onPage(page);
        };
    co_await paginate(first, collect);
    QList<T> result = all;
    co_return result;
}

QCoro::Task<QList<GitHubRepository>> GitHubClient::repositories(RepositoryPage onPage)
{
    QUrlQuery query;
    query.addQueryItem(u"per_page"_s, u"100"_s);
    query.addQueryItem(u"sort"_s, u"pushed"_s);
    const QUrl first = m_http.apiUrl(u"/user/repos"_s, query);
    return listAll<GitHubRepository>(first, &parsing::repository, std::move(onPage));
}

QCoro::Task<QList<GitHubBranch>> GitHubClient::branches(const QString& owner, const QString& repo,
                                                        BranchPage onPage)
{
    QUrlQuery query;
    query.addQueryItem(u"per_page"_s, u"100"_s);
    const QUrl first = m_http.apiUrl(
        u"/repos/%1/%2/branches"_s.arg(GitHubHttp::segment(owner), GitHubHttp::segment(repo)), query);
    return listAll<GitHubBranch>(first, &parsing::branch, std::move(onPage));
}

QCoro::Task<QList<GitHubPullRequest>> GitHubClient::pullRequests(const QString& owner, const QString& repo,
                                                                 PullRequestPage onPage)
{
    QUrlQuery query;
    query.addQueryItem(u"state"_s, u"open"_s);
    query.addQueryItem(u"per_page"_s, u"100"_s);
    query.addQueryItem(u"sort"_s, u"updated"_s);
    query.addQueryItem(u"direction"_s, u"desc"_s);
    const QUrl first = m_http.apiUrl(
        u"/repos/%1/%2/pulls"_s.arg(GitHubHttp::segment(owner), GitHubHttp::segment(repo)), query);
    return listAll<GitHubPullRequest>(first, &parsing::pullRequest, std::move(onPage));
}

QCoro::Task<PullRequestFetch> GitHubClient::pullRequest(QString owner, QString repo, int number,
                                                        QByteArray etag)
{
    const QUrl url = m_http.apiUrl(u"/repos/%1/%2/pulls/%3"_s.arg(
        GitHubHttp::segment(owner), GitHubHttp::segment(repo), QString::number(number)));
    const GitHubReply reply = co_await m_http.getConditional(url, etag);
    PullRequestFetch fetch;
    fetch.rateLimit = parsing::rateLimit(reply.headers);
    fetch.etag = reply.header("etag");
    if (reply.statusCode == 304) {
        if (fetch.etag.isEmpty())
            fetch.etag = etag; // what the caller has is still current
        co_return fetch;
    }
    const QString what = u"GET "_s + url.path();
    const QJsonValue json = m_http.decodeJson(reply.body, what);
    GitHubPullRequest pull;
    if (!json.isObject() || !parsing::pullRequest(json.toObject(), pull))
        throw wrongShape(what);
    fetch.pullRequest = pull;
    co_return fetch;
}

} // namespace forge::github
