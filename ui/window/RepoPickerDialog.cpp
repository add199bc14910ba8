#include "RepoPickerDialog.h"

#include "LocalFolderSource.h"
#include "RunPlanEditor.h"
#include "UrlSource.h"
#include "core/RepoRef.h"
#include "workflow/ProjectSession.h"

#include <QButtonGroup>
#include <QDialogButtonBox>
#include <QDir>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QRadioButton>
#include <QTabWidget>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace forge::ui {

RepoPickerDialog::RepoPickerDialog(QWidget* parent)
    : QDialog(parent)
{
    setWindowTitle(tr("Open Repository"));
    setMinimumWidth(620);
    auto* layout = new QVBoxLayout(this);

    m_tabs = new QTabWidget;
    m_urlSource = new UrlSource;
    m_folderSource = new LocalFolderSource;
    layout->addWidget(m_tabs);
    addSource(m_urlSource);
    addSource(m_folderSource);

    auto* modeRow = new QHBoxLayout;
    modeRow->addWidget(new QLabel(tr("Run as:")));
    auto* dev = new QRadioButton(tr("&Dev server (hot reload)"));
    auto* production = new QRadioButton(tr("&Production build"));
    dev->setChecked(true);
    m_mode = new QButtonGroup(this);
    m_mode->addButton(dev, int(RunMode::Dev));
    m_mode->addButton(production, int(RunMode::Production));
    modeRow->addWidget(dev);
    modeRow->addWidget(production);
    modeRow->addStretch();
    layout->addLayout(modeRow);

    auto* planBox = new QGroupBox(tr("Run plan"));
    auto* planLayout = new QVBoxLayout(planBox);
    m_planEditor = new RunPlanEditor;
    m_planEditor->setPlaceholderText(tr("For a repository given by URL the plan is detected after cloning; "
                                        "you can change it in the Run Plan tab and run again."));
    planLayout->addWidget(m_planEditor);
    layout->addWidget(planBox, 1);

    m_problem = new QLabel;
    m_problem->setWordWrap(true);
    m_problem->setForegroundRole(QPalette::PlaceholderText);
    layout->addWidget(m_problem);

    m_buttons = new QDialogButtonBox(QDialogButtonBox::Cancel);
    QPushButton* open = m_buttons->addButton(tr("Open and &Run"), QDialogButtonBox::AcceptRole);
    open->setDefault(true);
    layout->addWidget(m_buttons);
    connect(m_buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_tabs, &QTabWidget::currentChanged, this, [this] {
        if (RepositorySource* source = currentSource()) {
            m_planEditor->setPlan(source->detectedPlan());
            source->focusInput();
        }
        updateState();
    });
    connect(m_mode, &QButtonGroup::idClicked, this, &RepoPickerDialog::updateState);
    connect(m_planEditor, &RunPlanEditor::edited, this, &RepoPickerDialog::updateState);
    updateState();
}

void RepoPickerDialog::addSource(RepositorySource* source, int index)
{
    m_tabs->insertTab(index, source, source->title());
    connect(source, &RepositorySource::changed, this, [this, source] {
        if (source == currentSource()) {
            // A new folder brings a new detected plan; the user's edits belong to the old one.
            m_planEditor->setPlan(source->detectedPlan());
            updateState();
        }
    });
    connect(source, &RepositorySource::activated, this, [this] {
        if (m_buttons->buttons().first()->isEnabled())
            accept();
    });
}

void RepoPickerDialog::showSource(RepositorySource* source)
{
    m_tabs->setCurrentWidget(source);
}

RunMode RepoPickerDialog::mode() const
{
    return RunMode(m_mode->checkedId());
}

void RepoPickerDialog::setMode(RunMode mode)
{
    m_mode->button(int(mode))->setChecked(true);
    updateState();
}

RepositorySource* RepoPickerDialog::currentSource() const
{
    return qobject_cast<RepositorySource*>(m_tabs->currentWidget());
}

void RepoPickerDialog::updateState()
{
    RepositorySource* source = currentSource();
    QString problem = source ? source->problem() : tr("Choose a repository.");
    if (problem.isEmpty())
        problem = m_planEditor->problem(mode());
    m_problem->setText(problem);
    for (QAbstractButton* button : m_buttons->buttons()) {
        if (m_buttons->buttonRole(button) == QDialogButtonBox::AcceptRole)
            button->setEnabled(problem.isEmpty());
    }
}

Project RepoPickerDialog::project() const
{
    RepositorySource* source = currentSource();
    const auto parsed = RepoRef::parse(QDir::fromNativeSeparators(source->repository()), QDir::homePath());
    // The accept button needs a valid input, so the parse cannot have failed here.
    Project project = newProject(std::get<RepoRef>(parsed), source->branch(), mode());
    // Keep a plan only when the user changed it; otherwise each run detects afresh and picks up
    // changes to the repository.
    if (m_planEditor->isModified())
        project.plan = m_planEditor->plan();
    return project;
}

} // namespace forge::ui
