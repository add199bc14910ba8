#include "GitHubSource.h"

#include "GitHubListParts.h"
#include "PullRequestList.h"
#include "core/RepoRef.h"
#include "github/GitHubClient.h"
#include "github/GitHubError.h"
#include "ui/common/Theme.h"

#include <QApplication>
#include <QComboBox>
#include <QDesktopServices>
#include <QDir>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QKeySequence>
#include <QLabel>
#include <QLineEdit>
#include <QPointer>
#include <QProgressBar>
#include <QPushButton>
#include <QShortcut>
#include <QSplitter>
#include <QTreeWidget>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace forge::ui {

using github::GitHubError;
using github::GitHubRepository;

namespace {

enum Column { NameColumn, BadgesColumn, PushedColumn };

// The page where the user reviews this app's access to their organizations.
QUrl accessReviewUrl(const github::GitHubConfig& config)
{
    QString reviewPath = u"settings/applications"_s;
    if (!config.clientId.isEmpty())
        reviewPath = u"settings/connections/applications/"_s + config.clientId;
    QUrl reviewUrl = config.webUrl;
    QString basePath = reviewUrl.path();
    if (!basePath.endsWith(u'/'))
        basePath += u'/';
    reviewUrl.setPath(basePath + reviewPath);
    return reviewUrl;
}

} // namespace

GitHubSource::GitHubSource(github::GitHubConfig config, const QString& token, QString accountLogin,
                           QWidget* parent)
    : RepositorySource(parent)
    , m_config(std::move(config))
    , m_client(std::make_shared<github::GitHubClient>(m_config))
    , m_accountLogin(std::move(accountLogin))
{
    m_client->setToken(token);

    auto* layout = new QVBoxLayout(this);
    layout->addLayout(createTopRow());
    layout->addLayout(createStatusRow());
    createTree();
    layout->addWidget(createSplitter(), 1);
    createAccessNote();
    layout->addWidget(m_accessNote);
    connectInputs();
    connectPullRequests();

    updateCount();
    updateProblem();
}

GitHubSource::~GitHubSource() = default;

// The filter, the busy indicator, the count and Refresh.
QHBoxLayout* GitHubSource::createTopRow()
{
    auto* top = new QHBoxLayout;
    m_filter = new QLineEdit;
    m_filter->setObjectName(u"githubFilter"_s);
    m_filter->setPlaceholderText(tr("Filter repositories"));
    m_filter->setClearButtonEnabled(true);
    m_filter->setToolTip(tr("Matches owner/name (Ctrl+F)"));
    top->addWidget(m_filter, 1);
    m_busy = new QProgressBar;
    m_busy->setObjectName(u"githubBusy"_s);
    m_busy->setRange(0, 0);
    m_busy->setTextVisible(false);
    m_busy->setMaximumWidth(60);
    m_busy->setMaximumHeight(m_filter->sizeHint().height() / 2);
    m_busy->hide();
    top->addWidget(m_busy);
    m_count = new QLabel;
    m_count->setObjectName(u"githubCount"_s);
    m_count->setForegroundRole(QPalette::PlaceholderText);
    top->addWidget(m_count);
    m_refresh = new QPushButton(tr("Refresh"));
    m_refresh->setObjectName(u"githubRefresh"_s);
    m_refresh->setToolTip(tr("List the repositories again (F5)"));
    top->addWidget(m_refresh);
    return top;
}

// An error, inline, with Retry.
QHBoxLayout* GitHubSource::createStatusRow()
{
    auto* statusRow = new QHBoxLayout;
    m_status = new QLabel;
    m_status->setObjectName(u"githubStatus"_s);
    m_status->setWordWrap(true);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_status->hide();
    statusRow->addWidget(m_status, 1);
    m_retry = new QPushButton(tr("&Retry"));
    m_retry->setObjectName(u"githubRetry"_s);
    m_retry->hide();
    statusRow->addWidget(m_retry, 0, Qt::AlignTop);
    return statusRow;
}

