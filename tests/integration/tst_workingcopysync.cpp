// Issue 22: a local folder's working copy (tracked and untracked-but-not-ignored files as they are
// on disk) copied into a sandbox and kept in sync (WorkingCopySync), on the local back end with
// bubblewrap and on the Daytona emulator: what the first sync brings and leaves home, an edit, a new
// file, a deletion and a rename arriving, links out of the folder not followed, a failed batch
// retried without losing the edit, and the folder left byte for byte as it was whatever the
// sandbox's code does.

#include "AwaitCatching.h"
#include "EmulatorFixture.h"
#include "core/Failure.h"
#include "sandbox/LocalProvider.h"
#include "sandbox/daytona/DaytonaProvider.h"
#include "workflow/WorkingCopyFiles.h"
#include "workflow/WorkingCopySync.h"

#include <QCryptographicHash>
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <optional>
#include <sys/stat.h>

using namespace forge;
using namespace Qt::StringLiterals;
using namespace std::chrono_literals;
using forge::test::EmulatorFixture;

namespace {

constexpr auto ApiKey = "working-copy-sync-test-key";
constexpr int ArrivalMs = 15'000;

template<typename T>
test::Caught<Failure, T> await(QCoro::Task<T> task)
{
    return test::awaitCatching<Failure>(std::move(task));
}

std::optional<Failure> awaitVoid(QCoro::Task<> task)
{
    return test::awaitCatchingVoid<Failure>(std::move(task));
}

std::optional<QString> bwrapProblem; // set once: empty = works
QString bubblewrapProblem()
{
    if (!bwrapProblem) {
        QTemporaryDir data;
        LocalProvider provider({data.path(), LocalProvider::Isolation::Bubblewrap, {}});
        const auto info = await(provider.createSandbox({u"probe"_s, {}}));
        CommandSpec spec;
        spec.argv = QStringList{u"true"_s};
        const auto ran = info.value ? await(provider.runCommand(info.value->id, spec, {}))
                                    : test::Caught<Failure, CommandResult>{{}, info.error};
        bwrapProblem = ran.error ? ran.error->message() : QString();
    }
    return *bwrapProblem;
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
    return file.open(QIODevice::WriteOnly | QIODevice::Truncate) && file.write(content) == content.size();
}

// As an editor that saves safely: a new file, renamed over the old one.
bool replaceFile(const QString& path, const QByteArray& content)
{
    const QString temporary = path + u".forge-test-tmp"_s;
    return writeFile(temporary, content) &&
           ::rename(QFile::encodeName(temporary).constData(), QFile::encodeName(path).constData()) == 0;
}

bool git(const QString& folder, const QStringList& arguments)
{
    QProcess process;
    process.setWorkingDirectory(folder);
    process.start(u"git"_s,
                  QStringList{u"-c"_s, u"user.name=Test"_s, u"-c"_s, u"user.email=test@example.com"_s,
                              u"-c"_s, u"init.defaultBranch=main"_s, u"-c"_s, u"commit.gpgsign=false"_s} +
                      arguments);
    return process.waitForFinished(60'000) && process.exitStatus() == QProcess::NormalExit &&
           process.exitCode() == 0;
}

// Every entry below `folder`: its kind, mode and content (a link: where it points), hashed, to see
// that nothing changed, byte for byte.
QMap<QString, QByteArray> treeOf(const QString& folder)
{
    QMap<QString, QByteArray> tree;
    QDirIterator it(folder, QDir::AllEntries | QDir::Hidden | QDir::System | QDir::NoDotAndDotDot,
                    QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QFileInfo info(it.next());
        const QString relative = QDir(folder).relativeFilePath(info.filePath());
        struct stat status
        {
        };
        ::lstat(QFile::encodeName(info.filePath()).constData(), &status);
        const QByteArray mode = QByteArray::number(status.st_mode, 8);
        if (info.isSymLink()) {
            tree.insert(relative, "link " + mode + " " + info.symLinkTarget().toUtf8());
        } else if (info.isDir()) {
            tree.insert(relative, "folder " + mode);
        } else {
            QFile file(info.filePath());
            const QByteArray content = file.open(QIODevice::ReadOnly) ? file.readAll() : "unreadable";
            tree.insert(relative, "file " + mode + " " +
                                      QCryptographicHash::hash(content, QCryptographicHash::Sha256).toHex());
        }
    }
    return tree;
}

// The files (and links) below `folder`, relative, without the sandbox's own dot folders.
QStringList filesIn(const QString& folder)
{
    QStringList files;
    QDirIterator it(folder, QDir::Files | QDir::Hidden | QDir::System | QDir::NoDotAndDotDot,
                    QDirIterator::Subdirectories);
    while (it.hasNext())
        files.append(QDir(folder).relativeFilePath(it.next()));
    files.sort();
    return files;
}

// A repository with committed files, an uncommitted edit, an untracked file, ignored files,
// node_modules, and a tracked file deleted on disk.
bool makeRepository(const QString& folder)
{
    bool ok = writeFile(folder + u"/package.json"_s, "{\"name\": \"fixture\"}\n") &&
              writeFile(folder + u"/src/App.jsx"_s, "committed app\n") &&
              writeFile(folder + u"/src/deleted.js"_s, "deleted on disk\n") &&
              writeFile(folder + u"/-dash.txt"_s, "a name like an option\n") &&
              writeFile(folder + u"/folder with space/a b.txt"_s, "spaces\n") &&
              writeFile(folder + u"/.gitignore"_s, "*.log\ndist/\n") && git(folder, {u"init"_s, u"-q"_s}) &&
              git(folder, {u"add"_s, u"-A"_s}) && git(folder, {u"commit"_s, u"-q"_s, u"-m"_s, u"first"_s});
    ok = ok && writeFile(folder + u"/src/App.jsx"_s, "uncommitted edit\n") &&
         writeFile(folder + u"/src/untracked.js"_s, "untracked\n") &&
         writeFile(folder + u"/debug.log"_s, "ignored\n") &&
         writeFile(folder + u"/dist/bundle.js"_s, "ignored\n") &&
         writeFile(folder + u"/node_modules/left/index.js"_s, "stays home\n") &&
         QFile::remove(folder + u"/src/deleted.js"_s);
    return ok;
}

const QStringList ExpectedFirstSync{u"-dash.txt"_s,    u".gitignore"_s,  u"folder with space/a b.txt"_s,
                                    u"package.json"_s, u"src/App.jsx"_s, u"src/untracked.js"_s};

// SandboxProvider with the local back end behind it whose applyWorkspaceChanges() fails while
// `failing` is above zero, as a sandbox out of reach would.
class FlakyProvider : public SandboxProvider
{
public:
    explicit FlakyProvider(SandboxProvider& real)
        : m_real(real)
    {}
    int failing = 0;
    int calls = 0;

    QString kind() const override { return m_real.kind(); }
    QCoro::Task<std::optional<SandboxInfo>> findSandbox(QMap<QString, QString> labels) override
    {
        return m_real.findSandbox(std::move(labels));
    }
    QCoro::Task<SandboxInfo> createSandbox(SandboxSpec spec) override { return m_real.createSandbox(spec); }
    QCoro::Task<SandboxInfo> getSandbox(QString id) override { return m_real.getSandbox(std::move(id)); }
    QCoro::Task<> startSandbox(QString id) override { return m_real.startSandbox(std::move(id)); }
    QCoro::Task<> stopSandbox(QString id) override { return m_real.stopSandbox(std::move(id)); }
    QCoro::Task<> deleteSandbox(QString id) override { return m_real.deleteSandbox(std::move(id)); }
    QCoro::Task<CommandResult> cloneRepository(QString id, CloneSpec spec, OutputSink sink) override
    {
        return m_real.cloneRepository(std::move(id), std::move(spec), std::move(sink));
    }
    QCoro::Task<ProjectSnapshot> snapshotProject(QString id, QString directory) override
    {
        return m_real.snapshotProject(std::move(id), std::move(directory));
    }
    QCoro::Task<CommandResult> runCommand(QString id, CommandSpec spec, OutputSink sink) override
    {
        return m_real.runCommand(std::move(id), std::move(spec), std::move(sink));
    }
    QCoro::Task<std::unique_ptr<BackgroundProcess>> startBackground(QString id, CommandSpec spec) override
    {
        return m_real.startBackground(std::move(id), std::move(spec));
    }
    QCoro::Task<int> allocatePort(QString id, int preferred) override
    {
        return m_real.allocatePort(std::move(id), preferred);
    }
    QCoro::Task<PreviewEndpoint> previewEndpoint(QString id, int port) override
    {
        return m_real.previewEndpoint(std::move(id), port);
    }
    QCoro::Task<CommandResult> applyWorkspaceChanges(QString id, QByteArray archive, QStringList deletions,
                                                     OutputSink sink) override
    {
        ++calls;
        if (failing > 0) {
            --failing;
            throw Failure::transient(u"The sandbox could not be reached."_s);
        }
        co_return co_await m_real.applyWorkspaceChanges(std::move(id), std::move(archive),
                                                        std::move(deletions), std::move(sink));
    }

private:
    SandboxProvider& m_real;
};

} // namespace

class TestWorkingCopySync : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init()
    {
        m_data = std::make_unique<QTemporaryDir>();
        m_folder = std::make_unique<QTemporaryDir>();
        QVERIFY(m_data->isValid() && m_folder->isValid());
    }
    void cleanup()
    {
        m_provider.reset();
        m_daytona.reset();
        m_emulator.stop();
        m_folder.reset();
        m_data.reset();
    }

