#pragma once

#include "ToolCache.h"

#include <QSettings>

namespace forge::ToolCacheSettings {

// The tool cache's size cap as Settings > Toolchains stores it (bytes), read by AppContext at start
// and whenever settings change.
inline constexpr auto SizeCapKey = "toolchains/sizeCapBytes";

// The cap the user chose, else ToolCache::DefaultSizeCap (also for a stored value that is not a
// positive number of bytes).
inline qint64 configuredSizeCap(const QSettings& settings)
{
    bool ok = false;
    const qint64 bytes = settings.value(QString::fromLatin1(SizeCapKey)).toLongLong(&ok);
    return ok && bytes > 0 ? bytes : ToolCache::DefaultSizeCap;
}

} // namespace forge::ToolCacheSettings
