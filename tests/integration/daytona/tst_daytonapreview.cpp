// Daytona's preview semantics on the emulator (issue 17): the daemon forwards a preview to
// http://localhost:{port} inside the sandbox, so a server bound to 127.0.0.1 or ::1 answers; the
// toolbox lists IPv4 ports only; a request without a valid preview token is sent to sign in (307),
// which the readiness probe does not take for the dev server answering; and a 502 while the port
// is listed is explained as a server the proxy cannot reach, not as one bound to localhost.

#include "AwaitCatching.h"
#include "DaytonaEmulator.h"
#include "EmulatorFixture.h"
#include "Fixtures.h"
#include "GitHttpServer.h"
#include "sandbox/daytona/DaytonaProvider.h"
#include "workflow/PreviewWorkflow.h"
#include "workflow/ReadinessProbe.h"
#include "workflow/StepJournal.h"

#include <QCoroTask>
#include <QNetworkAccessManager>
#include <QNetworkProxy>
#include <QNetworkReply>
#include <QRandomGenerator>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QUrlQuery>

using namespace Qt::StringLiterals;
using namespace std::chrono_literals;
using forge::DaytonaProvider;
using forge::Failure;
using forge::PreviewEndpoint;
using forge::ReadinessProbe;
using forge::test::DaytonaEmulator;
using forge::test::EmulatorFixture;
using forge::test::GitHttpServer;

