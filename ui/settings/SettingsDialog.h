#pragma once

#include "store/DaytonaSettings.h"

#include <QDialog>

class QDialogButtonBox;
class QPushButton;
class QTabWidget;

namespace forge::ui {

class DaytonaSettingsPage;

// Settings (Ctrl+,): one page per area; Daytona for now (GitHub joins with sign-in). Starts from
// what is stored; OK stores the pages' values (disabled while a page has an invalid value), Cancel
// and Esc leave what is stored untouched.
class SettingsDialog : public QDialog
{
    Q_OBJECT
public:
    explicit SettingsDialog(QWidget* parent = nullptr);

    DaytonaSettingsPage* daytonaPage() const { return m_daytona; }
    QPushButton* okButton() const;
    // What OK stores (or stored).
    DaytonaSettings daytonaSettings() const;

    void accept() override;

private:
    void updateState();

    QTabWidget* m_pages = nullptr;
    DaytonaSettingsPage* m_daytona = nullptr;
    QDialogButtonBox* m_buttons = nullptr;
};

} // namespace forge::ui
