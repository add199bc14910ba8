#include "Database.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSqlError>
#include <QSqlQuery>
#include <QVariant>
#include <atomic>

using namespace Qt::StringLiterals;

namespace forge {

namespace {

const QString Driver = u"QSQLITE"_s;
constexpr int BusyTimeoutMs = 5000;

// Schema migrations: entry N-1 brings the database from version N-1 to N. Never edit a shipped
// entry; add the next one and raise Database::SchemaVersion.
const QList<QStringList>& migrations()
{
    static const QList<QStringList> list{
        // 1: projects, runs, the step journal and the logs.
        {
            uR"(CREATE TABLE projects (
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
                updated INTEGER))"_s,
            uR"(CREATE TABLE runs (
                id INTEGER PRIMARY KEY,
                project_id TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
                started_at INTEGER NOT NULL,
                finished_at INTEGER,
                status TEXT NOT NULL
                    CHECK (status IN ('running', 'succeeded', 'failed', 'cancelled', 'interrupted')),
                failed_step TEXT NOT NULL DEFAULT '',
                error TEXT NOT NULL DEFAULT ''))"_s,
            u"CREATE INDEX runs_by_project ON runs(project_id, id)"_s,
            uR"(CREATE TABLE steps (
                run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
                step TEXT NOT NULL,
                status TEXT NOT NULL,
                attempt INTEGER NOT NULL DEFAULT 0,
                started_at INTEGER,
                finished_at INTEGER,
                result_json TEXT,
                error TEXT NOT NULL DEFAULT '',
                PRIMARY KEY (run_id, step)))"_s,
            uR"(CREATE TABLE log_lines (
                id INTEGER PRIMARY KEY,
                run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
                step TEXT NOT NULL DEFAULT '',
                channel INTEGER NOT NULL DEFAULT 0,
                text TEXT NOT NULL,
                styled TEXT,
                is_error INTEGER NOT NULL DEFAULT 0,
                at INTEGER))"_s,
            u"CREATE INDEX log_lines_by_run ON log_lines(run_id, id)"_s,
        },
        // 2: the keep-awake policy per project (on for existing projects).
        {
            u"ALTER TABLE projects ADD COLUMN keep_awake INTEGER NOT NULL DEFAULT 1"_s,
        },
        // 3: running a project without isolation, an explicit choice per project (off for existing
        // projects: a database from before fail-closed isolation runs everything isolated).
        {
            u"ALTER TABLE projects ADD COLUMN run_without_isolation INTEGER NOT NULL DEFAULT 0"_s,
        },
        // 4: the project's environment (issue 20): names, plain values and which are secrets; a
        // secret's value is in the keychain, never here.
        {
            u"ALTER TABLE projects ADD COLUMN environment_json TEXT NOT NULL DEFAULT '[]'"_s,
        },
        // 5: what of a local folder a project previews (issue 22): 'working-copy' or 'branch'.
        // Projects from before keep previewing their branch.
        {
            u"ALTER TABLE projects ADD COLUMN source TEXT NOT NULL DEFAULT 'branch'"_s,
        },
    };
    return list;
}

QString uniqueConnectionName()
{
    static std::atomic<int> counter{0};
    return u"forge-store-%1"_s.arg(++counter);
}

// Runs one statement; false with the driver's message (never the values) in `error`.
bool exec(const QSqlDatabase& db, const QString& sql, QString* error, QVariant* firstValue = nullptr)
{
    QSqlQuery query(db);
    if (!query.exec(sql)) {
        if (error)
            *error = query.lastError().text();
        return false;
    }
    if (firstValue)
        *firstValue = query.next() ? query.value(0) : QVariant();
    return true;
}

QString damagedMessage(const QString& path, const QString& why)
{
    return u"The database %1 is damaged (%2); Forge Preview left it untouched. Move it away to start "
           u"with an empty list, or restore it from a backup."_s.arg(QDir::toNativeSeparators(path), why);
}

QString newerMessage(const QString& path, int version)
{
    return u"The database %1 was written by a newer version of Forge Preview (schema %2); update Forge "
           u"Preview, or move the file away to start with an empty list. Forge Preview left it untouched."_s
               .arg(QDir::toNativeSeparators(path))
               .arg(version);
}

