#pragma once

#include "workflow/RunRecorder.h"

#include <QString>
#include <memory>

namespace forge {
class Database;
class RunStore;
struct Project;
} // namespace forge

namespace forge::cli {

// The command line's side of remembering runs: opens the app's database (<data>/forge-preview.db),
// adds the project when the desktop app does not have it yet, and records the run with RunRecorder
// (so a killed run is continued by the next start). Without a usable database (damaged, newer, not
// writable) the run still goes, remembered nowhere, and problem() says why.
class CliRunRecorder
{
public:
    CliRunRecorder(const QString& dataDirectory, const Project& project);
    ~CliRunRecorder();

    RunRecorder& run() { return *m_recorder; }
    QString problem() const { return m_problem; }
    // Set when the database was damaged and has been moved aside (Database::setAsideNotice()).
    QString setAsideNotice() const { return m_setAsideNotice; }

private:
    std::unique_ptr<Database> m_database;
    std::unique_ptr<RunStore> m_runs;
    std::unique_ptr<RunRecorder> m_recorder;
    QString m_problem;
    QString m_setAsideNotice;
};

} // namespace forge::cli
