#pragma once

#include "ReadinessProbe.h"
#include "StepJournal.h"
#include "WorkflowTypes.h"
#include "core/Backoff.h"
#include "core/DevServerOutputScanner.h"
#include "core/ExpectedEnvironment.h"
#include "core/SecretRedactor.h"
#include "sandbox/SandboxProvider.h"

#include <QCoroTask>
#include <QElapsedTimer>
#include <QHash>
#include <QObject>
#include <QUrl>
#include <functional>
#include <memory>
#include <optional>

namespace forge {

class StepOutput;
class WorkingCopySync;

// The seven steps of WorkflowTypes.h (StepId) on a SandboxProvider: create-sandbox, clone-repository,
// detect-framework, install-dependencies, build-project, start-dev-server, publish-preview. Each
// step is journaled before and after it runs; a step the journal says is done is not run again.
// Transient failures retry twice with backoff and jitter; anything else fails the step at once
// with its cause. Progress is reported through signals; secrets are redacted from every line.
class PreviewWorkflow final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(PreviewWorkflow)
public:
    PreviewWorkflow(SandboxProvider& provider, StepJournal& journal, PreviewRequest request,
                    QObject* parent = nullptr);
    ~PreviewWorkflow() override;

    // Runs every step that is not done yet and returns the preview's URL once it answers HTTP.
    // Throws StepFailure (with the step and the cause) when a step fails or the run is stopped.
    QCoro::Task<QUrl> run();
    // Stops the dev server and every process of the sandbox; the sandbox's files stay. Safe to call
    // at any time, also while run() is in progress (run() then fails with a cancelled failure).
    QCoro::Task<> stop();
    // Stops only the dev server (no serverExited() for it); the sandbox keeps running. Used before
    // a restore runs the dev server again from a new workflow over the same journal.
    QCoro::Task<> stopServer();

    const PreviewRequest& request() const { return m_request; }
    std::optional<RunPlan> plan() const { return m_plan; }
    QString sandboxId() const { return m_sandboxId; }
    // Where the preview answers and the headers it needs (a private preview's token); valid once
    // previewReady() was emitted.
    const PreviewEndpoint& previewEndpoint() const { return m_previewEndpoint; }
    // The sandbox port the dev server answers on; valid once previewReady() was emitted.
    int port() const { return m_port; }
    bool isServing() const;

    // The working copy's sync the clone step made (request().workingCopy), handed over to whoever
    // keeps it in sync while the preview is live (ProjectSession); null when none was made by this
    // workflow (the clone step was read back from the journal) or it was taken already.
    std::unique_ptr<WorkingCopySync> takeWorkingCopySync();

    // `text` without the run's secrets (the token, the project's secret variables), for what reaches
    // the user by other ways than the steps' output: the preview page's console messages.
    QString redact(const QString& text) const { return m_redactor.redact(text); }

    // For tests: replaces the retry policy (e.g. to retry without waiting).
    void setBackoff(const Backoff& backoff);

Q_SIGNALS:
    void stepStarted(forge::StepId step, int attempt);
    // A step an earlier, interrupted run of this project finished: read back from the journal, not
    // run again.
    void stepRestored(forge::StepId step, forge::StepStatus status, const QString& summary);
    // `line` is plain text; `styledLine` the same with its colour codes (ANSI SGR) kept; `isError`
    // marks a line recognised as an error message.
    void stepOutput(forge::StepId step, forge::OutputChannel channel, const QString& line,
                    const QString& styledLine, bool isError);
    void stepRetrying(forge::StepId step, int nextAttempt, qint64 delayMs, const QString& reason);
    void stepFinished(forge::StepId step, forge::StepStatus status, qint64 durationMs,
                      const QString& summary);
    // The clone step checked out `commitId` (full; empty when it could not be read), or read it
    // back from the journal.
    void cloned(const QString& commitId);
    void planReady(const forge::RunPlan& plan);
    // What the repository expects in its environment (ExpectedEnvironment: its .env.example, the
    // public variables its code reads) and the run does not set; emitted after detection, also
    // when empty.
    void environmentExpected(const QList<forge::ExpectedVariable>& missing);
    // The Node.js and package manager the run uses, once they are ready.
    void toolchainReady(const forge::ToolchainChoice& toolchain);
    void previewReady(const QUrl& url);
    void notice(const QString& message);
    // The dev server ended after the preview was ready (crash or external kill).
    void serverExited(int exitCode);

private:
    using StepBody = std::function<QCoro::Task<QJsonObject>()>;

