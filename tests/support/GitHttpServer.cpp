#include "GitHttpServer.h"

#include <QHostAddress>
#include <QPointer>
#include <QProcess>
#include <QProcessEnvironment>
#include <QTcpServer>
#include <QTcpSocket>

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

// A request body larger than this is refused (413): fixture repositories are small, and a broken
// client must not make a test eat memory.
constexpr qsizetype MaxBodySize = 64 * 1024 * 1024;
constexpr qsizetype MaxHeadSize = 64 * 1024;

QByteArray reasonPhrase(int status)
{
    switch (status) {
    case 100:
        return "Continue";
    case 200:
        return "OK";
    case 302:
        return "Found";
    case 400:
        return "Bad Request";
    case 401:
        return "Unauthorized";
    case 403:
        return "Forbidden";
    case 404:
        return "Not Found";
    case 405:
        return "Method Not Allowed";
    case 413:
        return "Content Too Large";
    case 500:
        return "Internal Server Error";
    case 501:
        return "Not Implemented";
    default:
        return "Unknown";
    }
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

} // namespace

QByteArray RecordedRequest::path() const
{
    const qsizetype q = target.indexOf('?');
    return q < 0 ? target : target.left(q);
}

bool RecordedRequest::hasHeader(const QByteArray& name) const
{
    for (const auto& [n, v] : headers)
        if (n.compare(name, Qt::CaseInsensitive) == 0)
            return true;
    return false;
}

QByteArray RecordedRequest::header(const QByteArray& name) const
{
    for (const auto& [n, v] : headers)
        if (n.compare(name, Qt::CaseInsensitive) == 0)
            return v;
    return {};
}

// One client connection: reads one request (head, then a Content-Length or chunked body), answers
// it (redirect, 401, or the output of `git http-backend`) and closes. Deletes itself.
class GitHttpServer::Connection : public QObject
{
public:
    Connection(GitHttpServer* server, QTcpSocket* socket)
        : QObject(server)
        , m_server(server)
        , m_socket(socket)
    {
        socket->setParent(this);
        connect(socket, &QTcpSocket::readyRead, this, &Connection::onReadyRead);
        connect(socket, &QTcpSocket::disconnected, this, [this] {
            // The client went away (or we closed after answering): stop the backend if it is
            // still working for nobody.
            if (m_process && m_process->state() != QProcess::NotRunning)
                m_process->kill();
            deleteLater();
        });
        onReadyRead();
    }

    ~Connection() override
    {
        if (m_process && m_process->state() != QProcess::NotRunning) {
            m_process->disconnect(this);
            m_process->kill();
            m_process->waitForFinished(1000); // only reached when the test tears the server down
        }
    }

private:
    enum class State { Head, Body, Answering };

    void onReadyRead()
    {
        m_buffer += m_socket->readAll();
        if (m_state == State::Head) {
            if (!readHead())
                return;
        }
        if (m_state == State::Body) {
            if (!readBody())
                return;
            m_state = State::Answering;
            answer();
        }
        // Anything after the request (pipelining) is ignored: every answer closes the connection.
    }

