#pragma once

#include "ui/common/ConsoleMessage.h"

#include <QUrl>
#include <QWebEnginePage>

class QWebEngineNewWindowRequest;

namespace forge::ui {

// A page that stays on its preview's origin. The main frame may only show the preview origin;
// a link the user follows to another http(s) site, window.open and target=_blank are handed out
// (externalOpenRequested) for the pane to confirm and open in the system browser, never in a new
// view inside the app; file:, data:, custom schemes and everything else are refused.
class PreviewPage final : public QWebEnginePage
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(PreviewPage)
public:
    PreviewPage(QWebEngineProfile* profile, QObject* parent = nullptr);

    void setOrigin(const QUrl& origin) { m_origin = origin; }
    QUrl origin() const { return m_origin; }

    enum class Decision { Accept, OpenExternally, Block };
    // The navigation rule alone (shared with tests).
    static Decision decide(const QUrl& origin, const QUrl& url, NavigationType type, bool isMainFrame);

Q_SIGNALS:
    void externalOpenRequested(const QUrl& url);
    void navigationBlocked(const QUrl& url, const QString& reason);
    void consoleMessage(const forge::ui::ConsoleMessage& message);

protected:
    bool acceptNavigationRequest(const QUrl& url, NavigationType type, bool isMainFrame) override;
    QWebEnginePage* createWindow(WebWindowType type) override;
    void javaScriptConsoleMessage(JavaScriptConsoleMessageLevel level, const QString& message, int lineNumber,
                                  const QString& sourceId) override;

private:
    void handleNewWindowRequest(QWebEngineNewWindowRequest& request);

    QUrl m_origin;
};

} // namespace forge::ui
