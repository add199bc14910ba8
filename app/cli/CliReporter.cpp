#include "CliReporter.h"

#include "store/Project.h"

#include <QDateTime>
#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <unistd.h>

using namespace Qt::StringLiterals;

namespace forge::cli {

namespace {

QString channelName(OutputChannel channel)
{
    return channel == OutputChannel::Stdout ? u"stdout"_s : u"stderr"_s;
}

} // namespace

CliReporter::CliReporter(bool json, FILE* out, FILE* err)
    : m_json(json)
    , m_colour(!json && isatty(fileno(out)) && qEnvironmentVariableIsEmpty("NO_COLOR"))
    , m_out(out)
    , m_err(err)
{
    m_clock.start();
}

QString CliReporter::paint(const QString& text, const char* ansi) const
{
    if (!m_colour)
        return text;
    return u"\x1b["_s + QLatin1StringView(ansi) + u'm' + text + u"\x1b[0m"_s;
}

QString CliReporter::seconds(qint64 ms)
{
    return u"%1 s"_s.arg(static_cast<double>(ms) / 1000.0, 0, 'f', 1);
}

void CliReporter::emitJson(QJsonObject object)
{
    object.insert(u"time"_s, QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs));
    m_out << QString::fromUtf8(QJsonDocument(object).toJson(QJsonDocument::Compact)) << '\n';
    m_out.flush();
}

void CliReporter::started(const RepoRef& repository, const QString& branch, bool workingCopy, RunMode mode,
                          const QString& provider)
{
    if (m_json) {
        QJsonObject start{
            {u"event"_s, u"start"_s},
            {u"repository"_s, repository.canonical()},
            {u"branch"_s, branch},
            {u"source"_s, toString(workingCopy ? ProjectSource::WorkingCopy : ProjectSource::Branch)},
            {u"mode"_s, toString(mode)},
            {u"provider"_s, provider}};
        if (repository.pullRequest() > 0)
            start.insert(u"pullRequest"_s, repository.pullRequest());
        emitJson(start);
        return;
    }
    m_out << paint(u"Forge Preview"_s, "1") << " · ";
    if (workingCopy)
        m_out << "working copy of " << QDir::toNativeSeparators(repository.localPath());
    else
        m_out << repository.displayName();
    if (repository.pullRequest() > 0)
        m_out << " · pull request #" << repository.pullRequest();
    else if (!branch.isEmpty())
        m_out << " (" << branch << ")";
    m_out << " · " << toString(mode) << " mode · " << provider << " sandbox\n";
    m_out.flush();
}

void CliReporter::stepStarted(StepId step, int attempt)
{
    if (m_json) {
        emitJson({{u"event"_s, u"step"_s},
                  {u"step"_s, stepName(step)},
                  {u"status"_s, toString(StepStatus::Running)},
                  {u"attempt"_s, attempt}});
        return;
    }
    m_out << paint(u"▸ "_s, "36") << stepTitle(step);
    if (attempt > 1)
        m_out << " (attempt " << attempt << ")";
    m_out << '\n';
    m_out.flush();
}

void CliReporter::stepOutput(StepId step, OutputChannel channel, const QString& line)
{
    if (m_json) {
        emitJson({{u"event"_s, u"output"_s},
                  {u"step"_s, stepName(step)},
                  {u"stream"_s, channelName(channel)},
                  {u"line"_s, line}});
        return;
    }
    m_out << "    " << paint(line, channel == OutputChannel::Stderr ? "2" : "0") << '\n';
    m_out.flush();
}

void CliReporter::stepRetrying(StepId step, int nextAttempt, qint64 delayMs, const QString& reason)
{
    if (m_json) {
        emitJson({{u"event"_s, u"retry"_s},
                  {u"step"_s, stepName(step)},
                  {u"attempt"_s, nextAttempt},
                  {u"delayMs"_s, delayMs},
                  {u"reason"_s, reason}});
        return;
    }
    m_out << paint(u"↻ "_s, "33") << stepTitle(step) << ": " << reason << " Retrying in " << seconds(delayMs)
          << ".\n";
    m_out.flush();
}

void CliReporter::stepRestored(StepId step, StepStatus status, const QString& summary)
{
    if (m_json) {
        emitJson({{u"event"_s, u"step"_s},
                  {u"step"_s, stepName(step)},
                  {u"status"_s, toString(status)},
                  {u"restored"_s, true},
                  {u"summary"_s, summary}});
        return;
    }
    m_out << paint(u"✓ "_s, "32") << stepTitle(step) << "  " << paint(u"done earlier"_s, "2");
    if (!summary.isEmpty())
        m_out << "  " << summary;
    m_out << '\n';
    m_out.flush();
}

