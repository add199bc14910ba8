#pragma once

#include "HttpMessages.h"
#include "sandbox/LocalProvider.h"

#include <QByteArray>
#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QObject>
#include <QRegularExpression>
#include <QString>
#include <QStringList>
#include <QUrl>
#include <chrono>
#include <memory>
#include <optional>
#include <utility>

namespace forge::test {

// One request the emulator received (API, toolbox or preview proxy), for assertions: its status is
// 0 while pending or when a fault made it hang, and a clone's password is only a fingerprint.
using DaytonaRequest = RecordedRequest;

// A canned misbehaviour for the next `count` requests whose method and path match
// (docs/daytona-api.md §2 describes what the real service sends for rate limits and errors).
struct DaytonaFault
{
    enum class Kind {
        Status,        // answer `status` with an error body in the route's shape (NestJS or Go)
        RateLimit,     // 429 with `retryHeader: retryAfterSeconds`
        Delay,         // handle normally, but only after `delay`
        Hang,          // never answer (the connection stays open until the client gives up)
        MalformedJson, // 200 with a body that is not JSON
    };
    Kind kind = Kind::Status;
    QByteArray method;       // empty = any method
    QRegularExpression path; // matched against the request path, e.g. "^/api/sandbox$"
    int count = 1;
    int status = 500;
    QByteArray retryHeader = "Retry-After"; // or "Retry-After-sandbox-create", ...
    int retryAfterSeconds = 1;
    std::chrono::milliseconds delay{0};
};

// The per-sandbox limits of an organisation (apps/api/src/organization/entities/
// organization.entity.ts in daytonaio/daytona v0.190.0; the defaults are the real ones). A create or
// start that asks for more answers 400 as validateOrganizationQuotas does.
struct DaytonaOrganization
{
    int maxCpuPerSandbox = 4;
    int maxMemoryPerSandbox = 8; // GB
    int maxDiskPerSandbox = 10;  // GB
};

// Speaks Daytona's REST API (api.json) and toolbox API (toolbox.json) on 127.0.0.1, backed by
// real local sandboxes (LocalProvider). Paths, bodies, status codes, error shapes and the state
// machine follow docs/daytona-api.md:
//   API:      <apiUrl()>/sandbox...            (apiUrl() = http://127.0.0.1:<port>/api)
//   Toolbox:  <toolboxProxyUrl()>/<sandboxId>/...  (toolboxProxyUrl() = http://127.0.0.1:<port>/toolbox)
//   Preview:  one 127.0.0.1 listener per sandbox and port, handed out by .../preview-url
// Runs in the caller's event loop; nothing blocks.
class DaytonaEmulator : public QObject
{
    Q_OBJECT
public:
    struct Options
    {
        QString dataDirectory; // where LocalProvider keeps the sandboxes
        QStringList apiKeys{QStringLiteral("test-api-key")};
        LocalProvider::Isolation isolation = LocalProvider::Isolation::Bubblewrap;
    };

    explicit DaytonaEmulator(Options options, QObject* parent = nullptr);
    ~DaytonaEmulator() override;

    bool listen(quint16 port = 0);
    quint16 port() const;
    QUrl apiUrl() const;
    QUrl toolboxProxyUrl() const;

    void setApiKeys(const QStringList& keys);
    // A lifecycle call while a transition runs answers 409 (docs/daytona-api.md §5). With a delay,
    // create/start/stop/archive/delete answer at once in the transitional state (creating,
    // pending_build, starting, stopping, ...) and finish later, so a test can observe them, poll and
    // get the 409; with 0 they answer in the final state.
    void setTransitionDelay(std::chrono::milliseconds delay);
    // The preview proxy passes this Host header to the dev server, "{port}" and "{id}" replaced (for
    // example "{port}-{id}.proxy.daytona.test"), as Daytona's proxy passes on its own host name; a
    // dev server that checks hosts then refuses it unless told about it. Empty (the default): the
    // client's Host, 127.0.0.1:<proxy port>.
    void setPreviewHostTemplate(const QString& hostTemplate);
    // Create (from a snapshot), start (but from archived) and recover hold their answer until the
    // sandbox has started or this long has passed, then answer with its state then
    // (waitForSandboxStarted(…, 30) in apps/api sandbox.controller.ts, v0.190.0). Real: 30 s.
    void setStartedWait(std::chrono::milliseconds wait);
    void setOrganization(DaytonaOrganization organization);
    // Leave `toolboxProxyUrl` out of sandboxes, as some answers do; clients then ask
    // GET /sandbox/{id}/toolbox-proxy-url.
    void setToolboxProxyUrlOmitted(bool omitted);

