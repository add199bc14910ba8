// GitHub's answers (packed as an HTTP message, see FuzzInput.h): the Link, X-OAuth-Scopes,
// rate-limit and Retry-After headers and the JSON bodies of users, repositories, branches and
// errors. The decoders are documented never to throw or crash on garbage.

#include "FuzzInput.h"
#include "github/GitHubParsing.h"

#include <QJsonArray>
#include <QJsonDocument>

using namespace forge::github;
namespace fuzz = forge::fuzz;

namespace {

void decodeObject(const QJsonObject& object)
{
    GitHubUser user;
    (void)parsing::user(object, user);
    GitHubRepository repository;
    if (parsing::repository(object, repository))
        fuzz::check(!repository.fullName.isEmpty(), "a repository without a name");
    GitHubBranch branch;
    (void)parsing::branch(object, branch);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    const QByteArray input(reinterpret_cast<const char*>(data), static_cast<qsizetype>(size));
    const fuzz::HttpMessage message = fuzz::unpackHttpMessage(input);

    const QUrl next = parsing::nextPageUrl(parsing::header(message.headers, "Link"));
    (void)next;
    const QStringList scopes = parsing::scopes(parsing::header(message.headers, "X-OAuth-Scopes"));
    for (const QString& scope : scopes)
        fuzz::check(!scope.isEmpty() && scope.trimmed() == scope, "an empty or padded scope");
    (void)parsing::hasRepoScope(scopes);
    const RateLimitInfo limit = parsing::rateLimit(message.headers);
    fuzz::check(limit.remaining >= -1 && limit.limit >= -1, "a rate limit below -1");
    fuzz::check(parsing::retryAfterSeconds(message.headers) >= -1, "a Retry-After below -1");
    (void)parsing::errorMessage(message.body);

    const QJsonDocument document = QJsonDocument::fromJson(message.body);
    if (document.isObject())
        decodeObject(document.object());
    for (const QJsonValue& item : document.array())
        decodeObject(item.toObject());
    return 0;
}