    void listsTheWorkingCopy();
    void localFirstSyncBringsTheWorkingCopy();
    void localChangesArrive();
    void localLinksOutOfTheFolderAreNotFollowed();
    void localSandboxCodeNeverWritesTheFolder();
    void aFailedBatchIsRetriedAndTheEditArrives();
    void daytonaFirstSyncAndChanges();
    void daytonaFirstSyncOf5000FilesIsOneUpload();

private:
    // A started local sandbox with bubblewrap; its workspace on this machine.
    QString localSandbox(QString* workspace)
    {
        m_provider = std::make_unique<LocalProvider>(
            LocalProvider::Options{m_data->path(), LocalProvider::Isolation::Bubblewrap, {}});
        const auto created =
            await(m_provider->createSandbox({u"forge-wc-1"_s, {{u"forge.project"_s, u"wc"_s}}}));
        if (!created.value)
            return {};
        *workspace = m_provider->workspacePath(created.value->id);
        return created.value->id;
    }

    // A started Daytona sandbox on the emulator; its project folder on this machine (made, as the
    // clone step would).
    QString daytonaSandbox(QString* project)
    {
        const QString started = m_emulator.start(QString::fromLatin1(ApiKey));
        if (!started.isEmpty())
            return {};
        daytona::DaytonaConfig config;
        config.apiKey = QString::fromLatin1(ApiKey);
        config.apiUrl = m_emulator->apiUrl();
        config.requestTimeout = 30s;
        m_daytona = std::make_unique<DaytonaProvider>(config, DaytonaSandboxOptions{});
        m_daytona->setLogPollInterval(100ms);
        const auto sandbox =
            await(m_daytona->createSandbox({u"forge-wc-daytona"_s, {{u"forge.project"_s, u"wc"_s}}}));
        if (!sandbox.value)
            return {};
        *project = m_emulator->provider().workspacePath(m_emulator->localSandboxName(sandbox.value->id)) +
                   u"/project"_s;
        return QDir().mkpath(*project) ? sandbox.value->id : QString();
    }

