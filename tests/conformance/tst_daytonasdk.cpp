// The emulator held to Daytona's own client: installs the official TypeScript SDK
// (@daytonaio/sdk, the exact version in daytona/package.json, locked by daytona/package-lock.json)
// with `npm ci` into the build folder and runs daytona/scenario.cjs with it against the
// forge-daytona-emulator program. An install that fails, or a step the emulator answers unlike
// Daytona, fails the test; nothing is skipped.
#include "FixtureRepository.h"
#include "GitHttpServer.h"

#include <QCoreApplication>
#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QProcess>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;
using forge::test::FixtureRepository;
using forge::test::GitHttpServer;

namespace {

const QString SdkSource = QStringLiteral(FORGE_CONFORMANCE_SOURCE_DIR "/daytona");
const QString SdkInstall = QStringLiteral(FORGE_CONFORMANCE_BINARY_DIR "/daytona-sdk");
const QString NpmCache = QStringLiteral(FORGE_CONFORMANCE_BINARY_DIR "/npm-cache");

QByteArray fileHash(const QString& path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return QCryptographicHash::hash(file.readAll(), QCryptographicHash::Sha256).toHex();
}

bool copyReplacing(const QString& from, const QString& to)
{
    QFile::remove(to);
    return QFile::copy(from, to);
}

// Echoes a child's merged output as it comes, so CTest shows each step even when it hangs.
void echoOutput(QProcess& process)
{
    process.setProcessChannelMode(QProcess::MergedChannels);
    QObject::connect(&process, &QProcess::readyReadStandardOutput, &process, [&process] {
        const QByteArray bytes = process.readAllStandardOutput();
        fwrite(bytes.constData(), 1, size_t(bytes.size()), stdout);
        fflush(stdout);
    });
}

// Runs `process` (already set up) to its end within `timeout`; false with the reason otherwise.
bool runToEnd(QProcess& process, std::chrono::milliseconds timeout, QString* why)
{
    QSignalSpy finished(&process, &QProcess::finished);
    process.start();
    if (!process.waitForStarted()) {
        *why = u"%1 did not start: %2"_s.arg(process.program(), process.errorString());
        return false;
    }
    if (!finished.wait(int(timeout.count()))) {
        process.kill();
        process.waitForFinished();
        *why = u"%1 did not finish within %2 s"_s.arg(process.program()).arg(timeout.count() / 1000);
        return false;
    }
    if (process.exitStatus() != QProcess::NormalExit || process.exitCode() != 0) {
        *why = u"%1 exited with %2"_s.arg(process.program()).arg(process.exitCode());
        return false;
    }
    return true;
}

// A free port where the daemon's IsPortInUse answers (3000-9999), starting somewhere this process
// picks so that tests running at once rarely try the same ones.
quint16 freePreviewPort()
{
    const int start = 3000 + int(QCoreApplication::applicationPid() % 7000);
    for (int i = 0; i < 7000; ++i) {
        QTcpServer server;
        const auto port = quint16(3000 + (start - 3000 + i) % 7000);
        if (server.listen(QHostAddress::Any, port))
            return port;
    }
    return 0;
}

} // namespace

class TestDaytonaSdk : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void sdkScenario();

private:
    void installSdk();
    void startEmulator();

    QTemporaryDir m_scratch;
    std::unique_ptr<GitHttpServer> m_git;
    QProcess m_emulator;
    QString m_apiUrl;
};

void TestDaytonaSdk::initTestCase()
{
    QVERIFY(m_scratch.isValid());
    installSdk();
    if (QTest::currentTestFailed())
        return;
    FixtureRepository repository(m_scratch.filePath(u"work/conformance"_s));
    QVERIFY2(repository.initializeWithFiles({{u"README.md"_s, "# conformance\n"}}),
             qPrintable(repository.errorString()));
    QVERIFY2(repository.createBareClone(m_scratch.filePath(u"served"_s)),
             qPrintable(repository.errorString()));
    m_git = std::make_unique<GitHttpServer>(m_scratch.filePath(u"served"_s));
    QString error;
    QVERIFY2(m_git->listen(&error), qPrintable(error));
    startEmulator();
}

