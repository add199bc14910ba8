#include "EnvironmentEditor.h"

#include "EnvironmentDelegate.h"
#include "EnvironmentModel.h"
#include "app/ProjectRegistry.h"
#include "core/EnvFile.h"
#include "ui/common/Labels.h"
#include "workflow/ProjectSession.h"

#include <QAction>
#include <QClipboard>
#include <QCoroTask>
#include <QDir>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QGuiApplication>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QKeySequence>
#include <QLabel>
#include <QMessageBox>
#include <QPushButton>
#include <QTableView>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace forge::ui {

namespace {

// "Imported 5 variables, 2 as secrets; skipped line 7: …": what an import did, in one line.
QString importSummary(const ProjectEnvironment& imported, const QStringList& problems)
{
    const qsizetype count = imported.variables.size();
    const qsizetype secrets = imported.secretNames().size();
    QString text = count == 1 ? EnvironmentEditor::tr("Imported 1 variable")
                              : EnvironmentEditor::tr("Imported %1 variables").arg(count);
    if (secrets == 1)
        text += EnvironmentEditor::tr(", 1 as a secret");
    else if (secrets > 1)
        text += EnvironmentEditor::tr(", %1 as secrets").arg(secrets);
    if (!problems.isEmpty())
        text += EnvironmentEditor::tr("; skipped %1").arg(problems.join(u"; "_s));
    return text + u'.';
}

QPushButton* button(const QString& text, const QString& objectName, const QString& toolTip)
{
    auto* button = new QPushButton(text);
    button->setObjectName(objectName);
    button->setToolTip(toolTip);
    return button;
}

} // namespace

EnvironmentEditor::EnvironmentEditor(ProjectRegistry& projects, QWidget* parent)
    : QWidget(parent)
    , m_projects(projects)
    , m_model(new EnvironmentModel(this))
    , m_delegate(new EnvironmentDelegate(this))
{
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    auto* heading = new QLabel(tr("<b>Environment</b>"));
    heading->setObjectName(u"environmentHeading"_s);
    layout->addWidget(heading);
    m_placeholder = noteLabel(tr("Open a repository to set the variables its commands get."));
    layout->addWidget(m_placeholder);

    m_content = new QWidget;
    auto* content = new QVBoxLayout(m_content);
    content->setContentsMargins(0, 0, 0, 0);
    content->addWidget(noteLabel(tr("Variables the project's commands get: add them (Ctrl+N) or import a "
                                    ".env file. Secrets are kept in the system keychain, masked in the "
                                    "build log and never shown again here.")));
    content->addWidget(createTable(), 1);
    content->addLayout(createButtons());
    m_problem = errorLabel(u"environmentProblem"_s);
    m_error = errorLabel(u"environmentError"_s);
    m_note = noteLabel({});
    m_note->setObjectName(u"environmentNote"_s);
    m_note->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_note->hide();
    for (QLabel* label : {m_problem, m_error, m_note})
        content->addWidget(label);
    layout->addWidget(m_content, 1);
    setUpTabOrder();

    // The keyboard's ways in, wherever the focus is inside the section.
    auto* add = new QAction(tr("Add Variable"), this);
    add->setShortcut(QKeySequence::New);
    add->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    connect(add, &QAction::triggered, this, &EnvironmentEditor::addVariable);
    auto* save = new QAction(tr("Save Environment"), this);
    save->setShortcut(QKeySequence::Save);
    save->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    connect(save, &QAction::triggered, this, &EnvironmentEditor::save);
    addActions({add, save});

    const auto changed = [this] { updateState(); };
    connect(m_model, &QAbstractItemModel::dataChanged, this, changed);
    connect(m_model, &QAbstractItemModel::rowsInserted, this, changed);
    connect(m_model, &QAbstractItemModel::rowsRemoved, this, changed);
    connect(m_model, &QAbstractItemModel::modelReset, this, changed);
    connect(m_table->selectionModel(), &QItemSelectionModel::currentChanged, this, changed);
    connect(m_table->selectionModel(), &QItemSelectionModel::selectionChanged, this, changed);
    updateState();
}

EnvironmentEditor::~EnvironmentEditor() = default;

