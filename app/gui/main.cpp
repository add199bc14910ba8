// forge-preview: the desktop application.

#include "GuiOptions.h"
#include "app/AppContext.h"
#include "core/DeepLink.h"
#include "core/RepoRef.h"
#include "core/SignalWatcher.h"
#include "sandbox/LocalProvider.h"
#include "ui/common/Icons.h"
#include "ui/common/InstanceChannel.h"
#include "ui/common/Theme.h"
#include "ui/window/MainWindow.h"
#include "workflow/ProjectSession.h"
#include "workflow/WorkflowTypes.h"

#include <QApplication>
#include <QDir>
#include <QFileOpenEvent>
#include <QTextStream>
#include <QTimer>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <optional>

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

// macOS hands a clicked forge-preview:// link to the running app as a QFileOpenEvent, not as an
// argument (Info.plist registers the scheme).
class LinkOpenEventFilter : public QObject
{
public:
    explicit LinkOpenEventFilter(forge::ui::MainWindow& window)
        : QObject(&window)
        , m_window(window)
    {}

protected:
    bool eventFilter(QObject* watched, QEvent* event) override
    {
        if (event->type() == QEvent::FileOpen) {
            const QUrl url = static_cast<QFileOpenEvent*>(event)->url();
            if (forge::DeepLink::looksLikeLink(url.toString())) {
                m_window.openLink(url.toString());
                return true;
            }
        }
        return QObject::eventFilter(watched, event);
    }

private:
    forge::ui::MainWindow& m_window;
};

QStringList argumentsOf(int argc, char* argv[])
{
    QStringList arguments;
    for (int i = 0; i < argc; ++i)
        arguments.append(QString::fromLocal8Bit(argv[i]));
    return arguments;
}

// When another instance runs: hands it the link (or "come to the front") and returns the exit code
// this start leaves with. Otherwise listens for later starts and returns nothing.
std::optional<int> handOverToRunningInstance(forge::ui::InstanceChannel& instance,
                                             const forge::gui::GuiOptions& options)
{
    if (!options.open.isEmpty()) {
        if (instance.sendToRunningInstance(QString::fromLatin1(forge::ui::InstanceChannel::Activate))) {
            printError(
                u"forge-preview: Forge Preview is already running. Open the repository from its window "
                u"(Ctrl+O), or quit it and run this command again."_s);
            return 1;
        }
    } else {
        const QString request =
            options.link.isEmpty()
                ? QString::fromLatin1(forge::ui::InstanceChannel::Activate)
                : QLatin1StringView(forge::ui::InstanceChannel::OpenLinkPrefix) + options.link;
        QString problem;
        if (instance.sendToRunningInstance(request, 3000, &problem)) {
            QTextStream(stdout)
                << (options.link.isEmpty()
                        ? "Forge Preview is already running: its window was brought to the front.\n"
                        : "Forge Preview is already running: the link was handed to its window.\n");
            return 0;
        }
        if (!problem.isEmpty())
            printError(u"forge-preview: warning: %1"_s.arg(problem));
    }
    if (!instance.listen()) {
        printError(u"forge-preview: warning: cannot take requests from a second start (%1); links will open "
                   u"a second window."_s.arg(instance.errorString()));
    }
    return std::nullopt;
}

// Links reach the window from macOS's open events, from later starts (which may also just ask for
// the window) and, once, from this start's own argument (`link`, empty for none).
void openLinksIn(forge::ui::MainWindow& window, QApplication& app, forge::ui::InstanceChannel& instance,
                 const QString& link)
{
    app.installEventFilter(new LinkOpenEventFilter(window));
    QObject::connect(&instance, &forge::ui::InstanceChannel::requestReceived, &window,
                     [&window](const QString& request) {
                         const QLatin1StringView linkPrefix(forge::ui::InstanceChannel::OpenLinkPrefix);
                         if (request.startsWith(linkPrefix)) {
                             window.openLink(request.mid(linkPrefix.size()));
                         } else {
                             window.bringToFront();
                         }
                     });
    if (!link.isEmpty()) {
        // Once the window is up, so the confirmation has a parent to sit on.
        QTimer::singleShot(0, &window, [&window, link] { window.openLink(link); });
    }
}

// SIGTERM (log out, `kill`), SIGINT and SIGHUP close the window like the user would: every
// preview is stopped first. A third signal leaves at once.
void closeOnSignals(forge::ui::MainWindow& window, forge::SignalWatcher& signalWatcher)
{
    QObject::connect(&signalWatcher, &forge::SignalWatcher::interrupted, &window, [&window](int count) {
        if (count >= 3)
            std::_Exit(130);
        if (count > 1)
            return; // the first signal's shutdown is under way
        QObject::connect(&window, &forge::ui::MainWindow::shutdownFinished, qApp, &QApplication::quit,
                         Qt::QueuedConnection);
        window.shutdown();
    });
}

