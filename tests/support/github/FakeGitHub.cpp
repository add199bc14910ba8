#include "FakeGitHub.h"

#include <QCryptographicHash>
#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QUrlQuery>
#include <algorithm>

using namespace Qt::StringLiterals;

using forge::test::HttpExchange;

FakeGitHub::FakeGitHub(QObject* parent)
    : QObject(parent)
{
    m_server.setHandler(
        [this](const RecordedRequest& request, const std::shared_ptr<HttpExchange>& exchange) {
            if (otherRoutes && otherRoutes(request, exchange)) {
                emit requestReceived();
                return;
            }
            // A stalled path keeps the connection open and says nothing: the client's timeout ends it.
            if (!stalledPaths.contains(request.path()))
                exchange->send(handle(request));
            emit requestReceived();
        });
}

FakeGitHub::~FakeGitHub() = default;

bool FakeGitHub::listen()
{
    return m_server.listen();
}

QUrl FakeGitHub::url() const
{
    return m_server.url();
}

FakeGitHub::Response FakeGitHub::handle(const RecordedRequest& request)
{
    if (request.method == "POST" && request.path() == "/login/device/code")
        return deviceCode(request);
    if (request.method == "POST" && request.path() == "/login/oauth/access_token")
        return accessToken(request);
    if (request.method == "GET")
        return api(request);
    return Response::json(404,
                          R"({"message":"Not Found","documentation_url":"https://docs.github.com/rest"})");
}

static QByteArray jsonOf(const QJsonObject& object)
{
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

FakeGitHub::Response FakeGitHub::deviceCode(const RecordedRequest& request)
{
    const QUrlQuery form(QString::fromUtf8(request.body));
    if (!deviceCodeError.isEmpty())
        return Response::json(
            200, jsonOf({{u"error"_s, deviceCodeError}, {u"error_description"_s, u"scripted error"_s}}));
    if (form.queryItemValue(u"client_id"_s) != clientId)
        return Response::json(200, jsonOf({{u"error"_s, u"incorrect_client_credentials"_s},
                                           {u"error_description"_s, u"The client_id is not valid."_s}}));
    return Response::json(200, jsonOf({{u"device_code"_s, u"3584d83530557fdd1f46af8289938c8ef79f9dc5"_s},
                                       {u"user_code"_s, u"WDJB-MJHT"_s},
                                       {u"verification_uri"_s, u"https://github.com/login/device"_s},
                                       {u"expires_in"_s, expiresIn},
                                       {u"interval"_s, interval}}));
}

FakeGitHub::Response FakeGitHub::accessToken(const RecordedRequest& request)
{
    const QUrlQuery form(QString::fromUtf8(request.body));
    const auto error = [](const QString& code, const QString& description, int newInterval = 0) {
        QJsonObject object{
            {u"error"_s, code},
            {u"error_description"_s, description},
            {u"error_uri"_s, u"https://docs.github.com/developers/apps/authorizing-oauth-apps"_s}};
        if (newInterval > 0)
            object.insert(u"interval"_s, newInterval);
        return jsonOf(object);
    };
    if (form.queryItemValue(u"grant_type"_s) != u"urn:ietf:params:oauth:grant-type:device_code"_s)
        return Response::json(200, error(u"unsupported_grant_type"_s, u"The grant type is not supported."_s));
    if (form.queryItemValue(u"client_id"_s) != clientId)
        return Response::json(200,
                              error(u"incorrect_client_credentials"_s, u"The client_id is not valid."_s));
    if (!tokenErrors.isEmpty()) {
        const QString next = tokenErrors.first();
        const bool terminal = next != u"authorization_pending"_s && next != u"slow_down"_s;
        if (!terminal || tokenErrors.size() > 1)
            tokenErrors.removeFirst();
        if (next == u"slow_down"_s) {
            interval += 5;
            return Response::json(
                200, error(next, u"Too many requests have been made in the same timeframe."_s, interval));
        }
        return Response::json(200, error(next, u"scripted: "_s + next));
    }
    return Response::json(200, jsonOf({{u"access_token"_s, token},
                                       {u"token_type"_s, u"bearer"_s},
                                       {u"scope"_s, u"repo,read:org"_s}}));
}

void FakeGitHub::addRateHeaders(Response& response, int remaining) const
{
    const qint64 reset = rateLimitReset > 0 ? rateLimitReset : QDateTime::currentSecsSinceEpoch() + 3600;
    response.headers.emplaceBack("x-ratelimit-limit", "5000");
    response.headers.emplaceBack("x-ratelimit-remaining", QByteArray::number(remaining));
    response.headers.emplaceBack("x-ratelimit-used", QByteArray::number(5000 - remaining));
    response.headers.emplaceBack("x-ratelimit-reset", QByteArray::number(reset));
    response.headers.emplaceBack("x-ratelimit-resource", "core");
}

FakeGitHub::Response FakeGitHub::withEtag(const RecordedRequest& request, Response response) const
{
    const QByteArray etag =
        "W/\"" + QCryptographicHash::hash(response.body, QCryptographicHash::Sha256).toHex().left(32) + '"';
    response.headers.emplaceBack("ETag", etag);
    if (request.header("if-none-match") == etag) {
        response.status = 304;
        response.body.clear();
    }
    return response;
}

FakeGitHub::Response FakeGitHub::paginate(const RecordedRequest& request, const QList<QByteArray>& items,
                                          int defaultPerPage)
{
    const QUrlQuery query(QUrl(QString::fromUtf8(request.target)).query());
    const int perPage =
        qBound(1,
               query.queryItemValue(u"per_page"_s).toInt() > 0 ? query.queryItemValue(u"per_page"_s).toInt()
                                                               : defaultPerPage,
               100);
    const int page = qMax(1, query.queryItemValue(u"page"_s).toInt());
    const int pages = qMax(1, static_cast<int>((items.size() + perPage - 1) / perPage));
    QByteArray body = "[";
    for (qsizetype i = qsizetype(page - 1) * perPage; i < items.size() && i < qsizetype(page) * perPage;
         ++i) {
        if (body.size() > 1)
            body += ',';
        body += items[i];
    }
    body += ']';
    Response response = Response::json(200, body);
    const auto pageUrl = [&](int number) {
        QUrl url = linkOrigin.isValid() ? linkOrigin : this->url();
        url.setPath(QString::fromUtf8(request.path()));
        QUrlQuery q = query;
        q.removeAllQueryItems(u"page"_s);
        q.addQueryItem(u"page"_s, QString::number(number));
        url.setQuery(q);
        return url.toString(QUrl::FullyEncoded).toUtf8();
    };
    QList<QByteArray> links;
    if (page > 1) {
        links << "<" + pageUrl(page - 1) + ">; rel=\"prev\"";
        links << "<" + pageUrl(1) + ">; rel=\"first\"";
    }
    if (page < pages) {
        links << "<" + pageUrl(page + 1) + ">; rel=\"next\"";
        links << "<" + pageUrl(pages) + ">; rel=\"last\"";
    }
    if (!links.isEmpty())
        response.headers.emplaceBack("Link", links.join(", "));
    return response;
}

// "/repos/{o}/{r}/pulls" (number 0) or "/repos/{o}/{r}/pulls/{n}" (number -1 when n is not one).
static bool pullsRoute(const QByteArray& path, QString& repo, int& number)
{
    const QList<QByteArray> parts = path.split('/');
    if (parts.size() < 5 || parts.size() > 6 || !parts[0].isEmpty() || parts[1] != "repos" ||
        parts[4] != "pulls")
        return false;
    repo = QUrl::fromPercentEncoding(parts[2]) + u'/' + QUrl::fromPercentEncoding(parts[3]);
    bool ok = true;
    number = parts.size() == 6 ? parts[5].toInt(&ok) : 0;
    if (!ok || number < 0 || (parts.size() == 6 && number == 0))
        number = -1;
    return true;
}

FakeGitHub::Response FakeGitHub::api(const RecordedRequest& request)
{
    if (request.header("authorization") != "Bearer " + token.toUtf8() &&
        request.header("authorization") != "token " + token.toUtf8()) {
        Response response = Response::json(
            401,
            R"({"message":"Bad credentials","documentation_url":"https://docs.github.com/rest","status":"401"})");
        addRateHeaders(response, 59);
        return response;
    }
    if (rateLimit == RateLimit::Primary) {
        Response response = Response::json(
            403,
            R"({"message":"API rate limit exceeded for user ID 1.","documentation_url":"https://docs.github.com/rest/overview/resources-in-the-rest-api#rate-limiting"})");
        addRateHeaders(response, 0);
        return response;
    }
    if (rateLimit == RateLimit::Secondary || rateLimit == RateLimit::SecondaryMessageOnly) {
        Response response = Response::json(
            403,
            R"({"message":"You have exceeded a secondary rate limit. Please wait a few minutes before you try again.","documentation_url":"https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits"})");
        addRateHeaders(response, 4000);
        if (rateLimit == RateLimit::Secondary)
            response.headers.emplaceBack("Retry-After", "30");
        return response;
    }

    Response response;
    if (failWithStatus != 0) {
        response.status = failWithStatus;
        response.body = "<html><body>Unicorn!</body></html>";
        response.headers.emplaceBack("Content-Type", "text/html");
        return response;
    }
    if (request.path() == "/user" && redirectUserTo.isValid()) {
        response.status = 302;
        response.headers.emplaceBack("Location", redirectUserTo.toString(QUrl::FullyEncoded).toUtf8());
        return response;
    }
    QString pullsRepo;
    int pullNumber = 0;
    if (request.path() == "/user")
        response = user(request);
    else if (request.path() == "/user/repos")
        response = repositories(request);
    else if (request.path().startsWith("/repos/") && request.path().endsWith("/branches"))
        response = branches(request);
    else if (pullsRoute(request.path(), pullsRepo, pullNumber))
        response = pullNumber == 0 ? pulls(request, pullsRepo) : pull(request, pullsRepo, pullNumber);
    else
        response = Response::json(
            404, R"({"message":"Not Found","documentation_url":"https://docs.github.com/rest"})");
    // 304s do not count against the primary rate limit.
    if (response.status != 304 && m_remaining > 0)
        --m_remaining;
    addRateHeaders(response, m_remaining);
    return response;
}

FakeGitHub::Response FakeGitHub::user(const RecordedRequest& request)
{
    Response response;
    if (malformedUser) {
        response = Response::json(200, R"({"login": "octocat", "name": )");
    } else {
        response = Response::json(
            200, jsonOf({{u"login"_s, login},
                         {u"id"_s, 1},
                         {u"name"_s, u"The Octocat"_s},
                         {u"avatar_url"_s, u"https://avatars.githubusercontent.com/u/583231?v=4"_s},
                         {u"type"_s, u"User"_s}}));
    }
    if (sendScopes)
        response.headers.emplaceBack("X-OAuth-Scopes", scopes);
    response.headers.emplaceBack("X-Accepted-OAuth-Scopes", "");
    return withEtag(request, response);
}

FakeGitHub::Response FakeGitHub::repositories(const RecordedRequest& request)
{
    QList<QByteArray> items;
    for (int i = 0; i < repositoryCount; ++i) {
        const bool org = i % 3 == 2;
        const QString owner = org ? u"octo-org"_s : login;
        const QString name = u"repo-%1"_s.arg(i);
        const QString full = owner + u'/' + name;
        const QDateTime pushed = QDateTime(QDate(2024, 1, 1), QTime(0, 0), Qt::UTC).addSecs(-i * 60);
        items << jsonOf(
            {{u"id"_s, 1000 + i},
             {u"name"_s, name},
             {u"full_name"_s, full},
             {u"owner"_s, QJsonObject{{u"login"_s, owner}, {u"type"_s, org ? u"Organization"_s : u"User"_s}}},
             {u"private"_s, i % 2 == 1},
             {u"fork"_s, i % 5 == 4},
             {u"archived"_s, i % 7 == 6},
             {u"default_branch"_s, i % 4 == 3 ? u"master"_s : u"main"_s},
             {u"pushed_at"_s, pushed.toString(Qt::ISODate)},
             {u"clone_url"_s, cloneBase.isValid()
                                  ? cloneBase.resolved(QUrl(full + u".git"_s)).toString(QUrl::FullyEncoded)
                                  : u"https://github.com/%1.git"_s.arg(full)},
             {u"html_url"_s, u"https://github.com/%1"_s.arg(full)}});
    }
    return withEtag(request, paginate(request, items, 30));
}

FakeGitHub::Response FakeGitHub::branches(const RecordedRequest& request)
{
    const QByteArray middle = request.path().mid(7, request.path().size() - 7 - 9);
    const QString fullName = QUrl::fromPercentEncoding(middle);
    if (!branchesByRepo.contains(fullName))
        return Response::json(
            404,
            R"({"message":"Not Found","documentation_url":"https://docs.github.com/rest/branches/branches#list-branches","status":"404"})");
    QList<QByteArray> items;
    for (const QString& branch : branchesByRepo.value(fullName)) {
        items << jsonOf(
            {{u"name"_s, branch},
             {u"commit"_s,
              QJsonObject{{u"sha"_s,
                           QString::fromLatin1(
                               QCryptographicHash::hash(branch.toUtf8(), QCryptographicHash::Sha1).toHex())},
                          {u"url"_s, u"https://api.github.com/"_s}}},
             {u"protected"_s, branch == u"main"_s}});
    }
    return withEtag(request, paginate(request, items, 30));
}

static QDateTime updatedOf(const FakePull& pull)
{
    return pull.updatedAt.isValid()
               ? pull.updatedAt
               : QDateTime(QDate(2024, 1, 1), QTime(0, 0), Qt::UTC).addSecs(-qint64(pull.number) * 60);
}

static QString shaOf(const QByteArray& seed)
{
    return QString::fromLatin1(QCryptographicHash::hash(seed, QCryptographicHash::Sha1).toHex());
}

static QJsonValue timeOrNull(bool present, const QDateTime& time)
{
    return present ? QJsonValue(time.toUTC().toString(Qt::ISODate)) : QJsonValue(QJsonValue::Null);
}

static QJsonObject userJson(const QString& login)
{
    return {{u"login"_s, login}, {u"id"_s, int(qHash(login) % 100000) + 1}, {u"type"_s, u"User"_s}};
}

static QJsonObject repoJson(const QString& fullName, bool fork)
{
    const QString owner = fullName.section(u'/', 0, 0);
    return {{u"id"_s, int(qHash(fullName) % 1000000) + 1},
            {u"name"_s, fullName.section(u'/', 1)},
            {u"full_name"_s, fullName},
            {u"owner"_s, userJson(owner)},
            {u"private"_s, false},
            {u"fork"_s, fork},
            {u"html_url"_s, QString(u"https://github.com/"_s + fullName)},
            {u"clone_url"_s, u"https://github.com/%1.git"_s.arg(fullName)}};
}

QList<FakePull> FakeGitHub::defaultPulls()
{
    QList<FakePull> pulls(6);
    pulls[0] = {.number = 1, .title = u"Add dark mode"_s, .headRef = u"dark-mode"_s};
    pulls[1] = {.number = 2, .title = u"WIP: new parser"_s, .headRef = u"parser"_s, .draft = true};
    pulls[2] = {.number = 3,
                .title = u"Fix a typo in the README"_s,
                .author = u"contributor"_s,
                .headRef = u"patch-1"_s,
                .headRepo = u"contributor/repo-0"_s};
    pulls[3] = {.number = 4,
                .title = u"An idea from a deleted fork"_s,
                .author = u"someone"_s,
                .headRef = u"idea"_s,
                .headRepo = u"someone/repo-0"_s,
                .headRepoDeleted = true};
    pulls[4] = {.number = 5, .title = u"Abandoned"_s, .headRef = u"abandoned"_s, .closed = true};
    pulls[5] = {.number = 6, .title = u"Ship it"_s, .headRef = u"ship-it"_s, .closed = true, .merged = true};
    return pulls;
}

FakePull* FakeGitHub::findPull(const QString& repo, int number)
{
    const auto found = pullsByRepo.find(repo);
    if (found == pullsByRepo.end())
        return nullptr;
    for (FakePull& pull : *found) {
        if (pull.number == number)
            return &pull;
    }
    return nullptr;
}

// GitHub moves updated_at on with every change, and the fake's ETags hash the body: this changes it.
static void touch(FakePull& pull)
{
    const QDateTime now = QDateTime::fromSecsSinceEpoch(QDateTime::currentSecsSinceEpoch(), Qt::UTC);
    pull.updatedAt = std::max(now, updatedOf(pull).addSecs(1));
}

bool FakeGitHub::pushToPull(const QString& repo, int number, const QString& newSha)
{
    FakePull* pull = findPull(repo, number);
    if (pull == nullptr)
        return false;
    pull->headSha = newSha;
    touch(*pull);
    return true;
}

bool FakeGitHub::closePull(const QString& repo, int number)
{
    FakePull* pull = findPull(repo, number);
    if (pull == nullptr)
        return false;
    pull->closed = true;
    touch(*pull);
    return true;
}

bool FakeGitHub::mergePull(const QString& repo, int number)
{
    FakePull* pull = findPull(repo, number);
    if (pull == nullptr)
        return false;
    pull->closed = true;
    pull->merged = true;
    touch(*pull);
    return true;
}

QByteArray FakeGitHub::pullJson(const QString& repo, const FakePull& pull, bool single) const
{
    const QString headRepo = pull.headRepo.isEmpty() ? repo : pull.headRepo;
    const bool fork = headRepo != repo;
    const QString headOwner = pull.headRepoDeleted ? pull.author : headRepo.section(u'/', 0, 0);
    const QString headSha = pull.headSha.isEmpty()
                                ? shaOf(QByteArray::number(pull.number) + pull.headRef.toUtf8())
                                : pull.headSha;
    const QJsonObject head{{u"label"_s, QString(headOwner + u':' + pull.headRef)},
                           {u"ref"_s, pull.headRef},
                           {u"sha"_s, headSha},
                           {u"user"_s, userJson(headOwner)},
                           {u"repo"_s, pull.headRepoDeleted ? QJsonValue(QJsonValue::Null)
                                                            : QJsonValue(repoJson(headRepo, fork))}};
    const QJsonObject base{{u"label"_s, QString(repo.section(u'/', 0, 0) + u':' + pull.baseRef)},
                           {u"ref"_s, pull.baseRef},
                           {u"sha"_s, shaOf(pull.baseRef.toUtf8())},
                           {u"user"_s, userJson(repo.section(u'/', 0, 0))},
                           {u"repo"_s, repoJson(repo, false)}};
    const QDateTime updated = updatedOf(pull);
    QJsonObject object{
        {u"url"_s, u"https://api.github.com/repos/%1/pulls/%2"_s.arg(repo).arg(pull.number)},
        {u"id"_s, 1000000 + pull.number},
        {u"html_url"_s, u"https://github.com/%1/pull/%2"_s.arg(repo).arg(pull.number)},
        {u"number"_s, pull.number},
        {u"state"_s, pull.closed ? u"closed"_s : u"open"_s},
        {u"locked"_s, false},
        {u"title"_s, pull.title},
        {u"user"_s, userJson(pull.author)},
        {u"body"_s, QJsonValue::Null},
        {u"created_at"_s,
         QDateTime(QDate(2023, 1, 1), QTime(0, 0), Qt::UTC).addSecs(pull.number * 60).toString(Qt::ISODate)},
        {u"updated_at"_s, updated.toUTC().toString(Qt::ISODate)},
        {u"closed_at"_s, timeOrNull(pull.closed, updated)},
        {u"merged_at"_s, timeOrNull(pull.merged, updated)},
        {u"merge_commit_sha"_s,
         pull.merged ? QJsonValue(shaOf("merge" + headSha.toUtf8())) : QJsonValue::Null},
        {u"draft"_s, pull.draft},
        {u"head"_s, head},
        {u"base"_s, base},
        {u"author_association"_s, fork ? u"CONTRIBUTOR"_s : u"OWNER"_s}};
    if (single) { // the single view adds these to the list item's fields
        object.insert(u"merged"_s, pull.merged);
        object.insert(u"mergeable"_s, QJsonValue::Null);
        object.insert(u"mergeable_state"_s, u"unknown"_s);
        object.insert(u"merged_by"_s, pull.merged ? QJsonValue(userJson(login)) : QJsonValue::Null);
        object.insert(u"comments"_s, 0);
        object.insert(u"commits"_s, 1);
    }
    return jsonOf(object);
}

FakeGitHub::Response FakeGitHub::pulls(const RecordedRequest& request, const QString& repo)
{
    if (!pullsByRepo.contains(repo))
        return Response::json(
            404,
            R"({"message":"Not Found","documentation_url":"https://docs.github.com/rest/pulls/pulls#list-pull-requests","status":"404"})");
    const QUrlQuery query = request.queryItems();
    const QString state = query.hasQueryItem(u"state"_s) ? query.queryItemValue(u"state"_s) : u"open"_s;
    QList<FakePull> selected;
    for (const FakePull& pull : pullsByRepo.value(repo)) {
        if (state == u"all"_s || (state == u"closed"_s) == pull.closed)
            selected << pull;
    }
    // GitHub's defaults: sort by creation (the number stands in for it here), descending for
    // creation and ascending for any other sort unless a direction is given.
    const QString sort = query.queryItemValue(u"sort"_s);
    const bool byUpdated = sort == u"updated"_s;
    const bool ascending = query.hasQueryItem(u"direction"_s)
                               ? query.queryItemValue(u"direction"_s) == u"asc"_s
                               : !sort.isEmpty() && sort != u"created"_s;
    const auto key = [byUpdated](const FakePull& pull) {
        return byUpdated ? updatedOf(pull).toSecsSinceEpoch() : qint64(pull.number);
    };
    std::stable_sort(selected.begin(), selected.end(), [&](const FakePull& a, const FakePull& b) {
        return ascending ? key(a) < key(b) : key(a) > key(b);
    });
    QList<QByteArray> items;
    for (const FakePull& pull : selected)
        items << pullJson(repo, pull, false);
    return withEtag(request, paginate(request, items, 30));
}

FakeGitHub::Response FakeGitHub::pull(const RecordedRequest& request, const QString& repo, int number)
{
    const FakePull* found = findPull(repo, number);
    if (found == nullptr)
        return Response::json(
            404,
            R"({"message":"Not Found","documentation_url":"https://docs.github.com/rest/pulls/pulls#get-a-pull-request","status":"404"})");
    return withEtag(request, Response::json(200, pullJson(repo, *found, true)));
}
