#pragma once

#include <QPointer>
#include <QString>
#include <QWidget>
#include <functional>

class QAction;
class QLabel;
class QMessageBox;
class QPushButton;
class QTableView;

namespace forge {
class ProjectRegistry;
struct ProjectEnvironment;
} // namespace forge

namespace forge::ui {

class EnvironmentDelegate;
class EnvironmentModel;

// The Run Plan tab's Environment section (issue 20): the shown project's variables in a table
// (name, value, secret, the steps each reaches), Add (Ctrl+N), Remove (Delete), Show for a secret
// typed here, Import .env…, Copy Names and Save (Ctrl+S), which hands the edit to
// ProjectRegistry::setEnvironment. Secrets kept in the keychain are never read back to be shown;
// a value typed for one replaces it. Edits stay in the table until saved or discarded, also when a
// save fails.
class EnvironmentEditor final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(EnvironmentEditor)
public:
    explicit EnvironmentEditor(ProjectRegistry& projects, QWidget* parent = nullptr);
    ~EnvironmentEditor() override;

    // Shows the environment of `projectId` (empty: none), dropping unsaved edits.
    void showProject(const QString& projectId);
    QString projectId() const { return m_projectId; }
    bool isModified() const;
    bool isSaving() const { return m_saving; }
    // Saves the edits; saveFinished() says how it went. Nothing happens while a row is invalid.
    void save();
    // Runs `proceed` once the edits are saved or discarded: at once when there are none, otherwise
    // after asking Save / Discard / Cancel (Cancel, or a failed save, never runs it).
    void confirmLeave(std::function<void()> proceed);
    // Puts the keyboard focus in the table (Project > Environment).
    void focusTable();

    // Where Import .env… gets its file: a file dialog, unless a test gives another chooser.
    void setFileChooser(std::function<QString()> chooser) { m_chooseFile = std::move(chooser); }

    // For tests: the table, the question confirmLeave() is asking (null otherwise), and what the
    // labels say (empty while hidden).
    QTableView* table() const { return m_table; }
    EnvironmentModel* model() const { return m_model; }
    QMessageBox* leavePrompt() const;
    QString problemText() const;
    QString errorText() const;
    QString noteText() const;

Q_SIGNALS:
    void modifiedChanged(bool modified);
    void saveFinished(bool saved);

private:
    QWidget* createTable();
    QLayout* createButtons();
    void setUpTabOrder();
    void addVariable();
    void removeSelected();
    void importFile();
    QString chooseFile();
    void copyNames();
    void finishSave(const QString& projectId, const QString& error);
    // Commits a cell being edited, so Ctrl+S saves what is typed.
    void commitOpenEditor();
    void updateState();
    void showNote(const QString& text);
    void showError(const QString& text);
    int currentRow() const;

    ProjectRegistry& m_projects;
    QString m_projectId;
    EnvironmentModel* m_model;
    EnvironmentDelegate* m_delegate;
    std::function<QString()> m_chooseFile;
    bool m_saving = false;
    bool m_wasModified = false;
    QPointer<QMessageBox> m_leavePrompt;

    QLabel* m_placeholder = nullptr;
    QWidget* m_content = nullptr;
    QTableView* m_table = nullptr;
    QPushButton* m_add = nullptr;
    QPushButton* m_remove = nullptr;
    QPushButton* m_show = nullptr;
    QPushButton* m_import = nullptr;
    QPushButton* m_copy = nullptr;
    QPushButton* m_save = nullptr;
    QLabel* m_unsaved = nullptr;
    QLabel* m_problem = nullptr;
    QLabel* m_error = nullptr;
    QLabel* m_note = nullptr;
};

} // namespace forge::ui