    // Returns true once the head is complete and parsed (or an error answer was sent).
    bool readHead()
    {
        const qsizetype end = m_buffer.indexOf("\r\n\r\n");
        if (end < 0) {
            if (m_buffer.size() > MaxHeadSize)
                fail(400);
            return false;
        }
        const QList<QByteArray> lines = m_buffer.left(end).split('\n');
        m_buffer.remove(0, end + 4);
        const QList<QByteArray> requestLine = lines.value(0).trimmed().split(' ');
        if (requestLine.size() != 3 || !requestLine.at(2).startsWith("HTTP/1.")) {
            fail(400);
            return false;
        }
        m_request.method = requestLine.at(0);
        m_request.target = requestLine.at(1);
        for (qsizetype i = 1; i < lines.size(); ++i) {
            const QByteArray line = lines.at(i).trimmed();
            const qsizetype colon = line.indexOf(':');
            if (colon <= 0)
                continue;
            m_request.headers.append({line.left(colon).trimmed(), line.mid(colon + 1).trimmed()});
        }
        m_sequence = m_server->record(m_request);

        m_chunked = m_request.header("Transfer-Encoding").toLower().contains("chunked");
        if (!m_chunked) {
            bool ok = true;
            const QByteArray length = m_request.header("Content-Length");
            m_contentLength = length.isEmpty() ? 0 : length.toLongLong(&ok);
            if (!ok || m_contentLength < 0) {
                fail(400);
                return false;
            }
            if (m_contentLength > MaxBodySize) {
                fail(413);
                return false;
            }
        }
        if (m_request.header("Expect").compare("100-continue", Qt::CaseInsensitive) == 0)
            m_socket->write("HTTP/1.1 100 Continue\r\n\r\n");
        m_state = State::Body;
        return true;
    }

    // Returns true once the whole body is in m_body.
    bool readBody()
    {
        if (!m_chunked) {
            const qsizetype wanted = m_contentLength - m_body.size();
            m_body += m_buffer.left(wanted);
            m_buffer.remove(0, qMin(wanted, m_buffer.size()));
            return m_body.size() == m_contentLength;
        }
        // Chunked: <hex size>[;ext]\r\n<data>\r\n ... 0\r\n[trailers]\r\n
        for (;;) {
            if (m_chunkRemaining > 0) {
                const qsizetype take = qMin(m_chunkRemaining, m_buffer.size());
                m_body += m_buffer.left(take);
                m_buffer.remove(0, take);
                m_chunkRemaining -= take;
                if (m_chunkRemaining > 0)
                    return false;
                m_expectChunkEnd = true;
            }
            if (m_expectChunkEnd) {
                if (m_buffer.size() < 2)
                    return false;
                if (!m_buffer.startsWith("\r\n")) {
                    fail(400);
                    return false;
                }
                m_buffer.remove(0, 2);
                m_expectChunkEnd = false;
            }
            const qsizetype lineEnd = m_buffer.indexOf("\r\n");
            if (lineEnd < 0)
                return false;
            if (m_inTrailers) {
                const bool last = lineEnd == 0;
                m_buffer.remove(0, lineEnd + 2);
                if (last)
                    return true;
                continue;
            }
            QByteArray sizeText = m_buffer.left(lineEnd);
            m_buffer.remove(0, lineEnd + 2);
            const qsizetype semicolon = sizeText.indexOf(';');
            if (semicolon >= 0)
                sizeText.truncate(semicolon);
            bool ok = false;
            const qlonglong size = sizeText.trimmed().toLongLong(&ok, 16);
            if (!ok || size < 0 || m_body.size() + size > MaxBodySize) {
                fail(ok ? 413 : 400);
                return false;
            }
            if (size == 0)
                m_inTrailers = true;
            else
                m_chunkRemaining = size;
        }
    }

    void answer()
    {
        if (!m_server->m_redirectTarget.isEmpty()) {
            QByteArray location = m_server->m_redirectTarget.toString(QUrl::FullyEncoded).toUtf8();
            while (location.endsWith('/'))
                location.chop(1);
            respond(302, {{"Location", location + m_request.target}, {"Content-Type", "text/plain"}},
                    "Moved\n");
            return;
        }
        if (!m_server->m_expectedAuthorization.isEmpty() &&
            (!m_request.hasHeader("Authorization") ||
             !sameAuthorization(m_request.header("Authorization"), m_server->m_expectedAuthorization))) {
            respond(401, {{"WWW-Authenticate", R"(Basic realm="test")"}, {"Content-Type", "text/plain"}},
                    "Authentication required\n");
            return;
        }
        runBackend();
    }

