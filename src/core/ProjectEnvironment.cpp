#include "core/ProjectEnvironment.h"

#include <QJsonObject>
#include <QRegularExpression>

using namespace Qt::StringLiterals;

namespace forge {

namespace {

constexpr int MaxNameLength = 255;

// What the sandbox or the run plan sets itself: a project variable of that name would break the
// run (PATH, HOME) or be overridden by the port chosen at start time (PORT).
const QStringList& reservedNames()
{
    static const QStringList names{u"PATH"_s, u"HOME"_s, u"PWD"_s, u"TMPDIR"_s, u"PORT"_s};
    return names;
}

QJsonArray stepsToJson(EnvironmentSteps steps)
{
    QJsonArray array;
    for (const EnvironmentStep step :
         {EnvironmentStep::Install, EnvironmentStep::Build, EnvironmentStep::Run}) {
        if (steps.testFlag(step))
            array.append(toString(step));
    }
    return array;
}

std::optional<EnvironmentSteps> stepsFromJson(const QJsonValue& value)
{
    if (value.isUndefined())
        return EnvironmentSteps(EnvironmentStep::Run);
    EnvironmentSteps steps;
    for (const QJsonValue& item : value.toArray()) {
        const QString text = item.toString();
        if (text == u"install"_s)
            steps |= EnvironmentStep::Install;
        else if (text == u"build"_s)
            steps |= EnvironmentStep::Build;
        else if (text == u"run"_s)
            steps |= EnvironmentStep::Run;
        else
            return std::nullopt;
    }
    return steps;
}

} // namespace

QString toString(EnvironmentStep step)
{
    switch (step) {
    case EnvironmentStep::Install:
        return u"install"_s;
    case EnvironmentStep::Build:
        return u"build"_s;
    case EnvironmentStep::Run:
        return u"run"_s;
    }
    return {};
}

const EnvironmentVariable* ProjectEnvironment::find(const QString& name) const
{
    for (const EnvironmentVariable& variable : variables) {
        if (variable.name == name)
            return &variable;
    }
    return nullptr;
}

QStringList ProjectEnvironment::names() const
{
    QStringList result;
    for (const EnvironmentVariable& variable : variables)
        result << variable.name;
    return result;
}

QStringList ProjectEnvironment::secretNames() const
{
    QStringList result;
    for (const EnvironmentVariable& variable : variables) {
        if (variable.secret)
            result << variable.name;
    }
    return result;
}

QMap<QString, QString> ProjectEnvironment::forStep(EnvironmentStep step) const
{
    QMap<QString, QString> result;
    for (const EnvironmentVariable& variable : variables) {
        if (variable.steps.testFlag(step))
            result.insert(variable.name, variable.value);
    }
    return result;
}

void ProjectEnvironment::set(const EnvironmentVariable& variable)
{
    for (EnvironmentVariable& existing : variables) {
        if (existing.name == variable.name) {
            existing = variable;
            return;
        }
    }
    variables.append(variable);
}

bool ProjectEnvironment::remove(const QString& name)
{
    return variables.removeIf(
               [&name](const EnvironmentVariable& variable) { return variable.name == name; }) > 0;
}

QJsonArray ProjectEnvironment::toJson() const
{
    QJsonArray array;
    for (const EnvironmentVariable& variable : variables) {
        QJsonObject object{{u"name"_s, variable.name}, {u"steps"_s, stepsToJson(variable.steps)}};
        if (variable.secret)
            object.insert(u"secret"_s, true);
        else
            object.insert(u"value"_s, variable.value);
        array.append(object);
    }
    return array;
}

std::optional<ProjectEnvironment> ProjectEnvironment::fromJson(const QJsonArray& array, QString* error)
{
    ProjectEnvironment environment;
    for (const QJsonValue& item : array) {
        const QJsonObject object = item.toObject();
        EnvironmentVariable variable;
        variable.name = object.value(u"name"_s).toString();
        variable.secret = object.value(u"secret"_s).toBool(false);
        variable.value = variable.secret ? QString() : object.value(u"value"_s).toString();
        const std::optional<EnvironmentSteps> steps = stepsFromJson(object.value(u"steps"_s));
        QString problem =
            isValidName(variable.name) ? QString() : u"“%1” is not a variable name"_s.arg(variable.name);
        if (problem.isEmpty() && !steps)
            problem = u"the steps of %1 are not install, build or run"_s.arg(variable.name);
        if (problem.isEmpty() && environment.find(variable.name))
            problem = u"%1 is there twice"_s.arg(variable.name);
        if (!problem.isEmpty()) {
            if (error)
                *error = problem;
            return std::nullopt;
        }
        variable.steps = *steps;
        environment.variables.append(variable);
    }
    return environment;
}

bool ProjectEnvironment::isValidName(const QString& name)
{
    static const QRegularExpression identifier(u"^[A-Za-z_][A-Za-z0-9_]*$"_s);
    return name.size() <= MaxNameLength && identifier.match(name).hasMatch();
}

QString ProjectEnvironment::nameProblem(const QString& name)
{
    if (name.isEmpty())
        return u"A variable needs a name."_s;
    if (!isValidName(name)) {
        return u"“%1” is not a variable name: use letters, digits and _, not starting with a digit."_s.arg(
            name.left(MaxNameLength));
    }
    if (reservedNames().contains(name))
        return u"%1 is set by the sandbox itself and cannot be a project variable."_s.arg(name);
    if (name.startsWith(u"FORGE_"_s))
        return u"Names starting with FORGE_ are kept for Forge Preview itself."_s;
    return {};
}

bool ProjectEnvironment::looksSecret(const QString& name)
{
    // As a word or run together with others: "API_KEY", "APIKEY", "DB_PASSWORD1".
    static const QRegularExpression credential(u"KEY|TOKEN|SECRET|PASSWORD|PASSWD|PRIVATE|CREDENTIAL"_s,
                                               QRegularExpression::CaseInsensitiveOption);
    return credential.match(name).hasMatch();
}

} // namespace forge
