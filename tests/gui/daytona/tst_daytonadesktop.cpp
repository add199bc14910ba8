// The desktop app's Daytona side against the Daytona emulator: the Settings dialog (validation,
// Esc, Test connection with a good and a wrong key), the picker's back-end choice, a Daytona project
// without a key failing with what to set, and a Daytona project previewing end to end through the
// emulator's private preview proxy (the preview token added by the pane's interceptor).

#include "../GuiTestHelpers.h"
#include "DaytonaEmulator.h"
#include "FixtureRepository.h"
#include "Fixtures.h"
#include "GitHttpServer.h"
#include "app/AppContext.h"
#include "secrets/SecretStore.h"
#include "store/DaytonaSettings.h"
#include "store/ProjectStore.h"
#include "ui/buildlog/BuildLogPanel.h"
#include "ui/common/Theme.h"
#include "ui/preview/PreviewPane.h"
#include "ui/settings/DaytonaSettingsPage.h"
#include "ui/settings/SettingsDialog.h"
#include "ui/window/AccountController.h"
#include "ui/window/LocalFolderSource.h"
#include "ui/window/MainWindow.h"
#include "ui/window/ProjectListDelegate.h"
#include "ui/window/RepoPickerDialog.h"
#include "ui/window/UrlSource.h"
#include "ui/window/WindowActions.h"
#include "workflow/ProjectSession.h"
#include "workflow/RunQueue.h"
#include "workflow/SandboxManager.h"

#include <QAbstractButton>
#include <QAction>
#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QCoroTask>
#include <QDialogButtonBox>
#include <QDir>
#include <QEventLoop>
#include <QLabel>
#include <QLineEdit>
#include <QListView>
#include <QPushButton>
#include <QRadioButton>
#include <QScopeGuard>
#include <QSettings>
#include <QSignalSpy>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <QWebEnginePage>

using namespace Qt::StringLiterals;
using forge::test::saveShot;
using namespace forge;

using forge::test::acceptButton;
using forge::test::evaluate;

namespace {

constexpr auto ApiKey = "test-api-key";
constexpr int RunTimeoutMs = 300'000; // a cold npm install in the emulator's sandbox

void clearDaytonaEnvironment()
{
    for (const char* name : {"DAYTONA_API_KEY", "DAYTONA_JWT_TOKEN", "DAYTONA_ORGANIZATION_ID",
                             "DAYTONA_API_URL", "DAYTONA_SERVER_URL", "DAYTONA_TARGET"})
        qunsetenv(name);
}

} // namespace