void GitHubSource::createTree()
{
    m_tree = new QTreeWidget;
    m_tree->setObjectName(u"githubRepositories"_s);
    m_tree->setColumnCount(3);
    m_tree->setHeaderLabels({tr("Repository"), QString(), tr("Last push")});
    m_tree->setRootIsDecorated(true);
    m_tree->setUniformRowHeights(true);
    m_tree->setAlternatingRowColors(false);
    m_tree->setSelectionMode(QAbstractItemView::SingleSelection);
    m_tree->setItemDelegateForColumn(BadgesColumn, new BadgeDelegate(NameColumn, BadgesRole, m_tree));
    m_tree->header()->setStretchLastSection(false);
    m_tree->header()->setSectionResizeMode(NameColumn, QHeaderView::Stretch);
    m_tree->header()->setSectionResizeMode(BadgesColumn, QHeaderView::Fixed);
    m_tree->header()->setSectionResizeMode(PushedColumn, QHeaderView::ResizeToContents);
    m_tree->setColumnWidth(BadgesColumn, fontMetrics().horizontalAdvance(u"private fork archived"_s) + 48);
    m_tree->setMinimumHeight(160);
}

// The repositories with the branch choice above, the selected one's pull requests below; the user
// can give either more room.
QSplitter* GitHubSource::createSplitter()
{
    auto* repositoryPane = new QWidget;
    auto* repositoryLayout = new QVBoxLayout(repositoryPane);
    repositoryLayout->setContentsMargins(0, 0, 0, 0);
    repositoryLayout->addWidget(m_tree, 1);
    repositoryLayout->addLayout(createBranchRow());
    // Made after the branch row, so that Tab goes from the branch to the pull requests.
    m_pulls = new PullRequestList(m_client);
    m_pulls->setObjectName(u"githubPulls"_s);
    auto* splitter = new QSplitter(Qt::Vertical);
    splitter->setObjectName(u"githubSplitter"_s);
    splitter->setChildrenCollapsible(false);
    splitter->addWidget(repositoryPane);
    splitter->addWidget(m_pulls);
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 2);
    return splitter;
}

// Why an organization's repositories may be missing, with a link to review the app's access.
void GitHubSource::createAccessNote()
{
    m_accessNote = new QLabel;
    m_accessNote->setObjectName(u"githubAccessNote"_s);
    m_accessNote->setWordWrap(true);
    m_accessNote->setForegroundRole(QPalette::PlaceholderText);
    QFont small = m_accessNote->font();
    small.setPointSizeF(small.pointSizeF() * 0.9);
    m_accessNote->setFont(small);
    m_accessNote->setText(tr("Missing an organization's repositories? An organization can restrict OAuth "
                             "app access or require SSO, and then hides its repositories from this app. "
                             "<a href=\"%1\">Review access</a>")
                              .arg(accessReviewUrl(m_config).toString(QUrl::FullyEncoded).toHtmlEscaped()));
    m_accessNote->setTextFormat(Qt::RichText);
    m_accessNote->setOpenExternalLinks(false);
    m_accessNote->setTextInteractionFlags(Qt::LinksAccessibleByMouse | Qt::LinksAccessibleByKeyboard);
    connect(m_accessNote, &QLabel::linkActivated, this,
            [](const QString& link) { QDesktopServices::openUrl(QUrl(link)); });
}

QHBoxLayout* GitHubSource::createBranchRow()
{
    auto* branchRow = new QHBoxLayout;
    auto* branchLabel = new QLabel(tr("&Branch:"));
    m_branch = new QComboBox;
    m_branch->setObjectName(u"githubBranch"_s);
    m_branch->setEditable(true);
    m_branch->setInsertPolicy(QComboBox::NoInsert);
    m_branch->setMinimumContentsLength(24);
    m_branch->setEnabled(false);
    branchLabel->setBuddy(m_branch);
    branchRow->addWidget(branchLabel);
    branchRow->addWidget(m_branch, 1);
    m_branchNote = new QLabel;
    m_branchNote->setObjectName(u"githubBranchNote"_s);
    m_branchNote->setForegroundRole(QPalette::PlaceholderText);
    branchRow->addWidget(m_branchNote, 1);
    return branchRow;
}

