#pragma once

#include "core/ProjectSnapshot.h"
#include "daytona/ToolboxApi.h"

#include <QCoroTask>
#include <memory>

namespace forge {

// Reads the same files ProjectSnapshot::fromDirectory reads, from `root` inside a sandbox through
// its toolbox file API: the root listing tells which exist and how large they are, so only files
// that exist are downloaded and an oversized or linked one is recorded without its content.
// Throws daytona::DaytonaError when the toolbox fails (a missing workspace folder is not a failure).
QCoro::Task<ProjectSnapshot> readRemoteSnapshot(std::shared_ptr<daytona::ToolboxApi> toolbox, QString root);

} // namespace forge
