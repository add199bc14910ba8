// Cloning through forge::LocalProvider::cloneRepository from a real git smart-HTTP server: default
// and named branch into the sandbox workspace, a private repository with a token, a missing
// repository (404), a refused address, and the canary token never in .git/config or in the output.
#include "FixtureRepository.h"
#include "GitHttpServer.h"
#include "SecretLeakScanner.h"
#include "core/Failure.h"
#include "sandbox/LocalProvider.h"

#include <QCoroTask>
#include <QDir>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <exception>
#include <memory>
#include <optional>

using namespace Qt::StringLiterals;
using forge::CloneSpec;
using forge::CommandResult;
using forge::LocalProvider;
using forge::OutputChannel;
using forge::test::FixtureRepository;
using forge::test::GitHttpServer;
using forge::test::RecordedRequest;

Q_DECLARE_METATYPE(LocalProvider::Isolation)

namespace {

const QString Canary = u"ghp_CANARYlocalclone0123456789abcdefABCD"_s;

QByteArray expectedAuthorization(const QString& token)
{
    const QByteArray credentials = "x-access-token:" + token.toUtf8();
    return "basic " + credentials.toBase64();
}

QString readFile(const QString& path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return u"<unreadable: "_s + path + u'>';
    return QString::fromUtf8(file.readAll());
}

// The outcome of one cloneRepository call: either a result or the Failure it threw.
struct CloneOutcome
{
    std::optional<CommandResult> result;
    std::optional<forge::Failure> failure;
    QByteArray output;                // stdout and stderr as the sink received them
    bool unexpectedException = false; // something other than forge::Failure was thrown
};

} // namespace

