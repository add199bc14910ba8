#include "WorkingCopyStatusLabel.h"

#include "ui/common/Theme.h"

using namespace Qt::StringLiterals;

namespace forge::ui {

namespace {

QString toolTipFor(const WorkingCopySyncState& state)
{
    using Kind = WorkingCopySyncState::Kind;
    switch (state.kind) {
    case Kind::Idle:
        return WorkingCopyStatusLabel::tr("The folder's files have not reached the sandbox yet.");
    case Kind::Syncing:
        return WorkingCopyStatusLabel::tr("Saved files are on their way to the sandbox.");
    case Kind::Synced:
        return WorkingCopyStatusLabel::tr("The sandbox has the folder's files as they are on disk. Saves are "
                                          "sent as they happen; the build log's Sync row lists them.");
    case Kind::Paused:
        return state.offline ? WorkingCopyStatusLabel::tr("The sandbox cannot be reached. Saves are kept and "
                                                          "sent when it answers again; nothing is lost.")
                             : WorkingCopyStatusLabel::tr("Sending saved files failed: %1. They are sent "
                                                          "again shortly; the build log's Notices say more.")
                                   .arg(state.reason);
    }
    return {};
}

} // namespace

WorkingCopyStatusLabel::WorkingCopyStatusLabel(QWidget* parent)
    : QLabel(parent)
{
    setObjectName(u"workingCopyStatus"_s);
    setContentsMargins(6, 0, 6, 0);
    hide();
}

void WorkingCopyStatusLabel::showState(const std::optional<WorkingCopySyncState>& state)
{
    setVisible(state.has_value());
    if (!state)
        return;
    const bool syncing = state->kind == WorkingCopySyncState::Kind::Syncing;
    setText(tr("Working copy: %1").arg(state->describe() + (syncing ? u"…"_s : QString())));
    setToolTip(toolTipFor(*state));
    const bool paused = state->kind == WorkingCopySyncState::Kind::Paused;
    setStyleSheet(paused ? u"color: %1;"_s.arg(Theme::warningColor().name()) : QString());
}

} // namespace forge::ui
