#pragma once

#include <QWidget>

class QAction;

namespace forge {
class ProjectRegistry;
}

namespace forge::ui {

class EnvironmentEditor;
class RunPlanEditor;

// The Run Plan tab: the selected project's plan in a RunPlanEditor, with "Detect Again" (forget the
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

Q_SIGNALS:
    void detectAgainRequested();

private:
    RunPlanEditor* m_editor;
    EnvironmentEditor* m_environment = nullptr;
};

} // namespace forge::ui
