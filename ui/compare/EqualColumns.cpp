#include "ui/compare/EqualColumns.h"

#include <QPainter>

namespace forge::ui {

namespace {
constexpr int RuleWidth = 1;
} // namespace

EqualColumns::EqualColumns(QWidget* left, QWidget* right, QWidget* parent)
    : QWidget(parent)
    , m_left(left)
    , m_right(right)
{
    left->setParent(this);
    right->setParent(this);
}

QSize EqualColumns::sizeHint() const
{
    const QSize column = m_left->sizeHint().expandedTo(m_right->sizeHint());
    return {2 * column.width() + RuleWidth, column.height()};
}

QSize EqualColumns::minimumSizeHint() const
{
    const QSize column = m_left->minimumSizeHint().expandedTo(m_right->minimumSizeHint());
    return {2 * column.width() + RuleWidth, column.height()};
}

int EqualColumns::columnWidth() const
{
    return (width() - RuleWidth) / 2;
}

void EqualColumns::resizeEvent(QResizeEvent*)
{
    // The spare pixel of an odd width widens the rule, never a column.
    const int column = columnWidth();
    m_left->setGeometry(0, 0, column, height());
    m_right->setGeometry(width() - column, 0, column, height());
}

void EqualColumns::paintEvent(QPaintEvent*)
{
    QPainter painter(this);
    const int column = columnWidth();
    painter.fillRect(column, 0, width() - 2 * column, height(), palette().color(QPalette::Mid));
}

} // namespace forge::ui
