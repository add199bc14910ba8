#include "SourceStatusLabel.h"

#include "ui/common/Theme.h"

namespace forge::ui {

void showInputStatus(QLabel* label, const QString& problem, const QString& okText)
{
    QPalette palette = label->palette();
    palette.setColor(QPalette::WindowText, problem.isEmpty() ? Theme::successColor() : Theme::failureColor());
    label->setPalette(palette);
    label->setText(problem.isEmpty() ? okText : problem);
}

} // namespace forge::ui
