#include "Toolbox.h"

#include "ErrorBodies.h"
#include "ToolboxFiles.h"
#include "core/Failure.h"
#include "sandbox/LocalProvider.h"

#include <QCoroSignal>
#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QPointer>
#include <QRegularExpression>
#include <QScopeGuard>
#include <QSet>
#include <QTcpSocket>
#include <QUrlQuery>
#include <QUuid>
#include <QVersionNumber>
#include <optional>

using namespace Qt::StringLiterals;

namespace forge::test::daytona {

namespace {

HttpResponse jsonOk(int status, const QJsonObject& object)
{
    return HttpResponse::json(status, QJsonDocument(object).toJson(QJsonDocument::Compact));
}

HttpResponse goError(const HttpRequest& request, int status, const QString& message)
{
    return HttpResponse::json(status, toolboxErrorBody(status, request.path(), request.method, message));
}

// docs/daytona-api.md §8: split output when X-Daytona-SDK-Version >= 0.167.0.
bool wantsSplitJson(const HttpRequest& request)
{
    const QByteArray version = request.header("X-Daytona-SDK-Version");
    if (version.isEmpty())
        return false;
    return QVersionNumber::fromString(QString::fromLatin1(version).remove(u'v')) >= QVersionNumber(0, 167, 0);
}

QString newId()
{
    return QUuid::createUuid().toString(QUuid::WithoutBraces);
}

// Ports in LISTEN state from /proc/net/tcp, IPv4 only, as the daemon reads them (netstat.TCPSocks in
// apps/daemon/pkg/toolbox/port/detector.go, daytonaio/daytona v0.190.0, never TCP6Socks): a server
// listening on IPv6 only, or on "::" as Node does by default, is not listed. The sandbox shares the
// host network.
QList<int> listeningPorts()
{
    QSet<int> ports;
    for (const QString& table : {u"/proc/net/tcp"_s}) {
        QFile file(table);
        if (!file.open(QIODevice::ReadOnly))
            continue;
        const QList<QByteArray> lines = file.readAll().split('\n');
        for (qsizetype i = 1; i < lines.size(); ++i) {
            const QList<QByteArray> fields = lines.at(i).simplified().split(' ');
            if (fields.size() < 4 || fields.at(3) != "0A")
                continue;
            bool ok = false;
            const int port = fields.at(1).split(':').value(1).toInt(&ok, 16);
            if (ok)
                ports.insert(port);
        }
    }
    QList<int> sorted(ports.begin(), ports.end());
    std::sort(sorted.begin(), sorted.end());
    return sorted;
}

// docs/daytona-api.md §8: a session keeps its state between commands (there is no cwd field; one
// runs `cd dir` first). Each command runs in its own shell here, so the working folder and the
// exported variables are saved on exit and restored before the next command of the session.
QString sessionScript(const QString& sessionId, const QString& command)
{
    const QString state =
        u"${TMPDIR:-/tmp}/.daytona-session-"_s + QString::fromLatin1(sessionId.toUtf8().toHex());
    return u"__daytona_state=\"%1\"\n"
           "if [ -f \"$__daytona_state.env\" ]; then . \"$__daytona_state.env\"; fi\n"
           "if [ -f \"$__daytona_state.cwd\" ]; then cd \"$(cat \"$__daytona_state.cwd\")\" || true; fi\n"
           "trap '__daytona_rc=$?; pwd > \"$__daytona_state.cwd\"; export -p > \"$__daytona_state.env\"; "
           "exit $__daytona_rc' EXIT\n"_s.arg(state) +
           command + u'\n';
}

// Where the sandbox's folders are, on this machine and for its commands (see SandboxPaths).
QCoro::Task<SandboxPaths> sandboxPaths(LocalProvider& provider, QString localName)
{
    SandboxPaths paths;
    paths.workspace = provider.workspacePath(localName);
    paths.workspaceInside = co_await provider.workspacePathInside(localName);
    paths.home = provider.homePath(localName);
    paths.homeInside = co_await provider.homePathInside(localName);
    paths.tmp = provider.tmpPath(localName);
    const bool isolated = paths.workspaceInside != paths.workspace;
    paths.tmpInside = isolated ? u"/tmp"_s : paths.tmp;
    co_return paths;
}

// go-git's status codes by `git status --porcelain` letter (MapStatus in apps/daemon/pkg/git/service.go,
// daytonaio/daytona v0.190.0).
QString gitStatusName(QChar code)
{
    switch (code.unicode()) {
    case '?':
        return u"Untracked"_s;
    case 'M':
        return u"Modified"_s;
    case 'T':
        return u"Modified"_s;
    case 'A':
        return u"Added"_s;
    case 'D':
        return u"Deleted"_s;
    case 'R':
        return u"Renamed"_s;
    case 'C':
        return u"Copied"_s;
    case 'U':
        return u"Updated but unmerged"_s;
    default:
        return u"Unmodified"_s;
    }
}

} // namespace

// One session command: its log with the 01 01 01 / 02 02 02 line markers (docs/daytona-api.md §8)
// and the demuxed streams.
struct ToolboxCommand
{
    QString id;
    QString command;
    std::optional<int> exitCode;
    QByteArray raw; // with markers
    QByteArray stdoutBytes;
    QByteArray stderrBytes;
    bool atLineStart[2] = {true, true};
    std::unique_ptr<BackgroundProcess> process;
    // WebSocket followers: (bytes with markers, bytes without), and what to do at exit.
    QList<std::function<void(const QByteArray&, const QByteArray&)>> followers;
    QList<QPointer<QTcpSocket>> followSockets; // for Toolbox::dropLogStreams()
    QList<std::function<void()>> onExit;

