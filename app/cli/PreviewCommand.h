#pragma once

#include "CliCredentials.h"
#include "CliOptions.h"
#include "CliReporter.h"
#include "CliRunRecorder.h"

#include <QCoroTask>
#include <QObject>

namespace forge {
class PreviewWorkflow;
class SandboxProvider;
} // namespace forge

namespace forge::cli {

// `forge-preview-cli preview`: runs the workflow, reports it, keeps serving until interrupted, and
// always stops the sandbox before returning its exit code.
class PreviewCommand : public QObject
{
    Q_OBJECT
public:
    PreviewCommand(CliOptions options, SandboxProvider& provider, QObject* parent = nullptr);
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
    CliOptions m_options;
    SandboxProvider& m_provider;
    CliReporter m_reporter;
    GitHubCredentials m_gitHub;
    std::unique_ptr<CliRunRecorder> m_recorder;
    std::unique_ptr<PreviewWorkflow> m_workflow;
    bool m_interrupted = false;
    bool m_serverDied = false;
};

} // namespace forge::cli
