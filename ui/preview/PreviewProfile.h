#pragma once

#include "ui/preview/PreviewRequestInterceptor.h"

#include <QObject>

class QWebEngineProfile;

namespace forge::ui {

// One project's browsing context: an off-the-record QWebEngineProfile (no storage name, so no
// cookies, cache or localStorage on disk, and nothing shared with other projects), its request
// interceptor, and the settings that make untrusted pages safe to show (docs/security-notes.md §3).
// Pages must be destroyed before their profile; the preview pane owns both and does so.
class PreviewProfile final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(PreviewProfile)
public:
    explicit PreviewProfile(const QString& projectId, QObject* parent = nullptr);
    ~PreviewProfile() override;

    QString projectId() const { return m_projectId; }
    QWebEngineProfile* profile() const { return m_profile; }
    PreviewRequestInterceptor* interceptor() const { return m_interceptor; }

    // Which origin the preview is on and which headers it alone receives (thread-safe swap).
    void setRules(const QUrl& origin, const PreviewRequestInterceptor::HeaderList& originHeaders);

Q_SIGNALS:
    void requestBlocked(const QUrl& url, const QString& reason);
    void downloadRefused(const QUrl& url);

private:
    QString m_projectId;
    QWebEngineProfile* m_profile = nullptr;
    PreviewRequestInterceptor* m_interceptor = nullptr;
};

} // namespace forge::ui
