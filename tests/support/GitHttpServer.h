#pragma once

#include <QByteArray>
#include <QList>
#include <QObject>
#include <QString>
#include <QUrl>
#include <utility>

class QTcpServer;

namespace forge::test {

// One HTTP request as the server received it. Header values are kept so a test can compare them,
// but the server never prints them (they may hold a token).
struct RecordedRequest
{
    QByteArray method;
    QByteArray target; // path and query as sent, e.g. "/repo.git/info/refs?service=git-upload-pack"
    QList<std::pair<QByteArray, QByteArray>> headers; // names as sent, in order
    int status = 0; // what the server answered (0 while still being answered)

    QByteArray path() const;                      // target without the query
    bool hasHeader(const QByteArray& name) const; // case-insensitive name
    QByteArray header(const QByteArray& name) const;
};

// A real git smart-HTTP server for tests: HTTP/1.1 on 127.0.0.1 (random port) in front of
// `git http-backend` run as a CGI program for each request, serving every bare repository under
// `projectRoot` (e.g. <projectRoot>/name.git at <url()>name.git). Runs in the caller's event loop;
// nothing in it blocks. One request per connection (answers carry "Connection: close").
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

    // Every request received so far, oldest first.
    QList<RecordedRequest> requests() const;
    // How many received requests carried an Authorization header (whatever its value).
    int requestsWithAuthorization() const;
    void clearRequests();

Q_SIGNALS:
    // A request was answered (the response is written; the connection closes after it).
    void requestServed(const forge::test::RecordedRequest& request);

private:
    class Connection;
    friend class Connection;
    // Requests are numbered from the start; clearRequests() only moves m_cleared.
    qsizetype record(RecordedRequest request);
    void recordServed(qsizetype sequence, int status);

    QString m_projectRoot;
    QTcpServer* m_server = nullptr;
    QByteArray m_expectedAuthorization;
    QUrl m_redirectTarget;
    QList<RecordedRequest> m_requests;
    qsizetype m_cleared = 0;
};

} // namespace forge::test
