#include "ui/preview/ResolvedHostCheck.h"

#include "ui/preview/PreviewOrigin.h"

#include <QDeadlineTimer>
#include <QElapsedTimer>
#include <QHash>
#include <QHostInfo>
#include <QMutex>
#include <QMutexLocker>
#include <QWaitCondition>
#include <algorithm>
#include <thread>

namespace forge::ui {

namespace {

// Answers kept at most; the oldest finished ones go first. A page that makes up names cannot grow
// the cache without bound.
constexpr qsizetype MaxRemembered = 4096;

QString normalised(const QString& host)
{
    QString name = host.toLower();
    if (name.endsWith(u'.'))
        name.chop(1);
    return name;
}

ResolvedHostCheck::Answer classify(const QList<QHostAddress>& addresses)
{
    if (addresses.isEmpty())
        return {ResolvedHostCheck::Outcome::Unresolved, {}};
    // One private address is enough: Chromium may pick any of them.
    for (const QHostAddress& address : addresses) {
        if (previeworigin::isLocalNetworkAddress(address))
            return {ResolvedHostCheck::Outcome::Local, address};
    }
    return {ResolvedHostCheck::Outcome::Public, {}};
}

} // namespace

struct ResolvedHostCheck::State
{
    struct Entry
    {
        bool done = false;
        Answer answer;
        QDeadlineTimer expires;
        qint64 finishedAt = 0; // clock time, for pruning
    };

    Lookup lookup;
    Limits limits;
    QMutex mutex;
    QWaitCondition answered;
    QHash<QString, Entry> entries;
    int running = 0;
    double budgetMs = 0;
    QElapsedTimer clock;
    qint64 refilledAt = 0;

    void refillBudget() // under mutex
    {
        const qint64 now = clock.elapsed();
        const double capacity = double(limits.waitBudget.count());
        budgetMs = std::min(capacity, budgetMs + double(now - refilledAt) * capacity / 10'000.0);
        refilledAt = now;
    }

    void prune() // under mutex
    {
        if (entries.size() < MaxRemembered)
            return;
        for (auto it = entries.begin(); it != entries.end();) {
            if (it->done && it->expires.hasExpired())
                it = entries.erase(it);
            else
                ++it;
        }
        while (entries.size() >= MaxRemembered) {
            auto oldest = entries.end();
            for (auto it = entries.begin(); it != entries.end(); ++it) {
                if (it->done && (oldest == entries.end() || it->finishedAt < oldest->finishedAt))
                    oldest = it;
            }
            if (oldest == entries.end())
                break; // all under way; bounded by concurrentLookups
            entries.erase(oldest);
        }
    }

    static void start(const std::shared_ptr<State>& state, const QString& host) // under mutex
    {
        ++state->running;
        // A plain thread, detached: a lookup stuck on a dead DNS server must not hold up anything,
        // the application's exit included. It keeps the state alive until it is done.
        std::thread([state, host] {
            const QList<QHostAddress> addresses = state->lookup(host);
            QMutexLocker locker(&state->mutex);
            --state->running;
            Entry& entry = state->entries[host];
            entry.done = true;
            entry.answer = classify(addresses);
            entry.expires =
                QDeadlineTimer(entry.answer.outcome == Outcome::Unresolved ? state->limits.rememberUnresolved
                                                                           : state->limits.remember);
            entry.finishedAt = state->clock.elapsed();
            state->answered.wakeAll();
        }).detach();
    }
};

ResolvedHostCheck::ResolvedHostCheck(Lookup lookup)
    : ResolvedHostCheck(std::move(lookup), Limits{})
{}

ResolvedHostCheck::ResolvedHostCheck(Lookup lookup, Limits limits)
    : d(std::make_shared<State>())
{
    d->lookup = std::move(lookup);
    d->limits = limits;
    d->budgetMs = double(limits.waitBudget.count());
    d->clock.start();
}

ResolvedHostCheck::~ResolvedHostCheck() = default;

ResolvedHostCheck::Answer ResolvedHostCheck::check(const QString& rawHost)
{
    const QString host = normalised(rawHost);
    QMutexLocker locker(&d->mutex);
    auto it = d->entries.find(host);
    if (it != d->entries.end() && it->done && !it->expires.hasExpired())
        return it->answer;
    if (it == d->entries.end() || it->done) { // new, or known but expired: look it up (again)
        if (d->running >= d->limits.concurrentLookups)
            return {};
        d->prune();
        d->entries.insert(host, {});
        State::start(d, host);
    }

    d->refillBudget();
    const auto wait = std::min<qint64>(d->limits.waitPerRequest.count(), qint64(d->budgetMs));
    const QDeadlineTimer deadline(std::max<qint64>(wait, 0));
    QElapsedTimer waited;
    waited.start();
    while (!d->entries.value(host).done && !deadline.hasExpired())
        d->answered.wait(&d->mutex, deadline);
    d->budgetMs -= double(waited.elapsed());
    const State::Entry entry = d->entries.value(host);
    return entry.done ? entry.answer : Answer{};
}

ResolvedHostCheck::Lookup ResolvedHostCheck::systemLookup()
{
    return [](const QString& host) {
        const QHostInfo info = QHostInfo::fromName(host);
        return info.error() == QHostInfo::NoError ? info.addresses() : QList<QHostAddress>{};
    };
}

} // namespace forge::ui
