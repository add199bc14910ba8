#pragma once

#include <QDateTime>
#include <QStyledItemDelegate>

class QLineEdit;

namespace forge::github {
class GitHubError;
} // namespace forge::github

namespace forge::ui {

// What the GitHub tab's two lists (repositories, pull requests) share, so they read alike.

// Paints a row's badges ("private", "fork", "archived", "draft") as small rounded chips. The badges
// are a QStringList in `role` of the row's `dataColumn`; the cell's own text stays in the item for
// tests and screen readers.
class BadgeDelegate final : public QStyledItemDelegate
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(BadgeDelegate)
public:
    BadgeDelegate(int dataColumn, int role, QObject* parent = nullptr);

    void paint(QPainter* painter, const QStyleOptionViewItem& option,
               const QModelIndex& index) const override;

private:
    int m_dataColumn;
    int m_role;
};

// Enter in a filter field acts on its list (the first press takes the first match, the next opens
// it) and goes no further: in the picker it would otherwise also press the dialog's default button.
class EnterKeyCatcher final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(EnterKeyCatcher)
public:
    // Watches `edit`, whose child it becomes.
    explicit EnterKeyCatcher(QLineEdit* edit);

Q_SIGNALS:
    void entered();

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;
};

// "3 min ago", "yesterday", "12 Mar 2024": short enough for a column (the full time goes in a tooltip).
QString relativeTime(const QDateTime& when);
// The full local time for a tooltip; `missing` when `when` is invalid.
QString fullTime(const QDateTime& when, const QString& missing);
// "1 repository", "250 repositories" (the English plural without a loaded translation).
QString counted(qint64 count, const QString& one, const QString& many);
// What to do about a used-up rate limit (when to try again); empty for any other error.
QString rateLimitText(const github::GitHubError& error);

} // namespace forge::ui
