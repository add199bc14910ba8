// Repositories that attack the machine previewing them, run through forge-preview-cli exactly as a
// user would: package.json scripts that try to write outside the sandbox, read the user's files or
// environment, or kill the app, and a dev server that floods its output. Each must be contained
// (bubblewrap on the local back end) and the app must stay up, bounded, and in charge.

#include "CliProcesses.h"
#include "FixtureRepository.h"
#include "ProcessTree.h"
#include "store/Database.h"
#include "store/RunStore.h"

#include <QDir>
#include <QFile>
#include <QJsonObject>
#include <QLocalServer>
#include <QNetworkInterface>
#include <QProcess>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QSqlQuery>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>
#include <csignal>

using namespace Qt::StringLiterals;
using forge::test::CliRun;
using forge::test::FixtureRepository;

namespace {

constexpr int RunTimeoutMs = 5 * 60 * 1000;
constexpr auto Canary = "FORGE-CANARY-7f3a9c";

QByteArray packageJson(const QByteArray& devScript)
{
    return R"({ "name": "hostile", "version": "1.0.0", "private": true, "scripts": { "dev": ")" + devScript +
           R"(" } })";
}

// A server on the port Forge Preview gives, so a preview can go live after the attack.
const QByteArray Server = R"(const http = require('http');
const port = Number(process.env.PORT || 3000);
http.createServer((req, res) => res.end('hostile fixture served')).listen(port, '0.0.0.0', () => {
  console.log(`listening on port ${port}`);
});
)";

// Tries every way out it can think of, and prints what it found.
const QByteArray Escape = R"(const fs = require('fs');
const path = require('path');
const os = require('os');
const outside = ['/tmp/forge-escape-canary', '/etc/forge-escape-canary', '/usr/forge-escape-canary',
  '/forge-escape-canary', path.join(os.homedir(), '..', 'forge-escape-canary'),
  '/workspace/../forge-escape-canary', process.argv[2] + '/forge-escape-canary'];
for (const target of outside) {
  try { fs.writeFileSync(target, 'escaped'); console.log('WROTE ' + target); }
  catch (e) { console.log('REFUSED ' + target + ' ' + e.code); }
}
// Read anything that holds the canary: files under the usual homes and shared folders, every
// process's environment and command line.
const found = [];
function search(dir, depth) {
  let entries = [];
  try { entries = fs.readdirSync(dir, { withFileTypes: true }); } catch (e) { return; }
  for (const entry of entries) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory() && depth > 0) search(full, depth - 1);
    else if (entry.isFile()) {
      try { if (fs.readFileSync(full).includes('FORGE-CANARY')) found.push(full); } catch (e) {}
    }
  }
}
for (const dir of ['/home', '/root', '/tmp', '/run', '/var/tmp', '/mnt', '/media', '/etc'])
  search(dir, 6);
for (const pid of fs.readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
  for (const file of ['environ', 'cmdline']) {
    try { if (fs.readFileSync(`/proc/${pid}/${file}`).includes('FORGE-CANARY')) found.push(`/proc/${pid}/${file}`); }
    catch (e) {}
  }
}
if (JSON.stringify(process.env).includes('FORGE-CANARY')) found.push('process.env');
console.log('FOUND [' + found.join(', ') + ']');
)";

// Kills everything it can see or guess, starting with anything called forge-preview.
const QByteArray Killer = R"(const fs = require('fs');
const seen = fs.readdirSync('/proc').filter((p) => /^\d+$/.test(p)).map((pid) => {
  try { return pid + ':' + fs.readFileSync(`/proc/${pid}/comm`, 'utf8').trim(); } catch (e) { return pid; }
});
console.log('SEES ' + seen.join(' '));
let killed = 0;
for (let pid = 2; pid < 65536; pid++) {
  if (pid === process.pid) continue;
  try { process.kill(pid, 'SIGKILL'); killed++; } catch (e) {}
}
console.log('KILLED ' + killed);
process.kill(-1, 'SIGKILL');
)";