    int bulkUploads() const
    {
        int uploads = 0;
        for (const auto& recorded : m_emulator->requests()) {
            if (recorded.method == "POST" && recorded.path().endsWith("/files/bulk-upload"))
                ++uploads;
        }
        return uploads;
    }

    // The edit, new file, deletion, rename, editor's replace, new folder and ignored file, each
    // awaited in the sandbox's copy at `copy`.
    void changesArrive(WorkingCopySync& sync, const QString& copy)
    {
        const QString folder = m_folder->path();
        QSignalSpy batches(&sync, &WorkingCopySync::batchSent);
        QSignalSpy states(&sync, &WorkingCopySync::stateChanged);
        sync.start();

        QVERIFY(writeFile(folder + u"/src/App.jsx"_s, "edited in place\n"));
        QTRY_COMPARE_WITH_TIMEOUT(readFile(copy + u"/src/App.jsx"_s), QByteArray("edited in place\n"),
                                  ArrivalMs);
        QTRY_VERIFY_WITH_TIMEOUT(!batches.isEmpty(), ArrivalMs);
        QVERIFY(batches.first().at(0).toStringList().contains(u"src/App.jsx"_s));
        QTRY_COMPARE_WITH_TIMEOUT(sync.state().kind, WorkingCopySyncState::Kind::Synced, ArrivalMs);
        bool sawSyncing = false;
        for (const auto& arguments : std::as_const(states))
            sawSyncing |=
                arguments.at(0).value<WorkingCopySyncState>().kind == WorkingCopySyncState::Kind::Syncing;
        QVERIFY(sawSyncing);

        QVERIFY(writeFile(folder + u"/src/components/New.jsx"_s, "a new file in a new folder\n"));
        QTRY_COMPARE_WITH_TIMEOUT(readFile(copy + u"/src/components/New.jsx"_s),
                                  QByteArray("a new file in a new folder\n"), ArrivalMs);

        QVERIFY(QFile::remove(folder + u"/src/untracked.js"_s));
        QTRY_VERIFY_WITH_TIMEOUT(!QFileInfo::exists(copy + u"/src/untracked.js"_s), ArrivalMs);

        QVERIFY(QFile::rename(folder + u"/package.json"_s, folder + u"/renamed.json"_s));
        QTRY_COMPARE_WITH_TIMEOUT(readFile(copy + u"/renamed.json"_s),
                                  QByteArray("{\"name\": \"fixture\"}\n"), ArrivalMs);
        QTRY_VERIFY_WITH_TIMEOUT(!QFileInfo::exists(copy + u"/package.json"_s), ArrivalMs);

        QVERIFY(replaceFile(folder + u"/src/App.jsx"_s, "saved by an editor that replaces\n"));
        QTRY_COMPARE_WITH_TIMEOUT(readFile(copy + u"/src/App.jsx"_s),
                                  QByteArray("saved by an editor that replaces\n"), ArrivalMs);
        // The replaced file is watched again: an edit in place after it arrives too.
        QVERIFY(writeFile(folder + u"/src/App.jsx"_s, "and edited again\n"));
        QTRY_COMPARE_WITH_TIMEOUT(readFile(copy + u"/src/App.jsx"_s), QByteArray("and edited again\n"),
                                  ArrivalMs);

        // An ignored file, then an edit beside it: the edit arrives, the ignored file never does.
        QVERIFY(writeFile(folder + u"/src/later.log"_s, "ignored\n"));
        QVERIFY(writeFile(folder + u"/node_modules/left/later.js"_s, "stays home\n"));
        QVERIFY(writeFile(folder + u"/src/components/New.jsx"_s, "after the ignored file\n"));
        QTRY_COMPARE_WITH_TIMEOUT(readFile(copy + u"/src/components/New.jsx"_s),
                                  QByteArray("after the ignored file\n"), ArrivalMs);
        // .gitignore edited: what it no longer ignores arrives.
        QVERIFY(writeFile(folder + u"/.gitignore"_s, "dist/\n"));
        QTRY_COMPARE_WITH_TIMEOUT(readFile(copy + u"/src/later.log"_s), QByteArray("ignored\n"), ArrivalMs);
        QVERIFY(!QFileInfo::exists(copy + u"/dist/bundle.js"_s));
        QVERIFY(!QFileInfo::exists(copy + u"/node_modules/left/later.js"_s));
        QVERIFY(!QFileInfo::exists(copy + u"/.git"_s));
        QTRY_COMPARE_WITH_TIMEOUT(sync.state().kind, WorkingCopySyncState::Kind::Synced, ArrivalMs);
        sync.stop();
    }

