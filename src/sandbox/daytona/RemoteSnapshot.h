#pragma once

#include "core/ProjectSnapshot.h"
#include "daytona/ToolboxApi.h"

#include <QCoroTask>
#include <memory>

namespace forge {

// Reads the same files ProjectSnapshot::fromDirectory reads, install inputs included, with the same
// bounds, from `directory` (relative; "" for the project itself) of the project folder `project`
// inside a sandbox through its toolbox file API: listings tell which exist and how large they are,
// so only files that exist are downloaded. Listings follow symbolic links (the daemon's os.Stat), so
// the sandbox's realpath decides, for all chosen files in one command, which are links or lie behind
// a linked folder: those, and oversized ones, are recorded without their content.
// Throws daytona::DaytonaError when the toolbox fails (a missing workspace folder is not a failure).
QCoro::Task<ProjectSnapshot> readRemoteSnapshot(std::shared_ptr<daytona::ToolboxApi> toolbox, QString project,
                                                QString directory);

} // namespace forge