// A dev server that prints one line of a gigabyte, then 300,000 more lines, then serves.
const QByteArray Flood = R"(const http = require('http');
const megabyte = 'x'.repeat(1024 * 1024);
let sent = 0;
function endless() {
  while (sent < 1024) {
    sent++;
    if (!process.stdout.write(megabyte)) return process.stdout.once('drain', endless);
  }
  process.stdout.write('\n');
  lines(0);
}
function lines(i) {
  while (i < 300000) {
    const ok = process.stdout.write(`flood line ${i} ${'y'.repeat(40)}\n`);
    i++;
    if (!ok) return process.stdout.once('drain', () => lines(i));
  }
  const port = Number(process.env.PORT || 3000);
  http.createServer((req, res) => res.end('flood fixture served')).listen(port, '0.0.0.0', () => {
    console.log(`listening on port ${port}`);
  });
}
endless();
)";

// Tries this machine's loopback service given on its command line and prints what happened.
const QByteArray Reach = R"(const net = require('net');
const [port] = process.argv.slice(2);
const attempt = (label, options) => new Promise((done) => {
  const socket = net.connect(options, () => { console.log(label + ' CONNECTED'); socket.destroy(); done(); });
  socket.on('error', (e) => { console.log(label + ' ' + e.code); done(); });
  socket.setTimeout(3000, () => { console.log(label + ' TIMEOUT'); socket.destroy(); done(); });
});
(async () => {
  await attempt('REACH loopback', { host: '127.0.0.1', port: Number(port) });
})();
)";

// Tries the abstract Unix socket named on its command line, where X11's, IBus's and D-Bus's live.
// Perl (perl-base is on every Debian system): Node.js pads abstract names, so it never matches one.
const QByteArray ReachAbstract = R"(use Socket;
socket(my $socket, PF_UNIX, SOCK_STREAM, 0) or die "socket: $!";
if (connect($socket, pack_sockaddr_un("\0" . $ARGV[0]))) { print "REACH abstract CONNECTED\n" }
else { print "REACH abstract $!\n" }
)";

} // namespace

class TestHostileRepository : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void scriptsCannotLeaveTheSandboxOrReadTheUsersFiles();
    void scriptsCannotKillTheApp();
    void aFloodingDevServerDoesNotExhaustMemory();
    void scriptsCannotReachThisMachinesNetwork();

private:
    // A repository made of `files` under the test's folder; its path.
    QString repository(const QString& name, const QMap<QString, QByteArray>& files);
    // Skips the test when this machine cannot run bubblewrap sandboxes (the CLI says so).
    bool isolated(const CliRun& run);

    QTemporaryDir m_work;
};

void TestHostileRepository::init()
{
    QVERIFY(m_work.isValid());
    QVERIFY2(QFile::exists(QStringLiteral(FORGE_CLI_PATH)), FORGE_CLI_PATH);
}

QString TestHostileRepository::repository(const QString& name, const QMap<QString, QByteArray>& files)
{
    FixtureRepository repo(m_work.filePath(name));
    if (!repo.initializeWithFiles(files))
        qFatal("%s", qPrintable(repo.errorString()));
    return repo.path();
}

bool TestHostileRepository::isolated(const CliRun& run)
{
    // Isolation fails closed: without bubblewrap and pasta the run fails at its first step.
    const auto failed = run.event(u"failed"_s);
    return !failed || !failed->value(u"message"_s).toString().contains(u"cannot be isolated"_s);
}

void TestHostileRepository::scriptsCannotLeaveTheSandboxOrReadTheUsersFiles()
{
    // The user's home, with a private key and the canary in the app's own environment.
    const QString home = m_work.filePath(u"home"_s);
    QVERIFY(QDir().mkpath(home + u"/.ssh"_s));
    QFile key(home + u"/.ssh/id_ed25519"_s);
    QVERIFY(key.open(QIODevice::WriteOnly));
    key.write(QByteArray("-----BEGIN OPENSSH PRIVATE KEY-----\n") + Canary + "\n");
    key.close();
    const QString path = repository(
        u"escape"_s,
        {{u"package.json"_s, packageJson("node escape.js " + home.toUtf8() + " && node server.js")},
         {u"escape.js"_s, Escape},
         {u"server.js"_s, Server}});
    QTemporaryDir data;
    CliRun run(data.path(), {{u"HOME"_s, home}, {u"FORGE_TEST_SECRET"_s, QString::fromLatin1(Canary)}});
    run.start({u"preview"_s, path, u"--exit-when-ready"_s, u"--json"_s});
    QSignalSpy exited(&run.process(), &QProcess::finished);
    QVERIFY2(run.finished() || exited.wait(RunTimeoutMs), qPrintable(run.transcript()));
    if (!isolated(run))
        QSKIP("bubblewrap cannot run here, so the CLI ran without isolation");
    QVERIFY2(run.event(u"ready"_s), qPrintable(run.transcript()));
    QCOMPARE(run.process().exitCode(), 0);

    const QString output = run.outputLines();
    QVERIFY2(output.contains(u"FOUND []"_s), qPrintable(output)); // the search ran and found nothing
    QVERIFY2(!run.transcript().contains(QLatin1StringView(Canary)), qPrintable(run.transcript()));
    // Nothing landed outside the sandbox: not on the host, not in the user's home.
    for (const QString& target :
         QStringList{u"/tmp/forge-escape-canary"_s, u"/etc/forge-escape-canary"_s,
                     u"/usr/forge-escape-canary"_s, u"/forge-escape-canary"_s,
                     home + u"/forge-escape-canary"_s, m_work.filePath(u"forge-escape-canary"_s)})
        QVERIFY2(!QFile::exists(target), qPrintable(target));
    QVERIFY2(output.contains(u"REFUSED /etc/forge-escape-canary"_s), qPrintable(output));
    QVERIFY2(output.contains(u"REFUSED "_s + home + u"/forge-escape-canary"_s), qPrintable(output));
}