    std::unique_ptr<QTemporaryDir> m_data;
    std::unique_ptr<QTemporaryDir> m_folder;
    std::unique_ptr<LocalProvider> m_provider;
    std::unique_ptr<DaytonaProvider> m_daytona;
    EmulatorFixture m_emulator;
};

void TestWorkingCopySync::listsTheWorkingCopy()
{
    const QString folder = m_folder->path();
    QVERIFY(makeRepository(folder));
    QVERIFY(writeFile(folder + u"/big.bin"_s, QByteArray(2048, 'x')));
    QVERIFY(QFile::link(u"src/App.jsx"_s, folder + u"/inside-link.jsx"_s));
    const WorkingCopyFiles files(folder, 1024);
    const auto listed = await(files.list());
    QVERIFY2(listed.value, qPrintable(listed.describe()));
    QVERIFY(listed.value->fromGit);
    QStringList expected = ExpectedFirstSync + QStringList{u"inside-link.jsx"_s};
    expected.sort();
    QStringList paths = listed.value->files.keys();
    paths.sort();
    QCOMPARE(paths, expected);
    QCOMPARE(listed.value->files.value(u"inside-link.jsx"_s).kind, WorkingCopyEntry::Kind::Link);
    QVERIFY2(listed.value->skipped.join(u'\n').contains(u"big.bin is"_s),
             qPrintable(listed.value->skipped.join(u'\n')));

    // Outside git: a walk, without .git and node_modules, ignored files included.
    QVERIFY(QDir(folder + u"/.git"_s).removeRecursively());
    const auto walked = await(files.list());
    QVERIFY2(walked.value, qPrintable(walked.describe()));
    QVERIFY(!walked.value->fromGit);
    QVERIFY(walked.value->files.contains(u"debug.log"_s));
    QVERIFY(walked.value->files.contains(u"dist/bundle.js"_s));
    QVERIFY(!walked.value->files.contains(u"node_modules/left/index.js"_s));
    QVERIFY(!walked.value->files.contains(u"big.bin"_s));

    // The diff: a rename is a removal and an addition.
    WorkingCopySnapshot before = walked.value->files;
    WorkingCopySnapshot after = before;
    after.insert(u"moved.json"_s, after.take(u"package.json"_s));
    after[u"src/App.jsx"_s].size += 1;
    const WorkingCopyDiff diff = WorkingCopyDiff::between(before, after);
    QCOMPARE(diff.added, QStringList{u"moved.json"_s});
    QCOMPARE(diff.changed, QStringList{u"src/App.jsx"_s});
    QCOMPARE(diff.removed, QStringList{u"package.json"_s});
}

