#include "SandboxApi.h"

#include <QCoroTimer>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <algorithm>

using namespace Qt::StringLiterals;

namespace forge::daytona {

namespace {

QJsonObject toObject(const QMap<QString, QString>& map)
{
    QJsonObject object;
    for (auto it = map.constBegin(); it != map.constEnd(); ++it)
        object.insert(it.key(), it.value());
    return object;
}

QJsonObject expectObject(const QJsonValue& value, const QString& what)
{
    if (!value.isObject())
        throw DaytonaError(DaytonaError::Kind::MalformedResponse,
                           u"Daytona answered %1 with JSON of an unexpected shape (no object). Check that "
                           u"DAYTONA_API_URL points to the Daytona API, then retry."_s.arg(what));
    return value.toObject();
}

} // namespace

QString CreateSandboxParams::validationError() const
{
    if (!snapshot.isEmpty() && !image.isEmpty())
        return u"Choose either a snapshot or an image for the sandbox, not both."_s;
    const bool resources = cpu || memory || disk;
    if (resources && image.isEmpty())
        return u"CPU, memory and disk can only be set when building from an image; with a snapshot, pick a "
               u"sized snapshot such as daytona-small, daytona-medium or daytona-large."_s;
    for (const auto& value : {cpu, memory, disk}) {
        if (value && *value <= 0)
            return u"CPU, memory and disk must be positive whole numbers."_s;
    }
    return {};
}

QJsonObject CreateSandboxParams::toJson(const QString& defaultTarget) const
{
    QJsonObject body;
    if (!name.isEmpty())
        body.insert(u"name"_s, name);
    if (!snapshot.isEmpty())
        body.insert(u"snapshot"_s, snapshot);
    if (!image.isEmpty()) {
        // docs/daytona-api.md §4: REST has no `image`; the SDK sends a one-line Dockerfile.
        body.insert(u"buildInfo"_s, QJsonObject{{u"dockerfileContent"_s, u"FROM %1\n"_s.arg(image)}});
    }
    if (cpu)
        body.insert(u"cpu"_s, *cpu);
    if (memory)
        body.insert(u"memory"_s, *memory);
    if (disk)
        body.insert(u"disk"_s, *disk);
    if (!labels.isEmpty())
        body.insert(u"labels"_s, toObject(labels));
    if (!env.isEmpty())
        body.insert(u"env"_s, toObject(env));
    if (isPublic)
        body.insert(u"public"_s, *isPublic);
    const QString effectiveTarget = target.isEmpty() ? defaultTarget : target;
    if (!effectiveTarget.isEmpty())
        body.insert(u"target"_s, effectiveTarget);
    if (autoStopInterval)
        body.insert(u"autoStopInterval"_s, *autoStopInterval);
    if (autoArchiveInterval)
        body.insert(u"autoArchiveInterval"_s, *autoArchiveInterval);
    if (autoDeleteInterval)
        body.insert(u"autoDeleteInterval"_s, *autoDeleteInterval);
    return body;
}

std::chrono::milliseconds PollPolicy::next(std::chrono::milliseconds current,
                                           std::chrono::milliseconds elapsed) const
{
    if (elapsed < slowDownAfter)
        return current;
    const auto grown =
        std::chrono::milliseconds(static_cast<qint64>(static_cast<double>(current.count()) * factor));
    return std::min(std::max(grown, current), cap);
}

SandboxApi::SandboxApi(DaytonaHttp& http)
    : m_http(http)
{}

QList<Sandbox> SandboxApi::parseList(const QJsonValue& value, QString* nextCursor)
{
    // docs/daytona-api.md §3: >= v0.180 answers {items, nextCursor}; older servers a plain array.
    QJsonArray array;
    if (value.isArray()) {
        array = value.toArray();
    } else if (value.isObject() && value.toObject().value(u"items"_s).isArray()) {
        array = value.toObject().value(u"items"_s).toArray();
        if (nextCursor)
            *nextCursor = value.toObject().value(u"nextCursor"_s).toString();
    } else {
        throw DaytonaError(DaytonaError::Kind::MalformedResponse,
                           u"Daytona's sandbox list is neither a list nor a page of items. Check that "
                           u"DAYTONA_API_URL points to the Daytona API, then retry."_s);
    }
    QList<Sandbox> sandboxes;
    for (const QJsonValue& item : std::as_const(array)) {
        if (item.isObject())
            sandboxes << Sandbox::fromJson(item.toObject());
    }
    return sandboxes;
}

QCoro::Task<Sandbox> SandboxApi::sandboxFrom(HttpRequest request)
{
    const QString what = QString::fromLatin1(request.method) + u' ' + request.url.path();
    const QJsonValue value = co_await m_http.sendJson(std::move(request));
    co_return Sandbox::fromJson(expectObject(value, what));
}

QCoro::Task<Sandbox> SandboxApi::create(CreateSandboxParams params)
{
    const QString invalid = params.validationError();
    if (!invalid.isEmpty())
        throw DaytonaError(DaytonaError::Kind::InvalidArgument, invalid);
    HttpRequest request;
    request.method = "POST";
    request.url = m_http.apiUrl(u"/sandbox"_s);
    request.body = QJsonDocument(params.toJson(m_http.config().target)).toJson(QJsonDocument::Compact);
    request.timeout = m_http.config().lifecycleTimeout; // the server may hold the answer 30 s
    co_return co_await sandboxFrom(std::move(request));
}

QCoro::Task<Sandbox> SandboxApi::get(QString idOrName)
{
    HttpRequest request;
    request.url = m_http.apiUrl(u"/sandbox/"_s + DaytonaHttp::segment(idOrName));
    co_return co_await sandboxFrom(std::move(request));
}

QCoro::Task<SandboxPage> SandboxApi::list(ListSandboxesQuery query)
{
    QUrlQuery urlQuery;
    if (!query.labels.isEmpty()) {
        const QByteArray labels = QJsonDocument(toObject(query.labels)).toJson(QJsonDocument::Compact);
        urlQuery.addQueryItem(u"labels"_s,
                              QString::fromLatin1(QUrl::toPercentEncoding(QString::fromUtf8(labels))));
    }
    if (!query.cursor.isEmpty())
        urlQuery.addQueryItem(u"cursor"_s, QString::fromLatin1(QUrl::toPercentEncoding(query.cursor)));
    if (query.limit > 0)
        urlQuery.addQueryItem(u"limit"_s, QString::number(query.limit));
    HttpRequest request;
    request.url = m_http.apiUrl(u"/sandbox"_s, urlQuery);
    const QJsonValue value = co_await m_http.sendJson(std::move(request));
    SandboxPage page;
    page.items = parseList(value, &page.nextCursor);
    co_return page;
}

QCoro::Task<QList<Sandbox>> SandboxApi::listAll(QMap<QString, QString> labels, int maxPages)
{
    QList<Sandbox> all;
    ListSandboxesQuery query;
    query.labels = labels;
    QStringList seenCursors;
    for (int page = 0; page < maxPages; ++page) {
        const SandboxPage result = co_await list(query);
        all += result.items;
        if (result.nextCursor.isEmpty() || seenCursors.contains(result.nextCursor))
            co_return all;
        seenCursors << result.nextCursor;
        query.cursor = result.nextCursor;
    }
    co_return all;
}

QCoro::Task<Sandbox> SandboxApi::lifecycle(QByteArray method, QString path, QUrlQuery query,
                                           std::optional<std::chrono::milliseconds> timeout)
{
    HttpRequest request;
    request.method = std::move(method);
    request.url = m_http.apiUrl(path, query);
    request.timeout = timeout;
    co_return co_await sandboxFrom(std::move(request));
}

QCoro::Task<Sandbox> SandboxApi::start(QString idOrName)
{
    co_return co_await lifecycle("POST", u"/sandbox/%1/start"_s.arg(DaytonaHttp::segment(idOrName)), {},
                                 m_http.config().lifecycleTimeout);
}

QCoro::Task<Sandbox> SandboxApi::stop(QString idOrName, bool force)
{
    QUrlQuery query;
    if (force)
        query.addQueryItem(u"force"_s, u"true"_s);
    co_return co_await lifecycle("POST", u"/sandbox/%1/stop"_s.arg(DaytonaHttp::segment(idOrName)), query);
}

QCoro::Task<Sandbox> SandboxApi::archive(QString idOrName)
{
    co_return co_await lifecycle("POST", u"/sandbox/%1/archive"_s.arg(DaytonaHttp::segment(idOrName)));
}

QCoro::Task<Sandbox> SandboxApi::recover(QString idOrName)
{
    co_return co_await lifecycle("POST", u"/sandbox/%1/recover"_s.arg(DaytonaHttp::segment(idOrName)), {},
                                 m_http.config().lifecycleTimeout);
}

QCoro::Task<Sandbox> SandboxApi::remove(QString idOrName)
{
    HttpRequest request;
    request.method = "DELETE";
    request.url = m_http.apiUrl(u"/sandbox/"_s + DaytonaHttp::segment(idOrName));
    const QJsonValue value = co_await m_http.sendJson(std::move(request), /*allowEmpty=*/true);
    // docs/daytona-api.md §3 says 200 with the Sandbox; tolerate an empty answer from older servers.
    Sandbox sandbox = value.isObject() ? Sandbox::fromJson(value.toObject()) : Sandbox{};
    if (sandbox.id.isEmpty())
        sandbox.id = idOrName;
    co_return sandbox;
}

QCoro::Task<> SandboxApi::refreshActivity(QString id)
{
    HttpRequest request;
    request.method = "POST";
    request.url = m_http.apiUrl(u"/sandbox/%1/last-activity"_s.arg(DaytonaHttp::segment(id)));
    co_await m_http.send(std::move(request));
}

QCoro::Task<> SandboxApi::setLabels(QString idOrName, QMap<QString, QString> labels)
{
    QJsonObject body;
    body.insert(u"labels"_s, toObject(labels));
    HttpRequest request;
    request.method = "PUT";
    request.url = m_http.apiUrl(u"/sandbox/%1/labels"_s.arg(DaytonaHttp::segment(idOrName)));
    request.body = QJsonDocument(body).toJson(QJsonDocument::Compact);
    co_await m_http.send(std::move(request));
}

QCoro::Task<> SandboxApi::setAutoStopInterval(QString idOrName, int minutes)
{
    if (minutes < 0)
        throw DaytonaError(
            DaytonaError::Kind::InvalidArgument,
            u"The auto-stop interval is in minutes and cannot be negative; use 0 to disable it."_s);
    HttpRequest request;
    request.method = "POST";
    request.url =
        m_http.apiUrl(u"/sandbox/%1/autostop/%2"_s.arg(DaytonaHttp::segment(idOrName)).arg(minutes));
    co_await m_http.send(std::move(request));
}

QCoro::Task<QString> SandboxApi::toolboxProxyUrl(QString id)
{
    HttpRequest request;
    request.url = m_http.apiUrl(u"/sandbox/%1/toolbox-proxy-url"_s.arg(DaytonaHttp::segment(id)));
    const QJsonValue value = co_await m_http.sendJson(std::move(request));
    const QString url = expectObject(value, u"toolbox-proxy-url"_s).value(u"url"_s).toString();
    const QUrl parsed(url, QUrl::StrictMode);
    if (url.isEmpty() || !parsed.isValid() || parsed.host().isEmpty())
        throw DaytonaError(DaytonaError::Kind::MalformedResponse,
                           u"Daytona answered with no usable toolbox address for sandbox %1. Retry; if it "
                           u"persists, check the sandbox in the Daytona dashboard."_s.arg(id));
    co_return url;
}

QCoro::Task<PreviewLink> SandboxApi::previewUrl(QString idOrName, int port)
{
    if (port < 1 || port > 65535)
        throw DaytonaError(DaytonaError::Kind::InvalidArgument,
                           u"Port %1 is out of range: use a port between 1 and 65535."_s.arg(port));
    HttpRequest request;
    request.url =
        m_http.apiUrl(u"/sandbox/%1/ports/%2/preview-url"_s.arg(DaytonaHttp::segment(idOrName)).arg(port));
    const QJsonValue value = co_await m_http.sendJson(std::move(request));
    const QJsonObject object = expectObject(value, u"preview-url"_s);
    PreviewLink link{object.value(u"sandboxId"_s).toString(),
                     QUrl(object.value(u"url"_s).toString(), QUrl::StrictMode),
                     object.value(u"token"_s).toString()};
    if (!link.url.isValid() || link.url.isEmpty())
        throw DaytonaError(
            DaytonaError::Kind::MalformedResponse,
            u"Daytona's preview link for port %1 has no valid url. Retry; if it persists, check "
            u"the sandbox in the Daytona dashboard."_s.arg(port));
    co_return link;
}

QCoro::Task<PreviewLink> SandboxApi::signedPreviewUrl(QString idOrName, int port, int expiresInSeconds)
{
    if (port < 1 || port > 65535 || expiresInSeconds < 1 || expiresInSeconds > 86400)
        throw DaytonaError(DaytonaError::Kind::InvalidArgument,
                           u"Use a port between 1 and 65535 and an expiry between 1 and 86400 seconds."_s);
    QUrlQuery query;
    query.addQueryItem(u"expiresInSeconds"_s, QString::number(expiresInSeconds));
    HttpRequest request;
    request.url = m_http.apiUrl(
        u"/sandbox/%1/ports/%2/signed-preview-url"_s.arg(DaytonaHttp::segment(idOrName)).arg(port), query);
    const QJsonValue value = co_await m_http.sendJson(std::move(request));
    const QJsonObject object = expectObject(value, u"signed-preview-url"_s);
    const QUrl url(object.value(u"url"_s).toString(), QUrl::StrictMode);
    if (!url.isValid() || url.isEmpty())
        throw DaytonaError(DaytonaError::Kind::MalformedResponse,
                           u"Daytona's signed preview link for port %1 has no valid url. Retry."_s.arg(port));
    co_return PreviewLink{object.value(u"sandboxId"_s).toString(), url, object.value(u"token"_s).toString()};
}

QCoro::Task<Sandbox> SandboxApi::waitForState(QString id, QStringList wanted,
                                              std::chrono::milliseconds timeout)
{
    const auto reached = [wanted](const Sandbox& sandbox) { return wanted.contains(sandbox.state); };
    co_return co_await pollUntil(id, reached, true, wanted.join(u'/'), timeout);
}

QCoro::Task<Sandbox> SandboxApi::waitUntilSettled(QString id, std::chrono::milliseconds timeout)
{
    const auto settled = [](const Sandbox& sandbox) { return sandbox.isSettled() || sandbox.isFailed(); };
    co_return co_await pollUntil(id, settled, false, u"the end of its state change"_s, timeout);
}

namespace {

DaytonaError sandboxFailed(const QString& id, const Sandbox& sandbox)
{
    const QString reason = sandbox.errorReason.isEmpty() ? u"no reason given"_s : sandbox.errorReason;
    const QString advice = sandbox.recoverable
                               ? u"It is recoverable: recover it or delete it and create a new one."_s
                               : u"Delete it and create a new one; check the image or snapshot if it "
                                 u"failed to build."_s;
    return DaytonaError(
        DaytonaError::Kind::SandboxFailed,
        u"Sandbox %1 failed with status: %2, error reason: %3. %4"_s.arg(id, sandbox.state, reason, advice));
}

} // namespace

QCoro::Task<Sandbox> SandboxApi::pollUntil(QString id, std::function<bool(const Sandbox&)> done,
                                           bool failIfFailed, QString goal, std::chrono::milliseconds timeout)
{
    QElapsedTimer clock;
    clock.start();
    auto interval = m_poll.initial;
    QString lastState;
    for (;;) {
        Sandbox sandbox;
        std::optional<DaytonaError> notFound;
        bool polled = true;
        try {
            sandbox = co_await get(id);
        } catch (const DaytonaError& error) {
            if (error.kind() == DaytonaError::Kind::NotFound)
                notFound = error;
            else if (error.isTransient())
                polled = false;
            else
                throw;
        }
        if (notFound) {
            // The SDK reads a 404 after delete as destroyed; for any other goal it is the error.
            sandbox.id = id;
            sandbox.state = sandbox.desiredState = QString::fromLatin1(SandboxState::Destroyed);
            if (!done(sandbox))
                throw *notFound;
            co_return sandbox;
        }
        if (polled)
            lastState = sandbox.state;
        if (polled && done(sandbox))
            co_return sandbox;
        if (polled && failIfFailed && sandbox.isFailed())
            throw sandboxFailed(id, sandbox);
        const auto elapsed = std::chrono::milliseconds(clock.elapsed());
        if (elapsed >= timeout)
            break;
        const auto remaining = timeout - elapsed;
        co_await QCoro::sleepFor(std::min(interval, remaining));
        interval = m_poll.next(interval, std::chrono::milliseconds(clock.elapsed()));
    }
    throw DaytonaError(
        DaytonaError::Kind::Timeout,
        u"Sandbox %1 did not reach %2 within %3 s (last state: %4). Retry with a longer timeout "
        u"or check the sandbox in the Daytona dashboard."_s.arg(
            id, goal, QString::number(timeout.count() / 1000.0), lastState));
}

} // namespace forge::daytona
