#include "ui/preview/PreviewOverlay.h"

#include <QLabel>
#include <QPainter>
#include <QPushButton>
#include <QVBoxLayout>
#include <algorithm>

using namespace Qt::StringLiterals;

namespace forge::ui {

PreviewOverlay::PreviewOverlay(QWidget* parent)
    : QWidget(parent)
    , m_title(new QLabel(this))
    , m_message(new QLabel(this))
    , m_button(new QPushButton(this))
{
    setObjectName(u"previewOverlay"_s);
    setAutoFillBackground(false);
    m_title->setObjectName(u"overlayTitle"_s);
    m_message->setObjectName(u"overlayMessage"_s);
    m_button->setObjectName(u"overlayButton"_s);

    QFont titleFont = m_title->font();
    titleFont.setPointSizeF(titleFont.pointSizeF() * 1.3);
    titleFont.setBold(true);
    m_title->setFont(titleFont);
    m_title->setAlignment(Qt::AlignCenter);
    // Messages can come from a dev server or a failed build: always plain text.
    m_title->setTextFormat(Qt::PlainText);
    m_message->setTextFormat(Qt::PlainText);
    m_message->setAlignment(Qt::AlignCenter);
    m_message->setWordWrap(true);
    m_message->setTextInteractionFlags(Qt::TextSelectableByMouse);

    auto* layout = new QVBoxLayout(this);
    layout->addStretch(1);
    layout->addWidget(m_title);
    layout->addSpacing(6);
    layout->addWidget(m_message);
    layout->addSpacing(12);
    layout->addWidget(m_button, 0, Qt::AlignHCenter);
    layout->addStretch(1);

    connect(m_button, &QPushButton::clicked, this, &PreviewOverlay::buttonClicked);
}

void PreviewOverlay::present(const QString& title, const QString& message, const QString& buttonText,
                             bool opaque)
{
    m_title->setText(title);
    m_message->setText(message);
    m_message->setVisible(!message.isEmpty());
    m_button->setText(buttonText);
    m_button->setVisible(!buttonText.isEmpty());
    m_opaque = opaque;
    layout()->activate(); // sized for the new texts now, not at the next event loop pass
    update();
}

QString PreviewOverlay::title() const
{
    return m_title->text();
}

QString PreviewOverlay::message() const
{
    return m_message->text();
}

void PreviewOverlay::resizeEvent(QResizeEvent* event)
{
    // The message spans the layout's width (so its wrapped height is honoured; a centred label
    // keeps its one-line height and cuts the text); the side margins keep lines readable.
    const int side = std::max(24, (width() - 520) / 2);
    layout()->setContentsMargins(side, 0, side, 0);
    QWidget::resizeEvent(event);
}

void PreviewOverlay::paintEvent(QPaintEvent*)
{
    QPainter painter(this);
    QColor background = palette().color(QPalette::Window);
    if (!m_opaque)
        background.setAlpha(215); // the old page stays recognisable underneath
    painter.fillRect(rect(), background);
}

} // namespace forge::ui
