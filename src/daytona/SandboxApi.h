#pragma once

#include "DaytonaHttp.h"
#include "Sandbox.h"

#include <QList>
#include <QStringList>
#include <functional>
#include <optional>

namespace forge::daytona {

// Parameters of POST /sandbox. Field names follow api.json's CreateSandbox (docs/daytona-api.md §4).
struct CreateSandboxParams
{
    QString name;
    QString snapshot;
    // The SDK's `image`: sent as buildInfo.dockerfileContent "FROM <image>\n" (REST has no image).
    QString image;
    // Only with `image` (the API answers 400 for resources with a snapshot).
    std::optional<int> cpu;
    std::optional<int> memory; // GiB
    std::optional<int> disk;   // GiB
    QMap<QString, QString> labels;
    QMap<QString, QString> env;
    std::optional<bool> isPublic;
    QString target;                         // empty: the config's DAYTONA_TARGET, if any
    std::optional<int> autoStopInterval;    // minutes, 0 disables
    std::optional<int> autoArchiveInterval; // minutes
    std::optional<int> autoDeleteInterval;  // minutes, -1 disables

    // Empty when the combination is one the API accepts; otherwise what to change.
    QString validationError() const;
    QJsonObject toJson(const QString& defaultTarget) const;
};

struct SandboxPage
{
    QList<Sandbox> items;
    QString nextCursor; // empty on the last page and for servers that return a plain array
};

struct ListSandboxesQuery
{
    QMap<QString, QString> labels; // sent as one JSON string (docs/daytona-api.md §3)
    QString cursor;
    int limit = 0; // 0: the server default
};

// How waitForState polls: the SDK loop of docs/daytona-api.md §5.
struct PollPolicy
{
    std::chrono::milliseconds initial{100};
    std::chrono::milliseconds slowDownAfter{5000};
    double factor = 1.1;
    std::chrono::milliseconds cap{1000};

    std::chrono::milliseconds next(std::chrono::milliseconds current,
                                   std::chrono::milliseconds elapsed) const;
};

// The sandbox lifecycle endpoints of docs/daytona-api.md §3 (API, not toolbox).
class SandboxApi final
{
    Q_DISABLE_COPY_MOVE(SandboxApi)
public:
    explicit SandboxApi(DaytonaHttp& http);

    QCoro::Task<Sandbox> create(CreateSandboxParams params);
    QCoro::Task<Sandbox> get(QString idOrName);
    QCoro::Task<SandboxPage> list(ListSandboxesQuery query = {});
    // Follows nextCursor until the last page (at most `maxPages`, against a server that loops).
    QCoro::Task<QList<Sandbox>> listAll(QMap<QString, QString> labels = {}, int maxPages = 50);
    QCoro::Task<Sandbox> start(QString idOrName);
    QCoro::Task<Sandbox> stop(QString idOrName, bool force = false);
    QCoro::Task<Sandbox> archive(QString idOrName);
    QCoro::Task<Sandbox> recover(QString idOrName);
    QCoro::Task<Sandbox> remove(QString idOrName);
    QCoro::Task<> refreshActivity(QString id);
    // PUT /sandbox/{id}/labels: replaces the labels.
    QCoro::Task<> setLabels(QString idOrName, QMap<QString, QString> labels);
    // POST /sandbox/{id}/autostop/{minutes}; 0 disables auto-stop.
    QCoro::Task<> setAutoStopInterval(QString idOrName, int minutes);
    // GET /sandbox/{id}/toolbox-proxy-url: the SDKs ask for it when a sandbox came without
    // `toolboxProxyUrl` (_ensure_toolbox_proxy_url in sdk-python, daytona/clients v0.205.1).
    QCoro::Task<QString> toolboxProxyUrl(QString id);
    QCoro::Task<PreviewLink> previewUrl(QString idOrName, int port);
    QCoro::Task<PreviewLink> signedPreviewUrl(QString idOrName, int port, int expiresInSeconds = 60);

    // Polls GET /sandbox/{id} until its state is one of `wanted`. Throws SandboxFailed at once on
    // `error`/`build_failed` (unless wanted) and Timeout after `timeout`. A 404 counts as
    // `destroyed` (the SDK does the same after delete). Transient errors (a 502 from the proxy, a
    // dropped connection) do not end the wait; they are retried at the next poll.
    QCoro::Task<Sandbox> waitForState(QString id, QStringList wanted, std::chrono::milliseconds timeout);
    // Polls until no transition runs (`state` == `desiredState`, Sandbox::isSettled) and returns
    // the sandbox; a failed one is returned too (the caller decides), a 404 counts as destroyed.
    // Throws Timeout after `timeout`.
    QCoro::Task<Sandbox> waitUntilSettled(QString id, std::chrono::milliseconds timeout);

    void setPollPolicy(PollPolicy policy) { m_poll = policy; }

    static QList<Sandbox> parseList(const QJsonValue& value, QString* nextCursor = nullptr);

private:
    QCoro::Task<Sandbox> lifecycle(QByteArray method, QString path, QUrlQuery query = {},
                                   std::optional<std::chrono::milliseconds> timeout = {});
    // Polls GET /sandbox/{id} until `done` holds; see waitForState for errors and 404s.
    QCoro::Task<Sandbox> pollUntil(QString id, std::function<bool(const Sandbox&)> done, bool failIfFailed,
                                   QString goal, std::chrono::milliseconds timeout);
    QCoro::Task<Sandbox> sandboxFrom(HttpRequest request);

    DaytonaHttp& m_http;
    PollPolicy m_poll;
};

} // namespace forge::daytona
