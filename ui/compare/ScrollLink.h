#pragma once

#include <QObject>
#include <QPointF>
#include <optional>

class QVariant;

namespace forge::ui {

class CompareSide;

// Link scrolling: when one side scrolls, the other scrolls to the same position (CSS pixels,
// read and set by script, so both pages' zoom agree). The follower's own scroll event that
// answers it is recognised by its position and not sent back, so a scroll does not bounce
// between the two; where the other page is shorter it stops at its end and stays there.
class ScrollLink final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ScrollLink)
public:
    ScrollLink(CompareSide* first, CompareSide* second, QObject* parent = nullptr);

    void setEnabled(bool enabled);
    bool isEnabled() const { return m_enabled; }
    // Held while a visual diff scrolls the pages itself.
    void setSuspended(bool suspended) { m_suspended = suspended; }

private:
    struct Echo
    {
        bool pending = false;            // the follower's scroll was asked for, its answer not in
        std::optional<QPointF> expected; // where the follower ended up
    };

    void onScrolled(CompareSide* leader, CompareSide* follower);
    void onLeaderPosition(CompareSide* leader, CompareSide* follower, const QVariant& position);
    Echo& echoOf(CompareSide* side) { return side == m_first ? m_firstEcho : m_secondEcho; }

    CompareSide* m_first;
    CompareSide* m_second;
    Echo m_firstEcho;
    Echo m_secondEcho;
    bool m_enabled = true;
    bool m_suspended = false;
};

} // namespace forge::ui
