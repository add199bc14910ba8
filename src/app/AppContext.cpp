#include "AppContext.h"

#include "ProjectRegistry.h"
#include "SandboxBackends.h"
#include "accounts/GitHubAccountManager.h"
#include "sandbox/LocalProvider.h"
#include "secrets/SecretStore.h"
#include "store/Database.h"
#include "store/RunStore.h"
#include "toolchain/ToolCacheSettings.h"
#include "toolchain/Toolchains.h"
#include "workflow/RunQueue.h"
#include "workflow/SandboxManager.h"

#include <QDir>
#include <QSettings>

using namespace Qt::StringLiterals;

namespace forge {

AppContext::AppContext(QString dataDirectory, Role role, QObject* parent)
    : QObject(parent)
    , m_dataDirectory(std::move(dataDirectory))
    , m_secrets(new SecretStore(this))
    , m_accounts(new GitHubAccountManager(*m_secrets, this))
    , m_projectStore(databasePath())
    , m_toolchains(new Toolchains(toolCacheRoot(), toolRegistry(), this))
{
    m_toolchains->cache().setSizeCap(ToolCacheSettings::configuredSizeCap(QSettings()));
    openStorage();
    if (role == Role::CommandLine)
        return;
    m_backends = new SandboxBackends(m_dataDirectory, m_toolchains, this);
    m_runQueue = new RunQueue(RunQueue::configuredLimit(QSettings()), this);
    m_manager = new SandboxManager(this);
    m_manager->setInterval(SandboxManager::configuredInterval(QSettings()));
    m_registry = new ProjectRegistry(*this, this);
    // Clones on Daytona may carry the token only for the signed-in account's own host.
    applyGitHubHost();
    connect(m_accounts, &GitHubAccountManager::accountChanged, this, &AppContext::applyGitHubHost);
}

void AppContext::applyGitHubHost()
{
    const auto& account = m_accounts->account();
    m_backends->setGitHubHost(account ? account->host().name() : m_accounts->settings().host().name());
}

AppContext::~AppContext()
{
    // Sessions write their last log lines through the run store and are watched by the manager:
    // they go first, then what they used.
    delete m_registry;
    delete m_manager;
    delete m_runQueue;
    m_runs.reset();
    m_database.reset();
    delete m_backends;
}

QString AppContext::toolCacheRoot() const
{
    return LocalProvider::cacheDirectoryFor(m_dataDirectory) + u"/toolchains"_s;
}

QUrl AppContext::toolRegistry()
{
    // FORGE_PREVIEW_TOOL_REGISTRY: a registry (or mirror) for the tools only, leaving the one the
    // projects' own installs use alone (the tests' registry stub).
    const QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    const QString own = environment.value(u"FORGE_PREVIEW_TOOL_REGISTRY"_s);
    if (!own.isEmpty())
        return QUrl(own);
    return NpmRegistry::configured(environment, QDir::homePath());
}

QString AppContext::databasePath() const
{
    return QDir(m_dataDirectory).filePath(u"forge-preview.db"_s);
}

void AppContext::openStorage()
{
    // The run store's connection first: the first to open a damaged database moves it aside, and
    // says so once (Database::setAsideNotice).
    StoreResult<std::unique_ptr<Database>> opened = Database::open(databasePath());
    if (opened.ok()) {
        m_database = std::move(opened).value();
        m_runs = std::make_unique<RunStore>(*m_database);
    } else {
        m_databaseError = opened.error();
    }
    const StoreResult<> loaded = m_projectStore.load();
    m_setAsideNotice = m_database ? m_database->setAsideNotice() : QString();
    if (m_setAsideNotice.isEmpty())
        m_setAsideNotice = m_projectStore.setAsideNotice();
    if (!m_setAsideNotice.isEmpty())
        m_problems << m_setAsideNotice;
    if (!loaded.ok()) {
        m_loadError = loaded.error();
        m_problems << loaded.message();
    }
    for (const QString& warning : m_projectStore.warnings())
        m_problems << tr("A project was skipped: %1.").arg(warning);
}

StoreResult<> AppContext::addProjectIfMissing(const Project& project)
{
    // The store has no database only when load() failed; the run store none only when open() did.
    if (!m_projectStore.database())
        return m_loadError.value_or(m_databaseError.value_or(StoreError()));
    if (!m_projectStore.find(project.id)) {
        m_projectStore.put(project);
        if (const StoreResult<> saved = m_projectStore.save(); !saved.ok())
            return saved;
    }
    if (!m_runs)
        return m_databaseError.value_or(StoreError());
    return {};
}

void AppContext::applySettings()
{
    m_toolchains->cache().setSizeCap(ToolCacheSettings::configuredSizeCap(QSettings()));
    if (m_runQueue)
        m_runQueue->setLimit(RunQueue::configuredLimit(QSettings()));
    if (m_manager)
        m_manager->setInterval(SandboxManager::configuredInterval(QSettings()));
}

} // namespace forge
