#include "GitHubListParts.h"

#include "github/GitHubError.h"
#include "ui/common/Theme.h"

#include <QApplication>
#include <QCoreApplication>
#include <QKeyEvent>
#include <QLineEdit>
#include <QLocale>
#include <QPainter>

using namespace Qt::StringLiterals;

namespace forge::ui {

namespace {

// The texts keep the GitHub tab's translation context, where they were first written.
QString tr(const char* text)
{
    return QCoreApplication::translate("GitHubSource", text);
}

QColor badgeColor(const QString& badge)
{
    if (badge == u"private"_s)
        return Theme::warningColor();
    // Archived and draft both mean "not in play yet / any more": grey, as GitHub shows them.
    if (badge == u"archived"_s || badge == u"draft"_s)
        return Theme::mutedTextColor();
    return QGuiApplication::palette().color(QPalette::Link);
}

} // namespace

BadgeDelegate::BadgeDelegate(int dataColumn, int role, QObject* parent)
    : QStyledItemDelegate(parent)
    , m_dataColumn(dataColumn)
    , m_role(role)
{}

void BadgeDelegate::paint(QPainter* painter, const QStyleOptionViewItem& option,
                          const QModelIndex& index) const
{
    QStyleOptionViewItem base = option;
    initStyleOption(&base, index);
    base.text.clear();
    const QWidget* widget = option.widget;
    QStyle* style = widget ? widget->style() : QApplication::style();
    style->drawControl(QStyle::CE_ItemViewItem, &base, painter, widget);

    const QStringList badges = index.siblingAtColumn(m_dataColumn).data(m_role).toStringList();
    if (badges.isEmpty())
        return;
    painter->save();
    painter->setRenderHint(QPainter::Antialiasing);
    QFont font = option.font;
    font.setPointSizeF(font.pointSizeF() * 0.85);
    painter->setFont(font);
    const QFontMetrics metrics(font);
    const int height = metrics.height() + 2;
    int x = option.rect.left() + 4;
    const int y = option.rect.center().y() - height / 2;
    for (const QString& badge : badges) {
        const int width = metrics.horizontalAdvance(badge) + 12;
        if (x + width > option.rect.right())
            break;
        const QRectF chip(x + 0.5, y + 0.5, width - 1, height - 1);
        const QColor color = badgeColor(badge);
        QColor fill = color;
        fill.setAlpha(36);
        QColor border = color;
        border.setAlpha(150);
        painter->setPen(border);
        painter->setBrush(fill);
        painter->drawRoundedRect(chip, height / 2.0, height / 2.0);
        painter->setPen((option.state & QStyle::State_Selected)
                            ? option.palette.color(QPalette::HighlightedText)
                            : color);
        painter->drawText(chip, Qt::AlignCenter, badge);
        x += width + 4;
    }
    painter->restore();
}

EnterKeyCatcher::EnterKeyCatcher(QLineEdit* edit)
    : QObject(edit)
{
    edit->installEventFilter(this);
}

bool EnterKeyCatcher::eventFilter(QObject* watched, QEvent* event)
{
    if (event->type() != QEvent::KeyPress)
        return QObject::eventFilter(watched, event);
    const int key = static_cast<QKeyEvent*>(event)->key();
    if (key != Qt::Key_Return && key != Qt::Key_Enter)
        return false;
    Q_EMIT entered();
    return true;
}

QString relativeTime(const QDateTime& when)
{
    if (!when.isValid())
        return tr("never");
    const qint64 seconds = when.secsTo(QDateTime::currentDateTimeUtc());
    if (seconds < 60)
        return tr("just now");
    if (seconds < 3600)
        return tr("%1 min ago").arg(seconds / 60);
    if (seconds < 24 * 3600)
        return tr("%1 h ago").arg(seconds / 3600);
    const qint64 days = seconds / (24 * 3600);
    if (days == 1)
        return tr("yesterday");
    if (days < 30)
        return tr("%1 days ago").arg(days);
    return QLocale().toString(when.toLocalTime().date(), u"d MMM yyyy"_s);
}

QString fullTime(const QDateTime& when, const QString& missing)
{
    return when.isValid() ? QLocale().toString(when.toLocalTime(), QLocale::LongFormat) : missing;
}

QString counted(qint64 count, const QString& one, const QString& many)
{
    return (count == 1 ? one : many).arg(count);
}

QString rateLimitText(const github::GitHubError& error)
{
    using Kind = github::GitHubError::Kind;
    if (error.errorKind() == Kind::PrimaryRateLimit) {
        const QDateTime reset = error.rateLimitReset();
        if (!reset.isValid())
            return tr("GitHub's rate limit is used up; try again later.");
        const qint64 seconds = QDateTime::currentDateTimeUtc().secsTo(reset);
        const qint64 minutes = qMax<qint64>(1, (seconds + 59) / 60);
        return tr("GitHub's rate limit is used up; it resets at %1 (in %2).")
            .arg(QLocale().toString(reset.toLocalTime().time(), u"HH:mm"_s),
                 counted(minutes, tr("%1 minute"), tr("%1 minutes")));
    }
    if (error.errorKind() == Kind::SecondaryRateLimit) {
        const int seconds = qMax(1, error.retryAfterSeconds());
        return tr("GitHub is limiting how fast this app sends requests; try again in %1.")
            .arg(counted(seconds, tr("%1 second"), tr("%1 seconds")));
    }
    return {};
}

} // namespace forge::ui
