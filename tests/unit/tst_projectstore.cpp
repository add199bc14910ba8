#include "store/Database.h"
#include "store/ProjectStore.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace forge;

class TestProjectStore : public QObject
{
    Q_OBJECT

private:
    static void writeFile(const QString& path, const QByteArray& content)
    {
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(content);
    }

    static QByteArray contents(const QString& path)
    {
        QFile file(path);
        return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
    }

    static Project sample()
    {
        Project project;
        project.id = u"0f8fad5b-d9cb-469f-a165-70867728950e"_s;
        project.repository = u"https://github.com/octo/app"_s;
        project.branch = u"main"_s;
        project.mode = RunMode::Production;
        project.added = QDateTime(QDate(2026, 11, 23), QTime(12, 0), Qt::UTC);
        RunPlan plan;
        plan.packageManager = PackageManager::Npm;
        plan.framework = Framework::Vite;
        plan.installCommand = {u"npm"_s, u"ci"_s};
        plan.devCommand = {u"npm"_s, u"run"_s, u"dev"_s, u"--"_s, u"--port"_s, u"${PORT}"_s};
        plan.expectedPort = 5173;
        project.plan = plan;
        return project;
    }

private Q_SLOTS:
    void backendsAreNamedAsStoredAndUnknownOnesRefused()
    {
        QCOMPARE(toString(Backend::Local), u"local"_s);
        QCOMPARE(toString(Backend::Daytona), u"daytona"_s);
        QVERIFY(backendFromString(u"daytona"_s) == Backend::Daytona);
        QVERIFY(!backendFromString(u"kubernetes"_s));
        QJsonObject entry = sample().toJson();
        QCOMPARE(entry.value(u"backend"_s).toString(), u"local"_s);
        entry.insert(u"backend"_s, u"kubernetes"_s);
        QString why;
        QVERIFY(!Project::fromJson(entry, &why));
        QVERIFY2(why.contains(u"back end"_s), qPrintable(why));
        QVERIFY(projectStatusFromString(u"live"_s) == ProjectStatus::Live);
        QVERIFY(!projectStatusFromString(u"deployed"_s));
    }

    void roundTrip()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(u"nested/forge-preview.db"_s);
        {
            ProjectStore store(path);
            QVERIFY(store.load().ok()); // no file yet: an empty list
            QVERIFY(store.projects().isEmpty());
            store.put(sample());
            Project second = sample();
            second.id = u"second"_s;
            second.plan.reset();
            second.backend = Backend::Daytona;
            second.keepAwake = false;
            second.runWithoutIsolation = true;
            second.source = ProjectSource::Branch;
            store.put(second);
            const StoreResult<> saved = store.save();
            QVERIFY2(saved.ok(), qPrintable(saved.message()));
            QCOMPARE(QFile(path).permissions() & (QFileDevice::ReadOther | QFileDevice::ReadGroup),
                     QFileDevice::Permissions());
        }

