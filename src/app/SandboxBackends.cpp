#include "SandboxBackends.h"

#include "core/Failure.h"
#include "sandbox/LocalProvider.h"
#include "sandbox/daytona/DaytonaProvider.h"

#include <QCryptographicHash>
#include <QPointer>

using namespace Qt::StringLiterals;

namespace forge {

namespace {

// Stands in for a back end that cannot be used: every operation fails at once, permanently, with
// what to do. The workflow's first step reports it like any other failure.
class UnusableProvider : public SandboxProvider
{
public:
    UnusableProvider(QString kind, QString message, QString advice)
        : m_kind(std::move(kind))
        , m_message(std::move(message))
        , m_advice(std::move(advice))
    {}

    QString kind() const override { return m_kind; }

    QCoro::Task<std::optional<SandboxInfo>> findSandbox(QMap<QString, QString>) override
    {
        throw failure();
        co_return std::nullopt;
    }
    QCoro::Task<SandboxInfo> createSandbox(SandboxSpec) override
    {
        throw failure();
        co_return SandboxInfo{};
    }
    QCoro::Task<SandboxInfo> getSandbox(QString) override
    {
        throw failure();
        co_return SandboxInfo{};
    }
    QCoro::Task<> startSandbox(QString) override
    {
        throw failure();
        co_return;
    }
    QCoro::Task<> stopSandbox(QString) override { co_return; } // nothing was ever started
    QCoro::Task<> deleteSandbox(QString) override
    {
        throw failure();
        co_return;
    }
    QCoro::Task<CommandResult> cloneRepository(QString, CloneSpec, OutputSink) override
    {
        throw failure();
        co_return CommandResult{};
    }
    QCoro::Task<ProjectSnapshot> snapshotProject(QString, QString) override
    {
        throw failure();
        co_return ProjectSnapshot{};
    }
    QCoro::Task<CommandResult> runCommand(QString, CommandSpec, OutputSink) override
    {
        throw failure();
        co_return CommandResult{};
    }
    QCoro::Task<std::unique_ptr<BackgroundProcess>> startBackground(QString, CommandSpec) override
    {
        throw failure();
        co_return std::unique_ptr<BackgroundProcess>();
    }
    QCoro::Task<int> allocatePort(QString, int) override
    {
        throw failure();
        co_return 0;
    }
    QCoro::Task<PreviewEndpoint> previewEndpoint(QString, int) override
    {
        throw failure();
        co_return PreviewEndpoint{};
    }

private:
    Failure failure() const { return Failure::permanent(m_message, m_advice); }

    QString m_kind;
    QString m_message;
    QString m_advice;
};

// Which credentials and endpoint a provider was made with, without keeping the key itself.
QString identityOf(const daytona::DaytonaConfig& config)
{
    QCryptographicHash hash(QCryptographicHash::Sha256);
    for (const QString& part :
         {config.apiKey, config.jwtToken, config.organizationId, config.apiUrl.toString(), config.target}) {
        hash.addData(part.toUtf8());
        hash.addData(QByteArrayView("\0", 1));
    }
    return QString::fromLatin1(hash.result().toHex());
}

} // namespace

SandboxBackends::SandboxBackends(const QString& dataDirectory, Toolchains* toolchains, QObject* parent)
    : QObject(parent)
    , m_dataDirectory(dataDirectory)
    , m_toolchains(toolchains)
    , m_local(makeLocal(true))
    // Made now, not on first use: a new LocalProvider stops every process recorded in the data
    // folder (LocalProvider's constructor, after a crash), which would include the isolated one's.
    , m_withoutIsolation(makeLocal(false))
{}

SandboxBackends::~SandboxBackends() = default;

std::shared_ptr<SandboxProvider> SandboxBackends::adopt(SandboxProvider* provider)
{
    provider->setToolchains(m_toolchains);
    connect(provider, &SandboxProvider::notice, this, &SandboxBackends::notice);
    // The last user may let go from inside one of the provider's own signals: it goes later.
    return std::shared_ptr<SandboxProvider>(provider,
                                            [guard = QPointer<SandboxProvider>(provider)](SandboxProvider*) {
                                                if (guard)
                                                    guard->deleteLater();
                                            });
}

std::shared_ptr<LocalProvider> SandboxBackends::makeLocal(bool isolated)
{
    // Isolated: bubblewrap and a network of its own, or the run fails saying what to install.
    auto provider = std::make_shared<LocalProvider>(LocalProvider::Options{
        m_dataDirectory, isolated ? LocalProvider::Isolation::Bubblewrap : LocalProvider::Isolation::None,
        LocalProvider::cacheDirectoryFor(m_dataDirectory)});
    provider->setToolchains(m_toolchains);
    connect(provider.get(), &SandboxProvider::notice, this, &SandboxBackends::notice);
    return provider;
}

std::shared_ptr<SandboxProvider> SandboxBackends::providerFor(const Project& project)
{
    if (project.backend == Backend::Local)
        return project.runWithoutIsolation ? m_withoutIsolation : m_local;
    const DaytonaSettings settings = daytonaSettings();
    if (const QString reason = settings.unusableReason(); !reason.isEmpty()) {
        return adopt(new UnusableProvider(
            toString(Backend::Daytona), tr("This project runs on Daytona, which cannot be used yet."),
            tr("%1 Or run it on this computer: Project > Run on This Computer.").arg(reason)));
    }
    const daytona::DaytonaConfig config = settings.config();
    const QString identity = identityOf(config);
    if (!m_daytona || settings != m_daytonaSettings || identity != m_daytonaIdentity ||
        m_daytonaGitHubHost != m_gitHubHost) {
        // Runs that still use the previous provider keep it alive until they end.
        DaytonaSandboxOptions options = settings.sandboxOptions();
        options.gitHubHost = m_gitHubHost;
        options.ownerId = DaytonaSettings::ownerId();
        m_daytona = adopt(new DaytonaProvider(config, options));
        m_daytonaGitHubHost = m_gitHubHost;
        m_daytonaSettings = settings;
        m_daytonaIdentity = identity;
    }
    return m_daytona;
}

bool SandboxBackends::isWithoutIsolation(const std::shared_ptr<SandboxProvider>& provider) const
{
    return provider && provider == m_withoutIsolation;
}

DaytonaSettings SandboxBackends::daytonaSettings() const
{
    DaytonaSettings settings = DaytonaSettings::load();
    settings.apiKey = m_daytonaApiKey;
    return settings;
}

QString SandboxBackends::daytonaUnavailableReason() const
{
    return daytonaSettings().unusableReason();
}

QString SandboxBackends::title(Backend backend)
{
    return backend == Backend::Daytona ? tr("Daytona") : tr("this computer");
}

} // namespace forge