namespace {

constexpr auto ApiKey = "preview-test-key";

template<typename T>
forge::test::Caught<Failure, T> await(QCoro::Task<T> task)
{
    return forge::test::awaitCatching<Failure>(std::move(task));
}

struct Fetched
{
    int status = 0;
    QUrl location;
};

// One GET, redirects not followed: a redirect is the answer to look at.
Fetched fetch(const PreviewEndpoint& endpoint)
{
    QNetworkAccessManager network;
    network.setProxy(QNetworkProxy::NoProxy);
    QNetworkRequest request(endpoint.url);
    request.setTransferTimeout(10'000);
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::ManualRedirectPolicy);
    for (auto it = endpoint.headers.cbegin(); it != endpoint.headers.cend(); ++it)
        request.setRawHeader(it.key(), it.value());
    std::unique_ptr<QNetworkReply> reply(network.get(request));
    QSignalSpy finished(reply.get(), &QNetworkReply::finished);
    if (!reply->isFinished() && !finished.wait(15'000))
        return {};
    return {reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(),
            reply->attribute(QNetworkRequest::RedirectionTargetAttribute).toUrl()};
}

int freePort()
{
    return 8000 + int(QRandomGenerator::global()->bounded(1900));
}

} // namespace

class TestDaytonaPreview : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();

    void serversOnLocalhostAnswerAndPortsAreIpv4();
    void strangersAreSentToSignIn();
    void aServerTheProxyCannotReachIsExplained();

private:
    std::unique_ptr<DaytonaProvider> provider();
    // A started sandbox with the Express fixture cloned, for commands to run in.
    QString newSandbox(DaytonaProvider& daytona, const QString& name);
    // `python3 -m http.server <port> --bind <address>` in the sandbox, until the test ends.
    void serve(DaytonaProvider& daytona, const QString& id, int port, const QString& address);

    forge::test::ServedFixtures m_served;
    EmulatorFixture m_emulator;
    std::vector<std::unique_ptr<forge::BackgroundProcess>> m_servers;
};

void TestDaytonaPreview::initTestCase()
{
    const QString served = m_served.serve({u"express-app"_s});
    QVERIFY2(served.isEmpty(), qPrintable(served));
}

void TestDaytonaPreview::init()
{
    const QString started = m_emulator.start(QString::fromLatin1(ApiKey));
    QVERIFY2(started.isEmpty(), qPrintable(started));
}

void TestDaytonaPreview::cleanup()
{
    for (const auto& server : m_servers)
        forge::test::awaitCatchingVoid<Failure>(server->stop(2s));
    m_servers.clear();
    m_emulator.stop();
}

std::unique_ptr<DaytonaProvider> TestDaytonaPreview::provider()
{
    forge::daytona::DaytonaConfig config;
    config.apiKey = QString::fromLatin1(ApiKey);
    config.apiUrl = m_emulator->apiUrl();
    config.requestTimeout = 20s;
    auto daytona = std::make_unique<DaytonaProvider>(config, forge::DaytonaSandboxOptions{});
    daytona->setLogPollInterval(100ms);
    return daytona;
}

QString TestDaytonaPreview::newSandbox(DaytonaProvider& daytona, const QString& name)
{
    const auto sandbox = await(daytona.createSandbox({name, {{u"forge.project"_s, name}}}));
    if (!sandbox.value)
        return {};
    forge::CloneSpec clone;
    clone.url = m_served.git().repositoryUrl(u"express-app"_s);
    const auto cloned = await(daytona.cloneRepository(sandbox.value->id, clone, {}));
    return cloned.value && cloned.value->succeeded() ? sandbox.value->id : QString();
}

void TestDaytonaPreview::serve(DaytonaProvider& daytona, const QString& id, int port, const QString& address)
{
    forge::CommandSpec spec;
    spec.argv =
        QStringList{u"python3"_s, u"-m"_s, u"http.server"_s, QString::number(port), u"--bind"_s, address};
    auto started = await(daytona.startBackground(id, spec));
    QVERIFY2(started.value, started.error ? qPrintable(started.error->message()) : "");
    m_servers.push_back(std::move(*started.value));
}

void TestDaytonaPreview::serversOnLocalhostAnswerAndPortsAreIpv4()
{
    auto daytona = provider();
    const QString id = newSandbox(*daytona, u"forge-localhost-1"_s);
    QVERIFY(!id.isEmpty());
    const int ipv4 = freePort();
    const int ipv6 = ipv4 + 1;
    serve(*daytona, id, ipv4, u"127.0.0.1"_s);
    serve(*daytona, id, ipv6, u"::1"_s);

    // The proxy reaches both through localhost, as the daemon's does.
    const auto loopback4 = await(daytona->previewEndpoint(id, ipv4));
    const auto loopback6 = await(daytona->previewEndpoint(id, ipv6));
    QVERIFY(loopback4.value && loopback6.value);
    QTRY_COMPARE_WITH_TIMEOUT(fetch(*loopback4.value).status, 200, 20'000);
    QTRY_COMPARE_WITH_TIMEOUT(fetch(*loopback6.value).status, 200, 20'000);

    // The toolbox lists the IPv4 one only (netstat.TCPSocks in the daemon's port detector).
    const auto ports = await(daytona->listeningPorts(id));
    QVERIFY(ports.value && *ports.value);
    QVERIFY((*ports.value)->contains(ipv4));
    QVERIFY(!(*ports.value)->contains(ipv6));
}

void TestDaytonaPreview::strangersAreSentToSignIn()
{
    auto daytona = provider();
    const QString id = newSandbox(*daytona, u"forge-signin-1"_s);
    QVERIFY(!id.isEmpty());
    const int port = freePort();
    serve(*daytona, id, port, u"0.0.0.0"_s);
    const auto endpoint = await(daytona->previewEndpoint(id, port));
    QVERIFY(endpoint.value && endpoint.value->headers.contains("x-daytona-preview-token"));
    QTRY_COMPARE_WITH_TIMEOUT(fetch(*endpoint.value).status, 200, 20'000);

    // Without the token, or with a stale one: a 307 to sign in, returning to the proxy's /callback.
    PreviewEndpoint stale = *endpoint.value;
    stale.headers.insert("x-daytona-preview-token", "a-token-from-before-a-restart");
    PreviewEndpoint none = *endpoint.value;
    none.headers.remove("x-daytona-preview-token");
    for (const PreviewEndpoint& refused : {stale, none}) {
        const Fetched answer = fetch(refused);
        QCOMPARE(answer.status, 307);
        const QUrlQuery query(answer.location);
        QCOMPARE(query.queryItemValue(u"response_type"_s), u"code"_s);
        QCOMPARE(QUrl(query.queryItemValue(u"redirect_uri"_s, QUrl::FullyDecoded)).path(), u"/callback"_s);
    }

    // The readiness probe does not take that for the dev server answering.
    ReadinessProbe probe;
    const auto refused = await(probe.probe(stale, 5s));
    QVERIFY(refused.value);
    QVERIFY2(
        refused.value->outcome == ReadinessProbe::Outcome::SignInRequired,
        qPrintable(u"outcome %1, HTTP %2"_s.arg(int(refused.value->outcome)).arg(refused.value->httpStatus)));
    const auto answered = await(probe.probe(*endpoint.value, 5s));
    QVERIFY(answered.value && answered.value->outcome == ReadinessProbe::Outcome::Answered);
}

void TestDaytonaPreview::aServerTheProxyCannotReachIsExplained()
{
    // 127.0.0.2 is neither 127.0.0.1 nor ::1: listed by the toolbox, unreachable through localhost.
    auto daytona = provider();
    forge::PreviewRequest request;
    const auto parsed =
        forge::RepoRef::parse(m_served.git().repositoryUrl(u"express-app"_s).toString(), QDir::currentPath());
    request.repository = std::get<forge::RepoRef>(parsed);
    request.projectId = u"33333333-2222-3333-4444-555555555555"_s;
    request.readyTimeout = 8s;
    forge::RunPlan plan;
    plan.devCommand = {u"python3"_s, u"-m"_s, u"http.server"_s, u"${PORT}"_s, u"--bind"_s, u"127.0.0.2"_s};
    plan.expectedPort = freePort();
    request.plan = plan;
    forge::InMemoryStepJournal journal;
    forge::PreviewWorkflow workflow(*daytona, journal, request);
    const auto run = await(workflow.run());
    QVERIFY(run.error);
    const QString message = run.error->message();
    QVERIFY2(message.contains(u"connects to localhost:"_s), qPrintable(message));
    QVERIFY2(!message.contains(u"bound to localhost"_s), qPrintable(message));
    QVERIFY2(run.error->advice().contains(u"0.0.0.0 or localhost"_s), qPrintable(run.error->advice()));
    forge::test::awaitCatchingVoid<Failure>(workflow.stop());
}

QTEST_GUILESS_MAIN(TestDaytonaPreview)
#include "tst_daytonapreview.moc"
