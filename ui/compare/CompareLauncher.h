#pragma once

#include "ui/compare/CompareTargets.h"

#include <QObject>
#include <QPointer>

class QAction;
class QInputDialog;
class QWidget;

namespace forge {
class ProjectRegistry;
} // namespace forge

namespace forge::ui {

class CompareView;

// Project > Compare With… (Ctrl+Shift+K): enabled while the shown project is live; asks which
// other live project to compare it with (a pull request's base repository first), then opens a
// CompareView on the two, the pull request as the head. The window only tells it which project
// it shows.
class CompareLauncher final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(CompareLauncher)
public:
    CompareLauncher(ProjectRegistry& registry, QWidget* window);

    QAction* action() const { return m_action; }
    // Puts the action into the menu that holds `neighbour`, before it, in a group of its own.
    void placeBefore(QAction* neighbour);
    void setShownProject(const QString& projectId);

    // The other live projects, in the list's order.
    QList<CompareCandidate> candidates() const;
    // The question while it is open (tests answer it); null otherwise.
    QInputDialog* picker() const;
    // Opens the comparison of the shown project with `otherId`; null when either is not live.
    CompareView* compareWith(const QString& otherId);

private:
    void ask();
    bool isLive(const QString& projectId) const;
    CompareCandidate candidate(const QString& projectId) const;

    ProjectRegistry& m_registry;
    QWidget* m_window;
    QAction* m_action;
    QString m_shown;
    QPointer<QInputDialog> m_picker;
};

} // namespace forge::ui
