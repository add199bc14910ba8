#pragma once

#include "core/ProjectSnapshot.h"
#include "daytona/ToolboxApi.h"

#include <QCoroTask>
#include <memory>

namespace forge {

// Reads the same files ProjectSnapshot::fromDirectory reads, install inputs included, with the same
// bounds, from `root` inside a sandbox through its toolbox file API: listings tell which exist, how
// large they are and whether they are links, so only files that exist are downloaded, and an
// oversized or linked one (or one behind a linked folder) is recorded without its content.
// Throws daytona::DaytonaError when the toolbox fails (a missing workspace folder is not a failure).
QCoro::Task<ProjectSnapshot> readRemoteSnapshot(std::shared_ptr<daytona::ToolboxApi> toolbox, QString root);

} // namespace forge