class TestDaytonaDesktop : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_root;
    SecretStore m_secrets; // only read here: no key is written by these cases
    std::unique_ptr<test::DaytonaEmulator> m_emulator;
    std::unique_ptr<test::GitHttpServer> m_git;

    void storeEmulatorSettings()
    {
        DaytonaSettings settings;
        settings.apiUrl = m_emulator->apiUrl().toString();
        settings.save();
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_root.isValid());
        // Nothing of the user's own settings or environment is read or written.
        QStandardPaths::setTestModeEnabled(true);
        QApplication::setOrganizationName(u"forge-preview-test"_s);
        QApplication::setApplicationName(u"forge-preview-daytona"_s);
        QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, m_root.filePath(u"settings"_s));
        QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, m_root.filePath(u"settings"_s));
        QSettings().clear();
        clearDaytonaEnvironment();
        ui::Theme::install();
        QDir().mkpath(QStringLiteral(FORGE_ARTIFACTS_DIR));

        test::DaytonaEmulator::Options options;
        options.dataDirectory = m_root.filePath(u"emulator"_s);
        options.apiKeys = {QString::fromLatin1(ApiKey)};
        m_emulator = std::make_unique<test::DaytonaEmulator>(options);
        QVERIFY(m_emulator->listen());

        // Daytona clones over the network, so the fixture is served over git's smart HTTP.
        const QString served = m_root.filePath(u"served"_s);
        const QString prepared = test::prepareServedFixtures(m_root.path(), served, {u"express-app"_s});
        QVERIFY2(prepared.isEmpty(), qPrintable(prepared));
        m_git = std::make_unique<test::GitHttpServer>(served);
        QString error;
        QVERIFY2(m_git->listen(&error), qPrintable(error));
    }

    void init() { clearDaytonaEnvironment(); }

    void settingsValidateInlineAndEscKeepsWhatIsStored()
    {
        QSettings().remove(u"daytona"_s);
        ui::SettingsDialog dialog(m_secrets, DaytonaSettings::load(), false, m_root.filePath(u"secrets"_s));
        dialog.showPage(ui::SettingsDialog::Page::Daytona);
        dialog.show();
        QVERIFY(QTest::qWaitForWindowExposed(&dialog));
        ui::DaytonaSettingsPage* page = dialog.daytonaPage();
        auto* url = dialog.findChild<QLineEdit*>(u"daytonaApiUrl"_s);
        auto* urlStatus = dialog.findChild<QLabel*>(u"daytonaApiUrlStatus"_s);
        auto* keySource = dialog.findChild<QLabel*>(u"daytonaKeySource"_s);
        auto* image = dialog.findChild<QLineEdit*>(u"daytonaImage"_s);
        QVERIFY(url && urlStatus && keySource && image);

        // Defaults, and where the key would come from.
        QCOMPARE(url->text(), u"https://app.daytona.io/api"_s);
        QCOMPARE(image->text(), u"node:22-bookworm"_s);
        QVERIFY(dialog.okButton()->isEnabled());
        QVERIFY2(keySource->text().startsWith(u"not set: enter your API key"_s),
                 qPrintable(keySource->text()));
        QVERIFY(dialog.findChild<QLineEdit*>(u"daytonaApiKey"_s)->text().isEmpty());
        QCOMPARE(dialog.findChild<QLineEdit*>(u"daytonaApiKey"_s)->echoMode(), QLineEdit::Password);
        QVERIFY(!page->testButton()->isEnabled()); // no key: nothing to test with
        QVERIFY(page->testButton()->toolTip().contains(u"DAYTONA_API_KEY"_s));
        QVERIFY(saveShot(&dialog, u"settings-daytona-no-key.png"_s));

        // http to another machine: refused inline, OK off.
        url->selectAll();
        QTest::keyClicks(url, u"http://daytona.example.com/api"_s);
        QVERIFY(!dialog.okButton()->isEnabled());
        QVERIFY(urlStatus->isVisible());
        QVERIFY2(urlStatus->text().contains(u"https"_s), qPrintable(urlStatus->text()));
        // Enter does not store an invalid value.
        QTest::keyClick(url, Qt::Key_Return);
        QVERIFY(dialog.isVisible());

        url->selectAll();
        QTest::keyClicks(url, m_emulator->apiUrl().toString());
        QVERIFY(dialog.okButton()->isEnabled());
        QVERIFY(!urlStatus->isVisible());

        image->clear();
        QVERIFY(!dialog.okButton()->isEnabled());
        QVERIFY(dialog.findChild<QLabel*>(u"daytonaImageStatus"_s)->isVisible());
        QTest::keyClicks(image, u"node:20-bookworm"_s);
        QVERIFY(dialog.okButton()->isEnabled());

        // Esc: nothing typed is stored.
        QTest::keyClick(&dialog, Qt::Key_Escape);
        QVERIFY(!dialog.isVisible());
        QCOMPARE(dialog.result(), int(QDialog::Rejected));
        QCOMPARE(DaytonaSettings::load(), DaytonaSettings());
    }

    // This test's D-Bus session has no Secret Service (run-keyring-test --no-keyring): a key typed
    // in Settings is not lost silently, and goes to a plain-text file only once the user opts in.
    void apiKeyWithoutAKeychainNeedsTheOptIn()
    {
        QVERIFY2(qEnvironmentVariable("FORGE_TEST_KEYRING") == u"no"_s,
                 "run through tests/support/run-keyring-test --no-keyring (ctest does)");
        storeEmulatorSettings();
        const QString fallback = m_root.filePath(u"fallback-secrets"_s);
        SecretStore secrets;
        ui::SettingsDialog dialog(secrets, DaytonaSettings::load(), false, fallback);
        dialog.showPage(ui::SettingsDialog::Page::Daytona);
        dialog.show();
        QVERIFY(QTest::qWaitForWindowExposed(&dialog));
        auto* key = dialog.findChild<QLineEdit*>(u"daytonaApiKey"_s);
        QTest::keyClicks(key, QString::fromLatin1(ApiKey));
        QCOMPARE(dialog.findChild<QLabel*>(u"daytonaKeySource"_s)->text(), u"kept in the keychain"_s);

        // No keychain: OK keeps the dialog open and says why; nothing is written anywhere.
        dialog.okButton()->click();
        QTRY_VERIFY(!dialog.errorText().isEmpty());
        QVERIFY(dialog.isVisible());
        QVERIFY2(dialog.errorText().contains(u"keychain"_s, Qt::CaseInsensitive),
                 qPrintable(dialog.errorText()));
        QVERIFY(!QFile::exists(fallback + u"/secrets.json"_s));
        QVERIFY(!DaytonaSettings::isApiKeyInKeychain());
        QVERIFY(saveShot(&dialog, u"settings-daytona-no-keychain.png"_s));

        // Opting in on the GitHub page (with its warning) lets OK keep the key in a 0600 file.
        dialog.showPage(ui::SettingsDialog::Page::GitHub);
        auto* optIn = dialog.findChild<QCheckBox*>(u"plainTextFallback"_s);
        auto* warning = dialog.findChild<QLabel*>(u"plainTextFallbackWarning"_s);
        QVERIFY(!warning->isVisible());
        optIn->click();
        QVERIFY(warning->isVisible());
        QVERIFY(saveShot(&dialog, u"settings-github.png"_s));
        dialog.okButton()->click();
        QTRY_VERIFY(!dialog.isVisible());
        QCOMPARE(dialog.result(), int(QDialog::Accepted));
        QVERIFY(secrets.isUsingPlainTextFallback());
        QFile file(fallback + u"/secrets.json"_s);
        QVERIFY(file.exists());
        QCOMPARE(file.permissions() &
                     (QFile::ReadGroup | QFile::ReadOther | QFile::WriteGroup | QFile::WriteOther),
                 QFile::Permissions());
        QVERIFY(DaytonaSettings::isApiKeyInKeychain());
        QVERIFY(QSettings().value(u"secrets/plainTextFallback"_s).toBool());
        const auto stored = QCoro::waitFor(secrets.read(DaytonaSettings::load().keychainKey()));
        QCOMPARE(stored.secret(), QString::fromLatin1(ApiKey));

        // The window says so while secrets live in that file.
        QWidget window;
        AppContext fallbackContext(m_root.filePath(u"data-fallback"_s), AppContext::Role::CommandLine);
        ui::AccountController controller(fallbackContext.secrets(), fallbackContext.accounts(),
                                         fallbackContext.dataDirectory(), &window);
        QVERIFY(controller.plainTextWarning()->isHidden());
        QVERIFY(QCoro::waitFor(controller.secrets().read(DaytonaSettings::load().keychainKey())).ok());
        QVERIFY(!controller.plainTextWarning()->isHidden());
        QVERIFY(controller.plainTextWarning()->toolTip().contains(u"plain-text"_s) ||
                controller.plainTextWarning()->toolTip().contains(u"secrets.json"_s));

        QSettings().remove(u"secrets"_s);
        DaytonaSettings::setApiKeyInKeychain(false);
        QSettings().remove(u"daytona"_s);
    }

    // Settings > Runs: builds at once and the health-check interval, applied by the window at once.
    void runsSettingsApplyToTheWindow()
    {
        AppContext context(m_root.filePath(u"data-runs"_s));
        ui::MainWindow window(context);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QCOMPARE(context.runQueue()->limit(), RunQueue::DefaultLimit);
        bool edited = false;
        QTimer::singleShot(0, this, [&] {
            ui::SettingsDialog* dialog = window.settingsDialog();
            if (!dialog)
                return;
            dialog->showPage(ui::SettingsDialog::Page::Runs);
            auto* builds = dialog->findChild<QSpinBox*>(u"maxConcurrentRuns"_s);
            auto* interval = dialog->findChild<QSpinBox*>(u"checkIntervalMinutes"_s);
            if (!builds || !interval || builds->value() != RunQueue::DefaultLimit || interval->value() != 5) {
                dialog->reject();
                return;
            }
            builds->setValue(2);
            interval->setValue(10);
            saveShot(dialog, u"settings-runs.png"_s);
            edited = true;
            dialog->okButton()->click();
        });
        window.actions()->settings()->trigger();
        QVERIFY(edited);
        QCOMPARE(context.runQueue()->limit(), 2);
        QCOMPARE(QSettings().value(u"manager/intervalMs"_s).toLongLong(), 600'000);
        QCOMPARE(SandboxManager::configuredInterval(QSettings()), std::chrono::milliseconds(600'000));
        QSettings().remove(u"runs"_s);
        QSettings().remove(u"manager"_s);
    }

    void settingsAreStoredWithOkWithoutTheKey()
    {
        qputenv("DAYTONA_API_KEY", ApiKey);
        ui::SettingsDialog dialog(m_secrets, DaytonaSettings::load(), false, m_root.filePath(u"secrets"_s));
        dialog.showPage(ui::SettingsDialog::Page::Daytona);
        dialog.show();
        QVERIFY(QTest::qWaitForWindowExposed(&dialog));
        auto* url = dialog.findChild<QLineEdit*>(u"daytonaApiUrl"_s);
        url->selectAll();
        QTest::keyClicks(url, m_emulator->apiUrl().toString());
        QTest::keyClicks(dialog.findChild<QLineEdit*>(u"daytonaTarget"_s), u"eu"_s);
        auto* size = dialog.findChild<QComboBox*>(u"daytonaSize"_s);
        size->setCurrentIndex(1);
        dialog.findChild<QSpinBox*>(u"daytonaAutoStop"_s)->setValue(45);
        dialog.findChild<QCheckBox*>(u"daytonaPublicPreview"_s)->setChecked(true);
        QVERIFY(dialog.okButton()->isEnabled());
        QTest::mouseClick(dialog.okButton(), Qt::LeftButton);
        QCOMPARE(dialog.result(), int(QDialog::Accepted));

        const DaytonaSettings stored = DaytonaSettings::load();
        QCOMPARE(stored.apiUrl, m_emulator->apiUrl().toString());
        QCOMPARE(stored.target, u"eu"_s);
        QCOMPARE(DaytonaSandboxOptions::toString(stored.size), u"medium"_s);
        QCOMPARE(stored.autoStopMinutes, 45);
        QVERIFY(stored.publicPreview);
        // The key is in no settings file.
        QSettings settings;
        settings.sync();
        QFile file(settings.fileName());
        QVERIFY2(file.open(QIODevice::ReadOnly), qPrintable(settings.fileName()));
        QVERIFY(!file.readAll().contains(ApiKey));

        // A second dialog starts from what was stored.
        ui::SettingsDialog again(m_secrets, DaytonaSettings::load(), false, m_root.filePath(u"secrets"_s));
        QCOMPARE(again.daytonaSettings(), stored);
        QSettings().remove(u"daytona"_s);
    }

    void testConnectionAgainstTheEmulator()
    {
        qputenv("DAYTONA_API_KEY", ApiKey);
        storeEmulatorSettings();
        ui::SettingsDialog dialog(m_secrets, DaytonaSettings::load(), false, m_root.filePath(u"secrets"_s));
        dialog.showPage(ui::SettingsDialog::Page::Daytona);
        dialog.resize(640, dialog.sizeHint().height());
        dialog.show();
        QVERIFY(QTest::qWaitForWindowExposed(&dialog));
        ui::DaytonaSettingsPage* page = dialog.daytonaPage();
        QCOMPARE(dialog.findChild<QLabel*>(u"daytonaKeySource"_s)->text(), u"from DAYTONA_API_KEY"_s);
        QVERIFY(page->testButton()->isEnabled());

        m_emulator->clearRequests();
        QSignalSpy finished(page, &ui::DaytonaSettingsPage::testFinished);
        m_emulator->delayNext("GET", u"^/api/sandbox"_s, std::chrono::milliseconds(500));
        QTest::mouseClick(page->testButton(), Qt::LeftButton);
        // Busy while it runs: the button is off and says so.
        QCOMPARE(page->testState(), ui::DaytonaSettingsPage::TestState::Testing);
        QVERIFY(!page->testButton()->isEnabled());
        QVERIFY(saveShot(&dialog, u"settings-daytona-testing.png"_s));
        QVERIFY(finished.wait(30'000));
        QCOMPARE(finished.first().first().toBool(), true);
        QCOMPARE(page->testState(), ui::DaytonaSettingsPage::TestState::Succeeded);
        QVERIFY2(page->testResultText().contains(u"Connected"_s), qPrintable(page->testResultText()));
        QVERIFY(page->testButton()->isEnabled());
        bool listed = false;
        for (const test::DaytonaRequest& request : m_emulator->requests()) {
            if (request.path().startsWith("/api/sandbox")) {
                listed = true;
                QCOMPARE(request.header("Authorization"), QByteArray("Bearer ") + ApiKey);
            }
        }
        QVERIFY(listed);
        QVERIFY(saveShot(&dialog, u"settings-daytona.png"_s));

        // Editing a field clears the result: it was about other values.
        QTest::keyClicks(dialog.findChild<QLineEdit*>(u"daytonaTarget"_s), u"us"_s);
        QCOMPARE(page->testState(), ui::DaytonaSettingsPage::TestState::Idle);

        // A wrong key: the unauthorized message, and the key itself nowhere in it.
        qputenv("DAYTONA_API_KEY", "wrong-key-0123456789");
        finished.clear();
        QTest::mouseClick(page->testButton(), Qt::LeftButton);
        QVERIFY(finished.wait(30'000));
        QCOMPARE(finished.first().first().toBool(), false);
        QCOMPARE(page->testState(), ui::DaytonaSettingsPage::TestState::Failed);
        const QString text = page->testResultText();
        QVERIFY2(text.contains(u"DAYTONA_API_KEY"_s), qPrintable(text));
        QVERIFY2(text.contains(u"key"_s, Qt::CaseInsensitive), qPrintable(text));
        QVERIFY(!text.contains(u"wrong-key-0123456789"_s));
        // All of the message is visible: the window grows when it needs more lines.
        auto* result = dialog.findChild<QLabel*>(u"daytonaTestResult"_s);
        QTRY_VERIFY(result->visibleRegion().boundingRect().height() >=
                    result->heightForWidth(result->width()));
        QVERIFY(saveShot(&dialog, u"settings-daytona-unauthorized.png"_s));

        // Closing the dialog while a test runs is safe.
        m_emulator->delayNext("GET", u"^/api/sandbox"_s, std::chrono::milliseconds(800));
        qputenv("DAYTONA_API_KEY", ApiKey);
        QTest::mouseClick(page->testButton(), Qt::LeftButton);
        QCOMPARE(page->testState(), ui::DaytonaSettingsPage::TestState::Testing);
        QTest::keyClick(&dialog, Qt::Key_Escape);
        QVERIFY(!dialog.isVisible());
        QSettings().remove(u"daytona"_s);
    }

    void pickerOffersDaytonaOnlyWhenItCanBeUsed()
    {
        // No key: Daytona is off and the picker says what to set.
        {
            ui::RepoPickerDialog picker;
            picker.show();
            QVERIFY(QTest::qWaitForWindowExposed(&picker));
            auto* daytona = picker.findChild<QRadioButton*>(u"backendDaytona"_s);
            auto* note = picker.findChild<QLabel*>(u"backendNote"_s);
            QVERIFY(daytona && note);
            QVERIFY(!daytona->isEnabled());
            QVERIFY(picker.findChild<QRadioButton*>(u"backendLocal"_s)->isChecked());
            QVERIFY(note->isVisible());
            QVERIFY2(note->text().contains(u"DAYTONA_API_KEY"_s), qPrintable(note->text()));
            QVERIFY(daytona->toolTip().contains(u"DAYTONA_API_KEY"_s));
            QTest::keyClicks(picker.findChild<QLineEdit*>(u"repositoryUrl"_s),
                             u"https://github.com/octo/app"_s);
            QVERIFY(picker.project().backend == Backend::Local);
            QVERIFY(saveShot(&picker, u"repo-picker-daytona-unavailable.png"_s));
        }

        // With a key: Daytona can be chosen for a URL, not for a folder on this machine.
        qputenv("DAYTONA_API_KEY", ApiKey);
        storeEmulatorSettings();
        ui::RepoPickerDialog picker;
        picker.show();
        QVERIFY(QTest::qWaitForWindowExposed(&picker));
        auto* daytona = picker.findChild<QRadioButton*>(u"backendDaytona"_s);
        auto* note = picker.findChild<QLabel*>(u"backendNote"_s);
        QVERIFY(daytona->isEnabled());
        QVERIFY(!note->isVisible());
        QTest::keyClicks(picker.findChild<QLineEdit*>(u"repositoryUrl"_s),
                         m_git->repositoryUrl(u"express-app"_s).toString());
        QTest::mouseClick(daytona, Qt::LeftButton);
        QVERIFY(daytona->isChecked());
        QVERIFY(acceptButton(&picker)->isEnabled());
        QVERIFY(picker.project().backend == Backend::Daytona);
        QVERIFY(saveShot(&picker, u"repo-picker-backend.png"_s));

        // A folder's working copy goes up to Daytona as files (issue 22); its branch would be cloned
        // there, and Daytona cannot reach this computer.
        picker.showSource(picker.localFolderSource());
        QVERIFY(picker.localFolderSource()->source() == ProjectSource::WorkingCopy);
        QVERIFY(daytona->isEnabled());
        QVERIFY(picker.backend() == Backend::Daytona);
        picker.localFolderSource()->setSource(ProjectSource::Branch);
        QTRY_VERIFY(!daytona->isEnabled());
        QVERIFY(picker.backend() == Backend::Local);
        QVERIFY(note->isVisible()); // the user chose Daytona: say why it is off here
        QVERIFY2(note->text().contains(u"network"_s) && note->text().contains(u"working copy"_s),
                 qPrintable(note->text()));
        QVERIFY(saveShot(&picker, u"repo-picker-backend-folder.png"_s));
        picker.localFolderSource()->setSource(ProjectSource::WorkingCopy);
        QTRY_VERIFY(daytona->isEnabled());
        QVERIFY(picker.backend() == Backend::Daytona);
        picker.showSource(picker.urlSource());
        QVERIFY(picker.backend() == Backend::Daytona); // the choice is kept
        QSettings().remove(u"daytona"_s);
    }

    void daytonaProjectWithoutKeyFailsWithWhatToSet()
    {
        AppContext context(m_root.filePath(u"data-nokey"_s));
        ui::MainWindow window(context);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        const auto parsed =
            RepoRef::parse(m_git->repositoryUrl(u"express-app"_s).toString(), QDir::homePath());
        Project project = newProject(std::get<RepoRef>(parsed), {}, RunMode::Dev);
        project.backend = Backend::Daytona;
        window.openProject(project);
        ProjectSession* session = window.session(project.id);
        QVERIFY(session);
        auto stopRuns = qScopeGuard([&window] { test::shutDown(window); });
        QTRY_VERIFY_WITH_TIMEOUT(session->status() == ProjectStatus::Failed, 30'000);
        QVERIFY(session->failure());
        QCOMPARE(stepName(session->failure()->step()), u"create-sandbox"_s);
        const QString explanation = session->failure()->message() + u' ' + session->failure()->advice();
        QVERIFY2(explanation.contains(u"DAYTONA_API_KEY"_s), qPrintable(explanation));
        QCOMPARE(window.previewPane()->overlay(), ui::PreviewPane::Overlay::Unavailable);
        QTRY_VERIFY(!session->isActive());
        // The list says where it runs; the project menu offers to run it here instead.
        auto* list = window.findChild<QListView*>(u"projectList"_s);
        QVERIFY(list->model()->index(0, 0).data(ProjectDetailRole).toString().contains(u"Daytona"_s));
        QVERIFY(window.actions()->runOnDaytona()->isChecked());
        QVERIFY(window.actions()->runLocally()->isEnabled());
        QVERIFY(saveShot(&window, u"main-window-daytona-no-key.png"_s));

        // Run on This Computer: stored with the project, and the next run gets a session on the
        // local back end (its sandbox is created; the run is stopped there).
        ProjectSession* recreated = nullptr;
        connect(&window, &ui::MainWindow::sessionCreated, this,
                [&](ProjectSession* created) { recreated = created; });
        window.actions()->runLocally()->trigger();
        QVERIFY(session->project().backend == Backend::Local);
        QVERIFY(list->model()->index(0, 0).data(ProjectDetailRole).toString().contains(u"local"_s));
        {
            ProjectStore stored(m_root.filePath(u"data-nokey/forge-preview.db"_s));
            const StoreResult<> loaded = stored.load();
            QVERIFY2(loaded.ok(), qPrintable(loaded.message()));
            QVERIFY(stored.find(project.id));
            QVERIFY(stored.find(project.id)->backend == Backend::Local);
        }
        window.actions()->run()->trigger();
        QVERIFY(recreated);
        QVERIFY(recreated != session);
        QCOMPARE(window.session(project.id), recreated);
        QTRY_COMPARE_WITH_TIMEOUT(toString(window.buildLog(project.id)->stepStatus(StepId::CreateSandbox)),
                                  u"succeeded"_s, 60'000);
        stopRuns.dismiss();
        test::shutDown(window);
        QCOMPARE(toString(recreated->status()), u"stopped"_s);
    }

    void daytonaProjectPreviewsThroughTheEmulator()
    {
        qputenv("DAYTONA_API_KEY", ApiKey);
        storeEmulatorSettings();
        AppContext context(m_root.filePath(u"data"_s));
        ui::MainWindow window(context);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));

        // Settings from the menu's shortcut: Ctrl+, opens them (Esc closes them again).
        window.activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(&window));
        bool settingsShown = false;
        QTimer::singleShot(0, this, [&] {
            if (ui::SettingsDialog* dialog = window.settingsDialog()) {
                settingsShown = dialog->daytonaSettings().apiUrl == m_emulator->apiUrl().toString();
                dialog->reject();
            }
        });
        QTest::keyClick(&window, Qt::Key_Comma, Qt::ControlModifier);
        QVERIFY(settingsShown);

        ProjectSession* session = nullptr;
        connect(&window, &ui::MainWindow::sessionCreated, this,
                [&](ProjectSession* created) { session = created; });
        bool pickerDriven = false;
        QTimer::singleShot(0, this, [&] {
            ui::RepoPickerDialog* picker = window.repoPicker();
            if (!picker)
                return;
            QTest::keyClicks(picker->findChild<QLineEdit*>(u"repositoryUrl"_s),
                             m_git->repositoryUrl(u"express-app"_s).toString());
            QTest::mouseClick(picker->findChild<QRadioButton*>(u"backendDaytona"_s), Qt::LeftButton);
            QAbstractButton* open = acceptButton(picker);
            if (!open || !open->isEnabled() || picker->backend() != Backend::Daytona) {
                picker->reject();
                return;
            }
            QTest::mouseClick(open, Qt::LeftButton);
            pickerDriven = true;
        });
        window.actions()->openRepository()->trigger();
        QVERIFY2(pickerDriven, "the picker did not accept the repository on Daytona");
        QVERIFY(session);
        auto stopRun = qScopeGuard([&window] { test::shutDown(window); });
        const QString id = session->project().id;
        QVERIFY(session->project().backend == Backend::Daytona);

        QSignalSpy painted(&window, &ui::MainWindow::previewPainted);
        QTRY_VERIFY2_WITH_TIMEOUT(session->status() == ProjectStatus::Live ||
                                      session->status() == ProjectStatus::Failed,
                                  qPrintable(window.buildLog(id)->plainText()), RunTimeoutMs);
        QVERIFY2(session->status() == ProjectStatus::Live,
                 qPrintable(session->failure()
                                ? session->failure()->message() + u'\n' + window.buildLog(id)->plainText()
                                : window.buildLog(id)->plainText()));

        // Private preview: the endpoint carries the token, and the page loads through the proxy.
        const PreviewEndpoint& endpoint = session->previewEndpoint();
        QVERIFY(endpoint.headers.contains("x-daytona-preview-token"));
        QVERIFY(painted.wait(60'000) || !painted.isEmpty());
        QWebEnginePage* page = window.previewPane()->page();
        QVERIFY(page);
        QTRY_VERIFY_WITH_TIMEOUT(evaluate(page, u"document.body ? document.body.innerText : ''"_s)
                                     .toString()
                                     .contains(u"Forge fixture: Express app"_s),
                                 20'000);
        QCOMPARE(window.previewPane()->origin().port(), endpoint.url.port());

        // Every request to the preview proxy carried the token; the page itself was served.
        int previewRequests = 0;
        int served = 0;
        const QByteArray token = endpoint.headers.value("x-daytona-preview-token");
        for (const test::DaytonaRequest& request : m_emulator->requests()) {
            const QByteArray path = request.path();
            if (path.startsWith("/api/") || path.startsWith("/toolbox/"))
                continue;
            ++previewRequests;
            QVERIFY2(request.header("x-daytona-preview-token") == token, request.target.constData());
            QCOMPARE(request.header("X-Daytona-Skip-Preview-Warning"), QByteArray("true"));
            if (request.status == 200)
                ++served;
        }
        QVERIFY(previewRequests > 0);
        QVERIFY(served > 0);
        QVERIFY(saveShot(&window, u"main-window-daytona.png"_s));

        // The project list shows where it runs.
        auto* list = window.findChild<QListView*>(u"projectList"_s);
        QVERIFY(list->model()->index(0, 0).data(ProjectDetailRole).toString().contains(u"Daytona"_s));

        // The emulator drops the sandbox: the next health check restores it. The pane says
        // "Restoring sandbox…" meanwhile and then shows the page again, from the new sandbox.
        const QString before = session->sandboxId();
        QVERIFY(!before.isEmpty());
        m_emulator->removeSandboxExternally(before);
        std::optional<ui::PreviewPane::Overlay> overlayWhileRestoring;
        connect(session, &ProjectSession::restoring, this,
                [&] { overlayWhileRestoring = window.previewPane()->overlay(); });
        QSignalSpy restored(session, &ProjectSession::restored);
        context.sandboxManager()->checkNow(session);
        QTRY_VERIFY(overlayWhileRestoring.has_value());
        QVERIFY(*overlayWhileRestoring == ui::PreviewPane::Overlay::Restoring);
        QVERIFY(saveShot(&window, u"main-window-restoring.png"_s));
        QVERIFY2(restored.wait(RunTimeoutMs) || !restored.isEmpty(),
                 qPrintable(window.buildLog(id)->plainText()));
        QVERIFY(session->sandboxId() != before);
        QTRY_VERIFY_WITH_TIMEOUT(
            window.previewPane()->overlay() == ui::PreviewPane::Overlay::None &&
                window.previewPane()->page() &&
                evaluate(window.previewPane()->page(), u"document.body ? document.body.innerText : ''"_s)
                    .toString()
                    .contains(u"Forge fixture: Express app"_s),
            60'000);
        QCOMPARE(window.previewPane()->origin().port(), session->previewEndpoint().url.port());

        // Keep awake off (Project menu): a sandbox that goes to sleep stays asleep, the pane says
        // "Sleeping" with Wake, and Wake brings the page back from the same sandbox.
        window.actions()->keepAwake()->setChecked(false);
        QVERIFY(!session->project().keepAwake);
        const QString sleeper = session->sandboxId();
        m_emulator->stopSandboxExternally(sleeper);
        context.sandboxManager()->checkNow(session);
        QTRY_VERIFY(window.previewPane()->overlay() == ui::PreviewPane::Overlay::Sleeping);
        QVERIFY(list->model()->index(0, 0).data(ProjectDetailRole).toString().contains(u"sleeping"_s));
        QVERIFY(saveShot(&window, u"main-window-sleeping.png"_s));
        QCOMPARE(m_emulator->state(sleeper), u"stopped"_s);
        QSignalSpy woken(session, &ProjectSession::restored);
        window.previewPane()->overlayButton()->click();
        QVERIFY2(woken.wait(RunTimeoutMs) || !woken.isEmpty(), qPrintable(window.buildLog(id)->plainText()));
        QCOMPARE(session->sandboxId(), sleeper);
        QTRY_VERIFY_WITH_TIMEOUT(
            window.previewPane()->overlay() == ui::PreviewPane::Overlay::None &&
                window.previewPane()->page() &&
                evaluate(window.previewPane()->page(), u"document.body ? document.body.innerText : ''"_s)
                    .toString()
                    .contains(u"Forge fixture: Express app"_s),
            60'000);

        // Stopping ends the dev server; the session ends stopped.
        QSignalSpy finished(&window, &ui::MainWindow::shutdownFinished);
        window.shutdown();
        QVERIFY(finished.wait(60'000));
        QCOMPARE(toString(session->status()), u"stopped"_s);
        stopRun.dismiss();
        QSettings().remove(u"daytona"_s);
    }

    void cleanupTestCase()
    {
        clearDaytonaEnvironment();
        m_git.reset();
        m_emulator.reset();
    }
};

QTEST_MAIN(TestDaytonaDesktop)
#include "tst_daytonadesktop.moc"
