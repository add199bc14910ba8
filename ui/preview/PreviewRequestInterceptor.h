#pragma once

#include <QByteArray>
#include <QList>
#include <QMutex>
#include <QPair>
#include <QUrl>
#include <QWebEngineUrlRequestInterceptor>
#include <memory>

namespace forge::ui {

// Decides, for every request a preview page makes (documents, subresources, fetch/XHR and
// WebSocket handshakes), whether it may go out and which headers it carries:
//  - the preview's auth headers (Daytona's preview token) are added only when scheme, host and
//    port equal the preview origin exactly, so no other site ever sees them;
//  - requests to other hosts on the user's machine or private network are blocked (a previewed
//    page must not port-scan the user's machine or reach their router);
//  - file:, qrc: and every other non-network scheme is blocked.
// interceptRequest() may run on a Chromium thread and stalls the request until it returns, so it
// only reads an immutable snapshot of the rules (swapped under a mutex) and emits a signal, which
// receivers must take with a queued connection.
class PreviewRequestInterceptor : public QWebEngineUrlRequestInterceptor
{
    Q_OBJECT
public:
    using HeaderList = QList<QPair<QByteArray, QByteArray>>;

    struct Rules
    {
        QUrl origin; // scheme://host:port of the preview
        HeaderList originHeaders;
    };

    enum class Verdict { Allow, AllowWithHeaders, Block };
    struct Decision
    {
        Verdict verdict = Verdict::Block;
        QString reason; // why it was blocked, for the log
    };

    explicit PreviewRequestInterceptor(QObject* parent = nullptr);

    void setRules(Rules rules);
    Rules rules() const;

    // The decision alone, without a request object (shared with tests).
    static Decision decide(const Rules& rules, const QUrl& requestUrl);

    void interceptRequest(QWebEngineUrlRequestInfo& info) override;

Q_SIGNALS:
    // Emitted from the thread that intercepted; connect with Qt::QueuedConnection.
    void requestBlocked(const QUrl& url, const QString& reason);

private:
    std::shared_ptr<const Rules> snapshot() const;

    mutable QMutex m_mutex;
    std::shared_ptr<const Rules> m_rules;
};

} // namespace forge::ui
