#pragma once

#include <QWidget>

class QAction;

namespace forge::ui {

class RunPlanEditor;

// The Run Plan tab: the selected project's plan in a RunPlanEditor, with "Detect Again" (forget the
// kept plan) and "Keep Plan and Run Again" (`keepAction`, also in the Project menu).
class RunPlanPage final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(RunPlanPage)
public:
    explicit RunPlanPage(QAction* keepAction, QWidget* parent = nullptr);
    ~RunPlanPage() override;

    RunPlanEditor* editor() const { return m_editor; }

Q_SIGNALS:
    void detectAgainRequested();

private:
    RunPlanEditor* m_editor;
};

} // namespace forge::ui
