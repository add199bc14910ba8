#pragma once

#include "core/ProjectEnvironment.h"
#include "core/RepoRef.h"
#include "core/RunPlan.h"

#include <QJsonObject>
#include <QString>
#include <QUrl>
#include <array>
#include <chrono>
#include <optional>

namespace forge {

// The seven steps of a preview run, in the order they run (what each does: PreviewWorkflow.h).
enum class StepId {
    CreateSandbox,
    CloneRepository,
    DetectFramework,
    InstallDependencies,
    BuildProject,
    StartDevServer,
    PublishPreview,
};

inline constexpr std::array<StepId, 7> AllSteps{
    StepId::CreateSandbox, StepId::CloneRepository, StepId::DetectFramework, StepId::InstallDependencies,
    StepId::BuildProject,  StepId::StartDevServer,  StepId::PublishPreview,
};

enum class StepStatus { Pending, Running, Succeeded, Failed, Skipped };

// Stable machine names ("create-sandbox"), used in the journal and in JSON output.
QString stepName(StepId step);
std::optional<StepId> stepFromName(const QString& name);
// Words for people ("Create sandbox").
QString stepTitle(StepId step);
QString toString(StepStatus status);
std::optional<StepStatus> stepStatusFromString(const QString& text);

// What the user asked to preview.
struct PreviewRequest
{
    RepoRef repository;
    QString branch; // empty = the repository's default branch
    RunMode mode = RunMode::Dev;
    QString projectId;           // stable UUID; labels the sandbox (forge.project=<id>)
    int generation = 1;          // bumped when a sandbox is recreated from scratch
    std::optional<RunPlan> plan; // a saved, user-edited plan; skips detection when set
    QString authToken;           // for the repository host only; never logged
    // A local folder's working copy instead of its committed state (issue 22, Project::source):
    // the clone step copies the files as they are on disk now, and the session keeps them in sync.
    bool workingCopy = false;
    // The project's variables with every secret's value read from the keychain (never logged; the
    // workflow redacts each secret from every line).
    ProjectEnvironment environment;
    // Restore node_modules from the install cache when the lockfile, package manager and Node.js
    // are unchanged, instead of installing (SandboxProvider::restoreDependencies).
    bool useInstallCache = true;
    // What the user asked for instead of what the repository states (forge-preview-cli's --node and
    // --package-manager): a Node.js version or range, and the package manager as name@version (the
    // name must be the project's own package manager; the version may be a range).
    QString nodeVersion;
    QString packageManager;
    QString toolchainOverrideSource = QStringLiteral("the command line");
    std::chrono::milliseconds installTimeout = std::chrono::minutes(20);
    std::chrono::milliseconds buildTimeout = std::chrono::minutes(20);
    std::chrono::milliseconds readyTimeout = std::chrono::minutes(3);

    // A project id derived from what is previewed, so the same repository and branch map to the
    // same sandbox across runs of the command-line program.
    static QString projectIdFor(const RepoRef& repository, const QString& branch);
    // The deterministic sandbox name: forge-<project>-<generation>.
    QString sandboxName() const;
};

} // namespace forge

#include "core/Failure.h"

namespace forge {

// A Failure together with the step it happened in.
class StepFailure final : public Failure
{
public:
    StepFailure(StepId step, const Failure& failure)
        : Failure(failure)
        , m_step(step)
    {}
    StepId step() const { return m_step; }

private:
    StepId m_step;
};

} // namespace forge
