#pragma once

#include "store/Project.h"
#include "workflow/ProjectSession.h"

#include <QCoroTask>
#include <QHash>
#include <QMap>
#include <QObject>
#include <QStringList>
#include <functional>
#include <memory>

namespace forge {

class AppContext;
class SandboxProvider;

// What a stored project does when the app starts (ProjectRegistry::resumeFor).
enum class Resume {
    Nothing,   // stays as it was left: stopped, failed or never run
    DevServer, // was live when the app closed: only its dev server starts again
    Run,       // the app closed (or crashed) in the middle of a run: the run continues
};

// The user's projects while the app runs, without a widget: one ProjectSession per project on the
// provider of its back end, the resume policy at start-up, the status kept with each project, and
// the manager's verdicts (sleeping, given up). The window's list is a ProjectListModel over it; the
// window shows one project and asks here for everything else. Projects keep the order they were
// added in.
class ProjectRegistry final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ProjectRegistry)
public:
    ProjectRegistry(AppContext& context, QObject* parent = nullptr);
    ~ProjectRegistry() override;

    // Makes a session for each stored project (emitting sessionCreated) and schedules each one's
    // resume (resumeFor) for when the event loop runs.
    void load();
    // What a stored project does at start-up, from its last known status and whether its last run
    // ended.
    static Resume resumeFor(std::optional<ProjectStatus> lastStatus, bool runUnfinished);

    QStringList ids() const { return m_order; }
    bool contains(const QString& id) const { return m_entries.contains(id); }
    ProjectSession* session(const QString& id) const;
    // The project's name for lists and messages ("owner/repo", a folder's name).
    QString displayName(const QString& id) const;

    // Adds the project (or takes the new choices of one already there: mode, back end, source, plan) and
    // stores it; start() runs it.
    void adopt(const Project& project);
    // Runs the project (again): on the provider its back end has now, making a new session first
    // when that differs from the one the session was made with.
    void start(const QString& id);
    void stop(const QString& id);
    // Removes a project that does not run; false (and nothing happens) while it runs.
    bool remove(const QString& id);
    // Applies a changed project to its session and stores it.
    void update(const Project& project);
    // Keeps `environment` as the project's (issue 20). `secretValues` holds the new value of each
    // secret the user set or changed, by name; a secret not in it keeps its keychain value. The
    // keychain is written first, and the project changes only when every write succeeded;
    // entries of secrets that were removed or made plain are removed. A live preview then restarts
    // its dev server with the new environment (ProjectSession::applyEnvironment), building again in
    // production mode when a changed variable reaches the build. Returns what went wrong and what
    // to do; empty on success.
    QCoro::Task<QString> setEnvironment(QString id, ProjectEnvironment environment,
                                        QMap<QString, QString> secretValues);
    // Brings the live pull request preview `id` up to its pull request's head
    // (ProjectSession::updatePullRequest), with the signed-in account's token for the repository's
    // host and the project's mirror (pullRequestMirrorDirectory()).
    void updatePullRequest(const QString& id);
    // Where the project's PullRequestMirror is kept: <data folder>/pull-requests/<project id>.git,
    // never inside a sandbox.
    QString pullRequestMirrorDirectory(const QString& id) const;
    // Each returns false when nothing changed (no such project, or it already was so).
    bool setBackend(const QString& id, Backend backend);
    // A local folder's working copy or its branch (issue 22), from the next run; the plan and the
    // environment stay as they are.
    bool setSource(const QString& id, ProjectSource source);
    bool setWithoutIsolation(const QString& id, bool withoutIsolation);
    bool setKeepAwake(const QString& id, bool keepAwake);

    // The project the window shows (empty: none); only that one's sandbox is kept awake.
    void setShown(const QString& id);
    void wake(const QString& id);
    void retryRestore(const QString& id);

    // Whether the project runs (or its current run still runs) on this computer without isolation.
    bool runsWithoutIsolation(const QString& id) const;
    // Whether its current session runs plain processes on this computer.
    bool sessionWithoutIsolation(const QString& id) const;
    // Whether its current session runs isolated on this computer.
    bool sessionIsolatedLocally(const QString& id) const;
    bool isSleeping(const QString& id) const;
    bool hasGivenUp(const QString& id) const;
    // Why the manager gave up restoring the project (empty unless hasGivenUp).
    QString restoreFailure(const QString& id) const { return m_restoreFailures.value(id); }

    bool anyActive() const;
    bool isShuttingDown() const { return m_shuttingDown; }
    // Stops every project (nothing new starts from here on), then emits shutdownFinished().
    void shutdown();

Q_SIGNALS:
    // A project got a session (loaded, opened, or a new back end before a run); not started yet.
    void sessionCreated(forge::ProjectSession* session);
    void projectAdded(const QString& id);
    void projectRemoved(const QString& id);
    // Anything its list row or preview shows changed: status, step, back end, restoring, sleeping.
    void projectChanged(const QString& id);
    void runEnded(const QString& id);
    // The manager stopped restoring the project after three failures.
    void restoreGaveUp(const QString& id, const QString& cause);
    void shutdownFinished();
    // Storing the list failed: what went wrong and what to do.
    void storeFailed(const QString& message);
    // A project's status could not be kept with it (it may not come back after a restart).
    void statusNotKept(const QString& message);

private:
    struct Entry
    {
        ProjectSession* session = nullptr;
        // The back end the session was made with; its runs use it, so it lives as long.
        std::shared_ptr<SandboxProvider> provider;
        QString name;                // displayName()
        bool running = false;        // between the session's runStarted() and runEnded()
        bool startWhenEnded = false; // start again (on a fresh provider) once the run has ended
    };

    Entry& add(const Project& project);
    void createSession(Entry& entry, const Project& project);
    void connectSession(const QString& id, ProjectSession* session);
    void scheduleResume(const QString& id);
    void onRunEnded(const QString& id);
    void rememberStatus(const QString& id, ProjectStatus status);
    void save();
    // Changes the project with `change` and stores it; false when `change` reports no change.
    bool change(const QString& id, const std::function<bool(Project&)>& change);

    AppContext& m_context;
    QHash<QString, Entry> m_entries;
    QStringList m_order;
    QHash<QString, QString> m_restoreFailures; // project -> why the manager gave up
    QString m_shown;
    bool m_shuttingDown = false;
};

} // namespace forge
