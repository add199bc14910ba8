#include "RunPlanPage.h"

#include "EnvironmentEditor.h"
#include "RunPlanEditor.h"

#include <QAction>
#include <QFrame>
#include <QHBoxLayout>
#include <QPushButton>
#include <QVBoxLayout>

namespace forge::ui {

RunPlanPage::RunPlanPage(QAction* keepAction, ProjectRegistry& projects, QWidget* parent)
    : QWidget(parent)
    , m_editor(new RunPlanEditor)
{
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_editor);
    auto* keepPlan = new QPushButton(keepAction->text().remove(u'&'));
    keepPlan->setToolTip(tr("Keep this plan for the project and run it again (Ctrl+Shift+Enter)"));
    connect(keepPlan, &QPushButton::clicked, keepAction, &QAction::trigger);
    auto* resetPlan = new QPushButton(tr("Detect Again"));
    resetPlan->setToolTip(tr("Forget the kept plan; the next run detects it from the repository"));
    connect(resetPlan, &QPushButton::clicked, this, &RunPlanPage::detectAgainRequested);
    auto* buttons = new QHBoxLayout;
    buttons->addStretch();
    buttons->addWidget(resetPlan);
    buttons->addWidget(keepPlan);
    layout->addLayout(buttons);

    // After the plan's buttons, so the tab order goes through the plan first.
    auto* line = new QFrame;
    line->setFrameShape(QFrame::HLine);
    line->setFrameShadow(QFrame::Sunken);
    layout->addWidget(line);
    m_environment = new EnvironmentEditor(projects);
    layout->addWidget(m_environment, 1);
}

RunPlanPage::~RunPlanPage() = default;

} // namespace forge::ui
