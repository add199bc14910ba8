#include "CoroutineHelpers.h"
#include "FakeDaytonaServer.h"
#include "daytona/CommandLogFollower.h"
#include "daytona/DaytonaClient.h"
#include "daytona/DaytonaConfig.h"
#include "daytona/DaytonaHttp.h"
#include "daytona/OutputDemultiplexer.h"
#include "daytona/Retry.h"
#include "daytona/SandboxApi.h"
#include "daytona/ToolboxApi.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QTest>
#include <QWebSocket>
#include <QWebSocketServer>

using namespace Qt::StringLiterals;
using namespace forge::daytona;
using forge::test::RecordedRequest;

namespace {

QByteArray js(const QJsonObject& object)
{
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

QByteArray js(const QJsonArray& array)
{
    return QJsonDocument(array).toJson(QJsonDocument::Compact);
}

QJsonObject sandboxJson(const QString& id, const QString& state, const QString& errorReason = {})
{
    QJsonObject object{{u"id"_s, id},
                       {u"name"_s, QString(id + u"-name"_s)},
                       {u"state"_s, state},
                       {u"labels"_s, QJsonObject{{u"app"_s, u"forge"_s}}},
                       {u"toolboxProxyUrl"_s, u"https://proxy.example/toolbox"_s},
                       {u"public"_s, true},
                       {u"cpu"_s, 2},
                       {u"memory"_s, 4},
                       {u"disk"_s, 8},
                       {u"target"_s, u"us"_s},
                       {u"recoverable"_s, false}};
    if (!errorReason.isEmpty())
        object.insert(u"errorReason"_s, errorReason);
    return object;
}

QString kind(const std::optional<DaytonaError>& error)
{
    return error ? DaytonaError::kindName(error->kind()) : u"<no error>"_s;
}

QUrl withPath(QUrl url, const QString& path)
{
    url.setPath(path);
    return url;
}

// A log follower for sandbox sb1 of the fake server at `base` whose log stream cannot open (its
// WebSocket base is a port nobody listens on), so it works from status and log reads alone.
struct PollingFollower
{
    PollingFollower(const DaytonaConfig& config, QUrl base)
        : http(config)
        , toolbox(http, withPath(std::move(base), u"/toolbox/sb1"_s))
        , follower(http, toolbox)
    {
        QUrl closed;
        {
            FakeDaytonaServer gone;
            closed = gone.baseUrl();
        }
        closed.setScheme(u"ws"_s);
        follower.setWebSocketBase(closed);
    }

    DaytonaHttp http;
    ToolboxApi toolbox;
    CommandLogFollower follower;
};

} // namespace

class TestDaytonaClient : public QObject
{
    Q_OBJECT

private:
    DaytonaConfig configFor(const FakeDaytonaServer& server) const
    {
        DaytonaConfig config;
        config.apiKey = u"dtn_testkey_0123456789abcdef"_s;
        QUrl url = server.baseUrl();
        url.setPath(u"/api"_s);
        config.apiUrl = url;
        config.requestTimeout = std::chrono::milliseconds(5000);
        return config;
    }

private slots:
    void configFromEnvironmentDefaults()
    {
        QProcessEnvironment env;
        env.insert(u"DAYTONA_API_KEY"_s, u"dtn_secret_value_1234"_s);
        const DaytonaConfig config = DaytonaConfig::fromEnvironment(env);
        QCOMPARE(config.apiUrl, QUrl(u"https://app.daytona.io/api"_s));
        QVERIFY(config.isValid());
        QVERIFY(config.authMode() == DaytonaConfig::AuthMode::ApiKey);
        QVERIFY(!config.redacted().contains(u"dtn_secret_value"_s));
        QVERIFY(config.redacted().contains(u"1234"_s));
    }

    void configFromEnvironmentJwtAndUrl()
    {
        QProcessEnvironment env;
        env.insert(u"DAYTONA_JWT_TOKEN"_s, u"eyJhbGciOi.jwt.token"_s);
        env.insert(u"DAYTONA_API_URL"_s, u"https://daytona.example/api/"_s);
        env.insert(u"DAYTONA_TARGET"_s, u"eu"_s);
        DaytonaConfig config = DaytonaConfig::fromEnvironment(env);
        QCOMPARE(config.apiUrl, QUrl(u"https://daytona.example/api"_s));
        QCOMPARE(config.target, u"eu"_s);
        QVERIFY(config.authMode() == DaytonaConfig::AuthMode::Jwt);
        QVERIFY(config.validationError().contains(u"DAYTONA_ORGANIZATION_ID"_s));
        config.organizationId = u"org-1"_s;
        QVERIFY2(config.isValid(), qPrintable(config.validationError()));
        QVERIFY(!config.redacted().contains(u"eyJhbGciOi"_s));
    }

    void configWithoutCredentialsSaysWhatToSet()
    {
        const DaytonaConfig config = DaytonaConfig::fromEnvironment(QProcessEnvironment());
        QVERIFY(config.validationError().contains(u"DAYTONA_API_KEY"_s));
        DaytonaConfig badUrl = config;
        badUrl.apiKey = u"k"_s;
        badUrl.apiUrl = QUrl(u"ftp://x"_s);
        QVERIFY(badUrl.validationError().contains(u"DAYTONA_API_URL"_s));
    }

    void apiKeyModeSendsSdkHeadersWithoutOrganization()
    {
        FakeDaytonaServer server;
        server.setHandler([](const RecordedRequest&) {
            return FakeResponse::json(200, js(sandboxJson(u"sb1"_s, u"started"_s)));
        });
        DaytonaHttp http(configFor(server));
        SandboxApi api(http);
        const auto outcome = run(api.get(u"sb1"_s));
        QVERIFY2(outcome.value, qPrintable(outcome.describe()));
        QCOMPARE(server.requests().size(), 1);
        const RecordedRequest& request = server.requests().constFirst();
        QCOMPARE(request.method, QByteArray("GET"));
        QCOMPARE(request.decodedPath(), u"/api/sandbox/sb1"_s);
        QCOMPARE(request.header("Authorization"), QByteArray("Bearer dtn_testkey_0123456789abcdef"));
        QCOMPARE(request.header("X-Daytona-Source"), QByteArray("forge-preview"));
        QCOMPARE(request.header("X-Daytona-SDK-Version"), QByteArray("0.190.0"));
        QVERIFY(request.header("User-Agent").startsWith("forge-preview/"));
        QVERIFY(!request.hasHeader("X-Daytona-Organization-ID"));
    }

