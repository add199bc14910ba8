#pragma once

// Small helpers the window-level GUI tests share. Header-only: each test is its own program.

#include "ui/window/MainWindow.h"

#include <QAbstractButton>
#include <QCoreApplication>
#include <QDialog>
#include <QDialogButtonBox>
#include <QEventLoop>
#include <QScopeGuard>
#include <QTest>
#include <QTimer>
#include <QVariant>
#include <QWebEnginePage>

namespace forge::test {

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
