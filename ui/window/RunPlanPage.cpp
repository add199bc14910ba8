#include "RunPlanPage.h"

#include "RunPlanEditor.h"

#include <QAction>
#include <QHBoxLayout>
#include <QPushButton>
#include <QVBoxLayout>

namespace forge::ui {

RunPlanPage::RunPlanPage(QAction* keepAction, QWidget* parent)
    : QWidget(parent)
    , m_editor(new RunPlanEditor)
{
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_editor, 1);
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
}

RunPlanPage::~RunPlanPage() = default;

} // namespace forge::ui
