#pragma once

#include <QString>

class QLabel;

namespace forge::ui {

// The labels the settings pages share, so that a note or an error looks the same on each.
// A note under a heading: wrapped, in the theme's muted colour (Theme::mutedTextColor).
QLabel* noteLabel(const QString& text);
// Where a page reports what failed: wrapped, selectable (to copy a path or a message), in the
// failure colour, hidden until it has something to say.
QLabel* errorLabel(const QString& objectName);

} // namespace forge::ui
