#pragma once

#include "core/RunPlan.h"
#include "toolchain/ToolchainResolver.h"

#include <QString>
#include <optional>

namespace forge::ui {

// What a run plan asks for, in the words of ToolchainChoice::summary(): "Node ^18 (from .nvmrc) ·
// pnpm 9.15.9 (from packageManager)". Without a stated Node.js version, "Node (system)"; npm comes
// with Node ("npm (with Node)"); a package manager without a version, the newest of its known-good
// major ("pnpm (newest 10.x)").
QString requestedToolchainText(const RunPlan& plan);

// The run plan's toolchain line: the tools the run chose once it has (ToolchainChoice::summary()),
// else what the plan asks for.
QString toolchainText(const RunPlan& plan, const std::optional<ToolchainChoice>& chosen);

} // namespace forge::ui
