#pragma once

#include "RepositorySource.h"

class QLabel;
class QLineEdit;

namespace forge::ui {

// A git repository in a folder on this computer. The folder is examined right away, so its run
// plan shows before anything is copied.
class LocalFolderSource final : public RepositorySource
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(LocalFolderSource)
public:
    explicit LocalFolderSource(QWidget* parent = nullptr);

    QString title() const override;
    QString repository() const override;
    QString branch() const override;
    QString problem() const override;
    std::optional<RunPlan> detectedPlan() const override { return m_plan; }
    void focusInput() override;

    void setFolder(const QString& path);
    void setBranch(const QString& branch);

private:
    void browse();
    void validate();

    QLineEdit* m_folder = nullptr;
    QLineEdit* m_branch = nullptr;
    QLabel* m_status = nullptr;
    QString m_problem;
    QString m_checkedPath;
    std::optional<RunPlan> m_plan;
};

} // namespace forge::ui
