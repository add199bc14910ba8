#include "Theme.h"

#include <QApplication>
#include <QEvent>
#include <QGuiApplication>
#include <QStyleFactory>
#include <QStyleHints>
#include <QWidget>

using namespace Qt::StringLiterals;

namespace forge::ui {

namespace {

Theme::Scheme g_scheme = Theme::Scheme::Light;
QPalette g_systemPalette;

Theme::Scheme systemScheme()
{
    const QString forced = qEnvironmentVariable("FORGE_PREVIEW_THEME").toLower();
    if (forced == u"dark"_s)
        return Theme::Scheme::Dark;
    if (forced == u"light"_s)
        return Theme::Scheme::Light;
    const QColor window = g_systemPalette.color(QPalette::Window);
    const QColor text = g_systemPalette.color(QPalette::WindowText);
    return text.lightness() > window.lightness() ? Theme::Scheme::Dark : Theme::Scheme::Light;
}

} // namespace

void Theme::install()
{
    g_systemPalette = QGuiApplication::palette();
    QApplication::setStyle(QStyleFactory::create(u"Fusion"_s));
    auto* theme = new Theme(qApp);
    qApp->installEventFilter(theme);
    theme->apply();
}

Theme::Scheme Theme::current()
{
    return g_scheme;
}

QPalette Theme::palette(Scheme scheme)
{
    if (scheme == Scheme::Light) {
        QPalette p;
        p.setColor(QPalette::Window, QColor(0xf5, 0xf6, 0xf8));
        p.setColor(QPalette::WindowText, QColor(0x1f, 0x23, 0x28));
        p.setColor(QPalette::Base, Qt::white);
        p.setColor(QPalette::AlternateBase, QColor(0xf0, 0xf2, 0xf5));
        p.setColor(QPalette::Text, QColor(0x1f, 0x23, 0x28));
        p.setColor(QPalette::Button, QColor(0xee, 0xf0, 0xf3));
        p.setColor(QPalette::ButtonText, QColor(0x1f, 0x23, 0x28));
        p.setColor(QPalette::Highlight, QColor(0x2f, 0x6f, 0xde));
        p.setColor(QPalette::HighlightedText, Qt::white);
        p.setColor(QPalette::ToolTipBase, QColor(0x1f, 0x23, 0x28));
        p.setColor(QPalette::ToolTipText, Qt::white);
        p.setColor(QPalette::PlaceholderText, QColor(0x6e, 0x77, 0x81));
        p.setColor(QPalette::Link, QColor(0x1f, 0x5f, 0xc8));
        p.setColor(QPalette::Mid, QColor(0xd0, 0xd7, 0xde));
        p.setColor(QPalette::Disabled, QPalette::WindowText, QColor(0x8c, 0x95, 0x9f));
        p.setColor(QPalette::Disabled, QPalette::Text, QColor(0x8c, 0x95, 0x9f));
        p.setColor(QPalette::Disabled, QPalette::ButtonText, QColor(0x8c, 0x95, 0x9f));
        return p;
    }
    QPalette p;
    p.setColor(QPalette::Window, QColor(0x22, 0x25, 0x2b));
    p.setColor(QPalette::WindowText, QColor(0xe6, 0xe8, 0xeb));
    p.setColor(QPalette::Base, QColor(0x18, 0x1a, 0x1f));
    p.setColor(QPalette::AlternateBase, QColor(0x26, 0x29, 0x30));
    p.setColor(QPalette::Text, QColor(0xe6, 0xe8, 0xeb));
    p.setColor(QPalette::Button, QColor(0x2c, 0x30, 0x37));
    p.setColor(QPalette::ButtonText, QColor(0xe6, 0xe8, 0xeb));
    p.setColor(QPalette::Highlight, QColor(0x3d, 0x7e, 0xea));
    p.setColor(QPalette::HighlightedText, Qt::white);
    p.setColor(QPalette::ToolTipBase, QColor(0xe6, 0xe8, 0xeb));
    p.setColor(QPalette::ToolTipText, QColor(0x18, 0x1a, 0x1f));
    p.setColor(QPalette::PlaceholderText, QColor(0x8b, 0x94, 0x9e));
    p.setColor(QPalette::Link, QColor(0x6c, 0xa4, 0xff));
    p.setColor(QPalette::Mid, QColor(0x3a, 0x3f, 0x47));
    p.setColor(QPalette::Disabled, QPalette::WindowText, QColor(0x6e, 0x76, 0x81));
    p.setColor(QPalette::Disabled, QPalette::Text, QColor(0x6e, 0x76, 0x81));
    p.setColor(QPalette::Disabled, QPalette::ButtonText, QColor(0x6e, 0x76, 0x81));
    return p;
}

QColor Theme::successColor()
{
    return g_scheme == Scheme::Dark ? QColor(0x4a, 0xc2, 0x6b) : QColor(0x1a, 0x7f, 0x37);
}

QColor Theme::failureColor()
{
    return g_scheme == Scheme::Dark ? QColor(0xff, 0x6b, 0x6b) : QColor(0xcf, 0x22, 0x2e);
}

QColor Theme::warningColor()
{
    return g_scheme == Scheme::Dark ? QColor(0xe3, 0xb3, 0x41) : QColor(0x9a, 0x67, 0x00);
}

QColor Theme::mutedTextColor()
{
    return QApplication::palette().color(QPalette::PlaceholderText);
}

bool Theme::eventFilter(QObject* watched, QEvent* event)
{
    // The platform theme announces a system change with ThemeChange to the application object.
    if (watched == qApp && event->type() == QEvent::ThemeChange && !m_applying) {
        g_systemPalette = QGuiApplication::palette();
        apply();
    }
    return QObject::eventFilter(watched, event);
}

void Theme::apply()
{
    m_applying = true;
    g_scheme = systemScheme();
    QApplication::setPalette(palette(g_scheme));
    m_applying = false;
}

} // namespace forge::ui
