#pragma once

#include <QElapsedTimer>
#include <QObject>
#include <QPointer>
#include <QTimer>
#include <QVariant>

class QWebEnginePage;

namespace forge::ui {

// Waits on a page without sleeping: runs a setup script once, then polls a second script until it
// answers something other than false (or null), and reports that answer. Both run in the
// application world, which shares the DOM with the page but not its JavaScript globals, so the
// page can neither see the probe's state nor fake its answer. The scripts wait on the page's own
// clock (requestAnimationFrame, document.readyState); the timer only asks again. After `timeoutMs`
// it reports anyway, so a page that never settles cannot hold a caller up.
class PageProbe final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(PageProbe)
public:
    explicit PageProbe(QObject* parent = nullptr);

    // A new start replaces the probe running.
    void start(QWebEnginePage* page, const QString& setupScript, const QString& pollScript, int timeoutMs);
    void cancel();
    bool isRunning() const { return m_timer.isActive(); }

    // A script that counts `frames` animation frames from now (setup) and one that answers true once
    // they have run (poll): a frame is only counted when the page really produced it.
    static QString countFramesScript(int frames);
    static QString framesDoneScript();

Q_SIGNALS:
    // `answer` is the poll script's value; invalid when the timeout ran out first.
    void answered(const QVariant& answer);

private:
    void poll();
    void finish(const QVariant& answer);

    QPointer<QWebEnginePage> m_page;
    QString m_pollScript;
    QTimer m_timer;
    QElapsedTimer m_elapsed;
    int m_timeoutMs = 0;
    quint64 m_generation = 0;
    bool m_queryInFlight = false;
};

} // namespace forge::ui