// Reads an existing file through a read-only connection: the checks below cannot change it. When
// the file is damaged, `damage` says what is wrong, for the notice of a file moved aside.
StoreResult<> inspect(const QString& path, QString* damage)
{
    const auto damaged = [&](const QString& why) {
        *damage = why;
        return StoreError{StoreError::Kind::Damaged, damagedMessage(path, why)};
    };
    {
        QFile file(path);
        if (!file.open(QIODevice::ReadOnly)) {
            return StoreError{StoreError::Kind::Access,
                              u"The database %1 cannot be read (%2); Forge Preview left it untouched. Check "
                              u"its permissions, or move it away to start with an empty list."_s.arg(
                                  QDir::toNativeSeparators(path), file.errorString())};
        }
        const QByteArray header = file.read(16);
        if (!header.isEmpty() && header != QByteArray("SQLite format 3\0", 16))
            return damaged(u"it is not an SQLite database"_s);
        if (header.isEmpty())
            return {}; // an empty file is an empty database
    }
    const QString name = uniqueConnectionName() + u"-check"_s;
    StoreResult<> result;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(Driver, name);
        db.setDatabaseName(path);
        db.setConnectOptions(u"QSQLITE_OPEN_READONLY;QSQLITE_BUSY_TIMEOUT=%1"_s.arg(BusyTimeoutMs));
        QString why;
        QVariant version;
        QVariant check;
        if (!db.open()) {
            result = damaged(db.lastError().text());
        } else if (!exec(db, u"PRAGMA user_version"_s, &why, &version)) {
            result = damaged(why);
        } else if (version.toInt() > Database::SchemaVersion) {
            result = StoreError{StoreError::Kind::Newer, newerMessage(path, version.toInt())};
        } else if (!exec(db, u"PRAGMA quick_check"_s, &why, &check)) {
            result = damaged(why);
        } else if (check.toString() != u"ok"_s) {
            result = damaged(u"quick_check: %1"_s.arg(check.toString()));
        }
        db.close();
    }
    QSqlDatabase::removeDatabase(name);
    return result;
}

// SQLite's files next to a database: a journal from a killed process belongs with the file it
// journals, so it moves with it.
const QStringList& companionSuffixes()
{
    static const QStringList suffixes{u"-wal"_s, u"-shm"_s, u"-journal"_s};
    return suffixes;
}

// Moves a damaged database and its companions to `<path>.damaged-<time>` (SQLite still finds the
// journal next to the moved file, so it can be opened as it was). The new name, or empty with `why`.
QString setAside(const QString& path, QString* why)
{
    const QString stamp = QDateTime::currentDateTime().toString(u"yyyyMMdd-HHmmss"_s);
    QString aside = u"%1.damaged-%2"_s.arg(path, stamp);
    for (int n = 2; QFileInfo::exists(aside); ++n)
        aside = u"%1.damaged-%2-%3"_s.arg(path, stamp).arg(n);
    if (!QFile::rename(path, aside)) {
        *why = QFile(path).errorString();
        return {};
    }
    for (const QString& suffix : companionSuffixes()) {
        if (QFileInfo::exists(path + suffix))
            QFile::rename(path + suffix, aside + suffix);
    }
    return aside;
}

bool writableByUs(const QFileInfo& info)
{
    // isWritable() asks the system (always yes for root); the owner's write bit is what the user set.
    return info.isWritable() && info.permission(QFileDevice::WriteOwner);
}