// Enter and activation pick a repository; the branch, Refresh, Retry and the shortcuts (F5, Ctrl+F).
void GitHubSource::connectInputs()
{
    connect(m_filter, &QLineEdit::textChanged, this, &GitHubSource::applyFilter);
    connect(new EnterKeyCatcher(m_filter), &EnterKeyCatcher::entered, this, [this] {
        if (!selectedRepository()) {
            // Enter in the filter takes the first match.
            for (int g = 0; g < m_tree->topLevelItemCount(); ++g) {
                QTreeWidgetItem* group = m_tree->topLevelItem(g);
                for (int i = 0; !group->isHidden() && i < group->childCount(); ++i) {
                    if (!group->child(i)->isHidden()) {
                        m_tree->setCurrentItem(group->child(i));
                        return;
                    }
                }
            }
            return;
        }
        if (m_problem.isEmpty())
            Q_EMIT activated();
    });
    connect(m_tree, &QTreeWidget::itemSelectionChanged, this, &GitHubSource::onSelectionChanged);
    connect(m_tree, &QTreeWidget::itemActivated, this, [this](QTreeWidgetItem* item) {
        if (!item->data(NameColumn, FullNameRole).toString().isEmpty() && m_problem.isEmpty())
            Q_EMIT activated();
    });
    connect(m_branch, &QComboBox::currentTextChanged, this, &GitHubSource::changed);
    connect(m_refresh, &QPushButton::clicked, this, &GitHubSource::reload);
    connect(m_retry, &QPushButton::clicked, this, &GitHubSource::reload);
    auto* refresh = new QShortcut(QKeySequence::Refresh, this);
    refresh->setContext(Qt::WidgetWithChildrenShortcut);
    connect(refresh, &QShortcut::activated, this, &GitHubSource::reload);
    auto* find = new QShortcut(QKeySequence::Find, this);
    find->setContext(Qt::WidgetWithChildrenShortcut);
    connect(find, &QShortcut::activated, this, [this] {
        m_filter->setFocus(Qt::ShortcutFocusReason);
        m_filter->selectAll();
    });
}

QString GitHubSource::title() const
{
    return tr("GitHub");
}

QString GitHubSource::repository() const
{
    const auto selected = selectedRepository();
    if (!selected)
        return {};
    const QString cloneUrl = selected->cloneUrl.toString(QUrl::FullyEncoded);
    const int number = m_pulls->selectedNumber();
    if (number == 0)
        return cloneUrl;
    // A pull request is named by its base repository's address followed by /pull/N (RepoRef), which
    // previews its head as GitHub keeps it there, a fork's pull request too. A clone URL that does
    // not parse stays as it is, for updateProblem() to say why.
    const auto parsed = RepoRef::parse(cloneUrl, QDir::homePath());
    const auto* reference = std::get_if<RepoRef>(&parsed);
    return reference ? reference->canonical() + u"/pull/"_s + QString::number(number) : cloneUrl;
}

QString GitHubSource::branch() const
{
    // A pull request is previewed at its head: no branch goes with it.
    if (!selectedRepository() || m_pulls->selectedNumber() > 0)
        return {};
    return m_branch->currentText().trimmed();
}

int GitHubSource::selectedPullRequest() const
{
    return selectedRepository() ? m_pulls->selectedNumber() : 0;
}

bool GitHubSource::isLoadingPullRequests() const
{
    return m_pulls->isLoading();
}

QString GitHubSource::problem() const
{
    return m_problem;
}

void GitHubSource::focusInput()
{
    m_filter->setFocus();
    m_filter->selectAll();
}

void GitHubSource::showEvent(QShowEvent* event)
{
    RepositorySource::showEvent(event);
    if (!m_started)
        reload();
}

void GitHubSource::reload()
{
    m_started = true;
    if (const auto selected = selectedRepository())
        m_pendingSelection = selected->fullName;
    ++m_generation;
    ++m_branchGeneration;
    m_loadingBranches = false;
    m_loading = true;
    m_error.clear();
    m_repositories.clear();
    m_indexByName.clear();
    m_groups.clear();
    {
        const QSignalBlocker blocker(m_tree);
        m_tree->clear();
    }
    {
        const QSignalBlocker blocker(m_branch);
        m_branch->clear();
        m_branch->setEnabled(false);
    }
    m_branchError.clear();
    m_pulls->setRepository(std::nullopt);
    updateBranchNote();
    m_status->hide();
    m_retry->hide();
    m_busy->show();
    m_refresh->setEnabled(false);
    updateCount();
    updateProblem();
    Q_EMIT changed();
    listRepositories(m_generation);
}

QCoro::Task<> GitHubSource::listRepositories(int generation)
{
    // The client outlives this tab while a request runs, so a closed picker never pulls the
    // network out from under a pending reply; `self` says whether there is still a tab to fill.
    const QPointer<GitHubSource> self(this);
    const std::shared_ptr<github::GitHubClient> client = m_client;
    const auto current = [self, generation] { return self && self->m_generation == generation; };
    github::GitHubClient::RepositoryPage onPage = [self, current](const QList<GitHubRepository>& page) {
        if (current())
            self->addRepositories(page);
    };
    QString error;
    try {
        auto task = client->repositories(onPage);
        co_await std::move(task);
    } catch (const GitHubError& failure) {
        if (current())
            error = describe(failure);
    } catch (const Failure& failure) {
        error = tr("Could not list your GitHub repositories: %1").arg(failure.message());
    } catch (const std::exception&) {
        error = tr("Could not list your GitHub repositories because of an unexpected error.");
    }
    if (!current())
        co_return;
    if (!error.isEmpty())
        showError(error);
    finishLoading();
}

