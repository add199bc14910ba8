#pragma once

#include <QWidget>

class QWebEnginePage;
class QWebEngineView;

namespace forge::ui {

// A separate window with Chromium's developer tools for the preview page. Its own page lives in
// the default profile: the preview profile's scheme and request rules would block devtools://.
class DevToolsWindow final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(DevToolsWindow)
public:
    explicit DevToolsWindow(QWidget* parent = nullptr);
    ~DevToolsWindow() override;

    // The page to inspect (null: none). Re-attached whenever the preview switches pages.
    void inspect(QWebEnginePage* inspected);
    QWebEnginePage* devToolsPage() const { return m_page; }

Q_SIGNALS:
    void closed();

protected:
    void closeEvent(QCloseEvent* event) override;

private:
    QWebEngineView* m_view = nullptr;
    QWebEnginePage* m_page = nullptr;
};

} // namespace forge::ui