// An existing file must be a writable file in a writable folder, and a database this version can
// use. A damaged one is moved aside (`setAsideNotice` then says where) so that an empty one replaces it.
StoreResult<> checkExistingFile(const QString& path, QString* setAsideNotice)
{
    using Kind = StoreError::Kind;
    const QFileInfo info(path);
    const QString folder = info.absolutePath();
    const QString native = QDir::toNativeSeparators(path);
    if (!info.isFile())
        return StoreError{Kind::Damaged, damagedMessage(path, u"it is not a file"_s)};
    if (!writableByUs(info))
        return StoreError{Kind::Access,
                          u"The database %1 is read-only; Forge Preview left it untouched. Make it writable "
                          u"(chmod u+w), or move it away to start with an empty list."_s.arg(native)};
    if (!writableByUs(QFileInfo(folder)))
        return StoreError{Kind::Access,
                          u"The folder %1 cannot be written, and SQLite keeps the database's journal there; "
                          u"Forge Preview left %2 untouched. Make the folder writable, or choose another "
                          u"data folder."_s.arg(QDir::toNativeSeparators(folder), native)};
    QString damage;
    const StoreResult<> found = inspect(path, &damage);
    if (found.ok())
        return {};
    if (found.error().kind != Kind::Damaged)
        return found;
    // Kept, never overwritten: the user (or a backup tool) may still get data out of it.
    QString why;
    const QString aside = setAside(path, &why);
    if (aside.isEmpty())
        return StoreError{Kind::Damaged,
                          u"%1 It could not be moved aside either (%2)."_s.arg(found.message(), why)};
    *setAsideNotice =
        u"The database %1 was damaged (%2). Forge Preview moved it, unchanged, to %3 and started "
        u"an empty one, so the project list is empty. To get your projects back, quit Forge "
        u"Preview and put a backup of the database in place of %1."_s.arg(native, damage,
                                                                          QDir::toNativeSeparators(aside));
    return {};
}

// Creates the missing file (and its folder). An empty file is an empty database; created here so
// that only its owner can read it (the journal files SQLite makes next to it take the same
// permissions).
StoreResult<> createEmptyFile(const QString& path)
{
    const QString folder = QFileInfo(path).absolutePath();
    const QString native = QDir::toNativeSeparators(path);
    if (!QDir().mkpath(folder) || !writableByUs(QFileInfo(folder)))
        return StoreError{
            StoreError::Kind::Access,
            u"The database %1 cannot be created: the folder %2 cannot be written. Make it "
            u"writable, or choose another data folder."_s.arg(native, QDir::toNativeSeparators(folder))};
    QFile file(path);
    // (Unless another process, opening the same damaged file, has just made the new one.)
    if (!file.open(QIODevice::WriteOnly | QIODevice::NewOnly,
                   QFileDevice::ReadOwner | QFileDevice::WriteOwner) &&
        !QFileInfo::exists(path))
        return StoreError{
            StoreError::Kind::Access,
            u"The database %1 cannot be created (%2). Check that its folder "
            u"can be written, or choose another data folder."_s.arg(native, file.errorString())};
    return {};
}

// Opens the connection `connectionName` on the file: write-ahead logging, full synchronous writes,
// foreign keys and the busy timeout.
StoreResult<> openConnection(const QString& path, const QString& connectionName)
{
    using Kind = StoreError::Kind;
    const QString native = QDir::toNativeSeparators(path);
    QSqlDatabase db = QSqlDatabase::addDatabase(Driver, connectionName);
    db.setDatabaseName(path);
    db.setConnectOptions(u"QSQLITE_BUSY_TIMEOUT=%1"_s.arg(BusyTimeoutMs));
    if (!db.open())
        return StoreError{Kind::Access,
                          u"The database %1 cannot be opened (%2)."_s.arg(native, db.lastError().text())};
    QVariant mode;
    QString why;
    if (!exec(db, u"PRAGMA journal_mode=WAL"_s, &why, &mode) ||
        mode.toString().compare(u"wal"_s, Qt::CaseInsensitive) != 0)
        return StoreError{Kind::Access,
                          u"The database %1 cannot be switched to write-ahead logging (%2); Forge Preview "
                          u"needs it to keep runs safe. Keep the data folder on a local disk."_s.arg(
                              native, why.isEmpty() ? u"journal mode %1"_s.arg(mode.toString()) : why)};
    for (const QString& pragma : {u"PRAGMA synchronous=FULL"_s, u"PRAGMA foreign_keys=ON"_s,
                                  u"PRAGMA busy_timeout=%1"_s.arg(BusyTimeoutMs)}) {
        if (!exec(db, pragma, &why))
            return StoreError{Kind::Internal,
                              u"The database %1 could not be set up (%2)."_s.arg(native, why)};
    }
    return {};
}

} // namespace