void TestWorkingCopySync::localFirstSyncBringsTheWorkingCopy()
{
    if (!bubblewrapProblem().isEmpty())
        QSKIP(qPrintable(u"bubblewrap does not work here: "_s + bubblewrapProblem()));
    QVERIFY(makeRepository(m_folder->path()));
    QString workspace;
    const QString id = localSandbox(&workspace);
    QVERIFY(!id.isEmpty());
    WorkingCopySync sync(*m_provider, id, m_folder->path());
    QByteArray log;
    const auto failure =
        awaitVoid(sync.initialSync([&](OutputChannel, const QByteArray& bytes) { log += bytes; }));
    QVERIFY2(!failure, qPrintable(failure ? failure->message() : QString()));
    QCOMPARE(filesIn(workspace), ExpectedFirstSync);
    QCOMPARE(readFile(workspace + u"/src/App.jsx"_s), "uncommitted edit\n");
    QCOMPARE(sync.state().kind, WorkingCopySyncState::Kind::Synced);
    QVERIFY2(log.contains("Copied 6 files"), log.constData());
    QCOMPARE(sync.syncedFileCount(), 6);
}

void TestWorkingCopySync::localChangesArrive()
{
    if (!bubblewrapProblem().isEmpty())
        QSKIP(qPrintable(u"bubblewrap does not work here: "_s + bubblewrapProblem()));
    QVERIFY(makeRepository(m_folder->path()));
    QString workspace;
    const QString id = localSandbox(&workspace);
    QVERIFY(!id.isEmpty());
    WorkingCopySync sync(*m_provider, id, m_folder->path());
    QVERIFY(!awaitVoid(sync.initialSync({})));
    changesArrive(sync, workspace);
}

