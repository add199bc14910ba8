#include "GitHttpServer.h"

#include <QProcess>
#include <QProcessEnvironment>
#include <optional>

using namespace Qt::StringLiterals;

namespace forge::test {

namespace {

// An Authorization header against the expected one. The scheme is case-insensitive (RFC 9110
// section 11.1): git's http.extraHeader form sends "basic", its own Basic auth (after a 401, with
// GIT_ASKPASS, as Daytona's daemon clones) sends "Basic"; the credentials must match exactly.
bool sameAuthorization(const QByteArray& received, const QByteArray& expected)
{
    const qsizetype space = expected.indexOf(' ');
    if (space < 0 || received.size() != expected.size() || received.indexOf(' ') != space)
        return received == expected;
    return received.first(space).compare(expected.first(space), Qt::CaseInsensitive) == 0 &&
           received.sliced(space) == expected.sliced(space);
}

// The http-backend child must not inherit whatever git configuration the test process carries
// (e.g. GIT_CONFIG_COUNT from a GitEnvironment under test, GIT_DIR from a hook) nor the host's
// git configuration files.
QProcessEnvironment backendBaseEnvironment()
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    const QStringList keys = env.keys();
    for (const QString& key : keys) {
        if (key.startsWith(u"GIT_"_s) || key.startsWith(u"HTTP_"_s) || key == u"REQUEST_METHOD"_s ||
            key == u"PATH_INFO"_s || key == u"QUERY_STRING"_s || key == u"CONTENT_TYPE"_s ||
            key == u"CONTENT_LENGTH"_s)
            env.remove(key);
    }
    env.insert(u"GIT_CONFIG_NOSYSTEM"_s, u"1"_s);
    env.insert(u"GIT_CONFIG_GLOBAL"_s, u"/dev/null"_s);
    return env;
}

// The CGI variables http-backend reads for `request` (RFC 3875 section 4.1).
QProcessEnvironment backendEnvironment(const QString& projectRoot, const RecordedRequest& request)
{
    QProcessEnvironment env = backendBaseEnvironment();
    env.insert(u"GIT_PROJECT_ROOT"_s, projectRoot);
    env.insert(u"GIT_HTTP_EXPORT_ALL"_s, u"1"_s);
    env.insert(u"GATEWAY_INTERFACE"_s, u"CGI/1.1"_s);
    env.insert(u"SERVER_PROTOCOL"_s, u"HTTP/1.1"_s);
    env.insert(u"REQUEST_METHOD"_s, QString::fromLatin1(request.method));
    env.insert(u"PATH_INFO"_s, request.decodedPath());
    env.insert(u"QUERY_STRING"_s, QString::fromLatin1(request.query()));
    env.insert(u"REMOTE_ADDR"_s, u"127.0.0.1"_s); // the server listens on nothing else
    if (request.hasHeader("Content-Type"))
        env.insert(u"CONTENT_TYPE"_s, QString::fromLatin1(request.header("Content-Type")));
    // The body is already de-chunked; the backend gets its real length. git's gzip encoding is
    // left alone: http-backend inflates it itself when told through HTTP_CONTENT_ENCODING.
    if (request.method == "POST" || !request.body.isEmpty())
        env.insert(u"CONTENT_LENGTH"_s, QString::number(request.body.size()));
    if (request.hasHeader("Content-Encoding"))
        env.insert(u"HTTP_CONTENT_ENCODING"_s, QString::fromLatin1(request.header("Content-Encoding")));
    if (request.hasHeader("Git-Protocol"))
        env.insert(u"HTTP_GIT_PROTOCOL"_s, QString::fromLatin1(request.header("Git-Protocol")));
    return env;
}

// A CGI response (headers, a blank line, the body) as an HTTP response; nullopt without a head.
std::optional<HttpResponse> fromCgi(const QByteArray& output)
{
    qsizetype headEnd = output.indexOf("\r\n\r\n");
    qsizetype separator = 4;
    const qsizetype lfEnd = output.indexOf("\n\n");
    if (lfEnd >= 0 && (headEnd < 0 || lfEnd < headEnd)) {
        headEnd = lfEnd;
        separator = 2;
    }
    if (headEnd < 0)
        return std::nullopt;
    HttpResponse response;
    const QList<QByteArray> lines = output.left(headEnd).split('\n');
    for (const QByteArray& raw : lines) {
        const QByteArray line = raw.trimmed();
        const qsizetype colon = line.indexOf(':');
        if (colon <= 0)
            continue;
        const QByteArray name = line.left(colon).trimmed();
        const QByteArray value = line.mid(colon + 1).trimmed();
        if (name.compare("Status", Qt::CaseInsensitive) == 0) {
            bool ok = false;
            const int code = value.left(3).toInt(&ok);
            response.status = ok ? code : 500;
        } else if (name.compare("Content-Length", Qt::CaseInsensitive) != 0 &&
                   name.compare("Connection", Qt::CaseInsensitive) != 0 &&
                   name.compare("Transfer-Encoding", Qt::CaseInsensitive) != 0) {
            response.headers.append({name, value});
        }
    }
    response.body = output.mid(headEnd + separator);
    return response;
}

// One run of `git http-backend` for one request: the request's body in, its CGI answer out as the
// HTTP answer. A child of the connection, so a client that goes away stops it.
class BackendRun : public QObject
{
public:
    BackendRun(const QString& projectRoot, const RecordedRequest& request,
               std::shared_ptr<HttpExchange> exchange, QObject* connection)
        : QObject(connection)
        , m_exchange(std::move(exchange))
    {
        m_process.setProcessEnvironment(backendEnvironment(projectRoot, request));
        m_process.setProcessChannelMode(QProcess::SeparateChannels);
        connect(&m_process, &QProcess::readyReadStandardOutput, this,
                [this] { m_output += m_process.readAllStandardOutput(); });
        // http-backend's own complaints (missing repository, ...) help when a test fails; its
        // progress chatter does not. Printed only with an error answer; never holds header values.
        connect(&m_process, &QProcess::readyReadStandardError, this,
                [this] { m_errors += m_process.readAllStandardError(); });
        connect(&m_process, &QProcess::errorOccurred, this, [this](QProcess::ProcessError error) {
            if (error == QProcess::FailedToStart)
                m_exchange->send(HttpResponse::text(500, "Internal Server Error\n"));
        });
        connect(&m_process, &QProcess::finished, this, [this](int exitCode) { relay(exitCode); });
        m_process.start(u"git"_s, {u"http-backend"_s});
        m_process.write(request.body);
        m_process.closeWriteChannel();
    }

