#pragma once

#include "HttpServer.h"
#include "ToolboxFiles.h"
#include "sandbox/SandboxProvider.h"

#include <QCoroTask>
#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QMap>
#include <QString>
#include <memory>

namespace forge {
class LocalProvider;
}

namespace forge::test::daytona {

struct ToolboxSession;
struct ToolboxCommand;

// A request with the exchange that answers it: the log stream takes the socket over through it
// (Toolbox::followLogs), and the emulator's activity timer watches it while it is open.
struct HttpRequest : RecordedRequest
{
    std::shared_ptr<HttpExchange> responder;
};

// The in-sandbox daemon's API (toolbox.json; docs/daytona-api.md §8, §10, §11) for one emulator:
// process execute, sessions, ports and git clone, each running real commands in the sandbox
// through LocalProvider. Auth and the sandbox's state are checked by the caller.
class Toolbox
{
public:
    // How GET .../logs?follow=true behaves (docs/daytona-api.md §8 reports streams that close early).
    enum class FollowMode {
        Normal,     // replay, stream, close 1000 at exit
        CloseEarly, // replay what exists, then close 1000 at once, while the command still runs
        Refuse,     // no upgrade: 400, as if the stream were unavailable
    };

    explicit Toolbox(LocalProvider& provider);
    void setFollowMode(FollowMode mode) { m_followMode = mode; }
    ~Toolbox();

    // `path` is what follows /toolbox/<sandboxId> (e.g. "/process/execute").
    QCoro::Task<HttpResponse> handle(HttpRequest request, QString sandboxId, QString localName,
                                     QByteArray path);
    // The env given at create: every command of the sandbox sees it, as a container's processes do.
    void setSandboxEnvironment(const QString& sandboxId, const QMap<QString, QString>& environment)
    {
        m_environments.insert(sandboxId, environment);
    }
    // Ends the sessions' commands of a sandbox that stopped or went away.
    void dropSandbox(const QString& sandboxId);
    // Kills the processes of the sandbox's running session commands, as if they had crashed; the
    // sessions stay and the commands report their exit as usual. Returns how many were running.
    int killSessionCommands(const QString& sandboxId);
    // Cuts the open `logs?follow=true` connections of the sandbox's commands without a close frame,
    // as a proxy restart or a network drop would; the commands run on. Returns how many were open.
    int dropLogStreams(const QString& sandboxId);
    // Clone bodies as received, except the password: it is kept only as passwordFingerprint(), so
    // no token is ever held in (or printed from) the emulator's records.
    QList<QJsonObject> gitCloneBodies() const { return m_gitCloneBodies; }
    static QString passwordFingerprint(const QString& password);
    // A clone request's body with its password replaced by the fingerprint; other bodies unchanged.
    static QByteArray redactedBody(const QByteArray& path, const QByteArray& body);

private:
    QCoro::Task<HttpResponse> execute(const HttpRequest& request, QString sandboxId, QString localName,
                                      SandboxPaths paths);
    QCoro::Task<HttpResponse> gitStatus(const HttpRequest& request, QString localName, SandboxPaths paths);
    QCoro::Task<HttpResponse> sessionExec(const HttpRequest& request, QString sandboxId, QString localName,
                                          QString sessionId);
    HttpResponse commandLogs(const HttpRequest& request, const QString& sandboxId, const QString& sessionId,
                             const QString& commandId);
    HttpResponse followLogs(const HttpRequest& request, const std::shared_ptr<ToolboxCommand>& command);
    QCoro::Task<HttpResponse> gitClone(const HttpRequest& request, QString localName);
    QCoro::Task<CommandResult> cloneInSandbox(QString localName, QString url, QString branch, QString target,
                                              QString username, QString password, OutputSink sink);

    LocalProvider& m_provider;
    // sandbox id -> session id -> session
    QHash<QString, QHash<QString, std::shared_ptr<ToolboxSession>>> m_sessions;
    QList<QJsonObject> m_gitCloneBodies;
    QHash<QString, QMap<QString, QString>> m_environments; // by sandbox id
    FollowMode m_followMode = FollowMode::Normal;
};

} // namespace forge::test::daytona
