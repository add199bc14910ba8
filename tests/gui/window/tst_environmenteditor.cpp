// The Run Plan tab's Environment section (issue 20), driven with the keyboard and mouse like a user:
// add, validate, remove, mask and show secrets, import a .env file, copy the names, save; switching
// projects with unsaved edits asks first; a failed save keeps every edit. End to end on the local
// back end: a plain variable and a secret saved while the env-echo fixture is live restart its dev
// server, whose page then shows the new greeting and a digest of the secret, while the secret stays
// out of every command line, file and build log line. Runs with a real Secret Service in a private
// D-Bus session (run-keyring-test) on its own Xvfb (run-gui-test).

#include "../GuiTestHelpers.h"
#include "FixtureRepository.h"
#include "SecretLeakScanner.h"
#include "app/AppContext.h"
#include "app/ProjectRegistry.h"
#include "secrets/ProjectSecrets.h"
#include "store/Project.h"
#include "ui/buildlog/BuildLogPanel.h"
#include "ui/common/Theme.h"
#include "ui/preview/PreviewPane.h"
#include "ui/window/EnvironmentEditor.h"
#include "ui/window/EnvironmentModel.h"
#include "ui/window/MainWindow.h"
#include "ui/window/WindowActions.h"
#include "workflow/ProjectSession.h"

#include <QAccessible>
#include <QApplication>
#include <QClipboard>
#include <QCoroTask>
#include <QCryptographicHash>
#include <QDir>
#include <QLabel>
#include <QLineEdit>
#include <QListView>
#include <QMessageBox>
#include <QPushButton>
#include <QRandomGenerator>
#include <QScopeGuard>
#include <QSignalSpy>
#include <QTabWidget>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace forge;
using ui::EnvironmentModel;

namespace {

constexpr int RunTimeoutMs = 300'000; // npm install of a project without dependencies, on a slow machine

const QString EchoId = u"5d0c1f9e-2a4b-4c6d-8e0f-1a2b3c4d5e01"_s;
const QString OtherId = u"5d0c1f9e-2a4b-4c6d-8e0f-1a2b3c4d5e02"_s;

// A .env as a Windows editor saves it: CRLF, a byte order mark, comments, `export`, a line that is
// no assignment, a name the sandbox sets itself, and two names that read like credentials.
const QByteArray DotEnv = "\xEF\xBB\xBF# Local settings\r\n"
                          "export GREETING=Hello from the file\r\n"
                          "DATABASE_URL=postgres://app@localhost/app # the local database\r\n"
                          "\r\n"
                          "API_TOKEN=tok_file_4242\r\n"
                          "PORT=3000\r\n"
                          "this line is not an assignment\r\n"
                          "export DB_PASSWORD='p@ss word'\r\n";

QPushButton* buttonOf(ui::EnvironmentEditor* editor, const QString& name)
{
    return editor->findChild<QPushButton*>(name);
}

QModelIndex cell(ui::EnvironmentEditor* editor, int row, int column)
{
    return editor->model()->index(row, column);
}

// The row of `name`, or -1.
int rowOf(ui::EnvironmentEditor* editor, const QString& name)
{
    for (int row = 0; row < editor->model()->rowCount(); ++row) {
        if (cell(editor, row, EnvironmentModel::NameColumn).data().toString() == name)
            return row;
    }
    return -1;
}

QString shown(ui::EnvironmentEditor* editor, int row, int column)
{
    return cell(editor, row, column).data(Qt::DisplayRole).toString();
}

bool checked(ui::EnvironmentEditor* editor, int row, int column)
{
    return cell(editor, row, column).data(Qt::CheckStateRole).value<Qt::CheckState>() == Qt::Checked;
}

// The line editor open on the table's current cell (F2, Ctrl+N or Tab from the cell before).
QLineEdit* openEditor(ui::EnvironmentEditor* editor)
{
    return qobject_cast<QLineEdit*>(editor->table()->indexWidget(editor->table()->currentIndex()));
}

// Opens the current cell with F2, types `text` over what it held and commits it with Return.
void typeIntoCurrent(ui::EnvironmentEditor* editor, const QString& text)
{
    QTest::keyClick(editor->table(), Qt::Key_F2);
    QLineEdit* field = openEditor(editor);
    QVERIFY(field);
    field->selectAll();
    QTest::keyClick(field, Qt::Key_Backspace);
    QTest::keyClicks(field, text);
    QTest::keyClick(field, Qt::Key_Return);
    // The delegate commits a Return on the next pass of the event loop.
    QTRY_VERIFY(!openEditor(editor));
}

// Ctrl+N, then the name, Tab to the value, the value, Return: a new variable from the keyboard.
void addWithKeyboard(ui::EnvironmentEditor* editor, const QString& name, const QString& value)
{
    editor->table()->setFocus();
    QTest::keyClick(editor->table(), Qt::Key_N, Qt::ControlModifier);
    QLineEdit* nameField = openEditor(editor);
    QVERIFY2(nameField, "Ctrl+N opens the new row's name");
    QTest::keyClicks(nameField, name);
    QTest::keyClick(nameField, Qt::Key_Tab);
    QLineEdit* valueField = openEditor(editor);
    QVERIFY2(valueField, "Tab goes on to the value");
    QCOMPARE(editor->table()->currentIndex().column(), int(EnvironmentModel::ValueColumn));
    QTest::keyClicks(valueField, value);
    QTest::keyClick(valueField, Qt::Key_Return);
    QTRY_VERIFY(!openEditor(editor));
}

void selectRow(ui::EnvironmentEditor* editor, int row, int column = EnvironmentModel::NameColumn)
{
    editor->table()->setFocus();
    editor->table()->setCurrentIndex(cell(editor, row, column));
}

} // namespace

