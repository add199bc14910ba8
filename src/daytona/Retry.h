#pragma once

#include "DaytonaError.h"
#include "core/Backoff.h"

#include <QCoroTask>
#include <QCoroTimer>
#include <functional>
#include <optional>

namespace forge::daytona {

using RetryObserver =
    std::function<void(const DaytonaError& error, int retry, std::chrono::milliseconds delay)>;

// Runs `call` again after transient failures (5xx, 429, a lifecycle race, timeout, network; see
// DaytonaError::isTransient) with the backoff's delays, waiting at least what a Retry-After header
// asked for. Permanent failures and the last transient one are rethrown. The client never retries on
// its own: whether a call is safe to repeat (a create is not idempotent) is the caller's decision.
template<typename T>
QCoro::Task<T> retryTransient(std::function<QCoro::Task<T>()> call, Backoff backoff,
                              RetryObserver observer = {})
{
    for (int retry = 1;; ++retry) {
        std::optional<DaytonaError> failure;
        try {
            co_return co_await call();
        } catch (const DaytonaError& error) {
            if (!error.isTransient() || !backoff.allows(retry))
                throw;
            failure = error;
        }
        const auto retryAfter = failure->retryAfter();
        const auto hint = retryAfter ? std::chrono::duration_cast<std::chrono::milliseconds>(*retryAfter)
                                     : std::chrono::milliseconds(-1);
        const auto delay = backoff.delayFor(retry, hint);
        if (observer)
            observer(*failure, retry, delay);
        co_await QCoro::sleepFor(delay);
    }
}

} // namespace forge::daytona
