#include "ui/compare/ScrollLink.h"

#include "ui/compare/CompareSide.h"

#include <QPointer>
#include <QVariant>
#include <QWebEnginePage>
#include <QWebEngineScript>

using namespace Qt::StringLiterals;

namespace forge::ui {

namespace {

QPointF pointOf(const QVariant& value)
{
    const QVariantList list = value.toList();
    return list.size() >= 2 ? QPointF(list.at(0).toDouble(), list.at(1).toDouble()) : QPointF();
}

bool near(const QPointF& a, const QPointF& b)
{
    return qAbs(a.x() - b.x()) < 1 && qAbs(a.y() - b.y()) < 1;
}

// Scrolls at once and answers where the page ended up, and whether it moved at all (a page that
// did not move sends no scroll event to wait for).
QString scrollScript(const QPointF& to)
{
    return uR"JS(
(function () {
    const before = [window.scrollX, window.scrollY];
    window.scrollTo({ left: %1, top: %2, behavior: 'instant' });
    return [window.scrollX, window.scrollY, before[0] !== window.scrollX || before[1] !== window.scrollY];
})()
)JS"_s.arg(to.x())
        .arg(to.y());
}

} // namespace

ScrollLink::ScrollLink(CompareSide* first, CompareSide* second, QObject* parent)
    : QObject(parent)
    , m_first(first)
    , m_second(second)
{
    connect(first, &CompareSide::scrolled, this, [this] { onScrolled(m_first, m_second); });
    connect(second, &CompareSide::scrolled, this, [this] { onScrolled(m_second, m_first); });
}

void ScrollLink::setEnabled(bool enabled)
{
    m_enabled = enabled;
    m_firstEcho = {};
    m_secondEcho = {};
    if (enabled) // the second side joins the first where it is
        onScrolled(m_first, m_second);
}

void ScrollLink::onScrolled(CompareSide* leader, CompareSide* follower)
{
    if (!m_enabled || m_suspended || !leader->page() || !follower->page() || echoOf(leader).pending)
        return;
    leader->page()->runJavaScript(
        u"[window.scrollX, window.scrollY]"_s, QWebEngineScript::ApplicationWorld,
        [self = QPointer<ScrollLink>(this), leader, follower](const QVariant& position) {
            if (self)
                self->onLeaderPosition(leader, follower, position);
        });
}

void ScrollLink::onLeaderPosition(CompareSide* leader, CompareSide* follower, const QVariant& position)
{
    const QPointF to = pointOf(position);
    Echo& own = echoOf(leader);
    const bool echo = own.expected && near(to, *own.expected);
    own.expected.reset();
    if (echo || !m_enabled || m_suspended || !follower->page())
        return;
    Echo& theirs = echoOf(follower);
    theirs.pending = true;
    follower->page()->runJavaScript(scrollScript(to), QWebEngineScript::ApplicationWorld,
                                    [self = QPointer<ScrollLink>(this), follower](const QVariant& answer) {
                                        if (!self)
                                            return;
                                        Echo& answered = self->echoOf(follower);
                                        answered.pending = false;
                                        if (answer.toList().value(2).toBool())
                                            answered.expected = pointOf(answer);
                                    });
}

} // namespace forge::ui
