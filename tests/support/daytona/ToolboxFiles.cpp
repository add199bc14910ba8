#include "ToolboxFiles.h"

#include "ErrorBodies.h"
#include "sandbox/Bubblewrap.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QUrlQuery>

using namespace Qt::StringLiterals;

namespace forge::test::daytona {

namespace {

HttpResponse goError(const RecordedRequest& request, int status, const QString& message)
{
    return HttpResponse::json(status, toolboxErrorBody(status, request.path(), request.method, message));
}

// Go's os.FileMode.String() ("drwxr-xr-x") and the octal permissions ("0755") of what `info` names,
// a link's target for a symbolic link: the daemon describes files with os.Stat, which follows links
// (getFileInfo in apps/daemon/pkg/toolbox/fs/get_file_info.go, daytonaio/daytona v0.190.0), so it
// never says "L". QFileInfo follows links too, except for isSymLink().
std::pair<QString, QString> modeStrings(const QFileInfo& info)
{
    const QFileDevice::Permissions p = info.permissions();
    const std::pair<QFileDevice::Permission, char> bits[] = {
        {QFileDevice::ReadOwner, 'r'}, {QFileDevice::WriteOwner, 'w'}, {QFileDevice::ExeOwner, 'x'},
        {QFileDevice::ReadGroup, 'r'}, {QFileDevice::WriteGroup, 'w'}, {QFileDevice::ExeGroup, 'x'},
        {QFileDevice::ReadOther, 'r'}, {QFileDevice::WriteOther, 'w'}, {QFileDevice::ExeOther, 'x'}};
    QString text = info.isDir() ? u"d"_s : u"-"_s;
    int octal = 0;
    for (const auto& [bit, letter] : bits) {
        octal <<= 1;
        if (p & bit) {
            text += QLatin1Char(letter);
            octal |= 1;
        } else {
            text += u'-';
        }
    }
    return {text, u"0%1"_s.arg(octal, 3, 8, QLatin1Char('0'))};
}

QJsonObject fileInfo(const QFileInfo& info, const QString& shownPath)
{
    const auto [mode, permissions] = modeStrings(info);
    const QString modified = info.lastModified().toUTC().toString(Qt::ISODateWithMs);
    return {{u"name"_s, info.fileName()},    {u"isDir"_s, info.isDir()},
            {u"size"_s, info.size()},        {u"mode"_s, mode},
            {u"permissions"_s, permissions}, {u"owner"_s, info.owner()},
            {u"group"_s, info.group()},      {u"modifiedAt"_s, modified},
            {u"modTime"_s, modified},        {u"path"_s, shownPath}};
}

HttpResponse jsonOk(const QJsonValue& value)
{
    const QJsonDocument doc =
        value.isArray() ? QJsonDocument(value.toArray()) : QJsonDocument(value.toObject());
    return HttpResponse::json(200, doc.toJson(QJsonDocument::Compact));
}

struct FormPart
{
    QByteArray name;
    QByteArray content;
};

// multipart/form-data (RFC 7578), enough for the SDK's bulk upload.
QList<FormPart> parseMultipart(const QByteArray& contentType, const QByteArray& body)
{
    QList<FormPart> parts;
    const qsizetype at = contentType.indexOf("boundary=");
    if (at < 0)
        return parts;
    QByteArray boundary = contentType.mid(at + 9).split(';').constFirst().trimmed();
    if (boundary.startsWith('"') && boundary.endsWith('"'))
        boundary = boundary.mid(1, boundary.size() - 2);
    const QByteArray delimiter = "--" + boundary;
    qsizetype pos = body.indexOf(delimiter);
    while (pos >= 0) {
        pos += delimiter.size();
        if (body.mid(pos, 2) == "--")
            break;
        const qsizetype headStart = pos + 2; // after CRLF
        const qsizetype headEnd = body.indexOf("\r\n\r\n", headStart);
        const qsizetype next = body.indexOf(QByteArray("\r\n" + delimiter), headStart);
        if (headEnd < 0 || next < 0)
            break;
        FormPart part;
        for (const QByteArray& line : body.mid(headStart, headEnd - headStart).split('\n')) {
            if (!line.trimmed().toLower().startsWith("content-disposition"))
                continue;
            const qsizetype nameAt = line.indexOf("name=\"");
            if (nameAt >= 0) {
                const qsizetype start = nameAt + 6;
                part.name = line.mid(start, line.indexOf('"', start) - start);
            }
        }
        part.content = body.mid(headEnd + 4, next - headEnd - 4);
        parts.append(part);
        pos = next + 2;
    }
    return parts;
}

} // namespace

std::optional<QString> workspaceRelative(const QString& path, const QString& workspace)
{
    QString p = path.trimmed();
    const QString inside = QString::fromLatin1(Bubblewrap::WorkspacePath);
    if (!workspace.isEmpty() && (p == workspace || p.startsWith(workspace + u'/')))
        p = p.mid(workspace.size());
    else if (p == inside || p.startsWith(inside + u'/'))
        p = p.mid(inside.size());
    while (p.startsWith(u'/'))
        p.remove(0, 1);
    p = QDir::cleanPath(p);
    if (p == u"."_s)
        p.clear();
    if (p == u".."_s || p.startsWith(u"../"_s))
        return std::nullopt;
    return p;
}

namespace {

// `path` below `folder` (or the folder itself): the rest, "" or "/...", else nullopt.
std::optional<QString> below(const QString& path, const QString& folder)
{
    if (folder.isEmpty() || !(path == folder || path.startsWith(folder + u'/')))
        return std::nullopt;
    return path.mid(folder.size());
}

// A writable folder's root, which the emulator never deletes or overwrites.
bool isRoot(const QString& host, const SandboxPaths& paths)
{
    return host == paths.workspace || host == paths.home || host == paths.tmp;
}

// A multipart/form-data part as the daemon writes it (multipartContentDisposition).
QByteArray downloadPart(const QByteArray& name, const QString& path, const QByteArray& contentType,
                        const QByteArray& content)
{
    const QByteArray encoded = QUrl::toPercentEncoding(path, "!#$&+-.^_`|~");
    QByteArray quoted = path.toUtf8();
    quoted.replace('\\', "\\\\").replace('"', "\\\"").replace('\r', "").replace('\n', "");
    return "Content-Disposition: form-data; name=\"" + name + "\"; filename=\"" + quoted +
           "\"; filename*=utf-8''" + encoded + "\r\nContent-Type: " + contentType + "\r\n\r\n" + content;
}

// POST /files/bulk-download: every path as a multipart part named "file", or "error" with an
// ErrorResponse (apps/daemon/pkg/toolbox/fs/download_files.go in daytonaio/daytona v0.190.0).
HttpResponse bulkDownload(const RecordedRequest& request, const SandboxPaths& paths)
{
    const QJsonArray requested = QJsonDocument::fromJson(request.body).object().value(u"paths"_s).toArray();
    if (requested.isEmpty())
        return HttpResponse::json(400,
                                  R"({"error":"request body must be {\"paths\": [ ... ]} and non-empty"})");
    const QByteArray boundary = "DAYTONA-FILE-BOUNDARY";
    QByteArray body;
    for (const QJsonValue& value : requested) {
        const QString given = value.toString();
        const std::optional<QString> host = hostPath(given, paths);
        QFile file(host.value_or(QString()));
        body += "--" + boundary + "\r\n";
        if (host && QFileInfo(*host).isFile() && file.open(QIODevice::ReadOnly)) {
            body += downloadPart("file", given, "application/octet-stream", file.readAll()) + "\r\n";
            continue;
        }
        const bool isDir = host && QFileInfo(*host).isDir();
        const int status = given.isEmpty() || isDir ? 400 : 404;
        const QString message = given.isEmpty() ? u"invalid file path: path is empty"_s
                                : isDir ? u"invalid file path: path points to a directory: %1"_s.arg(given)
                                        : u"file not found: %1"_s.arg(given);
        QJsonObject error =
            QJsonDocument::fromJson(toolboxErrorBody(status, given.toUtf8(), request.method, message))
                .object();
        error.insert(u"code"_s, status == 404 ? u"FILE_NOT_FOUND"_s : u"INVALID_FILE_PATH"_s);
        body += downloadPart("error", given, "application/json; charset=utf-8",
                             QJsonDocument(error).toJson(QJsonDocument::Compact)) +
                "\r\n";
    }
    body += "--" + boundary + "--\r\n";
    return HttpResponse{200, {{"Content-Type", "multipart/form-data; boundary=" + boundary}}, body};
}

} // namespace

std::optional<QString> hostPath(const QString& path, const SandboxPaths& paths)
{
    const QString trimmed = path.trimmed();
    if (!trimmed.startsWith(u'/')) {
        const std::optional<QString> relative = workspaceRelative(trimmed, paths.workspace);
        if (!relative)
            return std::nullopt;
        return relative->isEmpty() ? paths.workspace : paths.workspace + u'/' + *relative;
    }
    const QString clean = QDir::cleanPath(trimmed);
    const std::pair<QString, QString> folders[] = {{paths.workspaceInside, paths.workspace},
                                                   {paths.workspace, paths.workspace},
                                                   {paths.homeInside, paths.home},
                                                   {paths.home, paths.home},
                                                   {paths.tmpInside, paths.tmp},
                                                   {paths.tmp, paths.tmp}};
    for (const auto& [seen, host] : folders) {
        if (const auto rest = below(clean, seen))
            return host + *rest;
    }
    return std::nullopt;
}

QString insidePath(const QString& host, const SandboxPaths& paths)
{
    const std::pair<QString, QString> folders[] = {{paths.workspace, paths.workspaceInside},
                                                   {paths.home, paths.homeInside},
                                                   {paths.tmp, paths.tmpInside}};
    for (const auto& [from, to] : folders) {
        if (const auto rest = below(host, from))
            return to + *rest;
    }
    return host;
}

std::optional<HttpResponse> handleFiles(const RecordedRequest& request, const QByteArray& path,
                                        const SandboxPaths& paths)
{
    if (!path.startsWith("/files"))
        return std::nullopt;
    if (path == "/files/bulk-download" && request.method == "POST")
        return bulkDownload(request, paths);
    const QUrlQuery query(QString::fromUtf8(request.query()));
    const QString given = query.queryItemValue(u"path"_s, QUrl::FullyDecoded);
    const std::optional<QString> mapped = hostPath(given, paths);
    // The rest of the sandbox's root is the system, read-only: nothing there to write or list here.
    if (!mapped)
        return goError(request, given.startsWith(u'/') ? 404 : 400,
                       u"path is outside the sandbox's folders"_s);
    const QString host = *mapped;
    const QFileInfo info(host);
    const QByteArray& method = request.method;

    if (path == "/files" && method == "GET") {
        if (!info.isDir())
            return goError(request, 404, u"directory not found"_s);
        QJsonArray list;
        const QFileInfoList entries =
            QDir(host).entryInfoList(QDir::AllEntries | QDir::Hidden | QDir::NoDotAndDotDot, QDir::Name);
        for (const QFileInfo& entry : entries) {
            // ListFiles skips what os.Stat fails on: a link that leads nowhere is not listed.
            if (entry.exists())
                list.append(
                    fileInfo(entry, given + (given.endsWith(u'/') ? u""_s : u"/"_s) + entry.fileName()));
        }
        return jsonOk(list);
    }
    if (path == "/files/info" && method == "GET") {
        if (!info.exists())
            return goError(request, 404, u"file not found"_s);
        return jsonOk(fileInfo(info, given));
    }
    if (path == "/files/download" && method == "GET") {
        QFile file(host);
        if (!info.isFile() || !file.open(QIODevice::ReadOnly))
            return goError(request, 404, u"file not found"_s);
        return HttpResponse{200, {{"Content-Type", "application/octet-stream"}}, file.readAll()};
    }
    if (path == "/files/folder" && method == "POST") {
        if (!QDir().mkpath(host))
            return goError(request, 400, u"could not create the folder"_s);
        bool ok = false;
        const int mode = query.queryItemValue(u"mode"_s).toInt(&ok, 8);
        if (ok) {
            QFileDevice::Permissions permissions;
            const QFileDevice::Permission bits[] = {
                QFileDevice::ExeOther, QFileDevice::WriteOther, QFileDevice::ReadOther,
                QFileDevice::ExeGroup, QFileDevice::WriteGroup, QFileDevice::ReadGroup,
                QFileDevice::ExeOwner, QFileDevice::WriteOwner, QFileDevice::ReadOwner};
            for (int i = 0; i < 9; ++i)
                if (mode & (1 << i))
                    permissions |= bits[i];
            QFile::setPermissions(host, permissions | QFileDevice::ReadUser | QFileDevice::WriteUser |
                                            QFileDevice::ExeUser);
        }
        return HttpResponse{201, {}, {}};
    }
    if (path == "/files" && method == "DELETE") {
        if (!info.exists() && !info.isSymLink())
            return goError(request, 404, u"file not found"_s);
        if (isRoot(host, paths))
            return goError(request, 400, u"cannot delete %1"_s.arg(given));
        if (info.isDir() && !info.isSymLink()) {
            if (query.queryItemValue(u"recursive"_s) != u"true"_s)
                return goError(request, 400, u"cannot delete a directory without recursive=true"_s);
            QDir(host).removeRecursively();
        } else {
            QFile::remove(host);
        }
        return HttpResponse{204, {}, {}};
    }
    if (path == "/files/bulk-upload" && method == "POST") {
        // docs/daytona-api.md §9: files[i].path comes before files[i].file.
        QHash<QByteArray, QString> destinations;
        QJsonArray written;
        QJsonArray errors;
        for (const FormPart& part : parseMultipart(request.header("Content-Type"), request.body)) {
            if (part.name.endsWith(".path")) {
                destinations.insert(part.name.chopped(5), QString::fromUtf8(part.content));
                continue;
            }
            if (!part.name.endsWith(".file"))
                continue;
            const QString destination = destinations.value(part.name.chopped(5));
            const std::optional<QString> target = hostPath(destination, paths);
            if (destination.isEmpty() || !target || isRoot(*target, paths)) {
                errors.append(u"%1: no valid path"_s.arg(QString::fromUtf8(part.name)));
                continue;
            }
            const QString file = *target;
            QDir().mkpath(QFileInfo(file).absolutePath());
            QFile out(file);
            if (!out.open(QIODevice::WriteOnly | QIODevice::Truncate)) {
                errors.append(u"%1: could not write"_s.arg(destination));
                continue;
            }
            out.write(part.content);
            written.append(QJsonObject{{u"path"_s, destination}, {u"bytes"_s, part.content.size()}});
        }
        if (!errors.isEmpty()) {
            return HttpResponse::json(400,
                                      QJsonDocument(QJsonObject{{u"errors"_s, errors}, {u"files"_s, written}})
                                          .toJson(QJsonDocument::Compact));
        }
        return jsonOk(QJsonObject{{u"files"_s, written}});
    }
    if (path == "/files/upload-v2" && method == "POST") {
        // The raw-body form only (multipart is not implemented).
        QDir().mkpath(QFileInfo(host).absolutePath());
        QFile file(host);
        if (isRoot(host, paths) || !file.open(QIODevice::WriteOnly | QIODevice::Truncate))
            return goError(request, 400, u"could not write the file"_s);
        file.write(request.body);
        file.close();
        return jsonOk(
            QJsonObject{{u"name"_s, QFileInfo(host).fileName()}, {u"path"_s, given}, {u"type"_s, u"file"_s}});
    }
    return std::nullopt;
}

} // namespace forge::test::daytona
