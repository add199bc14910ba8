#include "ui/preview/PreviewRequestInterceptor.h"

#include "ui/preview/ResolvedHostCheck.h"

#include <QMutexLocker>
#include <QWebEngineUrlRequestInfo>

using namespace Qt::StringLiterals;

namespace forge::ui {

PreviewRequestInterceptor::PreviewRequestInterceptor(QObject* parent)
    : QWebEngineUrlRequestInterceptor(parent)
    , m_rules(std::make_shared<const Rules>())
    , m_names(std::make_shared<ResolvedHostCheck>())
{}

PreviewRequestInterceptor::~PreviewRequestInterceptor() = default;

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

void PreviewRequestInterceptor::setHostCheck(std::shared_ptr<ResolvedHostCheck> names)
{
    QMutexLocker locker(&m_mutex);
    m_names = std::move(names);
}

std::shared_ptr<const PreviewRequestInterceptor::Rules> PreviewRequestInterceptor::snapshot() const
{
    QMutexLocker locker(&m_mutex);
    return m_rules;
}

std::shared_ptr<ResolvedHostCheck> PreviewRequestInterceptor::hostCheck() const
{
    QMutexLocker locker(&m_mutex);
    return m_names;
}

void PreviewRequestInterceptor::interceptRequest(QWebEngineUrlRequestInfo& info)
{
    const auto rules = snapshot();
    const auto names = hostCheck();
    const QUrl url = info.requestUrl();
    const Decision decision = decide(*rules, url, names.get());
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
