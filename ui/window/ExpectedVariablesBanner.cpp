#include "ExpectedVariablesBanner.h"

#include <QApplication>
#include <QEvent>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>

using namespace Qt::StringLiterals;

namespace forge::ui {

namespace {

// "A, B, C, D and 3 more": a long list would push the buttons off a narrow window.
QString shortList(const QStringList& names)
{
    constexpr qsizetype Shown = 4;
    if (names.size() <= Shown + 1)
        return names.join(u", "_s);
    return ExpectedVariablesBanner::tr("%1 and %2 more")
        .arg(names.first(Shown).join(u", "_s))
        .arg(names.size() - Shown);
}

} // namespace

ExpectedVariablesBanner::ExpectedVariablesBanner(QWidget* parent)
    : QFrame(parent)
    , m_text(new QLabel)
    , m_set(new QPushButton(tr("Set Variables…")))
    , m_notNow(new QPushButton(tr("Not Now")))
{
    setObjectName(u"expectedVariablesBanner"_s);
    setFrameShape(QFrame::StyledPanel);
    setAutoFillBackground(true);
    applyColours();
    m_text->setObjectName(u"expectedVariablesText"_s);
    m_text->setWordWrap(true);
    m_text->setTextFormat(Qt::PlainText); // names come from the repository
    m_set->setObjectName(u"expectedVariablesSet"_s);
    m_set->setToolTip(tr("Fill in the variables this repository expects"));
    m_notNow->setObjectName(u"expectedVariablesNotNow"_s);
    m_notNow->setToolTip(tr("Don't offer these again for this project; Project > Set Expected "
                            "Variables… still opens the form"));
    connect(m_set, &QPushButton::clicked, this, &ExpectedVariablesBanner::setRequested);
    connect(m_notNow, &QPushButton::clicked, this, &ExpectedVariablesBanner::dismissed);
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(10, 6, 10, 6);
    layout->addWidget(m_text, 1);
    layout->addWidget(m_set, 0, Qt::AlignVCenter);
    layout->addWidget(m_notNow, 0, Qt::AlignVCenter);
    hide();
}

void ExpectedVariablesBanner::showFor(const QStringList& names)
{
    if (names.isEmpty()) {
        hide();
        m_text->clear();
        return;
    }
    m_text->setText(
        names.size() == 1
            ? tr("This repository expects 1 variable: %1.").arg(names.constFirst())
            : tr("This repository expects %1 variables: %2.").arg(names.size()).arg(shortList(names)));
    show();
}

QString ExpectedVariablesBanner::text() const
{
    return m_text->text();
}

void ExpectedVariablesBanner::changeEvent(QEvent* event)
{
    if ((event->type() == QEvent::PaletteChange || event->type() == QEvent::ApplicationPaletteChange) &&
        !m_applyingColours)
        applyColours();
    QFrame::changeEvent(event);
}

void ExpectedVariablesBanner::applyColours()
{
    // A light wash of the highlight colour: a suggestion, not a warning, on both themes.
    m_applyingColours = true; // setPalette below sends PaletteChange again
    const QColor window = QApplication::palette().color(QPalette::Window);
    const QColor accent = QApplication::palette().color(QPalette::Highlight);
    constexpr float Wash = 0.18f;
    QPalette own = palette();
    own.setColor(QPalette::Window, QColor::fromRgbF(window.redF() * (1 - Wash) + accent.redF() * Wash,
                                                    window.greenF() * (1 - Wash) + accent.greenF() * Wash,
                                                    window.blueF() * (1 - Wash) + accent.blueF() * Wash));
    setPalette(own);
    m_applyingColours = false;
}

} // namespace forge::ui