QString GitHubSource::describe(const GitHubError& error) const
{
    if (const QString limited = rateLimitText(error); !limited.isEmpty())
        return limited;
    switch (error.errorKind()) {
    case GitHubError::Kind::Unauthorized:
        return tr("GitHub refused the token: sign in again.");
    case GitHubError::Kind::Forbidden:
        return tr("GitHub refused to list your repositories. %1").arg(error.advice());
    case GitHubError::Kind::InvalidConfig:
        return tr("The GitHub settings are not usable: %1").arg(error.userMessage());
    default:
        return tr("Could not list your GitHub repositories. %1").arg(error.userMessage());
    }
}

void GitHubSource::showError(const QString& text)
{
    m_error = text;
    QPalette palette = m_status->palette();
    palette.setColor(QPalette::WindowText, Theme::failureColor());
    m_status->setPalette(palette);
    m_status->setText(text);
    m_status->show();
    m_retry->show();
}

void GitHubSource::finishLoading()
{
    m_loading = false;
    m_busy->hide();
    m_refresh->setEnabled(true);
    m_pendingSelection.clear();
    if (m_error.isEmpty() && m_repositories.isEmpty()) {
        m_status->setPalette(QPalette());
        m_status->setForegroundRole(QPalette::WindowText);
        m_status->setText(tr("This GitHub account (%1) has no repositories yet. Create one on GitHub and "
                             "press Refresh, or open a repository by its address in the URL tab.")
                              .arg(m_accountLogin.isEmpty() ? tr("signed in") : m_accountLogin));
        m_status->show();
    }
    updateCount();
    updateProblem();
    Q_EMIT changed();
    Q_EMIT loadFinished();
}

QTreeWidgetItem* GitHubSource::groupFor(const GitHubRepository& repository)
{
    const QString owner = repository.ownerLogin;
    if (QTreeWidgetItem* group = m_groups.value(owner))
        return group;
    const bool mine = !m_accountLogin.isEmpty() && owner.compare(m_accountLogin, Qt::CaseInsensitive) == 0;
    auto* group = new QTreeWidgetItem;
    group->setFlags(Qt::ItemIsEnabled);
    group->setData(NameColumn, Qt::UserRole, owner);
    QFont bold = m_tree->font();
    bold.setBold(true);
    group->setFont(NameColumn, bold);
    // Yours first, then the other owners by name.
    int index = 0;
    if (!mine) {
        index = m_tree->topLevelItemCount();
        for (int i = 0; i < m_tree->topLevelItemCount(); ++i) {
            const QString other = m_tree->topLevelItem(i)->data(NameColumn, Qt::UserRole).toString();
            const bool otherMine =
                !m_accountLogin.isEmpty() && other.compare(m_accountLogin, Qt::CaseInsensitive) == 0;
            if (!otherMine && other.compare(owner, Qt::CaseInsensitive) > 0) {
                index = i;
                break;
            }
        }
    }
    m_tree->insertTopLevelItem(index, group);
    group->setFirstColumnSpanned(true);
    group->setExpanded(true);
    m_groups.insert(owner, group);
    return group;
}

