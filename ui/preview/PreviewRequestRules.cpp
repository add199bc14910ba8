#include "ui/preview/PreviewRequestRules.h"

#include "ui/preview/PreviewOrigin.h"
#include "ui/preview/ResolvedHostCheck.h"

#include <QHostAddress>
#include <QStringList>

using namespace Qt::StringLiterals;

namespace forge::ui::previewrequests {

namespace {

Decision blocked(QString reason)
{
    return {Verdict::Block, std::move(reason)};
}

QString ownServer(const Rules& rules)
{
    return u"previews may only reach their own server (%1)"_s.arg(rules.origin.toString());
}

// A request to a loopback address or localhost that is not the origin itself.
Decision decideLocal(const Rules& rules, const QUrl& url)
{
    // A local preview's dev server is often reached as both 127.0.0.1 and localhost (Vite's HMR
    // client uses the name it was started with). Same port on the same loopback machine is the same
    // server, so it may be reached, but never gets the preview's headers.
    const bool originIsLoopback = previeworigin::isLocalNetworkHost(rules.origin.host());
    const QUrl asHttp = previeworigin::originOf(url);
    if (originIsLoopback && asHttp.isValid() && asHttp.scheme() == rules.origin.scheme() &&
        asHttp.port(-1) == rules.origin.port(-1) && url.host() != rules.origin.host()) {
        static const QStringList loopbackNames = {u"localhost"_s, u"127.0.0.1"_s, u"[::1]"_s, u"::1"_s};
        if (loopbackNames.contains(url.host().toLower()) &&
            loopbackNames.contains(rules.origin.host().toLower()))
            return {Verdict::Allow, {}};
    }
    return blocked(
        u"%1 is on your computer or local network; %2"_s.arg(url.host(QUrl::FullyEncoded), ownServer(rules)));
}

// A request to another host given by name: where does the name point?
Decision decideName(const Rules& rules, const QString& host, ResolvedHostCheck& names)
{
    const ResolvedHostCheck::Answer answer = names.check(host);
    switch (answer.outcome) {
    case ResolvedHostCheck::Outcome::Public:
        return {Verdict::Allow, {}};
    case ResolvedHostCheck::Outcome::Local:
        return blocked(u"%1 points to %2, which is on your computer or local network; %3"_s.arg(
            host, answer.localAddress.toString(), ownServer(rules)));
    case ResolvedHostCheck::Outcome::Unresolved:
        return blocked(u"%1 could not be looked up, so it cannot be checked that it is not on your "
                       u"computer or local network"_s.arg(host));
    case ResolvedHostCheck::Outcome::Pending:
        break;
    }
    return blocked(u"%1 was not looked up in time; it stays blocked until it is known not to be on your "
                   u"computer or local network (reload the preview to try again)"_s.arg(host));
}

} // namespace

Decision decide(const Rules& rules, const QUrl& url, ResolvedHostCheck* names)
{
    const QString scheme = url.scheme().toLower();
    // data: and blob: stay inside the renderer; about: is blank/srcdoc. Neither reaches a host.
    if (scheme == "data"_L1 || scheme == "blob"_L1 || scheme == "about"_L1)
        return {Verdict::Allow, {}};
    if (!previeworigin::isNetworkScheme(scheme))
        return blocked(u"%1: addresses are not available to previews"_s.arg(scheme));

    if (previeworigin::isSameOrigin(url, rules.origin))
        return {rules.originHeaders.isEmpty() ? Verdict::Allow : Verdict::AllowWithHeaders, {}};

    const QString host = url.host(QUrl::FullyEncoded);
    if (host.isEmpty())
        return blocked(u"%1 names no host"_s.arg(url.toString(QUrl::RemoveUserInfo)));
    if (previeworigin::isLocalNetworkHost(url.host()))
        return decideLocal(rules, url);
    // An address that is not local is public; only names need a look-up.
    if (QHostAddress(url.host()).isNull() && names)
        return decideName(rules, host, *names);
    return {Verdict::Allow, {}};
}

} // namespace forge::ui::previewrequests
