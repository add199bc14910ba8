// The local sandbox's network: pasta's command line (what is forwarded, and nothing else) and the
// user's proxy and registry settings that sandboxes keep (HostServices).

#include "sandbox/Bubblewrap.h"
#include "sandbox/HostServices.h"
#include "sandbox/SandboxNetwork.h"

#include <QTest>

using namespace Qt::StringLiterals;
using namespace forge;

class TestSandboxNetwork : public QObject
{
    Q_OBJECT

private:
    static QString valueAfter(const QStringList& args, const QString& option)
    {
        const qsizetype at = args.indexOf(option);
        return at >= 0 && at + 1 < args.size() ? args.at(at + 1) : QString();
    }

private Q_SLOTS:
    // pasta forwards everything both ways by default ("auto"); every direction is set explicitly.
    void pastaForwardsNothingByDefault()
    {
        const QStringList args = SandboxNetwork::pastaArguments({true, {}, {}}, 4242, {}, false);
        QCOMPARE(valueAfter(args, u"--tcp-ports"_s), u"none"_s);
        QCOMPARE(valueAfter(args, u"--tcp-ns"_s), u"none"_s);
        QCOMPARE(valueAfter(args, u"--udp-ports"_s), u"none"_s);
        QCOMPARE(valueAfter(args, u"--udp-ns"_s), u"none"_s);
        QVERIFY(args.contains(u"--no-map-gw"_s));
        QCOMPARE(valueAfter(args, u"--netns"_s), u"/proc/4242/ns/net"_s);
        QCOMPARE(valueAfter(args, u"--dns-forward"_s), QString::fromLatin1(SandboxNetwork::DnsAddress));
        QVERIFY(!args.contains(u"--runas"_s));
        QVERIFY(!args.contains(u"--userns"_s));
    }

    void pastaForwardsExactlyTheGivenPorts()
    {
        const QStringList args =
            SandboxNetwork::pastaArguments({true, {5173, 24678}, {3128, 4873}}, 7, u"/proc/1/fd/9"_s, true);
        QCOMPARE(args.count(u"--tcp-ports"_s), 2);
        QVERIFY(args.contains(u"127.0.0.1/5173"_s)); // bound on loopback only
        QVERIFY(args.contains(u"127.0.0.1/24678"_s));
        QCOMPARE(valueAfter(args, u"--tcp-ns"_s), u"3128,4873"_s);
        QCOMPARE(valueAfter(args, u"--runas"_s), u"0"_s);
        QCOMPARE(valueAfter(args, u"--userns"_s), u"/proc/1/fd/9"_s);
    }

    void bubblewrapNeverSharesTheNetworkWithRepositoryCode()
    {
        BubblewrapSpec spec;
        spec.workspace = u"/w"_s;
        spec.homeDirectory = u"/h"_s;
        spec.tmpDirectory = u"/t"_s;
        spec.resolvConf = u"/data/network/resolv.conf"_s;
        for (const auto mode : {SandboxNetworkMode::LoopbackOnly, SandboxNetworkMode::Private}) {
            spec.network = mode;
            const QStringList args = Bubblewrap::arguments(spec, {u"true"_s});
            QVERIFY(!args.contains(u"--share-net"_s));
            QVERIFY(args.contains(u"--unshare-all"_s));
            QCOMPARE(args.contains(u"--block-fd"_s), mode == SandboxNetworkMode::Private);
            QCOMPARE(args.contains(u"/data/network/resolv.conf"_s), mode == SandboxNetworkMode::Private);
        }
        spec.network = SandboxNetworkMode::Host; // git clone only
        QVERIFY(Bubblewrap::arguments(spec, {u"git"_s}).contains(u"--share-net"_s));
    }

    void hostServicesFromTheEnvironment()
    {
        QProcessEnvironment env;
        env.insert(u"HTTPS_PROXY"_s, u"http://user:secret@127.0.0.1:3128"_s);
        env.insert(u"http_proxy"_s, u"proxy.corp.example:8080"_s); // not on this machine
        env.insert(u"no_proxy"_s, u"localhost,127.0.0.1"_s);
        env.insert(u"HTTP_PROXY"_s, u"http://127.0.0.1:9"_s); // curl ignores it (httpoxy); so do we
        env.insert(u"HOME"_s, u"/home/someone"_s);
        const HostServices services = HostServices::read(env, "registry=http://localhost:4873/\n");
        QCOMPARE(services.variables.value(u"HTTPS_PROXY"_s), u"http://user:secret@127.0.0.1:3128"_s);
        QCOMPARE(services.variables.value(u"http_proxy"_s), u"proxy.corp.example:8080"_s);
        QCOMPARE(services.variables.value(u"no_proxy"_s), u"localhost,127.0.0.1"_s);
        QCOMPARE(services.variables.value(u"npm_config_registry"_s), u"http://localhost:4873/"_s);
        QVERIFY(!services.variables.contains(u"HOME"_s));
        QVERIFY(!services.variables.contains(u"HTTP_PROXY"_s));
        QCOMPARE(services.loopbackPorts(), (QList<int>{3128, 4873}));
        QCOMPARE(services.describeLoopback(),
                 u"127.0.0.1:3128 (HTTPS_PROXY), 127.0.0.1:4873 (registry in ~/.npmrc)"_s);
    }

    void hostServicesEnvironmentRegistryWinsOverNpmrc()
    {
        QProcessEnvironment env;
        env.insert(u"npm_config_registry"_s, u"https://registry.npmjs.org/"_s);
        const HostServices services =
            HostServices::read(env, "; comment\nregistry = http://127.0.0.1:4873\n");
        QCOMPARE(services.variables.value(u"npm_config_registry"_s), u"https://registry.npmjs.org/"_s);
        QVERIFY(services.loopback.isEmpty());
        QVERIFY(HostServices::read({}, {}).variables.isEmpty());
    }

    void hostServicesDefaultPorts()
    {
        QProcessEnvironment env;
        env.insert(u"all_proxy"_s, u"socks5://[::1]"_s);
        env.insert(u"https_proxy"_s, u"https://localhost"_s);
        const HostServices services = HostServices::read(env, {});
        QCOMPARE(services.loopbackPorts(), (QList<int>{1080, 443}));
    }
};

QTEST_GUILESS_MAIN(TestSandboxNetwork)
#include "tst_sandboxnetwork.moc"
