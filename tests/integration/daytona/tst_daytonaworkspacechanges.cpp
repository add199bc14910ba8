// Issue 21: a pull request preview brought up to date in place on the Daytona back end: the archive
// goes up through the toolbox's bulk upload into the project folder, and the sandbox's own tar and
// rm apply it (SandboxProvider::applyWorkspaceChanges), against the emulator, whose session commands
// run in a real sh and whose file API writes real files.

#include "AwaitCatching.h"
#include "DaytonaEmulator.h"
#include "EmulatorFixture.h"
#include "core/Failure.h"
#include "sandbox/daytona/DaytonaProvider.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace std::chrono_literals;
using forge::DaytonaProvider;
using forge::Failure;
using forge::OutputChannel;
using forge::test::EmulatorFixture;

namespace {

constexpr auto ApiKey = "workspace-changes-test-key";

template<typename T>
forge::test::Caught<Failure, T> await(QCoro::Task<T> task)
{
    return forge::test::awaitCatching<Failure>(std::move(task));
}

// A tar of `files` (path -> content) with a member for each folder, as git archive makes them.
QByteArray tarOf(const QList<std::pair<QString, QByteArray>>& files)
{
    QTemporaryDir staging;
    QStringList members;
    for (const auto& [path, content] : files) {
        QDir().mkpath(QFileInfo(staging.filePath(path)).path());
        QFile file(staging.filePath(path));
        if (!file.open(QIODevice::WriteOnly) || file.write(content) != content.size())
            return {};
        const QStringList parts = path.split(u'/');
        for (qsizetype i = 1; i < parts.size(); ++i) {
            if (const QString folder = parts.mid(0, i).join(u'/'); !members.contains(folder))
                members.append(folder);
        }
        members.append(path);
    }
    QProcess tar;
    tar.start(u"tar"_s,
              QStringList{u"-c"_s, u"-f"_s, u"-"_s, u"-C"_s, staging.path(), u"--no-recursion"_s, u"--"_s} +
                  members);
    if (!tar.waitForFinished(30'000) || tar.exitStatus() != QProcess::NormalExit || tar.exitCode() != 0)
        return {};
    return tar.readAllStandardOutput();
}

QByteArray readFile(const QString& path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray("<missing>");
}

bool writeFile(const QString& path, const QByteArray& content)
{
    QDir().mkpath(QFileInfo(path).path());
    QFile file(path);
    return file.open(QIODevice::WriteOnly) && file.write(content) == content.size();
}

} // namespace

class TestDaytonaWorkspaceChanges : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init()
    {
        const QString started = m_emulator.start(QString::fromLatin1(ApiKey));
        QVERIFY2(started.isEmpty(), qPrintable(started));
    }
    void cleanup() { m_emulator.stop(); }

    void appliesAnArchiveAndADeletion();
    void aPathOutsideTheProjectIsRefusedBeforeAnyRequest();

private:
    std::unique_ptr<DaytonaProvider> provider()
    {
        forge::daytona::DaytonaConfig config;
        config.apiKey = QString::fromLatin1(ApiKey);
        config.apiUrl = m_emulator->apiUrl();
        config.requestTimeout = 20s;
        auto daytona = std::make_unique<DaytonaProvider>(config, forge::DaytonaSandboxOptions{});
        daytona->setLogPollInterval(100ms);
        return daytona;
    }
    // A started sandbox; its project folder (what a clone leaves) on this machine.
    QString newSandbox(DaytonaProvider& daytona, const QString& name, QString* project)
    {
        const auto sandbox = await(daytona.createSandbox({name, {{u"forge.project"_s, name}}}));
        if (!sandbox.value)
            return {};
        *project = m_emulator->provider().workspacePath(m_emulator->localSandboxName(sandbox.value->id)) +
                   u"/project"_s;
        return QDir().mkpath(*project) ? sandbox.value->id : QString();
    }

    EmulatorFixture m_emulator;
};

void TestDaytonaWorkspaceChanges::appliesAnArchiveAndADeletion()
{
    auto daytona = provider();
    QString project;
    const QString id = newSandbox(*daytona, u"forge-update-apply-1"_s, &project);
    QVERIFY(!id.isEmpty());
    QVERIFY(writeFile(project + u"/README.md"_s, "old readme\n"));
    QVERIFY(writeFile(project + u"/src/App.jsx"_s, "old app\n"));
    QVERIFY(writeFile(project + u"/src/gone.js"_s, "gone\n"));
    QVERIFY(writeFile(project + u"/kept.txt"_s, "kept\n"));
    m_emulator->clearRequests();

    const QByteArray archive = tarOf({{u"README.md"_s, "new readme\n"},
                                      {u"src/App.jsx"_s, "new app\n"},
                                      {u"src/pages/New.jsx"_s, "new\n"}});
    QVERIFY(!archive.isEmpty());
    QByteArray output;
    const auto result = await(daytona->applyWorkspaceChanges(
        id, archive, {u"src/gone.js"_s}, [&](OutputChannel, const QByteArray& bytes) { output += bytes; }));
    QVERIFY2(result.value, qPrintable(result.describe()));
    QVERIFY2(result.value->succeeded(), output.constData());

    QCOMPARE(readFile(project + u"/README.md"_s), "new readme\n");
    QCOMPARE(readFile(project + u"/src/App.jsx"_s), "new app\n");
    QCOMPARE(readFile(project + u"/src/pages/New.jsx"_s), "new\n");
    QCOMPARE(readFile(project + u"/kept.txt"_s), "kept\n");
    QVERIFY(!QFileInfo::exists(project + u"/src/gone.js"_s));
    const QStringList left = QDir(project).entryList({u".forge-update-*"_s}, QDir::AllEntries | QDir::Hidden);
    QVERIFY2(left.isEmpty(), qPrintable(left.join(u", "_s)));

    // One upload, of the archive, and nothing more than the commands' session calls.
    int uploads = 0;
    for (const auto& recorded : m_emulator->requests()) {
        if (recorded.method == "POST" && recorded.path().endsWith("/files/bulk-upload")) {
            ++uploads;
            QVERIFY(recorded.body.contains(archive));
        }
    }
    QCOMPARE(uploads, 1);
}

void TestDaytonaWorkspaceChanges::aPathOutsideTheProjectIsRefusedBeforeAnyRequest()
{
    auto daytona = provider();
    QString project;
    const QString id = newSandbox(*daytona, u"forge-update-refuse-1"_s, &project);
    QVERIFY(!id.isEmpty());
    QVERIFY(writeFile(project + u"/a.js"_s, "a\n"));
    m_emulator->clearRequests();
    const auto refused = await(daytona->applyWorkspaceChanges(id, tarOf({{u"new.js"_s, "new\n"}}),
                                                              {u"a.js"_s, u"../outside"_s}, {}));
    QVERIFY(refused.error);
    QVERIFY2(refused.error->message().contains(u"../outside"_s), qPrintable(refused.error->message()));
    QVERIFY(QFileInfo::exists(project + u"/a.js"_s));
    QVERIFY(!QFileInfo::exists(project + u"/new.js"_s));
    for (const auto& recorded : m_emulator->requests())
        QVERIFY2(!recorded.path().contains("/process/") && !recorded.path().contains("/files"),
                 recorded.target.constData());
}

QTEST_GUILESS_MAIN(TestDaytonaWorkspaceChanges)
#include "tst_daytonaworkspacechanges.moc"
