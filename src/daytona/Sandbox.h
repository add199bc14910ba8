#pragma once

#include <QJsonObject>
#include <QMap>
#include <QString>
#include <QUrl>

namespace forge::daytona {

// Sandbox states the client acts on (apps/api/src/sandbox/enums/sandbox-state.enum.ts in
// daytonaio/daytona v0.190.0); `state` stays a string so a state added by a newer server is carried
// through instead of being lost. `desiredState` is one of Started, Stopped, Archived, Paused,
// Destroyed or "resized" (sandbox-desired-state.enum.ts): while it differs from `state`, a
// transition runs and another lifecycle call answers 409.
namespace SandboxState {
inline constexpr auto Creating = "creating";
inline constexpr auto Starting = "starting";
inline constexpr auto Started = "started";
inline constexpr auto Stopping = "stopping";
inline constexpr auto Stopped = "stopped";
inline constexpr auto Archiving = "archiving";
inline constexpr auto Archived = "archived";
inline constexpr auto Restoring = "restoring";
inline constexpr auto Pausing = "pausing";
inline constexpr auto Paused = "paused";
inline constexpr auto PendingBuild = "pending_build";
inline constexpr auto Destroying = "destroying";
inline constexpr auto Destroyed = "destroyed";
inline constexpr auto Error = "error";
inline constexpr auto BuildFailed = "build_failed";
} // namespace SandboxState

// The fields of the API's Sandbox / SandboxListItem the app needs, read defensively: a missing or
// mistyped field leaves its default instead of failing.
struct Sandbox
{
    QString id;
    QString name;
    QString state;
    QString desiredState;
    QMap<QString, QString> labels;
    QString errorReason;
    bool recoverable = false;
    QString toolboxProxyUrl;
    bool isPublic = false;
    int cpu = 0;
    int memory = 0; // GiB
    int disk = 0;   // GiB
    QString target;
    QString snapshot;

    static Sandbox fromJson(const QJsonObject& object);
    // `{toolboxProxyUrl}/{id}` (docs/daytona-api.md §7); invalid when the field is missing.
    QUrl toolboxBaseUrl() const;
    bool isFailed() const;
    // No transition runs: `state` has reached `desiredState` (or the server sent none).
    bool isSettled() const;
    // POST /sandbox/{id}/start is accepted from here (SandboxService.start in apps/api, v0.190.0:
    // stopped, archived, archiving and paused).
    bool isStartable() const;
};

// A preview URL and the token a private sandbox needs in `x-daytona-preview-token` (docs/daytona-api.md §6).
struct PreviewLink
{
    QString sandboxId;
    QUrl url;
    QString token;
};

} // namespace forge::daytona