void TestWorkingCopySync::localLinksOutOfTheFolderAreNotFollowed()
{
    if (!bubblewrapProblem().isEmpty())
        QSKIP(qPrintable(u"bubblewrap does not work here: "_s + bubblewrapProblem()));
    const QString folder = m_folder->path();
    QVERIFY(makeRepository(folder));
    QVERIFY(QFile::link(QDir::homePath(), folder + u"/home"_s));
    QVERIFY(QFile::link(u"../.."_s, folder + u"/src/up"_s));
    QVERIFY(QFile::link(u"App.jsx"_s, folder + u"/src/inside.jsx"_s));
    QString workspace;
    const QString id = localSandbox(&workspace);
    QVERIFY(!id.isEmpty());
    WorkingCopySync sync(*m_provider, id, folder);
    QSignalSpy notices(&sync, &WorkingCopySync::notice);
    QVERIFY(!awaitVoid(sync.initialSync({})));
    QVERIFY(!QFileInfo(workspace + u"/home"_s).exists() && !QFileInfo(workspace + u"/home"_s).isSymLink());
    QVERIFY(!QFileInfo(workspace + u"/src/up"_s).isSymLink());
    QVERIFY(QFileInfo(workspace + u"/src/inside.jsx"_s).isSymLink());
    QCOMPARE(QFileInfo(workspace + u"/src/inside.jsx"_s).symLinkTarget(),
             QFileInfo(workspace + u"/src/App.jsx"_s).absoluteFilePath());
    QStringList told;
    for (const auto& arguments : std::as_const(notices))
        told.append(arguments.at(0).toString());
    QVERIFY2(told.join(u'\n').contains(u"home is a symbolic link"_s), qPrintable(told.join(u'\n')));
    QVERIFY2(told.join(u'\n').contains(u"src/up is a symbolic link"_s), qPrintable(told.join(u'\n')));

    // A folder turned into a link to the home after the first sync: its files are not read through it.
    sync.start();
    QVERIFY(QDir(folder + u"/folder with space"_s).removeRecursively());
    QVERIFY(QFile::link(QDir::homePath(), folder + u"/folder with space"_s));
    QTRY_VERIFY_WITH_TIMEOUT(!QFileInfo::exists(workspace + u"/folder with space/a b.txt"_s), ArrivalMs);
    QVERIFY(!QFileInfo(workspace + u"/folder with space"_s).isSymLink());
    const QStringList copied = filesIn(workspace);
    for (const QString& path : copied)
        QVERIFY2(!path.startsWith(u"home/"_s) && !path.startsWith(u"folder with space/"_s), qPrintable(path));
}

void TestWorkingCopySync::localSandboxCodeNeverWritesTheFolder()
{
    if (!bubblewrapProblem().isEmpty())
        QSKIP(qPrintable(u"bubblewrap does not work here: "_s + bubblewrapProblem()));
    const QString folder = m_folder->path();
    QVERIFY(makeRepository(folder));
    QString workspace;
    const QString id = localSandbox(&workspace);
    QVERIFY(!id.isEmpty());
    WorkingCopySync sync(*m_provider, id, folder);
    QVERIFY(!awaitVoid(sync.initialSync({})));
    sync.start();
    QTRY_COMPARE_WITH_TIMEOUT(sync.state().kind, WorkingCopySyncState::Kind::Synced, ArrivalMs);
    const QMap<QString, QByteArray> before = treeOf(folder);

    // The repository's code, in the sandbox: rewrites, removes, adds, plants links, and tries the
    // folder's own path on this machine.
    CommandSpec script;
    script.argv = QStringList{
        u"sh"_s, u"-c"_s,
        u"echo pwned > src/App.jsx; rm -f .gitignore; mkdir -p src/evil && echo x > src/evil/x.js; "
        "ln -sf \"$1\" src/back; echo pwned > \"$1/src/App.jsx\" 2>/dev/null; "
        "echo pwned > src/back/package.json 2>/dev/null; true"_s,
        u"sh"_s, folder};
    const auto ran = await(m_provider->runCommand(id, script, {}));
    QVERIFY2(ran.value && ran.value->succeeded(), qPrintable(ran.describe()));
    QCOMPARE(readFile(workspace + u"/src/App.jsx"_s), "pwned\n");

    // A real edit afterwards still arrives, and the sync writes nothing back.
    QVERIFY(writeFile(folder + u"/src/untracked.js"_s, "edited after the script\n"));
    QTRY_COMPARE_WITH_TIMEOUT(readFile(workspace + u"/src/untracked.js"_s),
                              QByteArray("edited after the script\n"), ArrivalMs);
    QTRY_COMPARE_WITH_TIMEOUT(sync.state().kind, WorkingCopySyncState::Kind::Synced, ArrivalMs);
    sync.stop();
    QMap<QString, QByteArray> after = treeOf(folder);
    QMap<QString, QByteArray> expected = before;
    expected.insert(u"src/untracked.js"_s, after.value(u"src/untracked.js"_s));
    QVERIFY(after.value(u"src/untracked.js"_s) != before.value(u"src/untracked.js"_s));
    // Only the test's own edit differs; .git (the index included) is untouched too.
    QCOMPARE(after, expected);
}

