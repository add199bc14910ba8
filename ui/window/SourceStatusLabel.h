#pragma once

#include <QLabel>

namespace forge::ui {

// The line under a picker field that says whether the input is usable and, if not, why.
void showInputStatus(QLabel* label, const QString& problem, const QString& okText);

} // namespace forge::ui