    void jwtModeAddsOrganizationHeader()
    {
        FakeDaytonaServer server;
        server.setHandler([](const RecordedRequest&) {
            return FakeResponse::json(200, js(sandboxJson(u"sb1"_s, u"started"_s)));
        });
        DaytonaConfig config = configFor(server);
        config.apiKey.clear();
        config.jwtToken = u"jwt-token"_s;
        config.organizationId = u"org-42"_s;
        DaytonaHttp http(config);
        SandboxApi api(http);
        const auto outcome = run(api.get(u"sb1"_s));
        QVERIFY2(outcome.value, qPrintable(outcome.describe()));
        const RecordedRequest& request = server.requests().constFirst();
        QCOMPARE(request.header("Authorization"), QByteArray("Bearer jwt-token"));
        QCOMPARE(request.header("X-Daytona-Organization-ID"), QByteArray("org-42"));
    }

    void sandboxParsedDefensively()
    {
        const Sandbox sandbox = Sandbox::fromJson(sandboxJson(u"sb1"_s, u"started"_s));
        QCOMPARE(sandbox.id, u"sb1"_s);
        QCOMPARE(sandbox.labels.value(u"app"_s), u"forge"_s);
        QCOMPARE(sandbox.cpu, 2);
        QVERIFY(sandbox.isPublic);
        QCOMPARE(sandbox.toolboxBaseUrl(), QUrl(u"https://proxy.example/toolbox/sb1"_s));
        const Sandbox wrongTypes =
            Sandbox::fromJson(QJsonObject{{u"id"_s, 5}, {u"labels"_s, u"x"_s}, {u"cpu"_s, u"two"_s}});
        QVERIFY(wrongTypes.id.isEmpty());
        QVERIFY(wrongTypes.labels.isEmpty());
        QCOMPARE(wrongTypes.cpu, 0);
        QVERIFY(!wrongTypes.toolboxBaseUrl().isValid());
    }

    void errorShapes_data()
    {
        QTest::addColumn<int>("status");
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<QString>("kind");
        QTest::addColumn<QString>("serverMessage");
        QTest::addColumn<QString>("code");
        QTest::addColumn<bool>("transient");

        const QJsonObject nest404{{u"path"_s, u"/api/sandbox/x"_s},
                                  {u"timestamp"_s, u"2026-01-01T00:00:00Z"_s},
                                  {u"statusCode"_s, 404},
                                  {u"error"_s, u"Not Found"_s},
                                  {u"message"_s, u"Sandbox with ID or name x not found"_s}};
        QTest::newRow("nest 404") << 404 << js(nest404) << u"NotFound"_s
                                  << u"Sandbox with ID or name x not found"_s << QString() << false;
        const QJsonObject validation{
            {u"statusCode"_s, 400},
            {u"error"_s, u"Bad Request"_s},
            {u"message"_s, QJsonArray{u"cpu must be an integer"_s, u"name is too long"_s}}};
        QTest::newRow("nest 400 array")
            << 400 << js(validation) << u"InvalidState"_s << u"cpu must be an integer, name is too long"_s
            << QString() << false;
        const QJsonObject toolbox{
            {u"statusCode"_s, 404},   {u"message"_s, u"session not found"_s}, {u"code"_s, u"NOT_FOUND"_s},
            {u"timestamp"_s, u"t"_s}, {u"path"_s, u"/process/session/s"_s},   {u"method"_s, u"GET"_s}};
        QTest::newRow("toolbox 404") << 404 << js(toolbox) << u"NotFound"_s << u"session not found"_s
                                     << u"NOT_FOUND"_s << false;
        const QJsonObject stateChange{{u"statusCode"_s, 409},
                                      {u"message"_s, u"Sandbox state change in progress"_s}};
        QTest::newRow("409 state change") << 409 << js(stateChange) << u"StateChangeInProgress"_s
                                          << u"Sandbox state change in progress"_s << QString() << true;
        const QJsonObject conflict{
            {u"statusCode"_s, 409}, {u"message"_s, u"session already exists"_s}, {u"code"_s, u"CONFLICT"_s}};
        QTest::newRow("409 conflict")
            << 409 << js(conflict) << u"Conflict"_s << u"session already exists"_s << u"CONFLICT"_s << false;
        QTest::newRow("400 empty body")
            << 400 << QByteArray() << u"InvalidState"_s << QString() << QString() << false;
        QTest::newRow("401") << 401
                             << js(QJsonObject{{u"statusCode"_s, 401}, {u"message"_s, u"Unauthorized"_s}})
                             << u"Unauthorized"_s << u"Unauthorized"_s << QString() << false;
        QTest::newRow("403 empty") << 403 << QByteArray() << u"Unauthorized"_s << QString() << QString()
                                   << false;
        QTest::newRow("408 toolbox") << 408
                                     << js(QJsonObject{{u"statusCode"_s, 408},
                                                       {u"message"_s, u"command timed out"_s},
                                                       {u"code"_s, u"REQUEST_TIMEOUT"_s}})
                                     << u"CommandTimedOut"_s << u"command timed out"_s << u"REQUEST_TIMEOUT"_s
                                     << false;
        QTest::newRow("429") << 429
                             << js(QJsonObject{{u"statusCode"_s, 429},
                                               {u"message"_s, u"ThrottlerException: Too Many Requests"_s}})
                             << u"RateLimited"_s << u"ThrottlerException: Too Many Requests"_s << QString()
                             << true;
        QTest::newRow("500 empty") << 500 << QByteArray() << u"ServerError"_s << QString() << QString()
                                   << true;
        QTest::newRow("502 html") << 502 << QByteArray("<html><body>Bad gateway</body></html>")
                                  << u"ServerError"_s << QString() << QString() << true;
        QTest::newRow("503 text") << 503 << QByteArray("upstream unavailable") << u"ServerError"_s
                                  << u"upstream unavailable"_s << QString() << true;
        QTest::newRow("422 garbage json")
            << 422 << QByteArray("{\"message\": [1,") << u"HttpError"_s << QString() << QString() << false;
    }

    void errorShapes()
    {
        QFETCH(int, status);
        QFETCH(QByteArray, body);
        QFETCH(QString, kind);
        QFETCH(QString, serverMessage);
        QFETCH(QString, code);
        QFETCH(bool, transient);
        FakeDaytonaServer server;
        server.setHandler([&](const RecordedRequest&) { return FakeResponse::json(status, body); });
        DaytonaHttp http(configFor(server));
        SandboxApi api(http);
        const auto outcome = run(api.start(u"x"_s));
        QVERIFY(!outcome.value);
        QCOMPARE(::kind(outcome.error), kind);
        QCOMPARE(outcome.error->statusCode(), status);
        QCOMPARE(outcome.error->serverMessage(), serverMessage);
        QCOMPARE(outcome.error->code(), code);
        QCOMPARE(outcome.error->isTransient(), transient);
        QVERIFY(!outcome.error->path().isEmpty());
        // Every message names the status and says what to do next.
        QVERIFY2(outcome.error->userMessage().contains(QString::number(status)),
                 qPrintable(outcome.error->userMessage()));
        QVERIFY2(outcome.error->userMessage().size() > 40, qPrintable(outcome.error->userMessage()));
        QVERIFY(!outcome.error->userMessage().contains(u"<html"_s));
        QVERIFY(!outcome.error->userMessage().contains(u"dtn_testkey"_s));
        QVERIFY(!QByteArray(outcome.error->what()).contains("dtn_testkey"));
    }

