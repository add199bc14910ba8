#pragma once

#include <QSize>
#include <QWidget>

class QWebEngineView;

namespace forge::ui {

// Where the web view sits: filling the area (responsive), or at a device's CSS size, centred and
// scaled down with the view's zoom factor when the area is smaller, so the page still lays out as
// it would on that device. Any other children (overlays, the loading bar) are laid out by the pane.
class DeviceViewport final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(DeviceViewport)
public:
    explicit DeviceViewport(QWidget* parent = nullptr);

    void setView(QWebEngineView* view);
    // An empty size means responsive.
    void setDeviceSize(const QSize& cssSize);
    QSize deviceSize() const { return m_deviceSize; }
    // The zoom factor in use (1 when responsive or when the device fits).
    qreal scale() const { return m_scale; }

Q_SIGNALS:
    void resized();
    // The view was placed again; the owner applies scale() as the page's zoom factor (setting it
    // through the view would make the view create a page of its own when it has none yet).
    void layoutChanged();

protected:
    void resizeEvent(QResizeEvent* event) override;
    void paintEvent(QPaintEvent* event) override;

private:
    void layoutView();

    QWebEngineView* m_view = nullptr;
    QSize m_deviceSize;
    qreal m_scale = 1.0;
};

} // namespace forge::ui
