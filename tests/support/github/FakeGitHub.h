#pragma once

#include <QByteArray>
#include <QElapsedTimer>
#include <QHash>
#include <QList>
#include <QObject>
#include <QPair>
#include <QStringList>
#include <QTcpServer>
#include <QUrl>

class QTcpSocket;

// What a test saw arrive: enough to assert headers (User-Agent present, Authorization only here).
struct RecordedRequest
{
    QByteArray method;
    QByteArray target; // path and query as sent
    QByteArray path;
    QList<QPair<QByteArray, QByteArray>> headers;
    QByteArray body;
    qint64 atMs = 0; // since the server started
    QByteArray header(const QByteArray& name) const;
    bool hasHeader(const QByteArray& name) const;
};

// A GitHub on 127.0.0.1 following GitHub's published REST description for the routes the client
// uses: POST /login/device/code and /login/oauth/access_token (errors in 200 bodies, scriptable),
// GET /user (X-OAuth-Scopes), /user/repos (Link pagination), /repos/{o}/{r}/branches, ETag/304,
// primary and secondary rate limits, 401 for a bad token. It records requests and logs nothing.
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

    QList<RecordedRequest> requests;
    QList<int> statuses; // the status answered to each request, in order
    QList<RecordedRequest> requestsTo(const QByteArray& path) const;

signals:
    void requestReceived();

private:
    struct Response
    {
        int status = 200;
        QByteArray body;
        QList<QPair<QByteArray, QByteArray>> headers;
    };
    void onReadyRead(QTcpSocket* socket);
    Response handle(const RecordedRequest& request);
    Response deviceCode(const RecordedRequest& request);
    Response accessToken(const RecordedRequest& request);
    Response api(const RecordedRequest& request);
    Response json(int status, const QByteArray& body) const;
    void addRateHeaders(Response& response, int remaining) const;
    Response withEtag(const RecordedRequest& request, Response response) const;
    Response paginate(const RecordedRequest& request, const QList<QByteArray>& items, int defaultPerPage);

    QTcpServer m_server;
    QElapsedTimer m_clock;
    QHash<QTcpSocket*, QByteArray> m_buffers;
    int m_remaining = 5000;
};
