#pragma once

#include "workflow/ProjectSession.h"

#include <QColor>
#include <QString>

namespace forge::ui {

// How a project's status is shown: word, icon and colour, the same in the list and the window.
QString statusText(ProjectStatus status);
QString statusIconName(ProjectStatus status);
QColor statusColor(ProjectStatus status);

} // namespace forge::ui