    void retryAfterForms_data()
    {
        QTest::addColumn<QByteArray>("name");
        QTest::addColumn<QByteArray>("value");
        QTest::addColumn<int>("seconds");
        QTest::newRow("plain seconds") << QByteArray("Retry-After") << QByteArray("30") << 30;
        QTest::newRow("throttler seconds")
            << QByteArray("Retry-After-sandbox-create") << QByteArray("12") << 12;
        QTest::newRow("http date") << QByteArray("Retry-After") << QByteArray("Thu, 01 Jan 2026 00:01:40 GMT")
                                   << 100;
        QTest::newRow("throttler http date")
            << QByteArray("retry-after-authenticated") << QByteArray("Thu, 01 Jan 2026 00:00:05 GMT") << 5;
        QTest::newRow("garbage") << QByteArray("Retry-After") << QByteArray("soon") << -1;
    }

    void retryAfterForms()
    {
        QFETCH(QByteArray, name);
        QFETCH(QByteArray, value);
        QFETCH(int, seconds);
        const QDateTime now(QDate(2026, 1, 1), QTime(0, 0, 0), Qt::UTC);
        const auto parsed = DaytonaError::parseRetryAfter({{name, value}}, now);
        QCOMPARE(parsed ? static_cast<int>(parsed->count()) : -1, seconds);
    }

    void rateLimitedCarriesRetryAfterEndToEnd()
    {
        FakeDaytonaServer server;
        server.setHandler([](const RecordedRequest&) {
            FakeResponse response = FakeResponse::json(
                429, js(QJsonObject{{u"statusCode"_s, 429}, {u"message"_s, u"Rate limit exceeded"_s}}));
            response.headers = {{"X-RateLimit-Remaining-sandbox-create", "0"},
                                {"Retry-After-sandbox-create", "7"}};
            return response;
        });
        DaytonaHttp http(configFor(server));
        SandboxApi api(http);
        CreateSandboxParams params;
        params.snapshot = u"daytona-small"_s;
        const auto outcome = run(api.create(params));
        QCOMPARE(kind(outcome.error), u"RateLimited"_s);
        QVERIFY(outcome.error->retryAfter());
        QCOMPARE(outcome.error->retryAfter()->count(), 7);
        QVERIFY(outcome.error->isTransient());
        QVERIFY(outcome.error->userMessage().contains(u"7 s"_s));
    }

    void malformedBodies_data()
    {
        QTest::addColumn<QByteArray>("body");
        QTest::newRow("garbage") << QByteArray("\x01\x02not json at all\xff");
        QTest::newRow("html") << QByteArray("<!DOCTYPE html><html><body>Login</body></html>");
        QTest::newRow("empty") << QByteArray();
        QTest::newRow("truncated") << QByteArray("{\"id\": \"sb1\", \"state\":");
        QTest::newRow("array instead of object") << QByteArray("[1,2,3]");
        QTest::newRow("scalar") << QByteArray("42");
    }

    void malformedBodies()
    {
        QFETCH(QByteArray, body);
        FakeDaytonaServer server;
        server.setHandler([&](const RecordedRequest&) { return FakeResponse::json(200, body); });
        DaytonaHttp http(configFor(server));
        SandboxApi api(http);
        const auto outcome = run(api.get(u"sb1"_s));
        QVERIFY(!outcome.value);
        QCOMPARE(kind(outcome.error), u"MalformedResponse"_s);
        QVERIFY(outcome.error->userMessage().contains(u"DAYTONA_API_URL"_s));
    }

    void oversizedBodyIsRejected()
    {
        FakeDaytonaServer server;
        server.setHandler(
            [](const RecordedRequest&) { return FakeResponse::json(200, QByteArray(4096, ' ') + "{}"); });
        DaytonaHttp http(configFor(server));
        http.setMaxBodyBytes(1024);
        SandboxApi api(http);
        const auto outcome = run(api.get(u"sb1"_s));
        QCOMPARE(kind(outcome.error), u"MalformedResponse"_s);
    }

    void hangingServerTimesOut()
    {
        FakeDaytonaServer server;
        server.setHandler([](const RecordedRequest&) {
            FakeResponse response;
            response.hang = true;
            return response;
        });
        DaytonaConfig config = configFor(server);
        config.requestTimeout = std::chrono::milliseconds(300);
        DaytonaHttp http(config);
        SandboxApi api(http);
        QElapsedTimer clock;
        clock.start();
        const auto outcome = run(api.get(u"sb1"_s));
        QCOMPARE(kind(outcome.error), u"Timeout"_s);
        QVERIFY(outcome.error->isTransient());
        QVERIFY(clock.elapsed() < 5000);
    }

    void refusedConnectionIsNetworkError()
    {
        QUrl closed;
        {
            FakeDaytonaServer server;
            closed = server.baseUrl();
        }
        DaytonaConfig config;
        config.apiKey = u"k"_s;
        config.apiUrl = closed;
        DaytonaHttp http(config);
        SandboxApi api(http);
        const auto outcome = run(api.get(u"sb1"_s));
        QCOMPARE(kind(outcome.error), u"Network"_s);
        QVERIFY(outcome.error->isTransient());
    }

    void crossOriginRedirectIsNotFollowed()
    {
        FakeDaytonaServer elsewhere;
        elsewhere.setHandler([](const RecordedRequest&) {
            return FakeResponse::json(200, js(sandboxJson(u"sb1"_s, u"started"_s)));
        });
        FakeDaytonaServer server;
        const QByteArray location = elsewhere.baseUrl().toEncoded() + "/api/sandbox/sb1";
        server.setHandler([location](const RecordedRequest&) {
            FakeResponse response = FakeResponse::json(302, {});
            response.headers = {{"Location", location}};
            return response;
        });
        DaytonaHttp http(configFor(server));
        SandboxApi api(http);
        const auto outcome = run(api.get(u"sb1"_s));
        QVERIFY(!outcome.value);
        QVERIFY(elsewhere.requests().isEmpty()); // the key never left for the other origin
        QCOMPARE(kind(outcome.error), u"Network"_s);
        QVERIFY2(outcome.error->userMessage().contains(u"redirect"_s),
                 qPrintable(outcome.error->userMessage()));
    }

