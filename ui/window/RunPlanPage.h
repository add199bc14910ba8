#pragma once

#include <QWidget>

class QAction;
class QLabel;

namespace forge {
class ProjectRegistry;
struct Project;
} // namespace forge

namespace forge::ui {

class EnvironmentEditor;
class RunPlanEditor;

// The Run Plan tab: what the selected project previews (a folder's working copy, a branch, a pull
// request), its plan in a RunPlanEditor, with "Detect Again" (forget the
// kept plan) and "Keep Plan and Run Again" (`keepAction`, also in the Project menu), and under it
// the project's environment in an EnvironmentEditor, saved on its own.
class RunPlanPage final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(RunPlanPage)
public:
    RunPlanPage(QAction* keepAction, ProjectRegistry& projects, QWidget* parent = nullptr);
    ~RunPlanPage() override;

    RunPlanEditor* editor() const { return m_editor; }
    EnvironmentEditor* environment() const { return m_environment; }
    // Says what `project` previews (null: no project), above its plan.
    void showSource(const Project* project);
    QString sourceText() const;

Q_SIGNALS:
    void detectAgainRequested();

private:
    QLabel* m_source = nullptr;
    RunPlanEditor* m_editor;
    EnvironmentEditor* m_environment = nullptr;
};

} // namespace forge::ui
