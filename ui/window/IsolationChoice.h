#pragma once

#include "store/Project.h"
#include "workflow/WorkflowTypes.h"

#include <QMessageBox>
#include <QObject>
#include <QPointer>

class QAction;
class QWidget;

namespace forge {
class ProjectRegistry;
} // namespace forge

namespace forge::ui {

class IsolationBanner;
class IsolationStatusLabel;

// Project > Run Without Isolation…: the per-project choice to run a repository's code as plain
// processes on this computer, where isolation does not work or gets in the way. Turning it on asks
// first, in words that say what it means, with Cancel as the default (Enter or Esc keep the project
// isolated); turning it off does not ask. The choice applies from the project's next run.
class IsolationChoice final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(IsolationChoice)
public:
    // Dialogs open over `window`.
    explicit IsolationChoice(QWidget* window);

    // Checkable; in the Project menu and the project list's context menu.
    QAction* action() const { return m_action; }
    // The selected project (null: none): checked when it runs without isolation, enabled when it
    // runs on this computer (Daytona isolates every sandbox itself).
    void setProject(const Project* project, const QString& displayName);
    // The confirmation while it is open (tests drive it); null otherwise.
    QMessageBox* confirmation() const { return m_confirmation; }

    // What the build log says at the start of every run without isolation.
    static QString runStartNotice();
    // A run that failed because this computer cannot isolate sandboxes, with the advice saying what
    // to install and where the choice is; any other failure as it is.
    static StepFailure explained(const StepFailure& failure);

Q_SIGNALS:
    // The user confirmed running the project without isolation (true), or turned it off (false).
    void chosen(const QString& projectId, bool runWithoutIsolation);

private:
    void ask();

    QWidget* m_window;
    QAction* m_action;
    QPointer<QMessageBox> m_confirmation;
    QString m_projectId;
    QString m_projectName;
};

// Where the window says which projects run without isolation: the status bar's note (all of them),
// the banner and the menu choice (the selected one).
struct IsolationViews
{
    IsolationStatusLabel& status;
    IsolationBanner& banner;
    IsolationChoice& choice;
};
void showIsolation(const IsolationViews& views, const ProjectRegistry& projects, const QString& selectedId);

} // namespace forge::ui
