#pragma once

#include "ToolboxApi.h"

#include <functional>

namespace forge::daytona {

// Follows a session command's output until it exits (docs/daytona-api.md §8) over the WebSocket
// `.../logs?follow=true` (binary frames with stream markers). Whether the command still runs is
// decided by its status (GET .../command/{id}: `exitCode` once it exited), never by the logs: a
// stream that drops is opened again, with backoff, and the daemon replays the log from its start,
// so what was already delivered is skipped and each byte reaches the sink once. Only when the stream
// cannot be opened at all are the logs read as a snapshot, and a snapshot that fails (too large,
// say) only delays output; it never ends the follow.
//
// By default nothing the follower sends counts as the sandbox's activity: Daytona's proxy refreshes
// the activity of an open request about every 50 s (apps/proxy/pkg/proxy/get_sandbox_target.go,
// v0.190.0), so a stream held open for a dev server's whole life would keep the sandbox from ever
// auto-stopping.
class CommandLogFollower final
{
    Q_DISABLE_COPY_MOVE(CommandLogFollower)
public:
    using Sink = std::function<void(const QByteArray& stdoutData, const QByteArray& stderrData)>;

    // The longest wait between two attempts to open the stream again.
    static constexpr std::chrono::milliseconds MaxRetryDelay = std::chrono::seconds(10);
    // Transient failures of the status read in a row (with the waits between, about a minute)
    // after which follow() gives up with the last one.
    static constexpr int MaxStatusFailures = 8;

    CommandLogFollower(DaytonaHttp& http, ToolboxApi& toolbox);

    // Defaults to the toolbox base URL with ws/wss (docs/daytona-api.md §7).
    void setWebSocketBase(QUrl base) { m_webSocketBase = std::move(base); }
    // The first wait before the stream is opened again (or the status polled again); the waits
    // then grow, with jitter, up to MaxRetryDelay, and start over once the stream delivers again.
    void setPollInterval(std::chrono::milliseconds interval) { m_pollInterval = interval; }
    // For a command the user waits on (an install step): its open stream then keeps the sandbox
    // awake as long as it runs. Off by default.
    void setCountsAsActivity(bool counts) { m_countsAsActivity = counts; }

    // Returns the command's exit code; throws DaytonaError (Timeout when `timeout` passes first, or
    // what the status call answered when the command or its session is gone).
    QCoro::Task<int> follow(QString sessionId, QString commandId, Sink sink,
                            std::chrono::milliseconds timeout);

    // Whether the last follow() received anything over the WebSocket (for tests and diagnostics).
    bool usedWebSocket() const { return m_usedWebSocket; }
    // How many times the last follow() opened the stream.
    int streamsOpened() const { return m_streamsOpened; }

private:
    struct Delivered
    {
        qsizetype stdoutBytes = 0;
        qsizetype stderrBytes = 0;
    };
    enum class StreamEnd {
        NotOpened, // refused or unreachable
        Complete,  // the daemon closed it normally: it read the log to the end after the exit
        Dropped,   // anything else: closed early, cut, or timed out
    };

    QCoro::Task<StreamEnd> stream(QString sessionId, QString commandId, const Sink& sink,
                                  Delivered& delivered, std::chrono::milliseconds timeout);
    // The command's status, or nothing after a transient failure (the next round asks again) until
    // MaxStatusFailures in a row.
    QCoro::Task<std::optional<CommandStatus>> status(QString sessionId, QString commandId);
    // Delivers what a snapshot of the logs holds beyond `delivered`; a failure only means later.
    QCoro::Task<> readSnapshot(QString sessionId, QString commandId, const Sink& sink, Delivered& delivered);
    QUrl webSocketUrl(const QString& sessionId, const QString& commandId) const;

    DaytonaHttp& m_http;
    ToolboxApi& m_toolbox;
    QUrl m_webSocketBase;
    std::chrono::milliseconds m_pollInterval{500};
    bool m_countsAsActivity = false;
    bool m_usedWebSocket = false;
    int m_streamsOpened = 0;
    int m_statusFailures = 0;
};

} // namespace forge::daytona
