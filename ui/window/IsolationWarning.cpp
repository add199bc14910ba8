#include "IsolationWarning.h"

#include "core/SandboxIsolation.h"
#include "ui/common/Icons.h"
#include "ui/common/Theme.h"

#include <QApplication>
#include <QEvent>
#include <QHBoxLayout>
#include <QPushButton>

using namespace Qt::StringLiterals;

namespace forge::ui {

IsolationBanner::IsolationBanner(QWidget* parent)
    : QFrame(parent)
    , m_icon(new QLabel)
    , m_text(new QLabel)
    , m_isolate(new QPushButton(tr("Isolate It Again")))
{
    setObjectName(u"isolationBanner"_s);
    setFrameShape(QFrame::StyledPanel);
    setAutoFillBackground(true);
    applyColours();
    m_icon->setAlignment(Qt::AlignTop);
    m_text->setWordWrap(true);
    m_text->setTextFormat(Qt::RichText);
    m_isolate->setToolTip(tr("Run this project isolated again from its next run"));
    connect(m_isolate, &QPushButton::clicked, this, &IsolationBanner::isolateRequested);
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(10, 6, 10, 6);
    layout->addWidget(m_icon);
    layout->addWidget(m_text, 1);
    layout->addWidget(m_isolate, 0, Qt::AlignVCenter);
    hide();
}

void IsolationBanner::showFor(const QString& name, bool chosen, bool runningWithout, bool active)
{
    const QString what = tr("Its code runs as you: it can read and change your files, use your tokens "
                            "and reach your network.");
    QString headline;
    if (chosen && active && !runningWithout)
        headline = tr("%1 runs without isolation from its next run.").arg(name);
    else if (chosen)
        headline = tr("%1 runs without isolation.").arg(name);
    else if (runningWithout && active)
        headline =
            tr("%1 still runs without isolation until this run ends; its next run is isolated.").arg(name);
    if (headline.isEmpty()) {
        hide();
        m_text->clear();
        return;
    }
    m_text->setText(u"<b>%1</b> %2"_s.arg(headline.toHtmlEscaped(), what.toHtmlEscaped()));
    m_isolate->setVisible(chosen);
    show();
}

QString IsolationBanner::text() const
{
    return m_text->text();
}

void IsolationBanner::changeEvent(QEvent* event)
{
    if ((event->type() == QEvent::PaletteChange || event->type() == QEvent::ApplicationPaletteChange) &&
        !m_applyingColours)
        applyColours();
    QFrame::changeEvent(event);
}

void IsolationBanner::applyColours()
{
    // A wash of the warning colour over the window's, so the banner reads as a warning on both themes.
    m_applyingColours = true; // setPalette below sends PaletteChange again
    const QColor window = QApplication::palette().color(QPalette::Window);
    const QColor warning = Theme::warningColor();
    constexpr float Wash = 0.16f;
    QPalette own = palette();
    own.setColor(QPalette::Window, QColor::fromRgbF(window.redF() * (1 - Wash) + warning.redF() * Wash,
                                                    window.greenF() * (1 - Wash) + warning.greenF() * Wash,
                                                    window.blueF() * (1 - Wash) + warning.blueF() * Wash));
    setPalette(own);
    m_icon->setPixmap(icon(u"warning"_s, warning).pixmap(22, 22));
    m_applyingColours = false;
}

IsolationStatusLabel::IsolationStatusLabel(QWidget* parent)
    : QLabel(parent)
{
    setObjectName(u"isolationStatus"_s);
    hide();
}

void IsolationStatusLabel::setProjectsWithoutIsolation(const QStringList& names)
{
    if (names == m_withoutIsolation)
        return;
    m_withoutIsolation = names;
    refresh();
}

void IsolationStatusLabel::setUnavailable(const QString& reason)
{
    if (reason == m_unavailable)
        return;
    m_unavailable = reason;
    refresh();
}

void IsolationStatusLabel::refresh()
{
    QStringList parts;
    QStringList tips;
    if (!m_unavailable.isEmpty()) {
        parts << tr("Sandboxes cannot be isolated");
        tips << m_unavailable << SandboxIsolation::installAdvice();
    }
    if (!m_withoutIsolation.isEmpty()) {
        parts << (m_withoutIsolation.size() == 1
                      ? tr("1 project without isolation")
                      : tr("%1 projects without isolation").arg(m_withoutIsolation.size()));
        tips << tr("Running without isolation, as you: %1").arg(m_withoutIsolation.join(u", "_s));
    }
    if (parts.isEmpty()) {
        hide();
        clear();
        setToolTip({});
        return;
    }
    setText(u"<span style=\"color:%1\">⚠ %2</span>"_s.arg(Theme::warningColor().name(),
                                                          parts.join(u" · "_s).toHtmlEscaped()));
    setToolTip(tips.join(u"\n\n"_s));
    show();
}

} // namespace forge::ui
