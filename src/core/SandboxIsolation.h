#pragma once

#include "Failure.h"

#include <QString>

namespace forge {

// Local sandboxes are isolated with bubblewrap (namespaces of their own: mounts, processes, users)
// and pasta from passt (a network of their own). Without them a run fails closed (issue 16): it
// stops at its first step and says why and what to install, unless the user chose, per project in
// the window or with --no-isolation in the CLI, to run that repository's code as plain processes.
//
// These are the words of that failure, in one place: the local back end throws unavailable(); the
// window and the CLI recognise it with isUnavailable() and add, with withChoice(), how the user
// opts out there (a menu item, a command-line option).
namespace SandboxIsolation {

// "Repository code cannot be isolated on this computer: <reason>." (`reason`: what did not work.)
QString unavailableMessage(const QString& reason);
// What to install, and what to allow when it is installed but refused.
QString installAdvice();
// The permanent failure of a run that needs isolation where it does not work.
Failure unavailable(const QString& reason);
// Whether `failure` (or a StepFailure made from it, redacted or not) is that failure.
bool isUnavailable(const Failure& failure);
// `failure` with the advice: what to install, then `howToRunWithoutIsolation` (the front end's own
// way to choose it).
Failure withChoice(const Failure& failure, const QString& howToRunWithoutIsolation);

} // namespace SandboxIsolation
} // namespace forge
