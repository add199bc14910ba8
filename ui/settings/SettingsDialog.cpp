#include "SettingsDialog.h"

#include "DaytonaSettingsPage.h"
#include "GitHubSettingsPage.h"
#include "RunsSettingsPage.h"
#include "ToolchainsSettingsPage.h"
#include "secrets/SecretStore.h"
#include "ui/common/Labels.h"

#include <QCoroTask>
#include <QDialogButtonBox>
#include <QLabel>
#include <QPointer>
#include <QPushButton>
#include <QSettings>
#include <QTabWidget>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace forge::ui {

SettingsDialog::SettingsDialog(SecretStore& secrets, const DaytonaSettings& daytona, bool plainTextFallback,
                               const QString& fallbackDirectory, ToolCache* toolCache, QWidget* parent)
    : QDialog(parent)
    , m_secrets(secrets)
    , m_storedApiKey(daytona.apiKey)
    , m_fallbackDirectory(fallbackDirectory)
{
    setWindowTitle(tr("Settings"));
    setMinimumWidth(600);
    auto* layout = new QVBoxLayout(this);

    m_pages = new QTabWidget;
    m_gitHub = new GitHubSettingsPage;
    m_gitHub->setSettings(GitHubSettings::load());
    m_gitHub->setPlainTextFallback(plainTextFallback);
    m_daytona = new DaytonaSettingsPage;
    m_daytona->setSettings(daytona);
    m_pages->addTab(m_gitHub, tr("GitHub"));
    m_pages->addTab(m_daytona, tr("Daytona"));
    m_runs = new RunsSettingsPage;
    m_pages->addTab(m_runs, tr("Runs"));
    if (toolCache) {
        m_toolchains = new ToolchainsSettingsPage(*toolCache);
        m_pages->addTab(m_toolchains, tr("Toolchains"));
    }
    layout->addWidget(m_pages, 1);

    m_error = errorLabel(u"settingsError"_s);
    layout->addWidget(m_error);

    m_buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel |
                                     QDialogButtonBox::RestoreDefaults);
    m_buttons->button(QDialogButtonBox::RestoreDefaults)
        ->setToolTip(tr("Put this page's defaults in the fields (stored only with OK)"));
    layout->addWidget(m_buttons);
    connect(m_buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_buttons->button(QDialogButtonBox::RestoreDefaults), &QPushButton::clicked, this, [this] {
        if (m_pages->currentWidget() == m_runs) {
            m_runs->restoreDefaults();
            return;
        }
        if (m_toolchains && m_pages->currentWidget() == m_toolchains) {
            m_toolchains->restoreDefaults();
            return;
        }
        if (m_pages->currentWidget() == m_gitHub) {
            m_gitHub->setSettings(GitHubSettings());
            m_gitHub->setPlainTextFallback(false);
            return;
        }
        DaytonaSettings defaults;
        defaults.apiKey = m_daytona->settings().apiKey; // a key is not a default to restore
        m_daytona->setSettings(defaults);
    });
    connect(m_daytona, &DaytonaSettingsPage::validityChanged, this, &SettingsDialog::updateState);
    connect(m_gitHub, &GitHubSettingsPage::validityChanged, this, &SettingsDialog::updateState);
    updateState();
}

void SettingsDialog::showPage(Page page)
{
    QWidget* pages[] = {m_gitHub, m_daytona, m_runs, m_toolchains};
    if (QWidget* shown = pages[static_cast<int>(page)])
        m_pages->setCurrentWidget(shown);
}

QPushButton* SettingsDialog::okButton() const
{
    return m_buttons->button(QDialogButtonBox::Ok);
}

DaytonaSettings SettingsDialog::daytonaSettings() const
{
    return m_daytona->settings();
}

GitHubSettings SettingsDialog::gitHubSettings() const
{
    return m_gitHub->settings();
}

bool SettingsDialog::plainTextFallback() const
{
    return m_gitHub->plainTextFallback();
}

QString SettingsDialog::errorText() const
{
    return m_error->isVisible() ? m_error->text() : QString();
}

void SettingsDialog::accept()
{
    // Enter in a field while a value is invalid: the inline message says what to fix.
    if (!m_daytona->isValid() || !m_gitHub->isValid() || m_saving)
        return;
    QSettings settings;
    const DaytonaSettings daytona = m_daytona->settings();
    daytona.save(settings);
    m_gitHub->settings().save(settings);
    m_runs->save();
    if (m_toolchains)
        m_toolchains->save();
    settings.setValue(QString::fromLatin1(GitHubSettingsPage::PlainTextFallbackKey), plainTextFallback());
    settings.sync();
    // Before the key is written, so a key entered together with the opt-in is kept.
    if (plainTextFallback())
        m_secrets.enablePlainTextFallback(m_fallbackDirectory);
    else
        m_secrets.disablePlainTextFallback();

    if (daytona.apiKey == m_storedApiKey) {
        finishAccept({});
        return;
    }
    // The key goes to the keychain; the dialog waits for it so a refusal is not lost.
    m_saving = true;
    updateState();
    const SecretKey key = daytona.keychainKey();
    auto task = daytona.apiKey.isEmpty() ? m_secrets.remove(key) : m_secrets.write(key, daytona.apiKey);
    QCoro::connect(std::move(task), this, [this, apiKey = daytona.apiKey](const SecretResult& result) {
        m_saving = false;
        if (result.ok()) {
            m_storedApiKey = apiKey;
            DaytonaSettings::setApiKeyInKeychain(!apiKey.isEmpty());
        }
        finishAccept(result.ok() ? QString() : result.message());
    });
}

void SettingsDialog::finishAccept(const QString& keychainProblem)
{
    updateState();
    if (!keychainProblem.isEmpty()) {
        m_error->setText(tr("The other settings are saved, but the Daytona API key could not be kept: "
                            "%1")
                             .arg(keychainProblem));
        m_error->show();
        m_pages->setCurrentWidget(m_daytona);
        return;
    }
    m_error->hide();
    QDialog::accept();
}

void SettingsDialog::updateState()
{
    okButton()->setEnabled(m_daytona->isValid() && m_gitHub->isValid() && !m_saving);
}

} // namespace forge::ui
