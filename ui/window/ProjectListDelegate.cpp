#include "ProjectListDelegate.h"

#include "ProjectStatusText.h"
#include "ui/common/Icons.h"
#include "ui/common/Theme.h"
#include "workflow/ProjectSession.h"

#include <QApplication>
#include <QPainter>

using namespace Qt::StringLiterals;

namespace forge::ui {

QSize ProjectListDelegate::sizeHint(const QStyleOptionViewItem& option, const QModelIndex&) const
{
    const int line = option.fontMetrics.height();
    return {200, 2 * line + 18};
}

void ProjectListDelegate::paint(QPainter* painter, const QStyleOptionViewItem& option,
                                const QModelIndex& index) const
{
    QStyleOptionViewItem opt = option;
    initStyleOption(&opt, index);
    opt.text.clear();
    opt.icon = QIcon();
    QStyle* style = opt.widget ? opt.widget->style() : QApplication::style();
    style->drawControl(QStyle::CE_ItemViewItem, &opt, painter, opt.widget);

    const auto status = ProjectStatus(index.data(ProjectStatusRole).toInt());
    const bool selected = opt.state & QStyle::State_Selected;
    const QColor text = opt.palette.color(selected ? QPalette::HighlightedText : QPalette::Text);
    const QColor muted = selected ? text : opt.palette.color(QPalette::PlaceholderText);
    const QRect area = opt.rect.adjusted(10, 8, -10, -8);
    const int iconSize = 18;

    painter->save();
    const QColor tint = selected ? text : statusColor(status);
    icon(statusIconName(status), tint).paint(painter, QRect(area.left(), area.top() + 1, iconSize, iconSize));

    QFont nameFont = opt.font;
    nameFont.setBold(true);
    const QFontMetrics nameMetrics(nameFont);
    const QString chip = statusText(status);
    const int chipWidth = opt.fontMetrics.horizontalAdvance(chip) + 14;
    const QRect nameRect(area.left() + iconSize + 8, area.top(), area.width() - iconSize - 8 - chipWidth - 6,
                         nameMetrics.height());
    painter->setFont(nameFont);
    painter->setPen(text);
    painter->drawText(
        nameRect, Qt::AlignLeft | Qt::AlignVCenter,
        nameMetrics.elidedText(index.data(Qt::DisplayRole).toString(), Qt::ElideMiddle, nameRect.width()));

    // Status chip on the right of the name.
    const QRect chipRect(area.right() - chipWidth, area.top(), chipWidth, nameMetrics.height());
    painter->setRenderHint(QPainter::Antialiasing);
    QColor chipFill = statusColor(status);
    chipFill.setAlphaF(selected ? 0.35f : 0.16f);
    painter->setPen(Qt::NoPen);
    painter->setBrush(chipFill);
    painter->drawRoundedRect(chipRect, chipRect.height() / 2.0, chipRect.height() / 2.0);
    painter->setFont(opt.font);
    painter->setPen(selected ? text : statusColor(status));
    painter->drawText(chipRect, Qt::AlignCenter, chip);

    QRect detailRect(nameRect.left(), nameRect.bottom() + 4, area.width() - iconSize - 8,
                     opt.fontMetrics.height());
    if (index.data(ProjectWithoutIsolationRole).toBool()) {
        // Right-aligned on the detail line, in the warning colour: seen at a glance in the list.
        const QString marker = tr("not isolated");
        const int markerIcon = opt.fontMetrics.height();
        const int markerWidth = markerIcon + 4 + opt.fontMetrics.horizontalAdvance(marker);
        const QColor warning = selected ? text : Theme::warningColor();
        const QRect markerRect(area.right() - markerWidth, detailRect.top(), markerWidth,
                               detailRect.height());
        icon(u"warning"_s, warning)
            .paint(painter, QRect(markerRect.topLeft(), QSize(markerIcon, markerIcon)));
        painter->setPen(warning);
        painter->drawText(markerRect.adjusted(markerIcon + 4, 0, 0, 0), Qt::AlignLeft | Qt::AlignVCenter,
                          marker);
        detailRect.setRight(markerRect.left() - 8);
    }
    painter->setPen(muted);
    painter->drawText(detailRect, Qt::AlignLeft | Qt::AlignVCenter,
                      opt.fontMetrics.elidedText(index.data(ProjectDetailRole).toString(), Qt::ElideRight,
                                                 detailRect.width()));
    painter->restore();
}

} // namespace forge::ui
