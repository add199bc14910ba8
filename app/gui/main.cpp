// forge-preview: the desktop application.

#include "GuiOptions.h"
#include "core/RepoRef.h"
#include "core/SignalWatcher.h"
#include "sandbox/LocalProvider.h"
#include "ui/common/Icons.h"
#include "ui/common/Theme.h"
#include "ui/window/MainWindow.h"
#include "workflow/ProjectSession.h"
#include "workflow/WorkflowTypes.h"

#include <QApplication>
#include <QDir>
#include <QTextStream>
#include <cstdio>
#include <cstdlib>

using namespace Qt::StringLiterals;

namespace {

void printError(const QString& text)
{
    QTextStream(stderr) << text << (text.endsWith(u'\n') ? "" : "\n");
}

// --open: the project to run at launch, or an error message.
std::variant<forge::Project, QString> projectFromOptions(const forge::gui::GuiOptions& options)
{
    const auto parsed = forge::RepoRef::parse(options.open, QDir::currentPath());
    if (const auto* error = std::get_if<forge::RepoRefError>(&parsed))
        return error->explanation(u"\n"_s);
    return forge::newProject(std::get<forge::RepoRef>(parsed), options.branch, options.mode);
}

} // namespace

int main(int argc, char* argv[])
{
    if (qEnvironmentVariableIsSet("QTWEBENGINE_DISABLE_SANDBOX")) {
        // The test launcher sets it when running as root; the app never does, and says so when it
        // finds it set, because it weakens every preview.
        std::fputs("warning: QTWEBENGINE_DISABLE_SANDBOX is set: previews run without Chromium's sandbox.\n",
                   stderr);
    }
    QApplication app(argc, argv);
    QApplication::setApplicationName(u"forge-preview"_s);
    QApplication::setOrganizationName(u"forge-preview"_s);
    QApplication::setApplicationDisplayName(u"Forge Preview"_s);
    QApplication::setApplicationVersion(QStringLiteral(FORGE_VERSION));
    QApplication::setDesktopFileName(u"forge-preview"_s);

    const auto parsed = forge::gui::parseGuiArguments(QApplication::arguments());
    if (!parsed.options) {
        QTextStream(parsed.exitCode == 0 ? stdout : stderr)
            << parsed.output << (parsed.output.endsWith(u'\n') ? "" : "\n");
        return parsed.exitCode;
    }
    const forge::gui::GuiOptions options = *parsed.options;
    std::optional<forge::Project> toOpen;
    if (!options.open.isEmpty()) {
        auto project = projectFromOptions(options);
        if (const auto* error = std::get_if<QString>(&project)) {
            printError(u"forge-preview: cannot open %1: %2"_s.arg(options.open, *error));
            return 2;
        }
        toOpen = std::get<forge::Project>(project);
    }

    forge::ui::Theme::install();
    QApplication::setWindowIcon(forge::ui::applicationIcon());

    forge::ui::MainWindow window({forge::LocalProvider::defaultDataDirectory()});
    window.show();

    // SIGTERM (log out, `kill`), SIGINT and SIGHUP close the window like the user would: every
    // preview is stopped first. A third signal leaves at once.
    forge::SignalWatcher signalWatcher;
    QObject::connect(&signalWatcher, &forge::SignalWatcher::interrupted, &window, [&window](int count) {
        if (count >= 3)
            std::_Exit(130);
        if (count > 1)
            return; // the first signal's shutdown is under way
        QObject::connect(&window, &forge::ui::MainWindow::shutdownFinished, qApp, &QApplication::quit,
                         Qt::QueuedConnection);
        window.shutdown();
    });

    int exitCode = 0;
    auto finish = [&window, &exitCode](int code) {
        exitCode = code;
        QObject::connect(
            &window, &forge::ui::MainWindow::shutdownFinished, qApp,
            [&exitCode] { QApplication::exit(exitCode); }, Qt::QueuedConnection);
        window.shutdown();
    };

    if (toOpen) {
        const QString id = toOpen->id;
        if (!options.screenshot.isEmpty() || options.quitWhenReady) {
            QObject::connect(
                &window, &forge::ui::MainWindow::previewPainted, &window,
                [&window, &options, &finish, id](const QString& paintedId) {
                    if (paintedId != id)
                        return;
                    int code = 0;
                    if (!options.screenshot.isEmpty() && !window.grab().save(options.screenshot)) {
                        printError(
                            u"forge-preview: could not save the screenshot to %1."_s.arg(options.screenshot));
                        code = 1;
                    }
                    if (options.quitWhenReady)
                        finish(code);
                });
        }
        window.openProject(*toOpen);
        if (options.quitWhenReady) {
            forge::ProjectSession* session = window.session(id);
            QObject::connect(session, &forge::ProjectSession::failed, &window,
                             [&window, &options, &finish](const forge::StepFailure& failure) {
                                 printError(u"forge-preview: %1 failed: %2\n%3"_s.arg(
                                     forge::stepTitle(failure.step()), failure.message(), failure.advice()));
                                 if (!options.screenshot.isEmpty())
                                     window.grab().save(options.screenshot);
                                 finish(1);
                             });
        }
    }
    const int code = app.exec();
    return exitCode != 0 ? exitCode : code;
}
