#pragma once

#include "ToolboxApi.h"

#include <functional>

namespace forge::daytona {

// Follows a session command's output until it exits (ENDPOINTS §8): first over the WebSocket
// `.../logs?follow=true` (binary frames with stream markers), then, because that stream can close
// early or be unavailable, by polling GET logs + GET command until `exitCode` is present. Each byte
// reaches the sink once: polling only passes on what the stream has not already delivered.
class CommandLogFollower
{
public:
    using Sink = std::function<void(const QByteArray& stdoutData, const QByteArray& stderrData)>;

    CommandLogFollower(DaytonaHttp& http, ToolboxApi& toolbox);

    // Defaults to the toolbox base URL with ws/wss (ENDPOINTS §7).
    void setWebSocketBase(QUrl base) { m_webSocketBase = std::move(base); }
    void setPollInterval(std::chrono::milliseconds interval) { m_pollInterval = interval; }

    // Returns the command's exit code; throws DaytonaError (Timeout when `timeout` passes first).
    QCoro::Task<int> follow(QString sessionId, QString commandId, Sink sink,
                            std::chrono::milliseconds timeout);

    // Whether the last follow() received anything over the WebSocket (for tests and diagnostics).
    bool usedWebSocket() const { return m_usedWebSocket; }

private:
    struct Delivered
    {
        qsizetype stdoutBytes = 0;
        qsizetype stderrBytes = 0;
    };

    QCoro::Task<bool> stream(QString sessionId, QString commandId, const Sink& sink, Delivered& delivered,
                             std::chrono::milliseconds timeout);
    QUrl webSocketUrl(const QString& sessionId, const QString& commandId) const;

    DaytonaHttp& m_http;
    ToolboxApi& m_toolbox;
    QUrl m_webSocketBase;
    std::chrono::milliseconds m_pollInterval{500};
    bool m_usedWebSocket = false;
};

} // namespace forge::daytona
