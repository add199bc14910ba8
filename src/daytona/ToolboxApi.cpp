#include "ToolboxApi.h"

#include "OutputDemultiplexer.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QUuid>

using namespace Qt::StringLiterals;

namespace forge::daytona {

namespace {

DaytonaError unexpectedShape(const QString& what)
{
    return DaytonaError(DaytonaError::Kind::MalformedResponse,
                        u"The sandbox toolbox answered %1 with JSON of an unexpected shape. Check that the "
                        u"sandbox is started and retry."_s.arg(what));
}

std::optional<int> optionalInt(const QJsonObject& object, const QString& key)
{
    const QJsonValue value = object.value(key);
    return value.isDouble() ? std::optional(value.toInt()) : std::nullopt;
}

} // namespace

ToolboxApi::ToolboxApi(DaytonaHttp& http, QUrl baseUrl)
    : m_http(http)
    , m_base(std::move(baseUrl))
{}

QUrl ToolboxApi::url(const QString& path, const QUrlQuery& query) const
{
    return DaytonaHttp::join(m_base, path, query);
}

HttpRequest ToolboxApi::post(const QString& path, const QJsonObject& body) const
{
    HttpRequest request;
    request.method = "POST";
    request.url = url(path);
    request.body = QJsonDocument(body).toJson(QJsonDocument::Compact);
    return request;
}

QCoro::Task<ExecuteResult> ToolboxApi::execute(QString command, QString cwd, QMap<QString, QString> env,
                                               int timeoutSeconds)
{
    QJsonObject body;
    body.insert(u"command"_s, command);
    if (!cwd.isEmpty())
        body.insert(u"cwd"_s, cwd);
    if (!env.isEmpty()) {
        QJsonObject envs;
        for (auto it = env.constBegin(); it != env.constEnd(); ++it)
            envs.insert(it.key(), it.value());
        body.insert(u"envs"_s, envs); // docs/daytona-api.md §13: the REST name is `envs`, not `env`
    }
    if (timeoutSeconds > 0)
        body.insert(u"timeout"_s, timeoutSeconds);
    HttpRequest request = post(u"/process/execute"_s, body);
    if (timeoutSeconds > 0) {
        // The daemon is silent until the command ends; let its own timeout (408) win.
        const auto commandTimeout = std::chrono::milliseconds(std::chrono::seconds(timeoutSeconds + 15));
        request.timeout = std::max(commandTimeout, m_http.config().requestTimeout);
    }
    const QJsonValue value = co_await m_http.sendJson(std::move(request));
    if (!value.isObject() || !value.toObject().value(u"exitCode"_s).isDouble())
        throw unexpectedShape(u"process/execute"_s);
    ExecuteResult result;
    result.exitCode = value.toObject().value(u"exitCode"_s).toInt();
    result.result = value.toObject().value(u"result"_s).toString();
    co_return result;
}

QCoro::Task<> ToolboxApi::createSession(QString sessionId)
{
    // docs/daytona-api.md §8: 201 with no body.
    QJsonObject body;
    body.insert(u"sessionId"_s, sessionId);
    HttpRequest request = post(u"/process/session"_s, body);
    co_await m_http.send(std::move(request));
}

QCoro::Task<> ToolboxApi::deleteSession(QString sessionId)
{
    HttpRequest request;
    request.method = "DELETE";
    request.url = url(u"/process/session/"_s + DaytonaHttp::segment(sessionId));
    co_await m_http.send(std::move(request));
}

QCoro::Task<SessionCommandResult>
ToolboxApi::sessionExec(QString sessionId, QString command, bool runAsync,
                        std::optional<std::chrono::milliseconds> transferTimeout)
{
    QJsonObject body;
    body.insert(u"command"_s, command);
    if (runAsync)
        body.insert(u"runAsync"_s, true);
    HttpRequest request = post(u"/process/session/%1/exec"_s.arg(DaytonaHttp::segment(sessionId)), body);
    request.timeout = transferTimeout;
    const QJsonValue value = co_await m_http.sendJson(std::move(request));
    const QJsonObject object = value.toObject();
    if (!object.value(u"cmdId"_s).isString())
        throw unexpectedShape(u"session exec"_s);
    SessionCommandResult result;
    result.cmdId = object.value(u"cmdId"_s).toString();
    result.exitCode = optionalInt(object, u"exitCode"_s);
    result.output = object.value(u"output"_s).toString().toUtf8();
    if (object.contains(u"stdout"_s) || object.contains(u"stderr"_s)) {
        result.stdoutData = object.value(u"stdout"_s).toString().toUtf8();
        result.stderrData = object.value(u"stderr"_s).toString().toUtf8();
    } else {
        const auto split = OutputDemultiplexer::demultiplex(result.output);
        result.stdoutData = split.stdoutData;
        result.stderrData = split.stderrData;
    }
    co_return result;
}

QCoro::Task<CommandStatus> ToolboxApi::commandStatus(QString sessionId, QString commandId)
{
    HttpRequest request;
    request.countsAsActivity = false; // looking is not using (DaytonaHttp.h)
    request.url = url(u"/process/session/%1/command/%2"_s.arg(DaytonaHttp::segment(sessionId),
                                                              DaytonaHttp::segment(commandId)));
    const QJsonValue value = co_await m_http.sendJson(std::move(request));
    if (!value.isObject())
        throw unexpectedShape(u"command status"_s);
    const QJsonObject object = value.toObject();
    CommandStatus status;
    status.id = object.value(u"id"_s).toString();
    status.command = object.value(u"command"_s).toString();
    status.exitCode = optionalInt(object, u"exitCode"_s);
    co_return status;
}

CommandLogs ToolboxApi::parseLogs(const HttpReply& reply)
{
    // docs/daytona-api.md §8: JSON {output, stdout, stderr} with an SDK version header; text/plain otherwise
    // (with markers when only X-Daytona-Split-Output is sent, and then the client demuxes).
    QByteArray raw = reply.body;
    if (reply.header("Content-Type").contains("json")) {
        const QJsonObject object = DaytonaHttp::decodeJson(reply.body, u"command logs"_s).toObject();
        if (object.contains(u"stdout"_s) || object.contains(u"stderr"_s)) {
            CommandLogs logs;
            logs.stdoutData = object.value(u"stdout"_s).toString().toUtf8();
            logs.stderrData = object.value(u"stderr"_s).toString().toUtf8();
            return logs;
        }
        raw = object.value(u"output"_s).toString().toUtf8();
    }
    const auto split = OutputDemultiplexer::demultiplex(raw);
    CommandLogs logs;
    logs.stdoutData = split.stdoutData;
    logs.stderrData = split.stderrData;
    return logs;
}

QCoro::Task<CommandLogs> ToolboxApi::commandLogs(QString sessionId, QString commandId)
{
    HttpRequest request;
    request.countsAsActivity = false; // looking is not using (DaytonaHttp.h)
    request.url = url(u"/process/session/%1/command/%2/logs"_s.arg(DaytonaHttp::segment(sessionId),
                                                                   DaytonaHttp::segment(commandId)));
    const HttpReply reply = co_await m_http.send(std::move(request));
    co_return parseLogs(reply);
}

QCoro::Task<QList<int>> ToolboxApi::listeningPorts()
{
    HttpRequest request;
    request.countsAsActivity = false; // looking is not using (DaytonaHttp.h)
    request.url = url(u"/port"_s);
    const QJsonValue value = co_await m_http.sendJson(std::move(request));
    const QJsonValue ports = value.toObject().value(u"ports"_s);
    if (!ports.isArray())
        throw unexpectedShape(u"port"_s);
    QList<int> result;
    for (const QJsonValue& port : ports.toArray()) {
        if (port.isDouble())
            result << port.toInt();
    }
    co_return result;
}

QCoro::Task<> ToolboxApi::gitClone(GitCloneParams params)
{
    if (params.url.isEmpty() || params.path.isEmpty())
        throw DaytonaError(DaytonaError::Kind::InvalidArgument,
                           u"A git clone needs both a repository URL and a destination path."_s);
    // docs/daytona-api.md §10: snake_case body; credentials go in the body so they never appear in a URL.
    QJsonObject body;
    body.insert(u"url"_s, params.url);
    body.insert(u"path"_s, params.path);
    body.insert(u"insecure_skip_tls"_s, false); // never skip TLS verification
    if (!params.branch.isEmpty())
        body.insert(u"branch"_s, params.branch);
    if (!params.commitId.isEmpty())
        body.insert(u"commit_id"_s, params.commitId);
    if (!params.username.isEmpty())
        body.insert(u"username"_s, params.username);
    if (!params.password.isEmpty())
        body.insert(u"password"_s, params.password);
    if (params.depth)
        body.insert(u"depth"_s, *params.depth);
    HttpRequest request = post(u"/git/clone"_s, body);
    // Cloning a large repository keeps the connection silent for a while.
    request.timeout =
        std::max(m_http.config().requestTimeout, std::chrono::milliseconds(std::chrono::minutes(10)));
    co_await m_http.send(std::move(request));
}

QCoro::Task<QList<FileInfo>> ToolboxApi::listFiles(QString path)
{
    QUrlQuery query;
    query.addQueryItem(u"path"_s, QString::fromLatin1(QUrl::toPercentEncoding(path)));
    HttpRequest request;
    request.url = url(u"/files"_s, query);
    const QJsonValue value = co_await m_http.sendJson(std::move(request));
    if (!value.isArray())
        throw unexpectedShape(u"files"_s);
    QList<FileInfo> files;
    for (const QJsonValue& item : value.toArray()) {
        const QJsonObject object = item.toObject();
        FileInfo file;
        file.name = object.value(u"name"_s).toString();
        file.isDir = object.value(u"isDir"_s).toBool();
        file.size = static_cast<qint64>(object.value(u"size"_s).toDouble());
        file.mode = object.value(u"mode"_s).toString();
        file.modifiedAt = object.value(u"modifiedAt"_s).toString();
        files << file;
    }
    co_return files;
}

QCoro::Task<> ToolboxApi::createFolder(QString path, QString mode)
{
    QUrlQuery query;
    query.addQueryItem(u"path"_s, QString::fromLatin1(QUrl::toPercentEncoding(path)));
    query.addQueryItem(u"mode"_s, mode);
    HttpRequest request;
    request.method = "POST";
    request.url = url(u"/files/folder"_s, query);
    co_await m_http.send(std::move(request));
}

} // namespace forge::daytona