void GitHubSource::addRepositories(const QList<GitHubRepository>& page)
{
    const QString filter = m_filter->text().trimmed();
    for (const GitHubRepository& repository : page) {
        if (m_indexByName.contains(repository.fullName))
            continue;
        m_indexByName.insert(repository.fullName, int(m_repositories.size()));
        m_repositories << repository;

        QTreeWidgetItem* group = groupFor(repository);
        QStringList badges;
        if (repository.isPrivate)
            badges << u"private"_s;
        if (repository.fork)
            badges << u"fork"_s;
        if (repository.archived)
            badges << u"archived"_s;
        auto* item = new QTreeWidgetItem;
        item->setText(NameColumn, repository.name);
        item->setData(NameColumn, FullNameRole, repository.fullName);
        item->setData(NameColumn, PushedAtRole, repository.pushedAt);
        item->setData(NameColumn, BadgesRole, badges);
        item->setToolTip(NameColumn, repository.fullName);
        item->setText(BadgesColumn, badges.join(u' '));
        item->setText(PushedColumn, relativeTime(repository.pushedAt));
        item->setToolTip(PushedColumn, fullTime(repository.pushedAt, tr("Nothing pushed yet")));
        if (repository.archived)
            item->setForeground(NameColumn, Theme::mutedTextColor());
        // Newest push first within the group.
        int index = group->childCount();
        for (int i = 0; i < group->childCount(); ++i) {
            if (group->child(i)->data(NameColumn, PushedAtRole).toDateTime() < repository.pushedAt) {
                index = i;
                break;
            }
        }
        group->insertChild(index, item);
        if (!filter.isEmpty())
            item->setHidden(!repository.fullName.contains(filter, Qt::CaseInsensitive));
        if (!m_pendingSelection.isEmpty() && repository.fullName == m_pendingSelection) {
            m_pendingSelection.clear();
            m_tree->setCurrentItem(item);
        }
    }
    for (QTreeWidgetItem* group : std::as_const(m_groups)) {
        const QString owner = group->data(NameColumn, Qt::UserRole).toString();
        const bool mine =
            !m_accountLogin.isEmpty() && owner.compare(m_accountLogin, Qt::CaseInsensitive) == 0;
        group->setText(NameColumn,
                       (mine ? tr("%1 (you)").arg(owner) : owner) + u"  ·  "_s +
                           counted(group->childCount(), tr("%1 repository"), tr("%1 repositories")));
    }
    if (!filter.isEmpty())
        applyFilter();
    updateCount();
}

void GitHubSource::applyFilter()
{
    const QString filter = m_filter->text().trimmed();
    for (int g = 0; g < m_tree->topLevelItemCount(); ++g) {
        QTreeWidgetItem* group = m_tree->topLevelItem(g);
        bool any = false;
        for (int i = 0; i < group->childCount(); ++i) {
            QTreeWidgetItem* item = group->child(i);
            const bool match =
                filter.isEmpty() ||
                item->data(NameColumn, FullNameRole).toString().contains(filter, Qt::CaseInsensitive);
            item->setHidden(!match);
            any = any || match;
        }
        group->setHidden(!any);
    }
    updateCount();
}

void GitHubSource::updateCount()
{
    const int total = int(m_repositories.size());
    if (m_loading) {
        m_count->setText(total == 0 ? tr("Loading…") : tr("Loading… %1 so far").arg(total));
        return;
    }
    if (total == 0 && !m_error.isEmpty()) {
        m_count->clear(); // the error says why; "0 repositories" would not be true
        return;
    }
    const QString filter = m_filter->text().trimmed();
    if (filter.isEmpty() || total == 0) {
        m_count->setText(m_started ? counted(total, tr("%1 repository"), tr("%1 repositories")) : QString());
        return;
    }
    int shown = 0;
    for (int g = 0; g < m_tree->topLevelItemCount(); ++g) {
        QTreeWidgetItem* group = m_tree->topLevelItem(g);
        for (int i = 0; i < group->childCount(); ++i)
            shown += group->child(i)->isHidden() ? 0 : 1;
    }
    m_count->setText(shown == 0 ? tr("No match") : tr("%1 of %2").arg(shown).arg(total));
}

std::optional<GitHubRepository> GitHubSource::selectedRepository() const
{
    const QList<QTreeWidgetItem*> selected = m_tree->selectedItems();
    if (selected.isEmpty())
        return std::nullopt;
    const int index = m_indexByName.value(selected.first()->data(NameColumn, FullNameRole).toString(), -1);
    if (index < 0)
        return std::nullopt;
    return m_repositories.at(index);
}

bool GitHubSource::selectRepository(const QString& fullName)
{
    for (int g = 0; g < m_tree->topLevelItemCount(); ++g) {
        QTreeWidgetItem* group = m_tree->topLevelItem(g);
        for (int i = 0; i < group->childCount(); ++i) {
            if (group->child(i)->data(NameColumn, FullNameRole).toString() == fullName) {
                m_tree->setCurrentItem(group->child(i));
                m_tree->scrollToItem(group->child(i));
                return true;
            }
        }
    }
    return false;
}

