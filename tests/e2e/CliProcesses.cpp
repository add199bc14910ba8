#include "CliProcesses.h"

#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcessEnvironment>
#include <QSignalSpy>
#include <memory>

using namespace Qt::StringLiterals;

namespace forge::test {

QByteArray fetchBody(QNetworkAccessManager& network, const QUrl& url, int* status,
                     const QMap<QByteArray, QByteArray>& headers, Redirects redirects)
{
    QNetworkRequest request(url);
    request.setTransferTimeout(10000);
    if (redirects == Redirects::Return)
        request.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::ManualRedirectPolicy);
    for (auto it = headers.cbegin(); it != headers.cend(); ++it)
        request.setRawHeader(it.key(), it.value());
    std::unique_ptr<QNetworkReply> reply(network.get(request));
    QSignalSpy done(reply.get(), &QNetworkReply::finished);
    if (!reply->isFinished())
        done.wait(15000);
    if (status)
        *status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    return reply->readAll();
}

CliRun::CliRun(const QString& dataDirectory, const QMap<QString, QString>& extraEnvironment)
{
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(u"FORGE_PREVIEW_DATA_DIR"_s, dataDirectory);
    // Settings (the signed-in account) live next to the data, not in the user's own.
    environment.insert(u"XDG_CONFIG_HOME"_s, dataDirectory + u"/config"_s);
    const QStringList hostOnly{u"GH_TOKEN"_s, u"GITHUB_TOKEN"_s, u"GH_HOST"_s};
    for (const QString& name : environment.keys()) {
        if (name.startsWith(u"DAYTONA_"_s) || hostOnly.contains(name))
            environment.remove(name);
    }
    for (auto it = extraEnvironment.cbegin(); it != extraEnvironment.cend(); ++it)
        environment.insert(it.key(), it.value());
    m_process.setProcessEnvironment(environment);
    connect(&m_process, &QProcess::readyReadStandardOutput, this, [this] {
        m_stdout += m_process.readAllStandardOutput();
        qsizetype newline;
        while ((newline = m_stdout.indexOf('\n')) >= 0) {
            const QByteArray line = m_stdout.left(newline);
            m_stdout.remove(0, newline + 1);
            if (line.startsWith(R"({"event":"output")")) {
                ++m_outputEvents;
                if (m_dropOutput)
                    continue;
            }
            m_lines.append(QString::fromUtf8(line));
            const QJsonObject event = QJsonDocument::fromJson(line).object();
            if (!event.isEmpty())
                m_events.append(event);
        }
    });
    connect(&m_process, &QProcess::readyReadStandardError, this,
            [this] { m_stderr += QString::fromUtf8(m_process.readAllStandardError()); });
}

CliRun::~CliRun()
{
    if (m_process.state() != QProcess::NotRunning) {
        m_process.kill();
        m_process.waitForFinished();
    }
}

void CliRun::start(const QStringList& arguments)
{
    // FORGE_E2E_CLI runs the same test against another build of the CLI, e.g. the code before a
    // security fix, to watch the attack a test describes succeed there (issue 16's rule).
    m_process.start(qEnvironmentVariable("FORGE_E2E_CLI", QStringLiteral(FORGE_CLI_PATH)), arguments);
}

bool CliRun::previewToReady(const QString& source, QString* failure, const QStringList& extra, int timeoutMs)
{
    start(QStringList{u"preview"_s, source, u"--exit-when-ready"_s, u"--json"_s} + extra);
    QSignalSpy exited(&m_process, &QProcess::finished);
    if (!finished() && !exited.wait(timeoutMs)) {
        *failure = u"the CLI did not finish: "_s + transcript();
        return false;
    }
    if (!event(u"ready"_s) || m_process.exitCode() != 0) {
        *failure = u"the preview did not go live: "_s + transcript();
        return false;
    }
    return true;
}

std::optional<QJsonObject> CliRun::event(const QString& name) const
{
    for (const QJsonObject& event : m_events) {
        if (event.value(u"event"_s).toString() == name)
            return event;
    }
    return std::nullopt;
}

QString CliRun::outputLines() const
{
    QStringList lines;
    for (const QJsonObject& event : m_events) {
        if (event.value(u"event"_s) == u"output"_s)
            lines << event.value(u"line"_s).toString();
    }
    return lines.join(u'\n');
}

QString CliRun::transcript() const
{
    return m_lines.join(u'\n') + u"\n--- stderr ---\n"_s + m_stderr;
}

EmulatorProcess::EmulatorProcess(const QString& dataDirectory)
{
    m_process.start(QStringLiteral(FORGE_DAYTONA_EMULATOR_PATH),
                    {u"--port"_s, u"0"_s, u"--data-dir"_s, dataDirectory, u"--api-key"_s,
                     QString::fromLatin1(DefaultApiKey)});
}

EmulatorProcess::~EmulatorProcess()
{
    m_process.terminate();
    if (!m_process.waitForFinished(30000))
        m_process.kill();
}

QUrl EmulatorProcess::apiUrl()
{
    QSignalSpy ready(&m_process, &QProcess::readyReadStandardOutput);
    while (!m_process.canReadLine() && (m_process.state() != QProcess::NotRunning) && ready.wait(10000)) {
    }
    return QUrl(QString::fromUtf8(m_process.readLine()).trimmed());
}

QByteArray EmulatorProcess::log()
{
    m_log += m_process.readAllStandardOutput();
    m_log += m_process.readAllStandardError();
    return m_log;
}

} // namespace forge::test