class TestLocalClone : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_servedRoot;
    std::unique_ptr<GitHttpServer> m_server;
    std::unique_ptr<GitHttpServer> m_privateServer; // requires the canary token
    int m_sandboxCounter = 0;

    std::unique_ptr<LocalProvider> makeProvider(LocalProvider::Isolation isolation)
    {
        LocalProvider::Options options;
        options.dataDirectory = m_dir.filePath(u"data"_s);
        options.isolation = isolation;
        return std::make_unique<LocalProvider>(options);
    }

    QString newSandbox(LocalProvider& provider)
    {
        forge::SandboxSpec spec;
        spec.name = u"forge-clonetest-"_s + QString::number(++m_sandboxCounter);
        spec.labels.insert(u"forge.project"_s, spec.name);
        QString error;
        const QString id = QCoro::waitFor(createAndStart(provider, spec, &error));
        if (id.isEmpty())
            qWarning("could not create the sandbox: %s", qPrintable(error));
        return id;
    }

    // QCoro 0.8's waitFor() never returns when the awaited task throws (the exception stays in its
    // helper coroutine and the nested loop is never quit), so every provider call is awaited inside
    // a coroutine of ours that catches, and only that one is waited for.
    static QCoro::Task<QString> createAndStart(LocalProvider& provider, forge::SandboxSpec spec,
                                               QString* error)
    {
        try {
            const forge::SandboxInfo info = co_await provider.createSandbox(spec);
            co_await provider.startSandbox(info.id);
            co_return info.id;
        } catch (const std::exception& e) {
            *error = QString::fromUtf8(e.what());
        }
        co_return QString();
    }

    static QCoro::Task<CloneOutcome> cloneCatching(LocalProvider& provider, QString id, CloneSpec spec)
    {
        CloneOutcome outcome;
        auto output = std::make_shared<QByteArray>();
        // A local sink, not a temporary in the co_await expression: GCC 12 destroys such a
        // temporary twice, which releases the captured shared_ptr twice.
        const forge::OutputSink sink = [output](OutputChannel, const QByteArray& bytes) {
            output->append(bytes);
        };
        try {
            outcome.result = co_await provider.cloneRepository(id, spec, sink);
        } catch (const forge::Failure& failure) {
            outcome.failure = failure;
        } catch (const std::exception& e) {
            outcome.failure =
                forge::Failure::permanent(u"unexpected exception: "_s + QString::fromUtf8(e.what()));
            outcome.unexpectedException = true;
        }
        outcome.output = *output;
        co_return outcome;
    }

    CloneOutcome clone(LocalProvider& provider, const QString& id, CloneSpec spec)
    {
        CloneOutcome outcome = QCoro::waitFor(cloneCatching(provider, id, spec));
        if (outcome.unexpectedException)
            qWarning("%s", qPrintable(outcome.failure->message()));
        return outcome;
    }

    static QString describe(const CloneOutcome& outcome)
    {
        QString text;
        if (outcome.result)
            text = u"exit %1%2%3"_s.arg(outcome.result->exitCode)
                       .arg(outcome.result->timedOut ? u" (timed out)"_s : QString())
                       .arg(outcome.result->crashed ? u" (crashed)"_s : QString());
        if (outcome.failure)
            text = u"Failure: "_s + outcome.failure->message() + u" / "_s + outcome.failure->advice();
        return text + u"\n"_s + QString::fromUtf8(outcome.output);
    }

    static QString headOf(const QString& repository)
    {
        QProcess git;
        git.setWorkingDirectory(repository);
        git.start(u"git"_s, {u"rev-parse"_s, u"--abbrev-ref"_s, u"HEAD"_s});
        git.waitForFinished(30000); // local and instant
        return QString::fromUtf8(git.readAllStandardOutput()).trimmed();
    }

    void verifyNoSecrets(const QString& workspace, const CloneOutcome& outcome)
    {
        const QString config = readFile(workspace + u"/.git/config"_s);
        QVERIFY2(!config.startsWith(u"<unreadable"_s), qPrintable(config));
        const QString base64 = QString::fromLatin1(expectedAuthorization(Canary).mid(6));
        for (const QString& text : {config, QString::fromUtf8(outcome.output)}) {
            QVERIFY2(!text.contains(Canary), qPrintable(text));
            QVERIFY2(!text.contains(base64), qPrintable(text));
            QVERIFY2(!text.contains(u"extraheader"_s, Qt::CaseInsensitive), qPrintable(text));
        }
        QVERIFY2(!config.contains(u'@'), qPrintable(config)); // no userinfo in remote.origin.url
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_servedRoot = m_dir.filePath(u"served"_s);
        FixtureRepository repo(m_dir.filePath(u"work/app"_s));
        QVERIFY2(repo.initializeWithFiles({{u"README.md"_s, "main\n"_ba},
                                           {u"package.json"_s, R"({"name":"app","version":"1.0.0"})"_ba}}),
                 qPrintable(repo.errorString()));
        QVERIFY2(repo.addBranch(u"preview/feature"_s, u"README.md"_s, "feature\n"_ba),
                 qPrintable(repo.errorString()));
        QVERIFY2(repo.createBareClone(m_servedRoot, u"app"_s), qPrintable(repo.errorString()));

        m_server = std::make_unique<GitHttpServer>(m_servedRoot);
        m_privateServer = std::make_unique<GitHttpServer>(m_servedRoot);
        QString error;
        QVERIFY2(m_server->listen(&error), qPrintable(error));
        QVERIFY2(m_privateServer->listen(&error), qPrintable(error));
        m_privateServer->requireAuthorization(expectedAuthorization(Canary));
    }

    void init()
    {
        m_server->clearRequests();
        m_privateServer->clearRequests();
    }

    void defaultThenNamedBranch_data()
    {
        QTest::addColumn<LocalProvider::Isolation>("isolation");
        QTest::newRow("plain processes") << LocalProvider::Isolation::None;
        // The clone keeps this machine's network (git runs no repository code), so loopback works.
        QTest::newRow("bubblewrap") << LocalProvider::Isolation::Bubblewrap;
    }

    void defaultThenNamedBranch()
    {
        QFETCH(LocalProvider::Isolation, isolation);
        auto provider = makeProvider(isolation);
        const QString id = newSandbox(*provider);
        QVERIFY(!id.isEmpty());
        const QString workspace = provider->workspacePath(id);

        CloneSpec spec;
        spec.url = m_server->repositoryUrl(u"app"_s);
        const CloneOutcome first = clone(*provider, id, spec);
        QVERIFY2(first.result && first.result->succeeded(), qPrintable(describe(first)));
        QCOMPARE(readFile(workspace + u"/README.md"_s), u"main\n"_s);
        QCOMPARE(readFile(workspace + u"/package.json"_s), uR"({"name":"app","version":"1.0.0"})"_s);
        QCOMPARE(headOf(workspace), u"main"_s);
        qInfo("cloned %s bubblewrap", provider->isIsolated() ? "inside" : "without");

        // A second clone replaces what the first left in the workspace.
        spec.branch = u"preview/feature"_s;
        const CloneOutcome second = clone(*provider, id, spec);
        QVERIFY2(second.result && second.result->succeeded(), qPrintable(describe(second)));
        QCOMPARE(readFile(workspace + u"/README.md"_s), u"feature\n"_s);
        QCOMPARE(headOf(workspace), u"preview/feature"_s);
        QCOMPARE(m_server->requestsWithAuthorization(), 0);
    }

    void privateRepositoryWithToken_data() { defaultThenNamedBranch_data(); }

    void privateRepositoryWithToken()
    {
        QFETCH(LocalProvider::Isolation, isolation);
        auto provider = makeProvider(isolation);
        const QString id = newSandbox(*provider);
        QVERIFY(!id.isEmpty());
        const QString workspace = provider->workspacePath(id);

        // While the clone runs, sample every process's argv (git, bwrap, whatever the provider
        // starts) for the token in plain or header form.
        forge::test::SecretLeakScanner scanner(forge::test::SecretLeakScanner::formsOf(Canary));
        scanner.startSamplingCommandLines();

        CloneSpec spec;
        spec.url = m_privateServer->repositoryUrl(u"app"_s);
        spec.authToken = Canary;
        const CloneOutcome outcome = clone(*provider, id, spec);
        scanner.stop();
        QVERIFY2(outcome.result && outcome.result->succeeded(), qPrintable(describe(outcome)));
        QCOMPARE(readFile(workspace + u"/README.md"_s), u"main\n"_s);
        const auto requests = m_privateServer->requests();
        QVERIFY(!requests.isEmpty());
        for (const RecordedRequest& r : requests)
            QCOMPARE(r.status, 200);
        QVERIFY2(scanner.commandLineLeaks().isEmpty(), qPrintable(scanner.commandLineLeaks().join(u'\n')));
        verifyNoSecrets(workspace, outcome);
    }

    void privateRepositoryWithoutTokenFails()
    {
        auto provider = makeProvider(LocalProvider::Isolation::None);
        const QString id = newSandbox(*provider);
        QVERIFY(!id.isEmpty());
        CloneSpec spec;
        spec.url = m_privateServer->repositoryUrl(u"app"_s);
        const CloneOutcome outcome = clone(*provider, id, spec);
        // A failed command result or a permanent Failure are both fine; success and prompting are not.
        QVERIFY2((outcome.result && !outcome.result->succeeded()) ||
                     (outcome.failure && !outcome.failure->isTransient()),
                 qPrintable(describe(outcome)));
        QVERIFY(!m_privateServer->requests().isEmpty());
        QCOMPARE(m_privateServer->requests().first().status, 401);
    }

    void missingRepository()
    {
        auto provider = makeProvider(LocalProvider::Isolation::None);
        const QString id = newSandbox(*provider);
        QVERIFY(!id.isEmpty());
        CloneSpec spec;
        spec.url = m_server->repositoryUrl(u"missing"_s);
        spec.authToken = Canary;
        const CloneOutcome outcome = clone(*provider, id, spec);
        QVERIFY2(outcome.result, qPrintable(describe(outcome)));
        QVERIFY2(outcome.result->exitCode != 0, qPrintable(describe(outcome)));
        QVERIFY2(outcome.output.contains("not found"), qPrintable(describe(outcome)));
        QVERIFY(!outcome.output.contains(Canary.toUtf8()));
        QVERIFY(!m_server->requests().isEmpty());
        QCOMPARE(m_server->requests().first().status, 404);
    }

    void refusedAddressContactsNothing_data()
    {
        QTest::addColumn<QUrl>("url");
        QTest::newRow("ext") << QUrl(u"ext::sh -c touch% /tmp/forge-localclone-pwned"_s);
        QTest::newRow("userinfo") << QUrl(
            u"http://x-access-token:%1@127.0.0.1:%2/app.git"_s.arg(Canary).arg(m_server->port()));
        QTest::newRow("plain http elsewhere") << QUrl(u"http://example.com/app.git"_s);
    }

    void refusedAddressContactsNothing()
    {
        QFETCH(QUrl, url);
        auto provider = makeProvider(LocalProvider::Isolation::None);
        const QString id = newSandbox(*provider);
        QVERIFY(!id.isEmpty());
        CloneSpec spec;
        spec.url = url;
        const CloneOutcome outcome = clone(*provider, id, spec);
        QVERIFY2((outcome.result && !outcome.result->succeeded()) ||
                     (outcome.failure && !outcome.failure->isTransient()),
                 qPrintable(describe(outcome)));
        if (outcome.failure)
            QVERIFY(!outcome.failure->message().contains(Canary));
        QVERIFY(!outcome.output.contains(Canary.toUtf8()));
        QVERIFY(m_server->requests().isEmpty());
        QVERIFY(!QFileInfo::exists(u"/tmp/forge-localclone-pwned"_s));
    }
};

QTEST_GUILESS_MAIN(TestLocalClone)
#include "tst_localclone.moc"