    void runBackend()
    {
        const QByteArray path = m_request.path();
        const qsizetype q = m_request.target.indexOf('?');
        const QByteArray query = q < 0 ? QByteArray() : m_request.target.mid(q + 1);

        QProcessEnvironment env = backendBaseEnvironment();
        env.insert(u"GIT_PROJECT_ROOT"_s, m_server->m_projectRoot);
        env.insert(u"GIT_HTTP_EXPORT_ALL"_s, u"1"_s);
        env.insert(u"GATEWAY_INTERFACE"_s, u"CGI/1.1"_s);
        env.insert(u"SERVER_PROTOCOL"_s, u"HTTP/1.1"_s);
        env.insert(u"REQUEST_METHOD"_s, QString::fromLatin1(m_request.method));
        env.insert(u"PATH_INFO"_s, QUrl::fromPercentEncoding(path));
        env.insert(u"QUERY_STRING"_s, QString::fromLatin1(query));
        env.insert(u"REMOTE_ADDR"_s, m_socket->peerAddress().toString());
        if (m_request.hasHeader("Content-Type"))
            env.insert(u"CONTENT_TYPE"_s, QString::fromLatin1(m_request.header("Content-Type")));
        // The body is already de-chunked; the backend gets its real length. git's gzip encoding is
        // left alone: http-backend inflates it itself when told through HTTP_CONTENT_ENCODING.
        if (m_request.method == "POST" || !m_body.isEmpty())
            env.insert(u"CONTENT_LENGTH"_s, QString::number(m_body.size()));
        if (m_request.hasHeader("Content-Encoding"))
            env.insert(u"HTTP_CONTENT_ENCODING"_s, QString::fromLatin1(m_request.header("Content-Encoding")));
        if (m_request.hasHeader("Git-Protocol"))
            env.insert(u"HTTP_GIT_PROTOCOL"_s, QString::fromLatin1(m_request.header("Git-Protocol")));

        m_process = new QProcess(this);
        m_process->setProcessEnvironment(env);
        m_process->setProcessChannelMode(QProcess::SeparateChannels);
        connect(m_process, &QProcess::readyReadStandardOutput, this,
                [this] { m_output += m_process->readAllStandardOutput(); });
        // http-backend's own complaints (missing repository, ...) help when a test fails; its
        // progress chatter does not. Printed only with an error answer; never holds header values.
        connect(m_process, &QProcess::readyReadStandardError, this,
                [this] { m_errors += m_process->readAllStandardError(); });
        connect(m_process, &QProcess::errorOccurred, this, [this](QProcess::ProcessError error) {
            if (error == QProcess::FailedToStart)
                fail(500);
        });
        connect(m_process, &QProcess::finished, this,
                [this](int exitCode, QProcess::ExitStatus) { relayBackendOutput(exitCode); });
        m_process->start(u"git"_s, {u"http-backend"_s});
        m_process->write(m_body);
        m_process->closeWriteChannel();
    }

