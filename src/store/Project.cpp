#include "Project.h"

using namespace Qt::StringLiterals;

namespace forge {

QString toString(ProjectStatus status)
{
    switch (status) {
    case ProjectStatus::Stopped:
        return u"stopped"_s;
    case ProjectStatus::Queued:
        return u"queued"_s;
    case ProjectStatus::Building:
        return u"building"_s;
    case ProjectStatus::Live:
        return u"live"_s;
    case ProjectStatus::Failed:
        return u"failed"_s;
    }
    return u"stopped"_s;
}

std::optional<ProjectStatus> projectStatusFromString(const QString& text)
{
    for (const ProjectStatus status : {ProjectStatus::Stopped, ProjectStatus::Queued, ProjectStatus::Building,
                                       ProjectStatus::Live, ProjectStatus::Failed}) {
        if (toString(status) == text)
            return status;
    }
    return std::nullopt;
}

QString toString(Backend backend)
{
    return backend == Backend::Daytona ? u"daytona"_s : u"local"_s;
}

std::optional<Backend> backendFromString(const QString& text)
{
    for (const Backend backend : {Backend::Local, Backend::Daytona}) {
        if (toString(backend) == text)
            return backend;
    }
    return std::nullopt;
}

QString toString(ProjectSource source)
{
    return source == ProjectSource::WorkingCopy ? u"working-copy"_s : u"branch"_s;
}

std::optional<ProjectSource> projectSourceFromString(const QString& text)
{
    for (const ProjectSource source : {ProjectSource::WorkingCopy, ProjectSource::Branch}) {
        if (toString(source) == text)
            return source;
    }
    return std::nullopt;
}

QJsonObject Project::toJson() const
{
    QJsonObject object{
        {u"id"_s, id},
        {u"repository"_s, repository},
        {u"branch"_s, branch},
        {u"mode"_s, toString(mode)},
        {u"backend"_s, toString(backend)},
        {u"added"_s, added.toUTC().toString(Qt::ISODate)},
        {u"keepAwake"_s, keepAwake},
        {u"runWithoutIsolation"_s, runWithoutIsolation},
        {u"source"_s, toString(source)},
    };
    if (plan)
        object.insert(u"plan"_s, plan->toJson());
    if (!environment.isEmpty())
        object.insert(u"environment"_s, environment.toJson());
    return object;
}

std::optional<Project> Project::fromJson(const QJsonObject& object, QString* error)
{
    auto fail = [error](const QString& why) -> std::optional<Project> {
        if (error)
            *error = why;
        return std::nullopt;
    };
    Project project;
    project.id = object.value(u"id"_s).toString();
    project.repository = object.value(u"repository"_s).toString();
    if (project.id.isEmpty() || project.repository.isEmpty())
        return fail(u"an entry without an id or a repository"_s);
    project.branch = object.value(u"branch"_s).toString();
    const auto mode = runModeFromString(object.value(u"mode"_s).toString(u"dev"_s));
    if (!mode)
        return fail(u"%1 has an unknown mode"_s.arg(project.repository));
    project.mode = *mode;
    const auto backend = backendFromString(object.value(u"backend"_s).toString(u"local"_s));
    if (!backend)
        return fail(u"%1 runs on a back end this version does not have"_s.arg(project.repository));
    project.backend = *backend;
    project.added = QDateTime::fromString(object.value(u"added"_s).toString(), Qt::ISODate);
    project.keepAwake = object.value(u"keepAwake"_s).toBool(true);
    // Only an explicit true turns isolation off: an entry without it (or with anything else) runs isolated.
    project.runWithoutIsolation = object.value(u"runWithoutIsolation"_s).toBool(false);
    // An entry from before issue 22 previewed its branch, and keeps doing so; new folder projects
    // start on the working copy (Project's default).
    const auto source = projectSourceFromString(object.value(u"source"_s).toString(u"branch"_s));
    if (!source)
        return fail(u"%1 has an unknown source"_s.arg(project.repository));
    project.source = *source;
    QString environmentError;
    const auto environment =
        ProjectEnvironment::fromJson(object.value(u"environment"_s).toArray(), &environmentError);
    if (!environment)
        return fail(
            u"the saved environment of %1 is not valid: %2"_s.arg(project.repository, environmentError));
    project.environment = *environment;
    if (object.contains(u"plan"_s)) {
        QString planError;
        project.plan = RunPlan::fromJson(object.value(u"plan"_s).toObject(), &planError);
        if (!project.plan)
            return fail(u"the saved run plan of %1 is not valid: %2"_s.arg(project.repository, planError));
    }
    return project;
}

} // namespace forge