    void listAcceptsBothShapes()
    {
        FakeDaytonaServer server;
        const QByteArray page = js(QJsonObject{
            {u"items"_s, QJsonArray{sandboxJson(u"a"_s, u"started"_s), sandboxJson(u"b"_s, u"stopped"_s)}},
            {u"nextCursor"_s, u"cur-2"_s}});
        const QByteArray plain = js(QJsonArray{sandboxJson(u"c"_s, u"started"_s), u"junk"_s});
        server.setSequence({FakeResponse::json(200, page), FakeResponse::json(200, plain)});
        DaytonaHttp http(configFor(server));
        SandboxApi api(http);
        ListSandboxesQuery query;
        query.labels.insert(u"forge.preview/project"_s, u"a&b=c+d"_s);
        const auto first = run(api.list(query));
        QVERIFY2(first.value, qPrintable(first.describe()));
        QCOMPARE(first.value->items.size(), 2);
        QCOMPARE(first.value->items.at(1).state, u"stopped"_s);
        QCOMPARE(first.value->nextCursor, u"cur-2"_s);
        const auto second = run(api.list());
        QVERIFY2(second.value, qPrintable(second.describe()));
        QCOMPARE(second.value->items.size(), 1);
        QVERIFY(second.value->nextCursor.isEmpty());

        const QString labels =
            server.requests().at(0).queryItems().queryItemValue(u"labels"_s, QUrl::FullyDecoded);
        const QJsonObject decoded = QJsonDocument::fromJson(labels.toUtf8()).object();
        QCOMPARE(decoded.value(u"forge.preview/project"_s).toString(), u"a&b=c+d"_s);
        QVERIFY(!server.requests().at(1).queryItems().hasQueryItem(u"labels"_s));
    }

    void createSendsSdkShapedBody()
    {
        FakeDaytonaServer server;
        server.setHandler([](const RecordedRequest&) {
            return FakeResponse::json(200, js(sandboxJson(u"sb1"_s, u"pending_build"_s)));
        });
        DaytonaConfig config = configFor(server);
        config.target = u"eu"_s;
        DaytonaHttp http(config);
        SandboxApi api(http);
        CreateSandboxParams params;
        params.name = u"forge-1"_s;
        params.image = u"node:22-bookworm"_s;
        params.cpu = 2;
        params.memory = 4;
        params.disk = 8;
        params.labels.insert(u"app"_s, u"forge"_s);
        params.env.insert(u"NODE_ENV"_s, u"development"_s);
        params.isPublic = false;
        params.autoStopInterval = 30;
        params.autoDeleteInterval = 60;
        const auto outcome = run(api.create(params));
        QVERIFY2(outcome.value, qPrintable(outcome.describe()));
        const RecordedRequest& request = server.requests().constFirst();
        QCOMPARE(request.method, QByteArray("POST"));
        QCOMPARE(request.decodedPath(), u"/api/sandbox"_s);
        const QJsonObject body = QJsonDocument::fromJson(request.body).object();
        QCOMPARE(body.value(u"buildInfo"_s).toObject().value(u"dockerfileContent"_s).toString(),
                 u"FROM node:22-bookworm\n"_s);
        QVERIFY(!body.contains(u"image"_s));
        QCOMPARE(body.value(u"cpu"_s).toInt(), 2);
        QCOMPARE(body.value(u"target"_s).toString(), u"eu"_s);
        QCOMPARE(body.value(u"public"_s), QJsonValue(false));
        QCOMPARE(body.value(u"autoStopInterval"_s).toInt(), 30);
        QCOMPARE(body.value(u"env"_s).toObject().value(u"NODE_ENV"_s).toString(), u"development"_s);
    }

    void createRejectsResourcesWithSnapshotBeforeSending()
    {
        FakeDaytonaServer server;
        DaytonaHttp http(configFor(server));
        SandboxApi api(http);
        CreateSandboxParams params;
        params.snapshot = u"daytona-small"_s;
        params.cpu = 4;
        const auto outcome = run(api.create(params));
        QCOMPARE(kind(outcome.error), u"InvalidArgument"_s);
        QVERIFY(outcome.error->userMessage().contains(u"daytona-medium"_s));
        QVERIFY(server.requests().isEmpty());
    }

    void lifecycleCallsUseTheirPaths()
    {
        FakeDaytonaServer server;
        server.setHandler([](const RecordedRequest& request) {
            if (request.decodedPath().endsWith(u"/last-activity"_s))
                return FakeResponse::json(201, {});
            if (request.decodedPath().contains(u"preview-url"_s))
                return FakeResponse::json(200, js(QJsonObject{{u"sandboxId"_s, u"sb1"_s},
                                                              {u"url"_s, u"https://3000-sb1.proxy.example"_s},
                                                              {u"token"_s, u"tok"_s}}));
            return FakeResponse::json(200, js(sandboxJson(u"sb1"_s, u"started"_s)));
        });
        DaytonaHttp http(configFor(server));
        SandboxApi api(http);
        QVERIFY(run(api.start(u"sb1"_s)).value);
        QVERIFY(run(api.stop(u"sb1"_s, true)).value);
        QVERIFY(run(api.archive(u"sb1"_s)).value);
        QVERIFY(run(api.recover(u"sb1"_s)).value);
        QVERIFY(run(api.remove(u"sb1"_s)).value);
        QVERIFY(runVoid(api.refreshActivity(u"sb1"_s)).value);
        const auto preview = run(api.previewUrl(u"sb1"_s, 3000));
        QVERIFY2(preview.value, qPrintable(preview.describe()));
        QCOMPARE(preview.value->url, QUrl(u"https://3000-sb1.proxy.example"_s));
        QCOMPARE(preview.value->token, u"tok"_s);
        QVERIFY(run(api.signedPreviewUrl(u"sb1"_s, 3000, 120)).value);
        QCOMPARE(kind(run(api.previewUrl(u"sb1"_s, 70000)).error), u"InvalidArgument"_s);

        QStringList seen;
        for (const RecordedRequest& request : server.requests())
            seen << QString::fromLatin1(request.method + ' ' + request.target);
        const QStringList expected{
            u"POST /api/sandbox/sb1/start"_s,
            u"POST /api/sandbox/sb1/stop?force=true"_s,
            u"POST /api/sandbox/sb1/archive"_s,
            u"POST /api/sandbox/sb1/recover"_s,
            u"DELETE /api/sandbox/sb1"_s,
            u"POST /api/sandbox/sb1/last-activity"_s,
            u"GET /api/sandbox/sb1/ports/3000/preview-url"_s,
            u"GET /api/sandbox/sb1/ports/3000/signed-preview-url?expiresInSeconds=120"_s};
        QCOMPARE(seen, expected);
    }

    void idsArePercentEncoded()
    {
        FakeDaytonaServer server;
        server.setHandler([](const RecordedRequest&) {
            return FakeResponse::json(200, js(sandboxJson(u"x"_s, u"started"_s)));
        });
        DaytonaHttp http(configFor(server));
        SandboxApi api(http);
        QVERIFY(run(api.get(u"../config?x=1"_s)).value);
        QCOMPARE(server.requests().constFirst().target, QByteArray("/api/sandbox/..%2Fconfig%3Fx%3D1"));
    }

