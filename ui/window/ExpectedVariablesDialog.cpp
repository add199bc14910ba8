#include "ExpectedVariablesDialog.h"

#include "app/ProjectRegistry.h"
#include "core/ProjectEnvironment.h"
#include "ui/common/Labels.h"
#include "workflow/ProjectSession.h"

#include <QCheckBox>
#include <QCoroTask>
#include <QDialogButtonBox>
#include <QFontDatabase>
#include <QGridLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QScrollArea>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace forge::ui {

namespace {

// The repository's words (hint, file names) and the variable's name are shown as written: plain
// text, never rich text a repository could style.
QLabel* plainLabel(const QString& text)
{
    auto* label = new QLabel(text);
    label->setTextFormat(Qt::PlainText);
    label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    return label;
}

QString whereSeen(const ExpectedVariable& variable)
{
    if (variable.source.isEmpty())
        return ExpectedVariablesDialog::tr("Named by the dev server when it stopped");
    if (variable.hint.isEmpty())
        return ExpectedVariablesDialog::tr("Seen in %1").arg(variable.source);
    return ExpectedVariablesDialog::tr("%1 · seen in %2").arg(variable.hint, variable.source);
}

// Framework public variables are written into the bundle when it is built, so a production build
// needs them as much as the running app; every other variable is the running app's.
EnvironmentSteps stepsFor(const QString& name)
{
    if (ExpectedEnvironment::isPublicName(name))
        return EnvironmentStep::Build | EnvironmentStep::Run;
    return EnvironmentStep::Run;
}

} // namespace

ExpectedVariablesDialog::ExpectedVariablesDialog(ProjectRegistry& projects, const QString& projectId,
                                                 const QList<ExpectedVariable>& variables,
                                                 const QString& neededName, QWidget* parent)
    : QDialog(parent)
    , m_projects(projects)
    , m_projectId(projectId)
{
    setObjectName(u"expectedVariablesDialog"_s);
    setWindowTitle(tr("Set Expected Variables"));
    for (const ExpectedVariable& variable : variables) {
        // Never a name the sandbox sets itself: saving it would fail for every row.
        if (ProjectEnvironment::nameProblem(variable.name).isEmpty())
            m_rows.append({variable});
    }

    m_error = errorLabel(u"expectedVariablesError"_s);
    m_buttons = new QDialogButtonBox;
    m_save = m_buttons->addButton(tr("&Save"), QDialogButtonBox::AcceptRole);
    m_save->setObjectName(u"expectedVariablesSave"_s);
    m_save->setDefault(true);
    m_skip = m_buttons->addButton(tr("S&kip"), QDialogButtonBox::RejectRole);
    m_skip->setObjectName(u"expectedVariablesSkip"_s);
    m_skip->setToolTip(tr("Close without setting anything (Esc); Project > Set Expected Variables… "
                          "opens this again"));
    // Save closes the form only once the environment is kept.
    connect(m_save, &QPushButton::clicked, this, &ExpectedVariablesDialog::save);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &ExpectedVariablesDialog::reject);

    auto* layout = new QVBoxLayout(this);
    layout->addWidget(createIntro(neededName));
    layout->addWidget(createRows(neededName), 1);
    layout->addWidget(m_error);
    layout->addWidget(m_buttons);
    setMinimumWidth(680);
    // Measured at that width: left to itself, Qt wraps the notes at a narrower one and the form
    // keeps the taller height as a gap above the buttons.
    resize(minimumWidth(), layout->totalHeightForWidth(minimumWidth()));
    setUpTabOrder();
    updateState();

    // The cursor starts where the answer is needed most: the dead server's variable, else the first.
    const Row* first = rowOf(neededName);
    if (!first && !m_rows.isEmpty())
        first = &m_rows.constFirst();
    if (first)
        first->value->setFocus(Qt::OtherFocusReason);
}

ExpectedVariablesDialog::~ExpectedVariablesDialog() = default;

