#include "DaytonaEmulator.h"

#include "ErrorBodies.h"
#include "PreviewProxy.h"
#include "Toolbox.h"
#include "core/Failure.h"
#include "core/SignalWait.h"

#include <QCoroTimer>
#include <QElapsedTimer>
#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QPointer>
#include <QTimer>
#include <QUrlQuery>
#include <QUuid>
#include <algorithm>

using namespace Qt::StringLiterals;

namespace forge::test {

using daytona::HttpRequest;

namespace {

// docs/daytona-api.md §5: states in which another lifecycle call answers 409.
bool isTransitional(const QString& state)
{
    static const QStringList states{u"creating"_s,  u"starting"_s,   u"stopping"_s, u"archiving"_s,
                                    u"restoring"_s, u"destroying"_s, u"pausing"_s,  u"resuming"_s};
    return states.contains(state);
}

// QCoro::sleepFor uses a coarse timer, which may fire up to 5% early; delays are promised.
QCoro::Task<> sleepAtLeast(std::chrono::milliseconds delay)
{
    QTimer timer;
    timer.setTimerType(Qt::PreciseTimer);
    timer.setSingleShot(true);
    timer.start(delay);
    co_await timer;
}

QString newPreviewToken()
{
    return QUuid::createUuid().toString(QUuid::Id128);
}

} // namespace

struct EmulatedSandbox
{
    QString id;
    QString name;
    QString localName; // LocalProvider's sandbox
    QJsonObject labels;
    QJsonObject env;
    bool isPublic = false;
    QString snapshot;
    QJsonObject buildInfo;
    int cpu = 1, memory = 1, disk = 3;
    QString target = u"us"_s;
    QString state = u"creating"_s;
    QString desiredState = u"started"_s;
    QString errorReason;
    bool recoverable = false;
    int autoStopInterval = 15, autoArchiveInterval = 10080, autoDeleteInterval = -1;
    QDateTime createdAt, updatedAt, lastActivityAt;
    QString previewToken = newPreviewToken();
    QHash<int, daytona::PreviewProxy*> previews;
    // Signed preview URLs (docs/daytona-api.md §6): a listener of their own that needs no header
    // until it expires or is revoked.
    struct SignedPreview
    {
        daytona::PreviewProxy* proxy = nullptr;
        QDateTime expiresAt;
        int port = 0;
    };
    QHash<QString, SignedPreview> signedPreviews; // by token
};

struct DaytonaEmulator::Private
{
    DaytonaEmulator* q;
    Options options;
    LocalProvider provider;
    daytona::Toolbox toolbox{provider};
    HttpServer listener;
    QList<std::shared_ptr<EmulatedSandbox>> sandboxes; // in creation order
    QList<DaytonaFault> faults;
    // Every request since the start; clearRequests() only moves `cleared`, so the index a pending
    // answer holds stays valid.
    QList<DaytonaRequest> requests;
    qsizetype cleared = 0;
    std::chrono::milliseconds transitionDelay{0};
    // How often an open toolbox request refreshes its sandbox's activity (see holdActivity()).
    std::chrono::milliseconds activityRefreshInterval = std::chrono::seconds(50);
    // How long an auto-stop minute lasts here; zero: no auto-stop (see setAutoStopMinute()).
    std::chrono::milliseconds autoStopMinute{0};
    QTimer* autoStopTimer = nullptr;
    QString previewHostTemplate; // see setPreviewHostTemplate()
    // Background tasks (delayed transitions, slow answers) hold a weak_ptr to this and stop when
    // the emulator is gone.
    std::shared_ptr<int> lifetime = std::make_shared<int>(0);
    QString nextStartFailure; // see failNextSandboxCreate()
    bool nextStartRecoverable = false;
    std::chrono::milliseconds startedWait{30000}; // see setStartedWait()
    DaytonaOrganization organization;
    bool toolboxProxyUrlOmitted = false;

    Private(DaytonaEmulator* owner, Options o)
        : q(owner)
        , options(std::move(o))
        // A cloud sandbox is one machine whose ports the preview proxy reaches: here, this one's. Its
        // home is /home/daytona, as in Daytona's images (the SDK's getUserHomeDir).
        , provider(
              LocalProvider::Options{options.dataDirectory, options.isolation, {}, true, u"/home/daytona"_s})
    {
        listener.setRecording(false); // record() keeps them, redacted, with the preview proxies'
        listener.setHandler(
            [this](const RecordedRequest& request, const std::shared_ptr<HttpExchange>& responder) {
                receive(HttpRequest{request, responder}, responder);
            });
    }

    QString baseUrl() const { return u"http://127.0.0.1:%1"_s.arg(listener.port()); }
    // The sign-in page the preview proxy sends unauthenticated browsers to (an OIDC provider's
    // authorization endpoint on Daytona); nothing is served there.
    QUrl signInUrl() const { return QUrl(baseUrl() + u"/oauth/authorize"_s); }

    std::shared_ptr<EmulatedSandbox> find(const QString& idOrName) const
    {
        for (const auto& sandbox : sandboxes)
            if (sandbox->id == idOrName || sandbox->name == idOrName)
                return sandbox;
        return nullptr;
    }

    bool keyAccepted(const QByteArray& authorization) const
    {
        if (!authorization.startsWith("Bearer "))
            return false;
        return options.apiKeys.contains(QString::fromUtf8(authorization.mid(7).trimmed()));
    }

    qsizetype record(const RecordedRequest& request)
    {
        RecordedRequest recorded = request;
        recorded.body = daytona::Toolbox::redactedBody(request.path(), request.body);
        recorded.status = 0;
        requests.append(recorded);
        return requests.size() - 1;
    }

    void answer(qsizetype index, const std::shared_ptr<HttpExchange>& responder, HttpResponse response)
    {
        response.headers.append(
            std::pair(QByteArray("X-Daytona-Api-Version"), QByteArray("0.190.0-emulator")));
        if (index >= 0 && index < requests.size()) {
            requests[index].status = response.status;
            Q_EMIT q->requestServed(requests.at(index));
        }
        responder->send(response);
    }

    static bool isToolbox(const RecordedRequest& request) { return request.path().startsWith("/toolbox/"); }

    HttpResponse error(const RecordedRequest& request, int status, const QString& message) const
    {
        const QByteArray body =
            isToolbox(request) ? daytona::toolboxErrorBody(status, request.path(), request.method, message)
                               : daytona::apiErrorBody(status, request.path(), message);
        return HttpResponse::json(status, body);
    }

