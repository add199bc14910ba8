#include "RunPlanPage.h"

#include "EnvironmentEditor.h"
#include "RunPlanEditor.h"
#include "app/ProjectListModel.h"
#include "store/Project.h"

#include <QAction>
#include <QFrame>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace forge::ui {

RunPlanPage::RunPlanPage(QAction* keepAction, ProjectRegistry& projects, QWidget* parent)
    : QWidget(parent)
    , m_editor(new RunPlanEditor)
{
    auto* layout = new QVBoxLayout(this);
    m_source = new QLabel;
    m_source->setObjectName(u"runPlanSource"_s);
    m_source->setWordWrap(true);
    m_source->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_source->setTextFormat(Qt::PlainText);
    layout->addWidget(m_source);
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

void RunPlanPage::showSource(const Project* project)
{
    m_source->setVisible(project != nullptr);
    if (!project) {
        m_source->clear();
        return;
    }
    if (ProjectListModel::previewsWorkingCopy(*project)) {
        m_source->setText(tr("Source: working copy — the folder's files as they are on disk now, uncommitted "
                             "edits included, kept in sync (Project ▸ Preview Working Copy)"));
    } else if (const QString previewed = ProjectListModel::whatIsPreviewed(*project);
               previewed == project->branch) {
        m_source->setText(tr("Source: branch %1").arg(previewed));
    } else {
        m_source->setText(tr("Source: %1").arg(previewed));
    }
}

QString RunPlanPage::sourceText() const
{
    return m_source->text();
}

} // namespace forge::ui