Database::Database(QString path, QString connectionName)
    : m_path(std::move(path))
    , m_connectionName(std::move(connectionName))
{}

Database::~Database()
{
    {
        QSqlDatabase db = QSqlDatabase::database(m_connectionName, false);
        db.close();
    }
    QSqlDatabase::removeDatabase(m_connectionName);
}

QSqlDatabase Database::connection() const
{
    return QSqlDatabase::database(m_connectionName, false);
}

StoreResult<std::unique_ptr<Database>> Database::open(const QString& path)
{
    if (!QSqlDatabase::isDriverAvailable(Driver))
        return StoreError{
            StoreError::Kind::Internal,
            u"Qt's SQLite driver is missing, so Forge Preview cannot keep its projects. Install "
            u"it (Debian: libqt6sql6-sqlite) and start again."_s};

    QString setAsideNotice;
    if (QFileInfo::exists(path)) {
        if (const StoreResult<> checked = checkExistingFile(path, &setAsideNotice); !checked.ok())
            return checked.error();
    }
    if (!QFileInfo::exists(path)) {
        if (const StoreResult<> created = createEmptyFile(path); !created.ok())
            return created.error();
    }

    std::unique_ptr<Database> database(new Database(path, uniqueConnectionName()));
    if (const StoreResult<> connected = openConnection(path, database->m_connectionName); !connected.ok())
        return connected.error();
    if (const StoreResult<> migrated = database->migrate(); !migrated.ok())
        return migrated.error();
    database->m_setAsideNotice = setAsideNotice;
    return database;
}

StoreResult<> Database::migrate()
{
    const QSqlDatabase db = connection();
    QVariant value;
    QString why;
    // Internal, not Damaged: the file passed inspection, and Damaged means it was left in place.
    if (!exec(db, u"PRAGMA user_version"_s, &why, &value))
        return StoreError{StoreError::Kind::Internal, damagedMessage(m_path, why)};
    m_openedAtVersion = value.toInt();
    if (m_openedAtVersion > SchemaVersion)
        return StoreError{StoreError::Kind::Newer, newerMessage(m_path, m_openedAtVersion)};
    const QList<QStringList>& steps = migrations();
    static_assert(SchemaVersion >= 1);
    Q_ASSERT(steps.size() == SchemaVersion);
    for (int version = m_openedAtVersion + 1; version <= SchemaVersion; ++version) {
        const auto failed = [&](const QString& reason) {
            return StoreError{
                StoreError::Kind::Internal,
                u"The database %1 could not be upgraded to schema %2 (%3); it was left as it was."_s
                    .arg(QDir::toNativeSeparators(m_path))
                    .arg(version)
                    .arg(reason)};
        };
        // IMMEDIATE takes the write lock before the version is read again: the app and the CLI (or
        // two windows) opening one file at once migrate it once, one after the other.
        if (!exec(db, u"BEGIN IMMEDIATE"_s, &why))
            return failed(why);
        QVariant current;
        bool ok = exec(db, u"PRAGMA user_version"_s, &why, &current);
        if (ok && current.toInt() >= version) {
            if (!exec(db, u"COMMIT"_s, &why))
                return failed(why);
            continue; // another connection did this step meanwhile
        }
        if (ok) {
            for (const QString& statement : steps.at(version - 1)) {
                if (!exec(db, statement, &why)) {
                    ok = false;
                    break;
                }
            }
        }
        if (ok)
            ok = exec(db, u"PRAGMA user_version=%1"_s.arg(version), &why);
        if (ok)
            ok = exec(db, u"COMMIT"_s, &why);
        if (!ok) {
            QString ignored;
            exec(db, u"ROLLBACK"_s, &ignored);
            return failed(why);
        }
    }
    return {};
}

StoreResult<> Database::transaction()
{
    QSqlDatabase db = connection();
    if (db.transaction())
        return {};
    return StoreError{StoreError::Kind::Internal, db.lastError().text()};
}

StoreResult<> Database::commit()
{
    QSqlDatabase db = connection();
    if (db.commit())
        return {};
    return StoreError{StoreError::Kind::Internal, db.lastError().text()};
}

void Database::rollback()
{
    QSqlDatabase db = connection();
    db.rollback();
}

} // namespace forge
