#include "SandboxIsolation.h"

using namespace Qt::StringLiterals;

namespace forge::SandboxIsolation {

namespace {

// The start of every message of this failure.
constexpr QStringView MessageStart = u"Repository code cannot be isolated on this computer";

} // namespace

QString unavailableMessage(const QString& reason)
{
    QString text = MessageStart.toString() + u": "_s + reason;
    if (!text.endsWith(u'.'))
        text += u'.';
    return text;
}

QString installAdvice()
{
    return u"Install bubblewrap and pasta (Debian/Ubuntu packages “bubblewrap” and “passt”: sudo apt "
           u"install bubblewrap passt) and make sure unprivileged user namespaces and /dev/net/tun are "
           u"available."_s;
}

Failure unavailable(const QString& reason)
{
    return Failure::permanent(unavailableMessage(reason), installAdvice());
}

bool isUnavailable(const Failure& failure)
{
    return !failure.isCancelled() && failure.message().startsWith(MessageStart);
}

Failure withChoice(const Failure& failure, const QString& howToRunWithoutIsolation)
{
    // The back end's advice names every front end's way; each front end says only its own.
    QString advice = installAdvice();
    if (!howToRunWithoutIsolation.isEmpty())
        advice += u' ' + howToRunWithoutIsolation;
    return Failure(failure.kind(), failure.message(), advice, failure.lastLines());
}

} // namespace forge::SandboxIsolation
