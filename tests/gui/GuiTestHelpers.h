#pragma once

// Small helpers the window-level GUI tests share. Header-only: each test is its own program.

#include "app/ProjectListModel.h"
#include "store/ProjectStore.h"
#include "ui/window/MainWindow.h"
#include "workflow/ProjectSession.h"

#include <QAbstractButton>
#include <QAction>
#include <QCoreApplication>
#include <QDialog>
#include <QDialogButtonBox>
#include <QDir>
#include <QEventLoop>
#include <QListView>
#include <QMenu>
#include <QMenuBar>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QScopeGuard>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTest>
#include <QTimer>
#include <QVariant>
#include <QWebEnginePage>
#include <optional>

namespace forge::test {

// QStandardPaths' test folders, the app's names, and its settings in `settingsFolder`, emptied: a
// test reads and writes none of the user's own (first thing in initTestCase, before any setting
// is read).
inline void useTestSettings(const QString& applicationName, const QString& settingsFolder)
{
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(QStringLiteral("forge-preview-test"));
    QCoreApplication::setApplicationName(applicationName);
    QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, settingsFolder);
    QSettings().clear();
}

// A project with just its id, repository (a local folder) and environment set, the rest as default.
inline Project project(const QString& id, const QString& repository,
                       const ProjectEnvironment& environment = {})
{
    Project project;
    project.id = id;
    project.repository = repository;
    project.environment = environment;
    return project;
}

// Puts `projects` into the database of the data folder `data` before a window starts over it, the
// way an earlier run of the app would have left them.
inline void storeProjects(const QString& data, const QList<Project>& projects)
{
    ProjectStore store(QDir(data).filePath(QStringLiteral("forge-preview.db")));
    QVERIFY(store.load().ok());
    for (const Project& each : projects)
        store.put(each);
    const StoreResult<> saved = store.save();
    QVERIFY2(saved.ok(), qPrintable(saved.message()));
}

// The project `id` as the database of the data folder `dataDirectory` holds it (what the next
// start of the app reads), or nothing.
inline std::optional<Project> storedProject(const QString& dataDirectory, const QString& id)
{
    ProjectStore store(QDir(dataDirectory).filePath(QStringLiteral("forge-preview.db")));
    if (!store.load().ok() || !store.find(id))
        return std::nullopt;
    return *store.find(id);
}

// The project list's row of `projectId` in `window`; invalid when it has none.
inline QModelIndex projectListItem(ui::MainWindow& window, const QString& projectId)
{
    auto* list = window.findChild<QListView*>(QStringLiteral("projectList"));
    for (int row = 0; list && row < list->model()->rowCount(); ++row) {
        if (list->model()->index(row, 0).data(ProjectIdRole).toString() == projectId)
            return list->model()->index(row, 0);
    }
    return {};
}

// The actions of the window's Project menu.
inline QList<QAction*> projectMenuActions(ui::MainWindow& window)
{
    for (QAction* entry : window.menuBar()->actions()) {
        if (entry->menu() && entry->text() == QStringLiteral("&Project"))
            return entry->menu()->actions();
    }
    return {};
}

// A screenshot test's rows: the QByteArray column "scheme", "light" and "dark" (useColourScheme).
inline void addColourSchemeRows()
{
    QTest::addColumn<QByteArray>("scheme");
    QTest::newRow("light") << QByteArray("light");
    QTest::newRow("dark") << QByteArray("dark");
}

// The body of a GET of `url` (a live preview's page); empty when it has not finished in 15 s.
inline QByteArray httpGet(const QUrl& url)
{
    QNetworkAccessManager manager;
    QNetworkReply* reply = manager.get(QNetworkRequest(url));
    QSignalSpy finished(reply, &QNetworkReply::finished);
    if (!finished.wait(15'000))
        return {};
    const QByteArray body = reply->readAll();
    reply->deleteLater();
    return body;
}

// Xvfb has no window manager to hand activation back after a dialog.
inline void activate(QWidget& window)
{
    window.activateWindow();
    QVERIFY(QTest::qWaitForWindowActive(&window));
}

// The window at `size`, shown, once the X server has exposed it.
inline void showWindow(QWidget& window, QSize size = {1440, 900})
{
    window.resize(size);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
}

// The same, and active (keys typed reach it). Not showWindow() then activate(): QVERIFY returns
// from the helper only, and a window never exposed is not to be waited on a second time.
inline void showActiveWindow(QWidget& window, QSize size = {1440, 900})
{
    window.resize(size);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    activate(window);
}

// The dialog's accepting button (Open and Run, OK), to click like a user would.
inline QAbstractButton* acceptButton(QDialog* dialog)
{
    auto* box = dialog->findChild<QDialogButtonBox*>();
    for (QAbstractButton* button : box->buttons()) {
        if (box->buttonRole(button) == QDialogButtonBox::AcceptRole)
            return button;
    }
    return nullptr;
}

// Runs `script` in the page and returns its value (waiting on the callback, not on a clock).
inline QVariant evaluate(QWebEnginePage* page, const QString& script)
{
    QVariant result;
    bool done = false;
    page->runJavaScript(script, [&](const QVariant& value) {
        result = value;
        done = true;
    });
    if (!QTest::qWaitFor([&] { return done; }, 10'000))
        return {};
    return result;
}

// Stops every run of the window and waits until it has (a plain event loop: QTest's waits return
// at once after a failed check, and the window must still stop its sandboxes then).
// Waits until `session`'s run is live or has failed: empty when live, else why not.
inline QString waitUntilLive(const ProjectSession& session, int timeoutMs)
{
    const bool settled = QTest::qWaitFor(
        [&session] {
            return session.status() == ProjectStatus::Live || session.status() == ProjectStatus::Failed;
        },
        timeoutMs);
    if (session.status() == ProjectStatus::Live)
        return {};
    if (session.failure())
        return session.failure()->message();
    return settled ? QStringLiteral("not live") : QStringLiteral("neither live nor failed in time");
}

inline void shutDown(ui::MainWindow& window)
{
    QEventLoop loop;
    QObject::connect(&window, &ui::MainWindow::shutdownFinished, &loop, &QEventLoop::quit,
                     Qt::QueuedConnection);
    QTimer::singleShot(60'000, &loop, &QEventLoop::quit);
    window.shutdown();
    loop.exec();
}

// Switches the app to the colour scheme `scheme` ("light" or "dark") the way a desktop theme change
// does; the returned guard switches back to light when it goes out of scope.
[[nodiscard]] inline auto useColourScheme(const QByteArray& scheme)
{
    const auto apply = [](const QByteArray& name) {
        qputenv("FORGE_PREVIEW_THEME", name);
        QEvent change(QEvent::ThemeChange);
        QCoreApplication::sendEvent(qApp, &change);
    };
    apply(scheme);
    return qScopeGuard([apply] { apply("light"); });
}

#ifdef FORGE_ARTIFACTS_DIR
// Lays out what changed since the last event loop pass (a label that grew a line), then saves a
// picture of `widget` as `name` in the artifacts folder.
inline bool saveShot(QWidget* widget, const QString& name)
{
    for (int pass = 0; pass < 3; ++pass)
        QCoreApplication::sendPostedEvents(nullptr, QEvent::LayoutRequest);
    return widget->grab().save(QStringLiteral(FORGE_ARTIFACTS_DIR) + u'/' + name);
}
#endif

} // namespace forge::test
