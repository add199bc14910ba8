#pragma once

#include "core/ExpectedEnvironment.h"

#include <QDialog>
#include <QList>
#include <QString>
#include <QStringList>

class QCheckBox;
class QDialogButtonBox;
class QGridLayout;
class QLabel;
class QLineEdit;
class QPushButton;

namespace forge {
class ProjectRegistry;
}

namespace forge::ui {

// The form that asks for the variables a repository expects and the project does not set (issue
// 20): one row per variable with its name, the repository's hint, where it was seen, a value and a
// Secret tick (on for names that look like credentials; a secret is typed masked). Save merges the
// filled-in rows into the project's environment through ProjectRegistry::setEnvironment (empty
// rows are left out, the project's other variables kept) and closes with Accepted; a failed save
// says why and keeps what was typed. Skip (Esc) closes with Rejected. Opened window-modal with
// open(): it never waits for the answer, and the runs go on meanwhile.
class ExpectedVariablesDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ExpectedVariablesDialog)
public:
    // `neededName`: the variable a dead dev server named (a row of `variables`, first); the form
    // then says so and starts in its value. Empty: the repository's expectations, first row first.
    ExpectedVariablesDialog(ProjectRegistry& projects, const QString& projectId,
                            const QList<ExpectedVariable>& variables, const QString& neededName = {},
                            QWidget* parent = nullptr);
    ~ExpectedVariablesDialog() override;

    QString projectId() const { return m_projectId; }
    QStringList names() const;
    bool isSaving() const { return m_saving; }

    // For tests: a row's fields (null for a name not in the form), the buttons and the error shown.
    QLineEdit* valueField(const QString& name) const;
    QCheckBox* secretBox(const QString& name) const;
    // The hint and where the variable was seen, as the row shows them.
    QString detailText(const QString& name) const;
    QPushButton* saveButton() const { return m_save; }
    QPushButton* skipButton() const { return m_skip; }
    QString errorText() const;

public Q_SLOTS:
    // Not while saving: the keychain may be asking to be unlocked, and the answer must reach a form.
    void reject() override;

private:
    struct Row
    {
        ExpectedVariable variable;
        QLabel* detail = nullptr;
        QLineEdit* value = nullptr;
        QCheckBox* secret = nullptr;
    };

    QWidget* createIntro(const QString& neededName);
    QWidget* createRows(const QString& neededName);
    void addRow(QGridLayout& grid, int line, bool needed);
    void setUpTabOrder();
    void save();
    void finishSave(const QString& error);
    void updateState();
    const Row* rowOf(const QString& name) const;

    ProjectRegistry& m_projects;
    QString m_projectId;
    QList<Row> m_rows;
    bool m_saving = false;
    QLabel* m_error = nullptr;
    QDialogButtonBox* m_buttons = nullptr;
    QPushButton* m_save = nullptr;
    QPushButton* m_skip = nullptr;
};

} // namespace forge::ui
