#pragma once

#include <QPointer>
#include <QWidget>

namespace forge::ui {

// Two widgets side by side at exactly the same size, with a one-pixel rule between them. A layout
// would give an odd width's spare pixel to one of them, and two views a pixel apart in width lay
// a page out differently: the visual diff would report the whole right edge as changed.
class EqualColumns final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(EqualColumns)
public:
    explicit EqualColumns(QWidget* left, QWidget* right, QWidget* parent = nullptr);

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

protected:
    void resizeEvent(QResizeEvent* event) override;
    void paintEvent(QPaintEvent* event) override;

private:
    int columnWidth() const;

    QPointer<QWidget> m_left;
    QPointer<QWidget> m_right;
};

} // namespace forge::ui
