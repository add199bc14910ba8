#include "ProjectStatusText.h"

#include "ui/common/Theme.h"

#include <QCoreApplication>

using namespace Qt::StringLiterals;

namespace forge::ui {

QString statusText(ProjectStatus status)
{
    switch (status) {
    case ProjectStatus::Stopped:
        return QCoreApplication::translate("ProjectStatus", "Stopped");
    case ProjectStatus::Queued:
        return QCoreApplication::translate("ProjectStatus", "Queued");
    case ProjectStatus::Building:
        return QCoreApplication::translate("ProjectStatus", "Building");
    case ProjectStatus::Live:
        return QCoreApplication::translate("ProjectStatus", "Live");
    case ProjectStatus::Failed:
        return QCoreApplication::translate("ProjectStatus", "Failed");
    }
    return {};
}

QString statusIconName(ProjectStatus status)
{
    switch (status) {
    case ProjectStatus::Stopped:
        return u"status-stopped"_s;
    case ProjectStatus::Queued:
        return u"status-queued"_s;
    case ProjectStatus::Building:
        return u"status-running"_s;
    case ProjectStatus::Live:
        return u"status-succeeded"_s;
    case ProjectStatus::Failed:
        return u"status-failed"_s;
    }
    return u"status-stopped"_s;
}

QColor statusColor(ProjectStatus status)
{
    switch (status) {
    case ProjectStatus::Live:
        return Theme::successColor();
    case ProjectStatus::Failed:
        return Theme::failureColor();
    case ProjectStatus::Building:
    case ProjectStatus::Queued:
        return Theme::warningColor();
    case ProjectStatus::Stopped:
        break;
    }
    return Theme::mutedTextColor();
}

} // namespace forge::ui
