// A project's own variables (issue 20; CommandSpec::privateEnvironment) on the Daytona back end: a
// secret such as a Stripe key reaches the command, and no value is ever in a request Daytona keeps
// or shows (a session command's text, a URL, a header). It travels only in the body of one file
// upload, to a file the command reads and deletes before anything else runs.
//
// Against the emulator: its session commands run in a real sh (inside bubblewrap) with the
// session's state kept between commands, and its file API writes real files, so the file's life is
// checked in the sandbox's folders themselves.

#include "AwaitCatching.h"
#include "DaytonaEmulator.h"
#include "EmulatorFixture.h"
#include "SecretLeakScanner.h"
#include "core/Failure.h"
#include "sandbox/daytona/DaytonaProvider.h"

#include <QDir>
#include <QFileInfo>
#include <QRandomGenerator>
#include <QSignalSpy>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace std::chrono_literals;
using forge::BackgroundProcess;
using forge::CommandSpec;
using forge::DaytonaProvider;
using forge::Failure;
using forge::OutputChannel;
using forge::test::EmulatorFixture;
using forge::test::SecretLeakScanner;

namespace {

constexpr auto ApiKey = "private-environment-test-key";
const QString SecretName = u"STRIPE_SECRET_KEY"_s;
// The session exec route, as the toolbox proxy receives it.
const QString ExecPath = u"/process/session/[^/]+/exec$"_s;

template<typename T>
forge::test::Caught<Failure, T> await(QCoro::Task<T> task)
{
    return forge::test::awaitCatching<Failure>(std::move(task));
}

std::optional<Failure> awaitVoid(QCoro::Task<> task)
{
    return forge::test::awaitCatchingVoid<Failure>(std::move(task));
}

QString randomSecret()
{
    QByteArray bytes(16, Qt::Uninitialized);
    QRandomGenerator::system()->fillRange(reinterpret_cast<quint32*>(bytes.data()), 4);
    return u"sk_test_"_s + QString::fromLatin1(bytes.toHex());
}

// Each form the value could take on the wire: itself, base64 of it (as in a JSON or multipart body
// that encodes it), and the forms SecretLeakScanner knows for tokens.
QByteArrayList formsOf(const QString& secret)
{
    QByteArrayList forms = SecretLeakScanner::formsOf(secret);
    forms << secret.toUtf8().toBase64() << secret.toUtf8().toPercentEncoding();
    return forms;
}

// The command prints the secret, then the plain variable, then the one both set.
CommandSpec printingSpec(const QString& secret, const QString& tail = {})
{
    CommandSpec spec;
    spec.argv =
        QStringList{u"sh"_s, u"-c"_s,
                    u"printf '%s|%s|%s\\n' \"$STRIPE_SECRET_KEY\" \"$FORGE_PLAIN\" \"$FORGE_BOTH\""_s + tail};
    spec.environment = {{u"FORGE_PLAIN"_s, u"plain"_s}, {u"FORGE_BOTH"_s, u"from environment"_s}};
    spec.privateEnvironment = {{SecretName, secret}, {u"FORGE_BOTH"_s, u"from the project"_s}};
    spec.timeout = 60s;
    return spec;
}

} // namespace

class TestDaytonaPrivateEnvironment : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();

    void aCommandReadsTheSecretFromAFileItDeletes();
    void theDevServerReadsTheSecretFromAFileItDeletes();
    void aCommandThatNeverStartsLeavesNoFile();
    void aValueNoEnvironmentCanCarryIsRefusedBeforeAnyRequest();

private:
    std::unique_ptr<DaytonaProvider> provider();
    // A started sandbox with an empty project folder.
    QString newSandbox(DaytonaProvider& daytona, const QString& name);
    // The files in the sandbox's environment-file folder.
    QStringList environmentFiles(const QString& id) const;
    // Fails unless `secret` is in no request's target, header or body except exactly one
    // bulk-upload body, and in no session command.
    void checkRequests(const QString& secret);

    EmulatorFixture m_emulator;
};

void TestDaytonaPrivateEnvironment::init()
{
    const QString started = m_emulator.start(QString::fromLatin1(ApiKey));
    QVERIFY2(started.isEmpty(), qPrintable(started));
}

void TestDaytonaPrivateEnvironment::cleanup()
{
    m_emulator.stop();
}

std::unique_ptr<DaytonaProvider> TestDaytonaPrivateEnvironment::provider()
{
    forge::daytona::DaytonaConfig config;
    config.apiKey = QString::fromLatin1(ApiKey);
    config.apiUrl = m_emulator->apiUrl();
    config.requestTimeout = 20s;
    auto daytona = std::make_unique<DaytonaProvider>(config, forge::DaytonaSandboxOptions{});
    daytona->setLogPollInterval(100ms);
    return daytona;
}

