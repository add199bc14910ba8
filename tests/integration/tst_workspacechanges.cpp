// Issue 21: a pull request preview brought up to date in place (SandboxProvider::applyWorkspaceChanges)
// on the local back end, with real tar, rm and bubblewrap. The workspace is the repository code's
// once it has run: a link it planted must not lead the update's writes out of the sandbox, nor a
// link at the archive's name lead the archive's own write anywhere.
#include "AwaitCatching.h"
#include "ProcessTree.h"
#include "core/Failure.h"
#include "sandbox/LocalProvider.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>
#include <csignal>
#include <optional>

using namespace forge;
using namespace Qt::StringLiterals;
using namespace std::chrono_literals;

namespace {

template<typename T>
test::Caught<Failure, T> await(QCoro::Task<T> task)
{
    return test::awaitCatching<Failure>(std::move(task));
}

std::optional<Failure> awaitVoid(QCoro::Task<> task)
{
    return test::awaitCatchingVoid<Failure>(std::move(task));
}

// SandboxProvider::writeWorkspaceFile is protected and LocalProvider is final. A pointer to the
// member named through a subclass of SandboxProvider (which C++ allows a subclass) calls the
// provider's own override, so the production class needs no hook for the test.
class WorkspaceFileAccess : public SandboxProvider
{
public:
    static QCoro::Task<> write(SandboxProvider& provider, QString id, QString name, QByteArray content)
    {
        constexpr auto member = &WorkspaceFileAccess::writeWorkspaceFile;
        return (provider.*member)(std::move(id), std::move(name), std::move(content));
    }
};

// Records the commands the default applyWorkspaceChanges() runs and the file it writes, and fails
// the commands whose program is in `failing`.
class RecordingProvider : public SandboxProvider
{
public:
    QList<QStringList> commands;
    QMap<QString, QByteArray> written;
    QStringList failing;

