#pragma once

#include "StoreResult.h"

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
// StoreError saying what happened and what to do.
//
// Each Database has its own Qt SQL connection, usable from the thread that opened it. Everything
// that runs queries on it (RunStore, ProjectStore) must be destroyed before it.
class Database final
{
public:
    static constexpr int SchemaVersion = 5;

    // The database, or why it cannot be used (the kind Damaged only when a damaged file could not
    // even be moved aside). Creates the file (and its folder), readable by its owner only, when it
    // does not exist.
    static StoreResult<std::unique_ptr<Database>> open(const QString& path);
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

    // Transactions on this connection; a failure carries the driver's message.
    StoreResult<> transaction();
    StoreResult<> commit();
    void rollback();

private:
    Database(QString path, QString connectionName);
    StoreResult<> migrate();

    QString m_path;
    QString m_connectionName;
    int m_openedAtVersion = 0;
    QString m_setAsideNotice;
};

} // namespace forge
