#include "Backoff.h"

#include <QRandomGenerator>
#include <algorithm>
#include <cmath>

namespace forge {

using std::chrono::milliseconds;

Backoff::Backoff(milliseconds base, milliseconds cap, int maxRetries, Random random)
    : m_base(std::max(base, milliseconds{0}))
    , m_cap(std::max(cap, milliseconds{0}))
    , m_maxRetries(std::max(maxRetries, 0))
    , m_random(std::move(random))
{
    if (!m_random) {
        // The global generator is seeded from the system's entropy source and is thread-safe, so
        // clients on different threads or machines do not retry in step.
        m_random = [] { return QRandomGenerator::global()->generateDouble(); };
    }
}

milliseconds Backoff::delayFor(int retry, milliseconds serverHint) const
{
    const int n = std::max(retry, 1);
    const long long base = m_base.count();
    const long long cap = m_cap.count();

    // min(cap, base * 2^n) without ever computing a product that could overflow: base * 2^n stays
    // below cap exactly when base <= cap >> n (for n < 63; beyond that 2^n alone overflows).
    long long ceiling = cap;
    if (n < 63 && base <= (cap >> n))
        ceiling = base << n;

    double r = m_random();
    // A broken or hostile Random must not produce a negative or an over-cap delay.
    if (!(r >= 0.0)) // also catches NaN
        r = 0.0;
    if (r > 1.0)
        r = 1.0;
    long long delay = std::llround(r * static_cast<double>(ceiling));
    delay = std::clamp(delay, 0LL, ceiling);

    // The server knows its own load: a longer Retry-After wins over our guess.
    if (serverHint.count() >= 0 && serverHint.count() > delay)
        delay = serverHint.count();
    return milliseconds{delay};
}

} // namespace forge
