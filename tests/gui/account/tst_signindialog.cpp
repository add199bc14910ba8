// The sign-in dialog against the fake GitHub, clicking its real buttons: the browser way (device
// flow: pending, slow_down, expired, denied, disabled, no client id, Esc, closing mid-flow), a
// personal access token (good, without the repo scope, refused) and the GitHub CLI's token (a fake
// `gh` on PATH). Run by run-keyring-test, the token lands in a real Secret Service (gnome-keyring).

#include "FakeGitHub.h"
#include "accounts/GitHubAccount.h"
#include "accounts/GitHubAccountManager.h"
#include "secrets/SecretStore.h"
#include "ui/account/SignInDialog.h"
#include "ui/common/Theme.h"

#include <QAbstractButton>
#include <QApplication>
#include <QClipboard>
#include <QCoro/QCoroTask>
#include <QDir>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <memory>

using namespace Qt::StringLiterals;
using namespace forge;
using forge::ui::SignInDialog;

namespace {

constexpr int FlowTimeoutMs = 20'000;

template<typename T = QPushButton>
T* child(QWidget* parent, const QString& name)
{
    return parent->findChild<T*>(name);
}

// A `gh` that prints `token` for `gh auth token --hostname HOST` and fails like gh otherwise.
// (Outside the test class: moc skips classes holding raw string literals.)
QString ghPrintingToken(const QString& host, const QString& token)
{
    return uR"(if [ "$1" = auth ] && [ "$2" = token ] && [ "$3" = --hostname ] && [ "$4" = "%1" ]; then
    printf '%s\n' '%2'
    exit 0
fi
echo "no oauth token found for $4" >&2
exit 1
)"_s.arg(host, token);
}

} // namespace

