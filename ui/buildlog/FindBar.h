#pragma once

#include <QWidget>

class QLabel;
class QLineEdit;

namespace forge::ui {

// The find bar under the log: a search field, the match count, previous/next and close. Enter and
// Shift+Enter step through matches, Esc closes. It only reports what the user wants; the panel
// does the searching.
class FindBar final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(FindBar)
public:
    explicit FindBar(QWidget* parent = nullptr);

    QString term() const;
    // Opens (or refocuses) the bar with the field's text selected.
    void open(const QString& initialTerm = {});
    // "3 of 12", "No matches", or nothing for an empty term.
    void setMatchCount(int total, int current);
    QString matchCountText() const;

Q_SIGNALS:
    void termChanged(const QString& term);
    void nextRequested();
    void previousRequested();
    void closed();

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    void close();

    QLineEdit* m_field;
    QLabel* m_count;
};

} // namespace forge::ui