    // Turns the CGI response (headers, a blank line, the body) into an HTTP response.
    void relayBackendOutput(int exitCode)
    {
        m_output += m_process->readAllStandardOutput();
        qsizetype headEnd = m_output.indexOf("\r\n\r\n");
        qsizetype separator = 4;
        const qsizetype lfEnd = m_output.indexOf("\n\n");
        if (lfEnd >= 0 && (headEnd < 0 || lfEnd < headEnd)) {
            headEnd = lfEnd;
            separator = 2;
        }
        if (headEnd < 0) {
            qWarning("git http-backend exited with %d without a CGI header", exitCode);
            fail(500);
            return;
        }
        int status = 200;
        QList<std::pair<QByteArray, QByteArray>> headers;
        const QList<QByteArray> lines = m_output.left(headEnd).split('\n');
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
                status = ok ? code : 500;
                m_statusReason = value.mid(3).trimmed();
            } else if (name.compare("Content-Length", Qt::CaseInsensitive) != 0 &&
                       name.compare("Connection", Qt::CaseInsensitive) != 0 &&
                       name.compare("Transfer-Encoding", Qt::CaseInsensitive) != 0) {
                headers.append({name, value});
            }
        }
        if (status >= 400 && !m_errors.trimmed().isEmpty())
            qInfo("git http-backend (%d): %s", status, m_errors.trimmed().constData());
        respond(status, headers, m_output.mid(headEnd + separator));
    }

    void fail(int status) { respond(status, {{"Content-Type", "text/plain"}}, reasonPhrase(status) + '\n'); }

    void respond(int status, const QList<std::pair<QByteArray, QByteArray>>& headers, const QByteArray& body)
    {
        if (m_answered)
            return;
        m_answered = true;
        const QByteArray reason = m_statusReason.isEmpty() ? reasonPhrase(status) : m_statusReason;
        QByteArray response = "HTTP/1.1 " + QByteArray::number(status) + ' ' + reason + "\r\n";
        for (const auto& [name, value] : headers)
            response += name + ": " + value + "\r\n";
        response += "Content-Length: " + QByteArray::number(body.size()) + "\r\nConnection: close\r\n\r\n";
        response += body;
        m_socket->write(response);
        m_socket->disconnectFromHost(); // after the pending bytes are written
        if (m_sequence >= 0)
            m_server->recordServed(m_sequence, status);
    }

    GitHttpServer* m_server;
    QTcpSocket* m_socket;
    State m_state = State::Head;
    QByteArray m_buffer;
    RecordedRequest m_request;
    qsizetype m_sequence = -1;
    bool m_chunked = false;
    qint64 m_contentLength = 0;
    qint64 m_chunkRemaining = 0;
    bool m_expectChunkEnd = false;
    bool m_inTrailers = false;
    QByteArray m_body;
    QPointer<QProcess> m_process;
    QByteArray m_output;
    QByteArray m_errors;
    QByteArray m_statusReason;
    bool m_answered = false;
};

GitHttpServer::GitHttpServer(const QString& projectRoot, QObject* parent)
    : QObject(parent)
    , m_projectRoot(projectRoot)
    , m_server(new QTcpServer(this))
{
    connect(m_server, &QTcpServer::newConnection, this, [this] {
        while (QTcpSocket* socket = m_server->nextPendingConnection())
            new Connection(this, socket);
    });
}

GitHttpServer::~GitHttpServer() = default;

bool GitHttpServer::listen(QString* error)
{
    if (m_server->listen(QHostAddress::LocalHost, 0))
        return true;
    if (error)
        *error = m_server->errorString();
    return false;
}

quint16 GitHttpServer::port() const
{
    return m_server->serverPort();
}

QUrl GitHttpServer::url() const
{
    QUrl url;
    url.setScheme(u"http"_s);
    url.setHost(u"127.0.0.1"_s);
    url.setPort(port());
    url.setPath(u"/"_s);
    return url;
}

QUrl GitHttpServer::repositoryUrl(const QString& name) const
{
    QUrl repository = url();
    repository.setPath(u'/' + name + u".git"_s);
    return repository;
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
    return m_requests;
}

int GitHttpServer::requestsWithAuthorization() const
{
    int count = 0;
    for (const RecordedRequest& request : m_requests)
        if (request.hasHeader("Authorization"))
            ++count;
    return count;
}

void GitHttpServer::clearRequests()
{
    // Sequence numbers of requests still being answered stay valid: they are offsets from here.
    m_cleared += m_requests.size();
    m_requests.clear();
}

qsizetype GitHttpServer::record(RecordedRequest request)
{
    m_requests.append(std::move(request));
    return m_cleared + m_requests.size() - 1;
}

void GitHttpServer::recordServed(qsizetype sequence, int status)
{
    const qsizetype index = sequence - m_cleared;
    if (index < 0 || index >= m_requests.size())
        return;
    m_requests[index].status = status;
    Q_EMIT requestServed(m_requests.at(index));
}

} // namespace forge::test
