#include "FindBar.h"

#include "ui/common/Icons.h"

#include <QHBoxLayout>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QToolButton>

using namespace Qt::StringLiterals;

namespace forge::ui {

FindBar::FindBar(QWidget* parent)
    : QWidget(parent)
    , m_field(new QLineEdit(this))
    , m_count(new QLabel(this))
{
    setObjectName(u"findBar"_s);
    m_field->setObjectName(u"findField"_s);
    m_field->setPlaceholderText(tr("Find in output"));
    m_field->setClearButtonEnabled(true);
    m_field->addAction(icon(u"search"_s), QLineEdit::LeadingPosition);
    m_field->installEventFilter(this);
    m_count->setObjectName(u"findMatchCount"_s);
    m_count->setTextFormat(Qt::PlainText);
    m_count->setMinimumWidth(m_count->fontMetrics().horizontalAdvance(u"9999 of 9999"_s));

    const auto makeButton = [this](const QString& text, const QString& toolTip) {
        auto* button = new QToolButton(this);
        button->setText(text);
        button->setToolTip(toolTip);
        button->setAutoRaise(true);
        return button;
    };
    QToolButton* previous = makeButton(u"↑"_s, tr("Previous match (Shift+Enter)"));
    QToolButton* next = makeButton(u"↓"_s, tr("Next match (Enter)"));
    QToolButton* closeButton = makeButton(u"✕"_s, tr("Close (Esc)"));
    previous->setObjectName(u"findPrevious"_s);
    next->setObjectName(u"findNext"_s);

    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(6, 4, 6, 4);
    layout->setSpacing(4);
    layout->addWidget(m_field, 1);
    layout->addWidget(m_count);
    layout->addWidget(previous);
    layout->addWidget(next);
    layout->addWidget(closeButton);

    connect(m_field, &QLineEdit::textChanged, this, &FindBar::termChanged);
    connect(previous, &QToolButton::clicked, this, &FindBar::previousRequested);
    connect(next, &QToolButton::clicked, this, &FindBar::nextRequested);
    connect(closeButton, &QToolButton::clicked, this, &FindBar::close);
    hide();
}

QString FindBar::term() const
{
    return isVisible() ? m_field->text() : QString();
}

void FindBar::open(const QString& initialTerm)
{
    if (!initialTerm.isEmpty() && !initialTerm.contains(QChar::ParagraphSeparator))
        m_field->setText(initialTerm);
    show();
    m_field->setFocus(Qt::ShortcutFocusReason);
    m_field->selectAll();
    Q_EMIT termChanged(m_field->text());
}

void FindBar::setMatchCount(int total, int current)
{
    if (m_field->text().isEmpty())
        m_count->clear();
    else if (total == 0)
        m_count->setText(tr("No matches"));
    else if (current > 0)
        m_count->setText(tr("%1 of %2").arg(current).arg(total));
    else
        m_count->setText(total == 1 ? tr("1 match") : tr("%1 matches").arg(total));
}

QString FindBar::matchCountText() const
{
    return m_count->text();
}

void FindBar::close()
{
    hide();
    Q_EMIT closed();
}

bool FindBar::eventFilter(QObject* watched, QEvent* event)
{
    if (watched == m_field && event->type() == QEvent::ShortcutOverride) {
        // Esc and Enter belong to the field while it has focus, even if the window uses them.
        const auto* key = static_cast<QKeyEvent*>(event);
        if (key->key() == Qt::Key_Escape || key->key() == Qt::Key_Return || key->key() == Qt::Key_Enter) {
            event->accept();
            return true;
        }
    }
    if (watched == m_field && event->type() == QEvent::KeyPress) {
        const auto* key = static_cast<QKeyEvent*>(event);
        if (key->key() == Qt::Key_Return || key->key() == Qt::Key_Enter) {
            if (key->modifiers() & Qt::ShiftModifier)
                Q_EMIT previousRequested();
            else
                Q_EMIT nextRequested();
            return true;
        }
        if (key->key() == Qt::Key_Escape) {
            close();
            return true;
        }
    }
    return QWidget::eventFilter(watched, event);
}

} // namespace forge::ui
