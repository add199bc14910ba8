#pragma once

#include <QObject>
#include <QPointer>
#include <QString>

class QAction;
class QLabel;
class QNetworkAccessManager;
class QToolButton;
class QWidget;

namespace forge {
class GitHubAccountManager;
class SecretStore;
} // namespace forge

namespace forge::ui {

class SignInDialog;

// The window's side of who the user is: the keychain (SecretStore, with the plain-text fallback
// only when the user opted in, and then a visible warning), the GitHub account (sign in through
// SignInDialog, sign out), and the account button for the status bar (avatar, login and host, or
// "Sign in to GitHub").
class AccountController final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(AccountController)

public:
    // `window` parents the dialogs; `dataDirectory` holds the plain-text file if it is ever used.
    // The keychain and the account are the application's (AppContext); this is their face.
    AccountController(SecretStore& secrets, GitHubAccountManager& accounts, const QString& dataDirectory,
                      QWidget* window);
    ~AccountController() override;

    SecretStore& secrets() const { return *m_secrets; }
    GitHubAccountManager& accounts() const { return *m_accounts; }
    QAction* signInAction() const { return m_signInAction; }
    QAction* signOutAction() const { return m_signOutAction; }
    QToolButton* accountButton() const { return m_accountButton; }
    QLabel* plainTextWarning() const { return m_plainTextWarning; }
    // The sign-in dialog while it is open (tests drive it); null otherwise.
    SignInDialog* signInDialog() const;

    QString plainTextFallbackDirectory() const;
    static bool plainTextFallbackSetting();
    void applyPlainTextFallback(bool enabled);

    void signIn();
    void signOut();

Q_SIGNALS:
    void accountChanged();
    // Something the user should read in the status bar.
    void message(const QString& text);

private:
    void refresh();
    void loadAvatar();

    QString m_dataDirectory;
    QWidget* m_window;
    SecretStore* m_secrets;
    GitHubAccountManager* m_accounts;
    QNetworkAccessManager* m_network = nullptr;
    QAction* m_signInAction = nullptr;
    QAction* m_signOutAction = nullptr;
    QToolButton* m_accountButton = nullptr;
    QLabel* m_plainTextWarning = nullptr;
    QPointer<SignInDialog> m_signInDialog;
};

} // namespace forge::ui
