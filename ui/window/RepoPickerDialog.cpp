#include "RepoPickerDialog.h"

#include "LocalFolderSource.h"
#include "RunPlanEditor.h"
#include "UrlSource.h"
#include "app/SandboxBackends.h"
#include "core/RepoRef.h"
#include "workflow/ProjectSession.h"

#include <QButtonGroup>
#include <QDialogButtonBox>
#include <QDir>
#include <QGridLayout>
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

    layout->addLayout(createRunChoices());
    connect(m_backend, &QButtonGroup::idClicked, this, [this](int id) {
        m_preferredBackend = id == 1 ? Backend::Daytona : Backend::Local;
        updateBackendChoice();
    });

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
    layout->addWidget(m_buttons);
    // Only once the button is in the dialog does the dialog take it as its default; otherwise the
    // first button after the focused field (a tab's Refresh) would be, and Enter would press it.
    open->setDefault(true);
    connect(m_buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_tabs, &QTabWidget::currentChanged, this, [this] {
        if (RepositorySource* source = currentSource()) {
            m_planEditor->setPlan(source->detectedPlan());
            source->focusInput();
        }
        updateBackendChoice();
        updateState();
    });
    connect(m_mode, &QButtonGroup::idClicked, this, &RepoPickerDialog::updateState);
    connect(m_planEditor, &RunPlanEditor::edited, this, &RepoPickerDialog::updateState);
    // What the stored settings and the environment allow; the window adds the keychain's key.
    setDaytonaAvailability(DaytonaSettings::load().unusableReason());
    updateState();
}

// How and where it runs (mode and back end), the two choices' columns aligned, with a note under
// the back ends when one cannot be chosen.
QGridLayout* RepoPickerDialog::createRunChoices()
{
    auto* choices = new QGridLayout;
    choices->setColumnStretch(3, 1);
    choices->addWidget(new QLabel(tr("Run as:")), 0, 0);
    auto* dev = new QRadioButton(tr("&Dev server (hot reload)"));
    auto* production = new QRadioButton(tr("&Production build"));
    dev->setChecked(true);
    m_mode = new QButtonGroup(this);
    m_mode->addButton(dev, int(RunMode::Dev));
    m_mode->addButton(production, int(RunMode::Production));
    choices->addWidget(dev, 0, 1);
    choices->addWidget(production, 0, 2);

    choices->addWidget(new QLabel(tr("Run on:")), 1, 0);
    auto* local = new QRadioButton(tr("This compu&ter"));
    local->setObjectName(u"backendLocal"_s);
    local->setToolTip(tr("A sandbox on this machine: no account needed"));
    auto* daytona = new QRadioButton(tr("Da&ytona cloud"));
    daytona->setObjectName(u"backendDaytona"_s);
    local->setChecked(true);
    m_backend = new QButtonGroup(this);
    m_backend->addButton(local, 0);
    m_backend->addButton(daytona, 1);
    choices->addWidget(local, 1, 1);
    choices->addWidget(daytona, 1, 2);
    m_backendNote = new QLabel;
    m_backendNote->setObjectName(u"backendNote"_s);
    m_backendNote->setWordWrap(true);
    m_backendNote->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_backendNote->setForegroundRole(QPalette::PlaceholderText);
    m_backendNote->hide();
    choices->addWidget(m_backendNote, 2, 1, 1, 3);
    return choices;
}

void RepoPickerDialog::addSource(RepositorySource* source, int index)
{
    m_tabs->insertTab(index, source, source->title());
    connect(source, &RepositorySource::changed, this, [this, source] {
        if (source == currentSource()) {
            // A new folder brings a new detected plan; the user's edits belong to the old one.
            m_planEditor->setPlan(source->detectedPlan());
            updateState();
            updateBackendChoice();
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

Backend RepoPickerDialog::backend() const
{
    return m_backend->checkedId() == 1 ? Backend::Daytona : Backend::Local;
}

void RepoPickerDialog::setBackend(Backend backend)
{
    m_preferredBackend = backend;
    updateBackendChoice();
}

void RepoPickerDialog::setDaytonaAvailability(const QString& unavailableReason)
{
    m_daytonaUnavailable = unavailableReason;
    updateBackendChoice();
}

void RepoPickerDialog::updateBackendChoice()
{
    QString blocked = m_daytonaUnavailable;
    // A working copy goes up as files (WorkingCopySync); a branch would be cloned by Daytona, which
    // cannot reach this computer.
    if (blocked.isEmpty() && currentSource() == m_folderSource &&
        m_folderSource->source() == ProjectSource::Branch)
        blocked = tr("A folder's branch runs here: Daytona clones repositories over the network. Preview the "
                     "folder's working copy to run it on Daytona, or give the repository's URL.");
    QAbstractButton* daytona = m_backend->button(1);
    daytona->setEnabled(blocked.isEmpty());
    daytona->setToolTip(blocked.isEmpty() ? tr("A sandbox in Daytona's cloud, made with the Daytona settings "
                                               "(Ctrl+,)")
                                          : blocked);
    const bool wantsDaytona = m_preferredBackend == Backend::Daytona;
    m_backend->button(wantsDaytona && blocked.isEmpty() ? 1 : 0)->setChecked(true);
    // Say why only when it matters: the user chose Daytona, or it is off for want of a key.
    const QString note =
        !blocked.isEmpty() && (wantsDaytona || !m_daytonaUnavailable.isEmpty()) ? blocked : QString();
    m_backendNote->setText(note);
    m_backendNote->setVisible(!note.isEmpty());
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
    project.backend = backend();
    if (source == m_folderSource)
        project.source = m_folderSource->source();
    // Keep a plan only when the user changed it; otherwise each run detects afresh and picks up
    // changes to the repository.
    if (m_planEditor->isModified())
        project.plan = m_planEditor->plan();
    return project;
}

void RepoPickerDialog::startFrom(const Project& project)
{
    setBackend(project.backend);
    const auto parsed = RepoRef::parse(project.repository, QDir::homePath());
    const auto* reference = std::get_if<RepoRef>(&parsed);
    if (!reference)
        return;
    if (reference->isRemote()) {
        m_urlSource->setRepository(project.repository);
        showSource(m_urlSource);
    } else {
        m_folderSource->setFolder(reference->localPath());
        m_folderSource->setSource(project.source);
        showSource(m_folderSource);
    }
}

} // namespace forge::ui
