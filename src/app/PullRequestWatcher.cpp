#include "PullRequestWatcher.h"

#include "ProjectRegistry.h"
#include "accounts/GitHubAccountManager.h"
#include "core/Detached.h"
#include "core/RepoRef.h"
#include "github/GitHubClient.h"
#include "github/GitHubError.h"
#include "github/PollInterval.h"
#include "secrets/SecretResult.h"
#include "workflow/ProjectSession.h"

#include <QDir>
#include <QLocale>
#include <QPointer>
#include <algorithm>

using namespace Qt::StringLiterals;

namespace forge {

namespace {

// The pull request a project previews, with the owner and name of its repository as GitHub's API
// names them ("/octocat/repo-0.git" -> octocat, repo-0); nullopt for any other project.
struct PullRequestAddress
{
    int number = 0;
    QString owner;
    QString repo;
    QUrl url;
};

std::optional<PullRequestAddress> addressOf(const Project& project)
{
    // Parsed only when it can be one: parsing a folder's path looks at the disk.
    if (!project.repository.contains(u"/pull/"_s))
        return std::nullopt;
    const auto parsed = RepoRef::parse(project.repository, QDir::currentPath());
    const auto* reference = std::get_if<RepoRef>(&parsed);
    if (!reference || !reference->isRemote() || reference->pullRequest() <= 0)
        return std::nullopt;
    QStringList segments = reference->url().path().split(u'/', Qt::SkipEmptyParts);
    if (segments.size() < 2)
        return std::nullopt;
    QString repo = segments.takeLast();
    if (repo.endsWith(u".git"_s))
        repo.chop(4);
    return PullRequestAddress{reference->pullRequest(), segments.takeLast(), repo, reference->url()};
}

} // namespace

PullRequestWatcher::PullRequestWatcher(ProjectRegistry& registry, GitHubAccountManager& accounts,
                                       QObject* parent)
    : QObject(parent)
    , m_registry(registry)
    , m_accounts(accounts)
{
    m_timer.setSingleShot(true);
    connect(&m_timer, &QTimer::timeout, this, &PullRequestWatcher::onTimeout);
    connect(&m_registry, &ProjectRegistry::projectAdded, this, &PullRequestWatcher::track);
    connect(&m_registry, &ProjectRegistry::projectRemoved, this, &PullRequestWatcher::forget);
    connect(&m_registry, &ProjectRegistry::sessionCreated, this, &PullRequestWatcher::connectSession);
    // Another account (or none): what the last one could or could not see no longer holds.
    connect(&m_accounts, &GitHubAccountManager::accountChanged, this, &PullRequestWatcher::checkAll);
    for (const QString& id : m_registry.ids()) {
        track(id);
        if (ProjectSession* session = m_registry.session(id))
            connectSession(session);
    }
}

PullRequestWatcher::~PullRequestWatcher() = default;

int PullRequestWatcher::number(const QString& projectId) const
{
    const auto entry = m_entries.constFind(projectId);
    return entry == m_entries.cend() ? 0 : entry->number;
}

std::optional<github::GitHubPullRequest> PullRequestWatcher::pullRequest(const QString& projectId) const
{
    const auto entry = m_entries.constFind(projectId);
    return entry == m_entries.cend() ? std::nullopt : entry->pull;
}

QString PullRequestWatcher::problem(const QString& projectId) const
{
    const auto entry = m_entries.constFind(projectId);
    return entry == m_entries.cend() ? QString() : entry->problem;
}

QString PullRequestWatcher::updateFailure(const QString& projectId) const
{
    const auto entry = m_entries.constFind(projectId);
    return entry == m_entries.cend() ? QString() : entry->updateFailure;
}

bool PullRequestWatcher::updateAvailable(const QString& projectId) const
{
    const auto entry = m_entries.constFind(projectId);
    const ProjectSession* session = m_registry.session(projectId);
    if (entry == m_entries.cend() || !entry->pull || !session || session->status() != ProjectStatus::Live)
        return false;
    const QString head = entry->pull->head.sha;
    const QString checkedOut = session->checkedOutCommit();
    return !head.isEmpty() && !checkedOut.isEmpty() && head.compare(checkedOut, Qt::CaseInsensitive) != 0;
}

bool PullRequestWatcher::isPolling(const QString& projectId) const
{
    const auto entry = m_entries.constFind(projectId);
    return entry != m_entries.cend() && projectId == m_shown && !stopped(*entry) &&
           m_accounts.account().has_value();
}

bool PullRequestWatcher::stopped(const Entry& entry) const
{
    return entry.pull && !entry.pull->isOpen();
}

void PullRequestWatcher::setShown(const QString& projectId)
{
    if (projectId == m_shown)
        return;
    const QString previous = m_shown;
    m_shown = projectId;
    schedule();
    if (m_entries.contains(previous))
        Q_EMIT changed(previous);
    if (m_entries.contains(projectId))
        Q_EMIT changed(projectId);
}

bool PullRequestWatcher::checkNow(const QString& projectId)
{
    const auto entry = m_entries.find(projectId);
    if (entry == m_entries.end() || stopped(*entry) || entry->inFlight)
        return false;
    if (entry->waitUntil.isValid() && entry->waitUntil > QDateTime::currentDateTimeUtc())
        return false;
    start(projectId);
    return true;
}

void PullRequestWatcher::track(const QString& projectId)
{
    const ProjectSession* session = m_registry.session(projectId);
    const auto address = session ? addressOf(session->project()) : std::nullopt;
    if (!address || m_entries.contains(projectId))
        return;
    Entry entry;
    entry.number = address->number;
    entry.owner = address->owner;
    entry.repo = address->repo;
    entry.repositoryUrl = address->url;
    entry.serial = ++m_serial;
    m_entries.insert(projectId, entry);
    // Once, when it joins the list; afterwards only while it is shown.
    start(projectId);
}

void PullRequestWatcher::forget(const QString& projectId)
{
    if (m_entries.remove(projectId) > 0 && projectId == m_shown)
        schedule();
}

void PullRequestWatcher::connectSession(ProjectSession* session)
{
    const QString id = session->project().id;
    if (!m_entries.contains(id))
        track(id); // projectAdded came before the session existed
    if (!m_entries.contains(id))
        return;
    const auto notify = [this, id] { Q_EMIT changed(id); };
    connect(session, &ProjectSession::checkedOutCommitChanged, this, notify);
    connect(session, &ProjectSession::statusChanged, this, notify);
    connect(session, &ProjectSession::pullRequestUpdateStarted, this, [this, id] {
        if (const auto entry = m_entries.find(id); entry != m_entries.end())
            entry->updateFailure.clear();
        Q_EMIT changed(id);
    });
    connect(session, &ProjectSession::pullRequestUpdated, this, [this, id] {
        if (const auto entry = m_entries.find(id); entry != m_entries.end())
            entry->updateFailure.clear();
        Q_EMIT changed(id);
    });
    connect(session, &ProjectSession::pullRequestUpdateFailed, this, [this, id](const QString& cause) {
        if (const auto entry = m_entries.find(id); entry != m_entries.end())
            entry->updateFailure = cause;
        Q_EMIT changed(id);
    });
}

void PullRequestWatcher::checkAll()
{
    for (auto entry = m_entries.begin(); entry != m_entries.end(); ++entry) {
        entry->etag.clear(); // another token may see another answer
        entry->waitUntil = {};
        if (!entry->inFlight)
            start(entry.key());
    }
    schedule();
}

void PullRequestWatcher::start(const QString& projectId)
{
    const auto entry = m_entries.find(projectId);
    if (entry == m_entries.end() || entry->inFlight)
        return;
    entry->inFlight = true;
    if (projectId == m_shown)
        m_timer.stop(); // scheduled again when the answer is in
    detach(check(projectId), this, "checking a pull request");
}

PullRequestWatcher::Entry* PullRequestWatcher::current(const QString& projectId, quint64 serial)
{
    const auto entry = m_entries.find(projectId);
    return entry == m_entries.end() || entry->serial != serial ? nullptr : &entry.value();
}

void PullRequestWatcher::fail(Entry& entry, const QString& cause)
{
    entry.problem = tr("Could not check pull request #%1: %2").arg(entry.number).arg(cause);
}

QCoro::Task<> PullRequestWatcher::check(QString projectId)
{
    QPointer<PullRequestWatcher> self(this);
    const Entry before = m_entries.value(projectId);
    const quint64 serial = before.serial;
    const std::optional<GitHubAccount> account = m_accounts.account();
    QString problem;
    std::optional<github::PullRequestFetch> fetch;
    QDateTime waitUntil;
    if (!account) {
        problem = tr("sign in to GitHub (File > Sign In to GitHub…) to see it and its new commits.");
    } else if (!account->host().serves(before.repositoryUrl)) {
        problem =
            tr("its repository is not on %1, the GitHub you are signed in to.").arg(account->host().name());
    } else {
        const SecretResult token = co_await m_accounts.token();
        if (!self)
            co_return;
        if (!token.isFound()) {
            problem =
                token.ok()
                    ? tr("the keychain has no GitHub token for %1; sign in again.").arg(account->describe())
                    : token.message();
        } else {
            github::GitHubClient client(account->config());
            client.setToken(token.secret());
            try {
                github::PullRequestFetch answer =
                    co_await client.pullRequest(before.owner, before.repo, before.number, before.etag);
                fetch = std::move(answer);
            } catch (const github::GitHubError& error) {
                using Kind = github::GitHubError::Kind;
                if (error.errorKind() == Kind::NotFound) {
                    problem = tr("GitHub has no pull request #%1 in %2/%3, or your account cannot see it.")
                                  .arg(before.number)
                                  .arg(before.owner, before.repo);
                } else if (error.errorKind() == Kind::PrimaryRateLimit && error.rateLimitReset().isValid()) {
                    waitUntil = error.rateLimitReset();
                    problem = tr("GitHub's rate limit is used up; checking again after %1.")
                                  .arg(QLocale().toString(waitUntil.toLocalTime().time(), u"HH:mm"_s));
                } else if (error.errorKind() == Kind::SecondaryRateLimit) {
                    const int seconds = std::max(60, error.retryAfterSeconds());
                    waitUntil = QDateTime::currentDateTimeUtc().addSecs(seconds);
                    problem =
                        tr("GitHub asked this app to slow down; checking again in %1 seconds.").arg(seconds);
                } else {
                    problem = error.userMessage();
                }
            } catch (const std::exception& error) {
                problem = QString::fromUtf8(error.what());
            }
            if (!self)
                co_return;
        }
    }

    Entry* entry = current(projectId, serial);
    if (!entry)
        co_return; // removed meanwhile
    entry->inFlight = false;
    entry->lastCheck = QDateTime::currentDateTimeUtc();
    entry->waitUntil = waitUntil;
    if (fetch) {
        entry->problem.clear();
        entry->rateLimit = fetch->rateLimit;
        if (!fetch->etag.isEmpty())
            entry->etag = fetch->etag;
        if (!fetch->notModified())
            entry->pull = fetch->pullRequest;
    } else {
        fail(*entry, problem);
    }
    const bool changedNow = !fetch || !fetch->notModified() || before.problem != entry->problem;
    if (projectId == m_shown)
        schedule();
    if (changedNow)
        Q_EMIT changed(projectId);
    Q_EMIT checked(projectId);
}

void PullRequestWatcher::schedule()
{
    m_timer.stop();
    m_nextCheck = {};
    const auto entry = m_entries.constFind(m_shown);
    if (entry == m_entries.cend() || entry->inFlight || !isPolling(m_shown))
        return;
    const QDateTime now = QDateTime::currentDateTimeUtc();
    const std::chrono::seconds interval = github::suggestedPollInterval(entry->rateLimit, 1, now);
    QDateTime due = entry->lastCheck.isValid() ? entry->lastCheck.addSecs(interval.count()) : now;
    if (entry->waitUntil.isValid() && entry->waitUntil > due)
        due = entry->waitUntil;
    m_nextCheck = std::max(due, now);
    m_timer.start(std::chrono::milliseconds(std::max<qint64>(0, now.msecsTo(m_nextCheck))));
}

void PullRequestWatcher::onTimeout()
{
    const auto entry = m_entries.constFind(m_shown);
    if (entry == m_entries.cend() || !isPolling(m_shown))
        return;
    start(m_shown);
}

} // namespace forge
