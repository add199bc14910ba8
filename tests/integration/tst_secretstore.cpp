// SecretStore against a real Secret Service: tests/support/run-keyring-test gives this program its
// own D-Bus session bus and a freshly unlocked gnome-keyring in a temporary HOME.
#include "secrets/SecretStore.h"

#include <QCoroTask>
#include <QElapsedTimer>
#include <QTest>

using namespace Qt::StringLiterals;

namespace forge {

namespace {

QStringList g_logged;

void recordMessage(QtMsgType, const QMessageLogContext&, const QString& message)
{
    g_logged.append(message);
}

SecretResult await(QCoro::Task<SecretResult> task)
{
    return QCoro::waitFor(std::move(task));
}

} // namespace

class SecretStoreTest : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase()
    {
        if (qEnvironmentVariable("FORGE_TEST_KEYRING") != u"yes"_s)
            QSKIP("Run through tests/support/run-keyring-test (ctest does), never against your own keyring.");
    }

    void roundTrip()
    {
        SecretStore store;
        const SecretKey key{SecretKind::GitHubToken, u"github.com"_s, u"octocat"_s};

        const SecretResult written = await(store.write(key, u"first-secret-value-123"_s));
        QVERIFY2(written.ok(), qPrintable(written.message()));
        QCOMPARE(written.status(), SecretResult::Status::Done);

        SecretResult read = await(store.read(key));
        QCOMPARE(read.status(), SecretResult::Status::Found);
        QCOMPARE(read.secret(), u"first-secret-value-123"_s);

        QVERIFY(await(store.write(key, u"second-secret-value-456"_s)).ok());
        read = await(store.read(key));
        QCOMPARE(read.secret(), u"second-secret-value-456"_s);

        QCOMPARE(await(store.remove(key)).status(), SecretResult::Status::Done);
        QCOMPARE(await(store.read(key)).status(), SecretResult::Status::NotFound);
        // Signing out twice is not an error.
        QCOMPARE(await(store.remove(key)).status(), SecretResult::Status::Done);
        QVERIFY(!store.isUsingPlainTextFallback());
    }

    void notFoundMeansSignedOut()
    {
        SecretStore store;
        const SecretResult read =
            await(store.read({SecretKind::GitHubToken, u"ghe.example.com"_s, u"nobody"_s}));
        QCOMPARE(read.status(), SecretResult::Status::NotFound);
        QVERIFY(read.ok());
        QVERIFY(read.message().isEmpty());
        QVERIFY(read.secret().isEmpty());
    }

    void hostsAndAccountsAreKeptApart()
    {
        SecretStore store;
        const QList<SecretKey> keys = {
            {SecretKind::GitHubToken, u"github.com"_s, u"alice"_s},
            {SecretKind::GitHubToken, u"github.com"_s, u"bob"_s},
            {SecretKind::GitHubToken, u"ghe.example.com"_s, u"alice"_s},
            {SecretKind::DaytonaApiKey, u"github.com"_s, u"alice"_s},
        };
        for (int i = 0; i < keys.size(); ++i)
            QVERIFY(await(store.write(keys.at(i), u"secret-number-%1"_s.arg(i))).ok());
        for (int i = 0; i < keys.size(); ++i)
            QCOMPARE(await(store.read(keys.at(i))).secret(), u"secret-number-%1"_s.arg(i));

        QVERIFY(await(store.remove(keys.at(1))).ok());
        QCOMPARE(await(store.read(keys.at(1))).status(), SecretResult::Status::NotFound);
        QCOMPARE(await(store.read(keys.at(0))).secret(), u"secret-number-0"_s);
        QCOMPARE(await(store.read(keys.at(2))).secret(), u"secret-number-2"_s);
        for (const SecretKey& key : keys)
            QVERIFY(await(store.remove(key)).ok());
    }

    void unicodeAndLongSecrets_data()
    {
        QTest::addColumn<QString>("secret");
        QTest::newRow("unicode") << u"pässwörd ✓ 秘密 🔑 \"quoted\" \\ /"_s;
        QString longSecret;
        for (int i = 0; i < 20000; ++i)
            longSecret.append(QChar(u'a' + i % 26));
        QTest::newRow("20,000 characters") << longSecret;
    }

    void unicodeAndLongSecrets()
    {
        QFETCH(QString, secret);
        SecretStore store;
        const SecretKey key{SecretKind::DaytonaApiKey, u"app.daytona.io"_s, u"team ✓"_s};
        QVERIFY(await(store.write(key, secret)).ok());
        const SecretResult read = await(store.read(key));
        QCOMPARE(read.status(), SecretResult::Status::Found);
        QCOMPARE(read.secret(), secret);
        QVERIFY(await(store.remove(key)).ok());
    }

    void secretNeverInMessagesOrLogs()
    {
        const QString secret = u"ghp_NeverLogMe0123456789abcdefghijklmnop"_s;
        g_logged.clear();
        const QtMessageHandler previous = qInstallMessageHandler(recordMessage);
        SecretStore store;
        const SecretKey key{SecretKind::GitHubToken, u"github.com"_s, u"leaktest"_s};
        QList<SecretResult> results;
        results << await(store.write(key, secret)) << await(store.read(key)) << await(store.remove(key))
                << await(store.read(key));
        for (const SecretResult& result : std::as_const(results))
            qDebug() << result;
        qInstallMessageHandler(previous);

        QCOMPARE(results.at(1).secret(), secret);
        QVERIFY(!g_logged.isEmpty());
        for (const QString& line : std::as_const(g_logged))
            QVERIFY2(!line.contains(secret) && !line.contains(secret.mid(4)), qPrintable(line));
        for (const SecretResult& result : std::as_const(results))
            QVERIFY(!result.message().contains(secret));
    }

    void answersWellWithinTheTimeout()
    {
        SecretStore store;
        QCOMPARE(store.timeout(), std::chrono::milliseconds(3000));
        store.setTimeout(std::chrono::seconds(10));
        QElapsedTimer clock;
        clock.start();
        const SecretResult read = await(store.read({SecretKind::GitHubToken, u"github.com"_s, u"timing"_s}));
        QCOMPARE(read.status(), SecretResult::Status::NotFound);
        QVERIFY(clock.elapsed() < 10000);
    }
};

} // namespace forge

QTEST_GUILESS_MAIN(forge::SecretStoreTest)
#include "tst_secretstore.moc"
