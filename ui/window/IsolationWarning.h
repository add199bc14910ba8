#pragma once

#include <QFrame>
#include <QLabel>
#include <QStringList>

class QPushButton;

namespace forge::ui {

// What the window shows about a project that runs without isolation: whose code runs as the user,
// and, while its run still goes on, that it does. It stays above the build log and the preview for
// as long as that is true of the selected project, with a button that turns isolation back on.
class IsolationBanner final : public QFrame
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(IsolationBanner)
public:
    explicit IsolationBanner(QWidget* parent = nullptr);

    // The selected project: `chosen`, its choice to run without isolation; `runningWithout`, its
    // current run goes on without isolation (it started before the choice was turned off); `active`,
    // a run goes on at all. Hidden when neither is true.
    void showFor(const QString& name, bool chosen, bool runningWithout, bool active);
    QString text() const;
    QPushButton* isolateButton() const { return m_isolate; }

Q_SIGNALS:
    // The user asked for the project to be isolated again.
    void isolateRequested();

protected:
    void changeEvent(QEvent* event) override;

private:
    void applyColours();

    QLabel* m_icon;
    QLabel* m_text;
    QPushButton* m_isolate;
    bool m_applyingColours = false;
};

// The status bar's note on isolation, for every project at once: how many run without isolation,
// and that this computer cannot isolate sandboxes (a run failed for that), with what to install in
// its tooltip. Hidden while neither is the case.
class IsolationStatusLabel final : public QLabel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(IsolationStatusLabel)
public:
    explicit IsolationStatusLabel(QWidget* parent = nullptr);

    // The names of the projects on this computer that run without isolation.
    void setProjectsWithoutIsolation(const QStringList& names);
    // Why sandboxes cannot be isolated (a failed run's message); empty: not known to fail.
    void setUnavailable(const QString& reason);
    QString unavailableReason() const { return m_unavailable; }

private:
    void refresh();

    QStringList m_withoutIsolation;
    QString m_unavailable;
};

} // namespace forge::ui
