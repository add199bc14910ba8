#pragma once

#include "RepoRef.h"

#include <QString>
#include <optional>

namespace forge {

// Why `name` cannot be a git branch name (git check-ref-format's rules for a branch), or nullopt
// when it can. Names from outside (a deep link, the command line) are checked before git sees them,
// so a name such as `--upload-pack=…` never reaches a git argument list.
std::optional<RepoRefError> branchNameProblem(const QString& name);

} // namespace forge