    std::optional<DaytonaFault> takeFault(const HttpRequest& request)
    {
        const QString path = QString::fromUtf8(request.path());
        for (qsizetype i = 0; i < faults.size(); ++i) {
            DaytonaFault& fault = faults[i];
            if (!fault.method.isEmpty() && fault.method != request.method)
                continue;
            if (!fault.path.match(path).hasMatch())
                continue;
            DaytonaFault taken = fault;
            if (--fault.count <= 0)
                faults.removeAt(i);
            return taken;
        }
        return std::nullopt;
    }

    void receive(HttpRequest request, std::shared_ptr<HttpExchange> responder)
    {
        const qsizetype index = record(request);
        const std::optional<DaytonaFault> fault = takeFault(request);
        std::chrono::milliseconds delay{0};
        if (fault) {
            switch (fault->kind) {
            case DaytonaFault::Kind::Hang:
                return; // the responder is dropped unanswered; the client's timeout ends it
            case DaytonaFault::Kind::Status:
                return answer(
                    index, responder,
                    error(request, fault->status, QString::fromLatin1(reasonPhrase(fault->status))));
            case DaytonaFault::Kind::RateLimit: {
                // docs/daytona-api.md §2: Nest's ThrottlerException body, retry header per bucket.
                HttpResponse response = error(request, 429, u"ThrottlerException: Too Many Requests"_s);
                response.headers.append(
                    std::pair(fault->retryHeader, QByteArray::number(fault->retryAfterSeconds)));
                return answer(index, responder, response);
            }
            case DaytonaFault::Kind::MalformedJson:
                return answer(index, responder, HttpResponse::json(200, "{\"id\": \"trunc"));
            case DaytonaFault::Kind::Delay:
                delay = fault->delay;
                break;
            }
        }
        serve(std::move(request), std::move(responder), index, delay);
    }

    // Fire and forget: the task runs on the event loop and answers through the responder.
    QCoro::Task<> serve(HttpRequest request, std::shared_ptr<HttpExchange> responder, qsizetype index,
                        std::chrono::milliseconds delay)
    {
        const std::weak_ptr<int> alive = lifetime;
        if (delay.count() > 0)
            co_await sleepAtLeast(delay);
        if (alive.expired())
            co_return;
        HttpResponse response;
        try {
            response = co_await route(request);
        } catch (const std::exception& e) {
            response = error(request, 500, QString::fromUtf8(e.what()));
        }
        if (alive.expired())
            co_return;
        if (responder->isTakenOver()) { // a WebSocket now owns the connection
            if (index >= 0 && index < requests.size())
                requests[index].status = 101;
            co_return;
        }
        answer(index, responder, response);
    }

    QCoro::Task<HttpResponse> route(HttpRequest request)
    {
        if (!keyAccepted(request.header("Authorization")))
            co_return error(request, 401, u"Unauthorized"_s);
        const QString path = QString::fromUtf8(QUrl::fromPercentEncoding(request.path()).toUtf8());
        if (isToolbox(request))
            co_return co_await routeToolbox(request, path);
        co_return co_await routeApi(request, path);
    }

    QCoro::Task<HttpResponse> routeToolbox(HttpRequest request, QString path)
    {
        static const QRegularExpression re(u"^/toolbox/([^/]+)(/.*)$"_s);
        const auto m = re.match(path);
        const auto sandbox = m.hasMatch() ? find(m.captured(1)) : nullptr;
        if (!sandbox || sandbox->id != m.captured(1))
            co_return error(request, 404, u"sandbox not found"_s);
        if (sandbox->state != u"started"_s)
            co_return error(request, 400, u"sandbox is not started (state: %1)"_s.arg(sandbox->state));
        touch(*sandbox, request);
        holdActivity(sandbox, request);
        const QString id = sandbox->id;
        const QString localName = sandbox->localName;
        co_return co_await toolbox.handle(request, id, localName, m.captured(2).toUtf8());
    }

    // docs/daytona-api.md §6: proxied requests reset the idle timer unless told not to. The proxy
    // skips only on the exact value "true" (apps/proxy/pkg/proxy/get_sandbox_target.go, v0.190.0).
    static bool skipsActivity(const RecordedRequest& request)
    {
        return request.header("X-Daytona-Skip-Last-Activity-Update") == "true";
    }

    void touch(EmulatedSandbox& sandbox, const RecordedRequest& request)
    {
        if (!skipsActivity(request))
            sandbox.lastActivityAt = QDateTime::currentDateTimeUtc();
    }

    // While a proxied request stays open (a log stream, a long exec) the real proxy refreshes the
    // sandbox's activity every 50 s until it ends, unless the request carried the skip header
    // (updateLastActivity in get_sandbox_target.go, v0.190.0). Each tick is reported through
    // activityHeld(), refreshing or not, so a test can wait for ticks instead of sleeping.
    void holdActivity(const std::shared_ptr<EmulatedSandbox>& sandbox, const HttpRequest& request)
    {
        if (!request.responder)
            return;
        auto* timer = new QTimer(q);
        timer->setInterval(activityRefreshInterval);
        const std::weak_ptr<EmulatedSandbox> weakSandbox = sandbox;
        const std::weak_ptr<HttpExchange> weakResponder = request.responder;
        const bool refreshes = !skipsActivity(request);
        QObject::connect(
            timer, &QTimer::timeout, timer, [this, timer, weakSandbox, weakResponder, refreshes] {
                const auto held = weakSandbox.lock();
                const auto responder = weakResponder.lock();
                if (!held || !responder || !responder->isInProgress() || held->state != u"started"_s) {
                    timer->deleteLater();
                    return;
                }
                if (refreshes)
                    held->lastActivityAt = QDateTime::currentDateTimeUtc();
                Q_EMIT q->activityHeld(held->id, refreshes);
            });
        timer->start();
    }

    static QString iso(const QDateTime& time) { return time.toUTC().toString(Qt::ISODateWithMs); }

