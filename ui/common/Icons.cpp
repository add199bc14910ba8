#include "Icons.h"

#include <QApplication>
#include <QFile>
#include <QIconEngine>
#include <QPainter>
#include <QPalette>
#include <QSvgRenderer>

using namespace Qt::StringLiterals;

namespace forge::ui {

namespace {

QByteArray readIconSource(const QString& name)
{
    QFile file(u":/icons/%1.svg"_s.arg(name));
    if (!file.open(QIODevice::ReadOnly)) {
        qWarning("Icon %s is missing from the resources", qPrintable(name));
        return {};
    }
    return file.readAll();
}

// Renders the SVG on demand with `currentColor` replaced by the colour of the requested mode, so a
// palette change (light/dark) or a disabled button shows the right tint at any scale.
class TintedSvgIconEngine final : public QIconEngine
{
public:
    TintedSvgIconEngine(QByteArray source, QColor fixedColor)
        : m_source(std::move(source))
        , m_fixedColor(fixedColor)
    {}

    void paint(QPainter* painter, const QRect& rect, QIcon::Mode mode, QIcon::State) override
    {
        QSvgRenderer renderer(tinted(mode));
        renderer.render(painter, rect);
    }

    QPixmap pixmap(const QSize& size, QIcon::Mode mode, QIcon::State state) override
    {
        return scaledPixmap(size, mode, state, 1.0);
    }

    QPixmap scaledPixmap(const QSize& size, QIcon::Mode mode, QIcon::State state, qreal scale) override
    {
        QPixmap pixmap(size * scale);
        pixmap.fill(Qt::transparent);
        {
            QPainter painter(&pixmap);
            paint(&painter, QRect(QPoint(), pixmap.size()), mode, state);
        }
        pixmap.setDevicePixelRatio(scale);
        return pixmap;
    }

    QIconEngine* clone() const override { return new TintedSvgIconEngine(m_source, m_fixedColor); }

private:
    QByteArray tinted(QIcon::Mode mode) const
    {
        QColor color = m_fixedColor;
        if (!color.isValid()) {
            const QPalette palette = QApplication::palette();
            color = palette.color(mode == QIcon::Disabled ? QPalette::Disabled : QPalette::Active,
                                  mode == QIcon::Selected ? QPalette::HighlightedText : QPalette::WindowText);
        }
        // Qt SVG reads #RRGGBB only; transparency goes into the opacity attribute.
        qreal opacity = color.alphaF();
        if (mode == QIcon::Disabled && m_fixedColor.isValid())
            opacity *= 0.4;
        QByteArray svg = m_source;
        svg.replace("currentColor", color.name(QColor::HexRgb).toLatin1());
        if (opacity < 1.0)
            svg.replace("<svg ", QByteArray("<svg opacity=\"" + QByteArray::number(opacity, 'f', 2) + "\" "));
        return svg;
    }

    QByteArray m_source;
    QColor m_fixedColor;
};

} // namespace

QIcon icon(const QString& name, const QColor& color)
{
    return QIcon(new TintedSvgIconEngine(readIconSource(name), color));
}

QIcon applicationIcon()
{
    // Installed, the desktop's icon theme has it under the application id (hicolor, from the
    // package); run from the build tree, the built-in SVG is the same picture.
    return QIcon::fromTheme(QStringLiteral(FORGE_APP_ID), QIcon(u":/icons/app.svg"_s));
}

} // namespace forge::ui
