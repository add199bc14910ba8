#pragma once

#include "core/ExpectedEnvironment.h"

#include <QHash>
#include <QObject>
#include <QPointer>
#include <QString>
#include <QStringList>
#include <optional>

class QWidget;

namespace forge {
class ProjectRegistry;
class ProjectSession;
class StepFailure;
} // namespace forge

namespace forge::ui {

class BuildLogPanel;
class EnvironmentEditor;
class ExpectedVariablesBanner;
class ExpectedVariablesDialog;
class FailureBox;

// When the window asks for the variables a repository expects (issue 20), and what happens after.
// - Detection named variables the shown project does not set: the banner offers the form, once per
//   project and set of names (Skip or Not Now is remembered in the settings across restarts).
// - A run's dev server died because a variable is unset: the form opens on that variable (for the
//   shown project; while the user is in another app, once they are back in the window, so it never
//   takes their keyboard), and the failure box in the project's build log gets "Set NAME…".
// - Project > Set Expected Variables… opens the form whenever the shown project has such variables.
// After Save a live preview's dev server restarts with them (ProjectRegistry does that); a run that
// failed or is still building runs again, since only a new run reads the environment.
class ExpectedVariablesOffer final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ExpectedVariablesOffer)
public:
    // `window` parents the form; `editor` is the Run Plan tab's Environment section, whose unsaved
    // edits are asked about before the form changes the same environment.
    ExpectedVariablesOffer(ProjectRegistry& projects, EnvironmentEditor& editor, QWidget* window);
    ~ExpectedVariablesOffer() override;

    // To be placed above the build log and the preview.
    ExpectedVariablesBanner* banner() const { return m_banner; }
    // Follows `session`'s detections and failures; `log` is its project's build log.
    void watch(ProjectSession* session, BuildLogPanel* log);
    void showProject(const QString& projectId);

    // The variables to ask the project for: the last detection's missing ones and the one its dead
    // dev server named (first), less those set since.
    QList<ExpectedVariable> unset(const QString& projectId) const;
    // Whether Project > Set Expected Variables… has something to ask for the shown project.
    bool canAsk() const;
    // Opens the form for the shown project.
    void ask();
    // The form while it is open (tests drive it); null otherwise.
    ExpectedVariablesDialog* form() const;

    // The variable a dead dev server's failure says is unset ("The dev server stopped because the
    // environment variable NAME is not set."); nullopt for any other failure.
    static std::optional<QString> variableNeededBy(const StepFailure& failure);

protected:
    // The window became active again: a form that waited for the user opens now.
    bool eventFilter(QObject* watched, QEvent* event) override;

Q_SIGNALS:
    // canAsk() may have changed.
    void askableChanged();
    // What a save did, for the status bar.
    void message(const QString& text);

private:
    void onDetected(const QString& projectId);
    void onFailed(const QString& projectId, const StepFailure& failure);
    void refreshBanner();
    // Opens the form for `projectId`, once the Environment section's unsaved edits of it are settled.
    void open(const QString& projectId, const QString& neededName);
    void showForm(const QString& projectId, const QString& neededName);
    // Whether a failure for `name` opens the form without being asked.
    bool opensByItself(const QString& projectId, const QString& name) const;
    void onFormFinished(const QString& projectId, const QStringList& names, bool saved);
    void runWithSavedEnvironment(const QString& projectId);
    // The names whose offer was answered (Skip, Not Now, Save), kept in the settings per project.
    static QStringList answered(const QString& projectId);
    static void remember(const QString& projectId, const QStringList& names);
    static void forget(const QString& projectId);

    ProjectRegistry& m_projects;
    EnvironmentEditor& m_editor;
    QWidget* m_window;
    ExpectedVariablesBanner* m_banner;
    QPointer<ExpectedVariablesDialog> m_form;
    QString m_shown;
    struct Waiting
    {
        QString projectId;
        QString name;
    };
    std::optional<Waiting> m_waiting; // a form to open once the window is active again
    QHash<QString, QString> m_needed; // project -> the variable its last run's dev server died for
    QHash<QString, QPointer<FailureBox>> m_failureBoxes; // project -> its log's box, connected
};

} // namespace forge::ui