    QJsonObject toJson(const EmulatedSandbox& s, bool listItem = false) const
    {
        QJsonObject o{{u"id"_s, s.id},
                      {u"organizationId"_s, u"emulator-org"_s},
                      {u"name"_s, s.name},
                      {u"snapshot"_s, s.snapshot.isEmpty() ? QJsonValue() : QJsonValue(s.snapshot)},
                      {u"user"_s, u"daytona"_s},
                      {u"labels"_s, s.labels},
                      {u"public"_s, s.isPublic},
                      {u"networkBlockAll"_s, false},
                      {u"target"_s, s.target},
                      {u"cpu"_s, s.cpu},
                      {u"gpu"_s, QJsonValue(0)},
                      {u"memory"_s, s.memory},
                      {u"disk"_s, s.disk},
                      {u"state"_s, s.state},
                      {u"desiredState"_s, s.desiredState},
                      {u"errorReason"_s, s.errorReason.isEmpty() ? QJsonValue() : QJsonValue(s.errorReason)},
                      {u"recoverable"_s, s.recoverable},
                      {u"backupState"_s, u"None"_s},
                      {u"autoStopInterval"_s, s.autoStopInterval},
                      {u"autoArchiveInterval"_s, s.autoArchiveInterval},
                      {u"autoDeleteInterval"_s, s.autoDeleteInterval},
                      {u"createdAt"_s, iso(s.createdAt)},
                      {u"updatedAt"_s, iso(s.updatedAt)},
                      {u"lastActivityAt"_s, iso(s.lastActivityAt)},
                      {u"sandboxClass"_s, u"container"_s},
                      {u"daemonVersion"_s, u"v0.190.0-emulator"_s},
                      {u"runnerId"_s, u"emulator-runner"_s},
                      {u"toolboxProxyUrl"_s, QString(baseUrl() + u"/toolbox"_s)}};
        if (toolboxProxyUrlOmitted)
            o.remove(u"toolboxProxyUrl"_s);
        if (!listItem) {
            o.insert(u"env"_s, s.env);
            o.insert(u"volumes"_s, QJsonArray());
            if (!s.buildInfo.isEmpty())
                o.insert(u"buildInfo"_s, s.buildInfo);
        }
        return o;
    }

    HttpResponse sandboxResponse(const EmulatedSandbox& sandbox) const
    {
        return HttpResponse::json(200, QJsonDocument(toJson(sandbox)).toJson(QJsonDocument::Compact));
    }

    void setState(EmulatedSandbox& sandbox, const QString& state)
    {
        sandbox.state = state;
        sandbox.updatedAt = QDateTime::currentDateTimeUtc();
        Q_EMIT q->sandboxStateChanged(sandbox.id, state);
    }

    static bool isErrored(const EmulatedSandbox& sandbox)
    {
        return sandbox.state == u"error"_s || sandbox.state == u"build_failed"_s;
    }

    // The per-sandbox part of validateOrganizationQuotas (apps/api sandbox.service.ts, v0.190.0),
    // word for word; empty when the sandbox fits.
    QString quotaRefusal(const EmulatedSandbox& sandbox) const
    {
        const QString more = u"Need higher resource limits per-sandbox? Contact us at support@daytona.io "
                             u"and let us know about your use case."_s;
        if (sandbox.cpu > organization.maxCpuPerSandbox)
            return u"CPU request %1 exceeds maximum allowed per sandbox (%2).\n%3"_s.arg(sandbox.cpu)
                .arg(organization.maxCpuPerSandbox)
                .arg(more);
        if (sandbox.memory > organization.maxMemoryPerSandbox)
            return u"Memory request %1GB exceeds maximum allowed per sandbox (%2GB).\n%3"_s
                .arg(sandbox.memory)
                .arg(organization.maxMemoryPerSandbox)
                .arg(more);
        if (sandbox.disk > organization.maxDiskPerSandbox)
            return u"Disk request %1GB exceeds maximum allowed per sandbox (%2GB).\n%3"_s.arg(sandbox.disk)
                .arg(organization.maxDiskPerSandbox)
                .arg(more);
        return {};
    }

    // Holds an answer until the sandbox is no longer on its way to `started`, at most startedWait
    // (waitForSandboxStarted in apps/api sandbox.controller.ts). The caller checks `lifetime` after.
    QCoro::Task<> waitForStarted(std::shared_ptr<EmulatedSandbox> sandbox)
    {
        const std::weak_ptr<int> alive = lifetime;
        QPointer<DaytonaEmulator> emulator(q);
        QElapsedTimer clock;
        clock.start();
        while (sandbox->desiredState == u"started"_s && sandbox->state != u"started"_s) {
            const auto left = startedWait - std::chrono::milliseconds(clock.elapsed());
            if (left.count() <= 0 || !emulator)
                co_return;
            co_await forge::waitForSignal(emulator.data(), &DaytonaEmulator::sandboxStateChanged, left);
            if (alive.expired())
                co_return;
        }
    }

