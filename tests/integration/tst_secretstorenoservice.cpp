// SecretStore with no Secret Service at all: tests/support/run-keyring-test --no-keyring gives this
// program a private D-Bus session bus on which nothing owns (or can activate) org.freedesktop.secrets.
#include "secrets/ProjectSecrets.h"
#include "secrets/SecretStore.h"

#include <QCoroTask>
#include <QDBusConnection>
#include <QDBusVirtualObject>
#include <QDir>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;

namespace forge {

namespace {

// A Secret Service that takes every call and never answers: a hanging keyring.
class SilentSecretService : public QDBusVirtualObject
{
public:
    QString introspect(const QString&) const override { return {}; }
    bool handleMessage(const QDBusMessage&, const QDBusConnection&) override { return true; }
};

SecretResult await(QCoro::Task<SecretResult> task)
{
    return QCoro::waitFor(std::move(task));
}

} // namespace

class SecretStoreNoServiceTest : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase()
    {
        if (qEnvironmentVariable("FORGE_TEST_KEYRING") != u"no"_s)
            QSKIP("Run through tests/support/run-keyring-test --no-keyring (ctest does).");
    }

    void clearErrorWithinTheTimeout()
    {
        SecretStore store;
        const QString secret = u"dtn_NoServiceCanary0123456789abcdef"_s;
        const SecretKey key{SecretKind::DaytonaApiKey, u"app.daytona.io"_s, {}};
        QElapsedTimer clock;
        clock.start();
        const QList<SecretResult> results = {await(store.write(key, secret)), await(store.read(key)),
                                             await(store.remove(key))};
        QVERIFY2(clock.elapsed() < 3 * 3000, "each operation must end within its 3 s timeout");
        for (const SecretResult& result : results) {
            QCOMPARE(result.status(), SecretResult::Status::NoService);
            QVERIFY(!result.ok());
            QVERIFY2(result.message().startsWith(
                         u"No keychain service is running: install and unlock GNOME Keyring or KWallet"_s),
                     qPrintable(result.message()));
            QVERIFY(!result.message().contains(secret));
            QVERIFY(result.secret().isEmpty());
        }
        QVERIFY(!store.isUsingPlainTextFallback());
    }

    // Issue 20: a project's secret meets the same keychain as the GitHub token, and the run that
    // needs it is told the same thing, naming the variable, never its value.
    void projectSecretsGetTheSameMessages()
    {
        SecretStore store;
        ProjectSecrets secrets(store);
        const QString value = u"sk_test_NoServiceCanary0123456789"_s;
        const SecretResult written = await(secrets.write(u"project-1"_s, u"STRIPE_SECRET_KEY"_s, value));
        QCOMPARE(written.status(), SecretResult::Status::NoService);
        QVERIFY2(written.message().startsWith(u"No keychain service is running"_s),
                 qPrintable(written.message()));

        ProjectEnvironment environment;
        environment.set({u"STRIPE_SECRET_KEY"_s, QString(), true});
        environment.set({u"API_URL"_s, u"http://localhost:4000"_s});
        const ResolvedEnvironment resolved = QCoro::waitFor(secrets.resolve(u"project-1"_s, environment));
        QVERIFY2(
            resolved.problem.startsWith(u"The secret STRIPE_SECRET_KEY could not be read from the keychain: "
                                        u"No keychain service is running"_s),
            qPrintable(resolved.problem));
        QVERIFY(!resolved.problem.contains(value));
        QVERIFY(resolved.environment.isEmpty()); // nothing a run could go ahead with
    }

    void plainTextFallbackOnlyWhenAskedFor()
    {
        QTemporaryDir temp;
        QVERIFY(temp.isValid());
        const QString dir = temp.filePath(u"forge"_s);
        SecretStore store;
        QVERIFY(!store.isPlainTextFallbackEnabled());
        const SecretKey key{SecretKind::GitHubToken, u"github.com"_s, u"octocat"_s};
        QCOMPARE(await(store.write(key, u"plain-secret-value"_s)).status(), SecretResult::Status::NoService);
        QVERIFY(!QFileInfo::exists(dir));

        store.enablePlainTextFallback(dir);
        QSignalSpy activated(&store, &SecretStore::plainTextFallbackActivated);
        const SecretResult written = await(store.write(key, u"plain-secret-value"_s));
        QVERIFY2(written.ok(), qPrintable(written.message()));
        QVERIFY(store.isUsingPlainTextFallback());
        QCOMPARE(activated.count(), 1);
        const QFileInfo file(QDir(dir).filePath(u"secrets.json"_s));
        QVERIFY(file.exists());
        QCOMPARE(file.permissions() & ~(QFileDevice::ReadUser | QFileDevice::WriteUser),
                 QFileDevice::ReadOwner | QFileDevice::WriteOwner);

        const SecretResult read = await(store.read(key));
        QCOMPARE(read.status(), SecretResult::Status::Found);
        QCOMPARE(read.secret(), u"plain-secret-value"_s);
        QVERIFY(await(store.remove(key)).ok());
        QCOMPARE(await(store.read(key)).status(), SecretResult::Status::NotFound);
        QCOMPARE(activated.count(), 1);
    }

    // Last: the unanswered calls stay pending in libsecret until D-Bus gives up on them.
    void hangingKeyringTimesOut()
    {
        SilentSecretService silent;
        QDBusConnection bus = QDBusConnection::sessionBus();
        QVERIFY(bus.isConnected());
        QVERIFY(bus.registerVirtualObject(u"/"_s, &silent, QDBusConnection::SubPath));
        QVERIFY(bus.registerService(u"org.freedesktop.secrets"_s));

        SecretStore store;
        store.setTimeout(std::chrono::milliseconds(500));
        const QString secret = u"ghp_HangingCanary0123456789abcdefghijkl"_s;
        QElapsedTimer clock;
        clock.start();
        const SecretResult result =
            await(store.write({SecretKind::GitHubToken, u"github.com"_s, u"octocat"_s}, secret));
        const qint64 elapsed = clock.elapsed();
        QCOMPARE(result.status(), SecretResult::Status::TimedOut);
        QVERIFY2(elapsed >= 450 && elapsed < 5000, qPrintable(QString::number(elapsed)));
        QVERIFY2(result.message().startsWith(u"The keychain did not answer within 0.5 s"_s),
                 qPrintable(result.message()));
        QVERIFY(!result.message().contains(secret));

        bus.unregisterService(u"org.freedesktop.secrets"_s);
        bus.unregisterObject(u"/"_s, QDBusConnection::UnregisterTree);
    }
};

} // namespace forge

QTEST_GUILESS_MAIN(forge::SecretStoreNoServiceTest)
#include "tst_secretstorenoservice.moc"
