#include "store/Database.h"
#include "store/ProjectStore.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QProcess>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>
#include <cstdio>

using namespace Qt::StringLiterals;
using namespace forge;

class TestDatabase : public QObject
{
    Q_OBJECT

private:
    static QVariant pragma(const Database& database, const QString& name)
    {
        QSqlQuery query(database.connection());
        if (!query.exec(u"PRAGMA "_s + name) || !query.next())
            return {};
        return query.value(0);
    }

    static QByteArray contents(const QString& path)
    {
        QFile file(path);
        return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
    }

    static void writeFile(const QString& path, const QByteArray& content)
    {
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(content);
    }

private Q_SLOTS:
    void freshFileGetsTheSchemaInWalMode()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(u"nested/forge-preview.db"_s);
        auto opened = Database::open(path);
        QVERIFY2(opened.ok(), qPrintable(opened.message()));
        QVERIFY(opened.message().isEmpty());
        auto database = std::move(opened).value();
        QCOMPARE(database->openedAtVersion(), 0);
        QCOMPARE(pragma(*database, u"user_version"_s).toInt(), Database::SchemaVersion);
        QCOMPARE(pragma(*database, u"journal_mode"_s).toString(), u"wal"_s);
        QCOMPARE(pragma(*database, u"synchronous"_s).toInt(), 2); // FULL
        QCOMPARE(pragma(*database, u"foreign_keys"_s).toInt(), 1);
        QVERIFY(pragma(*database, u"busy_timeout"_s).toInt() > 0);
        for (const QString& table : {u"projects"_s, u"runs"_s, u"steps"_s, u"log_lines"_s}) {
            QSqlQuery query(database->connection());
            QVERIFY(query.exec(u"SELECT count(*) FROM "_s + table));
        }
        // Only its owner can read it.
        QCOMPARE(QFile(path).permissions() & (QFileDevice::ReadOther | QFileDevice::ReadGroup),
                 QFileDevice::Permissions());
    }

    void reopeningKeepsTheData()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(u"forge-preview.db"_s);
        {
            auto opened = Database::open(path);
            QVERIFY2(opened.ok(), qPrintable(opened.message()));
            auto database = std::move(opened).value();
            QSqlQuery query(database->connection());
            QVERIFY(query.exec(
                u"INSERT INTO projects (id, repository) VALUES ('p', 'https://github.com/a/b')"_s));
        }
        auto openedReopened = Database::open(path);
        QVERIFY2(openedReopened.ok(), qPrintable(openedReopened.message()));
        auto reopened = std::move(openedReopened).value();
        QCOMPARE(reopened->openedAtVersion(), Database::SchemaVersion);
        QSqlQuery query(reopened->connection());
        QVERIFY(query.exec(u"SELECT repository FROM projects WHERE id = 'p'"_s));
        QVERIFY(query.next());
        QCOMPARE(query.value(0).toString(), u"https://github.com/a/b"_s);
        // Two databases at once get their own connections.
        auto openedSecond = Database::open(path);
        QVERIFY2(openedSecond.ok(), qPrintable(openedSecond.message()));
        auto second = std::move(openedSecond).value();
        QVERIFY(second->connectionName() != reopened->connectionName());
    }

    void damagedFileIsSetAsideUnchanged_data()
    {
        QTest::addColumn<QByteArray>("content");
        QTest::addColumn<QString>("why");
        QTest::newRow("text") << QByteArray("{ \"version\": 1, \"projects\": [ trunc")
                              << u"not an SQLite database"_s;
        QByteArray header("SQLite format 3\0", 16);
        QTest::newRow("header, then garbage") << header + QByteArray(4096, '\x5a') << QString();
        QTest::newRow("one byte") << QByteArray("x") << u"not an SQLite database"_s;
    }

    void damagedFileIsSetAsideUnchanged()
    {
        QFETCH(QByteArray, content);
        QFETCH(QString, why);
        QTemporaryDir dir;
        const QString path = dir.filePath(u"forge-preview.db"_s);
        writeFile(path, content);
        writeFile(path + u"-wal"_s, "a journal that belongs to the damaged file");
        auto opened = Database::open(path);
        QVERIFY2(opened.ok(), qPrintable(opened.message()));
        auto database = std::move(opened).value();

        // Moved aside with its journal, byte for byte; a working empty database in its place.
        // (The check that found the damage may have made the shared-memory index, -shm, too.)
        QStringList aside = QDir(dir.path()).entryList({u"forge-preview.db.damaged-*"_s}, QDir::Files);
        aside.sort();
        QVERIFY2(aside.size() >= 2 && aside.contains(aside.first() + u"-wal"_s),
                 qPrintable(aside.join(u", "_s)));
        const QString moved = dir.filePath(aside.first());
        QCOMPARE(contents(moved), content);
        QCOMPARE(contents(moved + u"-wal"_s), QByteArray("a journal that belongs to the damaged file"));
        QCOMPARE(pragma(*database, u"user_version"_s).toInt(), Database::SchemaVersion);
        QCOMPARE(pragma(*database, u"quick_check"_s).toString(), u"ok"_s);

        // The user is told what happened, where the old file is and how to get the projects back.
        const QString notice = database->setAsideNotice();
        QVERIFY2(notice.contains(u"was damaged"_s), qPrintable(notice));
        QVERIFY2(notice.contains(why), qPrintable(notice));
        QVERIFY2(notice.contains(QDir::toNativeSeparators(moved)), qPrintable(notice));
        QVERIFY2(notice.contains(u"put a backup"_s), qPrintable(notice));

        // Once: the next start finds a sound database and says nothing; the old file stays.
        database.reset();
        auto openedReopened = Database::open(path);
        QVERIFY2(openedReopened.ok(), qPrintable(openedReopened.message()));
        auto reopened = std::move(openedReopened).value();
        QVERIFY(reopened->setAsideNotice().isEmpty());
        QCOMPARE(contents(moved), content);
    }

    void databaseOfAKilledProcessOpensWithItsData()
    {
        // Another process writes a project and is killed before it can close the database: its last
        // transaction is only in the write-ahead log, which must be read, not lost or refused.
        QTemporaryDir dir;
        const QString path = dir.filePath(u"forge-preview.db"_s);
        QProcess writer;
        writer.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        writer.start(QCoreApplication::applicationFilePath(), {u"--write-and-wait"_s, path});
        QVERIFY(writer.waitForStarted());
        QByteArray said;
        while (!said.contains("written") && writer.waitForReadyRead(20000))
            said += writer.readAllStandardOutput();
        QVERIFY2(said.contains("written"), said.constData());
        QVERIFY(QFileInfo(path + u"-wal"_s).size() > 0);
        writer.kill();
        QVERIFY(writer.waitForFinished());
        QVERIFY(QFile::exists(path + u"-wal"_s)); // nobody checkpointed it

        ProjectStore store(path);
        const StoreResult<> loaded = store.load();
        QVERIFY2(loaded.ok(), qPrintable(loaded.message()));
        QVERIFY(store.setAsideNotice().isEmpty());
        QCOMPARE(store.projects().size(), 1);
        QCOMPARE(store.projects().first().repository, u"https://github.com/octo/killed"_s);
        QCOMPARE(pragma(*store.database(), u"quick_check"_s).toString(), u"ok"_s);
        QCOMPARE(QDir(dir.path()).entryList({u"*.damaged-*"_s}, QDir::Files), QStringList());
    }

    void schemaOneFileIsUpgradedWithKeepAwakeOn()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(u"forge-preview.db"_s);
        {
            // A file as schema 1 left it: the projects table without keep_awake, one project.
            QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, u"schema-one"_s);
            db.setDatabaseName(path);
            QVERIFY(db.open());
            QSqlQuery query(db);
            QVERIFY(query.exec(uR"(CREATE TABLE projects (
                id TEXT PRIMARY KEY NOT NULL,
                repository TEXT NOT NULL,
                branch TEXT NOT NULL DEFAULT '',
                mode TEXT NOT NULL DEFAULT 'dev',
                backend TEXT NOT NULL DEFAULT 'local',
                plan_json TEXT,
                added INTEGER,
                sandbox_id TEXT NOT NULL DEFAULT '',
                preview_url TEXT NOT NULL DEFAULT '',
                status TEXT NOT NULL DEFAULT '',
                updated INTEGER))"_s));
            QVERIFY(query.exec(u"INSERT INTO projects (id, repository, backend) "
                               u"VALUES ('p', 'https://github.com/a/b', 'daytona')"_s));
            QVERIFY(query.exec(u"PRAGMA user_version = 1"_s));
            query.finish();
            db.close();
        }
        QSqlDatabase::removeDatabase(u"schema-one"_s);

        {
            auto opened = Database::open(path);
            QVERIFY2(opened.ok(), qPrintable(opened.message()));
            auto database = std::move(opened).value();
            QCOMPARE(database->openedAtVersion(), 1);
            QCOMPARE(pragma(*database, u"user_version"_s).toInt(), Database::SchemaVersion);
            QSqlQuery query(database->connection());
            QVERIFY(query.exec(u"SELECT keep_awake, run_without_isolation FROM projects WHERE id = 'p'"_s));
            QVERIFY(query.next());
            QCOMPARE(query.value(0).toInt(), 1);
            QCOMPARE(query.value(1).toInt(), 0);
        }

        // The store reads it as on, and keeps a project's choice to let it sleep.
        {
            ProjectStore store(path);
            const StoreResult<> loaded = store.load();
            QVERIFY2(loaded.ok(), qPrintable(loaded.message()));
            QCOMPARE(store.projects().size(), 1);
            QCOMPARE(store.projects().first().keepAwake, true);
            Project project = store.projects().first();
            project.keepAwake = false;
            store.put(project);
            const StoreResult<> saved = store.save();
            QVERIFY2(saved.ok(), qPrintable(saved.message()));
        }
        ProjectStore reloaded(path);
        const StoreResult<> loaded = reloaded.load();
        QVERIFY2(loaded.ok(), qPrintable(loaded.message()));
        QCOMPARE(reloaded.projects().size(), 1);
        QCOMPARE(reloaded.projects().first().keepAwake, false);
        QCOMPARE(reloaded.projects().first().runWithoutIsolation, false);
    }

    // A database from before fail-closed isolation (schema 2): its projects come back isolated, and
    // the choice to run one without isolation is kept from then on.
    void schemaTwoFileIsUpgradedWithIsolationOn()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(u"forge-preview.db"_s);
        {
            QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, u"schema-two"_s);
            db.setDatabaseName(path);
            QVERIFY(db.open());
            QSqlQuery query(db);
            QVERIFY(query.exec(uR"(CREATE TABLE projects (
                id TEXT PRIMARY KEY NOT NULL,
                repository TEXT NOT NULL,
                branch TEXT NOT NULL DEFAULT '',
                mode TEXT NOT NULL DEFAULT 'dev',
                backend TEXT NOT NULL DEFAULT 'local',
                plan_json TEXT,
                added INTEGER,
                sandbox_id TEXT NOT NULL DEFAULT '',
                preview_url TEXT NOT NULL DEFAULT '',
                status TEXT NOT NULL DEFAULT '',
                updated INTEGER,
                keep_awake INTEGER NOT NULL DEFAULT 1))"_s));
            QVERIFY(query.exec(u"INSERT INTO projects (id, repository, keep_awake) "
                               u"VALUES ('p', 'https://github.com/a/b', 0)"_s));
            QVERIFY(query.exec(u"PRAGMA user_version = 2"_s));
            query.finish();
            db.close();
        }
        QSqlDatabase::removeDatabase(u"schema-two"_s);

        {
            ProjectStore store(path);
            const StoreResult<> loaded = store.load();
            QVERIFY2(loaded.ok(), qPrintable(loaded.message()));
            QCOMPARE(store.database()->openedAtVersion(), 2);
            QCOMPARE(pragma(*store.database(), u"user_version"_s).toInt(), Database::SchemaVersion);
            QCOMPARE(store.projects().size(), 1);
            QCOMPARE(store.projects().first().keepAwake, false); // earlier columns untouched
            QCOMPARE(store.projects().first().runWithoutIsolation, false);
            Project project = store.projects().first();
            project.runWithoutIsolation = true;
            store.put(project);
            const StoreResult<> saved = store.save();
            QVERIFY2(saved.ok(), qPrintable(saved.message()));
        }
        ProjectStore reloaded(path);
        const StoreResult<> loaded = reloaded.load();
        QVERIFY2(loaded.ok(), qPrintable(loaded.message()));
        QCOMPARE(reloaded.projects().first().runWithoutIsolation, true);
    }

    // Issue 22: a database from before the working copy (schema 4): its projects keep previewing
    // their branch, and a switch to the working copy is kept from then on.
    void schemaFourFileIsUpgradedWithProjectsOnTheirBranch()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(u"forge-preview.db"_s);
        {
            QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, u"schema-four"_s);
            db.setDatabaseName(path);
            QVERIFY(db.open());
            QSqlQuery query(db);
            QVERIFY(query.exec(uR"(CREATE TABLE projects (
                id TEXT PRIMARY KEY NOT NULL,
                repository TEXT NOT NULL,
                branch TEXT NOT NULL DEFAULT '',
                mode TEXT NOT NULL DEFAULT 'dev',
                backend TEXT NOT NULL DEFAULT 'local',
                plan_json TEXT,
                added INTEGER,
                sandbox_id TEXT NOT NULL DEFAULT '',
                preview_url TEXT NOT NULL DEFAULT '',
                status TEXT NOT NULL DEFAULT '',
                updated INTEGER,
                keep_awake INTEGER NOT NULL DEFAULT 1,
                run_without_isolation INTEGER NOT NULL DEFAULT 0,
                environment_json TEXT NOT NULL DEFAULT '[]'))"_s));
            QVERIFY(query.exec(u"INSERT INTO projects (id, repository, branch, run_without_isolation, "
                               u"environment_json) VALUES ('p', '/home/dev/app', 'main', 1, "
                               u"'[{\"name\":\"API_URL\",\"value\":\"http://localhost:4000\"}]')"_s));
            QVERIFY(query.exec(u"PRAGMA user_version = 4"_s));
            query.finish();
            db.close();
        }
        QSqlDatabase::removeDatabase(u"schema-four"_s);

        {
            ProjectStore store(path);
            const StoreResult<> loaded = store.load();
            QVERIFY2(loaded.ok(), qPrintable(loaded.message()));
            QCOMPARE(store.database()->openedAtVersion(), 4);
            QCOMPARE(pragma(*store.database(), u"user_version"_s).toInt(), Database::SchemaVersion);
            QSqlQuery query(store.database()->connection());
            QVERIFY(query.exec(u"SELECT source FROM projects WHERE id = 'p'"_s));
            QVERIFY(query.next());
            QCOMPARE(query.value(0).toString(), u"branch"_s);
            query.finish();
            QCOMPARE(store.projects().size(), 1);
            Project project = store.projects().first();
            QVERIFY(project.source == ProjectSource::Branch);
            QCOMPARE(project.branch, u"main"_s); // earlier columns untouched
            QVERIFY(project.runWithoutIsolation);
            QCOMPARE(project.environment.names(), QStringList{u"API_URL"_s});
            project.source = ProjectSource::WorkingCopy;
            store.put(project);
            const StoreResult<> saved = store.save();
            QVERIFY2(saved.ok(), qPrintable(saved.message()));
        }
        ProjectStore reloaded(path);
        const StoreResult<> loaded = reloaded.load();
        QVERIFY2(loaded.ok(), qPrintable(loaded.message()));
        QVERIFY(reloaded.projects().first().source == ProjectSource::WorkingCopy);
        QCOMPARE(reloaded.projects().first().environment.names(), QStringList{u"API_URL"_s});
    }

    void newerSchemaIsReportedAndLeftUntouched()
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
        const QByteArray before = contents(path);
        const auto refused = Database::open(path);
        QVERIFY(!refused.ok());
        QCOMPARE(refused.error().kind, StoreError::Kind::Newer);
        const QString error = refused.message();
        QVERIFY2(error.contains(u"written by a newer version of Forge Preview (schema 99)"_s),
                 qPrintable(error));
        QVERIFY2(error.contains(u"update Forge Preview, or move the file away"_s), qPrintable(error));
        QCOMPARE(contents(path), before);
    }

    void readOnlyFileIsReported()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(u"forge-preview.db"_s);
        {
            const auto created = Database::open(path);
            QVERIFY2(created.ok(), qPrintable(created.message()));
        }
        const QByteArray before = contents(path);
        QVERIFY(QFile::setPermissions(path, QFileDevice::ReadOwner));
        const auto refused = Database::open(path);
        QVERIFY(!refused.ok());
        QCOMPARE(refused.error().kind, StoreError::Kind::Access);
        const QString error = refused.message();
        QVERIFY2(error.contains(u"is read-only"_s), qPrintable(error));
        QVERIFY2(error.contains(u"Make it writable"_s), qPrintable(error));
        QCOMPARE(contents(path), before);
        QFile::setPermissions(path, QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    }

    void readOnlyFolderIsReported()
    {
        QTemporaryDir dir;
        const QString folder = dir.filePath(u"data"_s);
        QVERIFY(QDir().mkpath(folder));
        const QString path = folder + u"/forge-preview.db"_s;
        {
            const auto created = Database::open(path);
            QVERIFY2(created.ok(), qPrintable(created.message()));
        }
        const auto readOnly = QFileDevice::ReadOwner | QFileDevice::ExeOwner;
        QVERIFY(QFile::setPermissions(folder, readOnly));
        const auto refused = Database::open(path);
        QVERIFY(!refused.ok());
        QCOMPARE(refused.error().kind, StoreError::Kind::Access);
        QVERIFY2(refused.message().contains(u"cannot be written"_s), qPrintable(refused.message()));
        // A new database in a read-only folder cannot be created.
        const auto notCreated = Database::open(folder + u"/other.db"_s);
        QVERIFY(!notCreated.ok());
        QCOMPARE(notCreated.error().kind, StoreError::Kind::Access);
        QVERIFY2(notCreated.message().contains(u"cannot be created"_s), qPrintable(notCreated.message()));
        QVERIFY(!QFile::exists(folder + u"/other.db"_s));
        QFile::setPermissions(folder, readOnly | QFileDevice::WriteOwner);
    }
};

// `--write-and-wait <path>`: the process databaseOfAKilledProcessOpensWithItsData() kills. Writes
// one project, says "written", and waits to be killed with the database open.
int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    if (argc == 3 && qstrcmp(argv[1], "--write-and-wait") == 0) {
        ProjectStore store(QString::fromLocal8Bit(argv[2]));
        if (const StoreResult<> loaded = store.load(); !loaded.ok())
            qFatal("%s", qPrintable(loaded.message()));
        Project project;
        project.id = u"killed-writer"_s;
        project.repository = u"https://github.com/octo/killed"_s;
        project.added = QDateTime::currentDateTimeUtc();
        store.put(project);
        if (const StoreResult<> saved = store.save(); !saved.ok())
            qFatal("%s", qPrintable(saved.message()));
        std::fputs("written\n", stdout);
        std::fflush(stdout);
        return app.exec();
    }
    TestDatabase test;
    QTEST_SET_MAIN_SOURCE_PATH
    return QTest::qExec(&test, argc, argv);
}
#include "tst_database.moc"