QWidget* ExpectedVariablesDialog::createIntro(const QString& neededName)
{
    auto* intro = new QWidget;
    auto* layout = new QVBoxLayout(intro);
    layout->setContentsMargins(0, 0, 0, 0);
    const QString project = m_projects.displayName(m_projectId);
    auto* heading = new QLabel;
    heading->setObjectName(u"expectedVariablesHeading"_s);
    heading->setWordWrap(true);
    QString note;
    if (!neededName.isEmpty()) {
        heading->setText(u"<b>%1</b>"_s.arg(tr("The dev server of %1 stopped because %2 is not set.")
                                                .arg(project, neededName)
                                                .toHtmlEscaped()));
        note = tr("Set it, and any of the others you have, and the project runs again.");
    } else {
        heading->setText(u"<b>%1</b>"_s.arg(tr("%1 expects these variables.").arg(project).toHtmlEscaped()));
        note = tr("Fill in the ones you have; a live preview restarts with them.");
    }
    layout->addWidget(heading);
    layout->addWidget(noteLabel(note + u' ' +
                                tr("Empty rows are left out. Secrets are kept in the system keychain, "
                                   "masked in the build log and never shown again.")));
    return intro;
}

QWidget* ExpectedVariablesDialog::createRows(const QString& neededName)
{
    auto* rows = new QWidget;
    auto* grid = new QGridLayout(rows);
    grid->setContentsMargins(0, 6, 0, 6);
    grid->setHorizontalSpacing(12);
    grid->setVerticalSpacing(2);
    grid->setColumnStretch(1, 1);
    for (int line = 0; line < m_rows.size(); ++line)
        addRow(*grid, line, m_rows[line].variable.name == neededName);
    grid->setRowStretch(grid->rowCount(), 1);

    // Many expected variables scroll; a few take the room they need.
    auto* scroll = new QScrollArea;
    scroll->setObjectName(u"expectedVariablesRows"_s);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setWidget(rows);
    return scroll;
}

void ExpectedVariablesDialog::addRow(QGridLayout& grid, int line, bool needed)
{
    Row& row = m_rows[line];
    const ExpectedVariable& variable = row.variable;

    QLabel* name = plainLabel(variable.name);
    QFont font = QFontDatabase::systemFont(QFontDatabase::FixedFont);
    font.setBold(true);
    name->setFont(font);
    // Under the name and the value, the width of the row: hints quote URLs and long sentences.
    row.detail = noteLabel(whereSeen(variable));
    row.detail->setTextFormat(Qt::PlainText);
    row.detail->setTextInteractionFlags(Qt::TextSelectableByMouse);

    const bool secret = ProjectEnvironment::looksSecret(variable.name);
    row.value = new QLineEdit;
    row.value->setObjectName(u"value_"_s + variable.name);
    row.value->setMinimumWidth(240);
    row.value->setAccessibleName(tr("Value of %1").arg(variable.name));
    row.value->setAccessibleDescription(row.detail->text());
    row.value->setPlaceholderText(needed ? tr("Needed to start") : tr("Not set"));
    row.value->setEchoMode(secret ? QLineEdit::Password : QLineEdit::Normal);
    row.secret = new QCheckBox(tr("Secret"));
    row.secret->setObjectName(u"secret_"_s + variable.name);
    row.secret->setAccessibleName(tr("%1 is a secret").arg(variable.name));
    row.secret->setToolTip(tr("Kept in the system keychain, typed masked, masked in the build log and "
                              "never shown again"));
    row.secret->setChecked(secret);
    QLineEdit* value = row.value;
    connect(row.secret, &QCheckBox::toggled, value,
            [value](bool on) { value->setEchoMode(on ? QLineEdit::Password : QLineEdit::Normal); });
    connect(row.value, &QLineEdit::textChanged, this, &ExpectedVariablesDialog::updateState);

    // Three grid rows a variable: name, value and tick; the detail; a gap before the next one.
    const int top = line * 3;
    grid.addWidget(name, top, 0);
    grid.addWidget(row.value, top, 1);
    grid.addWidget(row.secret, top, 2);
    grid.addWidget(row.detail, top + 1, 0, 1, 3);
    if (line + 1 < m_rows.size())
        grid.setRowMinimumHeight(top + 2, 10);
}