void CliReporter::stepFinished(StepId step, StepStatus status, qint64 durationMs, const QString& summary)
{
    if (m_json) {
        emitJson({{u"event"_s, u"step"_s},
                  {u"step"_s, stepName(step)},
                  {u"status"_s, toString(status)},
                  {u"durationMs"_s, durationMs},
                  {u"summary"_s, summary}});
        return;
    }
    QString mark;
    switch (status) {
    case StepStatus::Succeeded:
        mark = paint(u"✓ "_s, "32");
        break;
    case StepStatus::Skipped:
        mark = paint(u"– "_s, "2");
        break;
    default:
        mark = paint(u"✗ "_s, "31");
        break;
    }
    m_out << mark << stepTitle(step) << "  " << paint(seconds(durationMs), "2");
    if (!summary.isEmpty() && status != StepStatus::Failed)
        m_out << "  " << summary;
    m_out << '\n';
    m_out.flush();
}

void CliReporter::plan(const RunPlan& plan)
{
    if (m_json) {
        emitJson({{u"event"_s, u"plan"_s}, {u"plan"_s, plan.toJson()}});
        return;
    }
    m_out << "    Run plan: " << plan.summary() << '\n';
    const auto show = [this](const char* label, const QStringList& command) {
        if (!command.isEmpty())
            m_out << "      " << label << command.join(u' ') << '\n';
    };
    show("install: ", plan.installCommand);
    show("dev:     ", plan.devCommand);
    show("build:   ", plan.buildCommand);
    show("start:   ", plan.startCommand);
    m_out.flush();
}

void CliReporter::toolchain(const ToolchainChoice& toolchain)
{
    if (m_json)
        emitJson({{u"event"_s, u"toolchain"_s},
                  {u"summary"_s, toolchain.summary()},
                  {u"toolchain"_s, toolchain.toJson()}});
}

void CliReporter::notice(const QString& message)
{
    if (m_json) {
        emitJson({{u"event"_s, u"notice"_s}, {u"message"_s, message}});
        return;
    }
    m_err << paint(u"! "_s, "33") << message << '\n';
    m_err.flush();
}

void CliReporter::ready(const QUrl& url, bool exitWhenReady)
{
    if (m_json) {
        emitJson(
            {{u"event"_s, u"ready"_s}, {u"url"_s, url.toString()}, {u"durationMs"_s, m_clock.elapsed()}});
        return;
    }
    m_out << '\n'
          << paint(u"Preview ready: "_s, "1;32") << paint(url.toString(), "1") << "  ("
          << seconds(m_clock.elapsed()) << ")\n";
    if (!exitWhenReady)
        m_out << "Press Ctrl+C to stop.\n";
    m_out.flush();
}

void CliReporter::signedUrl(const QUrl& url, const QDateTime& expires)
{
    if (m_json) {
        emitJson({{u"event"_s, u"signed-url"_s},
                  {u"url"_s, url.toString()},
                  {u"expiresAt"_s, expires.toUTC().toString(Qt::ISODate)}});
        return;
    }
    m_out << "Link that anyone can open until " << expires.toString(u"yyyy-MM-dd HH:mm"_s) << ": "
          << paint(url.toString(), "1") << '\n';
    m_out.flush();
}

void CliReporter::failed(const StepFailure& failure)
{
    if (m_json) {
        emitJson({{u"event"_s, u"failed"_s},
                  {u"step"_s, stepName(failure.step())},
                  {u"message"_s, failure.message()},
                  {u"advice"_s, failure.advice()},
                  {u"lastLines"_s, QJsonArray::fromStringList(failure.lastLines())}});
        return;
    }
    m_err << '\n' << paint(u"Failed: "_s, "1;31") << failure.message() << '\n';
    if (!failure.lastLines().isEmpty()) {
        m_err << "  Last lines of output:\n";
        for (const QString& line : failure.lastLines())
            m_err << "    " << line << '\n';
    }
    if (!failure.advice().isEmpty())
        m_err << paint(u"What to do: "_s, "1") << failure.advice() << '\n';
    m_err.flush();
}

void CliReporter::serverExited(int exitCode)
{
    if (m_json) {
        emitJson({{u"event"_s, u"server-exited"_s}, {u"exitCode"_s, exitCode}});
        return;
    }
    m_err << paint(u"The dev server stopped (exit code %1); the preview is no longer served."_s.arg(exitCode),
                   "31")
          << '\n';
    m_err.flush();
}

void CliReporter::stopping()
{
    if (m_json) {
        emitJson({{u"event"_s, u"stopping"_s}});
        return;
    }
    m_out << "\nStopping the sandbox…\n";
    m_out.flush();
}

void CliReporter::stopped(int exitCode)
{
    if (m_json) {
        emitJson({{u"event"_s, u"stopped"_s}, {u"exitCode"_s, exitCode}});
        return;
    }
    m_out << "Stopped.\n";
    m_out.flush();
}

} // namespace forge::cli
