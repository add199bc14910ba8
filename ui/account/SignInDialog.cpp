#include "ui/account/SignInDialog.h"

#include "accounts/GitHubCliToken.h"
#include "core/Detached.h"
#include "github/DeviceFlow.h"
#include "github/GitHubError.h"
#include "github/GitHubHttp.h"
#include "ui/common/Theme.h"

#include <QApplication>
#include <QClipboard>
#include <QDesktopServices>
#include <QDialogButtonBox>
#include <QEvent>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QTabBar>
#include <QTabWidget>
#include <QUrlQuery>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace forge::ui {

// The HTTP client and the flow it drives, kept alive by the running coroutine as well as by the
// dialog: closing the dialog mid-request never pulls the network out from under a pending reply.
struct SignInDialog::DeviceSession
{
    explicit DeviceSession(github::GitHubConfig config)
        : http(std::move(config))
        , flow(http)
    {}
    github::GitHubHttp http;
    github::DeviceFlow flow;
};

namespace {

QLabel* wrappingLabel(const QString& text, QWidget* parent)
{
    auto* label = new QLabel(text, parent);
    label->setWordWrap(true);
    label->setTextFormat(Qt::PlainText);
    return label;
}

QString formatRemaining(qint64 ms)
{
    const qint64 seconds = qMax<qint64>(0, (ms + 999) / 1000);
    return u"%1:%2"_s.arg(seconds / 60).arg(seconds % 60, 2, 10, QLatin1Char('0'));
}

} // namespace

SignInDialog::SignInDialog(GitHubAccountManager& accounts, QWidget* parent)
    : QDialog(parent)
    , m_accounts(accounts)
    , m_urlOpener([](const QUrl& url) { QDesktopServices::openUrl(url); })
{
    setWindowTitle(tr("Sign in to GitHub"));
    setObjectName(u"signInDialog"_s);
    setMinimumWidth(560);

    auto* layout = new QVBoxLayout(this);
    layout->setSpacing(12);

    auto* title = new QLabel(tr("Sign in to GitHub"), this);
    QFont titleFont = title->font();
    titleFont.setPointSizeF(titleFont.pointSizeF() * 1.4);
    titleFont.setBold(true);
    title->setFont(titleFont);
    layout->addWidget(title);

    auto* host = new QLabel(this);
    host->setObjectName(u"signInHost"_s);
    host->setTextFormat(Qt::RichText);
    host->setText(tr("Signing in to <b>%1</b>. Forge Preview keeps the token in the system keychain.")
                      .arg(m_accounts.settings().host().name().toHtmlEscaped()));
    host->setWordWrap(true);
    layout->addWidget(host);

    m_tabs = new QTabWidget(this);
    m_tabs->setObjectName(u"signInWays"_s);
    m_tabs->addTab(buildBrowserPage(), tr("&Browser"));
    m_tabs->addTab(buildTokenPage(), tr("&Token"));
    m_tabs->addTab(buildGhPage(), tr("GitHub &CLI"));
    layout->addWidget(m_tabs, 1);

    addMessageArea(layout);

    auto* buttons = new QDialogButtonBox(this);
    m_cancel = buttons->addButton(QDialogButtonBox::Cancel);
    m_cancel->setAutoDefault(false);
    m_done = buttons->addButton(tr("&Done"), QDialogButtonBox::AcceptRole);
    m_done->setObjectName(u"done"_s);
    m_done->hide();
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &SignInDialog::reject);
    layout->addWidget(buttons);

    connect(m_tabs, &QTabWidget::currentChanged, this, [this](int) {
        if (m_busy)
            return;
        // Another way chosen: a pending browser sign-in ends, and old messages go with it.
        if (m_session)
            stopDeviceFlow();
        if (!m_done->isVisible())
            clearMessage();
        if (currentPage() == Page::GitHubCli)
            refreshGhAvailability();
    });

    m_countdownTimer.setInterval(250);
    connect(&m_countdownTimer, &QTimer::timeout, this, &SignInDialog::updateCountdown);

    m_signInBrowser->setFocus();
}

