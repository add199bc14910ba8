#pragma once

// The programs the end-to-end tests run as a user would: forge-preview-cli with --json (its events
// parsed as they arrive) and forge-daytona-emulator; and a GET of what they serve.

#include <QByteArray>
#include <QJsonObject>
#include <QMap>
#include <QObject>
#include <QProcess>
#include <QStringList>
#include <QUrl>
#include <optional>

class QNetworkAccessManager;

namespace forge::test {

// Whether fetchBody follows a redirect or hands it back as the answer (tst_clipreview.cpp looks at
// the 307 with which the Daytona emulator's preview proxy sends a stranger to sign in).
enum class Redirects { Follow, Return };

// A GET of `url` through `network` (with the proxy the test set on it), waiting for the whole answer
// (10 s without a byte moving ends the transfer; 15 s in all at the most): the body, and the HTTP
// status in `status` (0 when nothing answered). `headers` go with the request.
QByteArray fetchBody(QNetworkAccessManager& network, const QUrl& url, int* status = nullptr,
                     const QMap<QByteArray, QByteArray>& headers = {},
                     Redirects redirects = Redirects::Follow);

// One run of forge-preview-cli. The host's own DAYTONA_* and GitHub token variables never reach it;
// a test passes what it wants in `extraEnvironment`.
class CliRun : public QObject
{
public:
    explicit CliRun(const QString& dataDirectory, const QMap<QString, QString>& extraEnvironment = {});
    ~CliRun() override;

    void start(const QStringList& arguments);
    // `preview <source> --exit-when-ready --json <extra>` to its end: true when the preview went live
    // and the CLI exited 0; otherwise false, with what happened and the transcript in `failure`.
    bool previewToReady(const QString& source, QString* failure, const QStringList& extra = {},
                        int timeoutMs = 5 * 60 * 1000);
    std::optional<QJsonObject> event(const QString& name) const;
    bool finished() const { return m_process.state() == QProcess::NotRunning; }
    QList<QJsonObject> events() const { return m_events; }
    // Everything printed so far, for failure messages.
    QString transcript() const;
    QString standardError() const { return m_stderr; }
    QString standardOutput() const { return m_lines.join(u'\n'); }
    // The lines the sandboxed commands printed ("output" events), in order.
    QString outputLines() const;
    QProcess& process() { return m_process; }
    // For runs that print floods: "output" events are counted, not kept (nor in the transcript).
    void dropOutputEvents() { m_dropOutput = true; }
    qint64 outputEventCount() const { return m_outputEvents; }

private:
    QProcess m_process;
    QByteArray m_stdout;
    QStringList m_lines;
    QString m_stderr;
    QList<QJsonObject> m_events;
    bool m_dropOutput = false;
    qint64 m_outputEvents = 0;
};

// forge-daytona-emulator as its own process, the way a user would start it (README).
class EmulatorProcess
{
public:
    static constexpr auto DefaultApiKey = "e2e-emulator-key";

    explicit EmulatorProcess(const QString& dataDirectory);
    ~EmulatorProcess();
    // The API URL it prints once listening; empty when it did not start.
    QUrl apiUrl();
    // Everything it printed after the API URL (its log), both channels, so far.
    QByteArray log();

private:
    QProcess m_process;
    QByteArray m_log;
};

} // namespace forge::test
