#pragma once

#include <QStyledItemDelegate>

namespace forge::ui {

// Edits the Environment table's names and values: a secret's value is typed into a password field
// (unless Show revealed it), with a placeholder saying that a kept value stays unless replaced. Draws
// the tick boxes with an outline that shows on the dark palette too.
class EnvironmentDelegate final : public QStyledItemDelegate
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(EnvironmentDelegate)
public:
    using QStyledItemDelegate::QStyledItemDelegate;

    QWidget* createEditor(QWidget* parent, const QStyleOptionViewItem& option,
                          const QModelIndex& index) const override;
    void paint(QPainter* painter, const QStyleOptionViewItem& option,
               const QModelIndex& index) const override;
};

} // namespace forge::ui
