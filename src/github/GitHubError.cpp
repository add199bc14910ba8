#include "GitHubError.h"

#include "GitHubParsing.h"

using namespace Qt::StringLiterals;

namespace forge::github {

static FailureKind failureKindOf(GitHubError::Kind kind)
{
    switch (kind) {
    case GitHubError::Kind::PrimaryRateLimit:
    case GitHubError::Kind::SecondaryRateLimit:
    case GitHubError::Kind::ServerError:
    case GitHubError::Kind::Network:
    case GitHubError::Kind::Timeout:
        return FailureKind::Transient;
    default:
        return FailureKind::Permanent;
    }
}

GitHubError::GitHubError(Kind kind, QString message, QString advice, int status)
    : Failure(failureKindOf(kind), std::move(message), std::move(advice))
    , m_errorKind(kind)
    , m_status(status)
{}

QString GitHubError::userMessage() const
{
    return advice().isEmpty() ? message() : message() + u' ' + advice();
}

GitHubError GitHubError::fromHttp(int status, const QByteArray& body, const RawHeaders& headers,
                                  const QString& what)
{
    const QString serverMessage = parsing::errorMessage(body);
    const QString detail = serverMessage.isEmpty() ? QString() : u" (\"%1\")"_s.arg(serverMessage.left(200));
    const RateLimitInfo limit = parsing::rateLimit(headers);

    if (status == 401)
        return GitHubError(Kind::Unauthorized,
                           u"GitHub refused the saved token for %1%2: it is invalid, expired or was "
                           u"revoked."_s.arg(what, detail),
                           u"Sign in to GitHub again."_s, status);

    if (status == 403 || status == 429) {
        if (limit.remaining == 0 && limit.reset.isValid()) {
            GitHubError error(Kind::PrimaryRateLimit,
                              u"GitHub's API rate limit is used up (%1 requests per hour) for %2."_s.arg(
                                  limit.limit >= 0 ? QString::number(limit.limit) : u"?"_s, what),
                              u"It resets at %1 UTC; try again after that."_s.arg(
                                  limit.reset.toUTC().toString(u"yyyy-MM-dd HH:mm:ss"_s)),
                              status);
            error.m_reset = limit.reset.toUTC();
            const qint64 wait = QDateTime::currentDateTimeUtc().secsTo(error.m_reset);
            error.withRetryAfter(static_cast<int>(qMax<qint64>(wait, 1)));
            return error;
        }
        const int retryAfter = parsing::retryAfterSeconds(headers);
        if (retryAfter >= 0 || serverMessage.contains(u"secondary rate limit"_s, Qt::CaseInsensitive)) {
            const int wait = retryAfter >= 0 ? retryAfter : 60;
            GitHubError error(Kind::SecondaryRateLimit,
                              u"GitHub is limiting how fast this app sends requests (%1)."_s.arg(what),
                              u"Wait %1 s and try again."_s.arg(wait), status);
            error.withRetryAfter(wait);
            return error;
        }
        if (status == 403)
            return GitHubError(Kind::Forbidden, u"GitHub refused %1%2."_s.arg(what, detail),
                               u"Check that your account (and the token's scopes) can access it; for an "
                               u"organization, the app may need to be approved by an owner."_s,
                               status);
    }
    if (status == 404)
        return GitHubError(Kind::NotFound, u"GitHub found nothing at %1%2."_s.arg(what, detail),
                           u"Check the name, and that your account can see it."_s, status);
    if (status >= 500)
        return GitHubError(
            Kind::ServerError, u"GitHub had a server error (HTTP %1) answering %2."_s.arg(status).arg(what),
            u"Try again in a moment; see https://www.githubstatus.com if it persists."_s, status);
    if (status >= 300 && status < 400)
        return GitHubError(
            Kind::Network,
            u"GitHub answered %1 with a redirect (HTTP %2) that was not followed."_s.arg(what).arg(status),
            u"Check the GitHub address in the settings."_s, status);
    return GitHubError(Kind::Http, u"GitHub answered %1 with HTTP %2%3."_s.arg(what).arg(status).arg(detail),
                       u"Try again; if it persists, report it."_s, status);
}

} // namespace forge::github
