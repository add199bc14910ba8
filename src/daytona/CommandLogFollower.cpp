#include "CommandLogFollower.h"

#include "OutputDemultiplexer.h"
#include "core/Backoff.h"
#include "core/SignalWait.h"

#include <QCoroSignal>
#include <QCoroTimer>
#include <QElapsedTimer>
#include <QWebSocket>
#include <algorithm>
#include <limits>

using namespace Qt::StringLiterals;

namespace forge::daytona {

namespace {

void deliver(const CommandLogFollower::Sink& sink, const QByteArray& out, const QByteArray& err)
{
    if (sink && (!out.isEmpty() || !err.isEmpty()))
        sink(out, err);
}

// The part of `chunk` past what was delivered: `seen` counts this stream's bytes received on the
// current connection, which replays the log from its start.
QByteArray unseen(const QByteArray& chunk, qsizetype& seen, qsizetype& delivered)
{
    const qsizetype skip = std::clamp<qsizetype>(delivered - seen, 0, chunk.size());
    seen += chunk.size();
    delivered = std::max(delivered, seen);
    return chunk.mid(skip);
}

} // namespace

CommandLogFollower::CommandLogFollower(DaytonaHttp& http, ToolboxApi& toolbox)
    : m_http(http)
    , m_toolbox(toolbox)
{}

QUrl CommandLogFollower::webSocketUrl(const QString& sessionId, const QString& commandId) const
{
    QUrl base = m_webSocketBase;
    if (base.isEmpty()) {
        base = m_toolbox.baseUrl();
        base.setScheme(base.scheme() == u"https"_s ? u"wss"_s : u"ws"_s);
    }
    QUrlQuery query;
    query.addQueryItem(u"follow"_s, u"true"_s);
    return DaytonaHttp::join(base,
                             u"/process/session/%1/command/%2/logs"_s.arg(DaytonaHttp::segment(sessionId),
                                                                          DaytonaHttp::segment(commandId)),
                             query);
}

QCoro::Task<CommandLogFollower::StreamEnd> CommandLogFollower::stream(QString sessionId, QString commandId,
                                                                      const Sink& sink, Delivered& delivered,
                                                                      std::chrono::milliseconds timeout)
{
    HttpRequest handshake;
    handshake.url = webSocketUrl(sessionId, commandId);
    handshake.countsAsActivity = m_countsAsActivity;
    // Same auth and SDK-version headers as HTTP: the version selects the split (marker) format.
    const QNetworkRequest request = m_http.prepare(handshake);

    OutputDemultiplexer demux;
    Delivered seen; // on this connection, which starts over from the log's first byte
    QWebSocket socket;
    auto pass = [&](const OutputDemultiplexer::Output& split) {
        const QByteArray out = unseen(split.stdoutData, seen.stdoutBytes, delivered.stdoutBytes);
        const QByteArray err = unseen(split.stderrData, seen.stderrBytes, delivered.stderrBytes);
        deliver(sink, out, err);
    };
    auto onBytes = [&](const QByteArray& bytes) {
        m_usedWebSocket = true;
        pass(demux.feed(bytes));
    };
    QObject::connect(&socket, &QWebSocket::binaryMessageReceived, &socket, onBytes);
    QObject::connect(&socket, &QWebSocket::textMessageReceived, &socket,
                     [&](const QString& text) { onBytes(text.toUtf8()); });
    // Qt closes in answer to the server's close frame (aboutToClose); a cut connection only
    // disconnects.
    bool closeFrame = false;
    QObject::connect(&socket, &QWebSocket::aboutToClose, &socket, [&closeFrame] { closeFrame = true; });

    SignalWaiter opening(std::min(timeout, m_http.config().requestTimeout));
    QObject::connect(&socket, &QWebSocket::connected, &opening, &SignalWaiter::arrive);
    QObject::connect(&socket, &QWebSocket::disconnected, &opening, &SignalWaiter::giveUp);
    // Qt 6.4 names it error(); errorOccurred() came in 6.5.
    QObject::connect(&socket, qOverload<QAbstractSocket::SocketError>(&QWebSocket::error), &opening,
                     &SignalWaiter::giveUp);
    socket.open(request);
    if (socket.state() != QAbstractSocket::UnconnectedState)
        co_await qCoro(&opening, &SignalWaiter::ended);
    // A command that has ended is replayed and closed at once: the socket may be closed already.
    if (!opening.arrived()) {
        socket.abort();
        co_return StreamEnd::NotOpened;
    }
    ++m_streamsOpened;
    bool closed = socket.state() == QAbstractSocket::UnconnectedState;
    if (!closed)
        closed = co_await waitForSignal(&socket, &QWebSocket::disconnected, timeout);
    if (!closed)
        socket.abort();
    pass(demux.finish());
    const bool complete = closed && closeFrame && socket.closeCode() == QWebSocketProtocol::CloseCodeNormal;
    co_return complete ? StreamEnd::Complete : StreamEnd::Dropped;
}

QCoro::Task<std::optional<CommandStatus>> CommandLogFollower::status(QString sessionId, QString commandId)
{
    try {
        const CommandStatus answer = co_await m_toolbox.commandStatus(sessionId, commandId);
        m_statusFailures = 0;
        co_return answer;
    } catch (const DaytonaError& error) {
        // A 404 (the session was deleted, the sandbox is gone) is an answer; a blip is not, unless
        // it lasts: then the sandbox is lost to us and following it on would never end.
        if (!error.isTransient() || ++m_statusFailures >= MaxStatusFailures)
            throw;
    }
    co_return std::nullopt;
}

QCoro::Task<> CommandLogFollower::readSnapshot(QString sessionId, QString commandId, const Sink& sink,
                                               Delivered& delivered)
{
    try {
        const CommandLogs logs = co_await m_toolbox.commandLogs(sessionId, commandId);
        const QByteArray out = logs.stdoutData.mid(delivered.stdoutBytes);
        const QByteArray err = logs.stderrData.mid(delivered.stderrBytes);
        delivered.stdoutBytes += out.size();
        delivered.stderrBytes += err.size();
        deliver(sink, out, err);
    } catch (const DaytonaError&) {
        // Larger than DaytonaHttp takes, or unreachable: the output comes later or not at all, but
        // whether the command runs is its status's to say.
    }
}

QCoro::Task<int> CommandLogFollower::follow(QString sessionId, QString commandId, Sink sink,
                                            std::chrono::milliseconds timeout)
{
    QElapsedTimer clock;
    clock.start();
    m_usedWebSocket = false;
    m_streamsOpened = 0;
    m_statusFailures = 0;
    Delivered delivered;
    const Backoff backoff(m_pollInterval, std::max(m_pollInterval, MaxRetryDelay),
                          std::numeric_limits<int>::max());
    int retry = 0;
    for (;;) {
        const auto elapsed = std::chrono::milliseconds(clock.elapsed());
        if (elapsed >= timeout)
            break;
        const Delivered before = delivered;
        const StreamEnd end = co_await stream(sessionId, commandId, sink, delivered, timeout - elapsed);
        const std::optional<CommandStatus> state = co_await status(sessionId, commandId);
        if (state && state->exitCode) {
            // The stream ended before the daemon read the log to its end: one more replay (or a
            // snapshot) for the rest.
            if (end == StreamEnd::Dropped) {
                const auto left = std::max(timeout - std::chrono::milliseconds(clock.elapsed()),
                                           m_http.config().requestTimeout);
                const StreamEnd rest = co_await stream(sessionId, commandId, sink, delivered, left);
                if (rest == StreamEnd::NotOpened)
                    co_await readSnapshot(sessionId, commandId, sink, delivered);
            } else if (end == StreamEnd::NotOpened) {
                co_await readSnapshot(sessionId, commandId, sink, delivered);
            }
            co_return *state->exitCode;
        }
        if (end == StreamEnd::NotOpened)
            co_await readSnapshot(sessionId, commandId, sink, delivered);
        const bool progressed =
            delivered.stdoutBytes > before.stdoutBytes || delivered.stderrBytes > before.stderrBytes;
        retry = progressed ? 1 : retry + 1;
        const auto waited = std::chrono::milliseconds(clock.elapsed());
        if (waited >= timeout)
            break;
        co_await QCoro::sleepFor(std::min(backoff.delayFor(retry), timeout - waited));
    }
    throw DaytonaError(DaytonaError::Kind::Timeout,
                       u"Command %1 in session %2 was still running after %3 s. Check it in the sandbox or "
                       u"follow it again with a longer timeout."_s.arg(
                           commandId, sessionId, QString::number(timeout.count() / 1000.0)));
}

} // namespace forge::daytona
