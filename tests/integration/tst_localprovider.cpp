// LocalProvider against the real machine: folders on disk, real child processes, real bubblewrap
// where it works here. Isolation tests skip (with the reason) where bubblewrap cannot run.
#include "HttpServer.h"
#include "core/Failure.h"
#include "core/SandboxIsolation.h"
#include "sandbox/LocalProcess.h"
#include "sandbox/LocalProvider.h"

#include <QCoroTask>
#include <QDir>
#include <QEventLoop>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLocalServer>
#include <QNetworkInterface>
#include <QProcess>
#include <QRandomGenerator>
#include <QScopeGuard>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>
#include <csignal>
#include <optional>

using namespace forge;
using namespace Qt::StringLiterals;
using namespace std::chrono_literals;

namespace {

// QCoro::waitFor() of QCoro 0.8 never returns when the task throws (the exception stays in an
// inner task and the nested loop is never quit), so the tests wait through this instead, which
// rethrows.
template<typename T>
QCoro::Task<> settle(QCoro::Task<T> task,
                     std::optional<std::conditional_t<std::is_void_v<T>, bool, T>>& result,
                     std::exception_ptr& error, QEventLoop& loop, bool& done)
{
    try {
        if constexpr (std::is_void_v<T>) {
            co_await std::move(task);
            result = true;
        } else {
            result = co_await std::move(task);
        }
    } catch (...) {
        error = std::current_exception();
    }
    done = true;
    loop.quit();
}

template<typename T>
T sync(QCoro::Task<T>&& task)
{
    QEventLoop loop;
    bool done = false;
    std::exception_ptr error;
    std::optional<std::conditional_t<std::is_void_v<T>, bool, T>> result;
    settle(std::move(task), result, error, loop, done);
    if (!done)
        loop.exec();
    if (error)
        std::rethrow_exception(error);
    if constexpr (!std::is_void_v<T>)
        return std::move(*result);
}

template<typename T>
T sync(QCoro::Task<T>& task)
{
    return sync(std::move(task));
}

struct Output
{
    QByteArray out;
    QByteArray err;
    OutputSink sink()
    {
        return [this](OutputChannel channel, const QByteArray& bytes) {
            (channel == OutputChannel::Stdout ? out : err) += bytes;
        };
    }
};

CommandSpec command(QStringList argv, std::chrono::milliseconds timeout = 0ms)
{
    CommandSpec spec;
    spec.argv = std::move(argv);
    spec.timeout = timeout;
    return spec;
}

CommandSpec shell(const QString& script, std::chrono::milliseconds timeout = 0ms)
{
    return command({u"sh"_s, u"-c"_s, script}, timeout);
}

// Living processes (zombies count as dead) whose command line contains `marker`.
QList<qint64> processesWith(const QByteArray& marker)
{
    QList<qint64> result;
    const QList<ProcessStatus> all = ProcessTable::all();
    for (const ProcessStatus& process : all) {
        if (!process.isAlive() || process.pid == QCoreApplication::applicationPid())
            continue;
        QFile file(u"/proc/%1/cmdline"_s.arg(process.pid));
        // The sleep itself, not the shell or bwrap whose script mentions it.
        if (file.open(QIODevice::ReadOnly) &&
            file.readAll().startsWith(QByteArray(QByteArray("sleep\0", 6) + marker)))
            result.append(process.pid);
    }
    return result;
}

// Every process's argv, for "the secret is in no command line".
bool anyCommandLineContains(const QByteArray& needle)
{
    const QList<ProcessStatus> all = ProcessTable::all();
    for (const ProcessStatus& process : all) {
        QFile file(u"/proc/%1/cmdline"_s.arg(process.pid));
        if (file.open(QIODevice::ReadOnly) && file.readAll().contains(needle))
            return true;
    }
    return false;
}

// A unique `sleep` duration: its command line identifies this test's processes.
QByteArray uniqueSleep()
{
    return "1000." + QByteArray::number(QRandomGenerator::global()->bounded(100000, 999999));
}

// A Node.js script that tries each connection in turn and prints "<label> CONNECTED" or
// "<label> <error code>"; `targets` are net.connect() option objects in JavaScript.
QString connectProbe(const QList<std::pair<QString, QString>>& targets)
{
    QString script =
        u"const net = require('net');"
        "const attempt = (label, options) => new Promise((done) => {"
        "  const socket = net.connect(options, () => { console.log(label + ' CONNECTED'); socket.destroy(); "
        "done(); });"
        "  socket.on('error', (e) => { console.log(label + ' ' + e.code); done(); });"
        "  socket.setTimeout(3000, () => { console.log(label + ' TIMEOUT'); socket.destroy(); done(); });"
        "});"
        "(async () => {"_s;
    for (const auto& [label, options] : targets)
        script += u"await attempt('%1', %2);"_s.arg(label, options);
    return script + u"})()"_s;
}

// The body of an HTTP/1.0 GET to `address`:`port`, or empty.
QByteArray httpGet(const QHostAddress& address, int port)
{
    QTcpSocket socket;
    socket.connectToHost(address, quint16(port));
    if (!socket.waitForConnected(5000))
        return {};
    socket.write("GET / HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n");
    QByteArray response;
    while (socket.waitForReadyRead(5000))
        response += socket.readAll();
    response += socket.readAll();
    return response.mid(response.indexOf("\r\n\r\n") + 4);
}

std::optional<QString> bwrapProblem; // set once: empty = works
QString bubblewrapProblem()
{
    if (!bwrapProblem) {
        QTemporaryDir data;
        LocalProvider provider({data.path(), LocalProvider::Isolation::Bubblewrap, {}});
        const SandboxInfo info = sync(provider.createSandbox({u"probe"_s, {}}));
        try {
            sync(provider.runCommand(info.id, command({u"true"_s}), {}));
            bwrapProblem = QString();
        } catch (const Failure& failure) {
            bwrapProblem = failure.message();
        }
    }
    return *bwrapProblem;
}

} // namespace

