#pragma once

#include "store/Project.h"

#include <QDialog>

class QButtonGroup;
class QDialogButtonBox;
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
class RepoPickerDialog : public QDialog
{
    Q_OBJECT
public:
    explicit RepoPickerDialog(QWidget* parent = nullptr);

    // Adds a source as a tab (after the built-in ones unless `index` says otherwise).
    void addSource(RepositorySource* source, int index = -1);
    UrlSource* urlSource() const { return m_urlSource; }
    LocalFolderSource* localFolderSource() const { return m_folderSource; }
    void showSource(RepositorySource* source);

    RunMode mode() const;
    void setMode(RunMode mode);
    // The chosen project; call after the dialog was accepted.
    Project project() const;

private:
    RepositorySource* currentSource() const;
    void updateState();

    QTabWidget* m_tabs = nullptr;
    UrlSource* m_urlSource = nullptr;
    LocalFolderSource* m_folderSource = nullptr;
    QButtonGroup* m_mode = nullptr;
    RunPlanEditor* m_planEditor = nullptr;
    QLabel* m_problem = nullptr;
    QDialogButtonBox* m_buttons = nullptr;
};

} // namespace forge::ui