SignInDialog::~SignInDialog()
{
    if (m_session)
        m_session->flow.cancel();
}

void SignInDialog::addMessageArea(QVBoxLayout* layout)
{
    m_accountSummary = new QLabel(this);
    m_accountSummary->setObjectName(u"accountSummary"_s);
    m_accountSummary->setTextFormat(Qt::RichText);
    m_accountSummary->setWordWrap(true);
    m_accountSummary->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_accountSummary->hide();
    layout->addWidget(m_accountSummary);

    m_message = new QLabel(this);
    m_message->setObjectName(u"signInMessage"_s);
    m_message->setWordWrap(true);
    m_message->setTextFormat(Qt::PlainText);
    m_message->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_message->hide();
    layout->addWidget(m_message);

    auto* messageActions = new QHBoxLayout;
    m_startOver = new QPushButton(tr("Start o&ver"), this);
    m_startOver->setObjectName(u"startOver"_s);
    m_startOver->setToolTip(tr("Ask GitHub for a new code"));
    m_startOver->hide();
    connect(m_startOver, &QPushButton::clicked, this, &SignInDialog::startDeviceFlow);
    m_useToken = new QPushButton(tr("Use a to&ken instead"), this);
    m_useToken->setObjectName(u"useToken"_s);
    m_useToken->hide();
    connect(m_useToken, &QPushButton::clicked, this, [this] { showPage(Page::Token); });
    messageActions->addWidget(m_startOver);
    messageActions->addWidget(m_useToken);
    messageActions->addStretch(1);
    layout->addLayout(messageActions);
}

QWidget* SignInDialog::buildBrowserPage()
{
    auto* page = new QWidget(this);
    auto* layout = new QVBoxLayout(page);
    layout->setSpacing(10);

    m_browserIntro = new QWidget(page);
    auto* introLayout = new QVBoxLayout(m_browserIntro);
    introLayout->setContentsMargins(0, 0, 0, 0);
    introLayout->addWidget(wrappingLabel(
        tr("Sign in on GitHub's own page in your browser: Forge Preview shows a one-time code, you "
           "enter it on GitHub and approve access to your repositories (scopes repo and read:org)."),
        m_browserIntro));
    m_signInBrowser = new QPushButton(tr("&Sign in with browser"), m_browserIntro);
    m_signInBrowser->setObjectName(u"signInBrowser"_s);
    m_signInBrowser->setDefault(true);
    connect(m_signInBrowser, &QPushButton::clicked, this, &SignInDialog::startDeviceFlow);
    auto* startRow = new QHBoxLayout;
    startRow->addWidget(m_signInBrowser);
    startRow->addStretch(1);
    introLayout->addLayout(startRow);
    layout->addWidget(m_browserIntro);

    m_codePanel = new QWidget(page);
    auto* codeLayout = new QVBoxLayout(m_codePanel);
    codeLayout->setContentsMargins(0, 0, 0, 0);
    codeLayout->setSpacing(8);
    codeLayout->addWidget(wrappingLabel(tr("Enter this code on GitHub's device page:"), m_codePanel));

    m_userCode = new QLabel(m_codePanel);
    m_userCode->setObjectName(u"deviceUserCode"_s);
    m_userCode->setTextFormat(Qt::PlainText);
    m_userCode->setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);
    m_userCode->setFocusPolicy(Qt::StrongFocus);
    m_userCode->setAlignment(Qt::AlignCenter);
    QFont codeFont = QFontDatabase::systemFont(QFontDatabase::FixedFont);
    codeFont.setPointSizeF(qMax(20.0, font().pointSizeF() * 2.2));
    codeFont.setBold(true);
    codeFont.setLetterSpacing(QFont::AbsoluteSpacing, 3);
    m_userCode->setFont(codeFont);
    m_userCode->setFrameShape(QFrame::StyledPanel);
    m_userCode->setBackgroundRole(QPalette::Base);
    m_userCode->setAutoFillBackground(true);
    m_userCode->setContentsMargins(16, 10, 16, 10);
    m_userCode->setAccessibleName(tr("One-time code"));
    codeLayout->addWidget(m_userCode);

    auto* actions = new QHBoxLayout;
    m_copyCode = new QPushButton(tr("Cop&y code"), m_codePanel);
    m_copyCode->setObjectName(u"copyCode"_s);
    connect(m_copyCode, &QPushButton::clicked, this, [this] {
        QGuiApplication::clipboard()->setText(m_userCode->text());
        m_copyCode->setText(tr("Copied"));
        QTimer::singleShot(1500, m_copyCode, [button = m_copyCode] { button->setText(tr("Cop&y code")); });
    });
    m_openBrowser = new QPushButton(tr("&Open GitHub"), m_codePanel);
    m_openBrowser->setObjectName(u"openBrowser"_s);
    connect(m_openBrowser, &QPushButton::clicked, this, [this] { openUrl(m_verificationUri); });
    actions->addWidget(m_copyCode);
    actions->addWidget(m_openBrowser);
    actions->addStretch(1);
    codeLayout->addLayout(actions);

    codeLayout->addWidget(buildWaitingRow(m_codePanel));

    m_codePanel->hide();
    layout->addWidget(m_codePanel);
    layout->addStretch(1);
    return page;
}

