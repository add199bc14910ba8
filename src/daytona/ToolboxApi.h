#pragma once

#include "DaytonaHttp.h"

#include <QList>
#include <QMap>
#include <optional>

namespace forge::daytona {

struct ExecuteResult
{
    int exitCode = -1;
    QString result; // stdout and stderr combined (docs/daytona-api.md §8)
};

struct SessionCommandResult
{
    QString cmdId;
    std::optional<int> exitCode; // absent for runAsync
    QByteArray output;
    QByteArray stdoutData;
    QByteArray stderrData;
};

struct CommandStatus
{
    QString id;
    QString command;
    std::optional<int> exitCode; // absent while the command runs
};

struct CommandLogs
{
    QByteArray stdoutData;
    QByteArray stderrData;
};

struct GitCloneParams
{
    QString url;
    QString path;
    QString branch;
    QString commitId;
    QString username;
    QString password;         // a token; sent in the body, never in the URL
    std::optional<int> depth; // v0.205 daemons only
};

struct FileInfo
{
    QString name;
    bool isDir = false;
    qint64 size = 0;
    QString mode;
    QString modifiedAt;
};

struct UploadFile
{
    QString remotePath; // relative paths resolve against the sandbox work dir
    QByteArray content;
};

// The in-sandbox toolbox API (docs/daytona-api.md §7-§11), reached through `{toolboxProxyUrl}/{sandboxId}`
// with the same auth headers as the API. Only the calls the app needs. The calls that only look
// (commandStatus, commandLogs, listeningPorts) do not count as the sandbox's activity.
class ToolboxApi final
{
    Q_DISABLE_COPY_MOVE(ToolboxApi)
public:
    ToolboxApi(DaytonaHttp& http, QUrl baseUrl);

    const QUrl& baseUrl() const { return m_base; }

    // POST /process/execute. `timeoutSeconds` > 0 makes the daemon kill the command, reported as
    // DaytonaError::Kind::CommandTimedOut (HTTP 408); the HTTP transfer timeout is stretched to cover it.
    QCoro::Task<ExecuteResult> execute(QString command, QString cwd = {}, QMap<QString, QString> env = {},
                                       int timeoutSeconds = 0);

    QCoro::Task<> createSession(QString sessionId);
    QCoro::Task<> deleteSession(QString sessionId);
    // POST /process/session/{id}/exec. A sync exec blocks until the command exits, so
    // `transferTimeout` should cover the command's expected run time.
    QCoro::Task<SessionCommandResult>
    sessionExec(QString sessionId, QString command, bool runAsync,
                std::optional<std::chrono::milliseconds> transferTimeout = {});
    QCoro::Task<CommandStatus> commandStatus(QString sessionId, QString commandId);
    // A snapshot of the logs: JSON {output, stdout, stderr} in split mode, or text (demultiplexed
    // when it carries markers).
    QCoro::Task<CommandLogs> commandLogs(QString sessionId, QString commandId);

    QCoro::Task<QList<int>> listeningPorts();
    QCoro::Task<> gitClone(GitCloneParams params);
    QCoro::Task<QList<FileInfo>> listFiles(QString path);
    QCoro::Task<> createFolder(QString path, QString mode = QStringLiteral("0755"));
    // GET /files/download: raw bytes, bounded by DaytonaHttp's body size limit.
    QCoro::Task<QByteArray> downloadFile(QString path);
    // DELETE /files; `recursive` is required for directories (docs/daytona-api.md §9).
    QCoro::Task<> deleteFile(QString path, bool recursive = false);
    // GET /work-dir (docs/daytona-api.md §11): where relative paths resolve.
    QCoro::Task<QString> workDir();

    // POST /files/bulk-upload (docs/daytona-api.md §9): in both daemon versions, unlike /files/upload.
    QCoro::Task<> uploadFiles(QList<UploadFile> files);
    // The multipart body of bulk-upload: for each i, `files[i].path` before `files[i].file`.
    static QByteArray bulkUploadBody(const QList<UploadFile>& files, const QByteArray& boundary);

    static CommandLogs parseLogs(const HttpReply& reply);

private:
    QUrl url(const QString& path, const QUrlQuery& query = {}) const;
    HttpRequest post(const QString& path, const QJsonObject& body) const;

    DaytonaHttp& m_http;
    QUrl m_base;
};

} // namespace forge::daytona
