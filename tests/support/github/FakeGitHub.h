#pragma once

#include "HttpServer.h"

#include <QByteArray>
#include <QDateTime>
#include <QHash>
#include <QList>
#include <QObject>
#include <QStringList>
#include <QUrl>
#include <functional>
#include <memory>

// A pull request as FakeGitHub keeps it; the JSON it answers is built from these fields. Every
// member has an initializer, so designated initializers may leave any of them out.
struct FakePull
{
    int number = 0;
    QString title{};
    QString author = QStringLiteral("octocat");
    QString headRef{};
    QString headSha{};            // empty: derived from the number and headRef
    QString headRepo{};           // full name of the repository the head branch is in; empty: the base one
    bool headRepoDeleted = false; // a fork deleted since: GitHub sends "repo": null for the head
    QString baseRef = QStringLiteral("main");
    bool draft = false;
    bool closed = false;
    bool merged = false;   // implies closed
    QDateTime updatedAt{}; // invalid: 2024-01-01 minus `number` minutes
};

// A GitHub on 127.0.0.1 following GitHub's published REST description for the routes the client
// uses: POST /login/device/code and /login/oauth/access_token (errors in 200 bodies, scriptable),
// GET /user (X-OAuth-Scopes), /user/repos (Link pagination), /repos/{o}/{r}/branches,
// /repos/{o}/{r}/pulls (state, sort and direction honoured) and /repos/{o}/{r}/pulls/{n}, ETag/304,
// primary and secondary rate limits, 401 for a bad token. It records requests (the tests'
// HttpServer does) and logs nothing.
class FakeGitHub : public QObject
{
    Q_OBJECT
public:
    enum class RateLimit { None, Primary, Secondary, SecondaryMessageOnly };

    explicit FakeGitHub(QObject* parent = nullptr);
    ~FakeGitHub() override;

    bool listen();
    QUrl url() const;

    // --- script ---
    QString clientId = QStringLiteral("Iv1.fakeclient");
    QString token = QStringLiteral("gho_FakeToken0123456789abcdefghijklmnopq");
    // Answers to the token endpoint, in order, before it hands out the token: e.g.
    // {"authorization_pending", "slow_down", "access_denied"}. A terminal error is repeated.
    QStringList tokenErrors;
    int interval = 1;
    int expiresIn = 900;
    // When set, the device code endpoint answers with this error (e.g. device_flow_disabled).
    QString deviceCodeError;
    QByteArray scopes = "repo, read:org";
    bool sendScopes = true;
    QString login = QStringLiteral("octocat");
    int repositoryCount = 250;
    QHash<QString, QStringList> branchesByRepo{
        {QStringLiteral("octocat/repo-0"), {QStringLiteral("main"), QStringLiteral("dev")}}};
    // Pull requests per "owner/repo"; a repository not listed answers 404.
    QHash<QString, QList<FakePull>> pullsByRepo{{QStringLiteral("octocat/repo-0"), defaultPulls()}};
    RateLimit rateLimit = RateLimit::None;
    qint64 rateLimitReset = 0; // epoch seconds
    bool malformedUser = false;
    // When valid, GET /user answers 302 to it.
    QUrl redirectUserTo;
    // Requests to these paths get no answer at all (the client's timeout must end them).
    QList<QByteArray> stalledPaths;
    // When non-zero, every API route answers with this status (e.g. 502) and an HTML body.
    int failWithStatus = 0;
    // When valid, pagination links point at this origin instead of this server.
    QUrl linkOrigin;
    // When valid, each repository's clone_url is "<owner>/<repo>.git" resolved against it (e.g. a
    // local git server, so a GUI test can clone what it picked); otherwise https://github.com/...
    QUrl cloneBase;
    // When set, every request goes to it first; true when it answered (e.g. git's smart-HTTP
    // requests handed to a GitHttpServer::serve, so that repositories clone from this host as they
    // do from github.com). Such requests are recorded too.
    std::function<bool(const forge::test::RecordedRequest&,
                       const std::shared_ptr<forge::test::HttpExchange>&)>
        otherRoutes;

    // A few pull requests of each kind: a plain one, a draft, one from a fork, one whose fork was
    // deleted, a closed and a merged one.
    static QList<FakePull> defaultPulls();
    // What happens on GitHub: a push to the head branch (a new head sha), closing and merging. Each
    // moves updated_at on, so the pull request's ETag changes. False when there is no such one.
    bool pushToPull(const QString& repo, int number, const QString& newSha);
    bool closePull(const QString& repo, int number);
    bool mergePull(const QString& repo, int number);

    // Every request so far, with the status it was answered (0 for a stalled one).
    QList<forge::test::RecordedRequest> requests() const { return m_server.requests(); }
    QList<forge::test::RecordedRequest> requestsTo(const QByteArray& path) const
    {
        return m_server.requestsTo(path);
    }

signals:
    void requestReceived();

private:
    using RecordedRequest = forge::test::RecordedRequest;
    using Response = forge::test::HttpResponse;
    Response handle(const RecordedRequest& request);
    Response deviceCode(const RecordedRequest& request);
    Response accessToken(const RecordedRequest& request);
    Response api(const RecordedRequest& request);
    Response user(const RecordedRequest& request);
    Response repositories(const RecordedRequest& request);
    Response branches(const RecordedRequest& request);
    Response pulls(const RecordedRequest& request, const QString& repo);
    Response pull(const RecordedRequest& request, const QString& repo, int number);
    QByteArray pullJson(const QString& repo, const FakePull& pull, bool single) const;
    FakePull* findPull(const QString& repo, int number);
    void addRateHeaders(Response& response, int remaining) const;
    Response withEtag(const RecordedRequest& request, Response response) const;
    Response paginate(const RecordedRequest& request, const QList<QByteArray>& items, int defaultPerPage);

    forge::test::HttpServer m_server;
    int m_remaining = 5000;
};