    void append(OutputChannel channel, const QByteArray& bytes)
    {
        const int c = channel == OutputChannel::Stdout ? 0 : 1;
        const QByteArray marker = c == 0 ? QByteArray("\x01\x01\x01") : QByteArray("\x02\x02\x02");
        (c == 0 ? stdoutBytes : stderrBytes) += bytes;
        QByteArray marked;
        for (char ch : bytes) {
            if (atLineStart[c])
                marked += marker;
            marked += ch;
            atLineStart[c] = ch == '\n';
        }
        raw += marked;
        for (const auto& follower : std::as_const(followers))
            follower(marked, bytes);
    }

    void exited(int code)
    {
        exitCode = code;
        const auto callbacks = std::exchange(onExit, {});
        followers.clear();
        for (const auto& callback : callbacks)
            callback();
    }

    QByteArray combined() const { return stdoutBytes + stderrBytes; }

    QJsonObject toJson() const
    {
        QJsonObject object{{u"id"_s, id}, {u"command"_s, command}};
        if (exitCode)
            object.insert(u"exitCode"_s, *exitCode);
        return object;
    }
};

struct ToolboxSession
{
    QString id;
    QList<std::shared_ptr<ToolboxCommand>> commands;

    QJsonObject toJson() const
    {
        QJsonArray list;
        for (const auto& command : commands)
            list.append(command->toJson());
        return {{u"sessionId"_s, id}, {u"commands"_s, list}};
    }
};

Toolbox::Toolbox(LocalProvider& provider)
    : m_provider(provider)
{}

Toolbox::~Toolbox()
{
    const QStringList ids = m_sessions.keys();
    for (const QString& id : ids)
        dropSandbox(id);
}

void Toolbox::dropSandbox(const QString& sandboxId)
{
    const auto sessions = m_sessions.take(sandboxId);
    for (const auto& session : sessions) {
        for (const auto& command : session->commands) {
            // Destroying a BackgroundProcess kills its process tree.
            if (command->process)
                command->process->disconnect();
            command->process.reset();
            // A stopped sandbox drops its connections: followers see their stream end.
            if (!command->exitCode)
                command->exited(137);
        }
    }
}

int Toolbox::dropLogStreams(const QString& sandboxId)
{
    int dropped = 0;
    const auto sessions = m_sessions.value(sandboxId);
    for (const auto& session : sessions) {
        for (const auto& command : session->commands) {
            for (const QPointer<QTcpSocket>& socket : std::exchange(command->followSockets, {})) {
                if (socket && socket->state() == QAbstractSocket::ConnectedState) {
                    socket->abort(); // no close frame: the connection is simply gone
                    ++dropped;
                }
            }
        }
    }
    return dropped;
}

int Toolbox::killSessionCommands(const QString& sandboxId)
{
    int killed = 0;
    const auto sessions = m_sessions.value(sandboxId);
    for (const auto& session : sessions) {
        for (const auto& command : session->commands) {
            if (!command->process || !command->process->isRunning() || command->exitCode)
                continue;
            ++killed;
            BackgroundProcess* process = command->process.get();
            // The process's finished() reports the exit to the command, as for a crash.
            QCoro::connect(process->stop(std::chrono::milliseconds(0)), process, [] {});
        }
    }
    return killed;
}

QCoro::Task<HttpResponse> Toolbox::handle(HttpRequest request, QString sandboxId, QString localName,
                                          QByteArray path)
{
    static const QRegularExpression sessionRe(u"^/process/session/([^/]+)$"_s);
    static const QRegularExpression execRe(u"^/process/session/([^/]+)/exec$"_s);
    static const QRegularExpression commandRe(u"^/process/session/([^/]+)/command/([^/]+)$"_s);
    static const QRegularExpression logsRe(u"^/process/session/([^/]+)/command/([^/]+)/logs$"_s);
    static const QRegularExpression inUseRe(u"^/port/(\\d+)/in-use$"_s);
    const QString p = QString::fromUtf8(path);
    const QByteArray& method = request.method;
    auto& sessions = m_sessions[sandboxId];

    const SandboxPaths paths = co_await sandboxPaths(m_provider, localName);
    if (method == "POST" && p == u"/process/execute"_s)
        co_return co_await execute(request, sandboxId, localName, paths);

    if (p == u"/process/session"_s) {
        if (method == "GET") {
            QJsonArray list;
            for (const auto& session : std::as_const(sessions))
                list.append(session->toJson());
            co_return HttpResponse::json(200, QJsonDocument(list).toJson(QJsonDocument::Compact));
        }
        if (method == "POST") {
            const QString id =
                QJsonDocument::fromJson(request.body).object().value(u"sessionId"_s).toString();
            if (id.isEmpty() || id == u"entrypoint"_s)
                co_return goError(request, 400, u"invalid session id"_s);
            if (sessions.contains(id))
                co_return goError(request, 409, u"session already exists"_s);
            auto session = std::make_shared<ToolboxSession>();
            session->id = id;
            sessions.insert(id, session);
            co_return HttpResponse{201, {}, {}};
        }
    }
    if (auto m = execRe.match(p); m.hasMatch() && method == "POST")
        co_return co_await sessionExec(request, sandboxId, localName, m.captured(1));
    if (auto m = sessionRe.match(p); m.hasMatch()) {
        const auto session = sessions.value(m.captured(1));
        if (!session)
            co_return goError(request, 404, u"session not found"_s);
        if (method == "GET")
            co_return jsonOk(200, session->toJson());
        if (method == "DELETE") {
            // Deleting a session ends its processes; their log streams close as at any exit.
            for (const auto& command : session->commands) {
                command->process.reset();
                if (!command->exitCode)
                    command->exited(143);
            }
            sessions.remove(session->id);
            co_return HttpResponse{204, {}, {}};
        }
    }
    if (auto m = logsRe.match(p); m.hasMatch() && method == "GET")
        co_return commandLogs(request, sandboxId, m.captured(1), m.captured(2));
    if (auto m = commandRe.match(p); m.hasMatch() && method == "GET") {
        const auto session = sessions.value(m.captured(1));
        if (!session)
            co_return goError(request, 404, u"session not found"_s);
        for (const auto& command : session->commands)
            if (command->id == m.captured(2))
                co_return jsonOk(200, command->toJson());
        co_return goError(request, 404, u"command not found"_s);
    }
    if (method == "GET" && p == u"/port"_s) {
        QJsonArray ports;
        for (int port : listeningPorts())
            ports.append(port);
        co_return jsonOk(200, {{u"ports"_s, ports}});
    }
    if (auto m = inUseRe.match(p); m.hasMatch() && method == "GET") {
        // IsPortInUse answers only for 3000-9999 (apps/daemon/pkg/toolbox/port/detector.go,
        // daytonaio/daytona v0.190.0).
        const int port = m.captured(1).toInt();
        if (port < 3000 || port > 9999)
            co_return goError(request, 400, u"port out of range: must be between 3000 and 9999"_s);
        co_return jsonOk(200, {{u"isInUse"_s, listeningPorts().contains(port)}});
    }
    // Where the sandbox's own commands see them, so `cd <work dir>` in a session works.
    if (method == "GET" && p == u"/work-dir"_s)
        co_return jsonOk(200, {{u"dir"_s, paths.workspaceInside}});
    if (method == "GET" && p == u"/user-home-dir"_s)
        co_return jsonOk(200, {{u"dir"_s, paths.homeInside}});
    if (method == "GET" && p == u"/version"_s)
        co_return jsonOk(200, {{u"version"_s, u"v0.190.0-emulator"_s}});
    if (auto files = handleFiles(request, path, paths))
        co_return *files;
    if (method == "GET" && p == u"/git/status"_s)
        co_return co_await gitStatus(request, localName, paths);
    if (method == "POST" && p == u"/git/clone"_s) {
        // LocalProvider clones into the workspace only: a target in the home or /tmp is refused
        // here rather than cloned into a look-alike folder below the work dir.
        const QString target = QJsonDocument::fromJson(request.body).object().value(u"path"_s).toString();
        const std::optional<QString> host = hostPath(target, paths);
        if (!host || !(*host == paths.workspace || host->startsWith(paths.workspace + u'/')))
            co_return goError(request, 400,
                              u"the emulator clones only below the work dir %1, not to %2"_s.arg(
                                  paths.workspaceInside, target));
        co_return co_await gitClone(request, localName);
    }
    co_return goError(request, 404, u"not found"_s);
}

QCoro::Task<HttpResponse> Toolbox::execute(const HttpRequest& request, QString sandboxId, QString localName,
                                           SandboxPaths paths)
{
    const QJsonObject body = QJsonDocument::fromJson(request.body).object();
    const QString command = body.value(u"command"_s).toString();
    if (command.trimmed().isEmpty())
        co_return goError(request, 400, u"command is required"_s);
    // The cwd may be any folder of the sandbox (/tmp, the home), where LocalProvider starts commands
    // only in the workspace: the shell changes to it first.
    const auto cwd = hostPath(body.value(u"cwd"_s).toString(), paths);
    if (!cwd || !QFileInfo(*cwd).isDir())
        co_return goError(request, 400,
                          u"cwd %1 is not a folder of the sandbox"_s.arg(body.value(u"cwd"_s).toString()));
    CommandSpec spec;
    // docs/daytona-api.md §8: the daemon hands the command to a shell, so pipes and && work.
    spec.argv = {u"sh"_s, u"-c"_s, u"cd -- \"$0\" && exec sh -c \"$1\""_s, insidePath(*cwd, paths), command};
    spec.environment = m_environments.value(sandboxId);
    const QJsonObject envs = body.value(u"envs"_s).toObject();
    for (auto it = envs.begin(); it != envs.end(); ++it)
        spec.environment.insert(it.key(), it.value().toString());
    const int timeout = body.value(u"timeout"_s).toInt(0);
    spec.timeout = std::chrono::seconds(timeout > 0 ? timeout : 0);
    auto output = std::make_shared<QByteArray>();
    // A local sink, not a temporary in the co_await expression: GCC 12 destroys such a temporary
    // twice, which releases the captured shared_ptr twice.
    const OutputSink sink = [output](OutputChannel, const QByteArray& bytes) { *output += bytes; };
    CommandResult result;
    try {
        result = co_await m_provider.runCommand(localName, spec, sink);
    } catch (const Failure& failure) {
        co_return goError(request, 400, failure.message());
    }
    // A timeout kills the process group and answers 408; the partial output is lost.
    if (result.timedOut)
        co_return goError(request, 408, u"command execution timeout"_s);
    co_return jsonOk(200, {{u"exitCode"_s, result.exitCode}, {u"result"_s, QString::fromUtf8(*output)}});
}

QCoro::Task<HttpResponse> Toolbox::sessionExec(const HttpRequest& request, QString sandboxId,
                                               QString localName, QString sessionId)
{
    const auto session = m_sessions[sandboxId].value(sessionId);
    if (!session)
        co_return goError(request, 404, u"session not found"_s);
    const QJsonObject body = QJsonDocument::fromJson(request.body).object();
    const QString commandText = body.value(u"command"_s).toString();
    if (commandText.trimmed().isEmpty())
        co_return HttpResponse{400, {}, {}}; // the daemon aborts with an empty body here
    const bool runAsync = body.value(u"runAsync"_s).toBool(body.value(u"async"_s).toBool(false));

    auto command = std::make_shared<ToolboxCommand>();
    command->id = newId();
    command->command = commandText;
    CommandSpec spec;
    spec.argv = {u"sh"_s, u"-c"_s, sessionScript(sessionId, commandText)};
    spec.environment = m_environments.value(sandboxId);
    try {
        command->process = co_await m_provider.startBackground(localName, spec);
    } catch (const Failure& failure) {
        co_return goError(request, 400, failure.message());
    }
    session->commands.append(command);
    std::weak_ptr<ToolboxCommand> weak = command;
    BackgroundProcess* process = command->process.get();
    QObject::connect(process, &BackgroundProcess::output, process,
                     [weak](OutputChannel channel, const QByteArray& bytes) {
                         if (auto c = weak.lock())
                             c->append(channel, bytes);
                     });
    QObject::connect(process, &BackgroundProcess::finished, process, [weak] {
        if (auto c = weak.lock())
            c->exited(c->process ? c->process->result().exitCode : -1);
    });
    if (!process->isRunning() && !command->exitCode)
        command->exited(process->result().exitCode);

    if (runAsync)
        co_return jsonOk(202, {{u"cmdId"_s, command->id}});

    if (!command->exitCode) {
        QPointer<BackgroundProcess> guard = process;
        co_await qCoro(process, &BackgroundProcess::finished);
        if (!guard)
            co_return goError(request, 400, u"session command was ended"_s);
    }
    QJsonObject answer{{u"cmdId"_s, command->id}, {u"exitCode"_s, command->exitCode.value_or(-1)}};
    if (wantsSplitJson(request)) {
        answer.insert(u"output"_s, QString::fromUtf8(command->raw));
        answer.insert(u"stdout"_s, QString::fromUtf8(command->stdoutBytes));
        answer.insert(u"stderr"_s, QString::fromUtf8(command->stderrBytes));
    } else {
        answer.insert(u"output"_s, QString::fromUtf8(command->combined()));
    }
    co_return jsonOk(200, answer);
}

HttpResponse Toolbox::commandLogs(const HttpRequest& request, const QString& sandboxId,
                                  const QString& sessionId, const QString& commandId)
{
    const auto session = m_sessions[sandboxId].value(sessionId);
    if (!session)
        return goError(request, 404, u"session not found"_s);
    for (const auto& command : session->commands) {
        if (command->id != commandId)
            continue;
        if (QUrlQuery(QString::fromUtf8(request.query())).queryItemValue(u"follow"_s) == u"true"_s)
            return followLogs(request, command);
        // docs/daytona-api.md §8: three output formats chosen by headers.
        if (wantsSplitJson(request)) {
            return jsonOk(200, {{u"output"_s, QString::fromUtf8(command->raw)},
                                {u"stdout"_s, QString::fromUtf8(command->stdoutBytes)},
                                {u"stderr"_s, QString::fromUtf8(command->stderrBytes)}});
        }
        const bool markers =
            request.header("X-Daytona-Split-Output").compare("true", Qt::CaseInsensitive) == 0;
        return HttpResponse{200,
                            {{"Content-Type", "text/plain; charset=utf-8"}},
                            markers ? command->raw : command->combined()};
    }
    return goError(request, 404, u"command not found"_s);
}

namespace {

// A server-to-client WebSocket frame (RFC 6455 section 5.2; servers do not mask).
QByteArray webSocketFrame(quint8 opcode, const QByteArray& payload)
{
    QByteArray frame;
    frame.append(char(0x80 | opcode));
    const qsizetype size = payload.size();
    if (size < 126) {
        frame.append(char(size));
    } else if (size < 65536) {
        frame.append(char(126));
        frame.append(char((size >> 8) & 0xff));
        frame.append(char(size & 0xff));
    } else {
        frame.append(char(127));
        for (int shift = 56; shift >= 0; shift -= 8)
            frame.append(char((quint64(size) >> shift) & 0xff));
    }
    return frame + payload;
}

void closeWebSocket(QTcpSocket* socket)
{
    socket->write(webSocketFrame(0x8, QByteArray("\x03\xe8", 2))); // 1000: normal closure
    socket->disconnectFromHost();
}

} // namespace

// docs/daytona-api.md §8: `logs?follow=true` works only as a WebSocket; binary frames carry the
// raw log bytes (with markers in split mode) and the server closes with 1000 when the command exits.
HttpResponse Toolbox::followLogs(const HttpRequest& request, const std::shared_ptr<ToolboxCommand>& command)
{
    const QByteArray key = request.header("Sec-WebSocket-Key");
    if (request.header("Upgrade").compare("websocket", Qt::CaseInsensitive) != 0 || key.isEmpty() ||
        !request.responder || m_followMode == FollowMode::Refuse)
        return goError(request, 400, u"follow is only available over a WebSocket"_s);
    // From here on the socket is the WebSocket's: the emulator sends nothing of its own.
    const HttpResponse switched{101, {}, {}};
    QTcpSocket* socket = request.responder->acceptWebSocket(request);
    if (!socket)
        return switched;

    const bool markers = wantsSplitJson(request) ||
                         request.header("X-Daytona-Split-Output").compare("true", Qt::CaseInsensitive) == 0;
    const QByteArray sofar = markers ? command->raw : command->combined();
    if (!sofar.isEmpty())
        socket->write(webSocketFrame(0x2, sofar));
    if (command->exitCode || m_followMode == FollowMode::CloseEarly) {
        closeWebSocket(socket);
        return switched;
    }
    QPointer<QTcpSocket> guard = socket;
    command->followSockets.append(guard);
    command->followers.append([guard, markers](const QByteArray& marked, const QByteArray& plain) {
        if (guard)
            guard->write(webSocketFrame(0x2, markers ? marked : plain));
    });
    command->onExit.append([guard] {
        if (guard)
            closeWebSocket(guard);
    });
    return switched;
}

QString Toolbox::passwordFingerprint(const QString& password)
{
    return u"sha256:"_s +
           QString::fromLatin1(
               QCryptographicHash::hash(password.toUtf8(), QCryptographicHash::Sha256).toHex());
}

QByteArray Toolbox::redactedBody(const QByteArray& path, const QByteArray& body)
{
    if (!path.endsWith("/git/clone"))
        return body;
    QJsonObject object = QJsonDocument::fromJson(body).object();
    if (!object.contains(u"password"_s))
        return body;
    object.insert(u"password"_s, passwordFingerprint(object.value(u"password"_s).toString()));
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

QCoro::Task<HttpResponse> Toolbox::gitClone(const HttpRequest& request, QString localName)
{
    const QJsonObject body = QJsonDocument::fromJson(request.body).object();
    // Tests check the snake_case fields (docs/daytona-api.md §10), and the password by fingerprint.
    m_gitCloneBodies.append(QJsonDocument::fromJson(redactedBody("/git/clone", request.body)).object());
    const QString url = body.value(u"url"_s).toString();
    if (url.isEmpty())
        co_return goError(request, 400, u"url is required"_s);
    const QString branch = body.value(u"branch"_s).toString();
    const QString path = body.value(u"path"_s).toString();
    const auto target = workspaceRelative(path, m_provider.workspacePath(localName));
    if (!target)
        co_return goError(request, 400, u"path is outside the sandbox"_s);
    const bool authenticated = body.contains(u"username"_s) && body.contains(u"password"_s);
    if (authenticated && target->isEmpty()) // its helper folder lives in the work dir (see cloneInSandbox)
        co_return goError(request, 400,
                          u"the emulator clones with credentials only into a folder below the work dir"_s);
    auto output = std::make_shared<QByteArray>();
    // A local sink, not a temporary in the co_await expression: GCC 12 destroys such a temporary
    // twice, which releases the captured shared_ptr twice.
    const OutputSink sink = [output](OutputChannel, const QByteArray& bytes) { *output += bytes; };
    CommandResult result;
    try {
        // The daemon authenticates only when both are given (toolbox/git/clone_repository.go).
        if (authenticated) {
            result =
                co_await cloneInSandbox(localName, url, branch, *target, body.value(u"username"_s).toString(),
                                        body.value(u"password"_s).toString(), sink);
        } else {
            CloneSpec spec;
            spec.url = QUrl(url);
            spec.branch = branch;
            // The whole history, whatever `depth` says: the daemon's clone takes no depth (issue 17;
            // CloneRepository in apps/daemon/pkg/git/clone.go, daytonaio/daytona v0.190.0).
            spec.depth = 0;
            spec.targetDirectory = *target;
            result = co_await m_provider.cloneRepository(localName, spec, sink);
        }
    } catch (const Failure& failure) {
        co_return goError(request, 400, failure.message());
    }
    if (!result.succeeded())
        co_return goError(request, 400,
                          u"failed to clone repository: "_s + QString::fromUtf8(output->trimmed()));
    co_return HttpResponse{200, {}, {}};
}

// What Daytona's daemon does with credentials on its git-CLI path (apps/daemon/pkg/git/clone.go,
// CloneRepositoryCLI and gitCLIRun at v0.190.0): `git` from the sandbox's PATH, run as the sandbox's
// user with that user's home (its ~/.gitconfig honoured on purpose, says the daemon's comment), and
// the credentials handed over through a GIT_ASKPASS helper. The daemon lives in the sandbox, so this
// runs as a command of the sandbox here: whatever repository code left in the home applies to it,
// as on Daytona. (The in-process go-git default path is as exposed - same user, same files, the
// request itself reaching the daemon in plain HTTP - in ways a local emulator cannot play.) The
// password goes in a 0600 file next to the helper instead of the daemon's environment variable,
// so that it never appears in a bubblewrap command line here; either way it is inside the sandbox.
QCoro::Task<CommandResult> Toolbox::cloneInSandbox(QString localName, QString url, QString branch,
                                                   QString target, QString username, QString password,
                                                   OutputSink sink)
{
    const QString folder = u".daytona-git-"_s + newId();
    const QString hostFolder = m_provider.workspacePath(localName) + u'/' + folder;
    const QString inside = co_await m_provider.workspacePathInside(localName);
    const QString insideFolder = inside + u'/' + folder;
    const auto writeFile = [](const QString& file, const QByteArray& content, QFileDevice::Permissions mode) {
        QFile out(file);
        if (!out.open(QIODevice::WriteOnly | QIODevice::Truncate) || !out.setPermissions(mode) ||
            out.write(content) != content.size())
            throw Failure::permanent(u"The emulator could not write %1."_s.arg(file));
    };
    if (!QDir().mkpath(hostFolder))
        throw Failure::permanent(u"The emulator could not create %1."_s.arg(hostFolder));
    const auto removeFolder = qScopeGuard([hostFolder] { QDir(hostFolder).removeRecursively(); });
    const QFileDevice::Permissions owner = QFileDevice::ReadOwner | QFileDevice::WriteOwner;
    writeFile(hostFolder + u"/password"_s, password.toUtf8(), owner);
    writeFile(hostFolder + u"/askpass.sh"_s,
              "#!/bin/sh\ncase \"$1\" in\n  Username*) printf '%s' \"$GIT_USERNAME\" ;;\n"
              "  Password*) cat '" +
                  insideFolder.toUtf8() + "/password' ;;\nesac\n",
              owner | QFileDevice::ExeOwner);

    CommandSpec spec;
    // buildCloneArgs: no depth (the daemon ignores it), credentials never in argv or the URL.
    spec.argv = QStringList{u"git"_s,
                            u"-c"_s,
                            u"credential.helper="_s,
                            u"-c"_s,
                            u"core.hooksPath=/dev/null"_s,
                            u"clone"_s,
                            u"--single-branch"_s,
                            u"--progress"_s};
    if (!branch.isEmpty())
        spec.argv << u"--branch"_s << branch;
    spec.argv << u"--"_s << url << (target.isEmpty() ? inside : inside + u'/' + target);
    // buildCloneEnv
    spec.environment = {{u"GIT_ASKPASS"_s, insideFolder + u"/askpass.sh"_s},
                        {u"GIT_TERMINAL_PROMPT"_s, u"0"_s},
                        {u"GIT_USERNAME"_s, username}};
    spec.timeout = std::chrono::minutes(10);
    co_return co_await m_provider.runCommand(localName, spec, sink);
}

namespace {

struct GitOutput
{
    bool succeeded = false;
    QByteArray stdoutBytes;
};

// `git -C <repository> <arguments>` in the sandbox, with the sandbox's own git and configuration.
QCoro::Task<GitOutput> runGit(LocalProvider& provider, QString localName, QString repository,
                              QStringList arguments)
{
    CommandSpec spec;
    spec.argv = QStringList{u"git"_s, u"-C"_s, repository} + arguments;
    spec.timeout = std::chrono::minutes(1);
    auto output = std::make_shared<QByteArray>();
    const OutputSink sink = [output](OutputChannel channel, const QByteArray& bytes) {
        if (channel == OutputChannel::Stdout)
            *output += bytes;
    };
    const CommandResult result = co_await provider.runCommand(localName, spec, sink);
    co_return GitOutput{result.succeeded(), *output};
}

// `git status --porcelain -z` entries as the daemon's FileStatus list.
QJsonArray gitFileStatus(const QByteArray& porcelain)
{
    QJsonArray files;
    const QList<QByteArray> fields = porcelain.split('\0');
    for (qsizetype i = 0; i < fields.size(); ++i) {
        const QByteArray& entry = fields.at(i);
        if (entry.size() < 4)
            continue;
        const QChar staging = QChar::fromLatin1(entry.at(0));
        const QChar worktree = QChar::fromLatin1(entry.at(1));
        QString extra;
        if (staging == u'R' || staging == u'C') // "XY new\0old": go-git keeps the old name in Extra
            extra = QString::fromUtf8(fields.value(++i));
        files.append(QJsonObject{{u"name"_s, QString::fromUtf8(entry.mid(3))},
                                 {u"extra"_s, extra},
                                 {u"staging"_s, gitStatusName(staging)},
                                 {u"worktree"_s, gitStatusName(worktree)}});
    }
    return files;
}

} // namespace

// GET /git/status?path=: the branch, each changed file, and the upstream with ahead/behind counts
// (apps/daemon/pkg/toolbox/git/status.go and apps/daemon/pkg/git/status.go in daytonaio/daytona
// v0.190.0, which reads the work tree with go-git and the upstream with the git CLI).
QCoro::Task<HttpResponse> Toolbox::gitStatus(const HttpRequest& request, QString localName,
                                             SandboxPaths paths)
{
    const QString given =
        QUrlQuery(QString::fromUtf8(request.query())).queryItemValue(u"path"_s, QUrl::FullyDecoded);
    if (given.isEmpty())
        co_return goError(request, 400, u"path is required"_s);
    const auto host = hostPath(given, paths);
    if (!host || !QFileInfo(*host).isDir())
        co_return goError(request, 404, u"repository does not exist"_s);
    const QString repository = insidePath(*host, paths);
    // Argument lists as locals: GCC 12 rejects braced lists in a co_await expression.
    const QStringList headArguments{u"rev-parse"_s, u"--abbrev-ref"_s, u"HEAD"_s};
    const GitOutput head = co_await runGit(m_provider, localName, repository, headArguments);
    if (!head.succeeded)
        co_return goError(request, 404, u"repository does not exist"_s);
    const QStringList statusArguments{u"status"_s, u"--porcelain=v1"_s, u"-z"_s, u"--untracked-files=all"_s};
    const GitOutput status = co_await runGit(m_provider, localName, repository, statusArguments);
    if (!status.succeeded)
        co_return goError(request, 500, u"git status failed"_s);
    const QStringList upstreamArguments{u"rev-parse"_s, u"--abbrev-ref"_s, u"--symbolic-full-name"_s,
                                        u"@{upstream}"_s};
    const GitOutput upstream = co_await runGit(m_provider, localName, repository, upstreamArguments);
    const QString upstreamName =
        upstream.succeeded ? QString::fromUtf8(upstream.stdoutBytes.trimmed()) : QString();
    int ahead = 0, behind = 0;
    if (!upstreamName.isEmpty()) {
        const QStringList countArguments{u"rev-list"_s, u"--left-right"_s, u"--count"_s,
                                         upstreamName + u"...HEAD"_s};
        const GitOutput counts = co_await runGit(m_provider, localName, repository, countArguments);
        const QList<QByteArray> numbers = counts.stdoutBytes.trimmed().split('\t');
        if (counts.succeeded && numbers.size() == 2) {
            behind = numbers.at(0).toInt();
            ahead = numbers.at(1).toInt();
        }
    }
    QJsonObject answer; // not a braced list in co_return: GCC 12 rejects that in a coroutine
    answer.insert(u"currentBranch"_s, QString::fromUtf8(head.stdoutBytes.trimmed()));
    answer.insert(u"fileStatus"_s, gitFileStatus(status.stdoutBytes));
    answer.insert(u"branchPublished"_s, !upstreamName.isEmpty());
    answer.insert(u"ahead"_s, ahead);
    answer.insert(u"behind"_s, behind);
    co_return jsonOk(200, answer);
}

} // namespace forge::test::daytona
