#pragma once

#include "HttpServer.h"

#include <QByteArray>
#include <QList>
#include <QObject>
#include <QString>
#include <QUrl>
#include <utility>

namespace forge::test {

// A real git smart-HTTP server for tests: HTTP/1.1 on 127.0.0.1 (random port) in front of
// `git http-backend` run as a CGI program for each request, serving every bare repository under
// `projectRoot` (e.g. <projectRoot>/name.git at <url()>name.git), on the tests' HttpServer. Runs in
// the caller's event loop; nothing in it blocks. One request per connection (answers carry
// "Connection: close").
class GitHttpServer : public QObject
{
    Q_OBJECT
public:
    explicit GitHttpServer(const QString& projectRoot, QObject* parent = nullptr);
    ~GitHttpServer() override;

    // Starts listening on 127.0.0.1 with a port chosen by the system.
    bool listen(QString* error = nullptr);
    quint16 port() const;
    // http://127.0.0.1:<port>/
    QUrl url() const;
    // http://127.0.0.1:<port>/<name>.git
    QUrl repositoryUrl(const QString& name) const;

    // From now on every request without exactly this Authorization header value gets 401 with
    // `WWW-Authenticate: Basic realm="test"`. An empty value turns the check off.
    void requireAuthorization(const QByteArray& expectedHeaderValue);
    // From now on every request is answered 302 with Location = `target` + the request's own path
    // and query (e.g. another GitHttpServer's url()). An empty URL turns redirecting off.
    void redirectTo(const QUrl& target);

    // Answers `request`, which another test server received, as this one would (redirect, 401 or
    // git http-backend), so one fake (a fake GitHub) can serve git too; not recorded here.
    void serve(const RecordedRequest& request, const std::shared_ptr<HttpExchange>& exchange)
    {
        handle(request, exchange);
    }

    // Every request received so far, oldest first.
    QList<RecordedRequest> requests() const;
    // How many received requests carried an Authorization header (whatever its value).
    int requestsWithAuthorization() const;
    void clearRequests();

Q_SIGNALS:
    // A request was answered (the response is written; the connection closes after it).
    void requestServed(const forge::test::RecordedRequest& request);

private:
    void handle(const RecordedRequest& request, const std::shared_ptr<HttpExchange>& exchange);

    QString m_projectRoot;
    HttpServer m_server;
    QByteArray m_expectedAuthorization;
    QUrl m_redirectTarget;
};

} // namespace forge::test
