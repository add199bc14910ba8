// Issue 22 through ProjectSession: a local folder previewed as its working copy on the local back end
// (bubblewrap). The clone step copies the files as they are on disk (an uncommitted edit, an
// untracked file; not an ignored one), and while the preview is live a save in the folder reaches
// the running server (a static site's server reads each file per request). A plain Node server has
// no hot reload: a save restarts it, in the same sandbox, and it serves the saved code.

#include "CliProcesses.h"
#include "Fixtures.h"
#include "sandbox/LocalProvider.h"
#include "workflow/ProjectSession.h"
#include "workflow/WorkingCopySync.h"

#include <QFile>
#include <QNetworkAccessManager>
#include <QNetworkProxy>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;
using forge::LocalProvider;
using forge::ProjectSession;
using forge::ProjectStatus;

namespace {

constexpr int LiveTimeoutMs = 3 * 60 * 1000;
constexpr int StopTimeoutMs = 60 * 1000;

bool writeFile(const QString& path, const QByteArray& content)
{
    QFile file(path);
    return file.open(QIODevice::WriteOnly | QIODevice::Truncate) && file.write(content) == content.size();
}

// Starts the session's run: empty once live, else why not.
QString startLive(ProjectSession& session)
{
    QSignalSpy ready(&session, &ProjectSession::previewReady);
    session.start();
    if (ready.wait(LiveTimeoutMs) && session.status() == ProjectStatus::Live)
        return {};
    return session.failure() ? session.failure()->message() : u"not live"_s;
}

} // namespace

class TestWorkingCopyPreview : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void aSaveInTheFolderReachesTheLivePreview()
    {
        QTemporaryDir work;
        QVERIFY(work.isValid());
        forge::test::FixtureRepository repository(work.filePath(u"site"_s));
        QVERIFY2(repository.initializeWithFiles(
                     {{u"index.html"_s, "<h1>committed</h1>"}, {u".gitignore"_s, "secret.txt\n"}}),
                 qPrintable(repository.errorString()));
        const QString folder = repository.path();
        QVERIFY(writeFile(folder + u"/index.html"_s, "<h1>uncommitted</h1>"));
        QVERIFY(writeFile(folder + u"/untracked.html"_s, "<p>untracked</p>"));
        QVERIFY(writeFile(folder + u"/secret.txt"_s, "ignored"));

        QTemporaryDir data;
        LocalProvider provider({data.path(), LocalProvider::Isolation::Bubblewrap, {}});
        const auto parsed = forge::RepoRef::parse(folder, QString());
        QVERIFY(std::holds_alternative<forge::RepoRef>(parsed));
        forge::Project project = forge::newProject(std::get<forge::RepoRef>(parsed), {}, forge::RunMode::Dev);
        project.source = forge::ProjectSource::WorkingCopy;
        ProjectSession session(provider, project);
        const QString notLive = startLive(session);
        QVERIFY2(notLive.isEmpty(), qPrintable(notLive));

        QNetworkAccessManager network;
        network.setProxy(QNetworkProxy::NoProxy);
        const QUrl page = session.previewUrl();
        QVERIFY2(forge::test::fetchBody(network, page).contains("uncommitted"),
                 forge::test::fetchBody(network, page).constData());
        QVERIFY(
            forge::test::fetchBody(network, page.resolved(QUrl(u"/untracked.html"_s))).contains("untracked"));
        const QString workspace = provider.workspacePath(session.sandboxId());
        QVERIFY(!QFile::exists(workspace + u"/secret.txt"_s));
        QVERIFY(!QFile::exists(workspace + u"/.git"_s));
        QVERIFY(session.workingCopySync().has_value());

        QVERIFY(writeFile(folder + u"/index.html"_s, "<h1>saved just now</h1>"));
        QTRY_VERIFY_WITH_TIMEOUT(forge::test::fetchBody(network, page).contains("saved just now"), 30'000);
        QTRY_VERIFY_WITH_TIMEOUT(session.workingCopySync()->kind == forge::WorkingCopySyncState::Kind::Synced,
                                 30'000);
        QVERIFY(QFile::remove(folder + u"/untracked.html"_s));
        QTRY_VERIFY_WITH_TIMEOUT(!QFile::exists(workspace + u"/untracked.html"_s), 30'000);

        QSignalSpy ended(&session, &ProjectSession::runEnded);
        session.stop();
        QVERIFY(ended.wait(StopTimeoutMs));
        QVERIFY(!session.workingCopySync().has_value());
    }

    void aSaveRestartsAPlainNodeServer()
    {
        QTemporaryDir work;
        QVERIFY(work.isValid());
        const QByteArray server =
            "require('http').createServer((request, response) => {\n"
            "  response.end('<h1>served by the first version</h1>');\n"
            "}).listen(Number(process.env.PORT || 3000), process.env.HOST || '0.0.0.0');\n";
        forge::test::FixtureRepository repository(work.filePath(u"node-server"_s));
        QVERIFY2(
            repository.initializeWithFiles(
                {{u"package.json"_s, R"({"name": "node-server", "scripts": {"start": "node server.js"}})"},
                 {u"server.js"_s, server}}),
            qPrintable(repository.errorString()));
        const QString folder = repository.path();

        QTemporaryDir data;
        LocalProvider provider({data.path(), LocalProvider::Isolation::Bubblewrap, {}});
        forge::Project project = forge::newProject(
            std::get<forge::RepoRef>(forge::RepoRef::parse(folder, QString())), {}, forge::RunMode::Dev);
        QVERIFY(project.source == forge::ProjectSource::WorkingCopy);
        ProjectSession session(provider, project);
        const QString notLive = startLive(session);
        QVERIFY2(notLive.isEmpty(), qPrintable(notLive));
        QNetworkAccessManager network;
        network.setProxy(QNetworkProxy::NoProxy);
        QVERIFY(forge::test::fetchBody(network, session.previewUrl()).contains("first version"));
        const QString sandbox = session.sandboxId();

        QSignalSpy restoring(&session, &ProjectSession::restoring);
        QSignalSpy applied(&session, &ProjectSession::workingCopyApplied);
        QVERIFY(writeFile(folder + u"/server.js"_s, QByteArray(server).replace("first", "saved")));
        QStringList said; // for a failure's message
        connect(&session, &ProjectSession::notice, this, [&said](const QString& text) { said.append(text); });
        connect(&session, &ProjectSession::restoreFailed, this,
                [&said](const QString& cause) { said.append(u"restore failed: "_s + cause); });
        QVERIFY2(applied.wait(LiveTimeoutMs), qPrintable(said.join(u'\n')));
        QCOMPARE(applied.first().first().value<forge::SourceUpdateAction>(),
                 forge::SourceUpdateAction::RestartServer);
        QCOMPARE(restoring.count(), 1);
        QVERIFY2(restoring.first().first().toString().contains(u"restarting"_s),
                 qPrintable(restoring.first().first().toString()));
        QVERIFY(session.status() == ProjectStatus::Live);
        QCOMPARE(session.sandboxId(), sandbox); // the same sandbox: nothing cloned or installed again
        QVERIFY2(forge::test::fetchBody(network, session.previewUrl()).contains("saved version"),
                 forge::test::fetchBody(network, session.previewUrl()).constData());

        QSignalSpy ended(&session, &ProjectSession::runEnded);
        session.stop();
        QVERIFY(ended.wait(StopTimeoutMs));
    }
};

QTEST_GUILESS_MAIN(TestWorkingCopyPreview)
#include "tst_workingcopypreview.moc"
