#include "ui/preview/PaintWatcher.h"

#include <QWebEnginePage>
#include <QWebEngineScript>

using namespace Qt::StringLiterals;

namespace forge::ui {

namespace {

// Runs in the application world: shares the DOM with the page but not its JavaScript globals.
// Returns true once the body has visible content and two requestAnimationFrame callbacks have run
// after that (the second one runs after a frame with the content was produced).
constexpr auto paintProbe = R"JS(
(function () {
    const body = document.body;
    const hasContent = !!body && (body.innerText.trim().length > 0 ||
        !!body.querySelector('img,svg,canvas,video,iframe,input,button,textarea,select'));
    if (!hasContent)
        return false;
    if (window.__forgePaintFrames === undefined) {
        window.__forgePaintFrames = 0;
        requestAnimationFrame(() => {
            window.__forgePaintFrames = 1;
            requestAnimationFrame(() => { window.__forgePaintFrames = 2; });
        });
    }
    return window.__forgePaintFrames >= 2;
})()
)JS";

} // namespace

PaintWatcher::PaintWatcher(QObject* parent)
    : QObject(parent)
{
    m_timer.setInterval(50);
    connect(&m_timer, &QTimer::timeout, this, &PaintWatcher::poll);
}

void PaintWatcher::watch(QWebEnginePage* page, int timeoutMs)
{
    cancel();
    m_page = page;
    m_timeoutMs = timeoutMs;
    m_elapsed.start();
    m_timer.start();
    poll();
}

void PaintWatcher::cancel()
{
    ++m_generation; // answers of an earlier watch are ignored
    m_timer.stop();
    m_queryInFlight = false;
    m_page = nullptr;
}

void PaintWatcher::poll()
{
    if (!m_page) {
        cancel();
        return;
    }
    if (m_elapsed.elapsed() >= m_timeoutMs) {
        finish(false);
        return;
    }
    if (m_queryInFlight)
        return;
    m_queryInFlight = true;
    const quint64 generation = m_generation;
    m_page->runJavaScript(QString::fromUtf8(paintProbe), QWebEngineScript::ApplicationWorld,
                          [self = QPointer<PaintWatcher>(this), generation](const QVariant& result) {
                              if (!self || generation != self->m_generation)
                                  return;
                              self->m_queryInFlight = false;
                              if (result.toBool())
                                  self->finish(true);
                          });
}

void PaintWatcher::finish(bool confirmed)
{
    cancel();
    Q_EMIT painted(confirmed);
}

} // namespace forge::ui