    void pollPolicyMatchesSdk()
    {
        const PollPolicy policy;
        using std::chrono::milliseconds;
        QCOMPARE(policy.next(milliseconds(100), milliseconds(1000)).count(), 100);
        QCOMPARE(policy.next(milliseconds(100), milliseconds(5000)).count(), 110);
        QCOMPARE(policy.next(milliseconds(950), milliseconds(9000)).count(), 1000);
        QCOMPARE(policy.next(milliseconds(1000), milliseconds(9000)).count(), 1000);
    }

    void waitForStatePollsUntilWanted()
    {
        FakeDaytonaServer server;
        server.setSequence({FakeResponse::json(200, js(sandboxJson(u"sb1"_s, u"creating"_s))),
                            FakeResponse::json(200, js(sandboxJson(u"sb1"_s, u"starting"_s))),
                            FakeResponse::json(200, js(sandboxJson(u"sb1"_s, u"started"_s)))});
        DaytonaHttp http(configFor(server));
        SandboxApi api(http);
        const auto outcome = run(api.waitForState(u"sb1"_s, {u"started"_s}, std::chrono::seconds(10)));
        QVERIFY2(outcome.value, qPrintable(outcome.describe()));
        QCOMPARE(outcome.value->state, u"started"_s);
        QCOMPARE(server.requests().size(), 3);
        for (const RecordedRequest& request : server.requests())
            QCOMPARE(request.decodedPath(), u"/api/sandbox/sb1"_s);
    }

    void waitForStateFailsFastOnError_data()
    {
        QTest::addColumn<QString>("state");
        QTest::newRow("error") << u"error"_s;
        QTest::newRow("build_failed") << u"build_failed"_s;
    }

    void waitForStateFailsFastOnError()
    {
        QFETCH(QString, state);
        FakeDaytonaServer server;
        server.setSequence(
            {FakeResponse::json(200, js(sandboxJson(u"sb1"_s, u"pending_build"_s))),
             FakeResponse::json(200, js(sandboxJson(u"sb1"_s, state, u"Dockerfile step 3 failed"_s)))});
        DaytonaHttp http(configFor(server));
        SandboxApi api(http);
        const auto outcome = run(api.waitForState(u"sb1"_s, {u"started"_s}, std::chrono::seconds(30)));
        QCOMPARE(kind(outcome.error), u"SandboxFailed"_s);
        QVERIFY(outcome.error->userMessage().contains(u"Dockerfile step 3 failed"_s));
        QVERIFY(outcome.error->userMessage().contains(state));
        QCOMPARE(server.requests().size(), 2);
    }

    void waitForStateTimesOut()
    {
        FakeDaytonaServer server;
        server.setSequence({FakeResponse::json(200, js(sandboxJson(u"sb1"_s, u"starting"_s)))});
        DaytonaHttp http(configFor(server));
        SandboxApi api(http);
        const auto outcome = run(api.waitForState(u"sb1"_s, {u"started"_s}, std::chrono::milliseconds(450)));
        QCOMPARE(kind(outcome.error), u"Timeout"_s);
        QVERIFY(outcome.error->userMessage().contains(u"starting"_s));
        QVERIFY(server.requests().size() >= 3);
    }

    void waitForDestroyedTreatsNotFoundAsDone()
    {
        FakeDaytonaServer server;
        server.setSequence({FakeResponse::json(200, js(sandboxJson(u"sb1"_s, u"destroying"_s))),
                            FakeResponse::json(404, js(QJsonObject{{u"statusCode"_s, 404},
                                                                   {u"message"_s, u"not found"_s}}))});
        DaytonaHttp http(configFor(server));
        SandboxApi api(http);
        const auto outcome = run(api.waitForState(u"sb1"_s, {u"destroyed"_s}, std::chrono::seconds(10)));
        QVERIFY2(outcome.value, qPrintable(outcome.describe()));
        QCOMPARE(outcome.value->state, u"destroyed"_s);
    }
    void demultiplexWholeStream()
    {
        const QByteArray stream = QByteArray("\x01\x01\x01out line 1\n\x02\x02\x02"
                                             "err line\n\x01\x01\x01out 2\n");
        const auto split = OutputDemultiplexer::demultiplex(stream);
        QCOMPARE(split.stdoutData, QByteArray("out line 1\nout 2\n"));
        QCOMPARE(split.stderrData, QByteArray("err line\n"));
        QVERIFY(OutputDemultiplexer::containsMarkers(stream));
        const auto plain = OutputDemultiplexer::demultiplex("no markers \x01\x01 here");
        QCOMPARE(plain.stdoutData, QByteArray("no markers \x01\x01 here"));
        QVERIFY(plain.stderrData.isEmpty());
    }

    void demultiplexByteByByteAndRandomChunks()
    {
        QByteArray stream;
        QByteArray expectedOut;
        QByteArray expectedErr;
        for (int i = 0; i < 50; ++i) {
            const QByteArray line =
                "line " + QByteArray::number(i) + (i % 7 == 0 ? QByteArray("\x01\x02") : QByteArray()) + "\n";
            if (i % 3 == 0) {
                stream += QByteArray("\x02\x02\x02") + line;
                expectedErr += line;
            } else {
                stream += QByteArray("\x01\x01\x01") + line;
                expectedOut += line;
            }
        }
        // A marker prefix at the very end is output of the current stream (line 49 is stdout).
        stream += QByteArray("\x01\x01");
        expectedOut += QByteArray("\x01\x01");

        auto runChunks = [&](const QList<qsizetype>& sizes) {
            OutputDemultiplexer demux;
            QByteArray out;
            QByteArray err;
            qsizetype offset = 0;
            for (qsizetype size : sizes) {
                const auto part = demux.feed(stream.mid(offset, size));
                out += part.stdoutData;
                err += part.stderrData;
                offset += size;
            }
            const auto rest = demux.finish();
            out += rest.stdoutData;
            err += rest.stderrData;
            return offset == stream.size() && out == expectedOut && err == expectedErr;
        };

        QList<qsizetype> ones(stream.size(), 1);
        QVERIFY(runChunks(ones));
        QRandomGenerator random(1234);
        for (int round = 0; round < 200; ++round) {
            QList<qsizetype> sizes;
            qsizetype left = stream.size();
            while (left > 0) {
                const qsizetype size = std::min<qsizetype>(left, random.bounded(1, 9));
                sizes << size;
                left -= size;
            }
            QVERIFY2(runChunks(sizes), qPrintable(u"round %1"_s.arg(round)));
        }
    }

