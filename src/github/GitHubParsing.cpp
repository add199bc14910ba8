#include "GitHubParsing.h"

#include <QJsonDocument>
#include <QRegularExpression>

using namespace Qt::StringLiterals;

namespace forge::github {

bool GitHubPullRequest::isFromFork() const
{
    // GitHub's names are case-insensitive; a deleted head repository is never the base.
    return headRepoDeleted() || head.repoFullName.compare(base.repoFullName, Qt::CaseInsensitive) != 0;
}

} // namespace forge::github

namespace forge::github::parsing {

QByteArray header(const QList<QPair<QByteArray, QByteArray>>& headers, const QByteArray& name)
{
    for (const auto& [key, value] : headers) {
        if (key.compare(name, Qt::CaseInsensitive) == 0)
            return value;
    }
    return {};
}

QUrl nextPageUrl(const QByteArray& linkHeader)
{
    // Link: <https://api.github.com/user/repos?page=2>; rel="next", <...>; rel="last"
    static const QRegularExpression entry(uR"re(<([^>]*)>\s*((?:;[^,<]*)*))re"_s);
    static const QRegularExpression rel(uR"re(;\s*rel\s*=\s*"?([^";]*)"?)re"_s,
                                        QRegularExpression::CaseInsensitiveOption);
    auto entries = entry.globalMatch(QString::fromUtf8(linkHeader));
    while (entries.hasNext()) {
        const auto match = entries.next();
        const auto relMatch = rel.match(match.captured(2));
        if (!relMatch.hasMatch())
            continue;
        const QStringList rels = relMatch.captured(1).split(u' ', Qt::SkipEmptyParts);
        if (rels.contains(u"next"_s, Qt::CaseInsensitive)) {
            const QUrl url(match.captured(1).trimmed(), QUrl::StrictMode);
            if (url.isValid() && !url.isRelative())
                return url;
        }
    }
    return {};
}

QStringList scopes(const QByteArray& header)
{
    QStringList result;
    for (const QByteArray& part : header.split(',')) {
        const QString scope = QString::fromUtf8(part.trimmed());
        if (!scope.isEmpty())
            result << scope;
    }
    return result;
}

bool hasRepoScope(const QStringList& scopes)
{
    return scopes.contains(u"repo"_s);
}

static int toInt(const QByteArray& value, bool* ok)
{
    return value.trimmed().toInt(ok);
}

RateLimitInfo rateLimit(const QList<QPair<QByteArray, QByteArray>>& headers)
{
    RateLimitInfo info;
    bool ok = false;
    // Counts: a negative one (fuzzing found "-5000" read as a limit) is as good as none.
    if (const int limit = toInt(header(headers, "x-ratelimit-limit"), &ok); ok && limit >= 0)
        info.limit = limit;
    if (const int remaining = toInt(header(headers, "x-ratelimit-remaining"), &ok); ok && remaining >= 0)
        info.remaining = remaining;
    const qint64 reset = header(headers, "x-ratelimit-reset").trimmed().toLongLong(&ok);
    if (ok && reset > 0)
        info.reset = QDateTime::fromSecsSinceEpoch(reset, Qt::UTC);
    return info;
}

int retryAfterSeconds(const QList<QPair<QByteArray, QByteArray>>& headers)
{
    bool ok = false;
    const int seconds = toInt(header(headers, "retry-after"), &ok);
    return ok && seconds >= 0 ? seconds : -1;
}

QString errorMessage(const QByteArray& body)
{
    const QJsonDocument document = QJsonDocument::fromJson(body);
    if (!document.isObject())
        return {};
    return document.object().value(u"message"_s).toString();
}

bool user(const QJsonObject& object, GitHubUser& out)
{
    if (!object.value(u"login"_s).isString())
        return false;
    out.login = object.value(u"login"_s).toString();
    out.name = object.value(u"name"_s).toString();
    out.avatarUrl = QUrl(object.value(u"avatar_url"_s).toString());
    return true;
}

bool repository(const QJsonObject& object, GitHubRepository& out)
{
    const QJsonObject owner = object.value(u"owner"_s).toObject();
    if (!object.value(u"full_name"_s).isString() || !owner.value(u"login"_s).isString())
        return false;
    out.fullName = object.value(u"full_name"_s).toString();
    out.name = object.value(u"name"_s).toString();
    out.ownerLogin = owner.value(u"login"_s).toString();
    out.ownerType = owner.value(u"type"_s).toString() == u"Organization"_s
                        ? GitHubRepository::OwnerType::Organization
                        : GitHubRepository::OwnerType::User;
    out.isPrivate = object.value(u"private"_s).toBool();
    out.fork = object.value(u"fork"_s).toBool();
    out.archived = object.value(u"archived"_s).toBool();
    out.defaultBranch = object.value(u"default_branch"_s).toString();
    out.pushedAt = QDateTime::fromString(object.value(u"pushed_at"_s).toString(), Qt::ISODate);
    out.cloneUrl = QUrl(object.value(u"clone_url"_s).toString());
    out.htmlUrl = QUrl(object.value(u"html_url"_s).toString());
    return true;
}

bool branch(const QJsonObject& object, GitHubBranch& out)
{
    if (!object.value(u"name"_s).isString())
        return false;
    out.name = object.value(u"name"_s).toString();
    out.commitSha = object.value(u"commit"_s).toObject().value(u"sha"_s).toString();
    out.isProtected = object.value(u"protected"_s).toBool();
    return true;
}

static bool pullRequestEnd(const QJsonValue& value, GitHubPullRequestEnd& out)
{
    if (!value.isObject())
        return false;
    const QJsonObject object = value.toObject();
    out.ref = object.value(u"ref"_s).toString();
    out.sha = object.value(u"sha"_s).toString();
    // toObject() of a null is empty: a deleted repository leaves the name empty.
    out.repoFullName = object.value(u"repo"_s).toObject().value(u"full_name"_s).toString();
    return true;
}

static bool pullRequestState(const QJsonValue& value, GitHubPullRequest::State& out)
{
    if (value.toString() == u"open"_s)
        out = GitHubPullRequest::State::Open;
    else if (value.toString() == u"closed"_s)
        out = GitHubPullRequest::State::Closed;
    else
        return false; // guessing "open" could preview a closed one
    return true;
}

bool pullRequest(const QJsonObject& object, GitHubPullRequest& out)
{
    GitHubPullRequest pull; // `out` is left alone when the object is refused
    const QJsonValue number = object.value(u"number"_s);
    if (!number.isDouble() || number.toInt() <= 0 ||
        !pullRequestState(object.value(u"state"_s), pull.state) ||
        !pullRequestEnd(object.value(u"head"_s), pull.head) ||
        !pullRequestEnd(object.value(u"base"_s), pull.base))
        return false;
    pull.number = number.toInt();
    pull.title = object.value(u"title"_s).toString();
    pull.authorLogin = object.value(u"user"_s).toObject().value(u"login"_s).toString();
    pull.htmlUrl = QUrl(object.value(u"html_url"_s).toString());
    pull.draft = object.value(u"draft"_s).toBool();
    // The single view says "merged"; list items only carry "merged_at" (null until merged).
    pull.merged = object.value(u"merged"_s).toBool() || !object.value(u"merged_at"_s).toString().isEmpty();
    pull.updatedAt = QDateTime::fromString(object.value(u"updated_at"_s).toString(), Qt::ISODate);
    out = pull;
    return true;
}

} // namespace forge::github::parsing
