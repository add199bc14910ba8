#pragma once

#include "toolchain/ToolCache.h"

#include <QAbstractTableModel>
#include <QDateTime>

namespace forge::ui {

// The tool cache's entries as a table for Settings > Toolchains: package, version, size on disk and
// when a run last used it. Reads the cache again whenever ToolCache::entriesChanged is emitted.
class ToolCacheModel final : public QAbstractTableModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ToolCacheModel)
public:
    enum Column { PackageColumn, VersionColumn, SizeColumn, LastUsedColumn, ColumnCount };

    explicit ToolCacheModel(ToolCache& cache, QObject* parent = nullptr);

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    const ToolCacheEntry& entry(int row) const { return m_entries.at(row); }
    qint64 totalBytes() const;
    void refresh();

    // "today", "yesterday", "3 days ago", "5 weeks ago", else the date; "never" for a null time.
    static QString lastUsedText(const QDateTime& lastUsed, const QDateTime& now);
    // "1.5 GB", "820 MB" (powers of 1024, the unit of the size limit).
    static QString sizeText(qint64 bytes);

private:
    ToolCache& m_cache;
    QList<ToolCacheEntry> m_entries; // most recently used first, as ToolCache::entries() gives them
};

} // namespace forge::ui
