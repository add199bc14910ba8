#pragma once

#include "accounts/GitHubAccount.h"

#include <QWidget>

class QCheckBox;
class QLabel;
class QLineEdit;

namespace forge::ui {

// Settings > GitHub: which GitHub to sign in to (github.com, or a GitHub Enterprise Server's API
// base), the OAuth app's client id for signing in with the browser, and whether secrets may go to a
// plain-text file when no keychain is available (off unless the user turns it on, with a warning).
class GitHubSettingsPage final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(GitHubSettingsPage)

public:
    static constexpr auto PlainTextFallbackKey = "secrets/plainTextFallback";

    explicit GitHubSettingsPage(QWidget* parent = nullptr);

    void setSettings(const GitHubSettings& settings);
    GitHubSettings settings() const;
    void setPlainTextFallback(bool enabled);
    bool plainTextFallback() const;
    bool isValid() const { return m_valid; }

Q_SIGNALS:
    void validityChanged(bool valid);

private:
    void validate();

    QLineEdit* m_apiUrl = nullptr;
    QLabel* m_apiUrlStatus = nullptr;
    QLineEdit* m_clientId = nullptr;
    QCheckBox* m_plainText = nullptr;
    QLabel* m_plainTextWarning = nullptr;
    bool m_valid = true;
};

} // namespace forge::ui