class TestLocalProvider : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_data;
    std::unique_ptr<LocalProvider> m_provider;
    QString m_realHome;

    LocalProvider::Isolation isolationRow()
    {
        QFETCH(bool, isolated);
        if (isolated && !bubblewrapProblem().isEmpty())
            return LocalProvider::Isolation::None; // caller skips
        return isolated ? LocalProvider::Isolation::Bubblewrap : LocalProvider::Isolation::None;
    }

    LocalProvider& provider(LocalProvider::Isolation isolation = LocalProvider::Isolation::None)
    {
        m_provider = std::make_unique<LocalProvider>(LocalProvider::Options{m_data.path(), isolation, {}});
        return *m_provider;
    }

    SandboxInfo sandbox(LocalProvider& p, const QString& name = u"forge-p1-1"_s)
    {
        return sync(p.createSandbox({name, {{u"forge.project"_s, name}}}));
    }

    static void addIsolationRows()
    {
        QTest::addColumn<bool>("isolated");
        QTest::newRow("plain") << false;
        QTest::newRow("bubblewrap") << true;
    }

#define ISOLATION_OR_SKIP()                                                                                  \
    const LocalProvider::Isolation isolation = isolationRow();                                               \
    do {                                                                                                     \
        QFETCH(bool, isolated);                                                                              \
        if (isolated && !bubblewrapProblem().isEmpty())                                                      \
            QSKIP(qPrintable(u"bubblewrap does not work here: "_s + bubblewrapProblem()));                   \
    } while (false)