QWidget* EnvironmentEditor::createTable()
{
    m_table = new QTableView;
    m_table->setObjectName(u"environmentTable"_s);
    m_table->setModel(m_model);
    m_table->setItemDelegate(m_delegate);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::ExtendedSelection);
    // Tab leaves the table (arrows move between cells); inside a cell editor Tab goes to the next cell.
    m_table->setTabKeyNavigation(false);
    m_table->setEditTriggers(QAbstractItemView::DoubleClicked | QAbstractItemView::EditKeyPressed |
                             QAbstractItemView::AnyKeyPressed | QAbstractItemView::SelectedClicked);
    m_table->setAlternatingRowColors(true);
    m_table->setWordWrap(false);
    m_table->setMinimumHeight(150);
    m_table->setAccessibleName(tr("Environment variables"));
    m_table->setAccessibleDescription(tr("Arrow keys move between cells, F2 or typing edits a name or "
                                         "value, Space ticks a box, Delete removes the selected rows."));
    QHeaderView* header = m_table->horizontalHeader();
    header->setSectionResizeMode(EnvironmentModel::NameColumn, QHeaderView::Interactive);
    header->resizeSection(EnvironmentModel::NameColumn, 150);
    header->setSectionResizeMode(EnvironmentModel::ValueColumn, QHeaderView::Stretch);
    for (int column = EnvironmentModel::SecretColumn; column < EnvironmentModel::ColumnCount; ++column)
        header->setSectionResizeMode(column, QHeaderView::ResizeToContents);
    m_table->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);

    // Delete removes the selected rows, but not while a cell is being edited (the cell's own Delete).
    auto* remove = new QAction(tr("Remove Variable"), m_table);
    remove->setShortcuts({QKeySequence::Delete, Qt::Key_Backspace});
    remove->setShortcutContext(Qt::WidgetShortcut);
    connect(remove, &QAction::triggered, this, &EnvironmentEditor::removeSelected);
    m_table->addAction(remove);
    return m_table;
}

QLayout* EnvironmentEditor::createButtons()
{
    m_add = button(tr("&Add"), u"environmentAdd"_s, tr("Add a variable (Ctrl+N)"));
    m_remove = button(tr("&Remove"), u"environmentRemove"_s, tr("Remove the selected variables (Delete)"));
    m_show = button(tr("Sho&w"), u"environmentShow"_s,
                    tr("Show the secret value typed in this row; a value kept in the keychain is never "
                       "shown"));
    m_show->setCheckable(true);
    m_import = button(tr("Import .&env…"), u"environmentImport"_s,
                      tr("Add the variables of a .env file; values of names such as API_KEY or "
                         "PASSWORD become secrets"));
    m_copy = button(tr("&Copy Names"), u"environmentCopyNames"_s,
                    tr("Copy the variables' names, without any value, as NAME= lines"));
    m_save = button(tr("Sa&ve"), u"environmentSave"_s,
                    tr("Keep these variables for the project (Ctrl+S); a live preview restarts with them"));
    m_unsaved = noteLabel(tr("Unsaved changes"));
    m_unsaved->setObjectName(u"environmentUnsaved"_s);
    m_unsaved->setWordWrap(false);

    connect(m_add, &QPushButton::clicked, this, &EnvironmentEditor::addVariable);
    connect(m_remove, &QPushButton::clicked, this, &EnvironmentEditor::removeSelected);
    connect(m_show, &QPushButton::clicked, this,
            [this](bool shown) { m_model->setRevealed(currentRow(), shown); });
    connect(m_import, &QPushButton::clicked, this, &EnvironmentEditor::importFile);
    connect(m_copy, &QPushButton::clicked, this, &EnvironmentEditor::copyNames);
    connect(m_save, &QPushButton::clicked, this, &EnvironmentEditor::save);

    auto* rows = new QVBoxLayout;
    auto* edit = new QHBoxLayout;
    for (QPushButton* each : {m_add, m_remove, m_show})
        edit->addWidget(each);
    edit->addStretch();
    edit->addWidget(m_import);
    edit->addWidget(m_copy);
    auto* keep = new QHBoxLayout;
    keep->addStretch();
    keep->addWidget(m_unsaved);
    keep->addWidget(m_save);
    rows->addLayout(edit);
    rows->addLayout(keep);
    return rows;
}

void EnvironmentEditor::setUpTabOrder()
{
    QWidget* previous = m_table;
    for (QWidget* next :
         {static_cast<QWidget*>(m_add), static_cast<QWidget*>(m_remove), static_cast<QWidget*>(m_show),
          static_cast<QWidget*>(m_import), static_cast<QWidget*>(m_copy), static_cast<QWidget*>(m_save)}) {
        setTabOrder(previous, next);
        previous = next;
    }
}

void EnvironmentEditor::showProject(const QString& projectId)
{
    m_projectId = projectId;
    const ProjectSession* session = m_projects.session(projectId);
    m_model->setLocked(false);
    m_model->load(session ? session->project().environment : ProjectEnvironment());
    m_error->hide();
    m_note->hide();
    updateState();
}

