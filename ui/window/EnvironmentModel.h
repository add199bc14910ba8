#pragma once

#include "core/ProjectEnvironment.h"

#include <QAbstractTableModel>
#include <QList>
#include <QMap>
#include <QString>

namespace forge::ui {

// A project's environment as the Environment section edits it: one row per variable with its name,
// value, secret flag and the steps it reaches. A secret's kept value is never here (the keychain
// is not read to show it): a secret row holds only a value typed (or imported) in this editing
// session, which replaces the kept one on save. Rows may be invalid while being edited; problem()
// says which and what to do.
class EnvironmentModel final : public QAbstractTableModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(EnvironmentModel)
public:
    enum Column { NameColumn, ValueColumn, SecretColumn, InstallColumn, BuildColumn, RunColumn, ColumnCount };
    // True on a Value cell whose editor must not show what is typed (a secret not revealed).
    static constexpr int MaskedRole = Qt::UserRole + 1;

    explicit EnvironmentModel(QObject* parent = nullptr);

    // Starts editing `environment` afresh (as stored: secrets without values).
    void load(const ProjectEnvironment& environment);
    // The variables as edited, secrets without values (as ProjectRegistry::setEnvironment takes them).
    ProjectEnvironment environment() const;
    // The new value of each secret that got one here, by name.
    QMap<QString, QString> secretValues() const;
    bool isModified() const;
    // While locked (a save is under way) nothing can be edited.
    void setLocked(bool locked);

    // A new row with an empty name, reaching the dev server; returns its row.
    int addVariable();
    void removeVariables(QList<int> rows);
    // Takes the imported variables (secrets with their values): a name already here gets the new
    // value (and stays a secret if it was one), a new name is added at the end.
    void merge(const ProjectEnvironment& imported);

    // What is wrong with `row` and what to do; empty when it is fine.
    QString rowProblem(int row) const;
    // The first row's problem, prefixed with its number; empty when every row is fine.
    QString problem() const;

    // Show applies only to a value typed in this session, never to one kept in the keychain.
    bool canReveal(int row) const;
    bool isRevealed(int row) const;
    void setRevealed(int row, bool revealed);

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    bool setData(const QModelIndex& index, const QVariant& value, int role) override;
    Qt::ItemFlags flags(const QModelIndex& index) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

private:
    struct Row
    {
        EnvironmentVariable variable; // a secret's value: the new one typed here (empty: none)
        QString keptName;             // the name the keychain holds a value under (a stored secret)
        bool revealed = false;
    };

    static EnvironmentStep stepOf(int column);
    bool isKept(const Row& row) const;
    QVariant valueData(const Row& row, int role) const;
    QVariant nameData(int row, int role) const;
    void setSecret(Row& row, bool secret);
    // Emits dataChanged for the whole row (a change of one cell can change how the others show).
    void rowChanged(int row);

    QList<Row> m_rows;
    ProjectEnvironment m_base;
    bool m_locked = false;
};

} // namespace forge::ui
