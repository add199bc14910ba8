#pragma once

#include <QColor>
#include <QIcon>
#include <QString>

namespace forge::ui {

// Icons from resources/icons (SVG), drawn at whatever size and device pixel ratio a widget asks for.
// Line icons use `currentColor`; they are tinted with the application palette's text colour when
// drawn (or with `color` when given), so they read on light and dark palettes alike.
QIcon icon(const QString& name, const QColor& color = {});
// The application's own icon, in full colour.
QIcon applicationIcon();

} // namespace forge::ui