bool EnvironmentEditor::isModified() const
{
    return !m_projectId.isEmpty() && m_model->isModified();
}

void EnvironmentEditor::focusTable()
{
    m_table->setFocus(Qt::ShortcutFocusReason);
    if (!m_table->currentIndex().isValid() && m_model->rowCount() > 0)
        m_table->setCurrentIndex(m_model->index(0, EnvironmentModel::NameColumn));
}

int EnvironmentEditor::currentRow() const
{
    return m_table->currentIndex().isValid() ? m_table->currentIndex().row() : -1;
}

void EnvironmentEditor::addVariable()
{
    if (m_saving || m_projectId.isEmpty())
        return;
    commitOpenEditor();
    const QModelIndex name = m_model->index(m_model->addVariable(), EnvironmentModel::NameColumn);
    m_table->setCurrentIndex(name);
    m_table->setFocus(Qt::ShortcutFocusReason);
    m_table->edit(name);
}

void EnvironmentEditor::removeSelected()
{
    if (m_saving)
        return;
    QList<int> rows;
    for (const QModelIndex& index : m_table->selectionModel()->selectedRows())
        rows << index.row();
    if (rows.isEmpty())
        return;
    const int first = *std::min_element(rows.cbegin(), rows.cend());
    m_model->removeVariables(rows);
    // The row that moved up into place is selected, so Delete can go on removing.
    if (m_model->rowCount() > 0)
        m_table->setCurrentIndex(m_model->index(std::min(first, m_model->rowCount() - 1), 0));
}

void EnvironmentEditor::commitOpenEditor()
{
    if (QWidget* editor = m_table->indexWidget(m_table->currentIndex())) {
        Q_EMIT m_delegate->commitData(editor);
        Q_EMIT m_delegate->closeEditor(editor, QAbstractItemDelegate::NoHint);
    }
}

void EnvironmentEditor::importFile()
{
    if (m_saving || m_projectId.isEmpty())
        return;
    const QString path = chooseFile();
    if (path.isEmpty())
        return;
    m_error->hide();
    m_note->hide();
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        showError(tr("%1 could not be read: %2").arg(QDir::toNativeSeparators(path), file.errorString()));
        return;
    }
    const EnvFile parsed = EnvFile::parse(file.readAll());
    QStringList problems = parsed.problems;
    const ProjectEnvironment imported = EnvFile::toEnvironment(parsed.entries, &problems);
    if (imported.isEmpty()) {
        showError(tr("%1 has no variables to import.").arg(QFileInfo(path).fileName()) +
                  (problems.isEmpty() ? QString() : u' ' + problems.join(u"; "_s)));
        return;
    }
    commitOpenEditor();
    m_model->merge(imported);
    showNote(importSummary(imported, problems));
}

QString EnvironmentEditor::chooseFile()
{
    if (m_chooseFile)
        return m_chooseFile();
    QFileDialog dialog(this, tr("Import .env"), QDir::homePath(),
                       tr("Environment files (.env .env.* *.env);;All files (*)"));
    dialog.setFileMode(QFileDialog::ExistingFile);
    // .env files are hidden files on Unix.
    dialog.setFilter(dialog.filter() | QDir::Hidden);
    if (dialog.exec() != QDialog::Accepted || dialog.selectedFiles().isEmpty())
        return {};
    return dialog.selectedFiles().constFirst();
}

void EnvironmentEditor::copyNames()
{
    commitOpenEditor();
    ProjectEnvironment named;
    for (const EnvironmentVariable& variable : m_model->environment().variables) {
        if (ProjectEnvironment::isValidName(variable.name))
            named.variables.append(variable);
    }
    if (named.isEmpty())
        return;
    // Names only: the clipboard is readable by every program, and values (secret or not) stay here.
    QGuiApplication::clipboard()->setText(EnvFile::namesOnly(named));
    m_error->hide();
    const qsizetype count = named.variables.size();
    showNote(count == 1 ? tr("Copied 1 name to the clipboard, without its value.")
                        : tr("Copied %1 names to the clipboard, without their values.").arg(count));
}

void EnvironmentEditor::save()
{
    commitOpenEditor();
    if (m_saving || !isModified() || !m_model->problem().isEmpty())
        return;
    m_saving = true;
    m_error->hide();
    m_note->hide();
    m_model->setLocked(true);
    updateState();
    const QString id = m_projectId;
    QCoro::connect(m_projects.setEnvironment(id, m_model->environment(), m_model->secretValues()), this,
                   [this, id](const QString& error) { finishSave(id, error); });
}

