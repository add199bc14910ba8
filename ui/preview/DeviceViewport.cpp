#include "ui/preview/DeviceViewport.h"

#include <QPainter>
#include <QWebEngineView>
#include <algorithm>

namespace forge::ui {

namespace {
constexpr int deviceMargin = 12;    // room around a device so its edge is visible
constexpr qreal minimumZoom = 0.25; // QWebEngineView's lower bound
} // namespace

DeviceViewport::DeviceViewport(QWidget* parent)
    : QWidget(parent)
{}

void DeviceViewport::setView(QWebEngineView* view)
{
    m_view = view;
    layoutView();
}

void DeviceViewport::setDeviceSize(const QSize& cssSize)
{
    m_deviceSize = cssSize;
    layoutView();
    update();
}

void DeviceViewport::resizeEvent(QResizeEvent*)
{
    layoutView();
    Q_EMIT resized();
}

void DeviceViewport::paintEvent(QPaintEvent*)
{
    if (m_deviceSize.isEmpty())
        return;
    // A darker surround makes the device's edge visible.
    QPainter painter(this);
    painter.fillRect(rect(), palette().color(QPalette::Dark));
}

void DeviceViewport::layoutView()
{
    if (!m_view)
        return;
    if (m_deviceSize.isEmpty()) {
        m_scale = 1.0;
        m_view->setGeometry(rect());
        Q_EMIT layoutChanged();
        return;
    }
    const QSize room = size() - QSize(2 * deviceMargin, 2 * deviceMargin);
    const qreal fit =
        std::min(qreal(room.width()) / m_deviceSize.width(), qreal(room.height()) / m_deviceSize.height());
    m_scale = std::clamp(fit, minimumZoom, 1.0);
    // The widget gets the scaled size and the page the zoom factor, so CSS sees the device's size.
    const QSize shown(qRound(m_deviceSize.width() * m_scale), qRound(m_deviceSize.height() * m_scale));
    QRect geometry(QPoint(0, 0), shown);
    geometry.moveCenter(rect().center());
    if (geometry.top() < 0)
        geometry.moveTop(0);
    if (geometry.left() < 0)
        geometry.moveLeft(0);
    m_view->setGeometry(geometry);
    Q_EMIT layoutChanged();
}

} // namespace forge::ui
