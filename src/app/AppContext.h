#pragma once

#include "store/ProjectStore.h"

#include <QObject>
#include <QString>
#include <QStringList>
#include <QUrl>
#include <memory>
#include <optional>

namespace forge {

class Database;
class GitHubAccountManager;
class ProjectRegistry;
class RunQueue;
class RunStore;
class SandboxBackends;
class Toolchains;
class SandboxManager;
class SecretStore;

// The application core: everything both programs share, built once by their `main` and torn down in
// one order (sessions, then what they use: the manager and queue, the run store, the database, the
// back ends, the accounts and the keychain). The window and the command line are views on it.
//
// A command-line context opens only the storage and the keychain: it runs one project on a provider
// of its own, and making the desktop's back ends would stop the processes a running window recorded
// (LocalProvider's constructor clears what a crashed owner left).
class AppContext final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(AppContext)
public:
    enum class Role { Desktop, CommandLine };

    explicit AppContext(QString dataDirectory, Role role = Role::Desktop, QObject* parent = nullptr);
    ~AppContext() override;

    QString dataDirectory() const { return m_dataDirectory; }
    QString databasePath() const;

    SecretStore& secrets() const { return *m_secrets; }
    GitHubAccountManager& accounts() const { return *m_accounts; }
    ProjectStore& projectStore() { return m_projectStore; }
    // Runs, their journals and logs; null when the database cannot be used (problems() says why).
    RunStore* runs() const { return m_runs.get(); }

    // The per-user tool cache and the registry it fills from; both programs' runs take their
    // Node.js and package manager from it (Settings > Toolchains lists it).
    Toolchains& toolchains() const { return *m_toolchains; }
    // <cache folder>/toolchains: the user's cache folder for the user's data folder, else (tests) a
    // folder beside the data.
    QString toolCacheRoot() const;

    // Desktop only (null in a command-line context).
    SandboxBackends* backends() const { return m_backends; }
    RunQueue* runQueue() const { return m_runQueue; }
    SandboxManager* sandboxManager() const { return m_manager; }
    ProjectRegistry* projects() const { return m_registry; }

    // What went wrong opening the storage (a damaged database moved aside, projects skipped), each
    // saying what to do; empty when all is well.
    QStringList problems() const { return m_problems; }
    // When the database was found damaged and moved aside: what happened and what to do (also one
    // of problems()).
    QString setAsideNotice() const { return m_setAsideNotice; }
    // Takes the settings the user changed (run queue size, health-check interval).
    void applySettings();
    // Adds `project` to the stored list unless it is there (the desktop app's own entry, with a kept
    // plan or another back end, is left as it is), so its runs can be recorded; fails when it
    // cannot be stored or its runs cannot be recorded.
    StoreResult<> addProjectIfMissing(const Project& project);

private:
    void openStorage();
    void applyGitHubHost();
    static QUrl toolRegistry();

    QString m_dataDirectory;
    SecretStore* m_secrets;
    GitHubAccountManager* m_accounts;
    std::unique_ptr<Database> m_database;
    std::unique_ptr<RunStore> m_runs;
    ProjectStore m_projectStore;
    Toolchains* m_toolchains;
    SandboxBackends* m_backends = nullptr;
    RunQueue* m_runQueue = nullptr;
    SandboxManager* m_manager = nullptr;
    ProjectRegistry* m_registry = nullptr;
    QStringList m_problems;
    QString m_setAsideNotice;
    std::optional<StoreError> m_databaseError; // why the run store's database could not be opened
    std::optional<StoreError> m_loadError;     // why the project list could not be loaded
};

} // namespace forge
