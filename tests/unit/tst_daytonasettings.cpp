// DaytonaSettings: what is kept in QSettings (and what never is), validation, and how the
// environment's credentials, URL and target compose with the stored settings.

#include "store/DaytonaSettings.h"

#include <QFile>
#include <QSettings>
#include <QTemporaryDir>
#include <QTest>
#include <QUuid>

using namespace Qt::StringLiterals;
using namespace forge;

namespace {

QProcessEnvironment environment(const QList<std::pair<QString, QString>>& values)
{
    QProcessEnvironment env;
    for (const auto& [name, value] : values)
        env.insert(name, value);
    return env;
}

} // namespace

class TestDaytonaSettings : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;

    QString iniPath(const QString& name) const { return m_dir.filePath(name + u".ini"_s); }

private Q_SLOTS:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    void defaultsWhenNothingIsStored()
    {
        const QSettings empty(iniPath(u"empty"_s), QSettings::IniFormat);
        const DaytonaSettings settings = DaytonaSettings::load(empty);
        QCOMPARE(settings.apiUrl, u"https://app.daytona.io/api"_s);
        QVERIFY(settings.target.isEmpty());
        QCOMPARE(DaytonaSandboxOptions::toString(settings.size), u"small"_s);
        QVERIFY(settings.snapshot.isEmpty());
        QCOMPARE(settings.image, u"node:22-bookworm"_s);
        QVERIFY(!settings.publicPreview);
        QCOMPARE(settings.autoStopMinutes, 30);
        QVERIFY(settings.isValid());
        QVERIFY(settings == DaytonaSettings());
    }

    void roundTripsThroughQSettingsWithoutAnyKey()
    {
        DaytonaSettings settings;
        settings.apiUrl = u"https://daytona.example.com/api"_s;
        settings.target = u"eu"_s;
        settings.size = DaytonaSandboxOptions::Size::Large;
        settings.snapshot = u"forge-node-22"_s;
        settings.image = u"node:20-bookworm"_s;
        settings.publicPreview = true;
        settings.autoStopMinutes = 0;
        {
            QSettings stored(iniPath(u"round"_s), QSettings::IniFormat);
            settings.save(stored);
        }
        const QSettings reread(iniPath(u"round"_s), QSettings::IniFormat);
        QCOMPARE(DaytonaSettings::load(reread), settings);
        for (const QString& name : reread.allKeys())
            QVERIFY2(name.startsWith(u"daytona/"_s), qPrintable(name));

        // Saving while a key is in the environment writes nothing of it.
        qputenv("DAYTONA_API_KEY", "dtn_secret-key-that-must-stay-in-memory");
        {
            QSettings stored(iniPath(u"round"_s), QSettings::IniFormat);
            settings.save(stored);
        }
        qunsetenv("DAYTONA_API_KEY");
        QFile file(iniPath(u"round"_s));
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QByteArray contents = file.readAll();
        QVERIFY(!contents.contains("dtn_secret"));
        QVERIFY(!contents.toLower().contains("apikey"));
        QVERIFY(!contents.toLower().contains("token"));
    }

    void keepsInvalidStoredValuesAndNamesThem()
    {
        {
            QSettings stored(iniPath(u"bad"_s), QSettings::IniFormat);
            stored.setValue(u"daytona/apiUrl"_s, u"http://daytona.example.com/api"_s);
            stored.setValue(u"daytona/size"_s, u"gigantic"_s);
            stored.setValue(u"daytona/autoStopMinutes"_s, u"soon"_s);
            stored.setValue(u"daytona/image"_s, u"node 22"_s);
        }
        const QSettings stored(iniPath(u"bad"_s), QSettings::IniFormat);
        const DaytonaSettings settings = DaytonaSettings::load(stored);
        // Kept as typed, so the dialog shows it and the user can correct it.
        QCOMPARE(settings.apiUrl, u"http://daytona.example.com/api"_s);
        QCOMPARE(settings.image, u"node 22"_s);
        // Unreadable values fall back to their defaults.
        QCOMPARE(DaytonaSandboxOptions::toString(settings.size), u"small"_s);
        QCOMPARE(settings.autoStopMinutes, 30);
        QVERIFY(!settings.isValid());
        QVERIFY(settings.problem(DaytonaSettings::Field::ApiUrl).contains(u"https"_s));
        QVERIFY(!settings.problem(DaytonaSettings::Field::Image).isEmpty());
        QVERIFY(settings.problem(DaytonaSettings::Field::Target).isEmpty());
    }

    void validatesTheApiUrl_data()
    {
        QTest::addColumn<QString>("url");
        QTest::addColumn<bool>("valid");
        QTest::newRow("default") << u"https://app.daytona.io/api"_s << true;
        QTest::newRow("trailing slash") << u"https://app.daytona.io/api/"_s << true;
        QTest::newRow("self-hosted") << u"https://daytona.corp.example:8443/api"_s << true;
        QTest::newRow("http loopback v4") << u"http://127.0.0.1:3986/api"_s << true;
        QTest::newRow("http loopback 127/8") << u"http://127.0.0.2:3986/api"_s << true;
        QTest::newRow("http loopback v6") << u"http://[::1]:3986/api"_s << true;
        QTest::newRow("http localhost") << u"http://localhost:3986/api"_s << true;
        QTest::newRow("http remote") << u"http://app.daytona.io/api"_s << false;
        QTest::newRow("http private network") << u"http://192.168.1.10/api"_s << false;
        QTest::newRow("empty") << u""_s << false;
        QTest::newRow("spaces") << u"   "_s << false;
        QTest::newRow("no scheme") << u"app.daytona.io/api"_s << false;
        QTest::newRow("ftp") << u"ftp://app.daytona.io/api"_s << false;
        QTest::newRow("file") << u"file:///etc/passwd"_s << false;
        QTest::newRow("user info") << u"https://me:pw@app.daytona.io/api"_s << false;
        QTest::newRow("query") << u"https://app.daytona.io/api?x=1"_s << false;
        QTest::newRow("garbage") << u"https://exa mple.com/"_s << false;
    }

    void validatesTheApiUrl()
    {
        QFETCH(QString, url);
        QFETCH(bool, valid);
        DaytonaSettings settings;
        settings.apiUrl = url;
        const QString problem = settings.problem(DaytonaSettings::Field::ApiUrl);
        QVERIFY2(problem.isEmpty() == valid, qPrintable(problem));
        QCOMPARE(DaytonaSettings::apiUrlProblem(url).isEmpty(), valid);
    }

    void validatesTheOtherFields()
    {
        DaytonaSettings settings;
        settings.autoStopMinutes = -1;
        QVERIFY(!settings.problem(DaytonaSettings::Field::AutoStop).isEmpty());
        settings.autoStopMinutes = DaytonaSettings::MaxAutoStopMinutes + 1;
        QVERIFY(!settings.problem(DaytonaSettings::Field::AutoStop).isEmpty());
        settings.autoStopMinutes = DaytonaSettings::MaxAutoStopMinutes;
        QVERIFY(settings.problem(DaytonaSettings::Field::AutoStop).isEmpty());
        settings.autoStopMinutes = 0; // never
        QVERIFY(settings.isValid());

        settings.target = u"us east"_s;
        QVERIFY(!settings.problem(DaytonaSettings::Field::Target).isEmpty());
        settings.target = u"us"_s;
        QVERIFY(settings.isValid());

        // An image or a snapshot: one of the two is needed.
        settings.image.clear();
        QVERIFY(!settings.problem(DaytonaSettings::Field::Image).isEmpty());
        settings.snapshot = u"my-snapshot"_s;
        QVERIFY(settings.isValid());
        settings.snapshot = u"my snapshot; rm -rf /"_s;
        QVERIFY(!settings.problem(DaytonaSettings::Field::Snapshot).isEmpty());
        settings.snapshot.clear();
        settings.image = u"ghcr.io/acme/node@sha256:0123abcd"_s;
        QVERIFY(settings.isValid());
        QCOMPARE(settings.problems().size(), 0);
    }

    void environmentSuppliesTheKeyAndWinsForUrlAndTarget()
    {
        DaytonaSettings settings;
        settings.apiUrl = u"http://127.0.0.1:4000/api/"_s;
        settings.target = u"eu"_s;

        // Only a key: URL and target come from the settings.
        auto config = settings.config(environment({{u"DAYTONA_API_KEY"_s, u"key-1"_s}}));
        QCOMPARE(config.apiKey, u"key-1"_s);
        QCOMPARE(config.apiUrl, QUrl(u"http://127.0.0.1:4000/api"_s));
        QCOMPARE(config.target, u"eu"_s);
        QVERIFY(config.isValid());
        QVERIFY(settings.unusableReason(environment({{u"DAYTONA_API_KEY"_s, u"key-1"_s}})).isEmpty());

        // DAYTONA_API_URL / DAYTONA_TARGET win, as in Daytona's SDKs.
        const auto overriding = environment({{u"DAYTONA_API_KEY"_s, u"key-1"_s},
                                             {u"DAYTONA_API_URL"_s, u"https://other.example/api"_s},
                                             {u"DAYTONA_TARGET"_s, u"us"_s}});
        config = settings.config(overriding);
        QCOMPARE(config.apiUrl, QUrl(u"https://other.example/api"_s));
        QCOMPARE(config.target, u"us"_s);
        QCOMPARE(DaytonaSettings::environmentApiUrl(overriding), u"https://other.example/api"_s);
        QCOMPARE(DaytonaSettings::environmentTarget(overriding), u"us"_s);
        // A stored URL that the environment replaces does not make the settings unusable.
        settings.apiUrl = u"not a url"_s;
        QVERIFY(settings.unusableReason(overriding).isEmpty());
        QVERIFY(!settings.unusableReason(environment({{u"DAYTONA_API_KEY"_s, u"key-1"_s}})).isEmpty());

        // The legacy DAYTONA_SERVER_URL counts too.
        settings.apiUrl = u"https://app.daytona.io/api"_s;
        config = settings.config(environment(
            {{u"DAYTONA_API_KEY"_s, u"k"_s}, {u"DAYTONA_SERVER_URL"_s, u"https://legacy.example/api"_s}}));
        QCOMPARE(config.apiUrl, QUrl(u"https://legacy.example/api"_s));

        // JWT with organization.
        config = settings.config(
            environment({{u"DAYTONA_JWT_TOKEN"_s, u"jwt"_s}, {u"DAYTONA_ORGANIZATION_ID"_s, u"org-1"_s}}));
        QCOMPARE(config.authMode(), daytona::DaytonaConfig::AuthMode::Jwt);
        QCOMPARE(config.organizationId, u"org-1"_s);
        QVERIFY(config.isValid());
    }

    void saysWhereTheKeyComesFrom()
    {
        const DaytonaSettings noKey;
        auto source = noKey.keySource(environment({{u"DAYTONA_API_KEY"_s, u"key-2"_s}}));
        QVERIFY(source.usable);
        QCOMPARE(source.description, u"from DAYTONA_API_KEY"_s);
        QVERIFY(!source.description.contains(u"key-2"_s));

        source = noKey.keySource(
            environment({{u"DAYTONA_JWT_TOKEN"_s, u"jwt"_s}, {u"DAYTONA_ORGANIZATION_ID"_s, u"org"_s}}));
        QVERIFY(source.usable);
        QVERIFY(source.description.contains(u"DAYTONA_JWT_TOKEN"_s));

        source = noKey.keySource(environment({{u"DAYTONA_JWT_TOKEN"_s, u"jwt"_s}}));
        QVERIFY(!source.usable);
        QVERIFY(source.description.contains(u"DAYTONA_ORGANIZATION_ID"_s));

        source = noKey.keySource(environment({{u"DAYTONA_API_KEY"_s, u"   "_s}}));
        QVERIFY(!source.usable);
        QVERIFY(source.description.startsWith(u"not set: enter your API key"_s));
        QVERIFY(source.description.contains(u"DAYTONA_API_KEY"_s));

        // Without a key the settings cannot be used, and the reason says what to set.
        const QString reason = DaytonaSettings().unusableReason(QProcessEnvironment());
        QVERIFY2(reason.contains(u"DAYTONA_API_KEY"_s), qPrintable(reason));
        QVERIFY2(reason.contains(u"Settings"_s), qPrintable(reason));

        // A key from the keychain: usable, used when the environment has none, never described.
        DaytonaSettings stored;
        stored.apiKey = u"dtn_from_keychain"_s;
        source = stored.keySource(QProcessEnvironment());
        QVERIFY(source.usable);
        QCOMPARE(source.description, u"kept in the keychain"_s);
        QCOMPARE(stored.config(QProcessEnvironment()).apiKey, u"dtn_from_keychain"_s);
        QVERIFY(stored.unusableReason(QProcessEnvironment()).isEmpty());
        // The environment's key wins, as with DAYTONA_API_URL.
        QCOMPARE(stored.config(environment({{u"DAYTONA_API_KEY"_s, u"env-key"_s}})).apiKey, u"env-key"_s);
        QCOMPARE(stored.keySource(environment({{u"DAYTONA_API_KEY"_s, u"env-key"_s}})).description,
                 u"from DAYTONA_API_KEY"_s);
        // The key is never kept with the settings.
        QTemporaryDir dir;
        QSettings file(dir.filePath(u"s.ini"_s), QSettings::IniFormat);
        stored.save(file);
        file.sync();
        QFile saved(dir.filePath(u"s.ini"_s));
        QVERIFY(saved.open(QIODevice::ReadOnly));
        QVERIFY(!saved.readAll().contains("dtn_from_keychain"));
        QVERIFY(DaytonaSettings::load(file).apiKey.isEmpty());
        // One keychain entry per Daytona host.
        QCOMPARE(DaytonaSettings::keychainKeyFor(u"https://app.daytona.io/api"_s).toKeychainKey(),
                 u"daytona-api-key/app.daytona.io/default"_s);
        QCOMPARE(DaytonaSettings::keychainKeyFor(u"http://127.0.0.1:3986/api/"_s).host, u"127.0.0.1:3986"_s);
    }

    void sandboxOptionsFollowTheSettings()
    {
        DaytonaSettings settings;
        settings.size = DaytonaSandboxOptions::Size::Medium;
        settings.snapshot = u"  snap  "_s;
        settings.image = u" node:22-bookworm "_s;
        settings.publicPreview = true;
        settings.autoStopMinutes = 45;
        const DaytonaSandboxOptions options = settings.sandboxOptions();
        QCOMPARE(DaytonaSandboxOptions::toString(options.size), u"medium"_s);
        QCOMPARE(options.snapshot, u"snap"_s);
        QCOMPARE(options.image, u"node:22-bookworm"_s);
        QVERIFY(options.publicPreview);
        QCOMPARE(options.autoStopMinutes, 45);
        QCOMPARE(options.gitHubHost, u"github.com"_s);
    }

    // Issue 17: one owner id per installation, made once and kept with the per-user settings, so
    // the app and the CLI find the same sandboxes and a teammate's (another id) are never theirs.
    void ownerIdIsMadeOnceAndKept()
    {
        QString first;
        {
            QSettings settings(iniPath(u"owner"_s), QSettings::IniFormat);
            first = DaytonaSettings::ownerId(settings);
        }
        QVERIFY(!QUuid::fromString(first).isNull());
        QSettings reread(iniPath(u"owner"_s), QSettings::IniFormat);
        QCOMPARE(reread.value(u"daytona/ownerId"_s).toString(), first);
        QCOMPARE(DaytonaSettings::ownerId(reread), first);
        QSettings other(iniPath(u"other-installation"_s), QSettings::IniFormat);
        QVERIFY(DaytonaSettings::ownerId(other) != first);
    }

    // Issue 17: every size fits an organisation's default per-sandbox maximum (4 CPU, 8 GiB memory,
    // 10 GiB disk; organization.entity.ts in daytonaio/daytona v0.190.0).
    void everySizeFitsTheDefaultQuota()
    {
        for (const auto size : {DaytonaSandboxOptions::Size::Small, DaytonaSandboxOptions::Size::Medium,
                                DaytonaSandboxOptions::Size::Large}) {
            const auto resources = DaytonaSandboxOptions::resourcesFor(size);
            QVERIFY(resources.cpu <= 4);
            QVERIFY(resources.memoryGiB <= 8);
            QVERIFY2(resources.diskGiB <= 10, qPrintable(DaytonaSandboxOptions::toString(size)));
        }
    }
};

QTEST_GUILESS_MAIN(TestDaytonaSettings)
#include "tst_daytonasettings.moc"
