#pragma once

#include "core/RunPlan.h"

#include <QString>
#include <QStringList>
#include <optional>

namespace forge::gui {

// What `forge-preview` was started with.
struct GuiOptions
{
    QString open; // a git URL or a folder to open and run at launch; empty: none
    QString branch;
    RunMode mode = RunMode::Dev;
    QString screenshot; // save a picture of the window here once the preview has painted
    bool quitWhenReady = false;
    QString link; // a forge-preview:// link to confirm and open (the desktop file's %u)
};

struct GuiParseResult
{
    std::optional<GuiOptions> options; // nullopt: print `output` and exit with `exitCode`
    QString output;
    int exitCode = 0;
};

GuiParseResult parseGuiArguments(const QStringList& arguments);

} // namespace forge::gui
