#pragma once

#include <QSqlDatabase>
#include <QString>
#include <memory>

namespace forge {

// The app's SQLite database: one file holding the projects, runs, the step journal and the logs.
// Opened in WAL mode with synchronous=FULL (a committed step survives a crash or a power loss),
// foreign keys on and a busy timeout, and brought to SchemaVersion by numbered migrations
// (PRAGMA user_version), each in its own transaction.
//
// A file that is not a usable database (damaged) is moved aside, unchanged, with its journal files,
// and an empty database takes its place; setAsideNotice() says where the old one went. One written
// by a newer Forge Preview, or one that cannot be written, is never modified: open() fails with a
// sentence saying what happened and what to do.
//
// Each Database has its own Qt SQL connection, usable from the thread that opened it. Everything
// that runs queries on it (RunStore, ProjectStore) must be destroyed before it.
class Database
{
public:
    static constexpr int SchemaVersion = 3;

    enum class OpenError {
        None,
        Damaged,  // not a database, or PRAGMA quick_check fails
        Newer,    // user_version > SchemaVersion
        Access,   // the file or its folder cannot be written (or created)
        Internal, // the SQLite driver is missing, a migration failed…
    };

    // nullptr with `error` (and `kind`) set when the database cannot be used. Creates the file (and
    // its folder), readable by its owner only, when it does not exist. `kind` is Damaged only when
    // a damaged file could not even be moved aside.
    static std::unique_ptr<Database> open(const QString& path, QString* error, OpenError* kind = nullptr);
    ~Database();
    Database(const Database&) = delete;
    Database& operator=(const Database&) = delete;

    QString path() const { return m_path; }
    QString connectionName() const { return m_connectionName; }
    QSqlDatabase connection() const;
    // The schema version the file was at before open() migrated it (0 for a new file).
    int openedAtVersion() const { return m_openedAtVersion; }
    // When open() found the file damaged: what was wrong, where the file was moved, and how to get
    // its data back; empty otherwise. For the user, once.
    QString setAsideNotice() const { return m_setAsideNotice; }

    // Transactions on this connection; false with the driver's message in lastError().
    bool transaction();
    bool commit();
    void rollback();
    QString lastError() const { return m_lastError; }

private:
    Database(QString path, QString connectionName);
    bool migrate(QString* error);

    QString m_path;
    QString m_connectionName;
    int m_openedAtVersion = 0;
    QString m_setAsideNotice;
    QString m_lastError;
};

} // namespace forge
