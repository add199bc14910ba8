#include "CoroutineHelpers.h"
#include "FakeDaytonaServer.h"
#include "SpecChecker.h"
#include "daytona/SandboxApi.h"
#include "daytona/ToolboxApi.h"

#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace forge::daytona;
using forge::test::RecordedRequest;

namespace {

const QString ApiPrefix = u"/api"_s;
const QString ToolboxPrefix = u"/toolbox/sb-1"_s;

QByteArray js(const QJsonObject& object)
{
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

// Plausible answers for every call the client makes, keyed on the path's tail.
FakeResponse answer(const RecordedRequest& request)
{
    const QString path = request.decodedPath();
    const QJsonObject sandbox{
        {u"id"_s, u"sb-1"_s}, {u"state"_s, u"started"_s}, {u"toolboxProxyUrl"_s, u"http://x/toolbox"_s}};
    if (path.startsWith(ApiPrefix)) {
        if (path.endsWith(u"preview-url"_s))
            return FakeResponse::json(200, js(QJsonObject{{u"sandboxId"_s, u"sb-1"_s},
                                                          {u"url"_s, u"https://3000-sb-1.p.example"_s},
                                                          {u"token"_s, u"t"_s}}));
        if (path.endsWith(u"/last-activity"_s))
            return FakeResponse::json(201, {});
        if (path == ApiPrefix + u"/sandbox"_s && request.method == "GET")
            return FakeResponse::json(
                200, js(QJsonObject{{u"items"_s, QJsonArray{sandbox}}, {u"nextCursor"_s, QJsonValue()}}));
        return FakeResponse::json(200, js(sandbox));
    }
    if (path.endsWith(u"/process/execute"_s))
        return FakeResponse::json(200, js(QJsonObject{{u"exitCode"_s, 0}, {u"result"_s, u"ok"_s}}));
    if (path.endsWith(u"/exec"_s))
        return FakeResponse::json(
            200, js(QJsonObject{{u"cmdId"_s, u"c1"_s}, {u"exitCode"_s, 0}, {u"output"_s, u""_s}}));
    if (path.endsWith(u"/logs"_s))
        return FakeResponse::json(
            200, js(QJsonObject{{u"output"_s, u""_s}, {u"stdout"_s, u""_s}, {u"stderr"_s, u""_s}}));
    if (path.contains(u"/command/"_s))
        return FakeResponse::json(
            200, js(QJsonObject{{u"id"_s, u"c1"_s}, {u"command"_s, u"ls"_s}, {u"exitCode"_s, 0}}));
    if (path.endsWith(u"/port"_s))
        return FakeResponse::json(200, js(QJsonObject{{u"ports"_s, QJsonArray{3000}}}));
    if (path.endsWith(u"/files"_s))
        return FakeResponse::json(200, "[]");
    if (path.endsWith(u"/work-dir"_s))
        return FakeResponse::json(200, js(QJsonObject{{u"dir"_s, u"/home/daytona"_s}}));
    if (path.endsWith(u"/files/download"_s))
        return FakeResponse{200, "{}", "application/octet-stream", {}, false};
    if (path.endsWith(u"/files/bulk-upload"_s))
        return FakeResponse::json(200, js(QJsonObject{{u"files"_s, QJsonArray()}}));
    if (path.endsWith(u"/process/session"_s) || path.endsWith(u"/files/folder"_s))
        return FakeResponse::json(201, {});
    if (request.method == "DELETE")
        return FakeResponse::json(204, {});
    return FakeResponse::json(200, {});
}

QString specDir()
{
    return QStringLiteral(DAYTONA_OPENAPI_DIR);
}

} // namespace

class TestDaytonaRequestShapes : public QObject
{
    Q_OBJECT

private:
    QList<RecordedRequest> m_requests;

