#include "ProjectRegistry.h"

#include "AppContext.h"
#include "SandboxBackends.h"
#include "accounts/GitHubAccountManager.h"
#include "core/CloneCredentials.h"
#include "core/Detached.h"
#include "core/RepoRef.h"
#include "sandbox/LocalProvider.h"
#include "secrets/ProjectSecrets.h"
#include "secrets/SecretStore.h"
#include "store/RunStore.h"
#include "workflow/RunQueue.h"
#include "workflow/SandboxManager.h"

#include <QCoroTask>
#include <QDir>
#include <QPointer>
#include <QTimer>
#include <algorithm>

using namespace Qt::StringLiterals;

namespace forge {

namespace {

// What a clone of `repositoryUrl` may carry; safe to await after the account manager is gone.
QCoro::Task<CloneCredentials> credentialsFor(QPointer<GitHubAccountManager> accounts, QUrl repositoryUrl)
{
    if (!accounts)
        co_return CloneCredentials{};
    auto lookup = accounts->credentialsFor(std::move(repositoryUrl));
    co_return co_await std::move(lookup);
}

QCoro::Task<ResolvedEnvironment> resolvedEnvironment(QPointer<SecretStore> store, QString projectId,
                                                     ProjectEnvironment environment)
{
    if (!store)
        co_return ResolvedEnvironment{{}, u"Forge Preview is closing."_s};
    ProjectSecrets secrets(*store);
    co_return co_await secrets.resolve(std::move(projectId), std::move(environment));
}

// Whether a variable the build reads differs between the two environments.
bool buildInputChanged(const ProjectEnvironment& before, const ProjectEnvironment& after,
                       const QMap<QString, QString>& secretValues)
{
    const auto buildNames = [](const ProjectEnvironment& environment) {
        QStringList names;
        for (const EnvironmentVariable& variable : environment.variables) {
            if (variable.steps.testFlag(EnvironmentStep::Build))
                names << variable.name;
        }
        return names;
    };
    const QStringList names = buildNames(before) + buildNames(after);
    for (const QString& name : names) {
        const EnvironmentVariable* old = before.find(name);
        const EnvironmentVariable* now = after.find(name);
        if (!old || !now || !(*old == *now) || secretValues.contains(name))
            return true;
    }
    return false;
}

} // namespace

ProjectRegistry::ProjectRegistry(AppContext& context, QObject* parent)
    : QObject(parent)
    , m_context(context)
{
    SandboxManager* manager = m_context.sandboxManager();
    connect(manager, &SandboxManager::gaveUp, this, [this](ProjectSession* gaveUpOn, const QString& cause) {
        const QString id = gaveUpOn->project().id;
        m_restoreFailures.insert(id, cause);
        Q_EMIT restoreGaveUp(id, cause);
        Q_EMIT projectChanged(id);
    });
    const auto changed = [this](ProjectSession* session) { Q_EMIT projectChanged(session->project().id); };
    connect(manager, &SandboxManager::sleeping, this, changed);
    connect(manager, &SandboxManager::awake, this, changed);
}

ProjectRegistry::~ProjectRegistry()
{
    // Sessions write their last log lines through the run store, which outlives this registry
    // (AppContext's teardown order).
    for (Entry& entry : m_entries) {
        delete entry.session;
        entry.session = nullptr;
    }
}

Resume ProjectRegistry::resumeFor(std::optional<ProjectStatus> lastStatus, bool runUnfinished)
{
    if (runUnfinished)
        return Resume::Run;
    return lastStatus == ProjectStatus::Live ? Resume::DevServer : Resume::Nothing;
}

void ProjectRegistry::load()
{
    for (const Project& project : m_context.projectStore().projects()) {
        add(project);
        scheduleResume(project.id);
    }
}

void ProjectRegistry::scheduleResume(const QString& id)
{
    const RunStore* runs = m_context.runs();
    if (!runs)
        return;
    const Resume resume =
        resumeFor(m_context.projectStore().state(id).status, runs->unfinishedRun(id).has_value());
    if (resume == Resume::Nothing)
        return;
    // Once the event loop runs, and unless something (--open) started the project meanwhile: that
    // run continues it already.
    QTimer::singleShot(0, this, [this, id, resume] {
        ProjectSession* session = this->session(id);
        if (!session || session->isActive() || m_shuttingDown)
            return;
        if (resume == Resume::DevServer)
            session->startFromDevServer();
        else
            start(id);
    });
}

ProjectSession* ProjectRegistry::session(const QString& id) const
{
    return m_entries.value(id).session;
}

QString ProjectRegistry::displayName(const QString& id) const
{
    const auto found = m_entries.constFind(id);
    return found == m_entries.cend() ? QString() : found->name;
}

ProjectRegistry::Entry& ProjectRegistry::add(const Project& project)
{
    Entry& entry = m_entries.insert(project.id, Entry{}).value();
    // Worked out once: the list asks for it at every paint, and a project's repository never changes
    // (its id is made from it).
    const auto parsed = RepoRef::parse(project.repository, QDir::homePath());
    const auto* reference = std::get_if<RepoRef>(&parsed);
    entry.name = reference ? reference->displayName() : project.repository;
    // A pull request is a project of its own next to its repository's: "owner/repo #42".
    if (reference && reference->pullRequest() > 0)
        entry.name += u" #"_s + QString::number(reference->pullRequest());
    m_order.append(project.id);
    Q_EMIT projectAdded(project.id);
    createSession(entry, project);
    return entry;
}

void ProjectRegistry::createSession(Entry& entry, const Project& project)
{
    if (entry.session) {
        // Only between runs: nothing of the old session runs any more.
        Q_ASSERT(!entry.running);
        entry.session->disconnect();
        entry.session->deleteLater();
    }
    entry.provider = m_context.backends()->providerFor(project);
    entry.session = new ProjectSession(*entry.provider, project, this);
    entry.session->setRunQueue(m_context.runQueue());
    entry.session->setRunStore(m_context.runs());
    SandboxManager* manager = m_context.sandboxManager();
    manager->watch(entry.session);
    manager->setKeepAwake(entry.session, project.keepAwake);
    manager->setShown(entry.session, project.id == m_shown);
    // Each run asks for the signed-in account's token, which it gets only for that account's host.
    entry.session->setCredentialLookup([accounts = QPointer<GitHubAccountManager>(&m_context.accounts())](
                                           QUrl url) { return credentialsFor(accounts, std::move(url)); });
    // And for the values of the project's secrets, from the keychain.
    entry.session->setEnvironmentLookup([secrets = QPointer<SecretStore>(&m_context.secrets())](
                                            QString projectId, ProjectEnvironment environment) {
        return resolvedEnvironment(secrets, std::move(projectId), std::move(environment));
    });
    entry.running = false;
    connectSession(project.id, entry.session);
    Q_EMIT sessionCreated(entry.session);
    Q_EMIT projectChanged(project.id);
}

void ProjectRegistry::connectSession(const QString& id, ProjectSession* session)
{
    connect(session, &ProjectSession::runStarted, this, [this, id] {
        if (auto found = m_entries.find(id); found != m_entries.end())
            found->running = true;
    });
    connect(session, &ProjectSession::statusChanged, this, [this, id](ProjectStatus status) {
        rememberStatus(id, status);
        Q_EMIT projectChanged(id);
    });
    const auto changed = [this, id] { Q_EMIT projectChanged(id); };
    connect(session, &ProjectSession::stepStarted, this, changed);
    connect(session, &ProjectSession::restoring, this, changed);
    connect(session, &ProjectSession::restored, this, [this, id] {
        m_restoreFailures.remove(id);
        Q_EMIT projectChanged(id);
    });
    connect(session, &ProjectSession::runEnded, this, [this, id] { onRunEnded(id); });
}

void ProjectRegistry::onRunEnded(const QString& id)
{
    if (auto found = m_entries.find(id); found != m_entries.end()) {
        found->running = false;
        if (found->startWhenEnded) {
            found->startWhenEnded = false;
            // After this signal has been delivered: the session is still inside its run.
            QTimer::singleShot(0, this, [this, id] { start(id); });
        }
    }
    Q_EMIT runEnded(id);
    if (m_shuttingDown && !anyActive())
        Q_EMIT shutdownFinished();
}

void ProjectRegistry::rememberStatus(const QString& id, ProjectStatus status)
{
    // Shutting down stops every preview; those that were live then come back at the next start, so
    // a stop during shutdown is not remembered.
    if (m_shuttingDown && status == ProjectStatus::Stopped)
        return;
    ProjectStore& store = m_context.projectStore();
    ProjectState state = store.state(id);
    state.status = status;
    if (const ProjectSession* current = session(id)) {
        state.previewUrl = current->previewUrl().toString();
        state.sandboxId = current->sandboxId();
    }
    if (const StoreResult<> kept = store.setState(id, state); !kept.ok())
        Q_EMIT statusNotKept(kept.message());
}

void ProjectRegistry::save()
{
    ProjectStore& store = m_context.projectStore();
    if (const StoreResult<> saved = store.save(); !saved.ok())
        Q_EMIT storeFailed(saved.message());
}

void ProjectRegistry::adopt(const Project& project)
{
    if (ProjectSession* existing = session(project.id)) {
        Project updated = existing->project();
        updated.mode = project.mode;
        updated.backend = project.backend;
        updated.source = project.source;
        if (project.plan)
            updated.plan = project.plan;
        update(updated);
    } else {
        add(project);
        m_context.projectStore().put(project);
        save();
    }
}

void ProjectRegistry::start(const QString& id)
{
    auto found = m_entries.find(id);
    if (found == m_entries.end() || m_shuttingDown)
        return;
    Entry& entry = found.value();
    if (m_context.backends()->providerFor(entry.session->project()) == entry.provider) {
        entry.session->restart();
        return;
    }
    if (entry.running) {
        // The run keeps its provider until it has ended; the next one gets the new provider.
        entry.startWhenEnded = true;
        entry.session->stop();
        return;
    }
    createSession(entry, entry.session->project());
    entry.session->start();
}

void ProjectRegistry::stop(const QString& id)
{
    if (ProjectSession* running = session(id))
        running->stop();
}

bool ProjectRegistry::remove(const QString& id)
{
    const Entry entry = m_entries.value(id);
    if (!entry.session || entry.session->isActive() || entry.running)
        return false;
    m_context.sandboxManager()->unwatch(entry.session);
    m_entries.remove(id);
    m_order.removeOne(id);
    m_restoreFailures.remove(id);
    m_context.projectStore().remove(id);
    save();
    // Its secrets go with it: nothing of a removed project stays in the keychain.
    const ProjectEnvironment environment = entry.session->project().environment;
    if (!environment.secretNames().isEmpty()) {
        detach(
            [](QPointer<SecretStore> store, QString projectId,
               ProjectEnvironment secretsOf) -> QCoro::Task<> {
                if (!store)
                    co_return;
                ProjectSecrets secrets(*store);
                co_await secrets.removeAll(std::move(projectId), std::move(secretsOf));
            }(QPointer<SecretStore>(&m_context.secrets()), id, environment),
            this, "removing the project's secrets");
    }
    // A pull request's mirror (ProjectSession::updatePullRequest) goes too.
    QDir(pullRequestMirrorDirectory(id)).removeRecursively();
    entry.session->deleteLater();
    Q_EMIT projectRemoved(id);
    return true;
}

void ProjectRegistry::update(const Project& project)
{
    ProjectSession* existing = session(project.id);
    if (!existing)
        return;
    existing->setProject(project);
    m_context.projectStore().put(project);
    save();
    Q_EMIT projectChanged(project.id);
}

QCoro::Task<QString> ProjectRegistry::setEnvironment(QString id, ProjectEnvironment environment,
                                                     QMap<QString, QString> secretValues)
{
    QPointer<ProjectRegistry> self(this);
    const ProjectSession* existing = session(id);
    if (!existing)
        co_return tr("The project is no longer in the list.");
    const ProjectEnvironment before = existing->project().environment;
    ProjectSecrets secrets(m_context.secrets());
    for (auto it = secretValues.cbegin(); it != secretValues.cend(); ++it) {
        const SecretResult written = co_await secrets.write(id, it.key(), it.value());
        if (!self)
            co_return QString();
        if (!written.ok())
            co_return tr("The secret %1 was not saved, and the environment is unchanged: %2")
                .arg(it.key(), written.message());
    }
    for (const QString& name : before.secretNames()) {
        const EnvironmentVariable* now = environment.find(name);
        if (now && now->secret)
            continue;
        const SecretResult removed = co_await secrets.remove(id, name);
        if (!self)
            co_return QString();
        if (!removed.ok())
            Q_EMIT storeFailed(
                tr("The old value of %1 is still in the keychain: %2").arg(name, removed.message()));
    }
    ProjectSession* current = session(id);
    if (!current)
        co_return tr("The project was removed meanwhile.");
    Project project = current->project();
    project.environment = environment;
    update(project);
    if (current->status() != ProjectStatus::Live)
        co_return QString();
    const bool rebuild = buildInputChanged(before, environment, secretValues);
    auto lookup = resolvedEnvironment(QPointer<SecretStore>(&m_context.secrets()), id, environment);
    const ResolvedEnvironment resolved = co_await std::move(lookup);
    if (!self)
        co_return QString();
    if (!resolved.problem.isEmpty())
        co_return resolved.problem;
    if (ProjectSession* live = session(id))
        detach(live->applyEnvironment(resolved, rebuild), live,
               "restarting the dev server with the new environment");
    co_return QString();
}

bool ProjectRegistry::change(const QString& id, const std::function<bool(Project&)>& change)
{
    const ProjectSession* existing = session(id);
    if (!existing)
        return false;
    Project project = existing->project();
    if (!change(project))
        return false;
    update(project);
    return true;
}

bool ProjectRegistry::setBackend(const QString& id, Backend backend)
{
    return change(id,
                  [backend](Project& project) { return std::exchange(project.backend, backend) != backend; });
}

bool ProjectRegistry::setSource(const QString& id, ProjectSource source)
{
    return change(id, [source](Project& project) { return std::exchange(project.source, source) != source; });
}

bool ProjectRegistry::setWithoutIsolation(const QString& id, bool withoutIsolation)
{
    return change(id, [withoutIsolation](Project& project) {
        return std::exchange(project.runWithoutIsolation, withoutIsolation) != withoutIsolation;
    });
}

bool ProjectRegistry::setKeepAwake(const QString& id, bool keepAwake)
{
    const bool changed = change(id, [keepAwake](Project& project) {
        return std::exchange(project.keepAwake, keepAwake) != keepAwake;
    });
    if (changed)
        m_context.sandboxManager()->setKeepAwake(session(id), keepAwake);
    return changed;
}

void ProjectRegistry::setShown(const QString& id)
{
    SandboxManager* manager = m_context.sandboxManager();
    if (ProjectSession* previous = session(m_shown); previous && m_shown != id)
        manager->setShown(previous, false);
    if (ProjectSession* next = session(id))
        manager->setShown(next, true);
    m_shown = id;
}

void ProjectRegistry::wake(const QString& id)
{
    if (ProjectSession* asleep = session(id))
        m_context.sandboxManager()->wake(asleep);
}

void ProjectRegistry::retryRestore(const QString& id)
{
    if (ProjectSession* retried = session(id)) {
        m_restoreFailures.remove(id);
        m_context.sandboxManager()->retry(retried);
        Q_EMIT projectChanged(id);
    }
}

bool ProjectRegistry::runsWithoutIsolation(const QString& id) const
{
    const ProjectSession* projectSession = session(id);
    if (!projectSession)
        return false;
    const Project& project = projectSession->project();
    const bool chosen = project.runWithoutIsolation && project.backend == Backend::Local;
    return chosen || (projectSession->isActive() && sessionWithoutIsolation(id));
}

bool ProjectRegistry::sessionWithoutIsolation(const QString& id) const
{
    return m_context.backends()->isWithoutIsolation(m_entries.value(id).provider);
}

bool ProjectRegistry::sessionIsolatedLocally(const QString& id) const
{
    const LocalProvider& local = m_context.backends()->local();
    return m_entries.value(id).provider.get() == &local && local.isIsolated();
}

bool ProjectRegistry::isSleeping(const QString& id) const
{
    ProjectSession* projectSession = session(id);
    return projectSession && m_context.sandboxManager()->isSleeping(projectSession);
}

bool ProjectRegistry::hasGivenUp(const QString& id) const
{
    ProjectSession* projectSession = session(id);
    return projectSession && m_context.sandboxManager()->hasGivenUp(projectSession);
}

bool ProjectRegistry::anyActive() const
{
    return std::any_of(m_entries.cbegin(), m_entries.cend(),
                       [](const Entry& entry) { return entry.session->isActive(); });
}

void ProjectRegistry::shutdown()
{
    m_shuttingDown = true;
    if (!anyActive()) {
        Q_EMIT shutdownFinished();
        return;
    }
    for (const Entry& entry : std::as_const(m_entries))
        entry.session->stop();
}

void ProjectRegistry::updatePullRequest(const QString& id)
{
    ProjectSession* live = session(id);
    if (!live || m_shuttingDown)
        return;
    // The token the run was started with (the account's, for the repository's host only) goes
    // with the fetch, as with the clone.
    detach(live->updatePullRequest(pullRequestMirrorDirectory(id)), live,
           "updating the pull request preview");
}

QString ProjectRegistry::pullRequestMirrorDirectory(const QString& id) const
{
    return m_context.dataDirectory() + u"/pull-requests/"_s + id + u".git"_s;
}

} // namespace forge
