#include "HttpServer.h"

#include "RequestParser.h"

#include <QCryptographicHash>
#include <QHostAddress>
#include <QTcpSocket>

using namespace Qt::StringLiterals;

namespace forge::test {

// One client connection: feeds what arrives to the parser, hands each complete request to the
// server's handler, writes its answer, then closes or (keep-alive) reads the next. Deletes itself
// when the client disconnects.
class HttpConnection : public QObject
{
public:
    HttpConnection(HttpServer* server, QTcpSocket* socket)
        : QObject(server)
        , m_server(server)
        , m_socket(socket)
    {
        socket->setParent(this);
        connect(socket, &QTcpSocket::readyRead, this, &HttpConnection::onReadyRead);
        connect(socket, &QTcpSocket::disconnected, this, [this] {
            m_connected = false;
            deleteLater();
        });
        onReadyRead(); // what arrived before the server took the connection
    }

    bool isConnected() const { return m_connected; }

    void answer(const HttpResponse& response)
    {
        if (!m_connected || m_state != State::Answering)
            return;
        const bool keepAlive = m_server->keepsAlive() && !m_closeAfterAnswer;
        m_socket->write(response.serialized(keepAlive));
        m_current.status = response.status;
        m_server->recordAnswer(m_sequence, m_current);
        if (!keepAlive) {
            m_state = State::Closing;
            m_socket->disconnectFromHost(); // after the pending bytes are written
            return;
        }
        m_state = State::Reading;
        if (!m_processing) // answered later: the next pipelined request may be waiting
            QMetaObject::invokeMethod(this, &HttpConnection::processBuffered, Qt::QueuedConnection);
    }

    // Stops reading the socket and hands it over; `status` (101 for a WebSocket) is recorded as
    // the answer, 0 records none.
    QTcpSocket* release(int status)
    {
        if (m_state != State::Answering)
            return nullptr;
        m_state = State::TakenOver;
        disconnect(m_socket, &QTcpSocket::readyRead, this, nullptr);
        if (status != 0) {
            m_current.status = status;
            m_server->recordAnswer(m_sequence, m_current);
        }
        return m_connected ? m_socket : nullptr;
    }

private:
    enum class State { Reading, Answering, Closing, TakenOver };

    void onReadyRead()
    {
        m_parser.append(m_socket->readAll());
        processBuffered();
    }

    void processBuffered()
    {
        m_processing = true;
        while (m_state == State::Reading && m_connected) {
            const RequestParser::Progress progress = m_parser.parse();
            if (m_parser.takeContinueExpected())
                m_socket->write("HTTP/1.1 100 Continue\r\n\r\n");
            if (progress == RequestParser::Progress::NeedMore)
                break;
            m_closeAfterAnswer = progress == RequestParser::Progress::Failed || m_parser.closeRequested();
            const int failure = progress == RequestParser::Progress::Failed ? m_parser.failureStatus() : 0;
            dispatch(m_parser.takeRequest(), failure);
        }
        m_processing = false;
    }

    // A request that failed to parse is recorded when its head was read (git's tests look at it)
    // and answered with `failure` without the handler seeing it.
    void dispatch(RecordedRequest request, int failure)
    {
        m_state = State::Answering;
        m_current = std::move(request);
        m_sequence = m_current.method.isEmpty() ? -1 : m_server->record(m_current);
        if (failure != 0)
            return answer(HttpResponse::text(failure, reasonPhrase(failure) + '\n'));
        const RecordedRequest received = m_current; // the handler's copy: answering changes ours
        m_exchange = std::make_shared<HttpExchange>(this);
        m_server->handle(received, m_exchange);
    }

