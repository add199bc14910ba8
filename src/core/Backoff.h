#pragma once

#include <chrono>
#include <functional>

namespace forge {

// Exponential backoff with full jitter (AWS, "Exponential Backoff And Jitter"): the n-th retry
// waits a uniformly random time in [0, min(cap, base * 2^n)], so many clients retrying together do
// not stay in step. A server's Retry-After wins when it is longer.
class Backoff final
{
public:
    using Random = std::function<double()>; // returns a value in [0, 1)

    Backoff(std::chrono::milliseconds base, std::chrono::milliseconds cap, int maxRetries,
            Random random = {});

    int maxRetries() const { return m_maxRetries; }
    // Whether retry number `retry` (1-based) is still allowed.
    bool allows(int retry) const { return retry >= 1 && retry <= m_maxRetries; }
    // The wait before retry number `retry` (1-based); at least `serverHint` when one was given.
    std::chrono::milliseconds
    delayFor(int retry, std::chrono::milliseconds serverHint = std::chrono::milliseconds{-1}) const;

private:
    std::chrono::milliseconds m_base;
    std::chrono::milliseconds m_cap;
    int m_maxRetries;
    Random m_random;
};

} // namespace forge
