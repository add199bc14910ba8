#pragma once

#include "core/ProjectEnvironment.h"
#include "core/RunPlan.h"

#include <QDateTime>
#include <QJsonObject>
#include <QString>
#include <optional>

namespace forge {

// What a project is doing: kept with it (ProjectState) so a preview live when the app closed comes
// back at the next start, and shown in the list.
enum class ProjectStatus { Stopped, Queued, Building, Live, Failed };
// "stopped", "queued", "building", "live", "failed": as stored.
QString toString(ProjectStatus status);
std::optional<ProjectStatus> projectStatusFromString(const QString& text);

// Where a project's sandboxes run: on this computer, or in Daytona's cloud.
enum class Backend { Local, Daytona };
// "local", "daytona": as stored, and as the command line's --provider says it.
QString toString(Backend backend);
std::optional<Backend> backendFromString(const QString& text);

// A repository the user added to the app, with the choices made for it. What it is doing right now
// (building, live…) is not part of it; see ProjectSession.
// What of a local folder a project previews (Project::source).
enum class ProjectSource { WorkingCopy, Branch };
QString toString(ProjectSource source);
std::optional<ProjectSource> projectSourceFromString(const QString& text);

struct Project
{
    QString id;         // stable UUID (PreviewRequest::projectIdFor); labels the sandbox
    QString repository; // what the user entered, re-validated with RepoRef::parse before each run
    QString branch;     // empty: the repository's default branch
    RunMode mode = RunMode::Dev;
    Backend backend = Backend::Local;
    std::optional<RunPlan> plan; // a plan the user edited and kept; skips detection when set
    QDateTime added;
    // Keep the sandbox awake while the app shows this project (refresh its activity), or let the back
    // end stop it when idle and show "Sleeping - Wake" (SandboxManager::setKeepAwake).
    bool keepAwake = true;
    // The user chose to run this project's code as plain processes on this computer, without the
    // local back end's isolation (Project > Run Without Isolation…, after a confirmation). Off by
    // default: without working isolation a run fails instead (issue 16, "fail closed"). Daytona
    // sandboxes are isolated by Daytona whatever this says.
    bool runWithoutIsolation = false;
    // The variables the project's commands get (issue 20); a secret's value is in the keychain.
    ProjectEnvironment environment;
    // For a local folder (issue 22): preview its working copy as it is on disk now, kept in sync
    // while the preview is live (uncommitted edits included; ignored files, node_modules and .git
    // stay home), or its branch's committed state, cloned once. Ignored for remote repositories.
    ProjectSource source = ProjectSource::WorkingCopy;

    QJsonObject toJson() const;
    // nullopt (with `error`) for an entry that is not a valid project; the caller keeps the rest.
    static std::optional<Project> fromJson(const QJsonObject& object, QString* error = nullptr);
};

} // namespace forge