private Q_SLOTS:
    void initTestCase()
    {
        m_realHome = QDir::homePath();
    }

    void init()
    {
        m_provider.reset();
        m_data.~QTemporaryDir();
        new (&m_data) QTemporaryDir();
        QVERIFY(m_data.isValid());
    }

    void cleanup()
    {
        m_provider.reset();
    }

    void createFindAndAdopt()
    {
        LocalProvider& p = provider();
        const SandboxInfo created =
            sync(p.createSandbox({u"forge-abc-1"_s, {{u"forge.project"_s, u"abc"_s}}}));
        QCOMPARE(created.id, u"forge-abc-1"_s);
        QCOMPARE(toString(created.state), toString(SandboxState::Started));
        QVERIFY(QFileInfo(p.workspacePath(created.id)).isDir());
        QVERIFY(QFileInfo::exists(m_data.path() + u"/sandboxes/forge-abc-1/sandbox.json"_s));
        QVERIFY(QFileInfo(m_data.path() + u"/sandboxes/forge-abc-1/home"_s).isDir());
        QVERIFY(QFileInfo(m_data.path() + u"/sandboxes/forge-abc-1/tmp"_s).isDir());

        const auto found = sync(p.findSandbox({{u"forge.project"_s, u"abc"_s}}));
        QVERIFY(found);
        QCOMPARE(found->id, created.id);
        QVERIFY(!sync(p.findSandbox({{u"forge.project"_s, u"other"_s}})));

        // Same name again: adopted, not duplicated.
        const SandboxInfo again = sync(p.createSandbox({u"forge-abc-1"_s, {{u"forge.project"_s, u"abc"_s}}}));
        QCOMPARE(again.id, created.id);
        QCOMPARE(QDir(m_data.path() + u"/sandboxes"_s).entryList(QDir::Dirs | QDir::NoDotAndDotDot).size(),
                 1);

        QCOMPARE(sync(p.getSandbox(created.id)).labels.value(u"forge.project"_s), u"abc"_s);
        QCOMPARE(toString(SandboxState::Stopped), u"stopped"_s);
    }

    void invalidAndMissingSandboxes()
    {
        LocalProvider& p = provider();
        try {
            sync(p.getSandbox(u"nope"_s));
            QFAIL("getSandbox of a missing sandbox did not throw");
        } catch (const Failure& failure) {
            QVERIFY(!failure.isTransient());
            QVERIFY(failure.message().contains(u"nope"_s));
            QVERIFY(!failure.advice().isEmpty());
        }
        QVERIFY_THROWS_EXCEPTION(Failure, sync(p.createSandbox({u"../escape"_s, {}})));
        QVERIFY_THROWS_EXCEPTION(Failure, sync(p.runCommand(u"nope"_s, command({u"true"_s}), {})));
        sync(p.deleteSandbox(u"nope"_s)); // idempotent
    }

    void stateSurvivesRestart()
    {
        QString id;
        {
            LocalProvider& p = provider();
            id = sandbox(p).id;
            QFile marker(p.workspacePath(id) + u"/kept.txt"_s);
            QVERIFY(marker.open(QIODevice::WriteOnly));
            marker.write("x");
        }
        m_provider.reset();
        LocalProvider& restarted = provider();
        const SandboxInfo info = sync(restarted.getSandbox(id));
        QCOMPARE(toString(info.state), toString(SandboxState::Stopped));
        QVERIFY(QFileInfo::exists(restarted.workspacePath(id) + u"/kept.txt"_s));
        sync(restarted.startSandbox(id));
        QCOMPARE(toString(sync(restarted.getSandbox(id)).state), toString(SandboxState::Started));
        sync(restarted.stopSandbox(id));
        QCOMPARE(toString(sync(restarted.getSandbox(id)).state), toString(SandboxState::Stopped));
        sync(restarted.deleteSandbox(id));
        QVERIFY(!QFileInfo::exists(m_data.path() + u"/sandboxes/"_s + id));
        QVERIFY(!sync(restarted.findSandbox({{u"forge.project"_s, id}})));
    }

    // A process recorded by a run of the app that crashed is killed by the next one, but only when
    // PID and start time both match.
    void restartKillsLeftoversOfACrashedRun()
    {
        const QByteArray mine = uniqueSleep();
        const QByteArray stranger = uniqueSleep();
        qint64 minePid = 0;
        qint64 strangerPid = 0;
        QVERIFY(QProcess::startDetached(u"setsid"_s, {u"sleep"_s, QString::fromLatin1(mine)}, {}, &minePid));
        QVERIFY(QProcess::startDetached(u"setsid"_s, {u"sleep"_s, QString::fromLatin1(stranger)}, {},
                                        &strangerPid));
        QTRY_COMPARE(processesWith(mine).size(), 1);
        QTRY_COMPARE(processesWith(stranger).size(), 1);
        const qint64 mineLeader = processesWith(mine).first();
        const qint64 strangerLeader = processesWith(stranger).first();

        QString id;
        {
            LocalProvider& p = provider();
            id = sandbox(p).id;
        }
        m_provider.reset();
        const QString record = m_data.path() + u"/sandboxes/"_s + id + u"/sandbox.json"_s;
        QFile file(record);
        QVERIFY(file.open(QIODevice::ReadOnly));
        QJsonObject json = QJsonDocument::fromJson(file.readAll()).object();
        file.close();
        json.insert(
            u"processes"_s,
            QJsonArray{
                QJsonObject{{u"pid"_s, mineLeader},
                            {u"startTime"_s, QString::number(ProcessTable::status(mineLeader)->startTime)}},
                // Same PID, other start time: a reused PID, to be left alone.
                QJsonObject{
                    {u"pid"_s, strangerLeader},
                    {u"startTime"_s, QString::number(ProcessTable::status(strangerLeader)->startTime + 1)}},
            });
        QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
        file.write(QJsonDocument(json).toJson());
        file.close();

        provider();
        QTRY_VERIFY(processesWith(mine).isEmpty());
        QCOMPARE(processesWith(stranger).size(), 1);
        ::kill(static_cast<pid_t>(strangerLeader), SIGKILL);
    }

    void runCommandOutputAndExitCode_data()
    {
        addIsolationRows();
    }
    void runCommandOutputAndExitCode()
    {
        ISOLATION_OR_SKIP();
        LocalProvider& p = provider(isolation);
        const SandboxInfo info = sandbox(p);
        QVERIFY(QDir().mkpath(p.workspacePath(info.id) + u"/sub"_s));
        Output output;
        CommandSpec spec =
            shell(u"printf 'out:%s' \"$GREETING\"; printf err >&2; basename \"$PWD\"; exit 3"_s);
        spec.workingDirectory = u"sub"_s;
        spec.environment.insert(u"GREETING"_s, u"hello"_s);
        const CommandResult result = sync(p.runCommand(info.id, spec, output.sink()));
        QCOMPARE(result.exitCode, 3);
        QVERIFY(!result.timedOut);
        QVERIFY(!result.succeeded());
        QCOMPARE(output.out, "out:hellosub\n");
        QCOMPARE(output.err, "err");
        QCOMPARE(p.isIsolated(), isolation == LocalProvider::Isolation::Bubblewrap);

        // The documented base environment.
        Output env;
        QVERIFY(sync(p.runCommand(info.id, shell(u"echo \"$CI $TERM $LANG\"; echo \"$HOME\""_s), env.sink()))
                    .succeeded());
        const QList<QByteArray> lines = env.out.split('\n');
        QCOMPARE(lines.value(0), "true dumb C.UTF-8");
        if (p.isIsolated())
            QCOMPARE(lines.value(1), "/home/sandbox");
        else
            QCOMPARE(QString::fromUtf8(lines.value(1)),
                     m_data.path() + u"/sandboxes/"_s + info.id + u"/home"_s);

        // A working folder outside the workspace is refused before anything runs.
        CommandSpec escape = command({u"true"_s});
        escape.workingDirectory = u"../.."_s;
        QVERIFY_THROWS_EXCEPTION(Failure, sync(p.runCommand(info.id, escape, {})));
    }

    void runCommandStreamsAndTimesOut_data()
    {
        addIsolationRows();
    }
    void runCommandStreamsAndTimesOut()
    {
        ISOLATION_OR_SKIP();
        LocalProvider& p = provider(isolation);
        const SandboxInfo info = sandbox(p);
        const QByteArray marker = uniqueSleep();
        QElapsedTimer clock;
        clock.start();
        qint64 firstOutputAt = -1;
        const CommandResult result = sync(p.runCommand(
            info.id, shell(u"echo first; sleep "_s + QString::fromLatin1(marker) + u" & wait"_s, 1500ms),
            [&](OutputChannel, const QByteArray& bytes) {
                if (firstOutputAt < 0 && bytes.contains("first"))
                    firstOutputAt = clock.elapsed();
            }));
        QVERIFY(result.timedOut);
        QVERIFY(!result.succeeded());
        QVERIFY2(firstOutputAt >= 0 && firstOutputAt < 1500, "output was not streamed before the timeout");
        QVERIFY(clock.elapsed() < 15000);
        QTRY_VERIFY(processesWith(marker).isEmpty());
    }

    void missingProgram_data()
    {
        addIsolationRows();
    }
    void missingProgram()
    {
        ISOLATION_OR_SKIP();
        LocalProvider& p = provider(isolation);
        const SandboxInfo info = sandbox(p);
        for (const QString& program : {u"no-such-program-forge"_s, u"./node_modules/.bin/nothing"_s}) {
            try {
                sync(p.runCommand(info.id, command({program, u"install"_s}), {}));
                QFAIL("a missing program did not throw");
            } catch (const Failure& failure) {
                QVERIFY(!failure.isTransient());
                QVERIFY2(failure.message().contains(program), qPrintable(failure.message()));
                QVERIFY(!failure.advice().isEmpty());
            }
        }
        try {
            sync(p.startBackground(info.id, command({u"no-such-program-forge"_s})));
            QFAIL("a missing program did not throw");
        } catch (const Failure& failure) {
            QVERIFY(!failure.isTransient());
        }
    }

    void stopKillsTheWholeTree_data()
    {
        addIsolationRows();
    }
    void stopKillsTheWholeTree()
    {
        ISOLATION_OR_SKIP();
        LocalProvider& p = provider(isolation);
        const SandboxInfo info = sandbox(p);
        const QByteArray marker = uniqueSleep();
        const QString sleep = u"sleep "_s + QString::fromLatin1(marker);
        // Two grandchildren, one of which ignores SIGTERM (so the SIGKILL after the grace is needed).
        auto process = sync(p.startBackground(
            info.id, shell(sleep + u" & (trap '' TERM; exec "_s + sleep + u") & echo ready; wait"_s)));
        QVERIFY(process->isRunning());
        QSignalSpy finished(process.get(), &BackgroundProcess::finished);
        // Both sleeps running means the trap is set. (Not the "ready" line: it may come out while
        // startBackground() is being awaited, before a test could connect to the output.)
        QTRY_COMPARE(processesWith(marker).size(), 2);

        sync(process->stop(1s));
        QVERIFY(!process->isRunning());
        QCOMPARE(finished.size(), 1);
        QTRY_VERIFY(processesWith(marker).isEmpty());
    }

    void destroyingKillsTheWholeTree_data()
    {
        addIsolationRows();
    }
    void destroyingKillsTheWholeTree()
    {
        ISOLATION_OR_SKIP();
        LocalProvider& p = provider(isolation);
        const SandboxInfo info = sandbox(p);
        const QByteArray marker = uniqueSleep();
        auto process = sync(p.startBackground(
            info.id, shell(u"sleep "_s + QString::fromLatin1(marker) + u" & echo ready; wait"_s)));
        QTRY_COMPARE(processesWith(marker).size(), 1);
        process.reset();
        QTRY_VERIFY(processesWith(marker).isEmpty());
    }

    void stopSandboxStopsItsProcesses_data()
    {
        addIsolationRows();
    }
    void stopSandboxStopsItsProcesses()
    {
        ISOLATION_OR_SKIP();
        LocalProvider& p = provider(isolation);
        const SandboxInfo info = sandbox(p);
        const QByteArray marker = uniqueSleep();
        auto process =
            sync(p.startBackground(info.id, shell(u"sleep "_s + QString::fromLatin1(marker) + u" & wait"_s)));
        QTRY_COMPARE(processesWith(marker).size(), 1);
        sync(p.stopSandbox(info.id));
        QVERIFY(!process->isRunning());
        QTRY_VERIFY(processesWith(marker).isEmpty());
        QCOMPARE(toString(sync(p.getSandbox(info.id)).state), toString(SandboxState::Stopped));

        // Deleting a sandbox with a running process stops it, then removes the folder.
        const QByteArray second = uniqueSleep();
        auto again =
            sync(p.startBackground(info.id, shell(u"sleep "_s + QString::fromLatin1(second) + u" & wait"_s)));
        QTRY_COMPARE(processesWith(second).size(), 1);
        sync(p.deleteSandbox(info.id));
        QTRY_VERIFY(processesWith(second).isEmpty());
        QVERIFY(!QFileInfo::exists(m_data.path() + u"/sandboxes/"_s + info.id));
    }

    void allocatePortSkipsATakenPort()
    {
        LocalProvider& p = provider();
        const SandboxInfo info = sandbox(p);
        QTcpServer taken;
        QVERIFY(taken.listen(QHostAddress::LocalHost, 0));
        const int port = taken.serverPort();
        const int allocated = sync(p.allocatePort(info.id, port));
        QVERIFY(allocated != port);
        QVERIFY(allocated > 0);
        QTcpServer check;
        QVERIFY(check.listen(QHostAddress::AnyIPv4, quint16(allocated)));
        check.close();
        // A free preferred port is taken as is.
        QCOMPARE(sync(p.allocatePort(info.id, allocated)), allocated);

        const PreviewEndpoint endpoint = sync(p.previewEndpoint(info.id, allocated));
        QCOMPARE(endpoint.url, QUrl(u"http://127.0.0.1:%1/"_s.arg(allocated)));
        QVERIFY(endpoint.headers.isEmpty());
    }

    void snapshotReadsTheWorkspace()
    {
        LocalProvider& p = provider();
        const SandboxInfo info = sandbox(p);
        QFile file(p.workspacePath(info.id) + u"/package.json"_s);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(R"({"name":"x"})");
        file.close();
        const ProjectSnapshot snapshot = sync(p.snapshotProject(info.id, {}));
        QVERIFY(snapshot.contains(u"package.json"_s));
        QVERIFY_THROWS_EXCEPTION(Failure, sync(p.snapshotProject(info.id, u"../.."_s)));
    }

    void noNoticeWithoutIsolation()
    {
        // Isolation::None is the user's explicit choice: plain processes, nothing to announce.
        LocalProvider& p = provider(LocalProvider::Isolation::None);
        QSignalSpy notices(&p, &SandboxProvider::notice);
        const SandboxInfo info = sandbox(p);
        QVERIFY(sync(p.runCommand(info.id, command({u"true"_s}), {})).succeeded());
        QCOMPARE(notices.size(), 0);
        QVERIFY(!p.isIsolated());
    }

    // Isolation fails closed: without bwrap, or with bwrap but without pasta for the sandbox's own
    // network, no command runs (the old code ran them as plain processes after a notice), and the
    // failure says what to install and that running unisolated is a choice per project.
    void failsClosedWithoutBubblewrapOrPasta_data()
    {
        QTest::addColumn<QStringList>("tools");
        QTest::addColumn<QString>("missing");
        QTest::newRow("no bwrap") << QStringList{u"sh"_s, u"true"_s} << u"bwrap"_s;
        QTest::newRow("no pasta") << QStringList{u"sh"_s, u"true"_s, u"bwrap"_s} << u"pasta"_s;
    }

    void failsClosedWithoutBubblewrapOrPasta()
    {
        QFETCH(QStringList, tools);
        QFETCH(QString, missing);
        QTemporaryDir bin;
        for (const QString& tool : std::as_const(tools)) {
            const QString found = QStandardPaths::findExecutable(tool);
            if (found.isEmpty())
                QSKIP(qPrintable(tool + u" is not installed"_s));
            QVERIFY(QFile::link(found, bin.path() + u'/' + tool));
        }
        const QByteArray oldPath = qgetenv("PATH");
        qputenv("PATH", QFile::encodeName(bin.path()));
        auto restore = qScopeGuard([&] { qputenv("PATH", oldPath); });

        LocalProvider& p = provider(LocalProvider::Isolation::Bubblewrap);
        try {
            sandbox(p, u"forge-unisolated-1"_s);
            QFAIL("a sandbox was made without isolation");
        } catch (const Failure& failure) {
            QVERIFY(!failure.isTransient());
            QVERIFY(SandboxIsolation::isUnavailable(failure));
            QVERIFY2(failure.message().contains(missing), qPrintable(failure.message()));
            QVERIFY2(failure.advice().contains(u"passt"_s) && failure.advice().contains(u"bubblewrap"_s),
                     qPrintable(failure.advice()));
        }
        QVERIFY(!p.isIsolated());
        QVERIFY(!QFileInfo::exists(m_data.path() + u"/sandboxes/forge-unisolated-1"_s));

        // Installing what was missing is enough: the next run probes again.
        restore.dismiss();
        qputenv("PATH", oldPath);
        if (!bubblewrapProblem().isEmpty())
            return;
        const SandboxInfo info = sandbox(p);
        QVERIFY(sync(p.runCommand(info.id, shell(u"true"_s), {})).succeeded());
        QVERIFY(p.isIsolated());
    }

    // ---- isolation (bubblewrap only) ----

    void isolationHidesTheUsersFiles()
    {
        if (!bubblewrapProblem().isEmpty())
            QSKIP(qPrintable(u"bubblewrap does not work here: "_s + bubblewrapProblem()));
        QTemporaryDir fakeHome;
        QVERIFY(QDir().mkpath(fakeHome.path() + u"/.ssh"_s));
        QFile key(fakeHome.path() + u"/.ssh/id_rsa"_s);
        QVERIFY(key.open(QIODevice::WriteOnly));
        key.write("PRIVATE-KEY-CANARY");
        key.close();
        const QByteArray oldHome = qgetenv("HOME");
        qputenv("HOME", QFile::encodeName(fakeHome.path()));
        LocalProvider& p = provider(LocalProvider::Isolation::Bubblewrap);
        qputenv("HOME", oldHome);
        const SandboxInfo info = sandbox(p);

        Output output;
        const QString script =
            u"cat '%1/.ssh/id_rsa'; ls -A /root; ls -A '%2'; ls /home; echo \"$HOME\""_s.arg(fakeHome.path(),
                                                                                             m_realHome);
        sync(p.runCommand(info.id, shell(script), output.sink()));
        QVERIFY(!output.out.contains("PRIVATE-KEY-CANARY"));
        QVERIFY(!output.err.contains("PRIVATE-KEY-CANARY"));
        QVERIFY2(output.err.contains("/root"), output.err.constData()); // ls /root fails
        QCOMPARE(output.out, "sandbox\n/home/sandbox\n");
    }

    void isolationAllowsWritesOnlyToTheWorkspace()
    {
        if (!bubblewrapProblem().isEmpty())
            QSKIP(qPrintable(u"bubblewrap does not work here: "_s + bubblewrapProblem()));
        LocalProvider& p = provider(LocalProvider::Isolation::Bubblewrap);
        const SandboxInfo info = sandbox(p);
        for (const QString& path : {u"/usr/forge-canary"_s, u"/etc/forge-canary"_s, u"/forge-canary"_s}) {
            const CommandResult result = sync(p.runCommand(info.id, command({u"touch"_s, path}), {}));
            QVERIFY2(!result.succeeded(), qPrintable(path));
            QVERIFY(!QFileInfo::exists(path));
        }
        Output output;
        QVERIFY(sync(p.runCommand(info.id,
                                  shell(u"pwd; echo made > /workspace/made.txt && echo h > $HOME/h && "
                                        "echo t > /tmp/t"_s),
                                  output.sink()))
                    .succeeded());
        QCOMPARE(output.out, "/workspace\n");
        QVERIFY(QFileInfo::exists(p.workspacePath(info.id) + u"/made.txt"_s));
        QVERIFY(QFileInfo::exists(m_data.path() + u"/sandboxes/"_s + info.id + u"/home/h"_s));
        QVERIFY(QFileInfo::exists(m_data.path() + u"/sandboxes/"_s + info.id + u"/tmp/t"_s));
    }

    // The install cache: what one sandbox saved, another gets back; links are copied as links;
    // keys and folders that could point outside the cache or the workspace are refused. Isolated,
    // the copies run inside the sandbox.
    void installCacheIsSharedBetweenSandboxes_data()
    {
        addIsolationRows();
    }
    void installCacheIsSharedBetweenSandboxes()
    {
        ISOLATION_OR_SKIP();
        LocalProvider& p = provider(isolation);
        const SandboxInfo first = sandbox(p, u"forge-p1-1"_s);
        const SandboxInfo second = sandbox(p, u"forge-p2-1"_s);
        const QString modules = p.workspacePath(first.id) + u"/node_modules"_s;
        QVERIFY(QDir().mkpath(modules + u"/pkg"_s));
        QFile index(modules + u"/pkg/index.js"_s);
        QVERIFY(index.open(QIODevice::WriteOnly));
        index.write("module.exports = 42;\n");
        index.close();
        QVERIFY(QFile::link(u"/etc/hostname"_s, modules + u"/outside"_s));
        const QString key(64, u'a');
        const QStringList directories{u"node_modules"_s};

        QVERIFY(!sync(p.restoreDependencies(second.id, key, directories))); // nothing saved yet
        QVERIFY(sync(p.saveDependencies(first.id, key, directories)));
        const QString entry = m_data.path() + u"/cache/installs/"_s + key;
        QVERIFY(QFileInfo::exists(entry + u"/node_modules/pkg/index.js"_s));
        QVERIFY(QFileInfo(entry + u"/node_modules/outside"_s).isSymLink());

        const QString restored = p.workspacePath(second.id) + u"/node_modules"_s;
        QVERIFY(QDir().mkpath(restored + u"/stale"_s));
        QVERIFY(sync(p.restoreDependencies(second.id, key, directories)));
        QVERIFY(QFileInfo::exists(restored + u"/pkg/index.js"_s));
        QVERIFY(QFileInfo(restored + u"/outside"_s).isSymLink());
        QVERIFY(!QFileInfo::exists(restored + u"/stale"_s)); // replaced, not merged

        QVERIFY(!sync(p.restoreDependencies(second.id, u"../../etc"_s, directories)));
        QVERIFY(!sync(p.saveDependencies(first.id, u"../../etc"_s, directories)));
        QVERIFY(!sync(p.restoreDependencies(second.id, key, {u"../outside"_s})));
        // Never the workspace itself.
        QVERIFY(!sync(p.restoreDependencies(second.id, key, {QString()})));
        QVERIFY(!sync(p.restoreDependencies(second.id, key, {u"."_s})));
        QVERIFY(QFileInfo::exists(restored + u"/pkg/index.js"_s));
        QVERIFY(!sync(p.restoreDependencies(u"forge-missing-1"_s, key, directories)));
    }

    // Attack (issue 16, item 3): the repository replaces a workspace package folder with a symbolic
    // link out of the workspace. The old code checked only the last component and then deleted and
    // copied on this machine through the link: restore emptied a host folder, save copied any host
    // folder into the cache. Both are refused now and the host folder stays as it was.
    void installCacheRefusesLinkedFolders_data()
    {
        addIsolationRows();
    }
    void installCacheRefusesLinkedFolders()
    {
        ISOLATION_OR_SKIP();
        LocalProvider& p = provider(isolation);
        const SandboxInfo info = sandbox(p);
        QTemporaryDir outside; // stands for any folder of the user's
        QVERIFY(QDir().mkpath(outside.path() + u"/node_modules"_s));
        QFile precious(outside.path() + u"/node_modules/precious.txt"_s);
        QVERIFY(precious.open(QIODevice::WriteOnly));
        precious.write("the user's file");
        precious.close();
        const QString workspace = p.workspacePath(info.id);
        QVERIFY(QDir().mkpath(workspace + u"/packages"_s));
        QVERIFY(QFile::link(outside.path(), workspace + u"/packages/web"_s));
        const QStringList directories{u"packages/web/node_modules"_s};

        const QString saveKey(64, u'b');
        QVERIFY(!sync(p.saveDependencies(info.id, saveKey, directories)));
        QVERIFY(!QFileInfo::exists(m_data.path() + u"/cache/installs/"_s + saveKey +
                                   u"/packages/web/node_modules/precious.txt"_s));

        // An entry saved from a real folder, restored where the folder became a link.
        const QString restoreKey(64, u'c');
        const QString entry = m_data.path() + u"/cache/installs/"_s + restoreKey;
        QVERIFY(QDir().mkpath(entry + u"/packages/web/node_modules/planted"_s));
        QVERIFY(!sync(p.restoreDependencies(info.id, restoreKey, directories)));
        QVERIFY(QFileInfo::exists(outside.path() + u"/node_modules/precious.txt"_s));
        QVERIFY(!QFileInfo::exists(outside.path() + u"/node_modules/planted"_s));
    }

    // Attack (issue 16, item 4): one project's sandbox writes into the package managers' download
    // caches, which the old code shared read-write between all sandboxes (Yarn and Bun trust what
    // is there). Each sandbox has its own now.
    void packageManagerCachesArePerSandbox_data()
    {
        addIsolationRows();
    }
    void packageManagerCachesArePerSandbox()
    {
        ISOLATION_OR_SKIP();
        LocalProvider& p = provider(isolation);
        const SandboxInfo first = sandbox(p, u"forge-p1-1"_s);
        const SandboxInfo second = sandbox(p, u"forge-p2-1"_s);
        const QString caches =
            u"\"${npm_config_cache:-$HOME/.npm}\" \"${YARN_CACHE_FOLDER:-$HOME/.cache/yarn}\" "
            u"\"${BUN_INSTALL_CACHE_DIR:-$HOME/.bun/install/cache}\""_s;
        QVERIFY(sync(p.runCommand(
                         first.id,
                         shell(u"for c in %1; do mkdir -p \"$c\" && echo poisoned > \"$c/mark\"; done"_s.arg(
                             caches)),
                         {}))
                    .succeeded());
        Output output;
        sync(p.runCommand(second.id,
                          shell(u"for c in %1; do cat \"$c/mark\" 2>/dev/null; done; true"_s.arg(caches)),
                          output.sink()));
        QCOMPARE(output.out, QByteArray());
    }

    // ---- the sandbox's own network (bubblewrap only) ----

    // Attack (issue 16, item 2): repository code reaching services on this machine's loopback and
    // its abstract Unix sockets (X11's @/tmp/.X11-unix/X0, IBus and D-Bus live there). The old code
    // shared this machine's network namespace (--share-net), and both connected.
    void isolatedNetworkCannotReachThisMachine()
    {
        if (!bubblewrapProblem().isEmpty())
            QSKIP(qPrintable(u"bubblewrap does not work here: "_s + bubblewrapProblem()));
        QTcpServer loopback;
        QVERIFY(loopback.listen(QHostAddress::LocalHost, 0));
        QLocalServer abstractSocket;
        abstractSocket.setSocketOptions(QLocalServer::AbstractNamespaceOption);
        const QString name = u"forge-test-%1"_s.arg(QRandomGenerator::global()->generate());
        QVERIFY(abstractSocket.listen(name));

        LocalProvider& p = provider(LocalProvider::Isolation::Bubblewrap);
        const SandboxInfo info = sandbox(p);
        Output output;
        const QString script =
            connectProbe({{u"loopback"_s, u"{host:'127.0.0.1',port:%1}"_s.arg(loopback.serverPort())}});
        QVERIFY(
            sync(p.runCommand(info.id, command({u"node"_s, u"-e"_s, script}), output.sink())).succeeded());
        // Perl for the abstract socket: Node.js pads abstract names, so it never matches one.
        const QString perl =
            u"use Socket; socket(my $s, PF_UNIX, SOCK_STREAM, 0) or die; print connect($s, "
            "pack_sockaddr_un(\"\\0%1\")) ? \"abstract CONNECTED\\n\" : \"abstract $!\\n\""_s.arg(
                abstractSocket.fullServerName());
        QVERIFY(sync(p.runCommand(info.id, command({u"perl"_s, u"-e"_s, perl}), output.sink())).succeeded());
        QVERIFY2(output.out.contains("loopback ") && output.out.contains("abstract "),
                 output.out.constData());
        QVERIFY2(!output.out.contains("CONNECTED"), output.out.constData());
    }

    // The dev server's port is forwarded from 127.0.0.1 on this machine and from nowhere else: a
    // server that binds 0.0.0.0 (as dev servers are told to) is not reachable from the network.
    void exposedPortIsForwardedToLoopbackOnly()
    {
        if (!bubblewrapProblem().isEmpty())
            QSKIP(qPrintable(u"bubblewrap does not work here: "_s + bubblewrapProblem()));
        LocalProvider& p = provider(LocalProvider::Isolation::Bubblewrap);
        const SandboxInfo info = sandbox(p);
        const int port = sync(p.allocatePort(info.id, 0));
        CommandSpec serve =
            command({u"node"_s, u"-e"_s,
                     u"require('http').createServer((q, r) => r.end('served from the sandbox'))"
                     ".listen(%1, '0.0.0.0', () => console.log('listening'))"_s.arg(port)});
        serve.exposedPorts = {port};
        std::unique_ptr<BackgroundProcess> server = sync(p.startBackground(info.id, serve));
        QByteArray printed;
        QSignalSpy outputs(server.get(), &BackgroundProcess::output);
        connect(server.get(), &BackgroundProcess::output, this,
                [&printed](OutputChannel, const QByteArray& bytes) { printed += bytes; });
        while (!printed.contains("listening"))
            QVERIFY2(outputs.wait(20000), printed.constData());

        QCOMPARE(httpGet(QHostAddress::LocalHost, port), QByteArray("served from the sandbox"));
        QCOMPARE(sync(p.listeningPorts(info.id)), std::optional<QList<int>>(QList<int>{port}));
        for (const QHostAddress& address : QNetworkInterface::allAddresses()) {
            if (address.isLoopback() || address.protocol() != QAbstractSocket::IPv4Protocol)
                continue;
            QTcpSocket socket;
            socket.connectToHost(address, quint16(port));
            QVERIFY2(!socket.waitForConnected(3000), qPrintable(address.toString()));
        }
        sync(server->stop());
    }

    // A proxy (or registry) the user configured on this machine's loopback stays reachable: exactly
    // its port, named once in a notice; the sandbox gets the variable; other loopback ports do not.
    void configuredLoopbackProxyIsForwarded()
    {
        if (!bubblewrapProblem().isEmpty())
            QSKIP(qPrintable(u"bubblewrap does not work here: "_s + bubblewrapProblem()));
        QTcpServer proxy;
        QTcpServer other;
        QVERIFY(proxy.listen(QHostAddress::LocalHost, 0));
        QVERIFY(other.listen(QHostAddress::LocalHost, 0));
        const QByteArray proxyUrl = "http://127.0.0.1:" + QByteArray::number(proxy.serverPort());
        const QByteArray oldProxy = qgetenv("HTTPS_PROXY");
        qputenv("HTTPS_PROXY", proxyUrl);
        LocalProvider& p = provider(LocalProvider::Isolation::Bubblewrap);
        oldProxy.isNull() ? qunsetenv("HTTPS_PROXY") : qputenv("HTTPS_PROXY", oldProxy);
        QSignalSpy notices(&p, &SandboxProvider::notice);
        const SandboxInfo info = sandbox(p);
        Output output;
        const QString script =
            connectProbe({{u"proxy"_s, u"{host:'127.0.0.1',port:%1}"_s.arg(proxy.serverPort())},
                          {u"other"_s, u"{host:'127.0.0.1',port:%1}"_s.arg(other.serverPort())}}) +
            u";console.log('variable ' + process.env.HTTPS_PROXY)"_s;
        QVERIFY(
            sync(p.runCommand(info.id, command({u"node"_s, u"-e"_s, script}), output.sink())).succeeded());
        QVERIFY2(output.out.contains("proxy CONNECTED"), output.out.constData());
        QVERIFY2(output.out.contains("other ") && !output.out.contains("other CONNECTED"),
                 output.out.constData());
        QVERIFY2(output.out.contains(QByteArray("variable " + proxyUrl)), output.out.constData());
        QCOMPARE(notices.size(), 1);
        QVERIFY2(notices.first().first().toString().contains(
                     u"127.0.0.1:%1 (HTTPS_PROXY)"_s.arg(proxy.serverPort())),
                 qPrintable(notices.first().first().toString()));
    }

    void isolationHasNoSessionBus()
    {
        if (!bubblewrapProblem().isEmpty())
            QSKIP(qPrintable(u"bubblewrap does not work here: "_s + bubblewrapProblem()));
        QTemporaryDir runtime;
        const QString bus = runtime.path() + u"/bus"_s;
        QFile socketStandIn(bus);
        QVERIFY(socketStandIn.open(QIODevice::WriteOnly));
        socketStandIn.close();
        const QByteArray oldBus = qgetenv("DBUS_SESSION_BUS_ADDRESS");
        qputenv("DBUS_SESSION_BUS_ADDRESS", "unix:path=" + QFile::encodeName(bus));
        LocalProvider& p = provider(LocalProvider::Isolation::Bubblewrap);
        const SandboxInfo info = sandbox(p);
        Output output;
        sync(p.runCommand(
            info.id,
            shell(u"echo \"bus=$DBUS_SESSION_BUS_ADDRESS\"; for f in '%1' /run/dbus/system_bus_socket "
                  u"/run/user "
                  "/var/run/dbus /tmp/.X11-unix; do test -e \"$f\" && echo \"visible $f\"; done; true"_s.arg(
                      bus)),
            output.sink()));
        if (oldBus.isNull())
            qunsetenv("DBUS_SESSION_BUS_ADDRESS");
        else
            qputenv("DBUS_SESSION_BUS_ADDRESS", oldBus);
        QCOMPARE(output.out, "bus=\n");
    }

    // ---- clone ----

    // The token travels to the repository's host (the fake server sees the header) but is in no
    // process's argv, and never in .git/config.
    void cloneKeepsTheTokenOutOfArgv_data()
    {
        addIsolationRows();
    }
    void cloneKeepsTheTokenOutOfArgv()
    {
        ISOLATION_OR_SKIP();
        LocalProvider& p = provider(isolation);
        const SandboxInfo info = sandbox(p);
        const QString token = u"gho_CANARY"_s + QString::number(QRandomGenerator::global()->generate());
        const QByteArray basic = QByteArray("x-access-token:" + token.toUtf8()).toBase64();

        test::HttpServer server; // holds its answer while the test looks at every process
        std::shared_ptr<test::HttpExchange> held;
        server.setHandler([&](const test::RecordedRequest&,
                              const std::shared_ptr<test::HttpExchange>& exchange) { held = exchange; });
        QVERIFY(server.listen());
        CloneSpec spec;
        spec.url = server.url(u"/owner/repo.git"_s);
        spec.authToken = token;
        Output output;
        auto clone = p.cloneRepository(info.id, spec, output.sink());
        QTRY_VERIFY_WITH_TIMEOUT(held, 20000);
        // The header did reach the host (its value is not printed: it holds the token).
        QVERIFY(server.requests().constFirst().header("Authorization").contains(basic));
        // While git waits for the answer, every process's argv is clean.
        QVERIFY(!anyCommandLineContains(token.toUtf8()));
        QVERIFY(!anyCommandLineContains(basic));
        held->send(test::HttpResponse{404, {}, {}});
        const CommandResult result = sync(clone);
        QVERIFY(!result.succeeded());
        QVERIFY(!output.out.contains(token.toUtf8()) && !output.err.contains(token.toUtf8()));
        QVERIFY(!output.err.contains(basic));
        QFile record(m_data.path() + u"/sandboxes/"_s + info.id + u"/sandbox.json"_s);
        QVERIFY(record.open(QIODevice::ReadOnly));
        QVERIFY(!record.readAll().contains(token.toUtf8()));
    }

    void cloneALocalRepository_data()
    {
        addIsolationRows();
    }
    void cloneALocalRepository()
    {
        ISOLATION_OR_SKIP();
        QTemporaryDir source;
        const auto git = [&](const QStringList& args) {
            QProcess process;
            process.setWorkingDirectory(source.path());
            process.start(u"git"_s,
                          QStringList{u"-c"_s, u"user.name=t"_s, u"-c"_s, u"user.email=t@t"_s} + args);
            return process.waitForFinished(30000) && process.exitCode() == 0;
        };
        QFile readme(source.path() + u"/README.md"_s);
        QVERIFY(readme.open(QIODevice::WriteOnly));
        readme.write("hello\n");
        readme.close();
        QVERIFY(git({u"init"_s, u"-q"_s, u"-b"_s, u"main"_s}));
        QVERIFY(git({u"add"_s, u"."_s}));
        QVERIFY(git({u"commit"_s, u"-q"_s, u"-m"_s, u"first"_s}));

        LocalProvider& p = provider(isolation);
        const SandboxInfo info = sandbox(p);
        // A leftover of an earlier clone is replaced.
        QFile old(p.workspacePath(info.id) + u"/old.txt"_s);
        QVERIFY(old.open(QIODevice::WriteOnly));
        old.close();

        CloneSpec spec;
        spec.url = QUrl::fromLocalFile(source.path());
        spec.branch = u"main"_s;
        spec.authToken = u"gho_CANARYLOCAL"_s;
        Output output;
        const CommandResult result = sync(p.cloneRepository(info.id, spec, output.sink()));
        QVERIFY2(result.succeeded(), output.err.constData());
        QVERIFY(QFileInfo::exists(p.workspacePath(info.id) + u"/README.md"_s));
        QVERIFY(!QFileInfo::exists(p.workspacePath(info.id) + u"/old.txt"_s));
        QFile config(p.workspacePath(info.id) + u"/.git/config"_s);
        QVERIFY(config.open(QIODevice::ReadOnly));
        QVERIFY(!config.readAll().contains("CANARY"));
    }
};

QTEST_GUILESS_MAIN(TestLocalProvider)
#include "tst_localprovider.moc"