class TestSignInDialog : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_root;
    QByteArray m_path;
    std::unique_ptr<FakeGitHub> m_fake;
    std::unique_ptr<SecretStore> m_secrets;
    std::unique_ptr<GitHubAccountManager> m_accounts;
    QList<QUrl> m_opened;

    std::unique_ptr<SignInDialog> makeDialog(std::chrono::milliseconds unit = std::chrono::milliseconds(20))
    {
        auto dialog = std::make_unique<SignInDialog>(*m_accounts);
        dialog->setUrlOpener([this](const QUrl& url) { m_opened << url; });
        dialog->setIntervalUnit(unit);
        dialog->show();
        if (!QTest::qWaitForWindowExposed(dialog.get()))
            return {};
        return dialog;
    }

    QString storedToken()
    {
        const SecretResult result = QCoro::waitFor(m_accounts->token());
        return result.isFound() ? result.secret() : QString();
    }

    // No label anywhere in the dialog ever shows the token.
    static bool anyLabelShows(QWidget* dialog, const QString& token)
    {
        const auto labels = dialog->findChildren<QLabel*>();
        for (const QLabel* label : labels) {
            if (label->text().contains(token))
                return true;
        }
        return dialog->windowTitle().contains(token);
    }

    void click(QAbstractButton* button)
    {
        QVERIFY(button);
        QTRY_VERIFY(button->isVisible() && button->isEnabled());
        QTest::mouseClick(button, Qt::LeftButton);
    }

    void saveScreenshot(QWidget* widget, const QString& name)
    {
        const QDir artifacts(QStringLiteral(FORGE_ARTIFACTS_DIR));
        QVERIFY(artifacts.mkpath(u"."_s));
        QVERIFY(widget->grab().save(artifacts.filePath(name)));
        // The same state in the dark palette.
        const QPalette before = QApplication::palette();
        QApplication::setPalette(ui::Theme::palette(ui::Theme::Scheme::Dark));
        QCoreApplication::processEvents();
        QString darkName = name;
        darkName.replace(u".png"_s, u"-dark.png"_s);
        QVERIFY(widget->grab().save(artifacts.filePath(darkName)));
        QApplication::setPalette(before);
        QCoreApplication::processEvents();
    }

    // A `gh` on PATH that prints `script`'s output; PATH is restored in cleanup().
    void installGh(const QString& body)
    {
        const QString dir = m_root.filePath(u"bin"_s);
        QDir(dir).removeRecursively();
        QVERIFY(QDir().mkpath(dir));
        QFile gh(dir + u"/gh"_s);
        QVERIFY(gh.open(QIODevice::WriteOnly));
        gh.write("#!/bin/sh\n" + body.toUtf8());
        gh.close();
        QVERIFY(gh.setPermissions(QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner));
        qputenv("PATH", QFile::encodeName(dir) + ':' + m_path);
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_root.isValid());
        m_path = qgetenv("PATH");
        QApplication::setOrganizationName(u"forge-preview-test"_s);
        QApplication::setApplicationName(u"forge-preview"_s);
        QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, m_root.filePath(u"settings"_s));
        ui::Theme::install();
    }

    void init()
    {
        m_opened.clear();
        QSettings().clear();
        m_fake = std::make_unique<FakeGitHub>();
        QVERIFY(m_fake->listen());
        m_secrets = std::make_unique<SecretStore>();
        // Under run-keyring-test the token goes to gnome-keyring; run by hand, to a private file.
        if (qgetenv("FORGE_TEST_KEYRING") != "yes")
            m_secrets->enablePlainTextFallback(m_root.filePath(u"secrets"_s));
        GitHubSettings settings;
        settings.apiUrl = m_fake->url().toString();
        settings.clientId = m_fake->clientId;
        settings.save();
        m_accounts = std::make_unique<GitHubAccountManager>(*m_secrets);
        QCOMPARE(m_accounts->settings().apiUrl, settings.apiUrl);
    }

    void cleanup()
    {
        qputenv("PATH", m_path);
        if (m_accounts && m_accounts->account())
            QCoro::waitFor(m_accounts->signOut());
        m_accounts.reset();
        m_secrets.reset();
        m_fake.reset();
    }

    void deviceFlowSignsIn()
    {
        m_fake->tokenErrors = QStringList(1000, u"authorization_pending"_s);
        auto dialog = makeDialog(std::chrono::milliseconds(100));
        QVERIFY(dialog);
        QCOMPARE(dialog->windowTitle(), u"Sign in to GitHub"_s);
        QVERIFY(child<QLabel>(dialog.get(), u"signInHost"_s)
                    ->text()
                    .contains(m_accounts->settings().host().name()));
        QCOMPARE(dialog->currentPage(), SignInDialog::Page::Browser);
        QSignalSpy signedIn(dialog.get(), &SignInDialog::signedIn);

        click(child(dialog.get(), u"signInBrowser"_s));
        auto* code = child<QLabel>(dialog.get(), u"deviceUserCode"_s);
        QTRY_COMPARE_WITH_TIMEOUT(code->text(), u"WDJB-MJHT"_s, FlowTimeoutMs);
        QVERIFY(code->isVisible());
        QVERIFY(code->textInteractionFlags() & Qt::TextSelectableByMouse);
        QVERIFY(QFontInfo(code->font()).fixedPitch());
        QVERIFY(child<QLabel>(dialog.get(), u"deviceCountdown"_s)->text().startsWith(u"Code expires in"_s));
        QVERIFY(child<QLabel>(dialog.get(), u"deviceWaiting"_s)->isVisible());

        click(child(dialog.get(), u"copyCode"_s));
        QCOMPARE(QGuiApplication::clipboard()->text(), u"WDJB-MJHT"_s);
        click(child(dialog.get(), u"openBrowser"_s));
        QCOMPARE(m_opened, QList<QUrl>{QUrl(u"https://github.com/login/device"_s)});
        saveScreenshot(dialog.get(), u"sign-in-device.png"_s);

        // The user approves: one more pending answer, a slow_down, then the token.
        m_fake->tokenErrors = QStringList{u"authorization_pending"_s, u"slow_down"_s};
        QTRY_COMPARE_WITH_TIMEOUT(dialog->result(), int(QDialog::Accepted), FlowTimeoutMs);
        QVERIFY(!dialog->isVisible());
        QCOMPARE(signedIn.count(), 1);
        QVERIFY(m_accounts->account());
        QCOMPARE(m_accounts->account()->login, m_fake->login);
        QCOMPARE(signedIn.first().first().value<GitHubAccount>().login, m_fake->login);
        QCOMPARE(storedToken(), m_fake->token);
        if (qgetenv("FORGE_TEST_KEYRING") == "yes")
            QVERIFY(!m_secrets->isUsingPlainTextFallback());
        QVERIFY(!anyLabelShows(dialog.get(), m_fake->token));
    }

    void expiredCodeStartsOver()
    {
        m_fake->tokenErrors = QStringList{u"expired_token"_s};
        auto dialog = makeDialog();
        QVERIFY(dialog);
        click(child(dialog.get(), u"signInBrowser"_s));
        auto* message = child<QLabel>(dialog.get(), u"signInMessage"_s);
        QTRY_VERIFY_WITH_TIMEOUT(message->isVisible(), FlowTimeoutMs);
        QVERIFY2(message->text().contains(u"expired"_s), qPrintable(message->text()));
        QVERIFY(!child<QLabel>(dialog.get(), u"deviceUserCode"_s)->isVisible());
        QVERIFY(dialog->isVisible());

        m_fake->tokenErrors.clear();
        click(child(dialog.get(), u"startOver"_s));
        QTRY_COMPARE_WITH_TIMEOUT(dialog->result(), int(QDialog::Accepted), FlowTimeoutMs);
        QCOMPARE(m_accounts->account()->login, m_fake->login);
        QCOMPARE(m_fake->requestsTo("/login/device/code").size(), 2);
    }

    void deniedShowsMessage()
    {
        m_fake->tokenErrors = QStringList{u"access_denied"_s};
        auto dialog = makeDialog();
        QVERIFY(dialog);
        click(child(dialog.get(), u"signInBrowser"_s));
        auto* message = child<QLabel>(dialog.get(), u"signInMessage"_s);
        QTRY_VERIFY_WITH_TIMEOUT(message->isVisible(), FlowTimeoutMs);
        QVERIFY2(message->text().contains(u"cancelled on GitHub"_s), qPrintable(message->text()));
        QVERIFY(child(dialog.get(), u"startOver"_s)->isVisible());
        QVERIFY(!m_accounts->account());
    }

    void disabledDeviceFlowPointsToToken()
    {
        m_fake->deviceCodeError = u"device_flow_disabled"_s;
        auto dialog = makeDialog();
        QVERIFY(dialog);
        click(child(dialog.get(), u"signInBrowser"_s));
        auto* message = child<QLabel>(dialog.get(), u"signInMessage"_s);
        QTRY_VERIFY_WITH_TIMEOUT(message->isVisible(), FlowTimeoutMs);
        QVERIFY2(message->text().contains(u"personal access token"_s), qPrintable(message->text()));
        click(child(dialog.get(), u"useToken"_s));
        QCOMPARE(dialog->currentPage(), SignInDialog::Page::Token);
        QVERIFY(child<QLineEdit>(dialog.get(), u"tokenInput"_s)->isVisible());
    }

    void missingClientIdPointsToSettingsAndToken()
    {
        if (!GitHubSettings::buildClientId().isEmpty())
            QSKIP("this build has an OAuth client id");
        GitHubSettings settings = m_accounts->settings();
        settings.clientId.clear();
        m_accounts->setSettings(settings);
        auto dialog = makeDialog();
        QVERIFY(dialog);
        click(child(dialog.get(), u"signInBrowser"_s));
        auto* message = child<QLabel>(dialog.get(), u"signInMessage"_s);
        QVERIFY(message->isVisible());
        QVERIFY2(message->text().contains(u"client id"_s) && message->text().contains(u"Settings > GitHub"_s),
                 qPrintable(message->text()));
        QVERIFY(child(dialog.get(), u"useToken"_s)->isVisible());
        QVERIFY(m_fake->requests().isEmpty());
    }

    void escapeCancelsPolling()
    {
        m_fake->tokenErrors = QStringList(1000, u"authorization_pending"_s);
        auto dialog = makeDialog();
        QVERIFY(dialog);
        click(child(dialog.get(), u"signInBrowser"_s));
        QTRY_VERIFY_WITH_TIMEOUT(child<QLabel>(dialog.get(), u"deviceUserCode"_s)->isVisible(),
                                 FlowTimeoutMs);
        QTRY_VERIFY_WITH_TIMEOUT(m_fake->requestsTo("/login/oauth/access_token").size() >= 2, FlowTimeoutMs);
        QTest::keyClick(dialog.get(), Qt::Key_Escape);
        QTRY_COMPARE(dialog->result(), int(QDialog::Rejected));
        QVERIFY(!dialog->isVisible());
        // Polling stops at its next tick (within 100 ms); after that nothing more arrives.
        QSignalSpy requests(m_fake.get(), &FakeGitHub::requestReceived);
        requests.wait(200);
        requests.clear();
        QVERIFY(!requests.wait(500));
        QVERIFY(!m_accounts->account());
    }

    void closingMidFlowIsSafe()
    {
        m_fake->tokenErrors = QStringList(1000, u"authorization_pending"_s);
        auto dialog = makeDialog();
        QVERIFY(dialog);
        click(child(dialog.get(), u"signInBrowser"_s));
        QTRY_VERIFY_WITH_TIMEOUT(child<QLabel>(dialog.get(), u"deviceUserCode"_s)->isVisible(),
                                 FlowTimeoutMs);
        dialog.reset();
        // The approval arrives after the dialog is gone: nothing signs in, nothing crashes.
        m_fake->tokenErrors.clear();
        QSignalSpy requests(m_fake.get(), &FakeGitHub::requestReceived);
        requests.wait(200);
        requests.clear();
        QVERIFY(!requests.wait(500));
        QVERIFY(!m_accounts->account());

        // And closed while asking for a code (the request is in flight).
        auto second = makeDialog();
        QVERIFY(second);
        QTest::mouseClick(child(second.get(), u"signInBrowser"_s), Qt::LeftButton);
        second.reset();
        QSignalSpy more(m_fake.get(), &FakeGitHub::requestReceived);
        more.wait(500);
        QVERIFY(!m_accounts->account());
    }

    void tokenSignsIn()
    {
        auto dialog = makeDialog();
        QVERIFY(dialog);
        dialog->showPage(SignInDialog::Page::Token);
        auto* input = child<QLineEdit>(dialog.get(), u"tokenInput"_s);
        QCOMPARE(input->echoMode(), QLineEdit::Password);
        click(child(dialog.get(), u"createToken"_s));
        QCOMPARE(m_opened.size(), 1);
        QCOMPARE(m_opened.first().path(), u"/settings/tokens/new"_s);
        QCOMPARE(m_opened.first().query(QUrl::FullyEncoded),
                 u"scopes=repo,read:org&description=Forge%20Preview"_s);
        QCOMPARE(m_opened.first().host(), m_fake->url().host());

        input->setFocus();
        QTest::keyClicks(input, m_fake->token);
        QVERIFY(!anyLabelShows(dialog.get(), m_fake->token));
        click(child(dialog.get(), u"tokenSignIn"_s));
        QTRY_COMPARE_WITH_TIMEOUT(dialog->result(), int(QDialog::Accepted), FlowTimeoutMs);
        QCOMPARE(m_accounts->account()->login, m_fake->login);
        QCOMPARE(storedToken(), m_fake->token);
        QVERIFY(!anyLabelShows(dialog.get(), m_fake->token));
    }

    void tokenWithoutRepoScopeWarnsAndStaysOpen()
    {
        m_fake->scopes = "read:org";
        auto dialog = makeDialog();
        QVERIFY(dialog);
        dialog->showPage(SignInDialog::Page::Token);
        auto* input = child<QLineEdit>(dialog.get(), u"tokenInput"_s);
        input->setText(m_fake->token);
        click(child(dialog.get(), u"tokenSignIn"_s));
        auto* message = child<QLabel>(dialog.get(), u"signInMessage"_s);
        QTRY_VERIFY_WITH_TIMEOUT(message->isVisible(), FlowTimeoutMs);
        QCOMPARE(message->text(), GitHubAccountManager::missingRepoScopeWarning());
        QCOMPARE(message->property("tone").toString(), u"warning"_s);
        QVERIFY(dialog->isVisible());
        QVERIFY(m_accounts->account());
        auto* summary = child<QLabel>(dialog.get(), u"accountSummary"_s);
        QVERIFY(summary->isVisible());
        QVERIFY2(summary->text().contains(m_fake->login) && summary->text().contains(u"read:org"_s),
                 qPrintable(summary->text()));
        QVERIFY(child(dialog.get(), u"useAnotherToken"_s)->isVisible());
        QVERIFY(!anyLabelShows(dialog.get(), m_fake->token));
        saveScreenshot(dialog.get(), u"sign-in-token.png"_s);

        click(child(dialog.get(), u"done"_s));
        QCOMPARE(dialog->result(), int(QDialog::Accepted));
    }

    void refusedTokenShowsMessage()
    {
        const QString wrong = u"ghp_WrongToken0123456789abcdefghijklmnop"_s;
        auto dialog = makeDialog();
        QVERIFY(dialog);
        dialog->showPage(SignInDialog::Page::Token);
        auto* input = child<QLineEdit>(dialog.get(), u"tokenInput"_s);
        input->setText(wrong);
        QTest::keyClick(input, Qt::Key_Return);
        auto* message = child<QLabel>(dialog.get(), u"signInMessage"_s);
        QTRY_VERIFY_WITH_TIMEOUT(message->isVisible(), FlowTimeoutMs);
        QVERIFY2(message->text().contains(u"refused"_s), qPrintable(message->text()));
        QCOMPARE(message->property("tone").toString(), u"error"_s);
        QVERIFY(dialog->isVisible());
        QVERIFY(!m_accounts->account());
        QVERIFY(!anyLabelShows(dialog.get(), wrong));
        saveScreenshot(dialog.get(), u"sign-in-token-refused.png"_s);
    }

    void importsFromGitHubCli()
    {
        const QString host = m_accounts->settings().host().name();
        installGh(ghPrintingToken(host, m_fake->token));
        auto dialog = makeDialog();
        QVERIFY(dialog);
        dialog->showPage(SignInDialog::Page::GitHubCli);
        QVERIFY(!child<QLabel>(dialog.get(), u"ghStatus"_s)->text().contains(u"not installed"_s));
        click(child(dialog.get(), u"importGh"_s));
        QTRY_COMPARE_WITH_TIMEOUT(dialog->result(), int(QDialog::Accepted), FlowTimeoutMs);
        QCOMPARE(m_accounts->account()->login, m_fake->login);
        QCOMPARE(storedToken(), m_fake->token);
    }

    void failingGitHubCliShowsItsMessage()
    {
        installGh(u"echo 'no oauth token found for the host' >&2\nexit 1\n"_s);
        auto dialog = makeDialog();
        QVERIFY(dialog);
        dialog->showPage(SignInDialog::Page::GitHubCli);
        click(child(dialog.get(), u"importGh"_s));
        auto* message = child<QLabel>(dialog.get(), u"signInMessage"_s);
        QTRY_VERIFY_WITH_TIMEOUT(message->isVisible(), FlowTimeoutMs);
        QVERIFY2(message->text().contains(u"no oauth token found"_s), qPrintable(message->text()));
        QVERIFY(dialog->isVisible());
        QVERIFY(!m_accounts->account());
    }

    void gitHubCliNotInstalled()
    {
        const QString empty = m_root.filePath(u"empty-bin"_s);
        QVERIFY(QDir().mkpath(empty));
        qputenv("PATH", QFile::encodeName(empty));
        auto dialog = makeDialog();
        QVERIFY(dialog);
        dialog->showPage(SignInDialog::Page::GitHubCli);
        QVERIFY(!child(dialog.get(), u"importGh"_s)->isEnabled());
        const QString status = child<QLabel>(dialog.get(), u"ghStatus"_s)->text();
        QVERIFY2(status.contains(u"not installed"_s) && status.contains(u"cli.github.com"_s),
                 qPrintable(status));
    }
};

QTEST_MAIN(TestSignInDialog)
#include "tst_signindialog.moc"
