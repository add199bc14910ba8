#include "GitHubSettingsPage.h"

#include "ui/common/Labels.h"
#include "ui/common/Theme.h"

#include <QCheckBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QLabel>
#include <QLineEdit>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace forge::ui {

GitHubSettingsPage::GitHubSettingsPage(QWidget* parent)
    : QWidget(parent)
{
    auto* layout = new QVBoxLayout(this);

    auto* server = new QGroupBox(tr("GitHub"));
    auto* form = new QFormLayout(server);
    m_apiUrl = new QLineEdit;
    m_apiUrl->setObjectName(u"gitHubApiUrl"_s);
    m_apiUrl->setPlaceholderText(tr("github.com (or https://github.example.com/api/v3)"));
    m_apiUrl->setClearButtonEnabled(true);
    m_apiUrlStatus = new QLabel;
    m_apiUrlStatus->setObjectName(u"gitHubApiUrlStatus"_s);
    m_apiUrlStatus->setWordWrap(true);
    m_apiUrlStatus->hide();
    form->addRow(tr("Enterprise &API URL:"), m_apiUrl);
    form->addRow(QString(), m_apiUrlStatus);
    form->addRow(QString(), noteLabel(tr("Leave empty for github.com. For GitHub Enterprise Server enter its "
                                         "API base; tokens are only ever sent to that server and to "
                                         "repositories on it. Applies to the next sign-in.")));

    m_clientId = new QLineEdit;
    m_clientId->setObjectName(u"gitHubClientId"_s);
    const QString builtIn = GitHubSettings::buildClientId();
    m_clientId->setPlaceholderText(builtIn.isEmpty() ? tr("none built in: enter your OAuth app's client id")
                                                     : tr("built in: %1").arg(builtIn));
    m_clientId->setClearButtonEnabled(true);
    form->addRow(tr("OAuth app &client id:"), m_clientId);
    form->addRow(QString(),
                 noteLabel(tr("Used to sign in with the browser (device flow, no secret needed). The OAuth "
                              "app must have device flow enabled. Without one, sign in with a token.")));
    layout->addWidget(server);

    auto* secrets = new QGroupBox(tr("Secrets"));
    auto* secretsLayout = new QVBoxLayout(secrets);
    secretsLayout->addWidget(
        noteLabel(tr("Tokens and API keys are kept in the system keychain (GNOME Keyring, "
                     "KWallet, macOS Keychain, Windows Credential Manager).")));
    m_plainText = new QCheckBox(tr("When no keychain is available, keep them in a &plain-text file"));
    m_plainText->setObjectName(u"plainTextFallback"_s);
    secretsLayout->addWidget(m_plainText);
    m_plainTextWarning = new QLabel(tr("Not recommended: the file is readable by your user account only, "
                                       "but anything running as you can read it, and backups copy it. "
                                       "The window shows a warning while it is in use."));
    m_plainTextWarning->setObjectName(u"plainTextFallbackWarning"_s);
    m_plainTextWarning->setWordWrap(true);
    QPalette warning = m_plainTextWarning->palette();
    warning.setColor(QPalette::WindowText, Theme::warningColor());
    m_plainTextWarning->setPalette(warning);
    m_plainTextWarning->setVisible(false);
    secretsLayout->addWidget(m_plainTextWarning);
    layout->addWidget(secrets);
    layout->addStretch(1);

    connect(m_apiUrl, &QLineEdit::textChanged, this, &GitHubSettingsPage::validate);
    connect(m_plainText, &QCheckBox::toggled, m_plainTextWarning, &QWidget::setVisible);
    validate();
}

void GitHubSettingsPage::setSettings(const GitHubSettings& settings)
{
    m_apiUrl->setText(settings.apiUrl);
    m_clientId->setText(settings.clientId);
    validate();
}

GitHubSettings GitHubSettingsPage::settings() const
{
    GitHubSettings settings;
    settings.apiUrl = m_apiUrl->text().trimmed();
    settings.clientId = m_clientId->text().trimmed();
    return settings;
}

void GitHubSettingsPage::setPlainTextFallback(bool enabled)
{
    m_plainText->setChecked(enabled);
}

bool GitHubSettingsPage::plainTextFallback() const
{
    return m_plainText->isChecked();
}

void GitHubSettingsPage::validate()
{
    const QString problem = settings().apiUrlProblem();
    m_apiUrlStatus->setText(problem);
    QPalette palette = m_apiUrlStatus->palette();
    palette.setColor(QPalette::WindowText, Theme::failureColor());
    m_apiUrlStatus->setPalette(palette);
    m_apiUrlStatus->setVisible(!problem.isEmpty());
    const bool valid = problem.isEmpty();
    if (valid != m_valid) {
        m_valid = valid;
        Q_EMIT validityChanged(valid);
    }
}

} // namespace forge::ui
