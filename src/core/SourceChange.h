#pragma once

#include "RunPlan.h"

#include <QList>
#include <QString>
#include <QStringList>

namespace forge {

// One file of a repository that differs between two commits.
struct SourceChange
{
    enum class Kind { Added, Modified, Deleted, TypeChanged };
    QString path; // relative to the repository root, '/'-separated
    Kind kind = Kind::Modified;

    bool removesFile() const { return kind == Kind::Deleted; }
    friend bool operator==(const SourceChange&, const SourceChange&) = default;
};

// What a running preview needs after its source changed (a pull request's new commits), cheapest
// first.
enum class SourceUpdateAction {
    None,          // nothing changed
    HotReload,     // the dev server's hot module replacement picks the files up
    ReloadPage,    // the server reads the files from disk for each request: the page loads again
    RestartServer, // the dev server does not watch them (or they configure it): it starts again
    Rebuild,       // production mode: the build runs again, then the server
    Reinstall,     // an install input changed (a lockfile, a manifest): install, build and start again
};

// Decides what `changes` need for a preview run by `plan` in `mode`: an install input (ProjectSnapshot's
// installInputFileNames() at any depth, a file under installInputFolders()) means Reinstall; in
// production mode anything else means Rebuild; in dev mode a framework with hot module replacement
// takes source files itself (HotReload) unless a file that configures the dev server changed (its
// config file, .env files, tsconfig): then, as for frameworks without it, RestartServer. A static
// site's server reads every file per request (ReloadPage) in either mode, having nothing to build.
SourceUpdateAction sourceUpdateAction(const QList<SourceChange>& changes, const RunPlan& plan, RunMode mode);
// The changes' paths that sourceUpdateAction() found to be install inputs.
QStringList installInputsAmong(const QList<SourceChange>& changes);
// Whether the dev server of `framework` updates the page by itself when a source file changes.
bool hasHotReload(Framework framework);

} // namespace forge
