#pragma once

#include <QFrame>

class QLabel;
class QPushButton;

namespace forge {
class StepFailure;
}

namespace forge::ui {

// The box at the top of a failed step's output: what went wrong, what to do, and the lines of
// output that show it, with a button that fixes the cause when the window knows how ("Set
// SUPABASE_URL…"). Everything is plain text (labels never interpret the repository's text as HTML).
class FailureBox final : public QFrame
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(FailureBox)
public:
    explicit FailureBox(QWidget* parent = nullptr);

    // Shows `failure`; a fix offered for the one before is taken away.
    void setFailure(const forge::StepFailure& failure);
    // Offers a button under the advice (`text`, e.g. "Set SUPABASE_URL…") that emits fixRequested(),
    // until the next setFailure().
    void offerFix(const QString& text, const QString& toolTip = {});

    QString message() const;
    QString advice() const;
    QString evidence() const;
    QPushButton* fixButton() const { return m_fix; }

Q_SIGNALS:
    void fixRequested();

protected:
    void changeEvent(QEvent* event) override;

private:
    void applyColors();

    QLabel* m_title;
    QLabel* m_message;
    QLabel* m_advice;
    QLabel* m_evidence;
    QPushButton* m_fix;
    bool m_applyingColors = false;
};

} // namespace forge::ui