class TestEnvironmentEditor : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_root;
    QString m_echo;  // the env-echo fixture as a git repository
    QString m_other; // a second project to switch to

    // The window over `data`, shown and active, on the Run Plan tab with the focus in the table.
    void showEnvironment(ui::MainWindow& window)
    {
        test::showActiveWindow(window);
        QTest::keyClick(&window, Qt::Key_E, Qt::ControlModifier);
        QCOMPARE(window.findChild<QTabWidget*>()->currentIndex(), 1);
        QVERIFY(window.environmentEditor()->isVisible());
        QTRY_VERIFY(window.environmentEditor()->table()->hasFocus());
    }

    // A picture of the Run Plan tab as the user sees it.
    void shoot(ui::MainWindow& window, const QString& name)
    {
        QWidget* page = window.findChild<QTabWidget*>()->currentWidget();
        QVERIFY(test::saveShot(page, name));
        qInfo("Screenshot: %s/%s", FORGE_ARTIFACTS_DIR, qPrintable(name));
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY2(qEnvironmentVariable("FORGE_TEST_KEYRING") == u"yes"_s,
                 "run through tests/support/run-keyring-test (ctest does)");
        QVERIFY(m_root.isValid());
        test::useTestSettings(u"forge-preview-environment"_s, m_root.filePath(u"settings"_s));
        qputenv("FORGE_PREVIEW_THEME", "light");
        ui::Theme::install();
        QDir().mkpath(QStringLiteral(FORGE_ARTIFACTS_DIR));

        m_echo = m_root.filePath(u"env-echo"_s);
        test::FixtureRepository echo(m_echo);
        QVERIFY2(echo.initialize(QStringLiteral(FORGE_FIXTURES_DIR) + u"/projects/env-echo"_s),
                 qPrintable(echo.errorString()));
        m_other = m_root.filePath(u"other-site"_s);
        test::FixtureRepository other(m_other);
        QVERIFY2(other.initializeWithFiles({{u"index.html"_s, "<!doctype html><h1>Other</h1>\n"}}),
                 qPrintable(other.errorString()));
    }

    void addValidateAndRemoveWithTheKeyboard()
    {
        const QString data = m_root.filePath(u"data-edit"_s);
        test::storeProjects(data, {test::project(EchoId, m_echo)});
        AppContext context(data);
        ui::MainWindow window(context);
        showEnvironment(window);
        ui::EnvironmentEditor* editor = window.environmentEditor();
        QPushButton* save = buttonOf(editor, u"environmentSave"_s);
        QVERIFY(save && !save->isEnabled()); // nothing to save yet
        QVERIFY(!window.environmentEditor()->isModified());
        QVERIFY(!editor->table()->accessibleName().isEmpty());

        // A name that is not one: said under the table, on the cell, and Save is disabled.
        QTest::keyClick(editor->table(), Qt::Key_N, Qt::ControlModifier);
        QLineEdit* name = openEditor(editor);
        QVERIFY(name);
        QCOMPARE(name->accessibleName(), u"Variable name"_s);
        QTest::keyClicks(name, u"9LIVES"_s);
        QTest::keyClick(name, Qt::Key_Return);
        QTRY_VERIFY(!openEditor(editor));
        QVERIFY2(editor->problemText().startsWith(u"Row 1: “9LIVES” is not a variable name"_s),
                 qPrintable(editor->problemText()));
        QVERIFY(editor->problemText().contains(u"Type another name"_s));
        QVERIFY(!cell(editor, 0, EnvironmentModel::NameColumn).data(Qt::DecorationRole).isNull());
        QVERIFY(!save->isEnabled());
        QVERIFY(editor->isModified());

        // Fixed in place: F2 on the name, then Tab to its value.
        typeIntoCurrent(editor, u"GREETING"_s);
        QVERIFY(editor->problemText().isEmpty());
        QVERIFY(cell(editor, 0, EnvironmentModel::NameColumn).data(Qt::DecorationRole).isNull());
        selectRow(editor, 0, EnvironmentModel::ValueColumn);
        typeIntoCurrent(editor, u"Hello"_s);
        QCOMPARE(shown(editor, 0, EnvironmentModel::ValueColumn), u"Hello"_s);
        QVERIFY(save->isEnabled());
        // Dev/start by default; Space ticks the install step.
        QVERIFY(checked(editor, 0, EnvironmentModel::RunColumn));
        QVERIFY(!checked(editor, 0, EnvironmentModel::InstallColumn));
        selectRow(editor, 0, EnvironmentModel::InstallColumn);
        QTest::keyClick(editor->table(), Qt::Key_Space);
        QVERIFY(checked(editor, 0, EnvironmentModel::InstallColumn));
        QTest::keyClick(editor->table(), Qt::Key_Space);
        QVERIFY(!checked(editor, 0, EnvironmentModel::InstallColumn));

        // A name the sandbox sets, then a duplicate: each said, each removed with Delete.
        addWithKeyboard(editor, u"PORT"_s, u"1234"_s);
        QVERIFY2(editor->problemText().contains(u"Row 2: PORT is set by the sandbox itself"_s),
                 qPrintable(editor->problemText()));
        QVERIFY(!save->isEnabled());
        selectRow(editor, 1);
        QTest::keyClick(editor->table(), Qt::Key_Delete);
        QCOMPARE(editor->model()->rowCount(), 1);
        addWithKeyboard(editor, u"GREETING"_s, u"again"_s);
        QVERIFY2(editor->problemText().contains(u"GREETING is already on row 1"_s),
                 qPrintable(editor->problemText()));
        selectRow(editor, 1);
        QTest::keyClick(editor->table(), Qt::Key_Delete);
        QVERIFY(editor->problemText().isEmpty());

        // A name that reads like a credential starts as a secret: typed masked, shown on request.
        addWithKeyboard(editor, u"API_TOKEN"_s, u"tok_typed_1"_s);
        const int token = rowOf(editor, u"API_TOKEN"_s);
        QVERIFY(checked(editor, token, EnvironmentModel::SecretColumn));
        QCOMPARE(shown(editor, token, EnvironmentModel::ValueColumn), u"••••••••"_s);
        QCOMPARE(cell(editor, token, EnvironmentModel::ValueColumn).data(Qt::AccessibleTextRole).toString(),
                 u"hidden secret value"_s);
        selectRow(editor, token, EnvironmentModel::ValueColumn);
        QTest::keyClick(editor->table(), Qt::Key_F2);
        QCOMPARE(openEditor(editor)->echoMode(), QLineEdit::Password);
        QTest::keyClick(openEditor(editor), Qt::Key_Escape);
        QPushButton* show = buttonOf(editor, u"environmentShow"_s);
        QVERIFY(show->isEnabled());
        QTest::mouseClick(show, Qt::LeftButton);
        QCOMPARE(shown(editor, token, EnvironmentModel::ValueColumn), u"tok_typed_1"_s);
        QTest::mouseClick(show, Qt::LeftButton);
        QCOMPARE(shown(editor, token, EnvironmentModel::ValueColumn), u"••••••••"_s);
        selectRow(editor, rowOf(editor, u"GREETING"_s));
        QVERIFY(!show->isEnabled()); // a plain value has nothing to show

        // A secret without a value cannot be saved.
        selectRow(editor, token, EnvironmentModel::ValueColumn);
        typeIntoCurrent(editor, QString());
        QVERIFY2(editor->problemText().contains(u"The secret API_TOKEN has no value"_s),
                 qPrintable(editor->problemText()));
        QVERIFY(!save->isEnabled());
        selectRow(editor, token, EnvironmentModel::SecretColumn);
        QTest::keyClick(editor->table(), Qt::Key_Space); // made plain: fine without a value
        QVERIFY(editor->problemText().isEmpty());

        // Tab leaves the table and goes through the section's buttons in reading order.
        selectRow(editor, rowOf(editor, u"GREETING"_s));
        QStringList order;
        for (int step = 0; step < 5; ++step) {
            QTest::keyClick(QApplication::focusWidget(), Qt::Key_Tab);
            order << QApplication::focusWidget()->objectName();
        }
        QCOMPARE(order, (QStringList{u"environmentAdd"_s, u"environmentRemove"_s, u"environmentImport"_s,
                                     u"environmentCopyNames"_s, u"environmentSave"_s}));
        // Ctrl+S saves from anywhere in the section.
        QSignalSpy saved(editor, &ui::EnvironmentEditor::saveFinished);
        QTest::keyClick(QApplication::focusWidget(), Qt::Key_S, Qt::ControlModifier);
        // It may finish at once (nothing to write to the keychain): count, not wait.
        QTRY_COMPARE_WITH_TIMEOUT(saved.size(), 1, 20'000);
        QCOMPARE(saved.first().first().toBool(), true);
        QCOMPARE(editor->noteText(), u"Saved — the next run uses it."_s);
        QVERIFY(!editor->isModified());
        const std::optional<Project> kept = test::storedProject(data, EchoId);
        QVERIFY(kept);
        QCOMPARE(kept->environment.names(), (QStringList{u"GREETING"_s, u"API_TOKEN"_s}));
        QCOMPARE(kept->environment.find(u"GREETING"_s)->value, u"Hello"_s);
    }

    void importAndCopyNames()
    {
        const QString data = m_root.filePath(u"data-import"_s);
        ProjectEnvironment before;
        before.variables.append({u"GREETING"_s, u"Hi"_s, false, EnvironmentStep::Run});
        before.variables.append({u"DB_PASSWORD"_s, QString(), true, EnvironmentStep::Run});
        test::storeProjects(data, {test::project(EchoId, m_echo, before)});
        const QString file = m_root.filePath(u"import/.env"_s);
        QVERIFY(QDir().mkpath(QFileInfo(file).path()));
        QFile dotEnv(file);
        QVERIFY(dotEnv.open(QIODevice::WriteOnly));
        dotEnv.write(DotEnv);
        dotEnv.close();

        AppContext context(data);
        ui::MainWindow window(context);
        showEnvironment(window);
        ui::EnvironmentEditor* editor = window.environmentEditor();
        // A stored secret is never read back: the row says where it is.
        const int password = rowOf(editor, u"DB_PASSWORD"_s);
        QCOMPARE(shown(editor, password, EnvironmentModel::ValueColumn), u"kept in the keychain"_s);
        selectRow(editor, password);
        QVERIFY(!buttonOf(editor, u"environmentShow"_s)->isEnabled());

        int chooserCalls = 0;
        editor->setFileChooser([&] {
            ++chooserCalls;
            return file;
        });
        // Alt+E is Import .env…'s mnemonic.
        QTest::keyClick(&window, Qt::Key_E, Qt::AltModifier);
        QTRY_COMPARE(chooserCalls, 1); // a mnemonic animates the click first
        QVERIFY2(editor->noteText().startsWith(u"Imported 4 variables, 2 as secrets; skipped "_s),
                 qPrintable(editor->noteText() + editor->errorText()));
        QVERIFY2(editor->noteText().contains(u"line 7"_s), qPrintable(editor->noteText()));
        QVERIFY2(editor->noteText().contains(u"PORT"_s), qPrintable(editor->noteText()));
        QVERIFY(!editor->noteText().contains(u"tok_file_4242"_s));
        // In place by name, new ones at the end; CRLF, export and comments are gone.
        QCOMPARE(editor->model()->environment().names(),
                 (QStringList{u"GREETING"_s, u"DB_PASSWORD"_s, u"DATABASE_URL"_s, u"API_TOKEN"_s}));
        QCOMPARE(shown(editor, rowOf(editor, u"GREETING"_s), EnvironmentModel::ValueColumn),
                 u"Hello from the file"_s);
        QCOMPARE(shown(editor, rowOf(editor, u"DATABASE_URL"_s), EnvironmentModel::ValueColumn),
                 u"postgres://app@localhost/app"_s);
        const int token = rowOf(editor, u"API_TOKEN"_s);
        QVERIFY(checked(editor, token, EnvironmentModel::SecretColumn));
        QCOMPARE(shown(editor, token, EnvironmentModel::ValueColumn), u"••••••••"_s);
        QCOMPARE(editor->model()->secretValues(),
                 (QMap<QString, QString>{{u"API_TOKEN"_s, u"tok_file_4242"_s},
                                         {u"DB_PASSWORD"_s, u"p@ss word"_s}}));
        // The kept secret got the file's value: masked, and now it may be shown.
        QCOMPARE(shown(editor, password, EnvironmentModel::ValueColumn), u"••••••••"_s);

        // Copy Names: names only, never a value.
        QGuiApplication::clipboard()->clear();
        QPushButton* copy = buttonOf(editor, u"environmentCopyNames"_s);
        copy->setFocus();
        QTest::keyClick(copy, Qt::Key_Space);
        const QString copied = QGuiApplication::clipboard()->text();
        QCOMPARE(copied.split(u'\n', Qt::SkipEmptyParts),
                 (QStringList{u"GREETING="_s, u"DB_PASSWORD="_s, u"DATABASE_URL="_s, u"API_TOKEN="_s}));
        for (const QString& value : {u"Hello"_s, u"postgres"_s, u"tok_file"_s, u"p@ss"_s})
            QVERIFY2(!copied.contains(value), qPrintable(copied));
        QCOMPARE(editor->noteText(), u"Copied 4 names to the clipboard, without their values."_s);
        shoot(window, u"environment-editor-import.png"_s);
    }

    void switchingProjectsAsksFirst()
    {
        const QString data = m_root.filePath(u"data-switch"_s);
        test::storeProjects(data, {test::project(EchoId, m_echo), test::project(OtherId, m_other)});
        AppContext context(data);
        ui::MainWindow window(context);
        showEnvironment(window);
        QCOMPARE(window.currentProjectId(), EchoId);
        ui::EnvironmentEditor* editor = window.environmentEditor();
        auto* list = window.findChild<QListView*>(u"projectList"_s);
        addWithKeyboard(editor, u"GREETING"_s, u"unsaved"_s);
        QVERIFY(editor->isModified());

        // Cancel: the list goes back, nothing is lost.
        list->setFocus();
        QTest::keyClick(list, Qt::Key_Down);
        QTRY_VERIFY(editor->leavePrompt() && editor->leavePrompt()->isVisible());
        QMessageBox* prompt = editor->leavePrompt();
        QVERIFY2(prompt->text().contains(u"env-echo"_s), qPrintable(prompt->text()));
        QCOMPARE(prompt->defaultButton(), prompt->button(QMessageBox::Save));
        QTRY_COMPARE(list->currentIndex().row(), 0);
        QTest::keyClick(prompt, Qt::Key_Escape);
        QTRY_VERIFY(!editor->leavePrompt());
        QCOMPARE(window.currentProjectId(), EchoId);
        QCOMPARE(list->currentIndex().row(), 0);
        QVERIFY(editor->isModified());
        QCOMPARE(shown(editor, 0, EnvironmentModel::ValueColumn), u"unsaved"_s);

        // Save: kept, then the other project is shown.
        test::activate(window);
        list->setFocus();
        QTest::keyClick(list, Qt::Key_Down);
        QTRY_VERIFY(editor->leavePrompt() && editor->leavePrompt()->isVisible());
        QTest::keyClick(editor->leavePrompt(), Qt::Key_Return); // Save is the default
        QTRY_COMPARE(window.currentProjectId(), OtherId);
        QCOMPARE(list->currentIndex().row(), 1);
        QCOMPARE(editor->projectId(), OtherId);
        QCOMPARE(editor->model()->rowCount(), 0);
        QCOMPARE(window.session(EchoId)->project().environment.names(), QStringList{u"GREETING"_s});

        // Discard: the edits go, and the other project is shown.
        test::activate(window);
        selectRow(editor, editor->model()->addVariable());
        typeIntoCurrent(editor, u"DROPPED"_s);
        QVERIFY(editor->isModified());
        list->setFocus();
        QTest::keyClick(list, Qt::Key_Up);
        QTRY_VERIFY(editor->leavePrompt() && editor->leavePrompt()->isVisible());
        editor->leavePrompt()->button(QMessageBox::Discard)->click();
        QTRY_COMPARE(window.currentProjectId(), EchoId);
        QCOMPARE(editor->model()->environment().names(), QStringList{u"GREETING"_s});
        QVERIFY(window.session(OtherId)->project().environment.isEmpty());
        QVERIFY(!editor->isModified());

        // Closing the window asks too; it closes once the edits are discarded.
        test::activate(window);
        addWithKeyboard(editor, u"ON_CLOSE"_s, u"1"_s);
        QVERIFY(!window.close());
        QTRY_VERIFY(editor->leavePrompt() && editor->leavePrompt()->isVisible());
        QVERIFY(window.isVisible());
        editor->leavePrompt()->button(QMessageBox::Discard)->click();
        QTRY_VERIFY(!window.isVisible());
        QCOMPARE(window.session(EchoId)->project().environment.names(), QStringList{u"GREETING"_s});
    }

    void failedSaveKeepsTheEdits()
    {
        AppContext context(m_root.filePath(u"data-failed"_s));
        ui::EnvironmentEditor editor(*context.projects());
        test::showWindow(editor, {600, 400});
        // A project that left the list: the registry refuses, as it does for a keychain that fails.
        editor.showProject(u"no-longer-listed"_s);
        selectRow(&editor, editor.model()->addVariable());
        typeIntoCurrent(&editor, u"STRIPE_SECRET_KEY"_s);
        selectRow(&editor, 0, EnvironmentModel::ValueColumn);
        typeIntoCurrent(&editor, u"sk_test_kept_after_failure"_s);
        QSignalSpy saved(&editor, &ui::EnvironmentEditor::saveFinished);
        editor.save();
        // It may finish at once (nothing to write to the keychain): count, not wait.
        QTRY_COMPARE_WITH_TIMEOUT(saved.size(), 1, 10'000);
        QCOMPARE(saved.first().first().toBool(), false);
        QVERIFY2(editor.errorText().contains(u"no longer in the list"_s), qPrintable(editor.errorText()));
        QVERIFY(editor.isModified());
        QCOMPARE(editor.model()->secretValues().value(u"STRIPE_SECRET_KEY"_s),
                 u"sk_test_kept_after_failure"_s);
        QVERIFY(buttonOf(&editor, u"environmentSave"_s)->isEnabled());
    }

    void saveRestartsTheLivePreviewWithoutLeaking()
    {
        const QString data = m_root.filePath(u"data-live"_s);
        AppContext context(data);
        ui::MainWindow window(context);
        test::showWindow(window);
        window.openProject(test::project(EchoId, m_echo));
        ProjectSession* session = window.session(EchoId);
        QVERIFY(session);
        auto stopRun = qScopeGuard([&window] { test::shutDown(window); });
        QTRY_VERIFY2_WITH_TIMEOUT(session->status() == ProjectStatus::Live ||
                                      session->status() == ProjectStatus::Failed,
                                  qPrintable(window.buildLog(EchoId)->plainText()), RunTimeoutMs);
        QVERIFY2(session->status() == ProjectStatus::Live, qPrintable(window.buildLog(EchoId)->plainText()));
        QVERIFY(test::httpGet(session->previewUrl()).contains("<h1 id=\"greeting\">unset</h1>"));

        const QString greeting = u"Hello from the editor %1"_s.arg(QRandomGenerator::global()->generate());
        const QString secret = u"sk_test_%1%2"_s.arg(QRandomGenerator::global()->generate64(), 0, 16)
                                   .arg(QRandomGenerator::global()->generate64(), 0, 16);
        QByteArrayList forms = test::SecretLeakScanner::formsOf(secret);
        forms << secret.toUtf8().toBase64(); // the fixture prints it base64 too
        test::SecretLeakScanner scanner(forms);

        showEnvironment(window);
        ui::EnvironmentEditor* editor = window.environmentEditor();
        addWithKeyboard(editor, u"GREETING"_s, greeting);
        addWithKeyboard(editor, u"STRIPE_SECRET_KEY"_s, secret);
        QVERIFY(checked(editor, 1, EnvironmentModel::SecretColumn));
        QVERIFY(editor->problemText().isEmpty());

        QSignalSpy restored(session, &ProjectSession::restored);
        QSignalSpy saved(editor, &ui::EnvironmentEditor::saveFinished);
        scanner.startSamplingCommandLines();
        QPushButton* save = buttonOf(editor, u"environmentSave"_s);
        QVERIFY(save->isEnabled());
        QTest::mouseClick(save, Qt::LeftButton);
        // It may finish at once (nothing to write to the keychain): count, not wait.
        QTRY_COMPARE_WITH_TIMEOUT(saved.size(), 1, 20'000);
        QCOMPARE(saved.first().first().toBool(), true);
        QCOMPARE(editor->noteText(), u"Saved — the dev server restarts with the new environment."_s);
        // Saved: the secret's value is only in the keychain now, and the row says so.
        QCOMPARE(shown(editor, 1, EnvironmentModel::ValueColumn), u"kept in the keychain"_s);
        QVERIFY(editor->model()->secretValues().isEmpty());

        QVERIFY2(restored.wait(RunTimeoutMs) || !restored.isEmpty(),
                 qPrintable(window.buildLog(EchoId)->plainText()));
        const QByteArray page = test::httpGet(session->previewUrl());
        scanner.stop();
        QVERIFY2(page.contains(greeting.toUtf8()), page.constData());
        const QByteArray digest =
            QCryptographicHash::hash(secret.toUtf8(), QCryptographicHash::Sha256).toHex();
        QVERIFY2(page.contains(digest), page.constData());
        QVERIFY(!scanner.contains(page));
        // The embedded preview shows the new page too.
        QTRY_VERIFY_WITH_TIMEOUT(window.previewPane()->page() != nullptr, 20'000);
        QTRY_VERIFY_WITH_TIMEOUT(
            test::evaluate(window.previewPane()->page(), u"document.body ? document.body.innerText : ''"_s)
                .toString()
                .contains(greeting),
            30'000);

        // The secret is in the keychain, and nowhere it must not be.
        const SecretResult read =
            QCoro::waitFor(ProjectSecrets(context.secrets()).read(EchoId, u"STRIPE_SECRET_KEY"_s));
        QCOMPARE(read.secret(), secret);
        QVERIFY2(scanner.samplesTaken() > 0, "the command lines were sampled");
        QVERIFY2(scanner.commandLineLeaks().isEmpty(), qPrintable(scanner.commandLineLeaks().join(u'\n')));
        const QString log = window.buildLog(EchoId)->plainText();
        QVERIFY2(!scanner.contains(log.toUtf8()), "the build log holds the secret");
        QVERIFY2(log.contains(u"Starting with key *** (***)"_s), qPrintable(log));
        const std::optional<Project> stored = test::storedProject(data, EchoId);
        QVERIFY(stored && stored->environment.find(u"STRIPE_SECRET_KEY"_s));
        QVERIFY(stored->environment.find(u"STRIPE_SECRET_KEY"_s)->secret);
        QVERIFY(stored->environment.find(u"STRIPE_SECRET_KEY"_s)->value.isEmpty());
        shoot(window, u"environment-editor-live.png"_s);
        stopRun.dismiss();
        test::shutDown(window);
        for (const QString& folder : {data, m_root.filePath(u"settings"_s)}) {
            const QStringList leaks = scanner.filesContainingSecrets(folder);
            QVERIFY2(leaks.isEmpty(), qPrintable(leaks.join(u'\n')));
        }
    }

    // The section light and dark, with a kept secret, a new one masked, a plain value and a
    // problem to fix.
    void screenshots_data() { test::addColourSchemeRows(); }

    void screenshots()
    {
        QFETCH(QByteArray, scheme);
        const auto lightAgain = test::useColourScheme(scheme);
        const QString data = m_root.filePath(u"data-shot-"_s + QString::fromLatin1(scheme));
        ProjectEnvironment environment;
        environment.variables.append({u"GREETING"_s, u"Hello from Forge"_s, false, EnvironmentStep::Run});
        environment.variables.append({u"DATABASE_URL"_s, u"postgres://app@localhost:5432/app"_s, false,
                                      EnvironmentStep::Build | EnvironmentStep::Run});
        environment.variables.append({u"STRIPE_SECRET_KEY"_s, QString(), true, EnvironmentStep::Run});
        test::storeProjects(data, {test::project(EchoId, m_echo, environment)});
        AppContext context(data);
        ui::MainWindow window(context);
        showEnvironment(window);
        ui::EnvironmentEditor* editor = window.environmentEditor();
        addWithKeyboard(editor, u"API_TOKEN"_s, u"tok_shot"_s);
        addWithKeyboard(editor, u"PATH"_s, u"/usr/bin"_s);
        selectRow(editor, rowOf(editor, u"API_TOKEN"_s));
        const QString suffix = scheme == "dark" ? u"-dark"_s : QString();
        shoot(window, u"environment-editor"_s + suffix + u".png"_s);
    }
};

QTEST_MAIN(TestEnvironmentEditor)
#include "tst_environmenteditor.moc"
