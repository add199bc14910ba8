#include "ExpectedVariablesOffer.h"

#include "EnvironmentEditor.h"
#include "ExpectedVariablesBanner.h"
#include "ExpectedVariablesDialog.h"
#include "app/ProjectRegistry.h"
#include "core/ProjectEnvironment.h"
#include "ui/buildlog/BuildLogPanel.h"
#include "ui/buildlog/FailureBox.h"
#include "workflow/ProjectSession.h"

#include <QEvent>
#include <QRegularExpression>
#include <QSettings>
#include <QTimer>
#include <QWidget>
#include <algorithm>
#include <utility>

using namespace Qt::StringLiterals;

namespace forge::ui {

namespace {

QString answeredKey(const QString& projectId)
{
    return u"expectedVariables/answered/%1"_s.arg(projectId);
}

QStringList namesOf(const QList<ExpectedVariable>& variables)
{
    QStringList names;
    for (const ExpectedVariable& variable : variables)
        names << variable.name;
    return names;
}

} // namespace

ExpectedVariablesOffer::ExpectedVariablesOffer(ProjectRegistry& projects, EnvironmentEditor& editor,
                                               QWidget* window)
    : QObject(window)
    , m_projects(projects)
    , m_editor(editor)
    , m_window(window)
    , m_banner(new ExpectedVariablesBanner)
{
    m_window->installEventFilter(this);
    connect(m_banner, &ExpectedVariablesBanner::setRequested, this,
            [this] { open(m_shown, m_needed.value(m_shown)); });
    connect(m_banner, &ExpectedVariablesBanner::dismissed, this, [this] {
        remember(m_shown, namesOf(unset(m_shown)));
        refreshBanner();
    });
    // A variable set meanwhile (in the Environment section) is no longer asked for.
    connect(&m_projects, &ProjectRegistry::projectChanged, this, [this](const QString& id) {
        if (id == m_shown)
            refreshBanner();
    });
    connect(&m_projects, &ProjectRegistry::projectRemoved, this, [this](const QString& id) {
        forget(id);
        m_needed.remove(id);
        m_failureBoxes.remove(id);
    });
}

ExpectedVariablesOffer::~ExpectedVariablesOffer() = default;

void ExpectedVariablesOffer::watch(ProjectSession* session, BuildLogPanel* log)
{
    const QString id = session->project().id;
    connect(session, &ProjectSession::environmentExpected, this, [this, id] { onDetected(id); });
    connect(session, &ProjectSession::runStarted, this, [this, id] {
        if (m_waiting && m_waiting->projectId == id)
            m_waiting.reset();
        if (m_needed.remove(id) > 0)
            onDetected(id);
    });
    // After the log's own handler (attached first), which shows the failure without a fix.
    connect(session, &ProjectSession::failed, this,
            [this, id](const StepFailure& failure) { onFailed(id, failure); });
    // The panel keeps its failure box to itself (a log knows nothing of environments); the fix
    // button on it is the window's business, so it is looked up here.
    FailureBox* box = log->findChild<FailureBox*>();
    if (box && m_failureBoxes.value(id) != box) {
        m_failureBoxes.insert(id, box);
        connect(box, &FailureBox::fixRequested, this, [this, id] { open(id, m_needed.value(id)); });
    }
}

void ExpectedVariablesOffer::showProject(const QString& projectId)
{
    m_shown = projectId;
    refreshBanner();
}

QList<ExpectedVariable> ExpectedVariablesOffer::unset(const QString& projectId) const
{
    const ProjectSession* session = m_projects.session(projectId);
    if (!session)
        return {};
    const ProjectEnvironment& environment = session->project().environment;
    QList<ExpectedVariable> variables =
        ExpectedEnvironment::missingFrom(session->missingVariables(), environment);
    const QString needed = m_needed.value(projectId);
    if (needed.isEmpty() || environment.find(needed))
        return variables;
    // The variable the dev server died for comes first, with the repository's hint when it has one.
    const auto found = std::find_if(variables.begin(), variables.end(),
                                    [&needed](const ExpectedVariable& each) { return each.name == needed; });
    ExpectedVariable first{needed, {}, {}};
    if (found != variables.end()) {
        first = *found;
        variables.erase(found);
    }
    variables.prepend(first);
    return variables;
}

bool ExpectedVariablesOffer::canAsk() const
{
    return !m_shown.isEmpty() && !unset(m_shown).isEmpty();
}

void ExpectedVariablesOffer::ask()
{
    open(m_shown, m_needed.value(m_shown));
}

ExpectedVariablesDialog* ExpectedVariablesOffer::form() const
{
    return m_form;
}

std::optional<QString> ExpectedVariablesOffer::variableNeededBy(const StepFailure& failure)
{
    // The words of FailureAdvice's devServerNeedsVariable: the button says what the box above it says.
    static const QRegularExpression pattern(
        u"^The dev server stopped because the environment variable ([A-Za-z_][A-Za-z0-9_]*) is not set\\.$"_s);
    const QRegularExpressionMatch match = pattern.match(failure.message());
    if (!match.hasMatch() || !ProjectEnvironment::nameProblem(match.captured(1)).isEmpty())
        return std::nullopt;
    return match.captured(1);
}

void ExpectedVariablesOffer::onDetected(const QString& projectId)
{
    if (projectId == m_shown)
        refreshBanner();
    Q_EMIT askableChanged();
}

void ExpectedVariablesOffer::onFailed(const QString& projectId, const StepFailure& failure)
{
    const std::optional<QString> name = variableNeededBy(failure);
    if (!name)
        return;
    m_needed.insert(projectId, *name);
    if (FailureBox* box = m_failureBoxes.value(projectId))
        box->offerFix(tr("Set %1…").arg(*name), tr("Set %1 and run the project again").arg(*name));
    onDetected(projectId);
    if (!opensByItself(projectId, *name))
        return;
    // A modal form takes the keyboard when it shows (X11 activates it whatever it is asked), so
    // while the user is in another app it waits for them to come back to the window.
    if (m_window->isActiveWindow())
        showForm(projectId, *name);
    else
        m_waiting = {projectId, *name};
}

bool ExpectedVariablesOffer::opensByItself(const QString& projectId, const QString& name) const
{
    // Only for the shown project and the variable its run still fails for, and not when the
    // variable's offer was skipped, or another form or unsaved edits of the Environment section are
    // in the way: the failure box's button stays for those.
    return projectId == m_shown && m_needed.value(projectId) == name && !m_form && !m_editor.isModified() &&
           !answered(projectId).contains(name);
}

bool ExpectedVariablesOffer::eventFilter(QObject* watched, QEvent* event)
{
    if (watched == m_window && event->type() == QEvent::ActivationChange && m_window->isActiveWindow() &&
        m_waiting) {
        const Waiting waiting = *std::exchange(m_waiting, std::nullopt);
        // Once the activation is over, so that the form is activated after the window, not before.
        QTimer::singleShot(0, this, [this, waiting] {
            if (opensByItself(waiting.projectId, waiting.name))
                showForm(waiting.projectId, waiting.name);
        });
    }
    return QObject::eventFilter(watched, event);
}

void ExpectedVariablesOffer::refreshBanner()
{
    const QStringList names = namesOf(unset(m_shown));
    const QStringList done = answered(m_shown);
    const bool offered = std::any_of(names.cbegin(), names.cend(),
                                     [&done](const QString& name) { return !done.contains(name); });
    m_banner->showFor(offered ? names : QStringList());
}

void ExpectedVariablesOffer::open(const QString& projectId, const QString& neededName)
{
    if (m_form) {
        m_form->raise();
        m_form->activateWindow();
        return;
    }
    if (m_editor.projectId() == projectId && m_editor.isModified()) {
        // Both change the same environment: the section's edits are saved or discarded first.
        m_editor.confirmLeave([this, projectId, neededName] { showForm(projectId, neededName); });
        return;
    }
    showForm(projectId, neededName);
}

void ExpectedVariablesOffer::showForm(const QString& projectId, const QString& neededName)
{
    const QList<ExpectedVariable> variables = unset(projectId);
    if (m_form || variables.isEmpty())
        return;
    auto* form = new ExpectedVariablesDialog(m_projects, projectId, variables, neededName, m_window);
    form->setAttribute(Qt::WA_DeleteOnClose);
    const QStringList names = form->names();
    connect(form, &QDialog::finished, this, [this, projectId, names](int result) {
        onFormFinished(projectId, names, result == QDialog::Accepted);
    });
    m_form = form;
    form->open();
}

void ExpectedVariablesOffer::onFormFinished(const QString& projectId, const QStringList& names, bool saved)
{
    // Saved or skipped, these names are not offered again; the menu still opens the form.
    remember(projectId, names);
    if (saved) {
        if (m_editor.projectId() == projectId && !m_editor.isModified())
            m_editor.showProject(projectId); // the section shows the new variables
        runWithSavedEnvironment(projectId);
    }
    refreshBanner();
    Q_EMIT askableChanged();
}

void ExpectedVariablesOffer::runWithSavedEnvironment(const QString& projectId)
{
    const ProjectSession* session = m_projects.session(projectId);
    if (!session)
        return;
    const QString name = m_projects.displayName(projectId);
    switch (session->status()) {
    case ProjectStatus::Live:
        // ProjectRegistry::setEnvironment has restarted its dev server already.
        Q_EMIT message(tr("Saved — the dev server of %1 restarts with the new environment.").arg(name));
        return;
    case ProjectStatus::Queued:
    case ProjectStatus::Building:
    case ProjectStatus::Failed:
        // A run reads the environment when it starts: the one under way, or the one that failed for
        // want of a variable, runs again to get it.
        m_projects.start(projectId);
        Q_EMIT message(tr("Saved — %1 runs again with the new environment.").arg(name));
        return;
    case ProjectStatus::Stopped:
        Q_EMIT message(tr("Saved — the next run of %1 uses the new environment.").arg(name));
        return;
    }
}

QStringList ExpectedVariablesOffer::answered(const QString& projectId)
{
    return QSettings().value(answeredKey(projectId)).toStringList();
}

void ExpectedVariablesOffer::remember(const QString& projectId, const QStringList& names)
{
    if (projectId.isEmpty())
        return;
    QStringList kept = answered(projectId);
    for (const QString& name : names) {
        if (!kept.contains(name))
            kept << name;
    }
    QSettings().setValue(answeredKey(projectId), kept);
}

void ExpectedVariablesOffer::forget(const QString& projectId)
{
    QSettings().remove(answeredKey(projectId));
}

} // namespace forge::ui
