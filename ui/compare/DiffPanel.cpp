#include "ui/compare/DiffPanel.h"

#include <QCheckBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLocale>
#include <QPixmap>
#include <QPushButton>
#include <QScrollArea>
#include <QScrollBar>
#include <QShortcut>
#include <QSlider>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace forge::ui {

namespace {
constexpr int SliderSteps = 100;
} // namespace

DiffPanel::DiffPanel(QWidget* parent)
    : QWidget(parent)
    , m_summary(new QLabel(this))
    , m_notes(new QLabel(this))
    , m_slider(new QSlider(Qt::Horizontal, this))
    , m_outline(new QCheckBox(tr("&Outline changes"), this))
    , m_close(new QPushButton(tr("Close"), this))
    , m_scroll(new QScrollArea(this))
    , m_image(new QLabel)
{
    setObjectName(u"diffPanel"_s);
    setAutoFillBackground(true);
    m_summary->setObjectName(u"diffSummary"_s);
    QFont bold = m_summary->font();
    bold.setBold(true);
    bold.setPointSizeF(bold.pointSizeF() * 1.15);
    m_summary->setFont(bold);
    m_notes->setObjectName(u"diffNotes"_s);
    m_notes->setWordWrap(true);
    m_notes->setForegroundRole(QPalette::PlaceholderText);
    m_slider->setObjectName(u"diffSlider"_s);
    m_slider->setRange(0, SliderSteps);
    m_slider->setValue(SliderSteps);
    m_slider->setMinimumWidth(220);
    m_slider->setToolTip(tr("Fade from the base page (left) to the head page (right)"));
    m_outline->setChecked(true);
    m_close->setToolTip(tr("Back to the pages (Esc)"));
    m_scroll->setObjectName(u"diffScroll"_s);
    m_scroll->setAlignment(Qt::AlignHCenter | Qt::AlignTop);
    m_scroll->setBackgroundRole(QPalette::Mid); // the page's edge shows on light and dark themes
    m_scroll->setWidget(m_image);

    auto* bar = new QHBoxLayout;
    bar->addWidget(m_summary);
    bar->addStretch(1);
    bar->addWidget(new QLabel(tr("Base"), this));
    bar->addWidget(m_slider);
    bar->addWidget(new QLabel(tr("Head"), this));
    bar->addSpacing(12);
    bar->addWidget(m_outline);
    bar->addSpacing(12);
    bar->addWidget(m_close);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(8, 8, 8, 0);
    layout->addLayout(bar);
    layout->addWidget(m_notes);
    layout->addWidget(m_scroll, 1);

    connect(m_slider, &QSlider::valueChanged, this, &DiffPanel::updatePicture);
    connect(m_outline, &QCheckBox::toggled, this, &DiffPanel::updatePicture);
    connect(m_close, &QPushButton::clicked, this, &DiffPanel::closed);
    // A shortcut of a hidden widget does not fire: Esc belongs to the panel only while it shows.
    auto* escape = new QShortcut(QKeySequence(Qt::Key_Escape), this);
    escape->setContext(Qt::WindowShortcut);
    connect(escape, &QShortcut::activated, this, &DiffPanel::closed);
}

void DiffPanel::showResult(const VisualDiffResult& result)
{
    m_result = result;
    m_summary->setText(result.failure.isEmpty() ? describe(result.diff) : tr("Nothing compared"));
    QStringList notes = result.notes;
    if (!result.failure.isEmpty())
        notes.prepend(result.failure);
    if (result.animationsMasked)
        notes.append(tr("Parts that moved between two captures of a page (animations) were left out."));
    m_notes->setText(notes.join(u' '));
    m_notes->setVisible(!notes.isEmpty());
    const QSignalBlocker blocker(m_slider);
    m_slider->setValue(SliderSteps);
    updatePicture();
    scrollToFirstRegion();
    m_slider->setFocus(Qt::OtherFocusReason);
}

QString DiffPanel::summary() const
{
    return m_summary->text();
}

QString DiffPanel::describe(const VisualDiff& diff)
{
    if (diff.identical())
        return tr("No visual differences");
    const QLocale locale;
    const qsizetype regions = diff.regions.size();
    const QString changed = regions == 1 ? tr("1 region changed")
                                         : tr("%1 regions changed").arg(locale.toString(qlonglong(regions)));
    const QString pixels =
        diff.changedPixels == 1 ? tr("1 pixel") : tr("%1 pixels").arg(locale.toString(diff.changedPixels));
    return u"%1, %2"_s.arg(changed, pixels);
}

QColor DiffPanel::markColor()
{
    return QColor(0xe6, 0x00, 0x7e); // magenta: rare in page designs, clear on white and black
}

void DiffPanel::updatePicture()
{
    const qreal position = qreal(m_slider->value()) / SliderSteps;
    const QImage& base = m_result.base;
    const QImage& head = m_result.head;
    QImage shown = m_slider->value() == SliderSteps ? head
                   : m_slider->value() == 0         ? base
                                                    : blended(base, head, position);
    if (m_outline->isChecked() && !shown.isNull())
        shown = outlined(shown, m_result.diff, markColor());
    m_picture = shown;
    m_image->setPixmap(QPixmap::fromImage(shown));
    m_image->adjustSize();
}

void DiffPanel::scrollToFirstRegion()
{
    m_scroll->verticalScrollBar()->setValue(0);
    if (m_result.diff.regions.isEmpty() || m_result.head.isNull())
        return;
    // Regions are in the capture's pixels; the picture shows at its pixel ratio.
    const qreal ratio = m_result.head.devicePixelRatio();
    const QRect first = m_result.diff.regions.first();
    const int y = qRound(first.top() / ratio);
    m_scroll->ensureVisible(qRound(first.center().x() / ratio), y, 0, m_scroll->viewport()->height() / 3);
}

} // namespace forge::ui
