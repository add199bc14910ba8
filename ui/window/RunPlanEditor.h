#pragma once

#include "core/RunPlan.h"
#include "toolchain/ToolchainResolver.h"

#include <QWidget>
#include <optional>

class QComboBox;
class QLabel;
class QLineEdit;
class QSpinBox;

namespace forge::ui {

// The run plan as a form: package manager, framework, folder, the install/build/dev/start commands
// (each one line, split into arguments without any shell) and the port, under the toolchain line
// (the Node.js and package manager asked for, then chosen). Shows the detected plan
// and gives back the user's edit; the environment and notes are carried over unchanged.
class RunPlanEditor final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(RunPlanEditor)
public:
    explicit RunPlanEditor(QWidget* parent = nullptr);

    void setPlan(const std::optional<RunPlan>& plan);
    // The tools the run chose (ProjectSession::toolchain()); until then (nullopt) the toolchain line
    // says what the plan asks for.
    void setToolchain(const std::optional<ToolchainChoice>& toolchain);
    QString toolchainText() const;
    // The plan as edited, or nullopt when none was set.
    std::optional<RunPlan> plan() const;
    bool isModified() const { return m_modified; }
    void setModified(bool modified);
    // Why the plan cannot run in `mode`, or empty when it can.
    QString problem(RunMode mode) const;
    void setPlaceholderText(const QString& text);

Q_SIGNALS:
    void edited();

private:
    void markEdited();
    void showToolchain();

    std::optional<RunPlan> m_base;
    std::optional<ToolchainChoice> m_chosenToolchain;
    bool m_modified = false;
    bool m_loading = false;
    QLabel* m_placeholder = nullptr;
    QWidget* m_form = nullptr;
    QComboBox* m_packageManager = nullptr;
    QComboBox* m_framework = nullptr;
    QLineEdit* m_directory = nullptr;
    QLineEdit* m_install = nullptr;
    QLineEdit* m_build = nullptr;
    QLineEdit* m_dev = nullptr;
    QLineEdit* m_start = nullptr;
    QSpinBox* m_port = nullptr;
    QLabel* m_toolchain = nullptr;
    QLabel* m_notes = nullptr;
};

} // namespace forge::ui
