#include "PreviewPresenter.h"

#include "app/ProjectRegistry.h"
#include "ui/preview/PreviewOrigin.h"
#include "ui/preview/PreviewPane.h"

#include <QCoreApplication>

namespace forge::ui {

namespace {

QString tr(const char* text)
{
    return QCoreApplication::translate("MainWindow", text);
}

void presentLive(PreviewPane& pane, const ProjectRegistry& registry, const QString& id)
{
    const ProjectSession& session = *registry.session(id);
    if (session.isRestoring())
        return pane.showRestoring(id);
    if (registry.isSleeping(id))
        return pane.showSleeping(id);
    if (registry.hasGivenUp(id))
        return pane.showRestoreFailed(id, registry.restoreFailure(id));
    // A page kept under an overlay from an earlier run of the project does not count as shown.
    const bool alreadyShown = pane.projectId() == id && pane.page() &&
                              pane.overlay() == PreviewPane::Overlay::None &&
                              pane.origin() == previeworigin::originOf(session.previewUrl());
    if (alreadyShown)
        return;
    // A private Daytona preview's token goes with every request to that origin, and only there.
    const PreviewEndpoint& endpoint = session.previewEndpoint();
    PreviewPane::HeaderList headers;
    for (auto header = endpoint.headers.cbegin(); header != endpoint.headers.cend(); ++header)
        headers.append({header.key(), header.value()});
    pane.showPreview(id, endpoint.url, headers);
}

} // namespace

void presentProject(PreviewPane& pane, const ProjectRegistry& registry, const QString& projectId)
{
    const ProjectSession* session = registry.session(projectId);
    if (!session)
        return pane.showPlaceholder();
    switch (session->status()) {
    case ProjectStatus::Live:
        return presentLive(pane, registry, projectId);
    case ProjectStatus::Queued:
        return pane.showBuilding(projectId, tr("Waiting to start…"));
    case ProjectStatus::Building: {
        const auto step = session->currentStep();
        return pane.showBuilding(projectId, step ? tr("%1…").arg(stepTitle(*step)) : tr("Starting…"));
    }
    case ProjectStatus::Failed: {
        const auto failure = session->failure();
        return pane.showUnavailable(
            projectId, failure ? tr("%1 failed: %2").arg(stepTitle(failure->step()), failure->message())
                               : tr("The run failed."));
    }
    case ProjectStatus::Stopped:
        return pane.showUnavailable(projectId, tr("Stopped. Press Ctrl+Enter to run it."));
    }
}

} // namespace forge::ui