QWidget* SignInDialog::buildWaitingRow(QWidget* parent)
{
    m_waitingRow = new QWidget(parent);
    auto* waiting = new QHBoxLayout(m_waitingRow);
    waiting->setContentsMargins(0, 4, 0, 0);
    m_busyBar = new QProgressBar(m_waitingRow);
    m_busyBar->setRange(0, 0);
    m_busyBar->setTextVisible(false);
    m_busyBar->setFixedSize(80, 8);
    m_busyBar->setAccessibleName(tr("Waiting"));
    m_waitingText = new QLabel(tr("Waiting for you to approve in the browser…"), m_waitingRow);
    m_waitingText->setObjectName(u"deviceWaiting"_s);
    m_countdown = new QLabel(m_waitingRow);
    m_countdown->setObjectName(u"deviceCountdown"_s);
    waiting->addWidget(m_busyBar);
    waiting->addWidget(m_waitingText, 1);
    waiting->addWidget(m_countdown);
    return m_waitingRow;
}

QWidget* SignInDialog::buildTokenPage()
{
    auto* page = new QWidget(this);
    auto* layout = new QVBoxLayout(page);
    layout->setSpacing(10);
    const QString host = m_accounts.settings().host().name();
    layout->addWidget(wrappingLabel(
        tr("Paste a personal access token. A classic token with the repo scope can preview private "
           "repositories; read:org lists your organisations' repositories."),
        page));

    QUrl createUrl = m_accounts.settings().config().webUrl;
    createUrl.setPath(createUrl.path().chopped(createUrl.path().endsWith(u'/') ? 1 : 0) +
                      u"/settings/tokens/new"_s);
    createUrl.setQuery(u"scopes=repo,read:org&description=Forge%20Preview"_s);
    auto* create = new QPushButton(tr("Create a token on %1…").arg(host), page);
    create->setObjectName(u"createToken"_s);
    create->setAutoDefault(false);
    create->setToolTip(createUrl.toString());
    connect(create, &QPushButton::clicked, this, [this, createUrl] { openUrl(createUrl); });
    auto* createRow = new QHBoxLayout;
    createRow->addWidget(create);
    createRow->addStretch(1);
    layout->addLayout(createRow);

    auto* inputRow = new QHBoxLayout;
    auto* label = new QLabel(tr("To&ken:"), page);
    m_tokenInput = new QLineEdit(page);
    m_tokenInput->setObjectName(u"tokenInput"_s);
    m_tokenInput->setEchoMode(QLineEdit::Password);
    m_tokenInput->setPlaceholderText(tr("ghp_… or github_pat_…"));
    m_tokenInput->setClearButtonEnabled(true);
    m_tokenInput->setAccessibleName(tr("Personal access token"));
    label->setBuddy(m_tokenInput);
    m_tokenSignIn = new QPushButton(tr("&Sign in"), page);
    m_tokenSignIn->setObjectName(u"tokenSignIn"_s);
    m_tokenSignIn->setEnabled(false);
    connect(m_tokenInput, &QLineEdit::textChanged, this,
            [this](const QString& text) { m_tokenSignIn->setEnabled(!m_busy && !text.trimmed().isEmpty()); });
    connect(m_tokenInput, &QLineEdit::returnPressed, this, [this] {
        if (m_tokenSignIn->isEnabled())
            signInWithToken();
    });
    connect(m_tokenSignIn, &QPushButton::clicked, this, &SignInDialog::signInWithToken);
    inputRow->addWidget(label);
    inputRow->addWidget(m_tokenInput, 1);
    inputRow->addWidget(m_tokenSignIn);
    layout->addLayout(inputRow);

    m_useAnotherToken = new QPushButton(tr("&Use another token"), page);
    m_useAnotherToken->setObjectName(u"useAnotherToken"_s);
    m_useAnotherToken->hide();
    connect(m_useAnotherToken, &QPushButton::clicked, this, [this] {
        m_useAnotherToken->hide();
        m_done->hide();
        m_accountSummary->hide();
        clearMessage();
        m_tokenInput->clear();
        m_tokenInput->setFocus();
    });
    auto* anotherRow = new QHBoxLayout;
    anotherRow->addWidget(m_useAnotherToken);
    anotherRow->addStretch(1);
    layout->addLayout(anotherRow);
    layout->addStretch(1);
    return page;
}

