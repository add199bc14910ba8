#include "ui/preview/PreviewRequestInterceptor.h"

#include "ui/preview/PreviewOrigin.h"

#include <QMutexLocker>
#include <QWebEngineUrlRequestInfo>

using namespace Qt::StringLiterals;

namespace forge::ui {

PreviewRequestInterceptor::PreviewRequestInterceptor(QObject* parent)
    : QWebEngineUrlRequestInterceptor(parent)
    , m_rules(std::make_shared<const Rules>())
{}

void PreviewRequestInterceptor::setRules(Rules rules)
{
    auto next = std::make_shared<const Rules>(std::move(rules));
    QMutexLocker locker(&m_mutex);
    m_rules = std::move(next);
}

PreviewRequestInterceptor::Rules PreviewRequestInterceptor::rules() const
{
    return *snapshot();
}

std::shared_ptr<const PreviewRequestInterceptor::Rules> PreviewRequestInterceptor::snapshot() const
{
    QMutexLocker locker(&m_mutex);
    return m_rules;
}

PreviewRequestInterceptor::Decision PreviewRequestInterceptor::decide(const Rules& rules, const QUrl& url)
{
    const QString scheme = url.scheme().toLower();
    // data: and blob: stay inside the renderer; about: is blank/srcdoc. Neither reaches a host.
    if (scheme == "data"_L1 || scheme == "blob"_L1 || scheme == "about"_L1)
        return {Verdict::Allow, {}};
    if (!previeworigin::isNetworkScheme(scheme))
        return {Verdict::Block, u"%1: addresses are not available to previews"_s.arg(scheme)};

    if (previeworigin::isSameOrigin(url, rules.origin))
        return {rules.originHeaders.isEmpty() ? Verdict::Allow : Verdict::AllowWithHeaders, {}};

    if (previeworigin::isLocalNetworkHost(url.host())) {
        // A local preview's dev server is often reached as both 127.0.0.1 and localhost (Vite's
        // HMR client uses the name it was started with). Same port on the same loopback machine
        // is the same server, so it may be reached, but never gets the preview's headers.
        const bool originIsLoopback = previeworigin::isLocalNetworkHost(rules.origin.host());
        const QUrl asHttp = previeworigin::originOf(url);
        if (originIsLoopback && asHttp.isValid() && asHttp.scheme() == rules.origin.scheme() &&
            asHttp.port(-1) == rules.origin.port(-1) && url.host() != rules.origin.host()) {
            static const QStringList loopbackNames = {u"localhost"_s, u"127.0.0.1"_s, u"[::1]"_s, u"::1"_s};
            if (loopbackNames.contains(url.host().toLower()) &&
                loopbackNames.contains(rules.origin.host().toLower()))
                return {Verdict::Allow, {}};
        }
        return {Verdict::Block, u"%1 is on your computer or local network; previews may only reach their own "
                                u"server (%2)"_s.arg(url.host(QUrl::FullyEncoded), rules.origin.toString())};
    }
    return {Verdict::Allow, {}};
}

void PreviewRequestInterceptor::interceptRequest(QWebEngineUrlRequestInfo& info)
{
    const auto rules = snapshot();
    const QUrl url = info.requestUrl();
    const Decision decision = decide(*rules, url);
    switch (decision.verdict) {
    case Verdict::Allow:
        break;
    case Verdict::AllowWithHeaders:
        for (const auto& [name, value] : rules->originHeaders)
            info.setHttpHeader(name, value);
        break;
    case Verdict::Block:
        info.block(true);
        Q_EMIT requestBlocked(url.adjusted(QUrl::RemoveUserInfo), decision.reason);
        break;
    }
}

} // namespace forge::ui
