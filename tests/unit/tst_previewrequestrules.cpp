// The preview's private-network block (issue 16, item 5): the address ranges against IANA's
// special-purpose registries, and names that resolve into them, with the resolver replaced by a
// fake so that any name can point anywhere. The same rules run in the preview (tests/gui/preview
// checks them against real pages).

#include "ui/preview/PreviewOrigin.h"
#include "ui/preview/PreviewRequestRules.h"
#include "ui/preview/ResolvedHostCheck.h"

#include <QElapsedTimer>
#include <QHash>
#include <QHostInfo>
#include <QMutex>
#include <QSemaphore>
#include <QTest>
#include <algorithm>
#include <atomic>
#include <memory>

using namespace Qt::StringLiterals;
using namespace std::chrono_literals;
using forge::ui::ResolvedHostCheck;
namespace previeworigin = forge::ui::previeworigin;
namespace previewrequests = forge::ui::previewrequests;
using Verdict = previewrequests::Verdict;
using Outcome = ResolvedHostCheck::Outcome;

namespace {

// A resolver that answers from a table, counts its calls and can be held until released. Shared
// with the lookup threads, which may outlive a test function.
struct FakeResolver
{
    QMutex mutex;
    QHash<QString, QList<QHostAddress>> answers;
    QHash<QString, int> calls;
    std::atomic<bool> held = false;
    QSemaphore release;

    void answer(const QString& host, const QStringList& addresses)
    {
        QList<QHostAddress> list;
        for (const QString& address : addresses)
            list.append(QHostAddress(address));
        QMutexLocker locker(&mutex);
        answers.insert(host, list);
    }
    int callsFor(const QString& host)
    {
        QMutexLocker locker(&mutex);
        return calls.value(host);
    }
    int allCalls()
    {
        QMutexLocker locker(&mutex);
        int sum = 0;
        for (const int count : std::as_const(calls))
            sum += count;
        return sum;
    }
};

ResolvedHostCheck::Lookup lookupFrom(const std::shared_ptr<FakeResolver>& fake)
{
    return [fake](const QString& host) {
        {
            QMutexLocker locker(&fake->mutex);
            ++fake->calls[host];
        }
        if (fake->held)
            fake->release.acquire();
        QMutexLocker locker(&fake->mutex);
        return fake->answers.value(host);
    };
}

const previewrequests::Rules LocalPreview{QUrl(u"http://127.0.0.1:5173"_s), {{"x-token", "t"}}};
const previewrequests::Rules RemotePreview{QUrl(u"https://3000-x.proxy.daytona.works"_s), {{"x-token", "t"}}};

} // namespace

