// Being told what a repository expects (issue 20), end to end on the local back end with the env-echo
// fixture, whose .env.example lists GREETING and STRIPE_SECRET_KEY with comments:
// - detection's missing variables are offered in a banner that takes no focus; its form shows each
//   with its hint and file, ticks the credential as a secret, and Save restarts the live preview
//   with the values typed;
// - Skip and Not Now are remembered across a restart of the app;
// - a dev server that dies for SUPABASE_URL opens the form on that variable (without taking the
//   keyboard from a window being typed in), the failure box offers "Set SUPABASE_URL…", and filling
//   it in runs the project again to a live preview;
// - a page that logs the secret to its console shows *** in the build log.
// Runs with a real Secret Service in a private D-Bus session (run-keyring-test) on its own Xvfb
// (run-gui-test).

#include "../GuiTestHelpers.h"
#include "FixtureRepository.h"
#include "app/AppContext.h"
#include "app/ProjectRegistry.h"
#include "secrets/ProjectSecrets.h"
#include "store/Project.h"
#include "ui/buildlog/BuildLogPanel.h"
#include "ui/buildlog/FailureBox.h"
#include "ui/common/Theme.h"
#include "ui/preview/PreviewPane.h"
#include "ui/window/EnvironmentEditor.h"
#include "ui/window/EnvironmentModel.h"
#include "ui/window/ExpectedVariablesBanner.h"
#include "ui/window/ExpectedVariablesDialog.h"
#include "ui/window/ExpectedVariablesOffer.h"
#include "ui/window/MainWindow.h"
#include "ui/window/WindowActions.h"
#include "workflow/ProjectSession.h"

#include <QAction>
#include <QApplication>
#include <QCheckBox>
#include <QCoroTask>
#include <QCryptographicHash>
#include <QDir>
#include <QLineEdit>
#include <QListView>
#include <QPushButton>
#include <QRandomGenerator>
#include <QScopeGuard>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace forge;
using ui::ExpectedVariablesDialog;

namespace {

constexpr int RunTimeoutMs = 300'000; // npm install of a project without dependencies, on a slow machine

const QString OfferId = u"6e1d2fa0-3b5c-4d7e-9f10-2b3c4d5e6f01"_s;
const QString SkipId = u"6e1d2fa0-3b5c-4d7e-9f10-2b3c4d5e6f02"_s;
const QString NotNowId = u"6e1d2fa0-3b5c-4d7e-9f10-2b3c4d5e6f03"_s;
const QString NeededId = u"6e1d2fa0-3b5c-4d7e-9f10-2b3c4d5e6f04"_s;
const QString ShotLightId = u"6e1d2fa0-3b5c-4d7e-9f10-2b3c4d5e6f05"_s;
const QString ShotDarkId = u"6e1d2fa0-3b5c-4d7e-9f10-2b3c4d5e6f06"_s;

const QStringList FixtureNames{u"GREETING"_s, u"STRIPE_SECRET_KEY"_s};

ui::ExpectedVariablesBanner* bannerOf(ui::MainWindow& window)
{
    return window.expectedVariables()->banner();
}

ExpectedVariablesDialog* formOf(ui::MainWindow& window)
{
    return window.expectedVariables()->form();
}

} // namespace

