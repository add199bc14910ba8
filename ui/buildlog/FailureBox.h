#pragma once

#include <QFrame>

class QLabel;

namespace forge {
class StepFailure;
}

namespace forge::ui {

// The box at the top of a failed step's output: what went wrong, what to do, and the lines of
// output that show it. Everything is plain text (labels never interpret the repository's text as
// HTML).
class FailureBox final : public QFrame
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(FailureBox)
public:
    explicit FailureBox(QWidget* parent = nullptr);

    void setFailure(const forge::StepFailure& failure);

    QString message() const;
    QString advice() const;
    QString evidence() const;

protected:
    void changeEvent(QEvent* event) override;

private:
    void applyColors();

    QLabel* m_title;
    QLabel* m_message;
    QLabel* m_advice;
    QLabel* m_evidence;
    bool m_applyingColors = false;
};

} // namespace forge::ui