QWidget* SignInDialog::buildGhPage()
{
    auto* page = new QWidget(this);
    auto* layout = new QVBoxLayout(page);
    layout->setSpacing(10);
    m_ghStatus = new QLabel(page);
    m_ghStatus->setObjectName(u"ghStatus"_s);
    m_ghStatus->setWordWrap(true);
    m_ghStatus->setTextFormat(Qt::RichText);
    m_ghStatus->setTextInteractionFlags(Qt::TextBrowserInteraction);
    m_ghStatus->setOpenExternalLinks(false);
    connect(m_ghStatus, &QLabel::linkActivated, this, [this](const QString& link) { openUrl(QUrl(link)); });
    layout->addWidget(m_ghStatus);
    m_importGh = new QPushButton(tr("&Import from GitHub CLI"), page);
    m_importGh->setObjectName(u"importGh"_s);
    connect(m_importGh, &QPushButton::clicked, this, &SignInDialog::importFromGh);
    auto* row = new QHBoxLayout;
    row->addWidget(m_importGh);
    row->addStretch(1);
    layout->addLayout(row);
    layout->addStretch(1);
    refreshGhAvailability();
    return page;
}

void SignInDialog::setUrlOpener(std::function<void(const QUrl&)> opener)
{
    m_urlOpener = std::move(opener);
}

void SignInDialog::setIntervalUnit(std::chrono::milliseconds unit)
{
    m_intervalUnit = unit;
    if (m_session)
        m_session->flow.setIntervalUnit(unit);
}

void SignInDialog::showPage(Page page)
{
    m_tabs->setCurrentIndex(static_cast<int>(page));
}

SignInDialog::Page SignInDialog::currentPage() const
{
    return static_cast<Page>(m_tabs->currentIndex());
}

void SignInDialog::reject()
{
    ++m_generation;
    stopDeviceFlow();
    // A token check still running finishes in the manager; its answer is no longer shown here.
    m_tokenSignIn->setText(tr("&Sign in"));
    m_importGh->setText(tr("&Import from GitHub CLI"));
    setBusy(false);
    QDialog::reject();
}

void SignInDialog::openUrl(const QUrl& url)
{
    if (url.isValid() && m_urlOpener)
        m_urlOpener(url);
}

// --- browser (device flow) ---

