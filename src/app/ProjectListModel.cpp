#include "ProjectListModel.h"

#include "ProjectRegistry.h"
#include "PullRequestWatcher.h"
#include "SandboxBackends.h"
#include "core/RepoRef.h"

#include <QDir>

using namespace Qt::StringLiterals;

namespace forge {

ProjectListModel::ProjectListModel(ProjectRegistry& registry, QObject* parent)
    : QAbstractListModel(parent)
    , m_registry(registry)
    , m_ids(registry.ids())
{
    connect(&m_registry, &ProjectRegistry::projectAdded, this, &ProjectListModel::onAdded);
    connect(&m_registry, &ProjectRegistry::projectRemoved, this, &ProjectListModel::onRemoved);
    connect(&m_registry, &ProjectRegistry::projectChanged, this, &ProjectListModel::onChanged);
}

ProjectListModel::~ProjectListModel() = default;

int ProjectListModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_ids.size());
}

QVariant ProjectListModel::data(const QModelIndex& index, int role) const
{
    const QString id = idAt(index);
    const ProjectSession* session = m_registry.session(id);
    if (!session)
        return {};
    switch (role) {
    case Qt::DisplayRole:
        return m_registry.displayName(id);
    case Qt::ToolTipRole:
        return session->project().repository;
    case ProjectIdRole:
        return id;
    case ProjectDetailRole:
        return detail(id);
    case ProjectStatusRole:
        return int(session->status());
    case ProjectWithoutIsolationRole:
        return m_registry.runsWithoutIsolation(id);
    default:
        return {};
    }
}

void ProjectListModel::setPullRequests(const PullRequestWatcher* watcher)
{
    if (m_pullRequests)
        disconnect(m_pullRequests, nullptr, this, nullptr);
    m_pullRequests = watcher;
    if (watcher)
        connect(watcher, &PullRequestWatcher::changed, this, &ProjectListModel::onChanged);
    if (!m_ids.isEmpty())
        Q_EMIT dataChanged(index(0), index(int(m_ids.size()) - 1));
}

QModelIndex ProjectListModel::indexOf(const QString& id) const
{
    const qsizetype row = m_ids.indexOf(id);
    return row < 0 ? QModelIndex() : index(int(row));
}

QString ProjectListModel::idAt(const QModelIndex& index) const
{
    if (!index.isValid() || index.row() >= m_ids.size())
        return {};
    return m_ids.at(index.row());
}

bool ProjectListModel::previewsWorkingCopy(const Project& project)
{
    // A stored address has a scheme (RepoRef::canonical), a folder's path does not; asked on every
    // repaint of the list, so the disk is not looked at.
    return project.source == ProjectSource::WorkingCopy && !project.repository.contains(u"://"_s);
}

QString ProjectListModel::whatIsPreviewed(const Project& project)
{
    if (previewsWorkingCopy(project))
        return ProjectListModel::tr("working copy");
    // Parsed only when it can be one: parsing a folder's path looks at the disk, and this is asked
    // for on every repaint of the list.
    if (!project.repository.contains(u"/pull/"_s))
        return project.branch.isEmpty() ? ProjectListModel::tr("default branch") : project.branch;
    const auto parsed = RepoRef::parse(project.repository, QDir::currentPath());
    if (const auto* repository = std::get_if<RepoRef>(&parsed); repository && repository->pullRequest() > 0)
        return ProjectListModel::tr("pull request #%1").arg(repository->pullRequest());
    return project.branch.isEmpty() ? ProjectListModel::tr("default branch") : project.branch;
}

QString ProjectListModel::pullRequestText(const QString& id) const
{
    const auto pull = m_pullRequests ? m_pullRequests->pullRequest(id) : std::nullopt;
    if (!pull)
        return {};
    // Short enough to leave room for the rest of the line; the delegate elides what is left.
    constexpr qsizetype TitleLength = 36;
    QString title = pull->title.simplified();
    if (title.size() > TitleLength)
        title = title.left(TitleLength - 1).trimmed() + u'…';
    QString text = u"#%1 %2"_s.arg(pull->number).arg(title);
    if (pull->merged)
        text += u" · "_s + tr("merged");
    else if (!pull->isOpen())
        text += u" · "_s + tr("closed");
    return text;
}

QString ProjectListModel::detail(const QString& id) const
{
    const ProjectSession* session = m_registry.session(id);
    const Project& project = session->project();
    const ProjectStatus status = session->status();
    QStringList parts;
    const QString pullRequest = pullRequestText(id);
    parts << (pullRequest.isEmpty() ? whatIsPreviewed(project) : pullRequest);
    parts << (project.backend == Backend::Daytona ? tr("Daytona") : toString(project.backend));
    if (project.mode == RunMode::Production)
        parts << tr("production");
    if (const auto step = session->currentStep(); status == ProjectStatus::Building && step)
        parts << stepTitle(*step);
    if (session->isRestoring())
        parts << tr("restoring…");
    else if (status == ProjectStatus::Live && m_registry.isSleeping(id))
        parts << tr("sleeping");
    else if (status == ProjectStatus::Live && m_registry.hasGivenUp(id))
        parts << tr("could not be restored");
    return parts.join(u" · "_s);
}

void ProjectListModel::onAdded(const QString& id)
{
    const int row = int(m_ids.size());
    beginInsertRows({}, row, row);
    m_ids.append(id);
    endInsertRows();
}

void ProjectListModel::onRemoved(const QString& id)
{
    const qsizetype row = m_ids.indexOf(id);
    if (row < 0)
        return;
    beginRemoveRows({}, int(row), int(row));
    m_ids.removeAt(row);
    endRemoveRows();
}

void ProjectListModel::onChanged(const QString& id)
{
    const QModelIndex changed = indexOf(id);
    if (changed.isValid())
        Q_EMIT dataChanged(changed, changed);
}

} // namespace forge
