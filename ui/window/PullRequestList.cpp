#include "PullRequestList.h"

#include "GitHubListParts.h"
#include "github/GitHubClient.h"
#include "github/GitHubError.h"
#include "ui/common/Theme.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPointer>
#include <QProgressBar>
#include <QPushButton>
#include <QRegularExpression>
#include <QShortcut>
#include <QTreeWidget>
#include <QVBoxLayout>
#include <algorithm>

using namespace Qt::StringLiterals;

namespace forge::ui {

using github::GitHubError;
using github::GitHubPullRequest;

namespace {

enum Column { NumberColumn, TitleColumn, AuthorColumn, BranchColumn, TagsColumn, UpdatedColumn, ColumnCount };

// Whether a row whose search text is `haystack` (lower case) matches every word of `filter`; "#12"
// matches pull request 12 only, not 120.
bool matches(const QTreeWidgetItem* item, const QStringList& words)
{
    const QString haystack = item->data(NumberColumn, PullRequestList::SearchRole).toString();
    const int number = item->data(NumberColumn, PullRequestList::NumberRole).toInt();
    static const QRegularExpression numberWord(u"\\A#([0-9]+)\\z"_s);
    for (const QString& word : words) {
        const QRegularExpressionMatch exact = numberWord.match(word);
        if (exact.hasMatch() ? exact.captured(1).toInt() != number : !haystack.contains(word))
            return false;
    }
    return true;
}

QStringList filterWords(const QLineEdit* filter)
{
    return filter->text().toLower().split(u' ', Qt::SkipEmptyParts);
}

// Where the head branch lives, for its tooltip: the fork's name, or that the fork is gone.
QString headTooltip(const GitHubPullRequest& pull)
{
    if (pull.headRepoDeleted())
        return PullRequestList::tr("%1, in a fork that was deleted since").arg(pull.head.ref);
    return pull.head.repoFullName + u':' + pull.head.ref;
}

} // namespace

PullRequestList::PullRequestList(std::shared_ptr<github::GitHubClient> client, QWidget* parent)
    : QWidget(parent)
    , m_client(std::move(client))
{
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(createHeader());
    layout->addWidget(createStatusRow());
    createTree();
    layout->addWidget(m_tree, 1);
    m_title->setBuddy(m_tree);
    // From the filter straight into the list (Down does the same), then Preview and Retry.
    QWidget::setTabOrder(m_filter, m_tree);
    connectInputs();
    setRepository(std::nullopt);
}

PullRequestList::~PullRequestList() = default;

// The title, the filter, the busy indicator, the count and Preview PR #N.
QWidget* PullRequestList::createHeader()
{
    auto* header = new QWidget;
    auto* row = new QHBoxLayout(header);
    row->setContentsMargins(0, 0, 0, 0);
    m_title = new QLabel(tr("Pu&ll requests"));
    QFont bold = m_title->font();
    bold.setBold(true);
    m_title->setFont(bold);
    row->addWidget(m_title);
    m_filter = new QLineEdit;
    m_filter->setObjectName(u"githubPullFilter"_s);
    m_filter->setPlaceholderText(tr("Filter pull requests"));
    m_filter->setClearButtonEnabled(true);
    m_filter->setToolTip(tr("Matches the number, title, author or branch (#12: pull request 12 only); "
                            "Down goes to the list"));
    row->addWidget(m_filter, 1);
    m_busy = new QProgressBar;
    m_busy->setObjectName(u"githubPullBusy"_s);
    m_busy->setRange(0, 0);
    m_busy->setTextVisible(false);
    m_busy->setMaximumWidth(60);
    m_busy->setMaximumHeight(m_filter->sizeHint().height() / 2);
    m_busy->hide();
    row->addWidget(m_busy);
    m_count = new QLabel;
    m_count->setObjectName(u"githubPullCount"_s);
    m_count->setForegroundRole(QPalette::PlaceholderText);
    row->addWidget(m_count);
    m_preview = new QPushButton;
    m_preview->setObjectName(u"githubPullPreview"_s);
    m_preview->setToolTip(tr("Preview the pull request's latest commit (its head) instead of a branch "
                             "(Enter, or double-click the row)"));
    row->addWidget(m_preview);
    return header;
}

// An error (in the failure colour, with Retry) or why the list is empty.
QWidget* PullRequestList::createStatusRow()
{
    m_statusRow = new QWidget;
    auto* row = new QHBoxLayout(m_statusRow);
    row->setContentsMargins(0, 0, 0, 0);
    m_status = new QLabel;
    m_status->setObjectName(u"githubPullStatus"_s);
    m_status->setWordWrap(true);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
    row->addWidget(m_status, 1);
    m_retry = new QPushButton(tr("R&etry"));
    m_retry->setObjectName(u"githubPullRetry"_s);
    m_retry->setToolTip(tr("List the pull requests again"));
    row->addWidget(m_retry, 0, Qt::AlignTop);
    return m_statusRow;
}

void PullRequestList::createTree()
{
    m_tree = new QTreeWidget;
    m_tree->setObjectName(u"githubPullRequests"_s);
    m_tree->setColumnCount(ColumnCount);
    m_tree->setHeaderLabels({u"#"_s, tr("Title"), tr("Author"), tr("Branch"), QString(), tr("Updated")});
    m_tree->setRootIsDecorated(false);
    m_tree->setUniformRowHeights(true);
    m_tree->setSelectionMode(QAbstractItemView::SingleSelection);
    m_tree->setItemDelegateForColumn(TagsColumn, new BadgeDelegate(NumberColumn, BadgesRole, m_tree));
    QHeaderView* header = m_tree->header();
    header->setStretchLastSection(false);
    header->setSectionResizeMode(NumberColumn, QHeaderView::ResizeToContents);
    header->setSectionResizeMode(TitleColumn, QHeaderView::Stretch);
    // Author and branch names can be long: a fixed start the user can widen, the rest in tooltips.
    header->setSectionResizeMode(AuthorColumn, QHeaderView::Interactive);
    header->setSectionResizeMode(BranchColumn, QHeaderView::Interactive);
    header->setSectionResizeMode(TagsColumn, QHeaderView::Fixed);
    header->setSectionResizeMode(UpdatedColumn, QHeaderView::ResizeToContents);
    const QFontMetrics metrics = fontMetrics();
    m_tree->setColumnWidth(AuthorColumn, metrics.horizontalAdvance(u"dependabot[bot]"_s) + 16);
    m_tree->setColumnWidth(BranchColumn, metrics.horizontalAdvance(u"feature/some-branch"_s) + 16);
    m_tree->setColumnWidth(TagsColumn, metrics.horizontalAdvance(u"draft fork"_s) + 40);
    m_tree->setMinimumHeight(metrics.height() * 8);
}

// Enter and activation choose a pull request; the filter, Down into the list, Preview and Retry.
void PullRequestList::connectInputs()
{
    connect(m_filter, &QLineEdit::textChanged, this, &PullRequestList::applyFilter);
    connect(new EnterKeyCatcher(m_filter), &EnterKeyCatcher::entered, this, [this] {
        const QTreeWidgetItem* current = m_tree->currentItem();
        if (selectedNumber() > 0 && current && !current->isHidden())
            Q_EMIT previewRequested(selectedNumber());
        else
            takeFirstMatch(); // the first Enter picks the first match, the second previews it
    });
    auto* down = new QShortcut(QKeySequence(Qt::Key_Down), m_filter);
    down->setContext(Qt::WidgetShortcut);
    connect(down, &QShortcut::activated, this, [this] {
        if (selectedNumber() == 0 || m_tree->currentItem()->isHidden())
            takeFirstMatch();
        m_tree->setFocus(Qt::TabFocusReason);
    });
    connect(m_tree, &QTreeWidget::itemSelectionChanged, this, [this] {
        updatePreviewButton();
        Q_EMIT selectionChanged();
    });
    connect(m_tree, &QTreeWidget::itemActivated, this, [this](QTreeWidgetItem* item) {
        Q_EMIT previewRequested(item->data(NumberColumn, NumberRole).toInt());
    });
    connect(m_preview, &QPushButton::clicked, this, [this] {
        if (const int number = selectedNumber(); number > 0)
            Q_EMIT previewRequested(number);
    });
    connect(m_retry, &QPushButton::clicked, this, &PullRequestList::reload);
}

int PullRequestList::selectedNumber() const
{
    const QList<QTreeWidgetItem*> selected = m_tree->selectedItems();
    return selected.isEmpty() ? 0 : selected.first()->data(NumberColumn, NumberRole).toInt();
}

bool PullRequestList::selectPullRequest(int number)
{
    for (int i = 0; i < m_tree->topLevelItemCount(); ++i) {
        QTreeWidgetItem* item = m_tree->topLevelItem(i);
        if (item->data(NumberColumn, NumberRole).toInt() == number) {
            m_tree->setCurrentItem(item);
            m_tree->scrollToItem(item);
            return true;
        }
    }
    return false;
}

void PullRequestList::clearSelection()
{
    m_tree->clearSelection();
}

void PullRequestList::setRepository(const std::optional<github::GitHubRepository>& repository)
{
    m_repository = repository;
    m_pendingSelection = 0;
    const bool hadSelection = selectedNumber() > 0;
    ++m_generation;
    m_pulls.clear();
    m_failed = false;
    {
        const QSignalBlocker blocker(m_tree);
        m_tree->clear();
    }
    updatePreviewButton();
    if (m_repository && !m_repository->ownerLogin.isEmpty()) {
        m_loading = true;
        m_busy->show();
        showStatus(QString(), false);
        list(*m_repository, m_generation);
    } else {
        m_loading = false;
        m_busy->hide();
        showStatus(tr("Choose a repository to see its open pull requests."), false);
    }
    updateCount();
    if (hadSelection)
        Q_EMIT selectionChanged();
}

void PullRequestList::reload()
{
    const int selected = selectedNumber();
    setRepository(m_repository);
    m_pendingSelection = selected;
}

QCoro::Task<> PullRequestList::list(github::GitHubRepository repository, int generation)
{
    // The client outlives this list while a request runs (the tab shares it), so a closed picker
    // never pulls the network out from under a pending reply; `self` says whether there is still a
    // list to fill, and the generation whether it still shows this repository.
    const QPointer<PullRequestList> self(this);
    const std::shared_ptr<github::GitHubClient> client = m_client;
    const auto current = [self, generation] { return self && self->m_generation == generation; };
    github::GitHubClient::PullRequestPage onPage = [self, current](const QList<GitHubPullRequest>& page) {
        if (current())
            self->addPullRequests(page);
    };
    QString error;
    try {
        auto task = client->pullRequests(repository.ownerLogin, repository.name, onPage);
        co_await std::move(task);
    } catch (const GitHubError& failure) {
        if (current())
            error = describe(failure, repository.fullName);
    } catch (const Failure& failure) {
        error = tr("Could not list the pull requests of %1: %2").arg(repository.fullName, failure.message());
    } catch (const std::exception&) {
        error = tr("Could not list the pull requests of %1 because of an unexpected error.")
                    .arg(repository.fullName);
    }
    if (!current())
        co_return;
    finishLoading(error);
}

QString PullRequestList::describe(const GitHubError& error, const QString& repository) const
{
    if (const QString limited = rateLimitText(error); !limited.isEmpty())
        return limited;
    switch (error.errorKind()) {
    case GitHubError::Kind::Unauthorized:
        return tr("GitHub refused the token: sign in again.");
    case GitHubError::Kind::NotFound:
        return tr("GitHub did not find %1: it may have been renamed or deleted, or this account lost access "
                  "to it. Refresh the repositories (F5).")
            .arg(repository);
    case GitHubError::Kind::Forbidden:
        return tr("GitHub refused to list the pull requests of %1. %2").arg(repository, error.advice());
    case GitHubError::Kind::Network:
    case GitHubError::Kind::Timeout:
        return tr("Could not reach GitHub to list the pull requests of %1. Check the connection and retry.")
            .arg(repository);
    default:
        return tr("Could not list the pull requests of %1. %2").arg(repository, error.userMessage());
    }
}

void PullRequestList::addPullRequests(const QList<GitHubPullRequest>& page)
{
    for (const GitHubPullRequest& pull : page) {
        const bool known =
            std::any_of(m_pulls.cbegin(), m_pulls.cend(),
                        [&pull](const GitHubPullRequest& other) { return other.number == pull.number; });
        if (known || !pull.isOpen())
            continue;
        m_pulls << pull;
        // GitHub sends the most recently updated first, page after page: arrival order is that order.
        QTreeWidgetItem* item = createItem(pull);
        m_tree->addTopLevelItem(item);
        if (m_pendingSelection == pull.number) {
            m_pendingSelection = 0;
            m_tree->setCurrentItem(item);
        }
    }
    applyFilter();
}

QTreeWidgetItem* PullRequestList::createItem(const GitHubPullRequest& pull) const
{
    QStringList badges;
    if (pull.draft)
        badges << u"draft"_s;
    if (pull.isFromFork())
        badges << u"fork"_s;
    const QString author = pull.authorLogin.isEmpty() ? tr("unknown") : pull.authorLogin;
    auto* item = new QTreeWidgetItem;
    item->setText(NumberColumn, u"#"_s + QString::number(pull.number));
    item->setData(NumberColumn, NumberRole, pull.number);
    item->setData(NumberColumn, BadgesRole, badges);
    item->setData(
        NumberColumn, SearchRole,
        QStringList{QString::number(pull.number), pull.title, author, pull.head.ref}.join(u'\n').toLower());
    item->setText(TitleColumn, pull.title);
    item->setToolTip(TitleColumn,
                     pull.htmlUrl.isValid() ? pull.title + u'\n' + pull.htmlUrl.toString() : pull.title);
    item->setText(AuthorColumn, author);
    item->setToolTip(AuthorColumn, author);
    item->setText(BranchColumn, pull.head.ref);
    item->setToolTip(BranchColumn, headTooltip(pull));
    item->setText(TagsColumn, badges.join(u' '));
    item->setText(UpdatedColumn, relativeTime(pull.updatedAt));
    item->setToolTip(UpdatedColumn, fullTime(pull.updatedAt, tr("Unknown")));
    if (pull.draft)
        item->setForeground(TitleColumn, Theme::mutedTextColor());
    return item;
}

void PullRequestList::finishLoading(const QString& error)
{
    m_loading = false;
    m_busy->hide();
    m_pendingSelection = 0;
    m_failed = !error.isEmpty();
    if (m_failed)
        showStatus(error, true);
    else if (m_pulls.isEmpty())
        showStatus(tr("%1 has no open pull requests.").arg(m_repository->fullName), false);
    else
        showStatus(QString(), false);
    updateCount();
    Q_EMIT loadFinished();
}

void PullRequestList::showStatus(const QString& text, bool isError)
{
    QPalette palette = m_status->palette();
    palette.setColor(QPalette::WindowText,
                     isError ? Theme::failureColor() : QPalette().color(QPalette::PlaceholderText));
    m_status->setPalette(palette);
    m_status->setText(text);
    m_retry->setVisible(isError);
    // The whole row goes, not only its label, so no empty gap is left above the list.
    m_statusRow->setVisible(!text.isEmpty());
}

void PullRequestList::applyFilter()
{
    const QStringList words = filterWords(m_filter);
    for (int i = 0; i < m_tree->topLevelItemCount(); ++i) {
        QTreeWidgetItem* item = m_tree->topLevelItem(i);
        item->setHidden(!words.isEmpty() && !matches(item, words));
    }
    updateCount();
}

void PullRequestList::takeFirstMatch()
{
    for (int i = 0; i < m_tree->topLevelItemCount(); ++i) {
        if (!m_tree->topLevelItem(i)->isHidden()) {
            m_tree->setCurrentItem(m_tree->topLevelItem(i));
            return;
        }
    }
}

void PullRequestList::updateCount()
{
    const int total = int(m_pulls.size());
    if (!m_repository || (m_failed && total == 0)) {
        m_count->clear(); // the status line says why there is nothing
        return;
    }
    if (m_loading) {
        m_count->setText(total == 0 ? tr("Loading…") : tr("Loading… %1 so far").arg(total));
        return;
    }
    if (filterWords(m_filter).isEmpty() || total == 0) {
        m_count->setText(tr("%1 open").arg(total));
        return;
    }
    int shown = 0;
    for (int i = 0; i < m_tree->topLevelItemCount(); ++i)
        shown += m_tree->topLevelItem(i)->isHidden() ? 0 : 1;
    m_count->setText(shown == 0 ? tr("No match") : tr("%1 of %2").arg(shown).arg(total));
}

void PullRequestList::updatePreviewButton()
{
    const int number = selectedNumber();
    m_preview->setText(number > 0 ? tr("Pre&view PR #%1").arg(number) : tr("Pre&view PR"));
    m_preview->setEnabled(number > 0);
}

} // namespace forge::ui
