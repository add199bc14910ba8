#pragma once

#include "RepositorySource.h"
#include "store/Project.h"

class QLabel;
class QLineEdit;
class QRadioButton;

namespace forge::ui {

// A git repository in a folder on this computer. The folder is examined right away, so its run
// plan shows before anything is copied. Its Source is the working copy (the files as they are on
// disk now, kept in sync; the default) or a branch's committed state (issue 22).
class LocalFolderSource final : public RepositorySource
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(LocalFolderSource)
public:
    explicit LocalFolderSource(QWidget* parent = nullptr);

    QString title() const override;
    QString repository() const override;
    // Empty for the working copy: the branch is used only when Branch is the source.
    QString branch() const override;
    QString problem() const override;
    std::optional<RunPlan> detectedPlan() const override { return m_plan; }
    void focusInput() override;

    void setFolder(const QString& path);
    void setBranch(const QString& branch);
    ProjectSource source() const;
    void setSource(ProjectSource source);

private:
    void browse();
    void validate();
    void updateSource();

    QLineEdit* m_folder = nullptr;
    QRadioButton* m_workingCopy = nullptr;
    QRadioButton* m_branchSource = nullptr;
    QLineEdit* m_branch = nullptr;
    QLabel* m_status = nullptr;
    QString m_problem;
    QString m_checkedPath;
    std::optional<RunPlan> m_plan;
};

} // namespace forge::ui