    QString kind() const override { return u"recording"_s; }
    QCoro::Task<std::optional<SandboxInfo>> findSandbox(QMap<QString, QString>) override
    {
        co_return std::nullopt;
    }
    QCoro::Task<SandboxInfo> createSandbox(SandboxSpec spec) override
    {
        co_return SandboxInfo{spec.name, spec.name, spec.labels, SandboxState::Started};
    }
    QCoro::Task<SandboxInfo> getSandbox(QString id) override
    {
        co_return SandboxInfo{id, id, {}, SandboxState::Started};
    }
    QCoro::Task<> startSandbox(QString) override { co_return; }
    QCoro::Task<> stopSandbox(QString) override { co_return; }
    QCoro::Task<> deleteSandbox(QString) override { co_return; }
    QCoro::Task<CommandResult> cloneRepository(QString, CloneSpec, OutputSink) override
    {
        co_return CommandResult{0};
    }
    QCoro::Task<ProjectSnapshot> snapshotProject(QString, QString) override { co_return ProjectSnapshot{}; }
    QCoro::Task<CommandResult> runCommand(QString, CommandSpec spec, OutputSink sink) override
    {
        commands.append(spec.argv);
        if (!spec.workingDirectory.isEmpty())
            throw Failure::permanent(u"not at the workspace root: "_s + spec.workingDirectory);
        if (failing.contains(spec.argv.value(0))) {
            if (sink)
                sink(OutputChannel::Stderr, spec.argv.value(0).toUtf8() + ": failed\n");
            co_return CommandResult{2};
        }
        co_return CommandResult{0};
    }
    QCoro::Task<std::unique_ptr<BackgroundProcess>> startBackground(QString, CommandSpec) override
    {
        co_return std::unique_ptr<BackgroundProcess>{};
    }
    QCoro::Task<int> allocatePort(QString, int preferred) override { co_return preferred; }
    QCoro::Task<PreviewEndpoint> previewEndpoint(QString, int) override { co_return PreviewEndpoint{}; }

protected:
    QCoro::Task<> writeWorkspaceFile(QString, QString name, QByteArray content) override
    {
        written.insert(name, content);
        co_return;
    }
};

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

// A tar of `files` (path -> content), made by tar from real files. With `folders`, every folder on
// the way is a member of its own before its files, as in git archive's output.
QByteArray tarOf(const QList<std::pair<QString, QByteArray>>& files, bool folders = true)
{
    QTemporaryDir staging;
    QStringList members;
    for (const auto& [path, content] : files) {
        const QString full = staging.filePath(path);
        QDir().mkpath(QFileInfo(full).path());
        QFile file(full);
        if (!file.open(QIODevice::WriteOnly) || file.write(content) != content.size())
            return {};
        if (folders) {
            const QStringList parts = path.split(u'/');
            for (qsizetype i = 1; i < parts.size(); ++i) {
                const QString folder = parts.mid(0, i).join(u'/');
                if (!members.contains(folder))
                    members.append(folder);
            }
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

// Every entry below `folder` with its content (a link: where it points), to compare byte for byte.
QMap<QString, QByteArray> contentsOf(const QString& folder)
{
    QMap<QString, QByteArray> contents;
    QDirIterator it(folder, QDir::AllEntries | QDir::Hidden | QDir::System | QDir::NoDotAndDotDot,
                    QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QFileInfo info(it.next());
        const QString relative = QDir(folder).relativeFilePath(info.filePath());
        if (info.isSymLink()) {
            contents.insert(relative, "link to " + info.symLinkTarget().toUtf8());
        } else if (info.isDir()) {
            contents.insert(relative, "folder");
        } else {
            QFile file(info.filePath());
            contents.insert(relative, file.open(QIODevice::ReadOnly) ? file.readAll() : "unreadable");
        }
    }
    return contents;
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

// The archives the updates left at the workspace root (none, once an update has finished).
QStringList leftArchives(const QString& workspace)
{
    return QDir(workspace).entryList({u".forge-update-*"_s}, QDir::AllEntries | QDir::Hidden | QDir::System);
}

} // namespace

class TestWorkspaceChanges : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<QTemporaryDir> m_data;
    std::unique_ptr<LocalProvider> m_provider;

    LocalProvider& provider(bool isolated)
    {
        m_provider = std::make_unique<LocalProvider>(LocalProvider::Options{
            m_data->path(),
            isolated ? LocalProvider::Isolation::Bubblewrap : LocalProvider::Isolation::None,
            {}});
        return *m_provider;
    }

    QString sandbox(LocalProvider& p, const QString& name = u"forge-update-1"_s)
    {
        const auto created = await(p.createSandbox({name, {{u"forge.project"_s, name}}}));
        return created.value ? created.value->id : QString();
    }

    static void addIsolationRows()
    {
        QTest::addColumn<bool>("isolated");
        QTest::newRow("plain") << false;
        QTest::newRow("bubblewrap") << true;
    }

#define ISOLATED_OR_SKIP()                                                                                   \
    QFETCH(bool, isolated);                                                                                  \
    do {                                                                                                     \
        if (isolated && !bubblewrapProblem().isEmpty())                                                      \
            QSKIP(qPrintable(u"bubblewrap does not work here: "_s + bubblewrapProblem()));                   \
    } while (false)

private Q_SLOTS:
    void init()
    {
        m_provider.reset();
        m_data = std::make_unique<QTemporaryDir>();
        QVERIFY(m_data->isValid());
    }

    void cleanup()
    {
        m_provider.reset();
        m_data.reset();
    }

    // ---- the default implementation, on a provider that only records ----

    void theDefaultUnpacksRemovesAndCleansUpInOrder()
    {
        RecordingProvider p;
        QByteArray out;
        const auto result =
            await(p.applyWorkspaceChanges(u"s"_s, "archive bytes", {u"a.js"_s, u"-b.js"_s},
                                          [&](OutputChannel, const QByteArray& bytes) { out += bytes; }));
        QVERIFY2(result.value, qPrintable(result.describe()));
        QVERIFY(result.value->succeeded());
        QCOMPARE(p.written.size(), 1);
        const QString name = p.written.firstKey();
        QVERIFY2(QRegularExpression(u"^\\.forge-update-[0-9a-f]{32}\\.tar$"_s).match(name).hasMatch(),
                 qPrintable(name));
        QCOMPARE(p.written.value(name), "archive bytes");
        QCOMPARE(p.commands.size(), 3);
        const QStringList tar = p.commands.at(0);
        QCOMPARE(tar.mid(0, 4), (QStringList{u"tar"_s, u"-x"_s, u"-f"_s, name}));
        QVERIFY(tar.contains(u"--no-same-owner"_s));
        QVERIFY(tar.contains(u"-m"_s));
        // Never less careful than tar's defaults.
        for (const QString& loosening : {u"-P"_s, u"--absolute-names"_s, u"--keep-directory-symlink"_s,
                                         u"--overwrite"_s, u"--unlink-first"_s})
            QVERIFY2(!tar.contains(loosening), qPrintable(loosening));
        QCOMPARE(p.commands.at(1), (QStringList{u"rm"_s, u"-f"_s, u"--"_s, name}));
        QCOMPARE(p.commands.at(2), (QStringList{u"rm"_s, u"-f"_s, u"--"_s, u"a.js"_s, u"-b.js"_s}));
        QVERIFY(out.isEmpty());

        // A new name every time.
        QVERIFY(await(p.applyWorkspaceChanges(u"s"_s, "again", {}, {})).value);
        QCOMPARE(p.written.size(), 2);
    }

    void theDefaultRemovesTheArchiveWhenTarFails()
    {
        RecordingProvider p;
        p.failing = QStringList{u"tar"_s};
        QByteArray err;
        const auto result = await(p.applyWorkspaceChanges(
            u"s"_s, "broken", {u"a.js"_s}, [&](OutputChannel channel, const QByteArray& bytes) {
                if (channel == OutputChannel::Stderr)
                    err += bytes;
            }));
        QVERIFY2(result.value, qPrintable(result.describe()));
        QCOMPARE(result.value->exitCode, 2); // tar's, the first that failed
        QCOMPARE(err, "tar: failed\n");
        QCOMPARE(p.commands.size(), 2); // tar, then the archive's removal; no deletions after a failure
        QCOMPARE(p.commands.at(1).mid(0, 3), (QStringList{u"rm"_s, u"-f"_s, u"--"_s}));
        QCOMPARE(p.commands.at(1).value(3), p.written.firstKey());
    }

    void theDefaultSkipsTarForAnEmptyArchiveAndRemovesInChunks()
    {
        RecordingProvider p;
        QStringList deletions;
        for (int i = 0; i < 450; ++i)
            deletions.append(u"src/file %1.js"_s.arg(i));
        const auto result = await(p.applyWorkspaceChanges(u"s"_s, {}, deletions, {}));
        QVERIFY2(result.value, qPrintable(result.describe()));
        QVERIFY(result.value->succeeded());
        QVERIFY(p.written.isEmpty());
        QCOMPARE(p.commands.size(), 3);
        QStringList removed;
        for (const QStringList& command : std::as_const(p.commands)) {
            QCOMPARE(command.mid(0, 3), (QStringList{u"rm"_s, u"-f"_s, u"--"_s}));
            QVERIFY(command.size() - 3 <= 200);
            removed += command.mid(3);
        }
        QCOMPARE(removed, deletions);

        // Nothing to do: nothing runs.
        p.commands.clear();
        const auto nothing = await(p.applyWorkspaceChanges(u"s"_s, {}, {}, {}));
        QVERIFY(nothing.value && nothing.value->succeeded());
        QVERIFY(p.commands.isEmpty());
    }

    // ---- the local back end ----

    void appliesNewChangedAndRemovedFiles_data()
    {
        addIsolationRows();
    }
    void appliesNewChangedAndRemovedFiles()
    {
        ISOLATED_OR_SKIP();
        LocalProvider& p = provider(isolated);
        const QString id = sandbox(p);
        QVERIFY(!id.isEmpty());
        const QString workspace = p.workspacePath(id);
        for (const auto& [path, content] :
             QList<std::pair<QString, QByteArray>>{{u"README.md"_s, "old readme\n"},
                                                   {u"src/App.jsx"_s, "old app\n"},
                                                   {u"src/gone.js"_s, "gone\n"},
                                                   {u"-dash.txt"_s, "an option, were it not for --\n"},
                                                   {u"folder with space/a b.txt"_s, "spaces\n"},
                                                   {u"kept.txt"_s, "kept\n"}})
            QVERIFY(writeFile(workspace + u'/' + path, content));

        const QByteArray archive = tarOf({{u"README.md"_s, "new readme\n"},
                                          {u"src/App.jsx"_s, "new app\n"},
                                          {u"src/components/Deep.jsx"_s, "deep\n"}});
        QVERIFY(!archive.isEmpty());
        QByteArray output;
        const auto result = await(p.applyWorkspaceChanges(
            id, archive, {u"src/gone.js"_s, u"-dash.txt"_s, u"folder with space/a b.txt"_s},
            [&](OutputChannel, const QByteArray& bytes) { output += bytes; }));
        QVERIFY2(result.value, qPrintable(result.describe()));
        QVERIFY2(result.value->succeeded(), output.constData());

        QCOMPARE(readFile(workspace + u"/README.md"_s), "new readme\n");
        QCOMPARE(readFile(workspace + u"/src/App.jsx"_s), "new app\n");
        QCOMPARE(readFile(workspace + u"/src/components/Deep.jsx"_s), "deep\n");
        QCOMPARE(readFile(workspace + u"/kept.txt"_s), "kept\n");
        for (const QString& gone : {u"src/gone.js"_s, u"-dash.txt"_s, u"folder with space/a b.txt"_s})
            QVERIFY2(!QFileInfo(workspace + u'/' + gone).exists(), qPrintable(gone));
        QVERIFY2(leftArchives(workspace).isEmpty(), qPrintable(leftArchives(workspace).join(u", "_s)));

        // Only deletions: tar does not run, the files go.
        const auto removed = await(p.applyWorkspaceChanges(id, {}, {u"kept.txt"_s}, {}));
        QVERIFY2(removed.value && removed.value->succeeded(), qPrintable(removed.describe()));
        QVERIFY(!QFileInfo::exists(workspace + u"/kept.txt"_s));
    }

    // Isolated, changes go through one shell kept running in the sandbox (WorkspaceApplier): later
    // batches reuse it, tar's failure comes back as the batch's, a path with a newline goes the
    // one-command way, and a shell that died is started again for the next batch.
    void theSandboxsApplierServesBatchAfterBatch()
    {
        if (!bubblewrapProblem().isEmpty())
            QSKIP(qPrintable(u"bubblewrap does not work here: "_s + bubblewrapProblem()));
        LocalProvider& p = provider(true);
        const QString id = sandbox(p);
        QVERIFY(!id.isEmpty());
        const QString workspace = p.workspacePath(id);
        const auto appliers = [] {
            QList<qint64> found;
            for (const test::ProcessId& process : test::descendantsOf(QCoreApplication::applicationPid())) {
                QFile cmdline(u"/proc/%1/cmdline"_s.arg(process.pid));
                if (cmdline.open(QIODevice::ReadOnly) && cmdline.readAll().contains("forge-applied"))
                    found.append(process.pid);
            }
            return found;
        };
        const auto applied = [&](const QByteArray& archive, const QStringList& deletions) {
            const auto result = await(p.applyWorkspaceChanges(id, archive, deletions, {}));
            return result.value && result.value->succeeded();
        };
        QVERIFY(applied(tarOf({{u"one.txt"_s, "1\n"}}), {}));
        const QList<qint64> first = appliers();
        QVERIFY(!first.isEmpty());
        QVERIFY(applied(tarOf({{u"two.txt"_s, "2\n"}}), {u"one.txt"_s}));
        QCOMPARE(appliers(), first); // the same shell
        QCOMPARE(readFile(workspace + u"/two.txt"_s), "2\n");
        QVERIFY(!QFileInfo::exists(workspace + u"/one.txt"_s));

        QVERIFY(!applied("this is not a tar archive", {})); // tar's status is the batch's
        QVERIFY(leftArchives(workspace).isEmpty());

        QVERIFY(writeFile(workspace + u"/line\nbreak.txt"_s, "x"));
        QVERIFY(applied({}, {u"line\nbreak.txt"_s}));
        QVERIFY(!QFileInfo::exists(workspace + u"/line\nbreak.txt"_s));

        for (const qint64 pid : first)
            ::kill(static_cast<pid_t>(pid), SIGKILL);
        QTRY_VERIFY(appliers().isEmpty());
        // A batch sent as the shell died fails (WorkingCopySync sends it again); then a new one serves.
        QTRY_VERIFY(applied(tarOf({{u"three.txt"_s, "3\n"}}), {}));
        QCOMPARE(readFile(workspace + u"/three.txt"_s), "3\n");
        QVERIFY(!appliers().isEmpty());
        QVERIFY(appliers() != first);
    }

    // The attack: the repository's code replaces src with a link to a folder outside the workspace;
    // the update that writes src/App.jsx must not write there. Isolated, tar runs in the sandbox,
    // where that folder does not exist. (Without isolation tar runs as the user, as the
    // repository's code does: that is what the user chose, so that row is not part of this test.)
    // With a member for the folder, GNU tar itself replaces a link standing in for a folder (unless
    // --keep-directory-symlink, which the update never gives); with files only, tar follows the link
    // on the way, and only the sandbox keeps the write in: a host-side tar writes into the folder.
    void aLinkTheRepositoryPlantedLeadsNowhere_data()
    {
        QTest::addColumn<bool>("folders");
        QTest::newRow("with folder members (git archive)") << true;
        QTest::newRow("files only") << false;
    }
    void aLinkTheRepositoryPlantedLeadsNowhere()
    {
        QFETCH(bool, folders);
        if (!bubblewrapProblem().isEmpty())
            QSKIP(qPrintable(u"bubblewrap does not work here: "_s + bubblewrapProblem()));
        LocalProvider& p = provider(true);
        const QString id = sandbox(p);
        QVERIFY(!id.isEmpty());
        const QString workspace = p.workspacePath(id);
        QVERIFY(writeFile(workspace + u"/src/App.jsx"_s, "old app\n"));

        // First the plain layout: the update works.
        const auto first = await(p.applyWorkspaceChanges(
            id, tarOf({{u"src/App.jsx"_s, "export default 1;\n"}, {u"src/extra.js"_s, "1\n"}}, folders), {},
            {}));
        QVERIFY2(first.value && first.value->succeeded(), qPrintable(first.describe()));
        QCOMPARE(readFile(workspace + u"/src/App.jsx"_s), "export default 1;\n");

        // A folder of the user's, outside the workspace.
        QTemporaryDir own;
        QVERIFY(own.isValid());
        const QString outside = own.filePath(u"precious"_s);
        QVERIFY(writeFile(outside + u"/App.jsx"_s, "the user's own file\n"));
        QVERIFY(writeFile(outside + u"/notes.txt"_s, "notes\n"));
        const QMap<QString, QByteArray> before = contentsOf(outside);

        // The repository's code, in the sandbox, plants the link.
        CommandSpec plant;
        plant.argv = QStringList{u"sh"_s, u"-c"_s, u"rm -rf src && ln -s \"$1\" src"_s, u"sh"_s, outside};
        const auto planted = await(p.runCommand(id, plant, {}));
        QVERIFY2(planted.value && planted.value->succeeded(), qPrintable(planted.describe()));
        QVERIFY(QFileInfo(workspace + u"/src"_s).isSymLink());

        QByteArray output;
        const auto update = await(p.applyWorkspaceChanges(
            id, tarOf({{u"src/App.jsx"_s, "export default 2;\n"}, {u"src/new.js"_s, "2\n"}}, folders),
            {u"src/notes.txt"_s}, [&](OutputChannel, const QByteArray& bytes) { output += bytes; }));
        // tar either fails (the link leads nowhere in the sandbox) or replaces the dangling link with
        // a folder of the workspace: both are fine, as long as nothing outside changed.
        QVERIFY2(update.value, qPrintable(update.describe()));
        QCOMPARE(contentsOf(outside), before);
        QVERIFY2(leftArchives(workspace).isEmpty(), qPrintable(leftArchives(workspace).join(u", "_s)));
    }

    // A link planted at the archive's name (here a fixed one, as if it had been guessed) makes the
    // write fail: it neither follows the link nor replaces it, nor anything else already there.
    void aLinkAtTheArchiveNameIsNotFollowed_data()
    {
        addIsolationRows();
    }
    void aLinkAtTheArchiveNameIsNotFollowed()
    {
        ISOLATED_OR_SKIP();
        LocalProvider& p = provider(isolated);
        const QString id = sandbox(p);
        QVERIFY(!id.isEmpty());
        const QString workspace = p.workspacePath(id);
        QTemporaryDir own;
        QVERIFY(own.isValid());
        QVERIFY(writeFile(own.filePath(u"passwd"_s), "root:x:0:0\n"));
        const QMap<QString, QByteArray> before = contentsOf(own.path());

        // To an existing file, to a file that does not exist yet, and a plain file of the repository.
        QVERIFY(QFile::link(own.filePath(u"passwd"_s), workspace + u"/.forge-update-existing.tar"_s));
        QVERIFY(QFile::link(own.filePath(u"planted"_s), workspace + u"/.forge-update-dangling.tar"_s));
        QVERIFY(writeFile(workspace + u"/.forge-update-file.tar"_s, "the repository's\n"));
        for (const QString& name : {u".forge-update-existing.tar"_s, u".forge-update-dangling.tar"_s,
                                    u".forge-update-file.tar"_s}) {
            const std::optional<Failure> failure =
                awaitVoid(WorkspaceFileAccess::write(p, id, name, "archive bytes"));
            QVERIFY2(failure, qPrintable(name));
            QVERIFY2(failure->message().contains(name), qPrintable(failure->message()));
            QVERIFY(!failure->advice().isEmpty());
        }
        QCOMPARE(contentsOf(own.path()), before);
        QCOMPARE(readFile(workspace + u"/.forge-update-file.tar"_s), "the repository's\n");
        QVERIFY(QFileInfo(workspace + u"/.forge-update-existing.tar"_s).isSymLink());

        // A free name: made afresh, for this user only. A name that is a path is refused.
        QVERIFY(!awaitVoid(WorkspaceFileAccess::write(p, id, u".forge-update-free.tar"_s, "archive bytes")));
        const QFileInfo made(workspace + u"/.forge-update-free.tar"_s);
        QCOMPARE(readFile(made.filePath()), "archive bytes");
        QCOMPARE(made.permissions() & ~(QFileDevice::ReadUser | QFileDevice::WriteUser),
                 QFileDevice::Permissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner));
        for (const QString& name : {u"src/x.tar"_s, u"../x.tar"_s, u""_s, u".."_s})
            QVERIFY2(awaitVoid(WorkspaceFileAccess::write(p, id, name, "x")), qPrintable(name));
        QVERIFY(!QFileInfo::exists(m_data->filePath(u"sandboxes/"_s + id + u"/x.tar"_s)));
    }

    // A path that leaves the workspace refuses the whole update before anything runs or is written.
    void pathsOutsideTheWorkspaceAreRefused_data()
    {
        QTest::addColumn<QString>("path");
        QTest::newRow("parent") << u"../outside.txt"_s;
        QTest::newRow("inner parent") << u"src/../../outside.txt"_s;
        QTest::newRow("trailing parent") << u"src/.."_s;
        QTest::newRow("absolute") << u"/etc/passwd"_s;
        QTest::newRow("empty") << QString();
        QTest::newRow("root") << u"./"_s;
    }
    void pathsOutsideTheWorkspaceAreRefused()
    {
        QFETCH(QString, path);
        RecordingProvider recording;
        const auto refused = await(recording.applyWorkspaceChanges(u"s"_s, "archive", {u"a.js"_s, path}, {}));
        QVERIFY(refused.error);
        QVERIFY2(refused.error->message().contains(u"“%1”"_s.arg(path)),
                 qPrintable(refused.error->message()));
        QVERIFY(!refused.error->isTransient());
        QVERIFY(recording.commands.isEmpty());
        QVERIFY(recording.written.isEmpty());

        // The same on the local back end: the archive's file is not unpacked, a.js stays.
        LocalProvider& p = provider(false);
        const QString id = sandbox(p);
        QVERIFY(!id.isEmpty());
        const QString workspace = p.workspacePath(id);
        QVERIFY(writeFile(workspace + u"/a.js"_s, "a\n"));
        const auto local =
            await(p.applyWorkspaceChanges(id, tarOf({{u"new.js"_s, "new\n"}}), {u"a.js"_s, path}, {}));
        QVERIFY(local.error);
        QVERIFY(QFileInfo::exists(workspace + u"/a.js"_s));
        QVERIFY(!QFileInfo::exists(workspace + u"/new.js"_s));
        QVERIFY(leftArchives(workspace).isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestWorkspaceChanges)
#include "tst_workspacechanges.moc"