    QCoro::Task<HttpResponse> routeApi(HttpRequest request, QString path)
    {
        static const QRegularExpression one(u"^/api/sandbox/([^/]+)$"_s);
        static const QRegularExpression action(u"^/api/sandbox/([^/]+)/(start|stop|archive|recover)$"_s);
        static const QRegularExpression activity(u"^/api/sandbox/([^/]+)/last-activity$"_s);
        static const QRegularExpression preview(u"^/api/sandbox/([^/]+)/ports/(\\d+)/preview-url$"_s);
        static const QRegularExpression signedPreview(
            u"^/api/sandbox/([^/]+)/ports/(\\d+)/signed-preview-url$"_s);
        static const QRegularExpression expireSigned(
            u"^/api/sandbox/([^/]+)/ports/(\\d+)/signed-preview-url/([^/]+)/expire$"_s);
        static const QRegularExpression toolboxUrl(u"^/api/sandbox/([^/]+)/toolbox-proxy-url$"_s);
        static const QRegularExpression autostop(u"^/api/sandbox/([^/]+)/autostop/(-?\\d+)$"_s);
        static const QRegularExpression labels(u"^/api/sandbox/([^/]+)/labels$"_s);
        const QByteArray& method = request.method;

        if (path == u"/api/sandbox"_s && method == "POST")
            co_return co_await create(request);
        if (path == u"/api/sandbox"_s && method == "GET")
            co_return list(request);
        if (path == u"/api/config"_s && method == "GET") {
            // Older SDKs read the toolbox URL from here (docs/daytona-api.md §3).
            const QJsonObject config{{u"proxyToolboxUrl"_s, QString(baseUrl() + u"/toolbox"_s)},
                                     {u"proxyTemplateUrl"_s, u"http://127.0.0.1:{{PORT}}"_s},
                                     {u"defaultSnapshot"_s, u"daytona-small"_s},
                                     {u"version"_s, u"0.190.0-emulator"_s}};
            co_return HttpResponse::json(200, QJsonDocument(config).toJson(QJsonDocument::Compact));
        }

        QRegularExpressionMatch m;
        std::shared_ptr<EmulatedSandbox> sandbox;
        auto lookup = [&](const QRegularExpression& re) {
            m = re.match(path);
            if (!m.hasMatch())
                return false;
            sandbox = find(m.captured(1));
            return true;
        };
        if (lookup(one) && (method == "GET" || method == "DELETE")) {
            if (!sandbox)
                co_return error(request, 404, u"Sandbox with ID or name %1 not found"_s.arg(m.captured(1)));
            if (method == "GET")
                co_return sandboxResponse(*sandbox);
            co_return co_await remove(request, sandbox);
        }
        if (lookup(action) && method == "POST") {
            if (!sandbox)
                co_return error(request, 404, u"Sandbox with ID or name %1 not found"_s.arg(m.captured(1)));
            co_return co_await lifecycle(request, sandbox, m.captured(2));
        }
        if (lookup(activity) && method == "POST") {
            if (!sandbox)
                co_return error(request, 404, u"Sandbox with ID or name %1 not found"_s.arg(m.captured(1)));
            sandbox->lastActivityAt = QDateTime::currentDateTimeUtc();
            co_return HttpResponse{201, {}, {}};
        }
        if (lookup(preview) && method == "GET") {
            if (!sandbox)
                co_return error(request, 404, u"Sandbox with ID or name %1 not found"_s.arg(m.captured(1)));
            const int port = m.captured(2).toInt();
            if (port < 1 || port > 65535)
                co_return error(request, 400, u"Invalid port"_s);
            daytona::PreviewProxy* proxy = previewProxy(sandbox, port);
            if (!proxy)
                co_return error(request, 500, u"Could not open the preview proxy"_s);
            const QJsonObject body{{u"sandboxId"_s, sandbox->id},
                                   {u"url"_s, proxy->url().toString()},
                                   {u"token"_s, sandbox->previewToken}};
            co_return HttpResponse::json(200, QJsonDocument(body).toJson(QJsonDocument::Compact));
        }
        if (lookup(signedPreview) && method == "GET") {
            if (!sandbox)
                co_return error(request, 404, u"Sandbox with ID or name %1 not found"_s.arg(m.captured(1)));
            const int port = m.captured(2).toInt();
            const QUrlQuery query(QString::fromUtf8(request.query()));
            const int expires = query.hasQueryItem(u"expiresInSeconds"_s)
                                    ? query.queryItemValue(u"expiresInSeconds"_s).toInt()
                                    : 60;
            if (port < 1 || port > 65535 || expires < 1 || expires > 86400)
                co_return error(request, 400, u"expiresInSeconds must be between 1 and 86400"_s);
            const QString token = QUuid::createUuid().toString(QUuid::Id128).left(16);
            daytona::PreviewProxy* proxy = signedPreviewProxy(sandbox, port, token, expires);
            if (!proxy)
                co_return error(request, 500, u"Could not open the preview proxy"_s);
            const QJsonObject body{{u"sandboxId"_s, sandbox->id},
                                   {u"port"_s, port},
                                   {u"token"_s, token},
                                   {u"url"_s, proxy->url().toString()}};
            co_return HttpResponse::json(200, QJsonDocument(body).toJson(QJsonDocument::Compact));
        }
        if (lookup(expireSigned) && method == "POST") {
            if (!sandbox)
                co_return error(request, 404, u"Sandbox with ID or name %1 not found"_s.arg(m.captured(1)));
            auto it = sandbox->signedPreviews.find(m.captured(3));
            if (it == sandbox->signedPreviews.end())
                co_return error(request, 404, u"Signed preview URL not found"_s);
            it->expiresAt = QDateTime::currentDateTimeUtc().addSecs(-1);
            co_return HttpResponse{200, {}, {}};
        }
        if (lookup(toolboxUrl) && method == "GET") {
            if (!sandbox)
                co_return error(request, 404, u"Sandbox with ID or name %1 not found"_s.arg(m.captured(1)));
            const QJsonObject body{{u"url"_s, QString(baseUrl() + u"/toolbox"_s)}};
            co_return HttpResponse::json(200, QJsonDocument(body).toJson(QJsonDocument::Compact));
        }
        if (lookup(autostop) && method == "POST") {
            if (!sandbox)
                co_return error(request, 404, u"Sandbox with ID or name %1 not found"_s.arg(m.captured(1)));
            sandbox->autoStopInterval = m.captured(2).toInt();
            co_return sandboxResponse(*sandbox); // api.json: 200 with the Sandbox
        }
        if (lookup(labels) && method == "PUT") {
            if (!sandbox)
                co_return error(request, 404, u"Sandbox with ID or name %1 not found"_s.arg(m.captured(1)));
            sandbox->labels = QJsonDocument::fromJson(request.body).object().value(u"labels"_s).toObject();
            const QJsonObject body{{u"labels"_s, sandbox->labels}};
            co_return HttpResponse::json(200, QJsonDocument(body).toJson(QJsonDocument::Compact));
        }
        // Nest's answer for an unknown route.
        co_return error(request, 404, u"Cannot %1 %2"_s.arg(QString::fromLatin1(method), path));
    }

    daytona::PreviewProxy* previewProxy(const std::shared_ptr<EmulatedSandbox>& sandbox, int port)
    {
        if (auto* existing = sandbox->previews.value(port))
            return existing;
        std::weak_ptr<EmulatedSandbox> weak = sandbox;
        auto* proxy = newProxy(sandbox, port, [this, weak, port] {
            daytona::PreviewAccess access;
            if (auto s = weak.lock(); s && s->state != u"destroyed"_s) {
                access.exists = true;
                access.started = s->state == u"started"_s;
                access.isPublic = s->isPublic;
                access.token = s->previewToken;
                access.signInUrl = signInUrl();
                if (!previewHostTemplate.isEmpty()) {
                    access.forwardedHost = QString(previewHostTemplate)
                                               .replace(u"{port}"_s, QString::number(port))
                                               .replace(u"{id}"_s, s->id);
                }
            }
            return access;
        });
        if (proxy)
            sandbox->previews.insert(port, proxy);
        return proxy;
    }

