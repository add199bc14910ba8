#include "FakeGitHub.h"

#include <QCryptographicHash>
#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QUrlQuery>

using namespace Qt::StringLiterals;

using forge::test::HttpExchange;

FakeGitHub::FakeGitHub(QObject* parent)
    : QObject(parent)
{
    m_server.setHandler(
        [this](const RecordedRequest& request, const std::shared_ptr<HttpExchange>& exchange) {
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
    if (request.path() == "/user")
        response = user(request);
    else if (request.path() == "/user/repos")
        response = repositories(request);
    else if (request.path().startsWith("/repos/") && request.path().endsWith("/branches"))
        response = branches(request);
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
