#pragma once

#include "accounts/GitHubAccount.h"
#include "accounts/GitHubAccountManager.h"

#include <QCoro/QCoroTask>
#include <QDialog>
#include <QElapsedTimer>
#include <QPointer>
#include <QTimer>
#include <QUrl>
#include <chrono>
#include <functional>
#include <memory>

class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QTabWidget;
class QVBoxLayout;
class QWidget;

namespace forge::github {
struct DeviceCode;
}

namespace forge::ui {

// "Sign in to GitHub": three ways to the same end, GitHubAccountManager::signInWithToken().
//  - Browser (the default): GitHub's device flow. Shows a code to enter on GitHub's device page,
//    waits for the user to approve it there, then signs in with the token GitHub hands out.
//  - Personal access token: pasted into a password field; a token without the repo scope signs in
//    but keeps the dialog open with a warning until the user chooses to continue.
//  - GitHub CLI: imports the token `gh` is signed in with (only when gh is installed).
// Every failure is shown inline with what to do. A token is never shown, logged or put in a label.
class SignInDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SignInDialog)

public:
    enum class Page { Browser, Token, GitHubCli };

    explicit SignInDialog(GitHubAccountManager& accounts, QWidget* parent = nullptr);
    ~SignInDialog() override;

    // How a web page is opened (default: QDesktopServices::openUrl); tests record it instead.
    void setUrlOpener(std::function<void(const QUrl&)> opener);
    // The length of one of GitHub's "seconds" in the device flow; tests shrink it.
    void setIntervalUnit(std::chrono::milliseconds unit);

    void showPage(Page page);
    Page currentPage() const;
    // Whether a sign-in (any way) is running now.
    bool isBusy() const { return m_busy; }

public Q_SLOTS:
    void reject() override;

Q_SIGNALS:
    void signedIn(const forge::GitHubAccount& account);

protected:
    void changeEvent(QEvent* event) override;

private:
    struct DeviceSession;
    enum class Tone { Info, Warning, Error };

    QWidget* buildBrowserPage();
    // The browser page's "waiting for approval" row: a busy bar, what it waits for, the time left.
    QWidget* buildWaitingRow(QWidget* parent);
    QWidget* buildTokenPage();
    QWidget* buildGhPage();
    // Below the pages: the signed-in account, messages, and what to do after a failure.
    void addMessageArea(QVBoxLayout* layout);

    void startDeviceFlow();
    QCoro::Task<> runDeviceFlow(int generation, std::shared_ptr<DeviceSession> session);
    void showDeviceCode(const github::DeviceCode& code);
    void showDeviceFailure(const QString& message, bool pointToToken);
    void stopDeviceFlow();
    void updateCountdown();

    void signInWithToken();
    QCoro::Task<> runTokenSignIn(int generation, QString token);
    void importFromGh();
    QCoro::Task<> runGhImport(int generation);
    void refreshGhAvailability();

    // Success: the account is signed in; closes unless `warning` asks the user to read it first.
    void finishSignIn(const GitHubAccountManager::SignInResult& result, bool mayStayOpen);
    void setBusy(bool busy);
    void showMessage(const QString& text, Tone tone);
    void styleMessage();
    void clearMessage();
    void growToFit();
    void openUrl(const QUrl& url);

    GitHubAccountManager& m_accounts;
    std::function<void(const QUrl&)> m_urlOpener;
    std::chrono::milliseconds m_intervalUnit{1000};
    std::shared_ptr<DeviceSession> m_session;
    int m_generation = 0;
    bool m_busy = false;
    Tone m_messageTone = Tone::Info;

    QTabWidget* m_tabs = nullptr;
    QLabel* m_message = nullptr;
    QPushButton* m_startOver = nullptr;
    QPushButton* m_useToken = nullptr;
    QPushButton* m_cancel = nullptr;
    QPushButton* m_done = nullptr;

    // Browser page
    QWidget* m_browserIntro = nullptr;
    QPushButton* m_signInBrowser = nullptr;
    QWidget* m_codePanel = nullptr;
    QLabel* m_userCode = nullptr;
    QPushButton* m_copyCode = nullptr;
    QPushButton* m_openBrowser = nullptr;
    QWidget* m_waitingRow = nullptr;
    QProgressBar* m_busyBar = nullptr;
    QLabel* m_waitingText = nullptr;
    QLabel* m_countdown = nullptr;
    QUrl m_verificationUri;
    QElapsedTimer m_codeClock;
    std::chrono::milliseconds m_codeLifetime{0};
    QTimer m_countdownTimer;

    // Token page
    QLineEdit* m_tokenInput = nullptr;
    QPushButton* m_tokenSignIn = nullptr;
    QLabel* m_accountSummary = nullptr;
    QPushButton* m_useAnotherToken = nullptr;

    // GitHub CLI page
    QLabel* m_ghStatus = nullptr;
    QPushButton* m_importGh = nullptr;
};

} // namespace forge::ui