    daytona::PreviewProxy* signedPreviewProxy(const std::shared_ptr<EmulatedSandbox>& sandbox, int port,
                                              const QString& token, int expiresInSeconds)
    {
        std::weak_ptr<EmulatedSandbox> weak = sandbox;
        auto* proxy = newProxy(sandbox, port, [this, weak, token] {
            daytona::PreviewAccess access;
            auto s = weak.lock();
            if (!s || s->state == u"destroyed"_s)
                return access;
            access.exists = true;
            access.started = s->state == u"started"_s;
            const auto signedPreview = s->signedPreviews.value(token);
            // Valid: open to anyone; expired or revoked: as private, with a token nobody has.
            access.isPublic =
                signedPreview.proxy && QDateTime::currentDateTimeUtc() < signedPreview.expiresAt;
            access.token = QUuid::createUuid().toString();
            access.signInUrl = signInUrl();
            return access;
        });
        if (proxy) {
            sandbox->signedPreviews.insert(
                token, {proxy, QDateTime::currentDateTimeUtc().addSecs(expiresInSeconds), port});
        }
        return proxy;
    }

    daytona::PreviewProxy* newProxy(const std::shared_ptr<EmulatedSandbox>& sandbox, int port,
                                    daytona::PreviewProxy::AccessLookup access)
    {
        std::weak_ptr<EmulatedSandbox> weak = sandbox;
        auto* proxy = new daytona::PreviewProxy(
            port, std::move(access),
            [this](const QByteArray& authorization) { return keyAccepted(authorization); },
            [this, weak](const RecordedRequest& request, int status) {
                const qsizetype index = record(request);
                requests[index].status = status;
                if (auto s = weak.lock(); s && status < 400)
                    touch(*s, request);
                Q_EMIT q->requestServed(requests.at(index));
            },
            q);
        if (!proxy->listen()) {
            delete proxy;
            return nullptr;
        }
        return proxy;
    }

    QCoro::Task<HttpResponse> create(HttpRequest request)
    {
        QJsonParseError parseError;
        const QJsonDocument doc =
            QJsonDocument::fromJson(request.body.isEmpty() ? "{}" : request.body, &parseError);
        if (!doc.isObject())
            co_return error(request, 400, u"Invalid JSON body"_s);
        const QJsonObject body = doc.object();
        // docs/daytona-api.md §4.
        const bool hasBuild = body.contains(u"buildInfo"_s);
        if (hasBuild && body.contains(u"snapshot"_s))
            co_return error(request, 400, u"Cannot specify both snapshot and buildInfo"_s);
        const bool hasResources = body.contains(u"cpu"_s) || body.contains(u"memory"_s) ||
                                  body.contains(u"disk"_s) || body.contains(u"gpu"_s) ||
                                  body.contains(u"gpuType"_s);
        if (hasResources && !hasBuild)
            co_return error(request, 400, u"Cannot specify Sandbox resources when using a snapshot"_s);

        auto sandbox = std::make_shared<EmulatedSandbox>();
        sandbox->id = QUuid::createUuid().toString(QUuid::WithoutBraces);
        sandbox->name = body.value(u"name"_s).toString(sandbox->id);
        sandbox->cpu = body.value(u"cpu"_s).toInt(1);
        sandbox->memory = body.value(u"memory"_s).toInt(1);
        sandbox->disk = body.value(u"disk"_s).toInt(3);
        if (const QString refusal = quotaRefusal(*sandbox); !refusal.isEmpty())
            co_return error(request, 400, refusal);
        if (find(sandbox->name))
            co_return error(request, 409, u"Sandbox with name %1 already exists"_s.arg(sandbox->name));
        sandbox->localName = u"daytona-"_s + sandbox->id;
        sandbox->labels = body.value(u"labels"_s).toObject();
        sandbox->env = body.value(u"env"_s).toObject();
        QMap<QString, QString> environment;
        for (auto it = sandbox->env.begin(); it != sandbox->env.end(); ++it)
            environment.insert(it.key(), it.value().toString());
        toolbox.setSandboxEnvironment(sandbox->id, environment);
        sandbox->isPublic = body.value(u"public"_s).toBool(false);
        sandbox->snapshot = hasBuild ? QString() : body.value(u"snapshot"_s).toString(u"daytona-small"_s);
        sandbox->buildInfo = body.value(u"buildInfo"_s).toObject();
        sandbox->target = body.value(u"target"_s).toString(u"us"_s);
        sandbox->autoStopInterval = body.value(u"autoStopInterval"_s).toInt(15);
        sandbox->autoArchiveInterval = body.value(u"autoArchiveInterval"_s).toInt(10080);
        sandbox->autoDeleteInterval = body.value(u"autoDeleteInterval"_s).toInt(-1);
        sandbox->createdAt = sandbox->updatedAt = sandbox->lastActivityAt = QDateTime::currentDateTimeUtc();
        // docs/daytona-api.md §4: a buildInfo create passes through pending_build.
        sandbox->state = hasBuild ? u"pending_build"_s : u"creating"_s;
        sandbox->desiredState = u"started"_s;
        sandboxes.append(sandbox); // visible while the local sandbox is made

        // With a transition delay a buildInfo create answers at once and a snapshot create once
        // started or after its wait (startedWait, 30 s on the real service); the client polls.
        if (transitionDelay.count() > 0) {
            const std::weak_ptr<int> alive = lifetime;
            finishCreate(sandbox);
            if (!hasBuild)
                co_await waitForStarted(sandbox);
            if (alive.expired())
                co_return HttpResponse{};
            if (isErrored(*sandbox))
                co_return error(request, 400, u"Sandbox failed to start: "_s + sandbox->errorReason);
            co_return sandboxResponse(*sandbox);
        }
        co_await finishCreate(sandbox);
        if (sandbox->state == u"error"_s)
            co_return error(request, 400, u"Sandbox failed to start: "_s + sandbox->errorReason);
        co_return sandboxResponse(*sandbox);
    }

    static SandboxSpec localSpec(const EmulatedSandbox& sandbox)
    {
        SandboxSpec spec;
        spec.name = sandbox.localName;
        for (auto it = sandbox.labels.begin(); it != sandbox.labels.end(); ++it)
            spec.labels.insert(it.key(), it.value().toString());
        return spec;
    }