QString TestDaytonaPrivateEnvironment::newSandbox(DaytonaProvider& daytona, const QString& name)
{
    const auto sandbox = await(daytona.createSandbox({name, {{u"forge.project"_s, name}}}));
    if (!sandbox.value)
        return {};
    // What a clone would leave: the project folder below the work dir.
    if (!QDir().mkpath(m_emulator.workspacePath(sandbox.value->id) + u"/project"_s))
        return {};
    return sandbox.value->id;
}

QStringList TestDaytonaPrivateEnvironment::environmentFiles(const QString& id) const
{
    return QDir(m_emulator.workspacePath(id) + u"/.forge-env"_s)
        .entryList(QDir::AllEntries | QDir::Hidden | QDir::NoDotAndDotDot);
}

void TestDaytonaPrivateEnvironment::checkRequests(const QString& secret)
{
    const SecretLeakScanner value(formsOf(secret));
    int uploads = 0;
    int execs = 0;
    for (const auto& recorded : m_emulator->requests()) {
        const QString what = QString::fromLatin1(recorded.method + ' ' + recorded.path());
        QVERIFY2(!value.contains(recorded.target), qPrintable(u"the secret is in the target of "_s + what));
        for (const auto& [name, headerValue] : recorded.headers)
            QVERIFY2(!value.contains(name) && !value.contains(headerValue),
                     qPrintable(u"the secret is in a header of "_s + what));
        const bool upload = recorded.method == "POST" && recorded.path().endsWith("/files/bulk-upload");
        if (QRegularExpression(ExecPath).match(QString::fromLatin1(recorded.path())).hasMatch()) {
            ++execs;
            QVERIFY2(!value.contains(recorded.body), "the secret is in a session command Daytona keeps");
        }
        if (upload && value.contains(recorded.body)) {
            ++uploads;
            continue;
        }
        QVERIFY2(!value.contains(recorded.body), qPrintable(u"the secret is in the body of "_s + what));
    }
    QCOMPARE(execs, 1);
    QCOMPARE(uploads, 1);
}

void TestDaytonaPrivateEnvironment::aCommandReadsTheSecretFromAFileItDeletes()
{
    auto daytona = provider();
    const QString id = newSandbox(*daytona, u"forge-secret-cmd-1"_s);
    QVERIFY(!id.isEmpty());
    const QString secret = randomSecret();
    SecretLeakScanner scanner(formsOf(secret));
    scanner.startSamplingCommandLines();
    m_emulator->clearRequests();

    QByteArray out;
    QByteArray err;
    const auto result = await(
        daytona->runCommand(id, printingSpec(secret), [&](OutputChannel channel, const QByteArray& bytes) {
            (channel == OutputChannel::Stdout ? out : err) += bytes;
        }));
    scanner.stop();
    QVERIFY2(result.value, qPrintable(result.describe()));
    QVERIFY2(result.value->succeeded(), err.constData());
    QCOMPARE(out, (secret + u"|plain|from the project\n"_s).toUtf8());

    checkRequests(secret);
    if (QTest::currentTestFailed())
        return;
    // No process in the sandbox had it in its arguments (env(1) NAME=value would).
    QVERIFY(scanner.samplesTaken() > 0);
    QVERIFY2(scanner.commandLineLeaks().isEmpty(), qPrintable(scanner.commandLineLeaks().join(u'\n')));
    // The file is gone, its folder is the sandbox user's only, and no file of the sandbox (the
    // session's kept state included) holds the value.
    const QFileInfo folder(m_emulator.workspacePath(id) + u"/.forge-env"_s);
    QVERIFY(folder.isDir());
    QCOMPARE(folder.permissions() &
                 (QFileDevice::ReadGroup | QFileDevice::WriteGroup | QFileDevice::ExeGroup |
                  QFileDevice::ReadOther | QFileDevice::WriteOther | QFileDevice::ExeOther),
             QFileDevice::Permissions());
    QVERIFY2(environmentFiles(id).isEmpty(), qPrintable(environmentFiles(id).join(u", "_s)));
    const QStringList files = scanner.filesContainingSecrets(m_emulator.dataPath());
    QVERIFY2(files.isEmpty(), qPrintable(files.join(u", "_s)));

    // A command without project variables needs no file and sends none.
    m_emulator->clearRequests();
    CommandSpec plain;
    plain.argv = QStringList{u"true"_s};
    const auto ran = await(daytona->runCommand(id, plain, {}));
    QVERIFY(ran.value && ran.value->succeeded());
    for (const auto& recorded : m_emulator->requests())
        QVERIFY(!recorded.path().endsWith("/files/bulk-upload") &&
                !recorded.path().endsWith("/files/folder"));
}

