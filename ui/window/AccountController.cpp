#include "AccountController.h"

#include "accounts/GitHubAccountManager.h"
#include "secrets/SecretStore.h"
#include "ui/account/SignInDialog.h"
#include "ui/common/Theme.h"
#include "ui/settings/GitHubSettingsPage.h"

#include <QAction>
#include <QCoroTask>
#include <QDir>
#include <QIcon>
#include <QImage>
#include <QLabel>
#include <QMenu>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QPainter>
#include <QPainterPath>
#include <QSettings>
#include <QToolButton>

using namespace Qt::StringLiterals;

namespace forge::ui {

namespace {

constexpr int AvatarSize = 20;

// A round picture from `image`, or a circle with the login's first letter when there is none.
QIcon avatarIcon(const QImage& image, const QString& login, qreal devicePixelRatio)
{
    const int size = qRound(AvatarSize * devicePixelRatio);
    QPixmap pixmap(size, size);
    pixmap.fill(Qt::transparent);
    QPainter painter(&pixmap);
    painter.setRenderHint(QPainter::Antialiasing);
    QPainterPath circle;
    circle.addEllipse(QRectF(0, 0, size, size));
    painter.setClipPath(circle);
    if (!image.isNull()) {
        painter.drawImage(QRect(0, 0, size, size), image);
    } else {
        painter.fillRect(pixmap.rect(), Theme::mutedTextColor());
        QFont font = painter.font();
        font.setPixelSize(size / 2);
        font.setBold(true);
        painter.setFont(font);
        painter.setPen(Qt::white);
        painter.drawText(pixmap.rect(), Qt::AlignCenter, login.left(1).toUpper());
    }
    painter.end();
    pixmap.setDevicePixelRatio(devicePixelRatio);
    return QIcon(pixmap);
}

} // namespace

AccountController::AccountController(SecretStore& secrets, GitHubAccountManager& accounts,
                                     const QString& dataDirectory, QWidget* window)
    : QObject(window)
    , m_dataDirectory(dataDirectory)
    , m_window(window)
    , m_secrets(&secrets)
    , m_accounts(&accounts)
{
    applyPlainTextFallback(plainTextFallbackSetting());

    m_signInAction = new QAction(tr("Sign &In to GitHub…"), this);
    m_signInAction->setShortcut(Qt::CTRL | Qt::SHIFT | Qt::Key_G);
    m_signInAction->setToolTip(tr("Sign in to list your repositories and preview private ones "
                                  "(Ctrl+Shift+G)"));
    connect(m_signInAction, &QAction::triggered, this, &AccountController::signIn);
    m_signOutAction = new QAction(tr("Sign &Out of GitHub"), this);
    m_signOutAction->setToolTip(tr("Remove the GitHub token from the keychain"));
    connect(m_signOutAction, &QAction::triggered, this, &AccountController::signOut);

    m_accountButton = new QToolButton;
    m_accountButton->setObjectName(u"accountButton"_s);
    m_accountButton->setAutoRaise(true);
    m_accountButton->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    m_accountButton->setPopupMode(QToolButton::InstantPopup);
    auto* menu = new QMenu(m_accountButton);
    menu->addAction(m_signInAction);
    menu->addAction(m_signOutAction);
    m_accountButton->setMenu(menu);

    m_plainTextWarning = new QLabel(tr("⚠ Secrets in a plain-text file"));
    m_plainTextWarning->setObjectName(u"plainTextWarning"_s);
    m_plainTextWarning->setToolTip(
        tr("No keychain is available, so tokens and keys are kept in %1 (readable by your user only), as "
           "you allowed in Settings > GitHub. Start GNOME Keyring or KWallet and turn the option off to "
           "use the keychain.")
            .arg(QDir(plainTextFallbackDirectory()).filePath(u"secrets.json"_s)));
    QPalette palette = m_plainTextWarning->palette();
    palette.setColor(QPalette::WindowText, Theme::warningColor());
    m_plainTextWarning->setPalette(palette);
    m_plainTextWarning->hide();
    connect(m_secrets, &SecretStore::plainTextFallbackActivated, m_plainTextWarning, &QWidget::show);

    connect(m_accounts, &GitHubAccountManager::accountChanged, this, [this] {
        refresh();
        Q_EMIT accountChanged();
    });
    refresh();
}

AccountController::~AccountController() = default;

SignInDialog* AccountController::signInDialog() const
{
    return m_signInDialog.data();
}

QString AccountController::plainTextFallbackDirectory() const
{
    return QDir(m_dataDirectory).filePath(u"secrets"_s);
}

bool AccountController::plainTextFallbackSetting()
{
    return QSettings().value(QString::fromLatin1(GitHubSettingsPage::PlainTextFallbackKey), false).toBool();
}

void AccountController::applyPlainTextFallback(bool enabled)
{
    if (enabled)
        m_secrets->enablePlainTextFallback(plainTextFallbackDirectory());
    else
        m_secrets->disablePlainTextFallback();
    if (m_plainTextWarning)
        m_plainTextWarning->setVisible(enabled && m_secrets->isUsingPlainTextFallback());
}

void AccountController::signIn()
{
    if (m_signInDialog) {
        m_signInDialog->raise();
        m_signInDialog->activateWindow();
        return;
    }
    auto* dialog = new SignInDialog(*m_accounts, m_window);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    m_signInDialog = dialog;
    connect(dialog, &SignInDialog::signedIn, this, [this](const GitHubAccount& account) {
        Q_EMIT message(tr("Signed in to GitHub as %1.").arg(account.describe()));
    });
    dialog->open();
}

void AccountController::signOut()
{
    if (!m_accounts->account())
        return;
    const QString who = m_accounts->account()->describe();
    QCoro::connect(m_accounts->signOut(), this, [this, who](const SecretResult& result) {
        if (result.ok())
            Q_EMIT message(
                tr("Signed out of GitHub (%1); the token was removed from the keychain.").arg(who));
        else
            Q_EMIT message(tr("Signed out of GitHub (%1), but the token could not be removed from the "
                              "keychain: %2")
                               .arg(who, result.message()));
    });
}

void AccountController::refresh()
{
    const auto& account = m_accounts->account();
    m_signInAction->setText(account ? tr("Sign In with Another GitHub Account…") : tr("Sign &In to GitHub…"));
    m_signOutAction->setEnabled(account.has_value());
    m_signOutAction->setText(account ? tr("Sign &Out %1").arg(account->describe())
                                     : tr("Sign &Out of GitHub"));
    if (!account) {
        m_accountButton->setText(tr("Sign in to GitHub"));
        m_accountButton->setIcon(QIcon());
        m_accountButton->setToolTip(tr("Sign in to list your repositories and preview private ones"));
        return;
    }
    m_accountButton->setText(account->describe());
    QString tip = tr("Signed in to GitHub as %1").arg(account->login);
    if (!account->name.isEmpty())
        tip += u" ("_s + account->name + u')';
    tip += tr(" on %1").arg(account->host().name());
    if (account->missingRepoScope())
        tip += u"\n"_s + GitHubAccountManager::missingRepoScopeWarning();
    m_accountButton->setToolTip(tip);
    m_accountButton->setIcon(avatarIcon({}, account->login, m_accountButton->devicePixelRatioF()));
    loadAvatar();
}

void AccountController::loadAvatar()
{
    const auto& account = m_accounts->account();
    if (!account)
        return;
    QUrl url = account->avatarUrl;
    // Pictures come from the web over https (or a test server on this machine), never with a token.
    const bool loopback = github::GitHubConfig::isLoopback(url);
    if (!url.isValid() || (url.scheme() != u"https"_s && !(url.scheme() == u"http"_s && loopback)))
        return;
    if (!m_network)
        m_network = new QNetworkAccessManager(this);
    QNetworkRequest request(url);
    request.setTransferTimeout(10000);
    request.setMaximumRedirectsAllowed(3);
    QNetworkReply* reply = m_network->get(request);
    const QString login = account->login;
    connect(reply, &QNetworkReply::finished, this, [this, reply, login] {
        reply->deleteLater();
        const auto& current = m_accounts->account();
        if (reply->error() != QNetworkReply::NoError || !current || current->login != login)
            return;
        QImage image;
        if (image.loadFromData(reply->read(2 * 1024 * 1024)))
            m_accountButton->setIcon(avatarIcon(image, login, m_accountButton->devicePixelRatioF()));
    });
}

} // namespace forge::ui
