#pragma once

// Small helpers the window-level GUI tests share. Header-only: each test is its own program.

#include <QAbstractButton>
#include <QDialog>
#include <QDialogButtonBox>
#include <QTest>
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

} // namespace forge::test
