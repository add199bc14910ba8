#pragma once

#include <QHostAddress>
#include <QList>
#include <QString>
#include <chrono>
#include <functional>
#include <memory>

namespace forge::ui {

// Where a host name points, asked of the system's resolver before a preview may send a request to
// it, so that a name cannot take a preview where an address may not (issue 16: a public name that
// resolves to 192.168.1.1, 127.0.0.1 or 169.254.169.254).
//
// Qt WebEngine asks its request interceptor on the GUI thread and needs an answer before it goes
// on, so check() waits, but only briefly: a name not known within `waitPerRequest`, or once the
// waiting of the last seconds has used up `waitBudget`, is answered Pending (the caller blocks the
// request; the lookup carries on and a reload finds the answer). A page that asks for thousands of
// names served by a slow DNS server therefore freezes the window for a bounded share of the time,
// not for minutes. Answers are remembered for `remember` (the resolver's own TTL is not available).
//
// What this cannot cover: Chromium looks the name up again when it connects, and Qt WebEngine 6.4
// tells the interceptor the URL, never the address connected to. A name whose answers change
// between the two lookups (DNS rebinding with a short TTL) can still reach a private address.
class ResolvedHostCheck final
{
public:
    // Looks `host` up and returns all its addresses (none when it does not resolve). It may block;
    // it runs on a thread of its own, never on the caller's.
    using Lookup = std::function<QList<QHostAddress>(const QString& host)>;

    struct Limits
    {
        std::chrono::milliseconds waitPerRequest{1000};
        // At most this much waiting in a burst; it comes back at a tenth of it per second.
        std::chrono::milliseconds waitBudget{2000};
        std::chrono::milliseconds remember{std::chrono::seconds(60)};
        std::chrono::milliseconds rememberUnresolved{std::chrono::seconds(10)};
        int concurrentLookups = 8;
    };

    enum class Outcome {
        Public,     // every address is public
        Local,      // an address on this machine or a private network (see localAddress)
        Unresolved, // the name does not resolve
        Pending,    // not known in time, or too many lookups under way
    };
    struct Answer
    {
        Outcome outcome = Outcome::Pending;
        QHostAddress localAddress; // for Local: the address that made it local
    };

    explicit ResolvedHostCheck(Lookup lookup = systemLookup());
    ResolvedHostCheck(Lookup lookup, Limits limits);
    ~ResolvedHostCheck();
    ResolvedHostCheck(const ResolvedHostCheck&) = delete;
    ResolvedHostCheck& operator=(const ResolvedHostCheck&) = delete;

    // Thread-safe. `host` is a name (not an address literal); case and a trailing dot do not matter.
    Answer check(const QString& host);

    // QHostInfo::fromName: the system's resolver, as Chromium's own lookups use by default.
    static Lookup systemLookup();

private:
    struct State;
    std::shared_ptr<State> d; // shared with lookups still under way when this goes
};

} // namespace forge::ui