namespace forge::daytona {

QByteArray ToolboxApi::bulkUploadBody(const QList<UploadFile>& files, const QByteArray& boundary)
{
    QByteArray body;
    for (qsizetype i = 0; i < files.size(); ++i) {
        const QByteArray index = QByteArray::number(i);
        const QByteArray path = files.at(i).remotePath.toUtf8();
        QByteArray fileName = path.mid(path.lastIndexOf('/') + 1);
        fileName.replace('"', "%22");
        body += "--" + boundary + "\r\nContent-Disposition: form-data; name=\"files[" + index +
                "].path\"\r\n\r\n" + path + "\r\n";
        body += "--" + boundary + "\r\nContent-Disposition: form-data; name=\"files[" + index +
                "].file\"; filename=\"" + fileName + "\"\r\nContent-Type: application/octet-stream\r\n\r\n";
        body += files.at(i).content;
        body += "\r\n";
    }
    body += "--" + boundary + "--\r\n";
    return body;
}

QCoro::Task<> ToolboxApi::uploadFiles(QList<UploadFile> files)
{
    if (files.isEmpty())
        co_return;
    for (const UploadFile& file : std::as_const(files)) {
        if (file.remotePath.isEmpty() || file.remotePath.endsWith(u'/'))
            throw DaytonaError(DaytonaError::Kind::InvalidArgument,
                               u"Each uploaded file needs a destination file path (not a folder)."_s);
    }
    const QByteArray boundary = "forge-" + QUuid::createUuid().toByteArray(QUuid::Id128);
    HttpRequest request;
    request.method = "POST";
    request.url = url(u"/files/bulk-upload"_s);
    request.contentType = "multipart/form-data; boundary=" + boundary;
    request.body = bulkUploadBody(files, boundary);
    co_await m_http.send(std::move(request));
}

} // namespace forge::daytona

