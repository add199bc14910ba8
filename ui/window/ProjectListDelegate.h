#pragma once

#include "app/ProjectListModel.h"

#include <QStyledItemDelegate>

namespace forge::ui {

// Draws a project as two lines: its name, then branch · back end, with a status icon and chip, and
// a "not isolated" warning at the end of the second line for a project that runs without isolation.
class ProjectListDelegate final : public QStyledItemDelegate
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ProjectListDelegate)
public:
    using QStyledItemDelegate::QStyledItemDelegate;

    void paint(QPainter* painter, const QStyleOptionViewItem& option,
               const QModelIndex& index) const override;
    QSize sizeHint(const QStyleOptionViewItem& option, const QModelIndex& index) const override;
};

} // namespace forge::ui