    void toolboxExecuteAndErrors()
    {
        FakeDaytonaServer server;
        server.setSequence(
            {FakeResponse::json(200, js(QJsonObject{{u"exitCode"_s, 3}, {u"result"_s, u"boom"_s}})),
             FakeResponse::json(408, js(QJsonObject{{u"statusCode"_s, 408},
                                                    {u"message"_s, u"command timed out"_s},
                                                    {u"code"_s, u"REQUEST_TIMEOUT"_s}})),
             FakeResponse::json(200, js(QJsonObject{{u"result"_s, u"no exit code"_s}}))});
        DaytonaHttp http(configFor(server));
        QUrl base = server.baseUrl();
        base.setPath(u"/toolbox/sb1"_s);
        ToolboxApi toolbox(http, base);
        QMap<QString, QString> env;
        env.insert(u"CI"_s, u"1"_s);
        const auto ok = run(toolbox.execute(u"npm test"_s, u"/home/daytona/app"_s, env, 60));
        QVERIFY2(ok.value, qPrintable(ok.describe()));
        QCOMPARE(ok.value->exitCode, 3);
        QCOMPARE(ok.value->result, u"boom"_s);
        const RecordedRequest& request = server.requests().constFirst();
        QCOMPARE(request.decodedPath(), u"/toolbox/sb1/process/execute"_s);
        QCOMPARE(request.header("Authorization"), QByteArray("Bearer dtn_testkey_0123456789abcdef"));
        const QJsonObject body = QJsonDocument::fromJson(request.body).object();
        QCOMPARE(body.value(u"command"_s).toString(), u"npm test"_s);
        QCOMPARE(body.value(u"cwd"_s).toString(), u"/home/daytona/app"_s);
        QCOMPARE(body.value(u"envs"_s).toObject().value(u"CI"_s).toString(), u"1"_s);
        QCOMPARE(body.value(u"timeout"_s).toInt(), 60);

        const auto timedOut = run(toolbox.execute(u"sleep 100"_s, {}, {}, 1));
        QCOMPARE(kind(timedOut.error), u"CommandTimedOut"_s);
        QVERIFY(!timedOut.error->isTransient());
        const auto malformed = run(toolbox.execute(u"true"_s));
        QCOMPARE(kind(malformed.error), u"MalformedResponse"_s);
    }

    void toolboxSessionsLogsPortsGit()
    {
        FakeDaytonaServer server;
        server.setHandler([](const RecordedRequest& request) {
            const QString path = request.decodedPath();
            if (path.endsWith(u"/process/session"_s))
                return FakeResponse::json(201, {});
            if (path.endsWith(u"/exec"_s))
                return FakeResponse::json(202, js(QJsonObject{{u"cmdId"_s, u"cmd-1"_s}}));
            if (path.endsWith(u"/logs"_s)) {
                FakeResponse response;
                response.contentType = "text/plain";
                response.body = QByteArray("\x01\x01\x01"
                                           "ready on 3000\n\x02\x02\x02"
                                           "warn\n");
                return response;
            }
            if (path.endsWith(u"/command/cmd-1"_s))
                return FakeResponse::json(
                    200, js(QJsonObject{{u"id"_s, u"cmd-1"_s}, {u"command"_s, u"npm run dev"_s}}));
            if (path.endsWith(u"/port"_s))
                return FakeResponse::json(200, js(QJsonObject{{u"ports"_s, QJsonArray{3000, 5173}}}));
            if (path.endsWith(u"/git/clone"_s))
                return FakeResponse::json(200, {});
            return FakeResponse::json(404, {});
        });
        DaytonaHttp http(configFor(server));
        QUrl base = server.baseUrl();
        base.setPath(u"/toolbox/sb1"_s);
        ToolboxApi toolbox(http, base);
        QVERIFY(runVoid(toolbox.createSession(u"dev"_s)).value);
        const auto exec = run(toolbox.sessionExec(u"dev"_s, u"npm run dev"_s, true));
        QVERIFY2(exec.value, qPrintable(exec.describe()));
        QCOMPARE(exec.value->cmdId, u"cmd-1"_s);
        QVERIFY(!exec.value->exitCode);
        const auto status = run(toolbox.commandStatus(u"dev"_s, u"cmd-1"_s));
        QVERIFY(status.value);
        QVERIFY(!status.value->exitCode);
        const auto logs = run(toolbox.commandLogs(u"dev"_s, u"cmd-1"_s));
        QVERIFY2(logs.value, qPrintable(logs.describe()));
        QCOMPARE(logs.value->stdoutData, QByteArray("ready on 3000\n"));
        QCOMPARE(logs.value->stderrData, QByteArray("warn\n"));
        const auto ports = run(toolbox.listeningPorts());
        QVERIFY(ports.value);
        QCOMPARE(*ports.value, (QList<int>{3000, 5173}));
        GitCloneParams clone;
        clone.url = u"https://github.com/acme/app.git"_s;
        clone.path = u"app"_s;
        clone.branch = u"main"_s;
        clone.username = u"x-access-token"_s;
        clone.password = u"ghp_secret"_s;
        QVERIFY(runVoid(toolbox.gitClone(clone)).value);

        const RecordedRequest& cloneRequest = server.requests().constLast();
        QVERIFY(!cloneRequest.target.contains("ghp_secret"));
        const QJsonObject body = QJsonDocument::fromJson(cloneRequest.body).object();
        QCOMPARE(body.value(u"password"_s).toString(), u"ghp_secret"_s);
        QCOMPARE(body.value(u"insecure_skip_tls"_s), QJsonValue(false));
        QVERIFY(!body.contains(u"commitId"_s));
        const QJsonObject execBody = QJsonDocument::fromJson(server.requests().at(1).body).object();
        QCOMPARE(execBody.value(u"runAsync"_s), QJsonValue(true));
        QVERIFY(!execBody.contains(u"cwd"_s));
    }