void TestWorkingCopySync::aFailedBatchIsRetriedAndTheEditArrives()
{
    if (!bubblewrapProblem().isEmpty())
        QSKIP(qPrintable(u"bubblewrap does not work here: "_s + bubblewrapProblem()));
    const QString folder = m_folder->path();
    QVERIFY(makeRepository(folder));
    QString workspace;
    const QString id = localSandbox(&workspace);
    QVERIFY(!id.isEmpty());
    FlakyProvider flaky(*m_provider);
    WorkingCopySync::Options options;
    options.retryBase = 50ms;
    options.retryCap = 200ms;
    WorkingCopySync sync(flaky, id, folder, options);
    QVERIFY(!awaitVoid(sync.initialSync({})));
    QSignalSpy states(&sync, &WorkingCopySync::stateChanged);
    QSignalSpy notices(&sync, &WorkingCopySync::notice);
    flaky.failing = 3;
    sync.start();
    QVERIFY(writeFile(folder + u"/src/App.jsx"_s, "sent after three failures\n"));
    QTRY_COMPARE_WITH_TIMEOUT(readFile(workspace + u"/src/App.jsx"_s),
                              QByteArray("sent after three failures\n"), ArrivalMs);
    QTRY_COMPARE_WITH_TIMEOUT(sync.state().kind, WorkingCopySyncState::Kind::Synced, ArrivalMs);
    bool pausedOffline = false;
    for (const auto& arguments : std::as_const(states)) {
        const auto state = arguments.at(0).value<WorkingCopySyncState>();
        if (state.kind == WorkingCopySyncState::Kind::Paused) {
            pausedOffline |= state.offline;
            QCOMPARE(state.describe(), u"paused: offline"_s);
        }
    }
    QVERIFY(pausedOffline);
    QCOMPARE(flaky.failing, 0);
    QCOMPARE(notices.size(), 1); // said once, not once per retry
}

void TestWorkingCopySync::daytonaFirstSyncAndChanges()
{
    QVERIFY(makeRepository(m_folder->path()));
    QString project;
    const QString id = daytonaSandbox(&project);
    QVERIFY(!id.isEmpty());
    m_emulator->clearRequests();
    WorkingCopySync sync(*m_daytona, id, m_folder->path());
    const auto failure = awaitVoid(sync.initialSync({}));
    QVERIFY2(!failure, qPrintable(failure ? failure->message() : QString()));
    QCOMPARE(filesIn(project), ExpectedFirstSync);
    QCOMPARE(readFile(project + u"/src/App.jsx"_s), "uncommitted edit\n");
    QCOMPARE(bulkUploads(), 1);
    changesArrive(sync, project);
}

void TestWorkingCopySync::daytonaFirstSyncOf5000FilesIsOneUpload()
{
    const QString folder = m_folder->path();
    for (int i = 0; i < 5000; ++i) {
        QVERIFY(writeFile(folder + u"/src/part%1/file%2.js"_s.arg(i / 100).arg(i),
                          "export const value = %1;\n"_ba.replace("%1", QByteArray::number(i))));
    }
    QVERIFY(git(folder, {u"init"_s, u"-q"_s}));
    QVERIFY(git(folder, {u"add"_s, u"-A"_s}));
    QVERIFY(git(folder, {u"commit"_s, u"-q"_s, u"-m"_s, u"5000 files"_s}));
    QString project;
    const QString id = daytonaSandbox(&project);
    QVERIFY(!id.isEmpty());
    m_emulator->clearRequests();
    WorkingCopySync sync(*m_daytona, id, folder);
    const auto failure = awaitVoid(sync.initialSync({}));
    QVERIFY2(!failure, qPrintable(failure ? failure->message() : QString()));
    QCOMPARE(bulkUploads(), 1);
    QCOMPARE(filesIn(project).size(), 5000);
    QCOMPARE(readFile(project + u"/src/part49/file4999.js"_s), "export const value = 4999;\n");
}

QTEST_GUILESS_MAIN(TestWorkingCopySync)
#include "tst_workingcopysync.moc"