    void driveEveryCall()
    {
        FakeDaytonaServer server;
        server.setHandler(answer);
        DaytonaConfig config;
        config.apiKey = u"dtn_key"_s;
        config.target = u"us"_s;
        QUrl api = server.baseUrl();
        api.setPath(ApiPrefix);
        config.apiUrl = api;
        DaytonaHttp http(config);
        SandboxApi sandboxes(http);

        CreateSandboxParams fromImage;
        fromImage.name = u"forge"_s;
        fromImage.image = u"node:22-bookworm"_s;
        fromImage.cpu = 2;
        fromImage.memory = 4;
        fromImage.disk = 8;
        fromImage.labels.insert(u"app"_s, u"forge"_s);
        fromImage.env.insert(u"A"_s, u"b"_s);
        fromImage.isPublic = true;
        fromImage.autoStopInterval = 15;
        fromImage.autoArchiveInterval = 60;
        fromImage.autoDeleteInterval = -1;
        CreateSandboxParams fromSnapshot;
        fromSnapshot.snapshot = u"daytona-small"_s;
        ListSandboxesQuery query;
        query.labels.insert(u"app"_s, u"forge"_s);
        query.cursor = u"c"_s;
        query.limit = 50;

        QList<QString> failures;
        auto check = [&failures](const auto& outcome, const QString& name) {
            if (outcome.error)
                failures << name + u": "_s + outcome.error->userMessage();
        };
        check(run(sandboxes.create(fromImage)), u"create image"_s);
        check(run(sandboxes.create(fromSnapshot)), u"create snapshot"_s);
        check(run(sandboxes.get(u"sb-1"_s)), u"get"_s);
        check(run(sandboxes.list(query)), u"list"_s);
        check(run(sandboxes.start(u"sb-1"_s)), u"start"_s);
        check(run(sandboxes.stop(u"sb-1"_s, true)), u"stop"_s);
        check(run(sandboxes.archive(u"sb-1"_s)), u"archive"_s);
        check(run(sandboxes.recover(u"sb-1"_s)), u"recover"_s);
        check(run(sandboxes.remove(u"sb-1"_s)), u"delete"_s);
        check(runVoid(sandboxes.refreshActivity(u"sb-1"_s)), u"refreshActivity"_s);
        check(run(sandboxes.previewUrl(u"sb-1"_s, 3000)), u"previewUrl"_s);
        check(run(sandboxes.signedPreviewUrl(u"sb-1"_s, 3000, 300)), u"signedPreviewUrl"_s);

        QUrl toolboxBase = server.baseUrl();
        toolboxBase.setPath(ToolboxPrefix);
        ToolboxApi toolbox(http, toolboxBase);
        QMap<QString, QString> env;
        env.insert(u"CI"_s, u"1"_s);
        check(run(toolbox.execute(u"ls"_s, u"/tmp"_s, env, 10)), u"execute"_s);
        check(runVoid(toolbox.createSession(u"s1"_s)), u"createSession"_s);
        check(run(toolbox.sessionExec(u"s1"_s, u"npm run dev"_s, true)), u"sessionExec"_s);
        check(run(toolbox.commandStatus(u"s1"_s, u"c1"_s)), u"commandStatus"_s);
        check(run(toolbox.commandLogs(u"s1"_s, u"c1"_s)), u"commandLogs"_s);
        check(runVoid(toolbox.deleteSession(u"s1"_s)), u"deleteSession"_s);
        check(run(toolbox.listeningPorts()), u"ports"_s);
        GitCloneParams clone;
        clone.url = u"https://github.com/acme/app.git"_s;
        clone.path = u"app"_s;
        clone.branch = u"main"_s;
        clone.commitId = u"abc123"_s;
        clone.username = u"x-access-token"_s;
        clone.password = u"secret"_s;
        check(runVoid(toolbox.gitClone(clone)), u"gitClone"_s);
        check(run(toolbox.listFiles(u"app"_s)), u"listFiles"_s);
        check(runVoid(toolbox.createFolder(u"app/dist"_s)), u"createFolder"_s);
        QList<UploadFile> uploads{{u"app/.env"_s, QByteArray("A=1\n")},
                                  {u"app/run.sh"_s, QByteArray("#!/bin/sh\n")}};
        check(runVoid(toolbox.uploadFiles(uploads)), u"uploadFiles"_s);
        QMap<QString, QString> labels;
        labels.insert(u"app"_s, u"forge"_s);
        check(runVoid(sandboxes.setLabels(u"sb-1"_s, labels)), u"setLabels"_s);
        check(runVoid(sandboxes.setAutoStopInterval(u"sb-1"_s, 30)), u"setAutoStopInterval"_s);
        check(run(toolbox.downloadFile(u"app/package.json"_s)), u"downloadFile"_s);
        check(runVoid(toolbox.deleteFile(u"app/dist"_s, true)), u"deleteFile"_s);
        check(run(toolbox.workDir()), u"workDir"_s);
        QVERIFY2(failures.isEmpty(), qPrintable(failures.join(u'\n')));
        m_requests = server.requests();
        QCOMPARE(m_requests.size(), 28);
    }

