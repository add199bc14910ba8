#pragma once

#include "daytona/DaytonaClient.h"
#include "sandbox/SandboxProvider.h"

#include <QHash>
#include <QString>
#include <memory>

namespace forge {

// How sandboxes are made on Daytona. Stored per user (Settings in the app, flags in the CLI).
struct DaytonaSandboxOptions
{
    enum class Size { Small, Medium, Large };

    static constexpr auto DefaultImage = "node:22-bookworm";

    Size size = Size::Small;
    // A snapshot to create from. Empty: build from `image` with the size's resources (the REST API
    // has no `image`; it becomes buildInfo, see docs/daytona-api.md §13).
    QString snapshot;
    QString image = QString::fromLatin1(DefaultImage);
    // Public previews need no token; private ones (the default) get it from the API.
    bool publicPreview = false;
    // Minutes of inactivity before Daytona stops the sandbox; 0 keeps it running.
    int autoStopMinutes = 30;
    // Clone credentials go to this host only (github.com, or a GitHub Enterprise host).
    QString gitHubHost = QStringLiteral("github.com");
    // How long a create may take to reach `started`; image builds are slow.
    std::chrono::milliseconds startTimeout = std::chrono::minutes(10);
    // This installation (DaytonaSettings::ownerId()): a uuid in every sandbox's labels
    // (forge.owner) and name, so teammates in one organisation, where names are unique and labels
    // are listed organisation-wide, never adopt, stop or delete each other's sandboxes. Empty: the
    // provider makes one of its own, as a separate installation.
    QString ownerId;

    static QString toString(Size size);
    static std::optional<Size> sizeFromString(const QString& text);
    // cpu, memory (GiB) and disk (GiB) for an image build of this size. Each fits an
    // organisation's default per-sandbox maximum of 4 CPU, 8 GiB memory and 10 GiB disk
    // (apps/api organization.entity.ts, daytonaio/daytona v0.190.0); more is refused with 400.
    struct Resources
    {
        int cpu;
        int memoryGiB;
        int diskGiB;
    };
    static Resources resourcesFor(Size size);
};

// Sandboxes on Daytona's cloud (or anything that speaks its API, like the test emulator), through
// src/daytona. The repository lives in <work dir>/project inside the sandbox. Commands run in
// toolbox sessions (one per command, runAsync) so their output streams; the dev server runs in its
// own session, and stopping it deletes that session, which ends its processes.
class DaytonaProvider final : public SandboxProvider
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(DaytonaProvider)
public:
    DaytonaProvider(daytona::DaytonaConfig config, DaytonaSandboxOptions options, QObject* parent = nullptr);
    ~DaytonaProvider() override;

    QString kind() const override { return QStringLiteral("daytona"); }
    const DaytonaSandboxOptions& options() const { return m_options; }
    daytona::DaytonaClient& client() { return *m_client; }

    QCoro::Task<std::optional<SandboxInfo>> findSandbox(QMap<QString, QString> labels) override;
    QCoro::Task<SandboxInfo> createSandbox(SandboxSpec spec) override;
    QCoro::Task<SandboxInfo> getSandbox(QString id) override;
    QCoro::Task<> startSandbox(QString id) override;
    QCoro::Task<> stopSandbox(QString id) override;
    QCoro::Task<> deleteSandbox(QString id) override;
    QCoro::Task<CommandResult> cloneRepository(QString id, CloneSpec spec, OutputSink sink) override;
    QCoro::Task<ProjectSnapshot> snapshotProject(QString id, QString directory) override;
    QCoro::Task<CommandResult> runCommand(QString id, CommandSpec spec, OutputSink sink) override;
    QCoro::Task<std::unique_ptr<BackgroundProcess>> startBackground(QString id, CommandSpec spec) override;
    QCoro::Task<int> allocatePort(QString id, int preferred) override;
    QCoro::Task<PreviewEndpoint> previewEndpoint(QString id, int port) override;
    QCoro::Task<std::optional<QList<int>>> listeningPorts(QString id) override;
    // POST /sandbox/{id}/last-activity; throws Failure like the other calls.
    QCoro::Task<> refreshActivity(QString id) override;
    // The auto-stop minutes new sandboxes are made with (DaytonaSandboxOptions::autoStopMinutes).
    std::chrono::milliseconds idleStopAfter() const override
    {
        return std::chrono::minutes(m_options.autoStopMinutes);
    }
    // X-Daytona-Skip-Last-Activity-Update: the proxy then does not count the probe as activity
    // (apps/proxy/pkg/proxy/get_sandbox_target.go, v0.190.0; see DaytonaHttp::SkipActivityHeader).
    QMap<QByteArray, QByteArray> healthProbeHeaders() const override;
    // Kept in the sandbox ($HOME/.forge-cache): every later run of the same sandbox, a restart or
    // a restore included, takes node_modules from it while the lockfile is unchanged.
    bool cachesDependencies() const override { return true; }
    QCoro::Task<bool> restoreDependencies(QString id, QString key, QStringList directories) override
    {
        return restoreDependenciesInSandbox(std::move(id), std::move(key), std::move(directories));
    }
    QCoro::Task<bool> saveDependencies(QString id, QString key, QStringList directories) override
    {
        return saveDependenciesInSandbox(std::move(id), std::move(key), std::move(directories));
    }