void SignInDialog::startDeviceFlow()
{
    stopDeviceFlow();
    clearMessage();
    m_done->hide();
    m_accountSummary->hide();
    const GitHubSettings settings = m_accounts.settings();
    if (const QString problem = settings.apiUrlProblem(); !problem.isEmpty()) {
        showDeviceFailure(problem, false);
        return;
    }
    if (settings.effectiveClientId().isEmpty()) {
        showDeviceFailure(tr("Browser sign-in needs an OAuth app, and no OAuth app client id is "
                             "configured. Set one in Settings > GitHub, or sign in with a personal "
                             "access token instead."),
                          true);
        m_startOver->hide();
        return;
    }
    const int generation = ++m_generation;
    m_session = std::make_shared<DeviceSession>(settings.config());
    m_session->flow.setIntervalUnit(m_intervalUnit);
    m_browserIntro->show();
    m_codePanel->hide();
    m_signInBrowser->setText(tr("Asking GitHub for a code…"));
    setBusy(true);
    forge::detach(runDeviceFlow(generation, m_session), this, "the GitHub device sign-in");
}

QCoro::Task<> SignInDialog::runDeviceFlow(int generation, std::shared_ptr<DeviceSession> session)
{
    const QPointer<SignInDialog> self(this);
    const auto current = [self, generation] { return self && self->m_generation == generation; };
    github::DeviceCode code;
    QString failure;
    bool pointToToken = false;
    try {
        auto started = session->flow.start();
        code = co_await std::move(started);
    } catch (const github::GitHubError& error) {
        failure = error.userMessage();
        pointToToken = error.errorKind() == github::GitHubError::Kind::InvalidConfig;
    } catch (const std::exception&) {
        failure = tr("Could not get a sign-in code from GitHub because of an unexpected error. Try again.");
    }
    if (!current())
        co_return;
    setBusy(false);
    m_signInBrowser->setText(tr("&Sign in with browser"));
    if (!failure.isEmpty()) {
        showDeviceFailure(failure, pointToToken);
        co_return;
    }
    showDeviceCode(code);

    auto waiting = session->flow.waitForAuthorization(code);
    const github::DeviceFlowResult result = co_await std::move(waiting);
    if (!current())
        co_return;
    m_countdownTimer.stop();
    using Outcome = github::DeviceFlowResult::Outcome;
    if (result.outcome == Outcome::Cancelled)
        co_return;
    if (result.outcome != Outcome::Authorized) {
        showDeviceFailure(result.message,
                          result.outcome == Outcome::Disabled || result.outcome == Outcome::BadClient);
        co_return;
    }

    m_waitingText->setText(tr("Approved on GitHub. Signing in…"));
    m_countdown->clear();
    setBusy(true);
    GitHubAccountManager& accounts = m_accounts;
    auto signingIn = accounts.signInWithToken(result.accessToken);
    const GitHubAccountManager::SignInResult signedIn = co_await std::move(signingIn);
    if (!current())
        co_return;
    setBusy(false);
    m_session.reset();
    if (!signedIn.ok) {
        showDeviceFailure(signedIn.message, false);
        co_return;
    }
    finishSignIn(signedIn, true);
}

void SignInDialog::showDeviceCode(const github::DeviceCode& code)
{
    m_verificationUri = code.verificationUri;
    QString where = code.verificationUri.host() + code.verificationUri.path();
    if (where.isEmpty())
        where = tr("GitHub");
    m_openBrowser->setText(tr("&Open %1").arg(where));
    m_openBrowser->setToolTip(code.verificationUri.toString());
    m_userCode->setText(code.userCode);
    m_waitingText->setText(tr("Waiting for you to approve in the browser…"));
    m_busyBar->show();
    m_codeLifetime = m_intervalUnit * code.expiresInSeconds;
    m_codeClock.start();
    updateCountdown();
    m_countdownTimer.start();
    m_browserIntro->hide();
    m_codePanel->show();
    growToFit();
    m_openBrowser->setDefault(true);
    m_openBrowser->setFocus();
}

void SignInDialog::showDeviceFailure(const QString& message, bool pointToToken)
{
    m_countdownTimer.stop();
    m_session.reset();
    m_codePanel->hide();
    m_browserIntro->show();
    m_signInBrowser->setText(tr("&Sign in with browser"));
    showMessage(message, Tone::Error);
    m_startOver->show();
    m_startOver->setDefault(true);
    m_startOver->setFocus();
    m_useToken->setVisible(pointToToken);
}