    QStringList checkAgainst(const QString& prefix, const QString& specFile,
                             const QSet<QString>& skipPaths = {})
    {
        SpecChecker checker;
        QString error;
        if (!checker.load(specFile, &error))
            return {error};
        QStringList problems;
        int checked = 0;
        for (const RecordedRequest& request : std::as_const(m_requests)) {
            const QString path = request.decodedPath();
            if (!path.startsWith(prefix))
                continue;
            const QString relative = path.mid(prefix.size());
            if (skipPaths.contains(relative))
                continue;
            problems << checker.check(request.method, relative, request.queryItems(), request.body,
                                      request.header("Content-Type"));
            ++checked;
        }
        if (checked == 0)
            problems << u"no request was checked against "_s + specFile;
        return problems;
    }

private slots:
    void initTestCase()
    {
        // Vendored with the repository: absent means a broken checkout, which must fail, not skip.
        QVERIFY2(
            QDir(specDir()).exists(),
            qPrintable(u"The Daytona OpenAPI folder %1 is absent; restore it from git."_s.arg(specDir())));
        driveEveryCall();
    }

    void apiRequestsMatchApiSpec()
    {
        const QStringList problems = checkAgainst(ApiPrefix, specDir() + u"/v0.205.1/api.json"_s);
        QVERIFY2(problems.isEmpty(), qPrintable(problems.join(u'\n')));
    }

    void toolboxRequestsMatchToolboxSpec()
    {
        const QStringList problems = checkAgainst(ToolboxPrefix, specDir() + u"/v0.205.1/toolbox.json"_s);
        QVERIFY2(problems.isEmpty(), qPrintable(problems.join(u'\n')));
    }

    // The checker itself must be able to fail, or the checks above prove nothing.
    void checkerFlagsWrongRequests()
    {
        SpecChecker api;
        QString error;
        QVERIFY2(api.load(specDir() + u"/v0.205.1/api.json"_s, &error), qPrintable(error));
        const QByteArray unknownField = js(QJsonObject{{u"image"_s, u"node:22"_s}});
        QVERIFY(!api.check("POST", u"/sandbox"_s, {}, unknownField).isEmpty());
        const QByteArray nestedUnknown =
            js(QJsonObject{{u"buildInfo"_s, QJsonObject{{u"dockerfile"_s, u"FROM x"_s}}}});
        QCOMPARE(api.check("POST", u"/sandbox"_s, {}, nestedUnknown).size(), 2); // unknown + required missing
        QVERIFY(!api.check("POST", u"/sandboxes"_s, {}, {}).isEmpty());
        QVERIFY(!api.check("PATCH", u"/sandbox/x"_s, {}, {}).isEmpty());
        QVERIFY(!api.check("GET", u"/sandbox"_s, QUrlQuery(u"label=x"_s), {}).isEmpty());
        QVERIFY(api.check("GET", u"/sandbox/x"_s, {}, {}).isEmpty());

        SpecChecker toolbox;
        QVERIFY2(toolbox.load(specDir() + u"/v0.205.1/toolbox.json"_s, &error), qPrintable(error));
        const QByteArray camelCase =
            js(QJsonObject{{u"url"_s, u"u"_s}, {u"path"_s, u"p"_s}, {u"commitId"_s, u"c"_s}});
        QVERIFY(!toolbox.check("POST", u"/git/clone"_s, {}, camelCase).isEmpty());
        const QByteArray missingRequired = js(QJsonObject{{u"cwd"_s, u"/"_s}});
        QVERIFY(!toolbox.check("POST", u"/process/execute"_s, {}, missingRequired).isEmpty());
        QVERIFY(
            !toolbox.check("POST", u"/files/folder"_s, QUrlQuery(u"path=x"_s), {}).isEmpty()); // mode missing
    }
};

QTEST_GUILESS_MAIN(TestDaytonaRequestShapes)
#include "tst_requestshapes.moc"