    // Whether the API answers with these settings: lists sandboxes once. Throws Failure with what
    // to fix (wrong key, wrong URL, no network).
    QCoro::Task<> testConnection();
    // A link to the preview on `port` that needs no token and stops working after `validFor`
    // (GET /sandbox/{id}/ports/{port}/signed-preview-url, 1 minute to a day): whoever holds it can
    // open the preview until then. Throws Failure.
    QCoro::Task<QUrl> signedPreviewUrl(QString id, int port, std::chrono::minutes validFor);

    // For tests: the first wait before a dropped log stream is opened again (and the command's
    // status read again); see CommandLogFollower::setPollInterval.
    void setLogPollInterval(std::chrono::milliseconds interval) { m_logPollInterval = interval; }

protected:
    // Uploaded through the toolbox (POST /files/bulk-upload) into the project folder, the workspace
    // root. The daemon creates the file with os.Create, which would follow or replace whatever is
    // there; but it runs in the sandbox as the user the commands run as, so a link the repository
    // planted leads nowhere its code could not write, and the name applyWorkspaceChanges() gives
    // (128 random bits) is one that code cannot have guessed.
    QCoro::Task<> writeWorkspaceFile(QString id, QString name, QByteArray content) override;

private:
    struct SandboxContext;

    QCoro::Task<std::shared_ptr<SandboxContext>> context(QString id);
    QCoro::Task<QString> projectPath(std::shared_ptr<SandboxContext> sandbox);
    QCoro::Task<daytona::Sandbox> waitUntilStarted(QString id);
    daytona::CreateSandboxParams createParams(const SandboxSpec& spec) const;
    // Whether this installation made `sandbox` for the project `labels` names.
    bool isOurs(const daytona::Sandbox& sandbox, const QMap<QString, QString>& labels) const;
    // Deletes this project's failed sandboxes (saying why) and returns the generation to create.
    QCoro::Task<int> clearFailedSandboxes(QMap<QString, QString> labels, int generation);
    // POST /sandbox with `params` named for `generation`; a name taken by a failed sandbox of ours
    // or by someone else's moves on to the next generation, at most a few times.
    QCoro::Task<daytona::Sandbox> createNamed(SandboxSpec spec, QString base, int generation);
    // What cloneWithSandboxGit's command exits with when the sandbox has no git.
    static constexpr int ExitGitMissing = 127;
    QCoro::Task<> deleteProjectFolder(std::shared_ptr<SandboxContext> sandbox, QString path);
    // A shallow clone by the sandbox's own git, in a session command; it never carries credentials.
    QCoro::Task<CommandResult> cloneWithSandboxGit(QString id, std::shared_ptr<SandboxContext> sandbox,
                                                   QString path, CloneSpec spec, OutputSink sink);
    // A clone by the toolbox's git clone (whole history; the fallback without git in the sandbox);
    // it never sends credentials.
    QCoro::Task<CommandResult> cloneInSandbox(std::shared_ptr<SandboxContext> sandbox, QString path,
                                              CloneSpec spec, OutputSink sink);
    // A clone that carries the token: made on this machine (HostClone), uploaded and unpacked into
    // `path`, so the token never enters the sandbox.
    QCoro::Task<CommandResult> cloneHereAndUpload(std::shared_ptr<SandboxContext> sandbox, QString path,
                                                  CloneSpec spec, OutputSink sink);
    QCoro::Task<> uploadClone(std::shared_ptr<SandboxContext> sandbox, QString archive, QString path,
                              OutputSink sink);

    // Shared with the dev server's log follower, which can outlive this provider by a moment (its
    // session is being deleted while the stream winds down).
    std::shared_ptr<daytona::DaytonaClient> m_client;
    DaytonaSandboxOptions m_options;
    QString m_ownerId;
    QHash<QString, std::shared_ptr<SandboxContext>> m_contexts;
    std::chrono::milliseconds m_logPollInterval{500};
};

} // namespace forge