    HttpServer* m_server;
    QTcpSocket* m_socket;
    RequestParser m_parser;
    RecordedRequest m_current;
    qsizetype m_sequence = -1;
    // The current request's, for as long as the connection lasts or until the next request: a
    // handler may watch it through a weak_ptr (the Daytona emulator's activity timer does).
    std::shared_ptr<HttpExchange> m_exchange;
    State m_state = State::Reading;
    bool m_processing = false; // inside processBuffered(): it reads on by itself
    bool m_connected = true;
    bool m_closeAfterAnswer = false;
};

HttpExchange::HttpExchange(HttpConnection* connection)
    : m_connection(connection)
{}

void HttpExchange::send(const HttpResponse& response)
{
    if (m_answered || !m_connection)
        return;
    m_answered = true;
    m_connection->answer(response);
}

bool HttpExchange::isOpen() const
{
    return m_connection && m_connection->isConnected() && !m_answered;
}

bool HttpExchange::isInProgress() const
{
    return m_connection && m_connection->isConnected() && (!m_answered || m_takenOver);
}

QTcpSocket* HttpExchange::takeOverSocket()
{
    if (m_answered)
        return nullptr;
    m_answered = true;
    m_takenOver = true;
    return m_connection ? m_connection->release(0) : nullptr;
}

QTcpSocket* HttpExchange::acceptWebSocket(const RecordedRequest& request)
{
    if (m_answered)
        return nullptr;
    m_answered = true;
    m_takenOver = true;
    QTcpSocket* socket = m_connection ? m_connection->release(101) : nullptr;
    if (!socket)
        return nullptr;
    // RFC 6455 section 4.2.2: the key with this GUID appended, SHA-1, base64.
    const QByteArray key = request.header("Sec-WebSocket-Key") + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
    const QByteArray accept = QCryptographicHash::hash(key, QCryptographicHash::Sha1).toBase64();
    QByteArray head = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                      "Sec-WebSocket-Accept: " +
                      accept + "\r\n";
    const QByteArray protocols = request.header("Sec-WebSocket-Protocol");
    if (!protocols.isEmpty())
        head += "Sec-WebSocket-Protocol: " + protocols.split(',').constFirst().trimmed() + "\r\n";
    socket->write(head + "\r\n");
    return socket;
}

QObject* HttpExchange::context() const
{
    return m_connection && m_connection->isConnected() ? m_connection.data() : nullptr;
}

HttpServer::HttpServer(QObject* parent)
    : QObject(parent)
{
    connect(&m_server, &QTcpServer::newConnection, this, [this] {
        while (QTcpSocket* socket = m_server.nextPendingConnection()) {
            ++m_connectionCount;
            new HttpConnection(this, socket);
        }
    });
}

HttpServer::~HttpServer()
{
    // Before the handler and the log go: no connection may reach them while it is torn down.
    m_server.close();
    const QObjectList children = this->children();
    for (QObject* child : children)
        delete dynamic_cast<HttpConnection*>(child);
}

bool HttpServer::listen(quint16 port)
{
    m_clock.start();
    return m_server.listen(QHostAddress::LocalHost, port);
}

QUrl HttpServer::url(const QString& path) const
{
    return QUrl(u"http://127.0.0.1:%1%2"_s.arg(port()).arg(path));
}

QList<RecordedRequest> HttpServer::requestsTo(const QByteArray& path) const
{
    QList<RecordedRequest> found;
    for (const RecordedRequest& request : m_requests)
        if (request.path() == path)
            found.append(request);
    return found;
}

void HttpServer::clearRequests()
{
    m_cleared += m_requests.size();
    m_requests.clear();
}

qsizetype HttpServer::record(RecordedRequest& request)
{
    request.receivedAtMs = m_clock.elapsed();
    if (!m_recording)
        return -1;
    m_requests.append(request);
    return m_cleared + m_requests.size() - 1;
}

void HttpServer::recordAnswer(qsizetype sequence, const RecordedRequest& answered)
{
    const qsizetype index = sequence - m_cleared;
    if (sequence >= 0 && index >= 0 && index < m_requests.size())
        m_requests[index].status = answered.status;
    if (!answered.method.isEmpty())
        Q_EMIT requestAnswered(answered);
}

void HttpServer::handle(const RecordedRequest& request, const std::shared_ptr<HttpExchange>& exchange)
{
    Q_EMIT requestReceived(request);
    if (m_handler)
        m_handler(request, exchange);
    else
        exchange->send(HttpResponse::text(404, "Not Found\n"));
}

} // namespace forge::test
