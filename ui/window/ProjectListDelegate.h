#pragma once

#include <QStyledItemDelegate>

namespace forge::ui {

// Item data of the projects list.
enum ProjectListRole {
    ProjectIdRole = Qt::UserRole + 1,
    ProjectDetailRole,           // "main · local"
    ProjectStatusRole,           // forge::ProjectStatus as int
    ProjectWithoutIsolationRole, // bool: runs (or still runs) on this computer without isolation
};

// Draws a project as two lines: its name, then branch · back end, with a status icon and chip, and
// a "not isolated" warning at the end of the second line for a project that runs without isolation.
class ProjectListDelegate : public QStyledItemDelegate
{
    Q_OBJECT
public:
    using QStyledItemDelegate::QStyledItemDelegate;

    void paint(QPainter* painter, const QStyleOptionViewItem& option,
               const QModelIndex& index) const override;
    QSize sizeHint(const QStyleOptionViewItem& option, const QModelIndex& index) const override;
};

} // namespace forge::ui