        ProjectStore reloaded(path);
        const StoreResult<> loaded = reloaded.load();
        QVERIFY2(loaded.ok(), qPrintable(loaded.message()));
        QVERIFY(reloaded.warnings().isEmpty());
        QCOMPARE(reloaded.projects().size(), 2);
        const Project& project = reloaded.projects().first();
        QCOMPARE(project.id, sample().id);
        QCOMPARE(project.repository, sample().repository);
        QCOMPARE(project.branch, u"main"_s);
        QCOMPARE(toString(project.mode), u"production"_s);
        QVERIFY(project.plan);
        QVERIFY(*project.plan == *sample().plan);
        QCOMPARE(project.added, sample().added);
        QCOMPARE(reloaded.projects().at(1).id, u"second"_s); // in the order they were added
        QVERIFY(!reloaded.projects().at(1).plan);
        QVERIFY(reloaded.projects().at(1).backend == Backend::Daytona);
        QVERIFY(project.keepAwake);
        QVERIFY(!reloaded.projects().at(1).keepAwake);
        QVERIFY(!project.runWithoutIsolation); // isolated unless chosen
        QVERIFY(reloaded.projects().at(1).runWithoutIsolation);
        QVERIFY(project.source == ProjectSource::WorkingCopy); // issue 22: a new project's default
        QVERIFY(reloaded.projects().at(1).source == ProjectSource::Branch);
        QVERIFY(reloaded.database());
    }

    // Issue 20: names, plain values and steps are kept; a secret's value never reaches the file, even
    // when a caller leaves it in the struct by mistake.
    void environmentIsKeptWithoutSecretValues()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(u"forge-preview.db"_s);
        Project project = sample();
        project.environment.set({u"API_URL"_s, u"http://localhost:4000"_s, false,
                                 EnvironmentSteps(EnvironmentStep::Build) | EnvironmentStep::Run});
        project.environment.set(
            {u"STRIPE_SECRET_KEY"_s, u"sk_test_NEVERSTORED0123"_s, true, EnvironmentStep::Run});
        {
            ProjectStore store(path);
            QVERIFY(store.load().ok());
            store.put(project);
            const StoreResult<> saved = store.save();
            QVERIFY2(saved.ok(), qPrintable(saved.message()));
        }
        for (const QString& file : QDir(dir.path()).entryList(QDir::Files)) {
            QFile stored(dir.filePath(file));
            QVERIFY(stored.open(QIODevice::ReadOnly));
            QVERIFY2(!stored.readAll().contains("NEVERSTORED"), qPrintable(file));
        }
        ProjectStore reloaded(path);
        QVERIFY(reloaded.load().ok());
        const ProjectEnvironment& environment = reloaded.projects().first().environment;
        QCOMPARE(environment.names(), (QStringList{u"API_URL"_s, u"STRIPE_SECRET_KEY"_s}));
        QCOMPARE(environment.find(u"API_URL"_s)->value, u"http://localhost:4000"_s);
        QCOMPARE(environment.find(u"API_URL"_s)->steps,
                 EnvironmentSteps(EnvironmentStep::Build) | EnvironmentStep::Run);
        QVERIFY(environment.find(u"STRIPE_SECRET_KEY"_s)->secret);
        QVERIFY(environment.find(u"STRIPE_SECRET_KEY"_s)->value.isEmpty());
    }

    void keepAwakeInJsonDefaultsToOn()
    {
        QJsonObject object = sample().toJson();
        QCOMPARE(object.value(u"keepAwake"_s).toBool(false), true);
        object.remove(u"keepAwake"_s);
        const auto absent = Project::fromJson(object);
        QVERIFY(absent);
        QVERIFY(absent->keepAwake);
        object.insert(u"keepAwake"_s, false);
        const auto off = Project::fromJson(object);
        QVERIFY(off);
        QVERIFY(!off->keepAwake);
    }

    // An entry of an earlier version (no key) runs isolated; only an explicit true turns it off.
    void runWithoutIsolationInJsonDefaultsToOff()
    {
        QJsonObject object = sample().toJson();
        QCOMPARE(object.value(u"runWithoutIsolation"_s).toBool(true), false);
        object.remove(u"runWithoutIsolation"_s);
        const auto absent = Project::fromJson(object);
        QVERIFY(absent);
        QVERIFY(!absent->runWithoutIsolation);
        object.insert(u"runWithoutIsolation"_s, u"yes"_s);
        const auto text = Project::fromJson(object);
        QVERIFY(text);
        QVERIFY(!text->runWithoutIsolation);
        object.insert(u"runWithoutIsolation"_s, true);
        const auto on = Project::fromJson(object);
        QVERIFY(on);
        QVERIFY(on->runWithoutIsolation);
    }

    // Issue 22: an entry of an earlier version (no key) previews its branch, as it did.
    void sourceInJsonDefaultsToBranch()
    {
        QJsonObject object = sample().toJson();
        QCOMPARE(object.value(u"source"_s).toString(), u"working-copy"_s);
        QVERIFY(Project::fromJson(object)->source == ProjectSource::WorkingCopy);
        object.remove(u"source"_s);
        const auto absent = Project::fromJson(object);
        QVERIFY(absent);
        QVERIFY(absent->source == ProjectSource::Branch);
        object.insert(u"source"_s, u"mirror"_s);
        QString why;
        QVERIFY(!Project::fromJson(object, &why));
        QVERIFY2(why.contains(u"source"_s), qPrintable(why));
    }

    void putReplacesAndRemoveDeletes()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(u"forge-preview.db"_s);
        ProjectStore store(path);
        QVERIFY(store.load().ok());
        Project project = sample();
        store.put(project);
        project.branch = u"dev"_s;
        store.put(project);
        QCOMPARE(store.projects().size(), 1);
        QCOMPARE(store.find(project.id)->branch, u"dev"_s);
        QVERIFY(store.save().ok());
        {
            ProjectStore other(path);
            QVERIFY(other.load().ok());
            QCOMPARE(other.find(project.id)->branch, u"dev"_s);
        }
        store.remove(project.id);
        QVERIFY(store.projects().isEmpty());
        QVERIFY(!store.find(project.id));
        QVERIFY(store.save().ok());
        ProjectStore other(path);
        QVERIFY(other.load().ok());
        QVERIFY(other.projects().isEmpty());
    }

    void stateIsKeptWithTheProject()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(u"forge-preview.db"_s);
        const ProjectState live{u"sb-42"_s, u"https://5173-sb-42.proxy.example/"_s, ProjectStatus::Live};
        {
            ProjectStore store(path);
            QVERIFY(store.load().ok());
            store.put(sample());
            QCOMPARE(store.state(sample().id), ProjectState());
            QVERIFY(store.setState(sample().id, live).ok()); // not stored yet: written by save()
            QVERIFY(store.save().ok());
        }
        {
            ProjectStore store(path);
            QVERIFY(store.load().ok());
            QCOMPARE(store.state(sample().id), live);
            // Written at once for a stored project, without save().
            QVERIFY(store.setState(sample().id, {u"sb-42"_s, {}, ProjectStatus::Stopped}).ok());
        }
        ProjectStore store(path);
        QVERIFY(store.load().ok());
        QVERIFY(store.state(sample().id).status == ProjectStatus::Stopped);
        QVERIFY(store.state(sample().id).previewUrl.isEmpty());
    }

    void damagedDatabaseIsSetAsideAndNeverOverwritten()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(u"forge-preview.db"_s);
        const QByteArray garbage = "{ \"version\": 1, \"projects\": [ trunc";
        writeFile(path, garbage);
        ProjectStore store(path);
        const StoreResult<> loaded = store.load();
        QVERIFY2(loaded.ok(), qPrintable(loaded.message()));
        QVERIFY2(store.setAsideNotice().contains(u"was damaged"_s), qPrintable(store.setAsideNotice()));
        QVERIFY(store.projects().isEmpty());
        // The new list works; the damaged file is kept as it was, next to it.
        store.put(sample());
        const StoreResult<> saved = store.save();
        QVERIFY2(saved.ok(), qPrintable(saved.message()));
        const QStringList aside = QDir(dir.path()).entryList({u"forge-preview.db.damaged-*"_s}, QDir::Files);
        QCOMPARE(aside.size(), 1);
        QCOMPARE(contents(dir.filePath(aside.first())), garbage);
        QVERIFY(store.setAsideNotice().contains(QDir::toNativeSeparators(dir.filePath(aside.first()))));
        ProjectStore again(path);
        QVERIFY(again.load().ok());
        QCOMPARE(again.projects().size(), 1);
        QVERIFY(again.setAsideNotice().isEmpty());
    }

    void newerDatabaseIsLeftUntouched()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(u"forge-preview.db"_s);
        {
            auto opened = Database::open(path);
            QVERIFY2(opened.ok(), qPrintable(opened.message()));
            auto database = std::move(opened).value();
            QSqlQuery query(database->connection());
            QVERIFY(query.exec(u"PRAGMA user_version = 99"_s));
            QVERIFY(query.exec(u"PRAGMA wal_checkpoint(TRUNCATE)"_s));
        }
        const QByteArray newer = contents(path);
        ProjectStore store(path);
        const StoreResult<> loaded = store.load();
        QVERIFY(!loaded.ok());
        QCOMPARE(loaded.error().kind, StoreError::Kind::Newer);
        QVERIFY2(loaded.message().contains(u"newer version"_s), qPrintable(loaded.message()));
        store.put(sample());
        const StoreResult<> saved = store.save();
        QVERIFY(!saved.ok());
        QCOMPARE(saved.error().kind, StoreError::Kind::Newer);
        QVERIFY2(saved.message().startsWith(u"The project list is not saved: "_s + loaded.message()),
                 qPrintable(saved.message()));
        QCOMPARE(contents(path), newer);
    }

    void projectsJsonIsImportedOnce()
    {
        QTemporaryDir dir;
        const QString json = dir.filePath(u"projects.json"_s);
        QJsonArray list{sample().toJson()};
        writeFile(json, QJsonDocument(QJsonObject{{u"version"_s, 1}, {u"projects"_s, list}}).toJson());
        const QByteArray original = contents(json);
        const QString path = dir.filePath(u"forge-preview.db"_s);
        {
            ProjectStore store(path);
            const StoreResult<> loaded = store.load();
            QVERIFY2(loaded.ok(), qPrintable(loaded.message()));
            QVERIFY(store.warnings().isEmpty());
            QCOMPARE(store.projects().size(), 1);
            QVERIFY(*store.projects().first().plan == *sample().plan);
        }
        QVERIFY(!QFile::exists(json));
        QCOMPARE(contents(json + u".imported"_s), original); // renamed, never deleted
        ProjectStore store(path);
        QVERIFY(store.load().ok());
        QCOMPARE(store.projects().size(), 1);
        QCOMPARE(store.projects().first().added, sample().added);

        // A projects.json appearing later is not imported over a list that has projects.
        writeFile(json, original);
        store.remove(sample().id);
        Project other = sample();
        other.id = u"other"_s;
        store.put(other);
        QVERIFY(store.save().ok());
        ProjectStore again(path);
        QVERIFY(again.load().ok());
        QCOMPARE(again.projects().size(), 1);
        QCOMPARE(again.projects().first().id, u"other"_s);
        QVERIFY(QFile::exists(json));
    }

    void unreadableOrNewerProjectsJsonIsLeftAlone_data()
    {
        QTest::addColumn<QByteArray>("content");
        QTest::addColumn<QString>("warning");
        QTest::newRow("damaged") << QByteArray("{ \"version\": 1, \"projects\": [ trunc")
                                 << u"could not be read"_s;
        QTest::newRow("newer") << QByteArray("{\"version\": 99, \"projects\": []}") << u"newer version"_s;
    }

    void unreadableOrNewerProjectsJsonIsLeftAlone()
    {
        QFETCH(QByteArray, content);
        QFETCH(QString, warning);
        QTemporaryDir dir;
        const QString json = dir.filePath(u"projects.json"_s);
        writeFile(json, content);
        ProjectStore store(dir.filePath(u"forge-preview.db"_s));
        QVERIFY(store.load().ok()); // the database itself is fine
        QVERIFY(store.projects().isEmpty());
        QCOMPARE(store.warnings().size(), 1);
        QVERIFY2(store.warnings().first().contains(warning), qPrintable(store.warnings().first()));
        QCOMPARE(contents(json), content);
    }

    void invalidEntriesAreSkippedWithAReason()
    {
        QTemporaryDir dir;
        writeFile(dir.filePath(u"projects.json"_s),
                  "{\"version\":1,\"projects\":["
                  "{\"id\":\"a\",\"repository\":\"https://github.com/a/b\",\"mode\":\"dev\"},"
                  "{\"id\":\"\",\"repository\":\"x\"},"
                  "{\"id\":\"c\",\"repository\":\"https://github.com/c/d\",\"mode\":\"turbo\"},"
                  "{\"id\":\"e\",\"repository\":\"https://github.com/e/"
                  "f\",\"plan\":{\"packageManager\":\"cobol\"}}]}");
        const QString path = dir.filePath(u"forge-preview.db"_s);
        {
            ProjectStore store(path);
            QVERIFY(store.load().ok());
            QCOMPARE(store.projects().size(), 1);
            QCOMPARE(store.projects().first().id, u"a"_s);
            QCOMPARE(store.warnings().size(), 3);
            QVERIFY(store.warnings().at(1).contains(u"unknown mode"_s));
            QVERIFY(store.warnings().at(2).contains(u"run plan"_s));
        }
        // A row the database holds but this version cannot use is skipped the same way.
        {
            auto opened = Database::open(path);
            QVERIFY2(opened.ok(), qPrintable(opened.message()));
            auto database = std::move(opened).value();
            QSqlQuery query(database->connection());
            QVERIFY(query.exec(
                u"INSERT INTO projects (id, repository, mode) VALUES ('t', 'https://github.com/t/u', "
                u"'turbo')"_s));
        }
        ProjectStore store(path);
        QVERIFY(store.load().ok());
        QCOMPARE(store.projects().size(), 1);
        QCOMPARE(store.warnings().size(), 1);
        QVERIFY(store.warnings().first().contains(u"unknown mode"_s));
    }
};

QTEST_GUILESS_MAIN(TestProjectStore)
#include "tst_projectstore.moc"