// `npm ci` from the committed lock, with its cache in the build folder; skipped only when the same
// lock was installed there before.
void TestDaytonaSdk::installSdk()
{
    const QString npm = QStandardPaths::findExecutable(u"npm"_s);
    QVERIFY2(!npm.isEmpty(), "npm is not on PATH: install Node.js and npm (scripts/test installs them)");
    QVERIFY(QDir().mkpath(SdkInstall));
    const QString stamp = SdkInstall + u"/installed-lock.sha256"_s;
    const QByteArray lockHash = fileHash(SdkSource + u"/package-lock.json"_s);
    QVERIFY2(!lockHash.isEmpty(), "tests/conformance/daytona/package-lock.json cannot be read");
    QFile stampFile(stamp);
    if (stampFile.open(QIODevice::ReadOnly) && stampFile.readAll() == lockHash &&
        QFileInfo::exists(SdkInstall + u"/node_modules/@daytonaio/sdk/package.json"_s)) {
        return;
    }
    stampFile.close();
    QFile::remove(stamp);
    QVERIFY(copyReplacing(SdkSource + u"/package.json"_s, SdkInstall + u"/package.json"_s));
    QVERIFY(copyReplacing(SdkSource + u"/package-lock.json"_s, SdkInstall + u"/package-lock.json"_s));

    QProcess install;
    echoOutput(install);
    install.setWorkingDirectory(SdkInstall);
    install.setProgram(npm);
    // No install scripts: the SDK and its dependencies need none to run.
    install.setArguments({u"ci"_s, u"--cache"_s, NpmCache, u"--ignore-scripts"_s, u"--no-audit"_s,
                          u"--no-fund"_s, u"--prefer-offline"_s});
    QString why;
    QVERIFY2(runToEnd(install, std::chrono::minutes(10), &why),
             qPrintable(u"Installing Daytona's SDK failed (%1). It needs the npm registry (or a filled cache "
                        "in %2); see npm's output above."_s.arg(why, NpmCache)));
    QVERIFY(stampFile.open(QIODevice::WriteOnly));
    stampFile.write(lockHash);
}

void TestDaytonaSdk::startEmulator()
{
    m_emulator.setProcessChannelMode(QProcess::MergedChannels);
    m_emulator.setProgram(QStringLiteral(FORGE_DAYTONA_EMULATOR_PATH));
    // Each state change takes a while, so the SDK sees the transitional states and polls past them.
    m_emulator.setArguments({u"--port"_s, u"0"_s, u"--data-dir"_s, m_scratch.filePath(u"emulator"_s),
                             u"--transition-delay"_s, u"300"_s});
    QSignalSpy output(&m_emulator, &QProcess::readyReadStandardOutput);
    m_emulator.start();
    QVERIFY2(m_emulator.waitForStarted(), qPrintable(m_emulator.errorString()));
    while (!m_emulator.canReadLine())
        QVERIFY2(output.wait(30000), "forge-daytona-emulator printed no API URL within 30 s");
    m_apiUrl = QString::fromUtf8(m_emulator.readLine().trimmed());
    QVERIFY2(m_apiUrl.startsWith(u"http://127.0.0.1:"_s), qPrintable(m_apiUrl));
    // From here on its warnings go with the test's output.
    QObject::connect(&m_emulator, &QProcess::readyReadStandardOutput, this, [this] {
        const QByteArray bytes = m_emulator.readAllStandardOutput();
        fwrite(bytes.constData(), 1, size_t(bytes.size()), stdout);
        fflush(stdout);
    });
}

void TestDaytonaSdk::cleanupTestCase()
{
    if (m_emulator.state() == QProcess::NotRunning)
        return;
    QSignalSpy finished(&m_emulator, &QProcess::finished);
    m_emulator.terminate(); // SIGTERM: the emulator ends its sandboxes' processes and quits
    if (!finished.wait(30000)) {
        m_emulator.kill();
        m_emulator.waitForFinished();
    }
}

void TestDaytonaSdk::sdkScenario()
{
    const QString node = QStandardPaths::findExecutable(u"node"_s);
    QVERIFY2(!node.isEmpty(), "node is not on PATH: install Node.js (scripts/test installs it)");
    const quint16 port = freePreviewPort();
    QVERIFY(port != 0);
    QProcess scenario;
    echoOutput(scenario);
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(u"NODE_PATH"_s, SdkInstall + u"/node_modules"_s);
    environment.insert(u"DAYTONA_API_URL"_s, m_apiUrl);
    environment.insert(u"DAYTONA_API_KEY"_s, u"test-api-key"_s); // the emulator's default key
    environment.insert(u"FORGE_GIT_URL"_s, m_git->repositoryUrl(u"conformance"_s).toString());
    environment.insert(u"FORGE_FREE_PORT"_s, QString::number(port));
    environment.remove(u"DAYTONA_JWT_TOKEN"_s);
    environment.remove(u"DAYTONA_ORGANIZATION_ID"_s);
    environment.remove(u"DAYTONA_TARGET"_s);
    scenario.setProcessEnvironment(environment);
    scenario.setProgram(node);
    scenario.setArguments({SdkSource + u"/scenario.cjs"_s});
    QString why;
    QVERIFY2(
        runToEnd(scenario, std::chrono::minutes(5), &why),
        qPrintable(u"Daytona's SDK scenario failed (%1); the step and the mismatch are above."_s.arg(why)));
}

QTEST_GUILESS_MAIN(TestDaytonaSdk)
#include "tst_daytonasdk.moc"
