#include "WorkflowTypes.h"

#include <QUuid>

using namespace Qt::StringLiterals;

namespace forge {

namespace {

struct StepNames
{
    StepId step;
    QLatin1StringView name;
    QLatin1StringView title;
};

constexpr std::array<StepNames, 7> Names{{
    {StepId::CreateSandbox, "create-sandbox"_L1, "Create sandbox"_L1},
    {StepId::CloneRepository, "clone-repository"_L1, "Clone repository"_L1},
    {StepId::DetectFramework, "detect-framework"_L1, "Detect framework"_L1},
    {StepId::InstallDependencies, "install-dependencies"_L1, "Install dependencies"_L1},
    {StepId::BuildProject, "build-project"_L1, "Build project"_L1},
    {StepId::StartDevServer, "start-dev-server"_L1, "Start dev server"_L1},
    {StepId::PublishPreview, "publish-preview"_L1, "Publish preview"_L1},
}};

// Fixed namespace for project ids derived from a repository (a random UUID chosen once).
const QUuid ProjectNamespace{u"6f1d2c7e-3b8a-4f5e-9c2d-8a7b6e5d4c3b"_s};

} // namespace

QString stepName(StepId step)
{
    return Names[static_cast<size_t>(step)].name;
}

std::optional<StepId> stepFromName(const QString& name)
{
    for (const auto& entry : Names) {
        if (name == entry.name)
            return entry.step;
    }
    return std::nullopt;
}

QString stepTitle(StepId step)
{
    return Names[static_cast<size_t>(step)].title;
}

QString toString(StepStatus status)
{
    switch (status) {
    case StepStatus::Pending:
        return u"pending"_s;
    case StepStatus::Running:
        return u"running"_s;
    case StepStatus::Succeeded:
        return u"succeeded"_s;
    case StepStatus::Failed:
        return u"failed"_s;
    case StepStatus::Skipped:
        return u"skipped"_s;
    }
    return {};
}

std::optional<StepStatus> stepStatusFromString(const QString& text)
{
    for (StepStatus status : {StepStatus::Pending, StepStatus::Running, StepStatus::Succeeded,
                              StepStatus::Failed, StepStatus::Skipped}) {
        if (toString(status) == text)
            return status;
    }
    return std::nullopt;
}

QString PreviewRequest::projectIdFor(const RepoRef& repository, const QString& branch)
{
    // address(): a pull request is a project of its own; for a repository it is canonical(), so the
    // ids of projects made before pull requests existed stay the same.
    const QString identity = repository.address() + u'#' + branch;
    return QUuid::createUuidV5(ProjectNamespace, identity).toString(QUuid::WithoutBraces);
}

QString PreviewRequest::sandboxName() const
{
    return u"forge-%1-%2"_s.arg(projectId).arg(generation);
}

} // namespace forge