class TestPreviewRequestRules : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void localAddresses_data()
    {
        QTest::addColumn<QString>("host");
        // IPv4, per IANA's special-purpose registry, plus multicast.
        for (const auto* host :
             {"0.0.0.0",         "0.1.2.3",         "10.0.0.1",       "10.255.255.255", "100.64.0.1",
              "100.100.100.100", "100.127.255.255", "127.0.0.1",      "127.1.2.3",      "169.254.169.254",
              "172.16.0.1",      "172.31.255.255",  "192.0.0.1",      "192.0.2.10",     "192.88.99.1",
              "192.168.1.1",     "198.18.0.1",      "198.19.255.255", "198.51.100.7",   "203.0.113.9",
              "224.0.0.251",     "239.255.255.250", "240.0.0.1",      "255.255.255.255"})
            QTest::newRow(host) << QString::fromLatin1(host);
        // IPv6: special ranges, and IPv4 addresses carried inside IPv6.
        for (const auto* host : {"::",
                                 "::1",
                                 "[::1]",
                                 "::127.0.0.1",
                                 "::ffff:127.0.0.1",
                                 "::ffff:10.0.0.1",
                                 "::ffff:100.64.0.1",
                                 "::ffff:198.18.0.1",
                                 "64:ff9b::c0a8:101",
                                 "64:ff9b::127.0.0.1",
                                 "64:ff9b::a9fe:a9fe",
                                 "64:ff9b::6440:1",
                                 "[64:ff9b::10.1.2.3]",
                                 "64:ff9b:1::8.8.8.8",
                                 "100::1",
                                 "2001::1",
                                 "2001:2::1",
                                 "2001:db8::1",
                                 "2002:c0a8:101::1",
                                 "2002:7f00:1::",
                                 "3fff::1",
                                 "5f00::1",
                                 "fc00::1",
                                 "fd12:3456::1",
                                 "fe80::1",
                                 "fe80::1%1",
                                 "fec0::1",
                                 "ff02::1",
                                 "ff0e::1"})
            QTest::newRow(host) << QString::fromLatin1(host);
        // Names that mean this machine by definition.
        for (const auto* host : {"localhost", "LOCALHOST.", "app.localhost"})
            QTest::newRow(host) << QString::fromLatin1(host);
    }
    void localAddresses()
    {
        QFETCH(QString, host);
        QVERIFY2(previeworigin::isLocalNetworkHost(host), qPrintable(host));
    }

    void publicAddresses_data()
    {
        QTest::addColumn<QString>("host");
        // Next to the blocked ranges, on both sides.
        for (const auto* host :
             {"8.8.8.8", "1.1.1.1", "11.0.0.1", "100.63.255.255", "100.128.0.1", "172.15.255.255",
              "172.32.0.1", "192.0.1.1", "192.169.0.1", "198.17.255.255", "198.20.0.1", "223.255.255.255",
              "::ffff:8.8.8.8", "64:ff9b::808:808", "2001:200::1", "2001:4860:4860::8888",
              "2606:4700:4700::1111", "2002:808:808::1", "3ffe::1"})
            QTest::newRow(host) << QString::fromLatin1(host);
    }
    void publicAddresses()
    {
        QFETCH(QString, host);
        QVERIFY2(!previeworigin::isLocalNetworkHost(host), qPrintable(host));
    }

    // Names are not judged by their text (that is the look-up's job).
    void namesAreNotJudgedByText()
    {
        QVERIFY(!previeworigin::isLocalNetworkHost(u"example.com"_s));
        QVERIFY(!previeworigin::isLocalNetworkHost(u"127.0.0.1.nip.io"_s));
    }

    // The attack of issue 16: a name the page controls that resolves to this machine or the
    // private network. Each is blocked, with the address in the reason; public names pass.
    void namesThatResolveToLocalAddressesAreBlocked_data()
    {
        QTest::addColumn<QString>("host");
        QTest::addColumn<QStringList>("addresses");
        QTest::newRow("loopback") << u"rebind.example"_s << QStringList{u"127.0.0.1"_s};
        QTest::newRow("router") << u"router.example"_s << QStringList{u"192.168.1.1"_s};
        QTest::newRow("cloud metadata") << u"metadata.example"_s << QStringList{u"169.254.169.254"_s};
        QTest::newRow("carrier-grade NAT") << u"tailnet.example"_s << QStringList{u"100.101.102.103"_s};
        QTest::newRow("NAT64 of a private address") << u"nat64.example"_s << QStringList{u"64:ff9b::a00:1"_s};
        QTest::newRow("IPv6 loopback") << u"six.example"_s << QStringList{u"::1"_s};
        QTest::newRow("one private among public")
            << u"mixed.example"_s << QStringList{u"93.184.216.34"_s, u"2606:2800:220:1::1"_s, u"10.0.0.1"_s};
    }
    void namesThatResolveToLocalAddressesAreBlocked()
    {
        QFETCH(QString, host);
        QFETCH(QStringList, addresses);
        auto fake = std::make_shared<FakeResolver>();
        fake->answer(host, addresses);
        ResolvedHostCheck names(lookupFrom(fake));
        for (const auto& rules : {LocalPreview, RemotePreview}) {
            const auto decision =
                previewrequests::decide(rules, QUrl(u"https://"_s + host + u"/x.js"_s), &names);
            QVERIFY(decision.verdict == Verdict::Block);
            QVERIFY2(decision.reason.contains(host) && decision.reason.contains(u"local network"_s),
                     qPrintable(decision.reason));
        }
        // Upper case and a trailing dot are the same name, and the answer is remembered.
        QVERIFY(previewrequests::decide(LocalPreview, QUrl(u"http://"_s + host.toUpper() + u"./"_s), &names)
                    .verdict == Verdict::Block);
        QCOMPARE(fake->callsFor(host), 1);
    }

    void publicNamesPassAndOnlyNamesAreLookedUp()
    {
        auto fake = std::make_shared<FakeResolver>();
        fake->answer(u"cdn.example"_s, {u"93.184.216.34"_s, u"2606:2800:220:1::1"_s});
        ResolvedHostCheck names(lookupFrom(fake));
        QVERIFY(
            previewrequests::decide(LocalPreview, QUrl(u"https://cdn.example/lib.js"_s), &names).verdict ==
            Verdict::Allow);
        // The preview's own origin, addresses and localhost need no look-up.
        QVERIFY(
            previewrequests::decide(RemotePreview, QUrl(u"https://3000-x.proxy.daytona.works/a"_s), &names)
                .verdict == Verdict::AllowWithHeaders);
        QVERIFY(previewrequests::decide(LocalPreview, QUrl(u"https://93.184.216.34/"_s), &names).verdict ==
                Verdict::Allow);
        QVERIFY(previewrequests::decide(LocalPreview, QUrl(u"http://localhost:5173/"_s), &names).verdict ==
                Verdict::Allow);
        QVERIFY(previewrequests::decide(LocalPreview, QUrl(u"http://[fd00::1]/"_s), &names).verdict ==
                Verdict::Block);
        QVERIFY(previewrequests::decide(LocalPreview, QUrl(u"data:text/plain,x"_s), &names).verdict ==
                Verdict::Allow);
        QCOMPARE(fake->allCalls(), 1);
    }

    void unresolvedNamesAreBlocked()
    {
        auto fake = std::make_shared<FakeResolver>();
        ResolvedHostCheck names(lookupFrom(fake));
        const auto decision =
            previewrequests::decide(LocalPreview, QUrl(u"https://nowhere.example/"_s), &names);
        QVERIFY(decision.verdict == Verdict::Block);
        QVERIFY2(decision.reason.contains(u"could not be looked up"_s), qPrintable(decision.reason));
    }

    // A slow answer blocks the request (fail closed) after a short wait; the look-up goes on and a
    // later request gets its answer.
    void slowLookupsBlockUntilAnswered()
    {
        auto fake = std::make_shared<FakeResolver>();
        fake->answer(u"slow.example"_s, {u"192.168.0.10"_s});
        fake->held = true;
        ResolvedHostCheck::Limits limits;
        limits.waitPerRequest = 50ms;
        ResolvedHostCheck names(lookupFrom(fake), limits);
        const auto first = previewrequests::decide(LocalPreview, QUrl(u"https://slow.example/"_s), &names);
        QVERIFY(first.verdict == Verdict::Block);
        QVERIFY2(first.reason.contains(u"not looked up in time"_s), qPrintable(first.reason));
        fake->held = false;
        fake->release.release();
        QTRY_VERIFY(names.check(u"slow.example"_s).outcome == Outcome::Local);
        QCOMPARE(fake->callsFor(u"slow.example"_s), 1);
    }

    // A page that asks for many slow names cannot freeze the window: once the waiting budget is
    // spent, unknown names are blocked at once, and no more than a few look-ups run at a time.
    void waitingAndLookupsAreBounded()
    {
        auto fake = std::make_shared<FakeResolver>();
        fake->held = true;
        ResolvedHostCheck::Limits limits;
        limits.waitPerRequest = 100ms;
        limits.waitBudget = 150ms;
        limits.concurrentLookups = 3;
        ResolvedHostCheck names(lookupFrom(fake), limits);
        QElapsedTimer clock;
        clock.start();
        for (int i = 0; i < 20; ++i)
            QVERIFY(names.check(u"n%1.example"_s.arg(i)).outcome == Outcome::Pending);
        // 100 ms for the first name, what is left of the budget for the second, nothing after.
        QVERIFY2(clock.elapsed() < 1000, qPrintable(QString::number(clock.elapsed())));
        QTRY_COMPARE(fake->allCalls(), 3);
        fake->held = false;
        fake->release.release(3);
    }

    // The real resolver: this machine's own name resolves to one of its addresses (through
    // /etc/hosts or nss-myhostname on most systems), which a preview must not reach by name.
    void systemResolverCatchesThisMachinesName()
    {
        const QString name = QHostInfo::localHostName();
        const QHostInfo info = QHostInfo::fromName(name);
        const bool resolvesHere =
            std::any_of(info.addresses().cbegin(), info.addresses().cend(),
                        [](const QHostAddress& a) { return previeworigin::isLocalNetworkAddress(a); });
        if (name.isEmpty() || !resolvesHere)
            QSKIP("This machine's name does not resolve to a local address here.");
        ResolvedHostCheck names;
        const auto decision =
            previewrequests::decide(LocalPreview, QUrl(u"http://%1:22/"_s.arg(name)), &names);
        QVERIFY(decision.verdict == Verdict::Block);
        QVERIFY2(decision.reason.contains(u"points to"_s), qPrintable(decision.reason));
    }

    void answersExpire()
    {
        auto fake = std::make_shared<FakeResolver>();
        fake->answer(u"flip.example"_s, {u"93.184.216.34"_s});
        ResolvedHostCheck::Limits limits;
        limits.remember = 20ms;
        ResolvedHostCheck names(lookupFrom(fake), limits);
        QVERIFY(names.check(u"flip.example"_s).outcome == Outcome::Public);
        // The name now points home; once the answer is old, the next request sees that.
        fake->answer(u"flip.example"_s, {u"127.0.0.1"_s});
        QTRY_VERIFY(names.check(u"flip.example"_s).outcome == Outcome::Local);
        QVERIFY(fake->callsFor(u"flip.example"_s) >= 2);
    }
};

QTEST_GUILESS_MAIN(TestPreviewRequestRules)
#include "tst_previewrequestrules.moc"
