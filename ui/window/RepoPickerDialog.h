#pragma once

#include "store/Project.h"

#include <QDialog>

class QButtonGroup;
class QDialogButtonBox;
class QGridLayout;
class QLabel;
class QTabWidget;

namespace forge::ui {

class LocalFolderSource;
class RepositorySource;
class RunPlanEditor;
class UrlSource;

// "Open Repository": choose a repository from one of the sources (URL, local folder; the GitHub
// account joins with sign-in through addSource()), a branch and the mode, and see the run plan
// where it can be detected before cloning. Accepting gives a Project ready to run.
class RepoPickerDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(RepoPickerDialog)
public:
    explicit RepoPickerDialog(QWidget* parent = nullptr);

    // Adds a source as a tab (after the built-in ones unless `index` says otherwise).
    void addSource(RepositorySource* source, int index = -1);
    UrlSource* urlSource() const { return m_urlSource; }
    LocalFolderSource* localFolderSource() const { return m_folderSource; }
    void showSource(RepositorySource* source);

    RunMode mode() const;
    void setMode(RunMode mode);
    // Where the project runs: "local" (default) or "daytona". A folder's branch always runs locally
    // (Daytona clones over the network); its working copy may run on either.
    Backend backend() const;
    void setBackend(Backend backend);
    // Starts from `project`'s repository (the usual next step is another branch of it): its back
    // end, and the URL or folder tab filled in and shown (a folder with its working copy or branch).
    void startFrom(const Project& project);
    // Whether Daytona can be chosen; when not, `reason` says what to set. The dialog starts with
    // what the stored settings and the environment allow.
    void setDaytonaAvailability(const QString& unavailableReason);
    // The chosen project; call after the dialog was accepted.
    Project project() const;

private:
    QGridLayout* createRunChoices();
    RepositorySource* currentSource() const;
    void updateState();
    void updateBackendChoice();

    QTabWidget* m_tabs = nullptr;
    UrlSource* m_urlSource = nullptr;
    LocalFolderSource* m_folderSource = nullptr;
    QButtonGroup* m_mode = nullptr;
    QButtonGroup* m_backend = nullptr;
    QLabel* m_backendNote = nullptr;
    Backend m_preferredBackend = Backend::Local; // the user's choice, kept while a source cannot honour it
    QString m_daytonaUnavailable;                // why Daytona cannot be chosen; empty when it can
    RunPlanEditor* m_planEditor = nullptr;
    QLabel* m_problem = nullptr;
    QDialogButtonBox* m_buttons = nullptr;
};

} // namespace forge::ui
