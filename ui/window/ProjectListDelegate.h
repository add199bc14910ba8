#pragma once

#include <QStyledItemDelegate>

namespace forge::ui {

// Item data of the projects list.
enum ProjectListRole {
    ProjectIdRole = Qt::UserRole + 1,
    ProjectDetailRole, // "main · local"
    ProjectStatusRole, // forge::ProjectStatus as int
};

// Draws a project as two lines: its name, then branch · back end, with a status icon and chip.
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
