#include "IsolationChoice.h"

#include "IsolationWarning.h"
#include "app/ProjectRegistry.h"
#include "app/SandboxBackends.h"
#include "core/SandboxIsolation.h"

#include <QAction>
#include <QMessageBox>
#include <QPushButton>

namespace forge::ui {

IsolationChoice::IsolationChoice(QWidget* window)
    : QObject(window)
    , m_window(window)
    , m_action(new QAction(tr("Run &Without Isolation…"), this))
{
    m_action->setCheckable(true);
    m_action->setEnabled(false);
    m_action->setToolTip(tr("Run the selected project's code as plain processes with your access to "
                            "your files and network, from its next run (asks first)"));
    // triggered, not toggled: only the user's click asks, never a programmatic setChecked().
    connect(m_action, &QAction::triggered, this, [this](bool checked) {
        if (m_projectId.isEmpty())
            return;
        if (!checked) {
            Q_EMIT chosen(m_projectId, false);
            return;
        }
        // Not on until confirmed.
        m_action->setChecked(false);
        ask();
    });
}

void IsolationChoice::setProject(const Project* project, const QString& displayName)
{
    m_projectId = project ? project->id : QString();
    m_projectName = displayName;
    m_action->setChecked(project && project->runWithoutIsolation);
    const bool local = project && project->backend == Backend::Local;
    m_action->setEnabled(local);
    m_action->setStatusTip(project && !local
                               ? tr("Daytona runs every project in a sandbox of its own; this applies "
                                    "only on this computer.")
                               : QString());
}

void IsolationChoice::ask()
{
    if (m_confirmation) {
        m_confirmation->raise();
        m_confirmation->activateWindow();
        return;
    }
    auto* box =
        new QMessageBox(QMessageBox::Warning, tr("Run Without Isolation?"),
                        tr("Run %1 without isolation?").arg(m_projectName), QMessageBox::NoButton, m_window);
    box->setInformativeText(
        tr("Its code (install scripts, the dev server and everything they start) will run as you, as "
           "ordinary processes on this computer instead of in a sandbox. It can read and change your "
           "files, read your SSH keys and the tokens your programs keep, and reach your network, the "
           "services on this computer and your other previews; its dev server may be reachable from "
           "other computers on your network.\n\n"
           "Choose this only for a repository you trust. Forge Preview keeps a warning on this project "
           "while it runs without isolation; turn it off in the same menu."));
    QPushButton* run = box->addButton(tr("Run Without Isolation"), QMessageBox::AcceptRole);
    QPushButton* cancel = box->addButton(QMessageBox::Cancel);
    box->setDefaultButton(cancel);
    box->setEscapeButton(cancel);
    box->setAttribute(Qt::WA_DeleteOnClose);
    m_confirmation = box;
    // The answer belongs to the project the question was about, even if another is selected since.
    const QString projectId = m_projectId;
    connect(box, &QDialog::finished, this, [this, box, run, projectId] {
        if (box->clickedButton() == run)
            Q_EMIT chosen(projectId, true);
    });
    box->open();
}

QString IsolationChoice::runStartNotice()
{
    return tr("This project runs without isolation (Project > Run Without Isolation…): its code runs as "
              "you, with your files, tokens and network.");
}

StepFailure IsolationChoice::explained(const StepFailure& failure)
{
    if (!SandboxIsolation::isUnavailable(failure))
        return failure;
    return StepFailure(
        failure.step(),
        SandboxIsolation::withChoice(
            failure, tr("Or, only for a repository you trust, choose Project > Run Without Isolation… "
                        "to run its code as you, with access to your files, tokens and network.")));
}

void showIsolation(const IsolationViews& views, const ProjectRegistry& projects, const QString& selectedId)
{
    QStringList withoutIsolation;
    for (const QString& id : projects.ids()) {
        if (projects.runsWithoutIsolation(id))
            withoutIsolation << projects.displayName(id);
    }
    withoutIsolation.sort(Qt::CaseInsensitive);
    views.status.setProjectsWithoutIsolation(withoutIsolation);

    const ProjectSession* selected = projects.session(selectedId);
    if (!selected) {
        views.choice.setProject(nullptr, {});
        views.banner.showFor({}, false, false, false);
        return;
    }
    const Project& project = selected->project();
    const QString name = projects.displayName(selectedId);
    views.choice.setProject(&project, name);
    const bool local = project.backend == Backend::Local;
    views.banner.showFor(name, project.runWithoutIsolation && local,
                         projects.sessionWithoutIsolation(selectedId), selected->isActive());
}

} // namespace forge::ui