void TestHostileRepository::scriptsCannotKillTheApp()
{
    const QString path = repository(
        u"killer"_s, {{u"package.json"_s, packageJson("node killer.js")}, {u"killer.js"_s, Killer}});
    QTemporaryDir data;
    CliRun run(data.path());
    run.start({u"preview"_s, path, u"--json"_s});
    QSignalSpy exited(&run.process(), &QProcess::finished);
    QVERIFY2(run.finished() || exited.wait(RunTimeoutMs), qPrintable(run.transcript()));
    if (!isolated(run))
        QSKIP("bubblewrap cannot run here, so the CLI ran without isolation");

    // The CLI outlived the attack and ended on its own terms: it says the dev server died.
    QCOMPARE(run.process().exitStatus(), QProcess::NormalExit);
    QVERIFY2(run.process().exitCode() != 0, qPrintable(run.transcript()));
    QVERIFY2(run.event(u"failed"_s) || run.event(u"server-exited"_s), qPrintable(run.transcript()));
    const QString output = run.outputLines();
    // (What it printed after its first kill may be lost: the app stops the sandbox once the dev server dies.)
    // It saw only its own sandbox's processes: nothing of the app, nothing of the host.
    const QRegularExpression sees(u"SEES (.*)"_s);
    const QString seen = sees.match(output).captured(1);
    QVERIFY2(!seen.isEmpty(), qPrintable(output));
    QVERIFY2(!seen.contains(u"forge-preview"_s), qPrintable(seen));
    QVERIFY2(seen.split(u' ').size() < 20, qPrintable(seen));

    // What the app stored is intact and readable.
    auto opened = forge::Database::open(data.filePath(u"forge-preview.db"_s));
    QVERIFY2(opened.ok(), qPrintable(opened.message()));
    auto database = std::move(opened).value();
    QVERIFY(database->setAsideNotice().isEmpty());
}

void TestHostileRepository::aFloodingDevServerDoesNotExhaustMemory()
{
    const QString path =
        repository(u"flood"_s, {{u"package.json"_s, packageJson("node flood.js")}, {u"flood.js"_s, Flood}});
    QTemporaryDir data;
    CliRun run(data.path());
    run.dropOutputEvents();
    run.start({u"preview"_s, path, u"--json"_s});
    QTRY_VERIFY2_WITH_TIMEOUT(run.event(u"ready"_s) || run.finished(), qPrintable(run.transcript()),
                              RunTimeoutMs);
    QVERIFY2(run.event(u"ready"_s), qPrintable(run.transcript()));

    // The gigabyte line and 300,000 more went through the app, which never held much of them.
    const qint64 peakKiB = forge::test::statusKiB(run.process().processId(), "VmHWM");
    qInfo("forge-preview-cli peak resident memory after a 1 GiB line and 300,000 lines: %lld MiB",
          peakKiB / 1024);
    QVERIFY(peakKiB > 0);
    QVERIFY2(peakKiB < 256 * 1024, qPrintable(u"%1 KiB"_s.arg(peakKiB)));
    QVERIFY2(run.outputEventCount() >= 300000, qPrintable(QString::number(run.outputEventCount())));

    ::kill(static_cast<pid_t>(run.process().processId()), SIGINT);
    QSignalSpy exited(&run.process(), &QProcess::finished);
    QVERIFY2(run.finished() || exited.wait(60000), qPrintable(run.transcript()));
    QCOMPARE(run.process().exitCode(), 0);

    // The stored log is bounded too.
    auto opened = forge::Database::open(data.filePath(u"forge-preview.db"_s));
    QVERIFY2(opened.ok(), qPrintable(opened.message()));
    auto database = std::move(opened).value();
    forge::RunStore runs(*database);
    QSqlQuery newest(database->connection());
    QVERIFY(newest.exec(u"SELECT MAX(id) FROM runs"_s) && newest.next());
    const qint64 stored = runs.logLineCount(newest.value(0).toLongLong());
    QVERIFY2(stored <= forge::RunStore::MaxLogLinesPerRun * 11 / 10, qPrintable(QString::number(stored)));
}