class TestExpectedVariables : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_root;
    QString m_echo;  // the env-echo fixture as a git repository
    QString m_echo2; // the same, for a second project running beside it

    // A project whose dev server dies saying SUPABASE_URL is missing.
    Project needingSupabase(const QString& id)
    {
        ProjectEnvironment environment;
        environment.variables.append({u"REQUIRE_SUPABASE"_s, u"1"_s, false, EnvironmentStep::Run});
        return test::project(id, m_echo, environment);
    }

    void waitForRunEnd(ui::MainWindow& window, const QString& id)
    {
        QTRY_VERIFY2_WITH_TIMEOUT(window.session(id)->status() == ProjectStatus::Live ||
                                      window.session(id)->status() == ProjectStatus::Failed,
                                  qPrintable(window.buildLog(id)->plainText()), RunTimeoutMs);
    }

    void waitUntilLive(ui::MainWindow& window, const QString& id)
    {
        waitForRunEnd(window, id);
        QVERIFY2(window.session(id)->status() == ProjectStatus::Live,
                 qPrintable(window.buildLog(id)->plainText()));
    }

    void selectProject(ui::MainWindow& window, const QString& id)
    {
        auto* list = window.findChild<QListView*>(u"projectList"_s);
        const int row = int(window.context().projects()->ids().indexOf(id));
        list->setCurrentIndex(list->model()->index(row, 0));
        QTRY_COMPARE(window.currentProjectId(), id);
    }

    // The form, once it is open and has put the cursor in `focused`'s value.
    ExpectedVariablesDialog* waitForForm(ui::MainWindow& window, const QString& focused)
    {
        if (!QTest::qWaitFor([&] { return formOf(window) && formOf(window)->isVisible(); }, 10'000))
            return nullptr;
        ExpectedVariablesDialog* form = formOf(window);
        if (!QTest::qWaitFor([&] { return QApplication::focusWidget() == form->valueField(focused); },
                             10'000))
            qWarning("The focus is on %s",
                     qPrintable(QApplication::focusWidget() ? QApplication::focusWidget()->objectName()
                                                            : u"nothing"_s));
        return form;
    }

    void shoot(QWidget* widget, const QString& name)
    {
        QVERIFY(test::saveShot(widget, name));
        qInfo("Screenshot: %s/%s", FORGE_ARTIFACTS_DIR, qPrintable(name));
    }

    // The banner, the build log and the preview: what the window shows under its menus.
    static QWidget* workArea(ui::MainWindow& window) { return bannerOf(window)->parentWidget(); }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY2(qEnvironmentVariable("FORGE_TEST_KEYRING") == u"yes"_s,
                 "run through tests/support/run-keyring-test (ctest does)");
        QVERIFY(m_root.isValid());
        test::useTestSettings(u"forge-preview-expected"_s, m_root.filePath(u"settings"_s));
        qputenv("FORGE_PREVIEW_THEME", "light");
        ui::Theme::install();
        QDir().mkpath(QStringLiteral(FORGE_ARTIFACTS_DIR));

        for (QString* path : {&m_echo, &m_echo2}) {
            *path = m_root.filePath(path == &m_echo ? u"env-echo"_s : u"env-echo-2"_s);
            test::FixtureRepository echo(*path);
            QVERIFY2(echo.initialize(QStringLiteral(FORGE_FIXTURES_DIR) + u"/projects/env-echo"_s),
                     qPrintable(echo.errorString()));
        }
    }

    void failuresWithoutAVariableOfferNothing()
    {
        const auto failure = [](const QString& message) {
            return StepFailure(StepId::StartDevServer, Failure::permanent(message));
        };
        QCOMPARE(ui::ExpectedVariablesOffer::variableNeededBy(failure(
                     u"The dev server stopped because the environment variable SUPABASE_URL is not set."_s)),
                 std::optional<QString>(u"SUPABASE_URL"_s));
        QCOMPARE(
            ui::ExpectedVariablesOffer::variableNeededBy(failure(u"The dev server exited with code 1."_s)),
            std::nullopt);
        // A name the sandbox sets itself is never asked for.
        QCOMPARE(ui::ExpectedVariablesOffer::variableNeededBy(
                     failure(u"The dev server stopped because the environment variable PORT is not set."_s)),
                 std::nullopt);
    }

    void offeredFilledAndSaved()
    {
        const QString data = m_root.filePath(u"data-offer"_s);
        AppContext context(data);
        ui::MainWindow window(context);
        test::showActiveWindow(window);
        window.openProject(test::project(OfferId, m_echo));
        ProjectSession* session = window.session(OfferId);
        auto stopRun = qScopeGuard([&window] { test::shutDown(window); });
        waitUntilLive(window, OfferId);
        QVERIFY(test::httpGet(session->previewUrl()).contains("<h1 id=\"greeting\">unset</h1>"));

        // Offered in the banner, which takes nothing from the user: no form, no modal window.
        ui::ExpectedVariablesBanner* banner = bannerOf(window);
        QTRY_VERIFY(banner->isVisible());
        QCOMPARE(banner->text(), u"This repository expects 2 variables: GREETING, STRIPE_SECRET_KEY."_s);
        QVERIFY(!formOf(window));
        QVERIFY(!QApplication::activeModalWidget());
        QVERIFY(window.actions()->setExpectedVariables()->isEnabled());
        shoot(workArea(window), u"expected-variables-banner.png"_s);

        QTest::mouseClick(banner->setButton(), Qt::LeftButton);
        ExpectedVariablesDialog* form = waitForForm(window, u"GREETING"_s);
        QVERIFY(form);
        QCOMPARE(form->names(), FixtureNames);
        QCOMPARE(form->detailText(u"GREETING"_s), u"Shown on the page · seen in .env.example"_s);
        QCOMPARE(form->detailText(u"STRIPE_SECRET_KEY"_s),
                 u"Stripe test key (https://dashboard.stripe.com/test/apikeys) · seen in .env.example"_s);
        QVERIFY(!form->secretBox(u"GREETING"_s)->isChecked());
        QVERIFY(form->secretBox(u"STRIPE_SECRET_KEY"_s)->isChecked());
        QCOMPARE(form->valueField(u"GREETING"_s)->echoMode(), QLineEdit::Normal);
        QCOMPARE(form->valueField(u"STRIPE_SECRET_KEY"_s)->echoMode(), QLineEdit::Password);
        QCOMPARE(form->valueField(u"GREETING"_s)->accessibleName(), u"Value of GREETING"_s);
        QVERIFY(!form->saveButton()->isEnabled()); // nothing filled in yet
        QCOMPARE(QApplication::focusWidget(), form->valueField(u"GREETING"_s));

        // By keyboard: the greeting, Tab over its Secret tick to the key, the key, Enter.
        const QString greeting = u"Hello from the form %1"_s.arg(QRandomGenerator::global()->generate());
        const QString secret = u"sk_test_%1%2"_s.arg(QRandomGenerator::global()->generate64(), 0, 16)
                                   .arg(QRandomGenerator::global()->generate64(), 0, 16);
        QTest::keyClicks(QApplication::focusWidget(), greeting);
        QTest::keyClick(QApplication::focusWidget(), Qt::Key_Tab);
        QCOMPARE(QApplication::focusWidget(), form->secretBox(u"GREETING"_s));
        QTest::keyClick(QApplication::focusWidget(), Qt::Key_Tab);
        QCOMPARE(QApplication::focusWidget(), form->valueField(u"STRIPE_SECRET_KEY"_s));
        QTest::keyClicks(QApplication::focusWidget(), secret);
        QVERIFY(form->saveButton()->isEnabled());
        shoot(form, u"expected-variables-form.png"_s);

        QSignalSpy restored(session, &ProjectSession::restored);
        QTest::keyClick(QApplication::focusWidget(), Qt::Key_Return);
        QTRY_VERIFY_WITH_TIMEOUT(!formOf(window), 20'000);
        QVERIFY(!banner->isVisible());
        QVERIFY(!window.actions()->setExpectedVariables()->isEnabled()); // nothing left to ask for

        // The restarted dev server serves the greeting and a digest of the key.
        QVERIFY2(restored.wait(RunTimeoutMs) || !restored.isEmpty(),
                 qPrintable(window.buildLog(OfferId)->plainText()));
        const QByteArray page = test::httpGet(session->previewUrl());
        QVERIFY2(page.contains(greeting.toUtf8()), page.constData());
        QVERIFY2(page.contains(QCryptographicHash::hash(secret.toUtf8(), QCryptographicHash::Sha256).toHex()),
                 page.constData());

        // Kept: plain in the project, the key only in the keychain; the Environment section shows both.
        const std::optional<Project> stored = test::storedProject(data, OfferId);
        QVERIFY(stored);
        QCOMPARE(stored->environment.names(), FixtureNames);
        QCOMPARE(stored->environment.find(u"GREETING"_s)->value, greeting);
        QVERIFY(stored->environment.find(u"STRIPE_SECRET_KEY"_s)->secret);
        QVERIFY(stored->environment.find(u"STRIPE_SECRET_KEY"_s)->value.isEmpty());
        const SecretResult read =
            QCoro::waitFor(ProjectSecrets(context.secrets()).read(OfferId, u"STRIPE_SECRET_KEY"_s));
        QCOMPARE(read.secret(), secret);
        QCOMPARE(window.environmentEditor()->model()->environment().names(), FixtureNames);

        // A page that logs the key to its console: the build log shows ***. First the embedded
        // preview shows the restarted server's page, so the path bar is in use again.
        QTRY_VERIFY_WITH_TIMEOUT(window.previewPane()->page() != nullptr, 20'000);
        QTRY_VERIFY_WITH_TIMEOUT(
            test::evaluate(window.previewPane()->page(), u"document.body ? document.body.innerText : ''"_s)
                .toString()
                .contains(greeting),
            30'000);
        test::activate(window);
        window.findChild<QListView*>(u"projectList"_s)->setFocus();
        QTest::keyClick(&window, Qt::Key_L, Qt::ControlModifier);
        QLineEdit* path = window.previewPane()->pathBar();
        QTRY_VERIFY(path->hasFocus());
        path->selectAll();
        QTest::keyClicks(path, u"/console"_s);
        QTest::keyClick(path, Qt::Key_Return);
        QTRY_VERIFY2_WITH_TIMEOUT(window.buildLog(OfferId)->plainText().contains(u"[info] Stripe key: ***"_s),
                                  qPrintable(window.buildLog(OfferId)->plainText().right(2000)), 30'000);
        QVERIFY(!window.buildLog(OfferId)->plainText().contains(secret));
    }

    void skipAndNotNowAreRememberedAcrossARestart()
    {
        const QString data = m_root.filePath(u"data-skip"_s);
        {
            AppContext context(data);
            ui::MainWindow window(context);
            test::showActiveWindow(window);
            window.openProject(test::project(NotNowId, m_echo2));
            window.openProject(test::project(SkipId, m_echo));
            auto stopRun = qScopeGuard([&window] { test::shutDown(window); });
            waitForRunEnd(window, NotNowId);
            waitForRunEnd(window, SkipId);

            // Skip (Esc) in the form.
            QCOMPARE(window.currentProjectId(), SkipId);
            QTRY_VERIFY(bannerOf(window)->isVisible());
            QTest::mouseClick(bannerOf(window)->setButton(), Qt::LeftButton);
            ExpectedVariablesDialog* form = waitForForm(window, u"GREETING"_s);
            QVERIFY(form);
            QTest::keyClick(QApplication::focusWidget(), Qt::Key_Escape);
            QTRY_VERIFY(!formOf(window));
            QVERIFY(!bannerOf(window)->isVisible());
            QVERIFY(window.session(SkipId)->project().environment.isEmpty());
            // The menu still asks.
            QVERIFY(window.actions()->setExpectedVariables()->isEnabled());

            // Not Now in the banner.
            test::activate(window);
            selectProject(window, NotNowId);
            QTRY_VERIFY(bannerOf(window)->isVisible());
            QTest::mouseClick(bannerOf(window)->notNowButton(), Qt::LeftButton);
            QVERIFY(!bannerOf(window)->isVisible());
            QVERIFY(!formOf(window));
            QVERIFY(window.actions()->setExpectedVariables()->isEnabled());

            // Stopped, so the next start of the app does not bring them back by itself.
            for (const QString& id : {NotNowId, SkipId}) {
                context.projects()->stop(id);
                QTRY_VERIFY_WITH_TIMEOUT(!window.session(id)->isActive(), 60'000);
            }
        }

        // The app again: each project's next detection names the same variables, and neither offers.
        AppContext context(data);
        ui::MainWindow window(context);
        test::showActiveWindow(window);
        auto stopRun = qScopeGuard([&window] { test::shutDown(window); });
        for (const QString& id : {NotNowId, SkipId}) {
            selectProject(window, id);
            context.projects()->start(id);
            QTRY_COMPARE_WITH_TIMEOUT(window.session(id)->missingVariables().size(), 2, RunTimeoutMs);
            QVERIFY(!bannerOf(window)->isVisible());
            QVERIFY(!formOf(window));
            // Project > Set Expected Variables… is there whenever they are unset.
            QVERIFY(window.actions()->setExpectedVariables()->isEnabled());
        }
        window.actions()->setExpectedVariables()->trigger();
        ExpectedVariablesDialog* form = waitForForm(window, u"GREETING"_s);
        QVERIFY(form);
        QCOMPARE(form->names(), FixtureNames);
        QTest::keyClick(QApplication::focusWidget(), Qt::Key_Escape);
        QTRY_VERIFY(!formOf(window));
    }

    void deadDevServerAsksForItsVariable()
    {
        const QString data = m_root.filePath(u"data-needed"_s);
        test::storeProjects(data, {needingSupabase(NeededId)});
        AppContext context(data);
        ui::MainWindow window(context);
        test::showActiveWindow(window);
        QCOMPARE(window.currentProjectId(), NeededId);
        auto stopRun = qScopeGuard([&window] { test::shutDown(window); });

        // The user is typing in another window when the run fails: the keys go on reaching it, and
        // the form waits for them to come back.
        QLineEdit elsewhere;
        elsewhere.setWindowTitle(u"Another app"_s);
        elsewhere.show();
        QVERIFY(QTest::qWaitForWindowExposed(&elsewhere));
        test::activate(elsewhere);
        elsewhere.setFocus();
        context.projects()->start(NeededId);
        waitForRunEnd(window, NeededId);
        QVERIFY(window.session(NeededId)->status() == ProjectStatus::Failed);
        auto* box = window.buildLog(NeededId)->findChild<ui::FailureBox*>();
        QVERIFY(box);
        QTRY_VERIFY(box->fixButton()->isVisible());
        QVERIFY(!formOf(window));
        QCOMPARE(QApplication::focusWidget(), &elsewhere);
        QTest::keyClicks(&elsewhere, u"still typing"_s);
        QCOMPARE(elsewhere.text(), u"still typing"_s);
        shoot(workArea(window), u"expected-variables-failure-waiting.png"_s);

        // Back in the window, the form opens with the cursor in SUPABASE_URL, the others still
        // missing below it.
        elsewhere.hide();
        test::activate(window);
        ExpectedVariablesDialog* form = waitForForm(window, u"SUPABASE_URL"_s);
        QVERIFY(form);
        QCOMPARE(QApplication::focusWidget(), form->valueField(u"SUPABASE_URL"_s));
        QCOMPARE(form->names(), (QStringList{u"SUPABASE_URL"_s, u"GREETING"_s, u"STRIPE_SECRET_KEY"_s}));
        QCOMPARE(form->detailText(u"SUPABASE_URL"_s), u"Named by the dev server when it stopped"_s);
        QVERIFY(!form->secretBox(u"SUPABASE_URL"_s)->isChecked());

        // The failure box offers the same.
        QVERIFY(box->isVisible());
        QCOMPARE(box->message(), u"The dev server stopped because the environment variable SUPABASE_URL is "
                                 u"not set."_s);
        QVERIFY(box->fixButton()->isVisible());
        QCOMPARE(box->fixButton()->text(), u"Set SUPABASE_URL…"_s);

        // Skipped: the banner goes, the box's button stays and opens the form again.
        QTest::keyClick(QApplication::focusWidget(), Qt::Key_Escape);
        QTRY_VERIFY(!formOf(window));
        QVERIFY(!bannerOf(window)->isVisible());
        QVERIFY(box->fixButton()->isVisible());
        test::activate(window);
        QTest::mouseClick(box->fixButton(), Qt::LeftButton);
        form = waitForForm(window, u"SUPABASE_URL"_s);
        QVERIFY(form);
        QCOMPARE(QApplication::focusWidget(), form->valueField(u"SUPABASE_URL"_s));

        // Filled in and saved: the project runs again, to a live preview.
        QSignalSpy runStarted(window.session(NeededId), &ProjectSession::runStarted);
        QTest::keyClicks(QApplication::focusWidget(), u"https://example.supabase.co"_s);
        QTest::keyClick(QApplication::focusWidget(), Qt::Key_Return);
        QTRY_VERIFY_WITH_TIMEOUT(!formOf(window), 20'000);
        QTRY_VERIFY_WITH_TIMEOUT(!runStarted.isEmpty(), 20'000);
        waitUntilLive(window, NeededId);
        QVERIFY(!box->isVisible());
        const QByteArray page = test::httpGet(window.session(NeededId)->previewUrl());
        QVERIFY2(page.contains("<h1 id=\"greeting\">unset</h1>"), page.constData());
        const EnvironmentVariable* kept =
            window.session(NeededId)->project().environment.find(u"SUPABASE_URL"_s);
        QVERIFY(kept && !kept->secret);
        QCOMPARE(kept->value, u"https://example.supabase.co"_s);
    }

    // The banner over the failure with its button, and the form the failure opened, light and dark.
    void screenshots_data() { test::addColourSchemeRows(); }

    void screenshots()
    {
        QFETCH(QByteArray, scheme);
        const auto lightAgain = test::useColourScheme(scheme);
        const QString data = m_root.filePath(u"data-shot-"_s + QString::fromLatin1(scheme));
        const QString id = scheme == "dark" ? ShotDarkId : ShotLightId;
        test::storeProjects(data, {needingSupabase(id)});
        AppContext context(data);
        ui::MainWindow window(context);
        test::showActiveWindow(window);
        auto stopRun = qScopeGuard([&window] { test::shutDown(window); });
        context.projects()->start(id);
        waitForRunEnd(window, id);
        ExpectedVariablesDialog* form = waitForForm(window, u"SUPABASE_URL"_s);
        QVERIFY(form);
        QVERIFY(bannerOf(window)->isVisible());
        QTest::keyClicks(form->valueField(u"SUPABASE_URL"_s), u"https://example.supabase.co"_s);
        QTest::keyClicks(form->valueField(u"STRIPE_SECRET_KEY"_s), u"sk_test_shot"_s);
        const QString suffix = scheme == "dark" ? u"-dark"_s : QString();
        shoot(workArea(window), u"expected-variables-failure"_s + suffix + u".png"_s);
        shoot(form, u"expected-variables-needed"_s + suffix + u".png"_s);
        QTest::keyClick(form, Qt::Key_Escape);
        QTRY_VERIFY(!formOf(window));
    }
};

QTEST_MAIN(TestExpectedVariables)
#include "tst_expectedvariables.moc"
