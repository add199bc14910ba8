#include "EnvironmentDelegate.h"

#include "EnvironmentModel.h"
#include "ui/common/Theme.h"

#include <QLineEdit>

using namespace Qt::StringLiterals;

namespace forge::ui {

QWidget* EnvironmentDelegate::createEditor(QWidget* parent, const QStyleOptionViewItem& option,
                                           const QModelIndex& index) const
{
    if (index.column() > EnvironmentModel::ValueColumn)
        return QStyledItemDelegate::createEditor(parent, option, index);
    auto* editor = new QLineEdit(parent);
    editor->setFrame(false);
    const QString name = index.siblingAtColumn(EnvironmentModel::NameColumn).data().toString();
    if (index.column() == EnvironmentModel::NameColumn) {
        editor->setObjectName(u"environmentNameEditor"_s);
        editor->setAccessibleName(tr("Variable name"));
        editor->setPlaceholderText(tr("NAME"));
        return editor;
    }
    editor->setObjectName(u"environmentValueEditor"_s);
    editor->setAccessibleName(name.isEmpty() ? tr("Value") : tr("Value of %1").arg(name));
    if (index.data(EnvironmentModel::MaskedRole).toBool()) {
        editor->setEchoMode(QLineEdit::Password);
        // Typed values are never offered to an input method's dictionary or history.
        editor->setInputMethodHints(Qt::ImhHiddenText | Qt::ImhSensitiveData | Qt::ImhNoPredictiveText);
        const bool kept = index.data(Qt::EditRole).toString().isEmpty() &&
                          index.data(Qt::DisplayRole).toString() != QString();
        editor->setPlaceholderText(kept ? tr("kept in the keychain; type to replace") : tr("secret value"));
    }
    return editor;
}

void EnvironmentDelegate::paint(QPainter* painter, const QStyleOptionViewItem& option,
                                const QModelIndex& index) const
{
    if (index.column() <= EnvironmentModel::ValueColumn) {
        QStyledItemDelegate::paint(painter, option, index);
        return;
    }
    // Fusion outlines a tick box in the window colour made darker, which on the dark palette is
    // about the colour of the row it sits on: an unticked box would not show. The muted text
    // colour reads on both palettes.
    QStyleOptionViewItem visible = option;
    visible.palette.setColor(QPalette::Window, Theme::mutedTextColor().lighter(140));
    QStyledItemDelegate::paint(painter, visible, index);
}

} // namespace forge::ui