void EnvironmentEditor::finishSave(const QString& projectId, const QString& error)
{
    m_saving = false;
    m_model->setLocked(false);
    if (projectId != m_projectId) {
        updateState();
        Q_EMIT saveFinished(error.isEmpty());
        return;
    }
    if (!error.isEmpty()) {
        // The table keeps every edit, so the user can fix the cause and save again.
        showError(error);
        updateState();
        Q_EMIT saveFinished(false);
        return;
    }
    const ProjectSession* session = m_projects.session(projectId);
    m_model->load(session ? session->project().environment : ProjectEnvironment());
    if (session && session->status() == ProjectStatus::Live)
        showNote(tr("Saved — the dev server restarts with the new environment."));
    else
        showNote(tr("Saved — the next run uses it."));
    updateState();
    Q_EMIT saveFinished(true);
}

void EnvironmentEditor::confirmLeave(std::function<void()> proceed)
{
    commitOpenEditor();
    if (!isModified() || !m_projects.contains(m_projectId)) {
        proceed();
        return;
    }
    if (m_leavePrompt)
        return;
    auto* box = new QMessageBox(
        QMessageBox::Warning, tr("Unsaved Environment"),
        tr("Save the changes to the environment of %1?").arg(m_projects.displayName(m_projectId)),
        QMessageBox::NoButton, this);
    if (const QString problem = m_model->problem(); problem.isEmpty()) {
        box->setInformativeText(tr("Your changes are lost if you don't save them."));
        box->setStandardButtons(QMessageBox::Save | QMessageBox::Discard | QMessageBox::Cancel);
        box->setDefaultButton(QMessageBox::Save);
    } else {
        box->setInformativeText(tr("They cannot be saved as they are. %1").arg(problem));
        box->setStandardButtons(QMessageBox::Discard | QMessageBox::Cancel);
        box->setDefaultButton(QMessageBox::Cancel);
    }
    box->setEscapeButton(QMessageBox::Cancel);
    box->setAttribute(Qt::WA_DeleteOnClose);
    m_leavePrompt = box;
    connect(box, &QDialog::finished, this, [this, box, proceed = std::move(proceed)] {
        const QMessageBox::StandardButton answer = box->standardButton(box->clickedButton());
        if (answer == QMessageBox::Discard) {
            showProject(m_projectId);
            proceed();
        } else if (answer == QMessageBox::Save) {
            connect(
                this, &EnvironmentEditor::saveFinished, this,
                [proceed](bool saved) {
                    if (saved)
                        proceed();
                },
                Qt::SingleShotConnection);
            if (!m_saving)
                save();
        }
    });
    box->open();
}

void EnvironmentEditor::updateState()
{
    const bool hasProject = !m_projectId.isEmpty();
    m_placeholder->setVisible(!hasProject);
    m_content->setVisible(hasProject);
    const QString problem = m_model->problem();
    m_problem->setText(problem);
    m_problem->setVisible(!problem.isEmpty());
    const bool modified = isModified();
    const int row = currentRow();
    m_add->setEnabled(!m_saving);
    m_remove->setEnabled(!m_saving && m_table->selectionModel()->hasSelection());
    m_show->setEnabled(m_model->canReveal(row));
    m_show->setChecked(m_model->isRevealed(row));
    m_import->setEnabled(!m_saving);
    m_copy->setEnabled(m_model->rowCount() > 0);
    m_save->setEnabled(modified && problem.isEmpty() && !m_saving);
    m_save->setText(m_saving ? tr("Saving…") : tr("Sa&ve"));
    m_unsaved->setVisible(modified && !m_saving);
    if (modified != m_wasModified) {
        m_wasModified = modified;
        Q_EMIT modifiedChanged(modified);
    }
}

void EnvironmentEditor::showNote(const QString& text)
{
    m_note->setText(text);
    m_note->show();
}

void EnvironmentEditor::showError(const QString& text)
{
    m_note->hide();
    m_error->setText(text);
    m_error->show();
}

QMessageBox* EnvironmentEditor::leavePrompt() const
{
    return m_leavePrompt;
}

QString EnvironmentEditor::problemText() const
{
    return m_problem->isHidden() ? QString() : m_problem->text();
}

QString EnvironmentEditor::errorText() const
{
    return m_error->isHidden() ? QString() : m_error->text();
}

QString EnvironmentEditor::noteText() const
{
    return m_note->isHidden() ? QString() : m_note->text();
}

} // namespace forge::ui
