#pragma once

#include "ui/preview/PreviewRequestRules.h"

#include <QMutex>
#include <QUrl>
#include <QWebEngineUrlRequestInterceptor>
#include <memory>

namespace forge::ui {

class ResolvedHostCheck;

// Applies the preview's request rules (PreviewRequestRules.h: the preview's headers to its origin
// only; nothing on the user's machine or private network, by address or by a name that resolves
// there; no non-network schemes) to every request a preview page makes: documents, subresources,
// fetch/XHR and WebSocket handshakes.
// interceptRequest() stalls the request until it returns (Qt 6 calls it on the GUI thread), so it
// reads an immutable snapshot of the rules (swapped under a mutex), waits for a name's look-up only
// as long as ResolvedHostCheck allows, and emits a signal, which receivers must take with a queued
// connection.
class PreviewRequestInterceptor final : public QWebEngineUrlRequestInterceptor
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(PreviewRequestInterceptor)
public:
    using HeaderList = previewrequests::HeaderList;
    using Rules = previewrequests::Rules;
    using Verdict = previewrequests::Verdict;
    using Decision = previewrequests::Decision;

    explicit PreviewRequestInterceptor(QObject* parent = nullptr);
    ~PreviewRequestInterceptor() override;

    void setRules(Rules rules);
    Rules rules() const;
    // Where names are looked up (the system's resolver unless a test says otherwise).
    void setHostCheck(std::shared_ptr<ResolvedHostCheck> names);

    // The decision alone, without a request object (shared with tests); see previewrequests::decide.
    static Decision decide(const Rules& rules, const QUrl& requestUrl, ResolvedHostCheck* names = nullptr)
    {
        return previewrequests::decide(rules, requestUrl, names);
    }

    void interceptRequest(QWebEngineUrlRequestInfo& info) override;

Q_SIGNALS:
    // Emitted from the thread that intercepted; connect with Qt::QueuedConnection.
    void requestBlocked(const QUrl& url, const QString& reason);

private:
    std::shared_ptr<const Rules> snapshot() const;
    std::shared_ptr<ResolvedHostCheck> hostCheck() const;

    mutable QMutex m_mutex;
    std::shared_ptr<const Rules> m_rules;
    std::shared_ptr<ResolvedHostCheck> m_names;
};

} // namespace forge::ui