    QCoro::Task<> finishCreate(std::shared_ptr<EmulatedSandbox> sandbox)
    {
        const std::weak_ptr<int> alive = lifetime;
        if (transitionDelay.count() > 0)
            co_await sleepAtLeast(transitionDelay);
        if (alive.expired())
            co_return;
        const SandboxSpec spec = localSpec(*sandbox);
        QString failure = std::exchange(nextStartFailure, QString());
        if (failure.isEmpty()) {
            try {
                co_await provider.createSandbox(spec);
                co_await provider.startSandbox(sandbox->localName);
            } catch (const Failure& f) {
                failure = f.message();
            }
        }
        if (alive.expired() || sandbox->state == u"destroyed"_s)
            co_return;
        if (!failure.isEmpty()) {
            sandbox->errorReason = failure;
            sandbox->recoverable = nextStartRecoverable;
            sandbox->desiredState = u"error"_s; // settled: no transition in progress
            setState(*sandbox, u"error"_s);
            co_return;
        }
        setState(*sandbox, u"started"_s);
    }

    HttpResponse list(const HttpRequest& request) const
    {
        const QUrlQuery query(QString::fromUtf8(request.query()));
        const QString labelsText = query.queryItemValue(u"labels"_s, QUrl::FullyDecoded);
        QJsonObject labelFilter;
        if (!labelsText.isEmpty()) {
            const QJsonDocument doc = QJsonDocument::fromJson(labelsText.toUtf8());
            if (!doc.isObject())
                return error(request, 400, u"Invalid labels filter"_s);
            labelFilter = doc.object();
        }
        const QString name = query.queryItemValue(u"name"_s, QUrl::FullyDecoded);
        const QString id = query.queryItemValue(u"id"_s, QUrl::FullyDecoded);
        QStringList states;
        for (const auto& [key, value] : query.queryItems(QUrl::FullyDecoded))
            if (key == u"states"_s || key == u"states[]"_s)
                states.append(value);
        int limit = query.hasQueryItem(u"limit"_s) ? query.queryItemValue(u"limit"_s).toInt() : 100;
        if (limit < 1 || limit > 200)
            return error(request, 400,
                         u"limit must not be greater than 200, limit must not be less than 1"_s);
        const int offset = query.queryItemValue(u"cursor"_s).toInt();

        QList<std::shared_ptr<EmulatedSandbox>> matching;
        for (const auto& s : sandboxes) {
            bool ok = (name.isEmpty() || s->name == name) && (id.isEmpty() || s->id == id) &&
                      (states.isEmpty() || states.contains(s->state));
            for (auto it = labelFilter.begin(); ok && it != labelFilter.end(); ++it)
                ok = s->labels.value(it.key()) == it.value();
            if (ok)
                matching.append(s);
        }
        QJsonArray items;
        for (qsizetype i = offset; i < matching.size() && i < offset + limit; ++i)
            items.append(toJson(*matching.at(i), true));
        // The cursor is opaque to clients; here it is the offset of the next page.
        const QJsonValue next = offset + limit < matching.size() ? QJsonValue(QString::number(offset + limit))
                                                                 : QJsonValue(QJsonValue::Null);
        const QJsonObject page{{u"items"_s, items}, {u"nextCursor"_s, next}};
        return HttpResponse::json(200, QJsonDocument(page).toJson(QJsonDocument::Compact));
    }

    // Whether `action` may run now, by SandboxService's rules (apps/api sandbox.service.ts,
    // daytonaio/daytona v0.190.0): an error answer, or nothing.
    std::optional<HttpResponse> refusal(const HttpRequest& request, const EmulatedSandbox& sandbox,
                                        const QString& action) const
    {
        const QString& state = sandbox.state;
        const bool settled = state == sandbox.desiredState;
        if (action == u"recover"_s) {
            if (!sandbox.recoverable)
                return error(request, 400, u"Sandbox is not in a recoverable state"_s);
            return std::nullopt;
        }
        if (isErrored(sandbox)) // assertSandboxNotErrored
            return error(request, 400, u"Sandbox is in an errored state"_s);
        if (action == u"start"_s) {
            // "Allow start of stopped | archived and archiving | archived sandboxes"
            const bool towardsArchive =
                sandbox.desiredState == u"archived"_s && (state == u"stopped"_s || state == u"archiving"_s);
            if (!settled && !towardsArchive)
                return error(request, 409, u"Sandbox state change in progress"_s);
            static const QStringList startable{u"stopped"_s, u"archived"_s, u"archiving"_s, u"paused"_s};
            if (!startable.contains(state))
                return error(request, 400, u"Sandbox is not in valid state"_s);
            if (const QString quota = quotaRefusal(sandbox); !quota.isEmpty())
                return error(request, 400, quota);
            return std::nullopt;
        }
        if (!settled)
            return error(request, 409, u"Sandbox state change in progress"_s);
        if (action == u"stop"_s && state != u"started"_s && state != u"paused"_s)
            return error(request, 400, u"Sandbox is not in a stoppable state"_s);
        if (action == u"archive"_s && state != u"stopped"_s)
            return error(request, 400, u"Sandbox is not stopped"_s);
        return std::nullopt;
    }

    // Runs a transition: transitional state now, the final one after the local work (and the
    // configured delay). The answer waits for it unless a delay is set (see setTransitionDelay);
    // then start and recover still wait for `started` up to startedWait, as the real controller.
    QCoro::Task<HttpResponse> lifecycle(HttpRequest request, std::shared_ptr<EmulatedSandbox> sandbox,
                                        QString action)
    {
        if (action == u"start"_s && sandbox->state == u"started"_s && sandbox->desiredState == u"started"_s)
            co_return sandboxResponse(*sandbox);
        if (const auto refused = refusal(request, *sandbox, action))
            co_return *refused;
        const QString state = sandbox->state;
        QString during, final;
        if (action == u"start"_s) {
            during = state == u"archived"_s || state == u"archiving"_s ? u"restoring"_s
                     : state == u"paused"_s                            ? u"resuming"_s
                                                                       : u"starting"_s;
            final = u"started"_s;
        } else if (action == u"stop"_s) {
            during = u"stopping"_s;
            final = u"stopped"_s;
        } else if (action == u"archive"_s) {
            during = u"archiving"_s;
            final = u"archived"_s;
        } else { // recover
            during = u"starting"_s;
            final = u"started"_s;
        }
        sandbox->desiredState = final;
        setState(*sandbox, during);
        // startSandbox answers at once from archived (restoring); recover and start wait.
        const bool waits = final == u"started"_s && during != u"restoring"_s;
        if (transitionDelay.count() > 0 && !waits) {
            finishTransition(sandbox, action, final);
            co_return sandboxResponse(*sandbox);
        }
        if (transitionDelay.count() > 0) {
            const std::weak_ptr<int> alive = lifetime;
            finishTransition(sandbox, action, final);
            co_await waitForStarted(sandbox);
            if (alive.expired())
                co_return HttpResponse{};
            if (isErrored(*sandbox))
                co_return error(request, 400, u"Sandbox failed to start: "_s + sandbox->errorReason);
            co_return sandboxResponse(*sandbox);
        }
        co_await finishTransition(sandbox, action, final);
        co_return sandboxResponse(*sandbox);
    }