    // Makes sure the sandbox of a resumed run is there and started; false when it is gone.
    QCoro::Task<bool> resumeSandbox();
    // Keeps and reports what detection found the repository expects (its step result's
    // "expectedEnvironment") that the run does not set.
    void reportExpectedEnvironment(const QJsonArray& expected);
    // The variable a dead dev server's last lines say is not set (MissingVariable), with the
    // repository's hint when it expects it; nullopt when they name none, or one the run sets.
    std::optional<ExpectedVariable> missingVariableIn(const QStringList& lastLines) const;
    QCoro::Task<QJsonObject> runStep(StepId step, StepBody body);
    QCoro::Task<QJsonObject> createSandbox();
    QCoro::Task<QJsonObject> cloneRepository();
    // The clone step for a local folder's working copy: the workspace emptied (inside the sandbox)
    // and the folder's files copied in as they are on disk (WorkingCopySync::initialSync).
    QCoro::Task<QJsonObject> copyWorkingCopy();
    QCoro::Task<QJsonObject> detectFramework();
    QCoro::Task<QJsonObject> installDependencies();
    QCoro::Task<QJsonObject> buildProject();
    QCoro::Task<QJsonObject> startDevServer();
    QCoro::Task<QJsonObject> publishPreview();

    // Runs a command of a step to completion, streaming its lines; returns the result and the tail.
    QCoro::Task<CommandResult> runStepCommand(StepId step, CommandSpec spec, QStringList* tail);
    // Chooses the Node.js and package manager of the run and makes them available (once per
    // workflow; SandboxProvider::provideTools); every plan command then has them first on PATH.
    // Does nothing when the back end has no tool cache: the sandbox's own tools run.
    QCoro::Task<> ensureToolchain(StepId step);
    ToolchainRequest toolchainRequest() const;
    QJsonObject toolchainJson() const;
    // A command of the plan for `step`, with the run's tool folders and the project variables the
    // step gets.
    CommandSpec planCommand(EnvironmentStep step, QStringList argv, QString directory,
                            QMap<QString, QString> environment, std::chrono::milliseconds timeout) const;
    QCoro::Task<> checkNodeVersion(StepId step);
    // The install cache key of the project as cloned (InstallCacheKey); empty when it cannot be
    // worked out (then nothing is cached).
    QCoro::Task<QString> installCacheKey();
    // What `node --version` prints in the sandbox (run outside the workspace); nullopt when it fails.
    QCoro::Task<std::optional<QString>> nodeVersion();
    // Whether the sandbox's Node.js can run the dev-server proxy (DevServerProxy.h).
    QCoro::Task<bool> canRunDevServerProxy();
    QCoro::Task<int> waitUntilServing(int port);
    void throwIfCancelled() const;
    void emitLine(StepId step, OutputChannel channel, const ScannedLine& line);
    void emitNote(StepId step, OutputChannel channel, const QString& note);

    SandboxProvider& m_provider;
    StepJournal& m_journal;
    PreviewRequest m_request;
    SecretRedactor m_redactor;
    Backoff m_backoff;
    ReadinessProbe m_probe;

    QString m_sandboxId;
    std::optional<RunPlan> m_plan;
    std::unique_ptr<BackgroundProcess> m_server;
    std::unique_ptr<StepOutput> m_serverOutput;
    std::optional<ScannedLine> m_serverReady; // the dev server's first ready line
    bool m_serverPortInUse = false;
    int m_port = 0;
    int m_devPort = 0; // the dev server's own port when it runs behind the proxy (DevServerProxy.h), else 0
    PreviewEndpoint m_previewEndpoint;
    std::unique_ptr<WorkingCopySync> m_workingCopy; // copyWorkingCopy()'s, until taken
    std::optional<ToolchainChoice> m_toolchain;     // set by ensureToolchain()
    QStringList m_toolDirectories;
    QList<ExpectedVariable> m_missingVariables; // expected by the repository, not set by the run
    bool m_cancelled = false;
    bool m_ready = false;
};

} // namespace forge
