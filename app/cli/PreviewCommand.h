#pragma once

#include "CliCredentials.h"
#include "CliOptions.h"
#include "CliReporter.h"
#include "workflow/RunRecorder.h"

#include <QCoroTask>
#include <QObject>

namespace forge {
class AppContext;
class PreviewWorkflow;
struct Project;
class SandboxProvider;
} // namespace forge

namespace forge::cli {

// `forge-preview-cli preview`: runs the workflow, reports it, keeps serving until interrupted, and
// always stops the sandbox before returning its exit code.
class PreviewCommand final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(PreviewCommand)
public:
    // Runs are recorded in `context`'s database (so a killed run is continued by the next start).
    PreviewCommand(CliOptions options, AppContext& context, SandboxProvider& provider,
                   QObject* parent = nullptr);
    ~PreviewCommand() override;

    // The token (if any) that clones on its GitHub host may carry; call before run().
    void setGitHubCredentials(GitHubCredentials credentials) { m_gitHub = std::move(credentials); }
    QCoro::Task<int> run();
    // --signed-url: prints a link to the private preview that expires.
    QCoro::Task<> reportSignedUrl(const PreviewWorkflow& workflow);
    // Ctrl+C: the first one stops cleanly; run() then returns.
    void interrupt();

Q_SIGNALS:
    void finishRequested();

private:
    // Records the run; without a usable database the run still goes, remembered nowhere, and
    // m_recordProblem says why.
    void startRecording(const Project& project);
    // The run's start and the notices that go before its steps (no isolation, a database set aside,
    // a run not remembered or continued, the token's origin when `withToken`).
    void reportStart(bool withToken);
    // The project's stored environment (what the desktop app saved for it) with its secrets read
    // from the keychain, then --env-file and --env on top. nullopt when a stored secret cannot be
    // read: the run must not go ahead with less than the user set (reported, exit 2).
    QCoro::Task<std::optional<ProjectEnvironment>> environmentFor(QString projectId);

    CliOptions m_options;
    AppContext& m_context;
    SandboxProvider& m_provider;
    CliReporter m_reporter;
    GitHubCredentials m_gitHub;
    std::unique_ptr<RunRecorder> m_recorder;
    QString m_recordProblem;
    std::unique_ptr<PreviewWorkflow> m_workflow;
    bool m_interrupted = false;
    bool m_serverDied = false;
};

} // namespace forge::cli