    QCoro::Task<> finishTransition(std::shared_ptr<EmulatedSandbox> sandbox, QString action, QString final)
    {
        const std::weak_ptr<int> alive = lifetime;
        if (transitionDelay.count() > 0)
            co_await sleepAtLeast(transitionDelay);
        if (alive.expired())
            co_return;
        try {
            if (action == u"stop"_s) {
                toolbox.dropSandbox(sandbox->id);
                co_await provider.stopSandbox(sandbox->localName);
            } else if (action == u"start"_s || action == u"recover"_s) {
                // A sandbox whose create failed has no local sandbox yet; this adopts or makes it.
                co_await provider.createSandbox(localSpec(*sandbox));
                co_await provider.startSandbox(sandbox->localName);
                sandbox->previewToken = newPreviewToken(); // docs/daytona-api.md §6: resets on restart
                sandbox->lastActivityAt = QDateTime::currentDateTimeUtc();
                sandbox->errorReason.clear();
                sandbox->recoverable = false;
            }
        } catch (const Failure& failure) {
            if (alive.expired())
                co_return;
            sandbox->errorReason = failure.message();
            sandbox->desiredState = u"error"_s;
            setState(*sandbox, u"error"_s);
            co_return;
        }
        // Unless another transition took over meanwhile (a start while archiving).
        if (!alive.expired() && sandbox->state != u"destroyed"_s && sandbox->desiredState == final)
            setState(*sandbox, final);
    }

    QCoro::Task<HttpResponse> remove(HttpRequest request, std::shared_ptr<EmulatedSandbox> sandbox)
    {
        if (sandbox->state == u"destroying"_s ||
            (isTransitional(sandbox->state) && transitionDelay.count() > 0))
            co_return error(request, 409, u"Sandbox state change in progress"_s);
        sandbox->desiredState = u"destroyed"_s;
        // The name is free at once (Sandbox.getSoftDeleteName in apps/api sandbox.entity.ts).
        sandbox->name = u"DESTROYED_%1_%2"_s.arg(sandbox->name).arg(QDateTime::currentMSecsSinceEpoch());
        setState(*sandbox, u"destroying"_s);
        const HttpResponse answer = sandboxResponse(*sandbox);
        if (transitionDelay.count() > 0) {
            finishDelete(sandbox);
            co_return answer;
        }
        co_await finishDelete(sandbox);
        co_return answer;
    }

    QCoro::Task<> finishDelete(std::shared_ptr<EmulatedSandbox> sandbox)
    {
        const std::weak_ptr<int> alive = lifetime;
        if (transitionDelay.count() > 0)
            co_await sleepAtLeast(transitionDelay);
        if (alive.expired())
            co_return;
        toolbox.dropSandbox(sandbox->id);
        try {
            co_await provider.deleteSandbox(sandbox->localName);
        } catch (const Failure& failure) {
            qWarning("Daytona emulator: deleting %s: %s", qPrintable(sandbox->localName),
                     qPrintable(failure.message()));
        }
        if (!alive.expired())
            forget(sandbox);
    }

