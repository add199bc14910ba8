#pragma once

#include <QWidget>

class QLabel;
class QPushButton;

namespace forge::ui {

// A card laid over the preview: a title, an explanation and at most one action button. It either
// dims the page underneath (the old page stays visible while a new build runs) or hides it.
class PreviewOverlay final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(PreviewOverlay)
public:
    explicit PreviewOverlay(QWidget* parent = nullptr);

    // `buttonText` empty: no button.
    void present(const QString& title, const QString& message, const QString& buttonText, bool opaque);

    QString title() const;
    QString message() const;
    QPushButton* button() const { return m_button; }

Q_SIGNALS:
    void buttonClicked();

protected:
    void paintEvent(QPaintEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;

private:
    QLabel* m_title = nullptr;
    QLabel* m_message = nullptr;
    QPushButton* m_button = nullptr;
    bool m_opaque = true;
};

} // namespace forge::ui