void SignInDialog::stopDeviceFlow()
{
    m_countdownTimer.stop();
    if (m_session) {
        m_session->flow.cancel();
        m_session.reset();
        ++m_generation;
        setBusy(false);
    }
    m_codePanel->hide();
    m_browserIntro->show();
    m_signInBrowser->setText(tr("&Sign in with browser"));
}

void SignInDialog::updateCountdown()
{
    const qint64 left = m_codeLifetime.count() - m_codeClock.elapsed();
    if (left <= 0) {
        m_countdown->setText(tr("Code expired"));
        return;
    }
    m_countdown->setText(tr("Code expires in %1").arg(formatRemaining(left)));
}

// --- personal access token ---

void SignInDialog::signInWithToken()
{
    const QString token = m_tokenInput->text().trimmed();
    if (token.isEmpty() || m_busy)
        return;
    clearMessage();
    m_accountSummary->hide();
    m_done->hide();
    m_useAnotherToken->hide();
    const int generation = ++m_generation;
    setBusy(true);
    m_tokenSignIn->setText(tr("Checking…"));
    forge::detach(runTokenSignIn(generation, token), this, "the GitHub token sign-in");
}

QCoro::Task<> SignInDialog::runTokenSignIn(int generation, QString token)
{
    const QPointer<SignInDialog> self(this);
    GitHubAccountManager& accounts = m_accounts;
    auto signingIn = accounts.signInWithToken(std::move(token));
    const GitHubAccountManager::SignInResult result = co_await std::move(signingIn);
    if (!self || self->m_generation != generation)
        co_return;
    m_tokenSignIn->setText(tr("&Sign in"));
    setBusy(false);
    if (!result.ok) {
        showMessage(result.message, Tone::Error);
        m_tokenInput->setFocus();
        m_tokenInput->selectAll();
        co_return;
    }
    m_tokenInput->clear();
    finishSignIn(result, true);
    if (!result.warning.isEmpty()) {
        m_useAnotherToken->show();
        growToFit();
    }
}

// --- GitHub CLI ---

void SignInDialog::refreshGhAvailability()
{
    const QString host = m_accounts.settings().host().name().toHtmlEscaped();
    if (GitHubCliToken::isInstalled()) {
        m_ghStatus->setText(tr("Use the account the GitHub CLI (<code>gh</code>) is signed in to on "
                               "<b>%1</b>. Forge Preview asks <code>gh auth token</code> once and keeps "
                               "the token in the system keychain.")
                                .arg(host));
        m_importGh->setEnabled(!m_busy);
    } else {
        m_ghStatus->setText(tr("The GitHub CLI (<code>gh</code>) is not installed. Get it from "
                               "<a href=\"https://cli.github.com/\">cli.github.com</a> or your package "
                               "manager (<code>apt install gh</code>, <code>brew install gh</code>, "
                               "<code>winget install GitHub.cli</code>), run <code>gh auth login "
                               "--hostname %1</code>, then come back here.")
                                .arg(host));
        m_importGh->setEnabled(false);
    }
}

void SignInDialog::importFromGh()
{
    if (m_busy)
        return;
    clearMessage();
    m_accountSummary->hide();
    m_done->hide();
    const int generation = ++m_generation;
    setBusy(true);
    m_importGh->setText(tr("Importing…"));
    forge::detach(runGhImport(generation), this, "the import of the GitHub CLI's sign-in");
}

