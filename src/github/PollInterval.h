#pragma once

#include "GitHubParsing.h"

#include <QDateTime>
#include <chrono>

namespace forge::github {

// Never poll more often than this, whatever the rate limit would allow: a pull request's new
// commits show within a minute, and GitHub asks clients not to poll in tight loops.
inline constexpr std::chrono::seconds MinPollInterval{60};

// How long to wait before the next poll, given the rate limit the last answer carried: `pollers`
// polls at this pace spend at most half of what is left before the window resets, keeping the other
// half for what the user does meanwhile. A poll answered 304 costs nothing, but the pace has to
// hold when every poll finds a change. An unknown limit gets the floor; one used up waits for the
// reset.
std::chrono::seconds suggestedPollInterval(const RateLimitInfo& limit, int pollers = 1,
                                           const QDateTime& now = QDateTime::currentDateTimeUtc());

} // namespace forge::github
