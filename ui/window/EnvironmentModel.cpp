#include "EnvironmentModel.h"

#include "ui/common/Icons.h"
#include "ui/common/Theme.h"

#include <QFont>
#include <algorithm>

using namespace Qt::StringLiterals;

namespace forge::ui {

namespace {

// The same width whatever the value, so the mask does not tell a secret's length.
const QString Mask = u"••••••••"_s;

} // namespace

EnvironmentModel::EnvironmentModel(QObject* parent)
    : QAbstractTableModel(parent)
{}

void EnvironmentModel::load(const ProjectEnvironment& environment)
{
    beginResetModel();
    m_base = environment;
    m_rows.clear();
    for (const EnvironmentVariable& variable : environment.variables) {
        Row row{variable, variable.secret ? variable.name : QString()};
        row.variable.value = variable.secret ? QString() : variable.value;
        m_rows.append(row);
    }
    endResetModel();
}

ProjectEnvironment EnvironmentModel::environment() const
{
    ProjectEnvironment environment;
    for (const Row& row : m_rows) {
        EnvironmentVariable variable = row.variable;
        if (variable.secret)
            variable.value.clear();
        environment.variables.append(variable);
    }
    return environment;
}

QMap<QString, QString> EnvironmentModel::secretValues() const
{
    QMap<QString, QString> values;
    for (const Row& row : m_rows) {
        if (row.variable.secret && !row.variable.value.isEmpty())
            values.insert(row.variable.name, row.variable.value);
    }
    return values;
}

bool EnvironmentModel::isModified() const
{
    return environment() != m_base || !secretValues().isEmpty();
}

void EnvironmentModel::setLocked(bool locked)
{
    if (m_locked == locked)
        return;
    m_locked = locked;
    if (!m_rows.isEmpty())
        Q_EMIT dataChanged(index(0, 0), index(rowCount() - 1, ColumnCount - 1));
}

int EnvironmentModel::addVariable()
{
    const int row = int(m_rows.size());
    beginInsertRows({}, row, row);
    m_rows.append(Row{});
    endInsertRows();
    return row;
}

void EnvironmentModel::removeVariables(QList<int> rows)
{
    // From the bottom up, so the rows still to remove keep their numbers.
    std::sort(rows.begin(), rows.end(), std::greater<>());
    rows.erase(std::unique(rows.begin(), rows.end()), rows.end());
    for (int row : rows) {
        if (row < 0 || row >= m_rows.size())
            continue;
        beginRemoveRows({}, row, row);
        m_rows.removeAt(row);
        endRemoveRows();
    }
    // A duplicate name may have gone with them.
    if (!m_rows.isEmpty())
        Q_EMIT dataChanged(index(0, 0), index(rowCount() - 1, ColumnCount - 1));
}

void EnvironmentModel::merge(const ProjectEnvironment& imported)
{
    beginResetModel();
    for (const EnvironmentVariable& variable : imported.variables) {
        const auto same = std::find_if(m_rows.begin(), m_rows.end(),
                                       [&](const Row& row) { return row.variable.name == variable.name; });
        if (same == m_rows.end()) {
            m_rows.append(Row{variable, {}});
            continue;
        }
        same->variable.value = variable.value;
        same->variable.secret = same->variable.secret || variable.secret;
        same->revealed = false;
    }
    endResetModel();
}

QString EnvironmentModel::rowProblem(int row) const
{
    const EnvironmentVariable& variable = m_rows.at(row).variable;
    if (const QString problem = ProjectEnvironment::nameProblem(variable.name); !problem.isEmpty())
        return tr("%1 Type another name, or remove the row (Delete).").arg(problem);
    for (int earlier = 0; earlier < row; ++earlier) {
        if (m_rows.at(earlier).variable.name == variable.name)
            return tr("%1 is already on row %2. Rename one of them, or remove a row (Delete).")
                .arg(variable.name)
                .arg(earlier + 1);
    }
    if (variable.secret && variable.value.isEmpty() && !isKept(m_rows.at(row)))
        return tr("The secret %1 has no value. Type its value, or untick Secret.").arg(variable.name);
    return {};
}

QString EnvironmentModel::problem() const
{
    for (int row = 0; row < m_rows.size(); ++row) {
        if (const QString problem = rowProblem(row); !problem.isEmpty())
            return tr("Row %1: %2").arg(row + 1).arg(problem);
    }
    return {};
}

bool EnvironmentModel::canReveal(int row) const
{
    if (row < 0 || row >= m_rows.size())
        return false;
    const EnvironmentVariable& variable = m_rows.at(row).variable;
    return variable.secret && !variable.value.isEmpty();
}

bool EnvironmentModel::isRevealed(int row) const
{
    return canReveal(row) && m_rows.at(row).revealed;
}

void EnvironmentModel::setRevealed(int row, bool revealed)
{
    if (!canReveal(row) || m_rows.at(row).revealed == revealed)
        return;
    m_rows[row].revealed = revealed;
    rowChanged(row);
}

int EnvironmentModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int EnvironmentModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

EnvironmentStep EnvironmentModel::stepOf(int column)
{
    switch (column) {
    case InstallColumn:
        return EnvironmentStep::Install;
    case BuildColumn:
        return EnvironmentStep::Build;
    default:
        return EnvironmentStep::Run;
    }
}

bool EnvironmentModel::isKept(const Row& row) const
{
    return row.variable.secret && !row.keptName.isEmpty() && row.keptName == row.variable.name;
}

QVariant EnvironmentModel::data(const QModelIndex& index, int role) const
{
    if (!index.isValid() || index.row() >= m_rows.size())
        return {};
    const Row& row = m_rows.at(index.row());
    switch (index.column()) {
    case NameColumn:
        return nameData(index.row(), role);
    case ValueColumn:
        return valueData(row, role);
    case SecretColumn:
        if (role == Qt::CheckStateRole)
            return row.variable.secret ? Qt::Checked : Qt::Unchecked;
        if (role == Qt::AccessibleTextRole)
            return row.variable.secret ? tr("secret") : tr("not secret");
        return {};
    default:
        if (role == Qt::CheckStateRole)
            return row.variable.steps.testFlag(stepOf(index.column())) ? Qt::Checked : Qt::Unchecked;
        return {};
    }
}

QVariant EnvironmentModel::nameData(int row, int role) const
{
    const QString& name = m_rows.at(row).variable.name;
    switch (role) {
    case Qt::DisplayRole:
    case Qt::EditRole:
        return name;
    case Qt::DecorationRole:
        return rowProblem(row).isEmpty() ? QVariant() : QVariant(icon(u"warning"_s, Theme::failureColor()));
    case Qt::ToolTipRole:
    case Qt::AccessibleDescriptionRole:
        return rowProblem(row);
    case Qt::AccessibleTextRole:
        return name.isEmpty() ? tr("no name") : name;
    default:
        return {};
    }
}

QVariant EnvironmentModel::valueData(const Row& row, int role) const
{
    const EnvironmentVariable& variable = row.variable;
    const bool masked = variable.secret && !row.revealed;
    const bool kept = isKept(row) && variable.value.isEmpty();
    switch (role) {
    case Qt::DisplayRole:
        if (kept)
            return tr("kept in the keychain");
        return masked && !variable.value.isEmpty() ? Mask : variable.value;
    case Qt::EditRole:
        return variable.value;
    case MaskedRole:
        return masked;
    case Qt::FontRole:
        if (kept) {
            QFont italic;
            italic.setItalic(true);
            return italic;
        }
        return {};
    case Qt::ForegroundRole:
        return kept ? QVariant(Theme::mutedTextColor()) : QVariant();
    case Qt::AccessibleTextRole:
        if (kept)
            return tr("secret value kept in the keychain");
        return masked ? tr("hidden secret value") : variable.value;
    case Qt::ToolTipRole:
        if (kept)
            return tr("Kept in the system keychain and never shown here. Type a new value to replace it.");
        if (masked)
            return tr("A new value, saved to the keychain on Save. Show reveals it while you edit.");
        return {};
    default:
        return {};
    }
}

bool EnvironmentModel::setData(const QModelIndex& index, const QVariant& value, int role)
{
    if (!index.isValid() || index.row() >= m_rows.size())
        return false;
    Row& row = m_rows[index.row()];
    const int column = index.column();
    if (column == NameColumn && role == Qt::EditRole) {
        row.variable.name = value.toString().trimmed();
        // As an import does: a new variable named like a credential starts as a secret, before
        // its value is typed in plain sight.
        if (row.keptName.isEmpty() && row.variable.value.isEmpty() && !row.variable.secret)
            row.variable.secret = ProjectEnvironment::looksSecret(row.variable.name);
        // A renamed variable can end or start a duplicate on another row.
        Q_EMIT dataChanged(this->index(0, 0), this->index(rowCount() - 1, ColumnCount - 1));
        return true;
    }
    if (column == ValueColumn && role == Qt::EditRole) {
        row.variable.value = value.toString();
        rowChanged(index.row());
        return true;
    }
    if (role != Qt::CheckStateRole || column < SecretColumn)
        return false;
    const bool checked = value.value<Qt::CheckState>() == Qt::Checked;
    if (column == SecretColumn)
        setSecret(row, checked);
    else
        row.variable.steps.setFlag(stepOf(column), checked);
    rowChanged(index.row());
    return true;
}

void EnvironmentModel::setSecret(Row& row, bool secret)
{
    // A value typed here stays with the row either way; a kept value is not read, so a secret made
    // plain starts empty.
    row.variable.secret = secret;
    row.revealed = false;
}

void EnvironmentModel::rowChanged(int row)
{
    Q_EMIT dataChanged(index(row, 0), index(row, ColumnCount - 1));
}

Qt::ItemFlags EnvironmentModel::flags(const QModelIndex& index) const
{
    if (!index.isValid())
        return Qt::NoItemFlags;
    const Qt::ItemFlags base = Qt::ItemIsEnabled | Qt::ItemIsSelectable;
    if (m_locked)
        return base;
    return index.column() <= ValueColumn ? base | Qt::ItemIsEditable : base | Qt::ItemIsUserCheckable;
}

QVariant EnvironmentModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal)
        return QAbstractTableModel::headerData(section, orientation, role);
    if (role == Qt::DisplayRole) {
        switch (section) {
        case NameColumn:
            return tr("Name");
        case ValueColumn:
            return tr("Value");
        case SecretColumn:
            return tr("Secret");
        case InstallColumn:
            return tr("Install");
        case BuildColumn:
            return tr("Build");
        case RunColumn:
            return tr("Dev/Start");
        }
    }
    if (role == Qt::ToolTipRole) {
        switch (section) {
        case SecretColumn:
            return tr("Kept in the system keychain, masked in the build log, never stored with the project");
        case InstallColumn:
            return tr("The install command gets this variable");
        case BuildColumn:
            return tr("The build command gets this variable");
        case RunColumn:
            return tr("The dev server (or the start command in production) gets this variable");
        }
    }
    return {};
}

} // namespace forge::ui
