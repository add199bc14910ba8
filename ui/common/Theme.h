#pragma once

#include <QObject>
#include <QPalette>

namespace forge::ui {

// Light and dark palettes that follow the system. Qt 6.4 has no colour-scheme API on every
// platform, so the system's own palette decides: a dark window colour means a dark theme. The
// Fusion style is used for both so the two palettes look the same apart from their colours.
class Theme final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(Theme)
public:
    enum class Scheme { Light, Dark };

    // Applies the palette for the system's scheme now and again whenever the system theme changes.
    // FORGE_PREVIEW_THEME=light|dark overrides the system (screenshots, accessibility checks).
    static void install();
    static Scheme current();
    static QPalette palette(Scheme scheme);
    // Colours with a meaning (success, failure, warning), readable on the current palette.
    static QColor successColor();
    static QColor failureColor();
    static QColor warningColor();
    static QColor mutedTextColor();

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    using QObject::QObject;
    void apply();

    bool m_applying = false;
};

} // namespace forge::ui