void TestDaytonaPrivateEnvironment::theDevServerReadsTheSecretFromAFileItDeletes()
{
    auto daytona = provider();
    const QString id = newSandbox(*daytona, u"forge-secret-server-1"_s);
    QVERIFY(!id.isEmpty());
    const QString secret = randomSecret();
    SecretLeakScanner scanner(formsOf(secret));
    scanner.startSamplingCommandLines();
    m_emulator->clearRequests();

    auto started = await(daytona->startBackground(id, printingSpec(secret, u"; exec sleep 60"_s)));
    QVERIFY2(started.value, qPrintable(started.describe()));
    std::unique_ptr<BackgroundProcess> server = std::move(*started.value);
    QByteArray out;
    connect(server.get(), &BackgroundProcess::output, this,
            [&out](OutputChannel channel, const QByteArray& bytes) {
                if (channel == OutputChannel::Stdout)
                    out += bytes;
            });
    QTRY_VERIFY_WITH_TIMEOUT(out.contains('\n'), 20'000);
    QCOMPARE(out, (secret + u"|plain|from the project\n"_s).toUtf8());
    QVERIFY(server->isRunning());

    // While the server runs: the file is gone already, and nothing sent or kept holds the value.
    QVERIFY2(environmentFiles(id).isEmpty(), qPrintable(environmentFiles(id).join(u", "_s)));
    const QStringList files = scanner.filesContainingSecrets(m_emulator.dataPath());
    QVERIFY2(files.isEmpty(), qPrintable(files.join(u", "_s)));
    scanner.stop();
    QVERIFY2(scanner.commandLineLeaks().isEmpty(), qPrintable(scanner.commandLineLeaks().join(u'\n')));
    checkRequests(secret);
    if (QTest::currentTestFailed())
        return;

    QVERIFY(!awaitVoid(server->stop(1s)));
    // Stopped: the session's shell kept nothing of it either.
    const QStringList after = scanner.filesContainingSecrets(m_emulator.dataPath());
    QVERIFY2(after.isEmpty(), qPrintable(after.join(u", "_s)));
}

void TestDaytonaPrivateEnvironment::aCommandThatNeverStartsLeavesNoFile()
{
    auto daytona = provider();
    const QString id = newSandbox(*daytona, u"forge-secret-fail-1"_s);
    QVERIFY(!id.isEmpty());
    const QString secret = randomSecret();

    // The exec request fails after the file was uploaded: the provider deletes it.
    m_emulator->failNext("POST", ExecPath, 500);
    const auto command = await(daytona->runCommand(id, printingSpec(secret), {}));
    QVERIFY(command.error);
    QVERIFY2(environmentFiles(id).isEmpty(), qPrintable(environmentFiles(id).join(u", "_s)));

    m_emulator->failNext("POST", ExecPath, 500);
    const auto server = await(daytona->startBackground(id, printingSpec(secret, u"; exec sleep 60"_s)));
    QVERIFY(server.error);
    QVERIFY2(environmentFiles(id).isEmpty(), qPrintable(environmentFiles(id).join(u", "_s)));

    int deletes = 0;
    for (const auto& recorded : m_emulator->requests()) {
        if (recorded.method == "DELETE" && recorded.path().endsWith("/files") &&
            recorded.queryItems().queryItemValue(u"path"_s, QUrl::FullyDecoded).contains(u"/.forge-env/"_s))
            ++deletes;
    }
    QCOMPARE(deletes, 2);
}

void TestDaytonaPrivateEnvironment::aValueNoEnvironmentCanCarryIsRefusedBeforeAnyRequest()
{
    auto daytona = provider();
    const QString id = newSandbox(*daytona, u"forge-secret-nul-1"_s);
    QVERIFY(!id.isEmpty());
    CommandSpec spec;
    spec.argv = QStringList{u"true"_s};
    spec.privateEnvironment = {{u"DATABASE_URL"_s, u"postgres://a"_s + QChar(0) + u"b"_s}};
    m_emulator->clearRequests();
    const auto result = await(daytona->runCommand(id, spec, {}));
    QVERIFY(result.error);
    QVERIFY2(result.error->message().contains(u"DATABASE_URL"_s), qPrintable(result.error->message()));
    QVERIFY(!result.error->advice().isEmpty());
    for (const auto& recorded : m_emulator->requests())
        QVERIFY2(!recorded.path().contains("/process/session") && !recorded.path().contains("/files"),
                 recorded.target.constData());
}

QTEST_GUILESS_MAIN(TestDaytonaPrivateEnvironment)
#include "tst_daytonaprivateenvironment.moc"
