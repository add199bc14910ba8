#pragma once

#include <QElapsedTimer>
#include <QObject>
#include <QPointer>
#include <QTimer>

class QWebEnginePage;

namespace forge::ui {

// Tells when a page that has finished loading has also painted something, which loadFinished
// alone does not promise (a single-page app renders after it). Polls the page, in a script world
// of its own so the page cannot see or fake it, until the body has content and two animation
// frames have run since it did; gives up waiting after `timeout` and reports anyway, so callers
// such as `--screenshot` never hang on a page that draws nothing.
class PaintWatcher final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(PaintWatcher)
public:
    explicit PaintWatcher(QObject* parent = nullptr);

    // Starts watching `page` (a new call replaces the previous watch).
    void watch(QWebEnginePage* page, int timeoutMs = 8000);
    void cancel();
    bool isWatching() const { return m_timer.isActive(); }

Q_SIGNALS:
    // `confirmed` is false when the timeout ran out before the page was seen painting.
    void painted(bool confirmed);

private:
    void poll();
    void finish(bool confirmed);

    QPointer<QWebEnginePage> m_page;
    QTimer m_timer;
    QElapsedTimer m_elapsed;
    int m_timeoutMs = 0;
    quint64 m_generation = 0;
    bool m_queryInFlight = false;
};

} // namespace forge::ui
