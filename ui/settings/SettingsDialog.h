#pragma once

#include "accounts/GitHubAccount.h"
#include "store/DaytonaSettings.h"

#include <QDialog>

class QDialogButtonBox;
class QLabel;
class QPushButton;
class QTabWidget;

namespace forge {
class SecretStore;
class ToolCache;
} // namespace forge

namespace forge::ui {

class DaytonaSettingsPage;
class GitHubSettingsPage;
class RunsSettingsPage;
class ToolchainsSettingsPage;

// Settings (Ctrl+,): one page per area (GitHub, Daytona, Runs, and Toolchains when there is a tool
// cache). Starts from what is stored (the Daytona key as read from the keychain); OK stores the
// pages' values, the key in the keychain (and stays open, saying why, when the keychain refuses),
// disabled while a page has an invalid value. Cancel and Esc leave what is stored untouched.
class SettingsDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SettingsDialog)

public:
    // `fallbackDirectory`: where secrets go in plain text if the user turns that on. `toolCache`: the
    // cache Settings > Toolchains lists (no such page without one).
    SettingsDialog(SecretStore& secrets, const DaytonaSettings& daytona, bool plainTextFallback,
                   const QString& fallbackDirectory, ToolCache* toolCache = nullptr,
                   QWidget* parent = nullptr);

    enum class Page { GitHub, Daytona, Runs, Toolchains };
    void showPage(Page page);

    DaytonaSettingsPage* daytonaPage() const { return m_daytona; }
    GitHubSettingsPage* gitHubPage() const { return m_gitHub; }
    RunsSettingsPage* runsPage() const { return m_runs; }
    ToolchainsSettingsPage* toolchainsPage() const { return m_toolchains; }
    QPushButton* okButton() const;
    // What OK stores (or stored).
    DaytonaSettings daytonaSettings() const;
    GitHubSettings gitHubSettings() const;
    bool plainTextFallback() const;
    // Why the last OK could not store everything; empty when it could.
    QString errorText() const;

    void accept() override;

private:
    void updateState();
    void finishAccept(const QString& keychainProblem);

    SecretStore& m_secrets;
    QString m_storedApiKey; // as read from the keychain when the dialog opened
    QString m_fallbackDirectory;
    bool m_saving = false;
    QTabWidget* m_pages = nullptr;
    GitHubSettingsPage* m_gitHub = nullptr;
    DaytonaSettingsPage* m_daytona = nullptr;
    RunsSettingsPage* m_runs = nullptr;
    ToolchainsSettingsPage* m_toolchains = nullptr;
    QLabel* m_error = nullptr;
    QDialogButtonBox* m_buttons = nullptr;
};

} // namespace forge::ui