    // docs/daytona-api.md §3: after destroyed, GET answers 404.
    void forget(const std::shared_ptr<EmulatedSandbox>& sandbox)
    {
        setState(*sandbox, u"destroyed"_s);
        for (auto* proxy : std::as_const(sandbox->previews))
            proxy->deleteLater();
        sandbox->previews.clear();
        for (const auto& signedPreview : std::as_const(sandbox->signedPreviews))
            signedPreview.proxy->deleteLater();
        sandbox->signedPreviews.clear();
        sandboxes.removeAll(sandbox);
    }
};

DaytonaEmulator::DaytonaEmulator(Options options, QObject* parent)
    : QObject(parent)
    , d(std::make_unique<Private>(this, std::move(options)))
{}

DaytonaEmulator::~DaytonaEmulator() = default;

bool DaytonaEmulator::listen(quint16 port)
{
    return d->listener.listen(port);
}

quint16 DaytonaEmulator::port() const
{
    return d->listener.port();
}

QUrl DaytonaEmulator::apiUrl() const
{
    return QUrl(d->baseUrl() + u"/api"_s);
}

QUrl DaytonaEmulator::toolboxProxyUrl() const
{
    return QUrl(d->baseUrl() + u"/toolbox"_s);
}

void DaytonaEmulator::setApiKeys(const QStringList& keys)
{
    d->options.apiKeys = keys;
}

void DaytonaEmulator::setTransitionDelay(std::chrono::milliseconds delay)
{
    d->transitionDelay = delay;
}

void DaytonaEmulator::setPreviewHostTemplate(const QString& hostTemplate)
{
    d->previewHostTemplate = hostTemplate;
}

void DaytonaEmulator::setStartedWait(std::chrono::milliseconds wait)
{
    d->startedWait = wait;
}

void DaytonaEmulator::setOrganization(DaytonaOrganization organization)
{
    d->organization = organization;
}

void DaytonaEmulator::setToolboxProxyUrlOmitted(bool omitted)
{
    d->toolboxProxyUrlOmitted = omitted;
}

void DaytonaEmulator::injectFault(DaytonaFault fault)
{
    d->faults.append(std::move(fault));
}

namespace {
DaytonaFault makeFault(DaytonaFault::Kind kind, const QByteArray& method, const QString& pattern, int count)
{
    DaytonaFault fault;
    fault.kind = kind;
    fault.method = method;
    fault.path = QRegularExpression(pattern);
    fault.count = count;
    return fault;
}
} // namespace

void DaytonaEmulator::failNext(const QByteArray& method, const QString& pathPattern, int status, int count)
{
    DaytonaFault fault = makeFault(DaytonaFault::Kind::Status, method, pathPattern, count);
    fault.status = status;
    injectFault(fault);
}

void DaytonaEmulator::rateLimitNext(const QByteArray& method, const QString& pathPattern,
                                    const QByteArray& retryHeader, int retryAfterSeconds, int count)
{
    DaytonaFault fault = makeFault(DaytonaFault::Kind::RateLimit, method, pathPattern, count);
    fault.retryHeader = retryHeader;
    fault.retryAfterSeconds = retryAfterSeconds;
    injectFault(fault);
}

void DaytonaEmulator::delayNext(const QByteArray& method, const QString& pathPattern,
                                std::chrono::milliseconds delay, int count)
{
    DaytonaFault fault = makeFault(DaytonaFault::Kind::Delay, method, pathPattern, count);
    fault.delay = delay;
    injectFault(fault);
}

void DaytonaEmulator::hangNext(const QByteArray& method, const QString& pathPattern, int count)
{
    injectFault(makeFault(DaytonaFault::Kind::Hang, method, pathPattern, count));
}

void DaytonaEmulator::malformNext(const QByteArray& method, const QString& pathPattern, int count)
{
    injectFault(makeFault(DaytonaFault::Kind::MalformedJson, method, pathPattern, count));
}

void DaytonaEmulator::clearFaults()
{
    d->faults.clear();
}

void DaytonaEmulator::stopSandboxExternally(const QString& id)
{
    auto sandbox = d->find(id);
    if (!sandbox)
        return;
    d->toolbox.dropSandbox(sandbox->id);
    d->provider.stopSandbox(sandbox->localName); // fire and forget; its processes end
    sandbox->desiredState = u"stopped"_s;
    d->setState(*sandbox, u"stopped"_s);
}

void DaytonaEmulator::setAutoStopMinute(std::chrono::milliseconds minute)
{
    d->autoStopMinute = minute;
    if (!d->autoStopTimer) {
        d->autoStopTimer = new QTimer(this);
        connect(d->autoStopTimer, &QTimer::timeout, this, [this] { stopIdleSandboxes(); });
    }
    if (minute.count() <= 0) {
        d->autoStopTimer->stop();
        return;
    }
    // The real check runs every 10 s, a sixth of a minute.
    d->autoStopTimer->start(std::max(minute / 6, std::chrono::milliseconds(1)));
}

void DaytonaEmulator::stopIdleSandboxes()
{
    const QDateTime now = QDateTime::currentDateTimeUtc();
    QStringList idle;
    for (const auto& sandbox : std::as_const(d->sandboxes)) {
        // The same conditions as the real query: started, meant to stay so, auto-stop on.
        if (sandbox->state != u"started"_s || sandbox->desiredState != u"started"_s ||
            sandbox->autoStopInterval <= 0)
            continue;
        if (sandbox->lastActivityAt.msecsTo(now) >= sandbox->autoStopInterval * d->autoStopMinute.count())
            idle.append(sandbox->id);
    }
    for (const QString& id : std::as_const(idle))
        stopSandboxExternally(id);
}

void DaytonaEmulator::setActivityRefreshInterval(std::chrono::milliseconds interval)
{
    d->activityRefreshInterval = interval;
}

int DaytonaEmulator::dropLogStreams(const QString& id)
{
    auto sandbox = d->find(id);
    return sandbox ? d->toolbox.dropLogStreams(sandbox->id) : 0;
}

int DaytonaEmulator::killSessionCommands(const QString& id)
{
    auto sandbox = d->find(id);
    return sandbox ? d->toolbox.killSessionCommands(sandbox->id) : 0;
}

void DaytonaEmulator::removeSandboxExternally(const QString& id)
{
    auto sandbox = d->find(id);
    if (!sandbox)
        return;
    d->toolbox.dropSandbox(sandbox->id);
    d->provider.deleteSandbox(sandbox->localName);
    d->forget(sandbox);
}

void DaytonaEmulator::setLogStreamClosesEarly(bool early)
{
    d->toolbox.setFollowMode(early ? daytona::Toolbox::FollowMode::CloseEarly
                                   : daytona::Toolbox::FollowMode::Normal);
}

void DaytonaEmulator::setLogStreamRefused(bool refused)
{
    d->toolbox.setFollowMode(refused ? daytona::Toolbox::FollowMode::Refuse
                                     : daytona::Toolbox::FollowMode::Normal);
}

void DaytonaEmulator::failNextSandboxCreate(const QString& reason, bool recoverable)
{
    d->nextStartFailure = reason;
    d->nextStartRecoverable = recoverable;
}

void DaytonaEmulator::setSandboxError(const QString& id, const QString& reason, bool recoverable)
{
    if (auto sandbox = d->find(id)) {
        sandbox->errorReason = reason;
        sandbox->recoverable = recoverable;
        sandbox->desiredState = u"error"_s;
        d->setState(*sandbox, u"error"_s);
    }
}

void DaytonaEmulator::setSandboxState(const QString& id, const QString& state, const QString& desiredState)
{
    if (auto sandbox = d->find(id)) {
        sandbox->desiredState = desiredState;
        d->setState(*sandbox, state);
    }
}

QList<DaytonaRequest> DaytonaEmulator::requests() const
{
    return d->requests.mid(d->cleared);
}

int DaytonaEmulator::requestCount() const
{
    return int(d->requests.size() - d->cleared);
}

void DaytonaEmulator::clearRequests()
{
    d->cleared = d->requests.size();
}

std::optional<QDateTime> DaytonaEmulator::lastActivity(const QString& id) const
{
    if (auto sandbox = d->find(id))
        return sandbox->lastActivityAt;
    return std::nullopt;
}

QString DaytonaEmulator::state(const QString& id) const
{
    auto sandbox = d->find(id);
    return sandbox ? sandbox->state : QString();
}

QList<QJsonObject> DaytonaEmulator::gitCloneBodies() const
{
    return d->toolbox.gitCloneBodies();
}

QString DaytonaEmulator::localSandboxName(const QString& id) const
{
    auto sandbox = d->find(id);
    return sandbox ? sandbox->localName : QString();
}

LocalProvider& DaytonaEmulator::provider()
{
    return d->provider;
}

} // namespace forge::test
