#include "CommandLogFollower.h"
#include "core/SignalWait.h"

#include "OutputDemultiplexer.h"

#include <QCoroSignal>
#include <QCoroTimer>
#include <QCoroWebSocket>
#include <QElapsedTimer>
#include <QWebSocket>

using namespace Qt::StringLiterals;

namespace forge::daytona {

namespace {

void deliver(const CommandLogFollower::Sink& sink, const QByteArray& out, const QByteArray& err)
{
    if (sink && (!out.isEmpty() || !err.isEmpty()))
        sink(out, err);
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

QCoro::Task<bool> CommandLogFollower::stream(QString sessionId, QString commandId, const Sink& sink,
                                             Delivered& delivered, std::chrono::milliseconds timeout)
{
    HttpRequest handshake;
    handshake.url = webSocketUrl(sessionId, commandId);
    // Same auth and SDK-version headers as HTTP: the version selects the split (marker) format.
    const QNetworkRequest request = m_http.prepare(handshake);

    OutputDemultiplexer demux;
    QWebSocket socket;
    auto onBytes = [&](const QByteArray& bytes) {
        const auto split = demux.feed(bytes);
        delivered.stdoutBytes += split.stdoutData.size();
        delivered.stderrBytes += split.stderrData.size();
        m_usedWebSocket = true;
        deliver(sink, split.stdoutData, split.stderrData);
    };
    QObject::connect(&socket, &QWebSocket::binaryMessageReceived, &socket, onBytes);
    QObject::connect(&socket, &QWebSocket::textMessageReceived, &socket,
                     [&](const QString& text) { onBytes(text.toUtf8()); });

    const auto openTimeout = std::min(timeout, m_http.config().requestTimeout);
    const bool opened = co_await qCoro(socket).open(request, openTimeout);
    if (opened && socket.state() == QAbstractSocket::ConnectedState) {
        const bool closed = co_await waitForSignal(&socket, &QWebSocket::disconnected, timeout);
        if (!closed)
            socket.abort();
    }
    const auto rest = demux.finish();
    delivered.stdoutBytes += rest.stdoutData.size();
    delivered.stderrBytes += rest.stderrData.size();
    deliver(sink, rest.stdoutData, rest.stderrData);
    co_return opened;
}

QCoro::Task<int> CommandLogFollower::follow(QString sessionId, QString commandId, Sink sink,
                                            std::chrono::milliseconds timeout)
{
    QElapsedTimer clock;
    clock.start();
    m_usedWebSocket = false;
    Delivered delivered;
    co_await stream(sessionId, commandId, sink, delivered, timeout);

    // The stream may have closed early or never opened: poll until the command reports its exit.
    for (;;) {
        const CommandStatus status = co_await m_toolbox.commandStatus(sessionId, commandId);
        // Logs after status: once the exit code is known the snapshot is complete.
        const CommandLogs logs = co_await m_toolbox.commandLogs(sessionId, commandId);
        const QByteArray out = logs.stdoutData.mid(delivered.stdoutBytes);
        const QByteArray err = logs.stderrData.mid(delivered.stderrBytes);
        delivered.stdoutBytes += out.size();
        delivered.stderrBytes += err.size();
        deliver(sink, out, err);
        if (status.exitCode)
            co_return *status.exitCode;
        const auto elapsed = std::chrono::milliseconds(clock.elapsed());
        if (elapsed >= timeout)
            break;
        co_await QCoro::sleepFor(std::min(m_pollInterval, timeout - elapsed));
    }
    throw DaytonaError(DaytonaError::Kind::Timeout,
                       u"Command %1 in session %2 was still running after %3 s. Check it in the sandbox or "
                       u"follow it again with a longer timeout."_s.arg(
                           commandId, sessionId, QString::number(timeout.count() / 1000.0)));
}

} // namespace forge::daytona