// --open: runs `project`; with --screenshot and --quit-when-ready, saves the painted preview and
// ends through `finish` (1 when the run fails).
void openAtLaunch(forge::ui::MainWindow& window, const forge::Project& project,
                  const forge::gui::GuiOptions& options, const std::function<void(int)>& finish)
{
    const QString id = project.id;
    const QString screenshot = options.screenshot;
    const bool quitWhenReady = options.quitWhenReady;
    if (!screenshot.isEmpty() || quitWhenReady) {
        QObject::connect(
            &window, &forge::ui::MainWindow::previewPainted, &window,
            [&window, screenshot, quitWhenReady, finish, id](const QString& paintedId) {
                if (paintedId != id)
                    return;
                int code = 0;
                if (!screenshot.isEmpty() && !window.grab().save(screenshot)) {
                    printError(u"forge-preview: could not save the screenshot to %1."_s.arg(screenshot));
                    code = 1;
                }
                if (quitWhenReady)
                    finish(code);
            });
    }
    window.openProject(project);
    if (quitWhenReady) {
        forge::ProjectSession* session = window.session(id);
        QObject::connect(session, &forge::ProjectSession::failed, &window,
                         [&window, screenshot, finish](const forge::StepFailure& failure) {
                             printError(u"forge-preview: %1 failed: %2\n%3"_s.arg(
                                 forge::stepTitle(failure.step()), failure.message(), failure.advice()));
                             if (!screenshot.isEmpty())
                                 window.grab().save(screenshot);
                             finish(1);
                         });
    }
}

} // namespace

int main(int argc, char* argv[])
{
    QCoreApplication::setApplicationName(u"forge-preview"_s);
    QCoreApplication::setOrganizationName(u"forge-preview"_s);
    QCoreApplication::setApplicationVersion(QStringLiteral(FORGE_VERSION));

    // --version and --help answer before QApplication is made: they must work on a machine without
    // a display (a package check, a terminal over ssh).
    if (const auto early = forge::gui::parseGuiArguments(argumentsOf(argc, argv));
        !early.options && early.exitCode == 0) {
        QTextStream(stdout) << early.output << (early.output.endsWith(u'\n') ? "" : "\n");
        return 0;
    }

    if (qEnvironmentVariableIsSet("QTWEBENGINE_DISABLE_SANDBOX")) {
        // The test launcher sets it when running as root; the app never does, and says so when it
        // finds it set, because it weakens every preview.
        std::fputs("warning: QTWEBENGINE_DISABLE_SANDBOX is set: previews run without Chromium's sandbox.\n",
                   stderr);
    }
    QApplication app(argc, argv);
    QApplication::setApplicationDisplayName(u"Forge Preview"_s);
    // The reverse-DNS application id: the .desktop file's name, the Wayland app id.
    QApplication::setDesktopFileName(QStringLiteral(FORGE_APP_ID));

    // Again, now without the options QApplication took for itself (-platform, -style…).
    const auto parsed = forge::gui::parseGuiArguments(QApplication::arguments());
    if (!parsed.options) {
        QTextStream(stderr) << parsed.output << (parsed.output.endsWith(u'\n') ? "" : "\n");
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

    // One instance per user and data folder: a second start hands its link (or just "come to the
    // front") to the first and leaves.
    forge::ui::InstanceChannel instance(forge::LocalProvider::defaultDataDirectory());
    if (const auto handedOver = handOverToRunningInstance(instance, options))
        return *handedOver;

    forge::ui::Theme::install();
    QApplication::setWindowIcon(forge::ui::applicationIcon());

    // The application core first (storage, keychain, back ends, projects), then the window on it;
    // the window goes first at the end.
    forge::AppContext context(forge::LocalProvider::defaultDataDirectory());
    forge::ui::MainWindow window(context);
    window.show();
    openLinksIn(window, app, instance, options.link);
    forge::SignalWatcher signalWatcher;
    closeOnSignals(window, signalWatcher);

    int exitCode = 0;
    auto finish = [&window, &exitCode](int code) {
        exitCode = code;
        QObject::connect(
            &window, &forge::ui::MainWindow::shutdownFinished, qApp,
            [&exitCode] { QApplication::exit(exitCode); }, Qt::QueuedConnection);
        window.shutdown();
    };

    if (toOpen)
        openAtLaunch(window, *toOpen, options, finish);
    const int code = app.exec();
    return exitCode != 0 ? exitCode : code;
}
