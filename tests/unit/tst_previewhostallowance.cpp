// What the workflow tells a dev server behind a preview proxy, and how it explains a preview the
// proxy cannot reach.

#include "workflow/FailureAdvice.h"
#include "workflow/PreviewHostAllowance.h"

#include <QTest>

using namespace Qt::StringLiterals;
using forge::Framework;
using forge::previewHostEnvironment;

class TestPreviewHostAllowance : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void proxyHostIsAllowed()
    {
        const auto environment =
            previewHostEnvironment(QUrl(u"https://5173-abc.proxy.daytona.works/"_s), Framework::Vite);
        QCOMPARE(environment.value(u"__VITE_ADDITIONAL_SERVER_ALLOWED_HOSTS"_s),
                 u"5173-abc.proxy.daytona.works"_s);
        QVERIFY(!environment.contains(u"DANGEROUSLY_DISABLE_HOST_CHECK"_s));
        const auto cra = previewHostEnvironment(QUrl(u"https://3000-abc.proxy.daytona.works/"_s),
                                                Framework::CreateReactApp);
        QCOMPARE(cra.value(u"DANGEROUSLY_DISABLE_HOST_CHECK"_s), u"true"_s);
    }

    void addressesAndLocalhostNeedNothing()
    {
        for (const QString& url :
             {u"http://127.0.0.1:5173/"_s, u"http://[::1]:5173/"_s, u"http://localhost:3000/"_s,
              u"http://app.localhost:3000/"_s, u"http://10.0.0.5:8080/"_s}) {
            QVERIFY2(previewHostEnvironment(QUrl(url), Framework::Vite).isEmpty(), qPrintable(url));
        }
    }

    void thePlansOwnValuesWin()
    {
        const auto merged =
            forge::mergedInto({{u"__VITE_ADDITIONAL_SERVER_ALLOWED_HOSTS"_s, u"mine.example"_s}},
                              {{u"__VITE_ADDITIONAL_SERVER_ALLOWED_HOSTS"_s, u"proxy.example"_s},
                               {u"DANGEROUSLY_DISABLE_HOST_CHECK"_s, u"true"_s}});
        QCOMPARE(merged.value(u"__VITE_ADDITIONAL_SERVER_ALLOWED_HOSTS"_s), u"mine.example"_s);
        QCOMPARE(merged.value(u"DANGEROUSLY_DISABLE_HOST_CHECK"_s), u"true"_s);
    }

    void badGatewayIsExplainedFromTheSandboxsPorts()
    {
        forge::FailureAdvice::NotReadyEvidence evidence;
        evidence.port = 5173;
        evidence.proxyStatus = 502;
        evidence.sandboxPorts = QList<int>{2280, 5173};
        // Daytona's daemon forwards to localhost:{port}: a listed port that gives 502 is bound to
        // another address (or does not speak HTTP), never "bound to localhost" (issue 17).
        const auto unreachable = forge::FailureAdvice::devServerNotReady(evidence, {});
        QVERIFY2(unreachable.message().contains(u"bound to an address other than localhost"_s),
                 qPrintable(unreachable.message()));
        QVERIFY(unreachable.advice().contains(u"0.0.0.0 or localhost"_s));

        evidence.sandboxPorts = QList<int>{2280};
        const auto nothing = forge::FailureAdvice::devServerNotReady(evidence, {});
        QVERIFY2(nothing.message().contains(u"Nothing listens on that port"_s),
                 qPrintable(nothing.message()));

        evidence.sawReadyLine = true;
        evidence.announcedPort = 3000;
        const auto elsewhere = forge::FailureAdvice::devServerNotReady(evidence, {});
        QVERIFY2(elsewhere.message().contains(u"port 3000 instead"_s), qPrintable(elsewhere.message()));
    }

    void blockedHostNamesTheHostAndTheSetting()
    {
        const auto failure = forge::FailureAdvice::previewHostBlocked(
            u"5173-abc.proxy.daytona.works"_s, u"Blocked request. This host is not allowed."_s, {});
        QVERIFY(failure.message().contains(u"5173-abc.proxy.daytona.works"_s));
        QVERIFY(failure.advice().contains(u"server.allowedHosts"_s));
        QVERIFY(!failure.isTransient());
    }
};

QTEST_GUILESS_MAIN(TestPreviewHostAllowance)
#include "tst_previewhostallowance.moc"
