#pragma once

#include "ProjectSnapshot.h"
#include "RunPlan.h"

#include <variant>

namespace forge {

// Why nothing runnable was found, or why the project's files could not be understood.
struct DetectionError
{
    QString message; // what is wrong, naming the file
    QString advice;  // what the user can do
};

// Turns a snapshot of a repository into a RunPlan: package manager from the packageManager field
// and lockfiles, framework from dependencies and scripts, commands that bind 0.0.0.0 on `${PORT}`
// the way each framework accepts it. Pure: no I/O, no processes.
class RunPlanDetector final
{
public:
    static std::variant<RunPlan, DetectionError> detect(const ProjectSnapshot& snapshot);
};

} // namespace forge
