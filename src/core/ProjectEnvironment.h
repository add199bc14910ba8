#pragma once

#include <QFlags>
#include <QJsonArray>
#include <QList>
#include <QMap>
#include <QString>
#include <QStringList>
#include <optional>

namespace forge {

// The steps of a run that a project variable reaches. Dev/start by default: most variables are
// read by the running app; the install and build see only what the user ticks.
enum class EnvironmentStep { Install = 0x1, Build = 0x2, Run = 0x4 };
Q_DECLARE_FLAGS(EnvironmentSteps, EnvironmentStep)

// One variable of a project's environment (issue 20). A secret's value lives only in the keychain
// (SecretKind::ProjectSecret, one entry per project and name): `value` is empty for a secret
// everywhere except in the resolved environment a run gets (ResolvedEnvironment in
// workflow/WorkflowTypes.h), and toJson() never writes it.
struct EnvironmentVariable
{
    QString name;
    QString value;
    bool secret = false;
    EnvironmentSteps steps = EnvironmentStep::Run;

    friend bool operator==(const EnvironmentVariable&, const EnvironmentVariable&) = default;
};

// A project's variables, in the order the user keeps them; names are unique.
struct ProjectEnvironment
{
    QList<EnvironmentVariable> variables;

    bool isEmpty() const { return variables.isEmpty(); }
    const EnvironmentVariable* find(const QString& name) const;
    QStringList names() const;
    QStringList secretNames() const;
    // The variables `step` gets, name to value (a secret's value as resolved, or empty).
    QMap<QString, QString> forStep(EnvironmentStep step) const;
    // Inserts or replaces by name.
    void set(const EnvironmentVariable& variable);
    bool remove(const QString& name);

    // Plain values and secret flags; a secret's value is never written.
    QJsonArray toJson() const;
    // nullopt with `error` for an array that is not an environment (a bad name, a duplicate).
    static std::optional<ProjectEnvironment> fromJson(const QJsonArray& array, QString* error = nullptr);

    // A POSIX-shell identifier: [A-Za-z_][A-Za-z0-9_]*, at most 255 characters.
    static bool isValidName(const QString& name);
    // Why `name` cannot be a project variable (invalid, or one the sandbox sets itself: PATH, HOME,
    // PORT, NODE_OPTIONS…); empty when it can.
    static QString nameProblem(const QString& name);
    // Whether a name reads like a credential (KEY, TOKEN, SECRET, PASSWORD, PRIVATE, as a word of
    // the name): an imported value of such a name becomes a secret by default.
    static bool looksSecret(const QString& name);

    friend bool operator==(const ProjectEnvironment&, const ProjectEnvironment&) = default;
};

QString toString(EnvironmentStep step); // "install", "build", "run"

// A project's environment with every secret's value read from the keychain, for one run; or, when a
// secret could not be read, `problem` says which and what to do, and the run must not start.
struct ResolvedEnvironment
{
    ProjectEnvironment environment;
    QString problem;
};

} // namespace forge

// Outside the namespace: declared inside it, they would hide Qt's global operator| for
// Qt::Modifier | Qt::Key in every file of namespace forge that includes this header.
Q_DECLARE_OPERATORS_FOR_FLAGS(forge::EnvironmentSteps)