void GitHubSource::onSelectionChanged()
{
    ++m_branchGeneration;
    const auto selected = selectedRepository();
    {
        const QSignalBlocker blocker(m_branch);
        m_branch->clear();
        if (selected) {
            // The default branch is usable at once; the others follow.
            m_branch->addItem(selected->defaultBranch);
            m_branch->setCurrentIndex(0);
        }
        m_branch->setEnabled(selected.has_value());
    }
    m_branchError.clear();
    m_loadingBranches = selected && !selected->ownerLogin.isEmpty();
    m_pulls->setRepository(selected);
    updateBranchNote();
    updateProblem();
    Q_EMIT changed();
    if (m_loadingBranches)
        listBranches(*selected, m_branchGeneration);
}

QCoro::Task<> GitHubSource::listBranches(GitHubRepository repository, int generation)
{
    const QPointer<GitHubSource> self(this);
    const std::shared_ptr<github::GitHubClient> client = m_client;
    QList<github::GitHubBranch> branches;
    QString error;
    try {
        const github::GitHubClient::BranchPage noPages;
        auto task = client->branches(repository.ownerLogin, repository.name, noPages);
        branches = co_await std::move(task);
    } catch (const Failure& failure) {
        error = failure.message();
    } catch (const std::exception&) {
        error = tr("unexpected error");
    }
    if (!self || self->m_branchGeneration != generation)
        co_return;
    m_loadingBranches = false;
    m_branchError = error;
    updateBranchNote();
    if (error.isEmpty()) {
        const QString chosen = m_branch->currentText();
        QStringList names;
        for (const github::GitHubBranch& branch : std::as_const(branches)) {
            if (branch.name != repository.defaultBranch)
                names << branch.name;
        }
        names.sort(Qt::CaseInsensitive);
        const QSignalBlocker blocker(m_branch);
        m_branch->clear();
        m_branch->addItem(repository.defaultBranch);
        m_branch->addItems(names);
        const int index = m_branch->findText(chosen);
        if (index >= 0)
            m_branch->setCurrentIndex(index);
        else
            m_branch->setEditText(chosen);
    }
    Q_EMIT changed();
    Q_EMIT branchesLoaded();
}

// A pull request chosen in the list replaces the branch; Preview PR #N, Enter or a double-click on
// it confirms the tab's choice like Enter on a repository. Choosing a branch again goes back to it.
void GitHubSource::connectPullRequests()
{
    connect(m_pulls, &PullRequestList::selectionChanged, this, [this] {
        updateBranchNote();
        updateProblem();
        Q_EMIT changed();
    });
    connect(m_pulls, &PullRequestList::previewRequested, this, [this](int number) {
        if (m_pulls->selectedNumber() != number)
            m_pulls->selectPullRequest(number);
        if (m_problem.isEmpty() && m_pulls->selectedNumber() == number)
            Q_EMIT activated();
    });
    connect(m_pulls, &PullRequestList::loadFinished, this, &GitHubSource::pullRequestsLoaded);
    connect(m_branch, &QComboBox::activated, m_pulls, &PullRequestList::clearSelection);
    connect(m_branch->lineEdit(), &QLineEdit::textEdited, m_pulls, &PullRequestList::clearSelection);
}

// What the branch choice stands for: a chosen pull request wins over the branches' own news.
void GitHubSource::updateBranchNote()
{
    const int number = selectedPullRequest();
    QString note;
    if (number > 0)
        note = tr("Previews pull request #%1 (its head) instead of a branch.").arg(number);
    else if (m_loadingBranches)
        note = tr("Loading branches…");
    else if (!m_branchError.isEmpty())
        note = tr("Could not list the branches; the default branch is used.");
    m_branchNote->setText(note);
    m_branchNote->setToolTip(number == 0 ? m_branchError : QString());
    // The branch stays choosable (choosing one goes back to it) but reads as not in effect.
    QPalette palette;
    if (number > 0)
        palette.setColor(QPalette::Text, palette.color(QPalette::PlaceholderText));
    m_branch->lineEdit()->setPalette(number > 0 ? palette : QPalette());
}

void GitHubSource::updateProblem()
{
    const auto selected = selectedRepository();
    if (!selected) {
        m_problem = !m_error.isEmpty() && m_repositories.isEmpty() ? m_error : tr("Choose a repository.");
        return;
    }
    const auto parsed = RepoRef::parse(repository(), QDir::homePath());
    if (const auto* error = std::get_if<RepoRefError>(&parsed))
        m_problem = error->explanation();
    else
        m_problem.clear();
}

} // namespace forge::ui