    void commandLogsJsonSplitShape()
    {
        HttpReply reply;
        reply.statusCode = 200;
        reply.headers = {{"Content-Type", "application/json"}};
        reply.body =
            js(QJsonObject{{u"output"_s, u"raw"_s}, {u"stdout"_s, u"out\n"_s}, {u"stderr"_s, u"err\n"_s}});
        const CommandLogs logs = ToolboxApi::parseLogs(reply);
        QCOMPARE(logs.stdoutData, QByteArray("out\n"));
        QCOMPARE(logs.stderrData, QByteArray("err\n"));
    }
    void followStreamsOverWebSocket()
    {
        FakeDaytonaServer server;
        server.setHandler([](const RecordedRequest& request) {
            if (request.decodedPath().endsWith(u"/logs"_s))
                return FakeResponse::json(200, js(QJsonObject{{u"output"_s, u""_s},
                                                              {u"stdout"_s, u"hello\n"_s},
                                                              {u"stderr"_s, u"oops\n"_s}}));
            return FakeResponse::json(
                200, js(QJsonObject{{u"id"_s, u"c1"_s}, {u"command"_s, u"x"_s}, {u"exitCode"_s, 0}}));
        });
        QWebSocketServer wsServer(u"fake-toolbox"_s, QWebSocketServer::NonSecureMode);
        QVERIFY(wsServer.listen(QHostAddress::LocalHost, 0));
        QByteArray handshakeAuth;
        QString handshakeTarget;
        QObject::connect(&wsServer, &QWebSocketServer::newConnection, &wsServer, [&] {
            QWebSocket* socket = wsServer.nextPendingConnection();
            socket->setParent(&wsServer); // freed with the server even if it never sees its disconnect
            handshakeAuth = socket->request().rawHeader("Authorization");
            handshakeTarget = socket->requestUrl().toString();
            // Markers split across frames, as docs/daytona-api.md §8 warns.
            socket->sendBinaryMessage(QByteArray("\x01\x01"));
            socket->sendBinaryMessage(QByteArray("\x01hello\n\x02"));
            socket->sendBinaryMessage(QByteArray("\x02\x02oops\n"));
            socket->close(QWebSocketProtocol::CloseCodeNormal);
            QObject::connect(socket, &QWebSocket::disconnected, socket, &QObject::deleteLater);
        });
        DaytonaHttp http(configFor(server));
        QUrl base = server.baseUrl();
        base.setPath(u"/toolbox/sb1"_s);
        ToolboxApi toolbox(http, base);
        CommandLogFollower follower(http, toolbox);
        QUrl wsBase;
        wsBase.setScheme(u"ws"_s);
        wsBase.setHost(u"127.0.0.1"_s);
        wsBase.setPort(wsServer.serverPort());
        wsBase.setPath(u"/toolbox/sb1"_s);
        follower.setWebSocketBase(wsBase);
        QByteArray out;
        QByteArray err;
        const auto exitCode = run(follower.follow(
            u"s1"_s, u"c1"_s,
            [&](const QByteArray& o, const QByteArray& e) {
                out += o;
                err += e;
            },
            std::chrono::seconds(10)));
        QVERIFY2(exitCode.value, qPrintable(exitCode.describe()));
        QCOMPARE(*exitCode.value, 0);
        QVERIFY(follower.usedWebSocket());
        QCOMPARE(out, QByteArray("hello\n"));
        QCOMPARE(err, QByteArray("oops\n"));
        QCOMPARE(handshakeAuth, QByteArray("Bearer dtn_testkey_0123456789abcdef"));
        QVERIFY2(handshakeTarget.endsWith(u"/toolbox/sb1/process/session/s1/command/c1/logs?follow=true"_s),
                 qPrintable(handshakeTarget));
    }

    // Issue 17: whether the command runs is its status's to say; a failed status read is asked
    // again (a blip does not end a dev server's follow), but one that lasts ends it.
    void followRidesOutStatusBlipsButNotAnOutage()
    {
        FakeDaytonaServer server;
        int statusCalls = 0;
        bool outage = false;
        server.setHandler([&](const RecordedRequest& request) {
            if (request.decodedPath().endsWith(u"/logs"_s))
                return FakeResponse::json(200,
                                          js(QJsonObject{{u"stdout"_s, u"up\n"_s}, {u"stderr"_s, u""_s}}));
            ++statusCalls;
            if (outage || statusCalls <= 2)
                return FakeResponse::json(503, js(QJsonObject{{u"message"_s, u"Service Unavailable"_s}}));
            return FakeResponse::json(
                200, js(QJsonObject{{u"id"_s, u"c1"_s}, {u"command"_s, u"x"_s}, {u"exitCode"_s, 0}}));
        });
        PollingFollower polling(configFor(server), server.baseUrl());
        CommandLogFollower& follower = polling.follower;
        follower.setPollInterval(std::chrono::milliseconds(5));
        QByteArray out;
        const auto exitCode = run(follower.follow(
            u"s1"_s, u"c1"_s, [&](const QByteArray& o, const QByteArray&) { out += o; },
            std::chrono::seconds(30)));
        QVERIFY2(exitCode.value, qPrintable(exitCode.describe()));
        QCOMPARE(*exitCode.value, 0);
        QCOMPARE(statusCalls, 3);
        QCOMPARE(out, QByteArray("up\n"));

        outage = true;
        statusCalls = 0;
        const auto lost = run(follower.follow(u"s1"_s, u"c1"_s, {}, std::chrono::seconds(30)));
        QVERIFY(!lost.value);
        QVERIFY(lost.error);
        QVERIFY(lost.error->isTransient());
        QCOMPARE(statusCalls, CommandLogFollower::MaxStatusFailures);
    }

    void followFallsBackToPolling()
    {
        FakeDaytonaServer server;
        int statusCalls = 0;
        int logCalls = 0;
        server.setHandler([&](const RecordedRequest& request) {
            if (request.decodedPath().endsWith(u"/logs"_s)) {
                ++logCalls;
                QByteArray out = "a\n";
                if (logCalls >= 2)
                    out += "b\n";
                if (logCalls >= 3)
                    out += "c\n";
                return FakeResponse::json(200, js(QJsonObject{{u"output"_s, u""_s},
                                                              {u"stdout"_s, QString::fromUtf8(out)},
                                                              {u"stderr"_s, u""_s}}));
            }
            ++statusCalls;
            QJsonObject status{{u"id"_s, u"c1"_s}, {u"command"_s, u"x"_s}};
            if (statusCalls >= 3)
                status.insert(u"exitCode"_s, 3);
            return FakeResponse::json(200, js(status));
        });
        PollingFollower polling(configFor(server), server.baseUrl());
        CommandLogFollower& follower = polling.follower;
        follower.setPollInterval(std::chrono::milliseconds(20));
        QByteArray out;
        const auto exitCode = run(follower.follow(
            u"s1"_s, u"c1"_s, [&](const QByteArray& o, const QByteArray&) { out += o; },
            std::chrono::seconds(10)));
        QVERIFY2(exitCode.value, qPrintable(exitCode.describe()));
        QCOMPARE(*exitCode.value, 3);
        QVERIFY(!follower.usedWebSocket());
        QCOMPARE(out, QByteArray("a\nb\nc\n"));
    }
    void uploadFilesSendsPathBeforeFile()
    {
        FakeDaytonaServer server;
        server.setHandler([](const RecordedRequest&) {
            return FakeResponse::json(200, js(QJsonObject{{u"files"_s, QJsonArray()}}));
        });
        DaytonaHttp http(configFor(server));
        QUrl base = server.baseUrl();
        base.setPath(u"/toolbox/sb1"_s);
        ToolboxApi toolbox(http, base);
        QList<UploadFile> files{{u"app/a.txt"_s, QByteArray("alpha")},
                                {u"b.bin"_s, QByteArray("\x00\x01\x02", 3)}};
        const auto outcome = runVoid(toolbox.uploadFiles(files));
        QVERIFY2(outcome.value, qPrintable(outcome.describe()));
        const RecordedRequest& request = server.requests().constFirst();
        QCOMPARE(request.decodedPath(), u"/toolbox/sb1/files/bulk-upload"_s);
        const QByteArray contentType = request.header("Content-Type");
        QVERIFY(contentType.startsWith("multipart/form-data; boundary="));
        const QByteArray boundary = contentType.mid(contentType.indexOf('=') + 1);
        QCOMPARE(request.body, ToolboxApi::bulkUploadBody(files, boundary));
        const qsizetype path0 = request.body.indexOf("name=\"files[0].path\"");
        const qsizetype file0 = request.body.indexOf("name=\"files[0].file\"");
        const qsizetype path1 = request.body.indexOf("name=\"files[1].path\"");
        QVERIFY(path0 >= 0 && path0 < file0 && file0 < path1);
        QVERIFY(request.body.contains(QByteArray("\x00\x01\x02", 3)));
        QVERIFY(request.body.endsWith(QByteArray("--" + boundary + "--\r\n")));
        QCOMPARE(kind(runVoid(toolbox.uploadFiles({{u"dir/"_s, QByteArray("x")}})).error),
                 u"InvalidArgument"_s);
    }
    void retryTransientRetriesThenSucceeds()
    {
        FakeDaytonaServer server;
        FakeResponse limited = FakeResponse::json(
            429, js(QJsonObject{{u"statusCode"_s, 429}, {u"message"_s, u"Too Many Requests"_s}}));
        limited.headers = {{"Retry-After", "0"}};
        server.setSequence({FakeResponse::json(503, {}), limited,
                            FakeResponse::json(200, js(sandboxJson(u"sb1"_s, u"started"_s)))});
        DaytonaHttp http(configFor(server));
        SandboxApi api(http);
        QStringList seen;
        const forge::Backoff backoff(std::chrono::milliseconds(1), std::chrono::milliseconds(5), 3,
                                     [] { return 0.5; });
        const auto outcome =
            run(retryTransient<Sandbox>([&] { return api.get(u"sb1"_s); }, backoff,
                                        [&](const DaytonaError& error, int, std::chrono::milliseconds) {
                                            seen << DaytonaError::kindName(error.kind());
                                        }));
        QVERIFY2(outcome.value, qPrintable(outcome.describe()));
        QCOMPARE(server.requests().size(), 3);
        QCOMPARE(seen, (QStringList{u"ServerError"_s, u"RateLimited"_s}));
    }

