#include "ui/compare/PageProbe.h"

#include <QWebEnginePage>
#include <QWebEngineScript>

using namespace Qt::StringLiterals;

namespace forge::ui {

namespace {

// Still waiting: the poll script said false, or nothing.
bool isWaiting(const QVariant& answer)
{
    return !answer.isValid() || (answer.typeId() == QMetaType::Bool && !answer.toBool());
}

} // namespace

PageProbe::PageProbe(QObject* parent)
    : QObject(parent)
{
    // Often enough to catch the frame it waits for within a frame or two of it.
    m_timer.setInterval(16);
    connect(&m_timer, &QTimer::timeout, this, &PageProbe::poll);
}

void PageProbe::start(QWebEnginePage* page, const QString& setupScript, const QString& pollScript,
                      int timeoutMs)
{
    cancel();
    m_page = page;
    m_pollScript = pollScript;
    m_timeoutMs = timeoutMs;
    m_elapsed.start();
    if (page && !setupScript.isEmpty())
        page->runJavaScript(setupScript, QWebEngineScript::ApplicationWorld);
    // Scripts of one page run in order: every poll sees what the setup did.
    m_timer.start();
    poll();
}

void PageProbe::cancel()
{
    ++m_generation; // answers to an earlier start are ignored
    m_timer.stop();
    m_queryInFlight = false;
    m_page = nullptr;
}

void PageProbe::poll()
{
    if (!m_page || m_elapsed.elapsed() >= m_timeoutMs) {
        finish({});
        return;
    }
    if (m_queryInFlight)
        return;
    m_queryInFlight = true;
    const quint64 generation = m_generation;
    m_page->runJavaScript(m_pollScript, QWebEngineScript::ApplicationWorld,
                          [self = QPointer<PageProbe>(this), generation](const QVariant& answer) {
                              if (!self || generation != self->m_generation)
                                  return;
                              self->m_queryInFlight = false;
                              if (!isWaiting(answer))
                                  self->finish(answer);
                          });
}

void PageProbe::finish(const QVariant& answer)
{
    cancel();
    Q_EMIT answered(answer);
}

QString PageProbe::countFramesScript(int frames)
{
    return uR"JS(
(function (frames) {
    const state = { left: frames };
    window.__forgeFrames = state;
    const tick = () => { if (--state.left > 0) requestAnimationFrame(tick); };
    requestAnimationFrame(tick);
})(%1)
)JS"_s.arg(frames);
}

QString PageProbe::framesDoneScript()
{
    return u"!!window.__forgeFrames && window.__forgeFrames.left <= 0"_s;
}

} // namespace forge::ui
