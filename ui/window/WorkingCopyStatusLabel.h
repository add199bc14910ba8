#pragma once

#include "workflow/WorkingCopySync.h"

#include <QLabel>
#include <optional>

namespace forge::ui {

// The status bar's word on the shown project's working copy (issue 22): "Working copy: synced",
// "Working copy: syncing 3 files…" or "Working copy: paused: offline", hidden for every project
// that is not a live working copy. The tooltip says what the state means and what to do.
class WorkingCopyStatusLabel final : public QLabel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(WorkingCopyStatusLabel)
public:
    explicit WorkingCopyStatusLabel(QWidget* parent = nullptr);

    // nullopt: the shown project keeps no working copy in sync (hidden).
    void showState(const std::optional<forge::WorkingCopySyncState>& state);
};

} // namespace forge::ui