    void retryTransientStopsOnPermanentAndWhenExhausted()
    {
        FakeDaytonaServer server;
        server.setSequence({FakeResponse::json(404, {})});
        DaytonaHttp http(configFor(server));
        SandboxApi api(http);
        const forge::Backoff backoff(std::chrono::milliseconds(1), std::chrono::milliseconds(5), 2,
                                     [] { return 0.5; });
        const auto permanent = run(retryTransient<Sandbox>([&] { return api.get(u"sb1"_s); }, backoff));
        QCOMPARE(kind(permanent.error), u"NotFound"_s);
        QCOMPARE(server.requests().size(), 1);

        server.clear();
        server.setSequence({FakeResponse::json(502, {})});
        const auto exhausted = run(retryTransient<Sandbox>([&] { return api.get(u"sb1"_s); }, backoff));
        QCOMPARE(kind(exhausted.error), u"ServerError"_s);
        QCOMPARE(server.requests().size(), 3); // the call and two retries
    }

    void clientHandsOutToolboxForSandbox()
    {
        FakeDaytonaServer server;
        DaytonaClient client(configFor(server));
        const auto toolbox = client.toolbox(Sandbox::fromJson(sandboxJson(u"sb1"_s, u"started"_s)));
        QCOMPARE(toolbox->baseUrl(), QUrl(u"https://proxy.example/toolbox/sb1"_s));
        bool threw = false;
        try {
            client.toolbox(Sandbox{});
        } catch (const DaytonaError& error) {
            threw = error.kind() == DaytonaError::Kind::InvalidArgument;
        }
        QVERIFY(threw);
    }
    void invalidConfigFailsBeforeTheNetwork()
    {
        FakeDaytonaServer server;
        DaytonaConfig config = configFor(server);
        config.apiKey.clear();
        DaytonaHttp http(config);
        SandboxApi api(http);
        const auto outcome = run(api.get(u"sb1"_s));
        QCOMPARE(kind(outcome.error), u"InvalidArgument"_s);
        QVERIFY(outcome.error->userMessage().contains(u"DAYTONA_API_KEY"_s));
        QVERIFY(server.requests().isEmpty());
    }
    void waitForStateSurvivesTransientErrors()
    {
        FakeDaytonaServer server;
        server.setSequence({FakeResponse::json(502, QByteArray("<html>Bad gateway</html>")),
                            FakeResponse::json(200, js(sandboxJson(u"sb1"_s, u"started"_s)))});
        DaytonaHttp http(configFor(server));
        SandboxApi api(http);
        const auto outcome = run(api.waitForState(u"sb1"_s, {u"started"_s}, std::chrono::seconds(10)));
        QVERIFY2(outcome.value, qPrintable(outcome.describe()));
        QCOMPARE(server.requests().size(), 2);

        server.clear();
        server.setSequence({FakeResponse::json(401, {})});
        const auto denied = run(api.waitForState(u"sb1"_s, {u"started"_s}, std::chrono::seconds(10)));
        QCOMPARE(kind(denied.error), u"Unauthorized"_s);
        QCOMPARE(server.requests().size(), 1);
    }

    void listAllFollowsCursors()
    {
        FakeDaytonaServer server;
        server.setSequence(
            {FakeResponse::json(200,
                                js(QJsonObject{{u"items"_s, QJsonArray{sandboxJson(u"a"_s, u"started"_s)}},
                                               {u"nextCursor"_s, u"p2"_s}})),
             FakeResponse::json(200,
                                js(QJsonObject{{u"items"_s, QJsonArray{sandboxJson(u"b"_s, u"started"_s)}},
                                               {u"nextCursor"_s, QJsonValue()}}))});
        DaytonaHttp http(configFor(server));
        SandboxApi api(http);
        const auto outcome = run(api.listAll());
        QVERIFY2(outcome.value, qPrintable(outcome.describe()));
        QCOMPARE(outcome.value->size(), 2);
        QCOMPARE(server.requests().size(), 2);
        QVERIFY(!server.requests().at(0).queryItems().hasQueryItem(u"cursor"_s));
        QCOMPARE(server.requests().at(1).queryItems().queryItemValue(u"cursor"_s), u"p2"_s);
    }
    void deadlineBoundsTheWholeExchange()
    {
        FakeDaytonaServer server;
        server.setHandler([](const RecordedRequest&) {
            FakeResponse response;
            response.hang = true;
            return response;
        });
        DaytonaConfig config = configFor(server);
        config.requestTimeout = std::chrono::milliseconds(60000);
        DaytonaHttp http(config);
        HttpRequest request;
        request.url = http.apiUrl(u"/sandbox/sb1"_s);
        request.deadline = std::chrono::milliseconds(300);
        QElapsedTimer clock;
        clock.start();
        const auto outcome = run(http.send(request));
        QCOMPARE(kind(outcome.error), u"Timeout"_s);
        QVERIFY(clock.elapsed() < 10000);
    }
};

QTEST_GUILESS_MAIN(TestDaytonaClient)
#include "tst_daytonaclient.moc"
