#include "FailureBox.h"

#include "AnsiTextFormatter.h"
#include "ui/common/Icons.h"
#include "ui/common/Theme.h"
#include "workflow/WorkflowTypes.h"

#include <QApplication>
#include <QEvent>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace forge::ui {

namespace {

QLabel* makeTextLabel(QWidget* parent, const QString& objectName)
{
    auto* label = new QLabel(parent);
    label->setObjectName(objectName);
    label->setTextFormat(Qt::PlainText); // never rich text: the message may quote repository output
    label->setWordWrap(true);
    label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    return label;
}

} // namespace

FailureBox::FailureBox(QWidget* parent)
    : QFrame(parent)
    , m_title(makeTextLabel(this, u"failureTitle"_s))
    , m_message(makeTextLabel(this, u"failureMessage"_s))
    , m_advice(makeTextLabel(this, u"failureAdvice"_s))
    , m_evidence(makeTextLabel(this, u"failureEvidence"_s))
    , m_fix(new QPushButton(this))
{
    setObjectName(u"failureBox"_s);
    setFrameShape(QFrame::StyledPanel);
    setAutoFillBackground(true);

    QFont bold = m_message->font();
    bold.setBold(true);
    m_message->setFont(bold);
    m_title->setFont(bold);

    m_evidence->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_evidence->setAutoFillBackground(true);
    m_evidence->setBackgroundRole(QPalette::Base);
    m_evidence->setMargin(6);
    m_evidence->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred); // long lines wrap

    auto* icon = new QLabel(this);
    icon->setObjectName(u"failureIcon"_s);
    icon->setPixmap(forge::ui::icon(u"status-failed"_s, Theme::failureColor()).pixmap(20, 20));
    icon->setAlignment(Qt::AlignTop);

    m_fix->setObjectName(u"failureFix"_s);
    m_fix->hide();
    connect(m_fix, &QPushButton::clicked, this, &FailureBox::fixRequested);
    auto* fixRow = new QHBoxLayout;
    fixRow->addWidget(m_fix);
    fixRow->addStretch();

    auto* text = new QVBoxLayout;
    text->setSpacing(4);
    text->addWidget(m_title);
    text->addWidget(m_message);
    text->addWidget(m_advice);
    text->addLayout(fixRow);
    text->addWidget(m_evidence);

    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(10, 8, 10, 8);
    layout->addWidget(icon, 0, Qt::AlignTop);
    layout->addLayout(text, 1);
    applyColors();
    hide();
}

void FailureBox::setFailure(const forge::StepFailure& failure)
{
    m_title->setText(tr("%1 failed").arg(stepTitle(failure.step())));
    m_message->setText(failure.message());
    m_advice->setText(failure.advice().isEmpty() ? QString() : tr("What to do: %1").arg(failure.advice()));
    m_advice->setVisible(!failure.advice().isEmpty());

    QStringList lines;
    for (const QString& line : failure.lastLines())
        lines.append(AnsiTextFormatter::stripped(line));
    // The last few lines are the evidence; the full output is right below the box.
    constexpr qsizetype MaxEvidenceLines = 8;
    if (lines.size() > MaxEvidenceLines)
        lines = lines.sliced(lines.size() - MaxEvidenceLines);
    m_evidence->setText(lines.join(u'\n'));
    m_evidence->setVisible(!lines.isEmpty());
    m_fix->hide();
}

void FailureBox::offerFix(const QString& text, const QString& toolTip)
{
    m_fix->setText(text);
    m_fix->setToolTip(toolTip);
    m_fix->show();
}

QString FailureBox::message() const
{
    return m_message->text();
}

QString FailureBox::advice() const
{
    return m_advice->text();
}

QString FailureBox::evidence() const
{
    return m_evidence->text();
}

void FailureBox::changeEvent(QEvent* event)
{
    if ((event->type() == QEvent::PaletteChange || event->type() == QEvent::ApplicationPaletteChange) &&
        !m_applyingColors)
        applyColors();
    QFrame::changeEvent(event);
}

void FailureBox::applyColors()
{
    // A light wash of the failure colour over the base, so the box reads as an error on both themes.
    m_applyingColors = true; // setPalette below sends PaletteChange again
    const QColor base = QApplication::palette().color(QPalette::Base);
    const QColor failure = Theme::failureColor();
    const auto mix = [](const QColor& a, const QColor& b, float t) {
        return QColor::fromRgbF(a.redF() * (1 - t) + b.redF() * t, a.greenF() * (1 - t) + b.greenF() * t,
                                a.blueF() * (1 - t) + b.blueF() * t);
    };
    QPalette own = palette();
    own.setColor(QPalette::Window, mix(base, failure, 0.10f));
    own.setColor(QPalette::Base, mix(base, failure, 0.05f));
    setPalette(own);
    QPalette titlePalette = m_title->palette();
    titlePalette.setColor(QPalette::WindowText, failure);
    m_title->setPalette(titlePalette);
    m_applyingColors = false;
}

} // namespace forge::ui