// Issue 16, item 2: with --share-net (the old code) the dev script reached a service on this
// machine's 127.0.0.1 and an abstract Unix socket, and the dev server, bound to 0.0.0.0, answered on
// every address of this machine. Now the sandbox has a network of its own: both connections fail,
// and the preview answers on 127.0.0.1 only.
void TestHostileRepository::scriptsCannotReachThisMachinesNetwork()
{
    QTcpServer loopbackService;
    QVERIFY(loopbackService.listen(QHostAddress::LocalHost, 0));
    QLocalServer abstractSocket;
    abstractSocket.setSocketOptions(QLocalServer::AbstractNamespaceOption);
    const QString abstractName = u"forge-e2e-%1"_s.arg(QCoreApplication::applicationPid());
    QVERIFY(abstractSocket.listen(abstractName));
    // Qt names the socket after the temporary folder ("@/tmp/forge-e2e-…"), as X11 does.
    // Qt names the abstract socket after the temporary folder ("@/tmp/forge-e2e-…"), as X11 does.
    const QByteArray dev = "node reach.js " + QByteArray::number(loopbackService.serverPort()) +
                           " && perl reach.pl " + abstractSocket.fullServerName().toUtf8() +
                           " && node server.js";
    const QString path = repository(u"reach"_s, {{u"package.json"_s, packageJson(dev)},
                                                 {u"reach.js"_s, Reach},
                                                 {u"reach.pl"_s, ReachAbstract},
                                                 {u"server.js"_s, Server}});
    QTemporaryDir data;
    CliRun run(data.path());
    run.start({u"preview"_s, path, u"--json"_s});
    QTRY_VERIFY2_WITH_TIMEOUT(run.event(u"ready"_s) || run.finished(), qPrintable(run.transcript()),
                              RunTimeoutMs);
    if (!isolated(run))
        QSKIP("bubblewrap or pasta cannot run here, so the run failed closed");
    QVERIFY2(run.event(u"ready"_s), qPrintable(run.transcript()));

    const QString output = run.outputLines();
    QVERIFY2(output.contains(u"REACH loopback "_s) && output.contains(u"REACH abstract "_s),
             qPrintable(output));
    QVERIFY2(!output.contains(u"CONNECTED"_s), qPrintable(output));
    QVERIFY(!loopbackService.hasPendingConnections());
    QVERIFY(!abstractSocket.hasPendingConnections());

    const QUrl url(run.event(u"ready"_s)->value(u"url"_s).toString());
    QCOMPARE(url.host(), u"127.0.0.1"_s);
    for (const QHostAddress& address : QNetworkInterface::allAddresses()) {
        if (address.isLoopback() || address.protocol() != QAbstractSocket::IPv4Protocol)
            continue;
        QTcpSocket fromTheNetwork;
        fromTheNetwork.connectToHost(address, quint16(url.port()));
        QVERIFY2(!fromTheNetwork.waitForConnected(3000),
                 qPrintable(u"the preview answers on %1"_s.arg(address.toString())));
    }

    ::kill(static_cast<pid_t>(run.process().processId()), SIGINT);
    QSignalSpy exited(&run.process(), &QProcess::finished);
    QVERIFY2(run.finished() || exited.wait(60000), qPrintable(run.transcript()));
    QCOMPARE(run.process().exitCode(), 0);
}

QTEST_GUILESS_MAIN(TestHostileRepository)
#include "tst_hostilerepository.moc"