    // --- Fault injection ---
    void injectFault(DaytonaFault fault);
    void failNext(const QByteArray& method, const QString& pathPattern, int status, int count = 1);
    void rateLimitNext(const QByteArray& method, const QString& pathPattern, const QByteArray& retryHeader,
                       int retryAfterSeconds, int count = 1);
    void delayNext(const QByteArray& method, const QString& pathPattern, std::chrono::milliseconds delay,
                   int count = 1);
    void hangNext(const QByteArray& method, const QString& pathPattern, int count = 1);
    void malformNext(const QByteArray& method, const QString& pathPattern, int count = 1);
    void clearFaults();
    // As if auto-stop (or a crash of the runner) had stopped it: its processes end, state `stopped`.
    void stopSandboxExternally(const QString& id);
    // As if someone deleted it elsewhere: gone from every listing, 404 from then on.
    void removeSandboxExternally(const QString& id);
    // As if the sandbox's session commands (the dev server) crashed: their processes are killed,
    // the sandbox stays started. Returns how many commands were running.
    int killSessionCommands(const QString& id);
    // Cuts the sandbox's open `logs?follow=true` WebSockets without a close frame (a proxy restart,
    // a network drop); the commands run on. Returns how many were open.
    int dropLogStreams(const QString& id);
    // How often a toolbox request that stays open (a log stream) refreshes its sandbox's activity,
    // unless it was sent with X-Daytona-Skip-Last-Activity-Update: true. Real: 50 s.
    void setActivityRefreshInterval(std::chrono::milliseconds interval);
    // Models Daytona's auto-stop (autostopCheck in apps/api/src/sandbox/managers/sandbox.manager.ts,
    // v0.190.0): a started sandbox whose last activity is older than its autoStopInterval minutes
    // is stopped. `minute` is how long a minute lasts here, so tests need not wait; zero (the
    // default) turns auto-stop off.
    void setAutoStopMinute(std::chrono::milliseconds minute);
    // The next POST /sandbox ends in `error` with this errorReason (and answers 400 "Sandbox failed
    // to start: <reason>" unless a transition delay makes it answer before, docs/daytona-api.md §4).
    void failNextSandboxCreate(const QString& reason, bool recoverable = false);
    // Session logs ?follow=true WebSocket: close right after replaying what exists (while the
    // command still runs), or refuse the upgrade (400). Off by default.
    void setLogStreamClosesEarly(bool early);
    void setLogStreamRefused(bool refused);
    // Puts a sandbox in `error` (for recover()).
    void setSandboxError(const QString& id, const QString& reason, bool recoverable);
    // Puts a sandbox in any state of the real set (apps/api sandbox-state.enum.ts: paused,
    // pausing, build_failed, ...) with the desiredState it is heading for; nothing runs.
    void setSandboxState(const QString& id, const QString& state, const QString& desiredState);

    // --- Inspection ---
    QList<DaytonaRequest> requests() const;
    int requestCount() const;
    void clearRequests();
    std::optional<QDateTime> lastActivity(const QString& id) const;
    QString state(const QString& id) const; // empty when unknown
    QList<QJsonObject> gitCloneBodies() const;
    QString localSandboxName(const QString& id) const; // the LocalProvider sandbox behind it
    LocalProvider& provider();

Q_SIGNALS:
    void requestServed(const forge::test::RecordedRequest& request);
    // A toolbox request held open through one activity interval; `refreshed`: it counted as the
    // sandbox's activity (it was sent without the skip header).
    void activityHeld(const QString& id, bool refreshed);
    void sandboxStateChanged(const QString& id, const QString& state);

private:
    void stopIdleSandboxes();

    struct Private;
    std::unique_ptr<Private> d;
};

} // namespace forge::test