namespace forge::daytona {

namespace {

QUrlQuery pathQuery(const QString& path)
{
    QUrlQuery query;
    query.addQueryItem(u"path"_s, QString::fromLatin1(QUrl::toPercentEncoding(path)));
    return query;
}

} // namespace

QCoro::Task<QByteArray> ToolboxApi::downloadFile(QString path)
{
    HttpRequest request;
    request.url = url(u"/files/download"_s, pathQuery(path));
    const HttpReply reply = co_await m_http.send(std::move(request));
    co_return reply.body;
}

QCoro::Task<> ToolboxApi::deleteFile(QString path, bool recursive)
{
    QUrlQuery query = pathQuery(path);
    if (recursive)
        query.addQueryItem(u"recursive"_s, u"true"_s);
    HttpRequest request;
    request.method = "DELETE";
    request.url = url(u"/files"_s, query);
    co_await m_http.send(std::move(request));
}

QCoro::Task<QString> ToolboxApi::workDir()
{
    HttpRequest request;
    request.url = url(u"/work-dir"_s);
    const QJsonValue value = co_await m_http.sendJson(std::move(request));
    const QJsonValue dir = value.toObject().value(u"dir"_s);
    if (!dir.isString())
        throw unexpectedShape(u"work-dir"_s);
    co_return dir.toString();
}

} // namespace forge::daytona
