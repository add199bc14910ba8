#include "ToolboxFiles.h"

#include "ErrorBodies.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QUrlQuery>

using namespace Qt::StringLiterals;

namespace forge::test::daytona {

namespace {

HttpResponse goError(const HttpRequest& request, int status, const QString& message)
{
    return HttpResponse::json(status, toolboxErrorBody(status, request.path(), request.method, message));
}

// Go's os.FileMode.String() ("drwxr-xr-x") and the octal permissions ("0755").
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

} // namespace

std::optional<QString> workspaceRelative(const QString& path, const QString& workspace)
{
    QString p = path.trimmed();
    if (!workspace.isEmpty() && (p == workspace || p.startsWith(workspace + u'/')))
        p = p.mid(workspace.size());
    while (p.startsWith(u'/'))
        p.remove(0, 1);
    p = QDir::cleanPath(p);
    if (p == u"."_s)
        p.clear();
    if (p == u".."_s || p.startsWith(u"../"_s))
        return std::nullopt;
    return p;
}

std::optional<HttpResponse> handleFiles(const HttpRequest& request, const QByteArray& path,
                                        const QString& workspace)
{
    if (!path.startsWith("/files"))
        return std::nullopt;
    const QUrlQuery query(QString::fromUtf8(request.query()));
    const QString given = query.queryItemValue(u"path"_s, QUrl::FullyDecoded);
    const std::optional<QString> relative = workspaceRelative(given, workspace);
    if (!relative)
        return goError(request, 400, u"path is outside the sandbox"_s);
    const QString host = relative->isEmpty() ? workspace : workspace + u'/' + *relative;
    const QFileInfo info(host);
    const QByteArray& method = request.method;

    if (path == "/files" && method == "GET") {
        if (!info.isDir())
            return goError(request, 404, u"directory not found"_s);
        QJsonArray list;
        const QFileInfoList entries =
            QDir(host).entryInfoList(QDir::AllEntries | QDir::Hidden | QDir::NoDotAndDotDot, QDir::Name);
        for (const QFileInfo& entry : entries)
            list.append(fileInfo(entry, given + (given.endsWith(u'/') ? u""_s : u"/"_s) + entry.fileName()));
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
        if (relative->isEmpty())
            return goError(request, 400, u"cannot delete the work dir"_s);
        if (info.isDir() && !info.isSymLink()) {
            if (query.queryItemValue(u"recursive"_s) != u"true"_s)
                return goError(request, 400, u"cannot delete a directory without recursive=true"_s);
            QDir(host).removeRecursively();
        } else {
            QFile::remove(host);
        }
        return HttpResponse{204, {}, {}};
    }
    if (path == "/files/upload-v2" && method == "POST") {
        // The raw-body form only (multipart is not implemented).
        QDir().mkpath(QFileInfo(host).absolutePath());
        QFile file(host);
        if (relative->isEmpty() || !file.open(QIODevice::WriteOnly | QIODevice::Truncate))
            return goError(request, 400, u"could not write the file"_s);
        file.write(request.body);
        file.close();
        return jsonOk(
            QJsonObject{{u"name"_s, QFileInfo(host).fileName()}, {u"path"_s, given}, {u"type"_s, u"file"_s}});
    }
    return std::nullopt;
}

} // namespace forge::test::daytona
