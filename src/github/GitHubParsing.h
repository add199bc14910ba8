#pragma once

#include <QByteArray>
#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QPair>
#include <QString>
#include <QStringList>
#include <QUrl>

namespace forge::github {

struct GitHubUser
{
    QString login;
    QString name;
    QUrl avatarUrl;
    // From X-OAuth-Scopes; scopesKnown is false when GitHub sent no such header (fine-grained and
    // GitHub App tokens), and then missingRepoScope is false too.
    QStringList scopes;
    bool scopesKnown = false;
    bool missingRepoScope = false;
};

struct GitHubRepository
{
    enum class OwnerType { User, Organization };
    QString fullName;
    QString name;
    QString ownerLogin;
    OwnerType ownerType = OwnerType::User;
    bool isPrivate = false;
    bool fork = false;
    bool archived = false;
    QString defaultBranch;
    QDateTime pushedAt;
    QUrl cloneUrl;
    QUrl htmlUrl;
};

struct GitHubBranch
{
    QString name;
    QString commitSha;
    bool isProtected = false;
};

// One end of a pull request: the branch, the commit it points at, and the repository it lives in.
struct GitHubPullRequestEnd
{
    QString ref;
    QString sha;
    QString repoFullName; // empty when GitHub sends "repo": null (the fork was deleted)
};

// A pull request as the list (GET /repos/{o}/{r}/pulls) and the single view (.../pulls/{n}) give it.
struct GitHubPullRequest
{
    enum class State { Open, Closed };
    int number = 0;
    QString title;
    QString authorLogin; // empty when "user" is null
    QUrl htmlUrl;
    State state = State::Open;
    bool draft = false;
    bool merged = false; // closed by a merge ("merged" on the single view, "merged_at" on list items)
    QDateTime updatedAt; // invalid when absent
    GitHubPullRequestEnd head;
    GitHubPullRequestEnd base;

    bool isOpen() const { return state == State::Open; }
    bool headRepoDeleted() const { return head.repoFullName.isEmpty(); }
    // Its code comes from another repository (or from one that no longer exists), so whoever
    // opened it may not be trusted with what the base repository's previews can reach.
    bool isFromFork() const;
};

struct RateLimitInfo
{
    int limit = -1;
    int remaining = -1; // -1 when the header is absent
    QDateTime reset;    // invalid when absent
};

// Pure functions over GitHub's answers; none of them throws or crashes on garbage.
namespace parsing {

// The rel="next" target of a Link header, verbatim; empty when there is none.
QUrl nextPageUrl(const QByteArray& linkHeader);
// "repo, read:org" -> {"repo", "read:org"}.
QStringList scopes(const QByteArray& header);
// True when `scopes` grants full repository access ("repo"; the narrower public_repo does not).
bool hasRepoScope(const QStringList& scopes);
RateLimitInfo rateLimit(const QList<QPair<QByteArray, QByteArray>>& headers);
// Retry-After in seconds; -1 when absent or unreadable.
int retryAfterSeconds(const QList<QPair<QByteArray, QByteArray>>& headers);
// The "message" of a JSON error body; empty when there is none.
QString errorMessage(const QByteArray& body);

// Each returns false when a required field is missing or of the wrong type.
bool user(const QJsonObject& object, GitHubUser& out);
bool repository(const QJsonObject& object, GitHubRepository& out);
bool branch(const QJsonObject& object, GitHubBranch& out);
// Requires "number", a known "state" and "head" and "base" objects; any other field may be null.
bool pullRequest(const QJsonObject& object, GitHubPullRequest& out);

QByteArray header(const QList<QPair<QByteArray, QByteArray>>& headers, const QByteArray& name);

} // namespace parsing
} // namespace forge::github