QCoro::Task<> SignInDialog::runGhImport(int generation)
{
    const QPointer<SignInDialog> self(this);
    const auto current = [self, generation] { return self && self->m_generation == generation; };
    GitHubAccountManager& accounts = m_accounts;
    auto reading = GitHubCliToken::read(accounts.settings().host());
    const GitHubCliToken cli = co_await std::move(reading);
    if (!current())
        co_return;
    if (cli.token.isEmpty()) {
        m_importGh->setText(tr("&Import from GitHub CLI"));
        setBusy(false);
        showMessage(cli.problem, Tone::Error);
        co_return;
    }
    auto signingIn = accounts.signInWithToken(cli.token);
    const GitHubAccountManager::SignInResult result = co_await std::move(signingIn);
    if (!current())
        co_return;
    m_importGh->setText(tr("&Import from GitHub CLI"));
    setBusy(false);
    if (!result.ok) {
        showMessage(tr("The GitHub CLI's token did not work: %1").arg(result.message), Tone::Error);
        co_return;
    }
    finishSignIn(result, true);
}

// --- shared ---

void SignInDialog::finishSignIn(const GitHubAccountManager::SignInResult& result, bool mayStayOpen)
{
    const GitHubAccount& account = result.account;
    Q_EMIT signedIn(account);
    if (result.warning.isEmpty() || !mayStayOpen) {
        accept();
        return;
    }
    QString who = u"<b>%1</b>"_s.arg(account.login.toHtmlEscaped());
    if (!account.name.isEmpty())
        who += u" (%1)"_s.arg(account.name.toHtmlEscaped());
    const QString scopes = account.scopesKnown
                               ? (account.scopes.isEmpty() ? tr("none") : account.scopes.join(u", "_s))
                               : tr("not reported (fine-grained token)");
    m_accountSummary->setText(tr("Signed in as %1 on %2.<br>Token scopes: %3")
                                  .arg(who, account.host().name().toHtmlEscaped(), scopes.toHtmlEscaped()));
    m_accountSummary->show();
    showMessage(result.warning, Tone::Warning);
    m_done->setText(tr("Co&ntinue"));
    m_done->show();
    m_done->setDefault(true);
    m_done->setFocus();
    m_cancel->setText(tr("Close"));
    growToFit();
}

void SignInDialog::setBusy(bool busy)
{
    m_busy = busy;
    m_tabs->tabBar()->setEnabled(!busy);
    m_signInBrowser->setEnabled(!busy);
    m_tokenSignIn->setEnabled(!busy && !m_tokenInput->text().trimmed().isEmpty());
    m_tokenInput->setReadOnly(busy);
    m_importGh->setEnabled(!busy && GitHubCliToken::isInstalled());
    m_startOver->setEnabled(!busy);
}

void SignInDialog::showMessage(const QString& text, Tone tone)
{
    m_messageTone = tone;
    m_message->setProperty("tone", tone == Tone::Error     ? u"error"_s
                                   : tone == Tone::Warning ? u"warning"_s
                                                           : u"info"_s);
    styleMessage();
    m_message->setText(text);
    m_message->show();
    growToFit();
}

void SignInDialog::styleMessage()
{
    // Colours from the current palette, so a message stays readable when the theme changes.
    const QColor color = m_messageTone == Tone::Error     ? Theme::failureColor()
                         : m_messageTone == Tone::Warning ? Theme::warningColor()
                                                          : palette().color(QPalette::Highlight);
    const QColor text = palette().color(QPalette::WindowText);
    m_message->setStyleSheet(
        u"QLabel#signInMessage { color: %1; border-left: 3px solid %2; "
        u"background: rgba(%3, %4, %5, 40); padding: 8px 10px; }"_s.arg(text.name(), color.name())
            .arg(color.red())
            .arg(color.green())
            .arg(color.blue()));
}

void SignInDialog::changeEvent(QEvent* event)
{
    QDialog::changeEvent(event);
    if (event->type() == QEvent::PaletteChange && m_message && m_message->isVisible())
        styleMessage();
}

void SignInDialog::growToFit()
{
    // Messages and the account summary appear below the tabs: grow rather than squash the page.
    if (!isVisible())
        return;
    layout()->activate();
    const QSize hint = sizeHint();
    if (height() < hint.height() || width() < hint.width())
        resize(qMax(width(), hint.width()), qMax(height(), hint.height()));
}

void SignInDialog::clearMessage()
{
    m_message->clear();
    m_message->hide();
    m_startOver->hide();
    m_useToken->hide();
}

} // namespace forge::ui
