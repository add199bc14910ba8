#pragma once

#include <QWidget>

class QSpinBox;

namespace forge::ui {

// Settings > Runs: how many projects build at once (the others wait as queued) and how often the
// sandbox manager checks a live preview. Stored with QSettings under the keys the window reads.
class RunsSettingsPage final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(RunsSettingsPage)

public:
    explicit RunsSettingsPage(QWidget* parent = nullptr);

    void load();
    void save() const;
    void restoreDefaults();
    int maxConcurrentRuns() const;
    int checkIntervalMinutes() const;

private:
    QSpinBox* m_maxConcurrent = nullptr;
    QSpinBox* m_checkInterval = nullptr;
};

} // namespace forge::ui
