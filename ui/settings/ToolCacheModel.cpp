#include "ToolCacheModel.h"

#include <QLocale>

using namespace Qt::StringLiterals;

namespace forge::ui {

ToolCacheModel::ToolCacheModel(ToolCache& cache, QObject* parent)
    : QAbstractTableModel(parent)
    , m_cache(cache)
{
    connect(&m_cache, &ToolCache::entriesChanged, this, &ToolCacheModel::refresh);
    refresh();
}

void ToolCacheModel::refresh()
{
    beginResetModel();
    m_entries = m_cache.entries();
    endResetModel();
}

int ToolCacheModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_entries.size());
}

int ToolCacheModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant ToolCacheModel::data(const QModelIndex& index, int role) const
{
    if (!index.isValid() || index.row() >= m_entries.size())
        return {};
    const ToolCacheEntry& tool = m_entries.at(index.row());
    if (role == Qt::TextAlignmentRole && index.column() == SizeColumn)
        return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
    if (role == Qt::ToolTipRole)
        return tool.path;
    if (role != Qt::DisplayRole)
        return {};
    switch (index.column()) {
    case PackageColumn:
        return tool.packageName;
    case VersionColumn:
        return tool.version;
    case SizeColumn:
        return sizeText(tool.bytes);
    case LastUsedColumn:
        return lastUsedText(tool.lastUsed, QDateTime::currentDateTime());
    default:
        return {};
    }
}

QVariant ToolCacheModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal)
        return {};
    if (role == Qt::TextAlignmentRole && section == SizeColumn)
        return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
    if (role != Qt::DisplayRole)
        return {};
    switch (section) {
    case PackageColumn:
        return tr("Package");
    case VersionColumn:
        return tr("Version");
    case SizeColumn:
        return tr("Size");
    case LastUsedColumn:
        return tr("Last used");
    default:
        return {};
    }
}

qint64 ToolCacheModel::totalBytes() const
{
    qint64 total = 0;
    for (const ToolCacheEntry& tool : m_entries)
        total += tool.bytes;
    return total;
}

QString ToolCacheModel::lastUsedText(const QDateTime& lastUsed, const QDateTime& now)
{
    if (!lastUsed.isValid())
        return tr("never");
    // Calendar days, not 24-hour spans: used last night is "yesterday" in the morning.
    const qint64 days = lastUsed.date().daysTo(now.date());
    if (days <= 0)
        return tr("today");
    if (days == 1)
        return tr("yesterday");
    if (days < 14)
        return tr("%1 days ago").arg(days);
    if (days < 70)
        return tr("%1 weeks ago").arg(days / 7);
    return QLocale().toString(lastUsed.date(), QLocale::ShortFormat);
}

QString ToolCacheModel::sizeText(qint64 bytes)
{
    return QLocale().formattedDataSize(bytes, 1, QLocale::DataSizeTraditionalFormat);
}

} // namespace forge::ui