void ExpectedVariablesDialog::setUpTabOrder()
{
    // Value, then its Secret tick, row by row, then Save and Skip.
    QWidget* previous = nullptr;
    const auto next = [&previous](QWidget* widget) {
        if (previous)
            setTabOrder(previous, widget);
        previous = widget;
    };
    for (const Row& row : std::as_const(m_rows)) {
        next(row.value);
        next(row.secret);
    }
    next(m_save);
    next(m_skip);
}

QStringList ExpectedVariablesDialog::names() const
{
    QStringList names;
    for (const Row& row : m_rows)
        names << row.variable.name;
    return names;
}

const ExpectedVariablesDialog::Row* ExpectedVariablesDialog::rowOf(const QString& name) const
{
    for (const Row& row : m_rows) {
        if (row.variable.name == name)
            return &row;
    }
    return nullptr;
}

QLineEdit* ExpectedVariablesDialog::valueField(const QString& name) const
{
    const Row* row = rowOf(name);
    return row ? row->value : nullptr;
}

QCheckBox* ExpectedVariablesDialog::secretBox(const QString& name) const
{
    const Row* row = rowOf(name);
    return row ? row->secret : nullptr;
}

QString ExpectedVariablesDialog::detailText(const QString& name) const
{
    const Row* row = rowOf(name);
    return row ? row->detail->text() : QString();
}

QString ExpectedVariablesDialog::errorText() const
{
    return m_error->isHidden() ? QString() : m_error->text();
}

void ExpectedVariablesDialog::save()
{
    const ProjectSession* session = m_projects.session(m_projectId);
    if (m_saving || !m_save->isEnabled())
        return;
    if (!session) {
        m_error->setText(tr("The project is no longer in the list."));
        m_error->show();
        return;
    }
    // The project's own variables stay; a filled-in row is added (or replaces one set meanwhile).
    ProjectEnvironment environment = session->project().environment;
    QMap<QString, QString> secretValues;
    for (const Row& row : std::as_const(m_rows)) {
        const QString value = row.value->text();
        if (value.isEmpty())
            continue;
        const bool secret = row.secret->isChecked();
        environment.set({row.variable.name, secret ? QString() : value, secret, stepsFor(row.variable.name)});
        if (secret)
            secretValues.insert(row.variable.name, value);
    }
    m_saving = true;
    m_error->hide();
    updateState();
    QCoro::connect(m_projects.setEnvironment(m_projectId, environment, secretValues), this,
                   [this](const QString& error) { finishSave(error); });
}

void ExpectedVariablesDialog::finishSave(const QString& error)
{
    m_saving = false;
    if (error.isEmpty()) {
        accept();
        return;
    }
    // Everything typed stays, so the user can fix the cause (unlock the keychain) and save again.
    m_error->setText(error);
    m_error->show();
    updateState();
}

void ExpectedVariablesDialog::reject()
{
    if (!m_saving)
        QDialog::reject();
}

void ExpectedVariablesDialog::updateState()
{
    bool filled = false;
    for (const Row& row : std::as_const(m_rows)) {
        filled = filled || !row.value->text().isEmpty();
        row.value->setReadOnly(m_saving); // read-only, not disabled: the focus stays where it was
        row.secret->setEnabled(!m_saving);
    }
    m_save->setEnabled(filled && !m_saving);
    m_save->setText(m_saving ? tr("Saving…") : tr("&Save"));
    m_skip->setEnabled(!m_saving);
}

} // namespace forge::ui
