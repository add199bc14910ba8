#pragma once

#include <QString>

namespace forge {
class ProjectRegistry;
} // namespace forge

namespace forge::ui {

class PreviewPane;

// Puts what a project is doing into the preview pane: its page when live (loaded only when the pane
// does not show that very page already, since a reload would lose its state), else what it waits
// for, why it stopped, or that its sandbox sleeps or could not be restored.
void presentProject(PreviewPane& pane, const ProjectRegistry& registry, const QString& projectId);

} // namespace forge::ui
