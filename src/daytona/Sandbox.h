#pragma once

#include <QJsonObject>
#include <QMap>
#include <QString>
#include <QUrl>

namespace forge::daytona {

// Sandbox states of ENDPOINTS §5 that the client acts on; `state` stays a string so a state added
// by a newer server is carried through instead of being lost.
namespace SandboxState {
inline constexpr auto Started = "started";
inline constexpr auto Stopped = "stopped";
inline constexpr auto Archived = "archived";
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
    // `{toolboxProxyUrl}/{id}` (ENDPOINTS §7); invalid when the field is missing.
    QUrl toolboxBaseUrl() const;
    bool isFailed() const;
};

// A preview URL and the token a private sandbox needs in `x-daytona-preview-token` (ENDPOINTS §6).
struct PreviewLink
{
    QString sandboxId;
    QUrl url;
    QString token;
};

} // namespace forge::daytona
