#include "PollInterval.h"

#include <algorithm>

namespace forge::github {

std::chrono::seconds suggestedPollInterval(const RateLimitInfo& limit, int pollers, const QDateTime& now)
{
    using std::chrono::seconds;
    if (limit.remaining < 0 || !limit.reset.isValid())
        return MinPollInterval;
    const qint64 untilReset = now.secsTo(limit.reset);
    if (untilReset <= 0)
        return MinPollInterval; // the window has already reset: a fresh budget
    const qint64 budget = limit.remaining / 2;
    if (budget == 0)
        return std::max(MinPollInterval, seconds(untilReset + 1));
    const qint64 polls = std::max(pollers, 1);
    const qint64 spacing = (untilReset * polls + budget - 1) / budget; // rounded up
    return std::max(MinPollInterval, seconds(spacing));
}

} // namespace forge::github
