#include "GuiOptions.h"

#include "core/DeepLink.h"

#include <QCommandLineParser>
#include <QCoreApplication>

using namespace Qt::StringLiterals;

namespace forge::gui {

GuiParseResult parseGuiArguments(const QStringList& arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(u"Forge Preview: turn a Git repository into a live preview."_s);
    const QCommandLineOption help(QStringList{u"h"_s, u"help"_s}, u"Show this help and exit."_s);
    const QCommandLineOption version(QStringList{u"v"_s, u"version"_s}, u"Show the version and exit."_s);
    const QCommandLineOption open(u"open"_s,
                                  u"Open and run a repository at launch: an https git URL, "
                                  u"owner/repo on GitHub, or a folder with a git repository."_s,
                                  u"repository"_s);
    const QCommandLineOption branch(u"branch"_s, u"The branch to preview (with --open)."_s, u"branch"_s);
    const QCommandLineOption mode(u"mode"_s, u"dev (the default) or production (with --open)."_s, u"mode"_s);
    const QCommandLineOption screenshot(
        u"screenshot"_s, u"Save a PNG of the window once the preview has painted."_s, u"file"_s);
    const QCommandLineOption quitWhenReady(
        u"quit-when-ready"_s,
        u"Quit once the preview has painted (after --screenshot); exit code 1 if the run fails."_s);
    parser.addOptions({help, version, open, branch, mode, screenshot, quitWhenReady});
    parser.addPositionalArgument(u"link"_s,
                                 u"A forge-preview://open?repo=…&branch=… link: shows what it would clone "
                                 u"and runs it once you confirm."_s,
                                 u"[link]"_s);

    GuiParseResult result;
    if (!parser.parse(arguments)) {
        result.output = parser.errorText() + u"\nRun forge-preview --help for the options."_s;
        result.exitCode = 2;
        return result;
    }
    if (parser.isSet(help)) {
        // Parsed before any QApplication exists (--help must work without a display), when Qt
        // cannot know the program's name for the usage line.
        result.output = parser.helpText().replace(u"<executable_name>"_s, u"forge-preview"_s);
        return result;
    }
    if (parser.isSet(version)) {
        result.output = u"forge-preview %1"_s.arg(QCoreApplication::applicationVersion());
        return result;
    }
    GuiOptions options;
    const QStringList positional = parser.positionalArguments();
    if (positional.size() == 1 && DeepLink::looksLikeLink(positional.first())) {
        // Checked (and refused if need be) by the window, which says why; here it is only taken.
        options.link = positional.first();
    } else if (!positional.isEmpty()) {
        result.output =
            u"Unexpected argument: %1. To open a repository use --open %1."_s.arg(positional.first());
        result.exitCode = 2;
        return result;
    }
    options.open = parser.value(open);
    options.branch = parser.value(branch);
    options.screenshot = parser.value(screenshot);
    options.quitWhenReady = parser.isSet(quitWhenReady);
    if (parser.isSet(mode)) {
        const auto parsedMode = runModeFromString(parser.value(mode));
        if (!parsedMode) {
            result.output = u"Unknown mode \"%1\": use dev or production."_s.arg(parser.value(mode));
            result.exitCode = 2;
            return result;
        }
        options.mode = *parsedMode;
    }
    if (!options.link.isEmpty() && !options.open.isEmpty()) {
        result.output = u"Give either --open or a forge-preview:// link, not both."_s;
        result.exitCode = 2;
        return result;
    }
    if ((options.quitWhenReady || !options.screenshot.isEmpty() || parser.isSet(branch) ||
         parser.isSet(mode)) &&
        options.open.isEmpty()) {
        result.output = u"--branch, --mode, --screenshot and --quit-when-ready need --open <repository>."_s;
        result.exitCode = 2;
        return result;
    }
    result.options = options;
    return result;
}

} // namespace forge::gui
