#pragma once

#include <QFrame>
#include <QStringList>

class QLabel;
class QPushButton;

namespace forge::ui {

// The notice above the build log and the preview that the shown repository expects variables the
// project does not set ("This repository expects 2 variables: GREETING, STRIPE_SECRET_KEY"), with
// Set Variables… and Not Now. It only offers: it takes no focus and holds up no run.
class ExpectedVariablesBanner final : public QFrame
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ExpectedVariablesBanner)
public:
    explicit ExpectedVariablesBanner(QWidget* parent = nullptr);

    // Shows the banner for `names`; hidden when empty.
    void showFor(const QStringList& names);
    QString text() const;
    QPushButton* setButton() const { return m_set; }
    QPushButton* notNowButton() const { return m_notNow; }

Q_SIGNALS:
    void setRequested();
    void dismissed();

protected:
    void changeEvent(QEvent* event) override;

private:
    void applyColours();

    QLabel* m_text;
    QPushButton* m_set;
    QPushButton* m_notNow;
    bool m_applyingColours = false;
};

} // namespace forge::ui
