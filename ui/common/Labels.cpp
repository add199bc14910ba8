#include "Labels.h"

#include "Theme.h"

#include <QLabel>

namespace forge::ui {
namespace {

void setTextColor(QLabel* label, const QColor& color)
{
    QPalette palette = label->palette();
    palette.setColor(QPalette::WindowText, color);
    label->setPalette(palette);
}

} // namespace

QLabel* noteLabel(const QString& text)
{
    auto* label = new QLabel(text);
    label->setWordWrap(true);
    setTextColor(label, Theme::mutedTextColor());
    return label;
}

QLabel* errorLabel(const QString& objectName)
{
    auto* label = new QLabel;
    label->setObjectName(objectName);
    label->setWordWrap(true);
    label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    setTextColor(label, Theme::failureColor());
    label->hide();
    return label;
}

} // namespace forge::ui
