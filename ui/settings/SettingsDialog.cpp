#include "SettingsDialog.h"

#include "DaytonaSettingsPage.h"

#include <QDialogButtonBox>
#include <QPushButton>
#include <QSettings>
#include <QTabWidget>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace forge::ui {

SettingsDialog::SettingsDialog(QWidget* parent)
    : QDialog(parent)
{
    setWindowTitle(tr("Settings"));
    setMinimumWidth(600);
    auto* layout = new QVBoxLayout(this);

    m_pages = new QTabWidget;
    m_daytona = new DaytonaSettingsPage;
    m_daytona->setSettings(DaytonaSettings::load());
    m_pages->addTab(m_daytona, tr("Daytona"));
    layout->addWidget(m_pages, 1);

    m_buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel |
                                     QDialogButtonBox::RestoreDefaults);
    m_buttons->button(QDialogButtonBox::RestoreDefaults)
        ->setToolTip(tr("Put this page's defaults in the fields (stored only with OK)"));
    layout->addWidget(m_buttons);
    connect(m_buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_buttons->button(QDialogButtonBox::RestoreDefaults), &QPushButton::clicked, this,
            [this] { m_daytona->setSettings(DaytonaSettings()); });
    connect(m_daytona, &DaytonaSettingsPage::validityChanged, this, &SettingsDialog::updateState);
    updateState();
}

QPushButton* SettingsDialog::okButton() const
{
    return m_buttons->button(QDialogButtonBox::Ok);
}

DaytonaSettings SettingsDialog::daytonaSettings() const
{
    return m_daytona->settings();
}

void SettingsDialog::accept()
{
    if (!m_daytona->isValid())
        return; // Enter in a field while a value is invalid: the inline message says what to fix
    QSettings settings;
    m_daytona->settings().save(settings);
    settings.sync();
    QDialog::accept();
}

void SettingsDialog::updateState()
{
    okButton()->setEnabled(m_daytona->isValid());
}

} // namespace forge::ui
