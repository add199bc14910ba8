#pragma once

#include "github/GitHubParsing.h"

#include <QCoroTask>
#include <QDateTime>
#include <QHash>
#include <QObject>
#include <QString>
#include <QTimer>
#include <QUrl>
#include <chrono>
#include <optional>

namespace forge {

class GitHubAccountManager;
class ProjectRegistry;
class ProjectSession;

// What the window knows of each pull request project's pull request (issue 21, "stay current" and
// "say what the PR is"): fetched once for every pull request project when it is loaded or added, then
// polled only for the shown project, with the ETag (a 304 costs no rate limit), at
// github::suggestedPollInterval() and never below its floor; one timer, restarted whenever another
// project is shown. A closed or merged pull request is not checked again. Asks the signed-in account's
// GitHub, with its token, and only about repositories on that account's host (the rule clones follow
// too). What went wrong (no account, no token, network, 404, a used-up rate limit, which also waits for
// the reset) is kept per project as a sentence for the UI; nothing here shows a dialog.
class PullRequestWatcher final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(PullRequestWatcher)
public:
    PullRequestWatcher(ProjectRegistry& registry, GitHubAccountManager& accounts, QObject* parent = nullptr);
    ~PullRequestWatcher() override;

    // Whether the project previews a pull request; 0 / false for any other project.
    bool isPullRequest(const QString& projectId) const { return m_entries.contains(projectId); }
    int number(const QString& projectId) const;
    // The pull request as GitHub last described it; nullopt until the first answer.
    std::optional<github::GitHubPullRequest> pullRequest(const QString& projectId) const;
    // Why the pull request could not be checked ("Could not check pull request #3: …"); empty when
    // the last check worked.
    QString problem(const QString& projectId) const;
    // Why the last update of the preview to new commits failed (ProjectSession::
    // pullRequestUpdateFailed); empty once another update started or succeeded.
    QString updateFailure(const QString& projectId) const;
    // The pull request's head has moved past what the live preview checked out: both commits are
    // known and differ, and the preview is live.
    bool updateAvailable(const QString& projectId) const;
    // Whether the project is checked for new commits from here on (it is shown, its pull request is
    // not closed or merged, and an account can ask about it).
    bool isPolling(const QString& projectId) const;
    // When the next poll of the shown project is due; invalid when none is scheduled.
    QDateTime nextCheck() const { return m_timer.isActive() ? m_nextCheck : QDateTime(); }

    // The project the window shows (empty: none); only that one is polled.
    void setShown(const QString& projectId);
    QString shown() const { return m_shown; }
    // Checks the project now instead of when its timer says (the tests' way to poll without
    // waiting a minute), with the ETag. False, and nothing is sent, when the project is not a pull
    // request, its pull request was closed or merged, a check is already on its way, or the rate
    // limit is used up until its reset.
    bool checkNow(const QString& projectId);

Q_SIGNALS:
    // Anything the project's header, banner or list row show changed: the pull request, the problem,
    // whether it is polled, whether an update is available, the update's progress.
    void changed(const QString& projectId);
    // A check of the project has ended, however it went (unchanged, changed or failed).
    void checked(const QString& projectId);

private:
    struct Entry
    {
        int number = 0;
        QString owner;
        QString repo;
        QUrl repositoryUrl;
        std::optional<github::GitHubPullRequest> pull;
        QByteArray etag;
        github::RateLimitInfo rateLimit;
        QString problem;
        QString updateFailure;
        QDateTime lastCheck; // when the last answer (or failure) came
        QDateTime waitUntil; // a used-up rate limit: nothing is sent before then
        bool inFlight = false;
        quint64 serial = 0; // tells a removed and re-added project's answers apart
    };

    void track(const QString& projectId);
    void forget(const QString& projectId);
    void connectSession(ProjectSession* session);
    void checkAll();
    void start(const QString& projectId);
    QCoro::Task<> check(QString projectId);
    // Records the answer for `projectId` unless the project went (or came back) meanwhile.
    Entry* current(const QString& projectId, quint64 serial);
    void fail(Entry& entry, const QString& cause);
    bool stopped(const Entry& entry) const;
    void schedule();
    void onTimeout();

    ProjectRegistry& m_registry;
    GitHubAccountManager& m_accounts;
    QHash<QString, Entry> m_entries;
    QString m_shown;
    QTimer m_timer;
    QDateTime m_nextCheck;
    quint64 m_serial = 0;
};

} // namespace forge