    ~BackendRun() override
    {
        if (m_process.state() != QProcess::NotRunning) {
            m_process.disconnect(this);
            m_process.kill();
            m_process.waitForFinished(1000); // the client went away or the test tears down
        }
    }

private:
    void relay(int exitCode)
    {
        m_output += m_process.readAllStandardOutput();
        const std::optional<HttpResponse> response = fromCgi(m_output);
        if (!response) {
            qWarning("git http-backend exited with %d without a CGI header", exitCode);
            m_exchange->send(HttpResponse::text(500, "Internal Server Error\n"));
            return;
        }
        if (response->status >= 400 && !m_errors.trimmed().isEmpty())
            qInfo("git http-backend (%d): %s", response->status, m_errors.trimmed().constData());
        m_exchange->send(*response);
    }

    QProcess m_process;
    std::shared_ptr<HttpExchange> m_exchange;
    QByteArray m_output;
    QByteArray m_errors;
};

} // namespace

GitHttpServer::GitHttpServer(const QString& projectRoot, QObject* parent)
    : QObject(parent)
    , m_projectRoot(projectRoot)
{
    m_server.setHandler([this](const RecordedRequest& request,
                               const std::shared_ptr<HttpExchange>& exchange) { handle(request, exchange); });
    connect(&m_server, &HttpServer::requestAnswered, this, &GitHttpServer::requestServed);
}

GitHttpServer::~GitHttpServer() = default;

bool GitHttpServer::listen(QString* error)
{
    if (m_server.listen())
        return true;
    if (error)
        *error = m_server.errorString();
    return false;
}

quint16 GitHttpServer::port() const
{
    return m_server.port();
}

QUrl GitHttpServer::url() const
{
    return m_server.url(u"/"_s);
}

QUrl GitHttpServer::repositoryUrl(const QString& name) const
{
    return m_server.url(u'/' + name + u".git"_s);
}

void GitHttpServer::requireAuthorization(const QByteArray& expectedHeaderValue)
{
    m_expectedAuthorization = expectedHeaderValue;
}

void GitHttpServer::redirectTo(const QUrl& target)
{
    m_redirectTarget = target;
}

QList<RecordedRequest> GitHttpServer::requests() const
{
    return m_server.requests();
}

int GitHttpServer::requestsWithAuthorization() const
{
    int count = 0;
    for (const RecordedRequest& request : m_server.requests())
        if (request.hasHeader("Authorization"))
            ++count;
    return count;
}

void GitHttpServer::clearRequests()
{
    m_server.clearRequests();
}

// A redirect, a 401, or the output of `git http-backend`.
void GitHttpServer::handle(const RecordedRequest& request, const std::shared_ptr<HttpExchange>& exchange)
{
    if (!m_redirectTarget.isEmpty()) {
        QByteArray location = m_redirectTarget.toString(QUrl::FullyEncoded).toUtf8();
        while (location.endsWith('/'))
            location.chop(1);
        exchange->send(HttpResponse{
            302, {{"Location", location + request.target}, {"Content-Type", "text/plain"}}, "Moved\n"});
        return;
    }
    if (!m_expectedAuthorization.isEmpty() &&
        (!request.hasHeader("Authorization") ||
         !sameAuthorization(request.header("Authorization"), m_expectedAuthorization))) {
        exchange->send(
            HttpResponse{401,
                         {{"WWW-Authenticate", R"(Basic realm="test")"}, {"Content-Type", "text/plain"}},
                         "Authentication required\n"});
        return;
    }
    if (QObject* connection = exchange->context())
        new BackendRun(m_projectRoot, request, exchange, connection);
}

} // namespace forge::test
