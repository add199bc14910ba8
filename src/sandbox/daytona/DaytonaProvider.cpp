#include "DaytonaProvider.h"

#include "HostClone.h"
#include "RemoteSnapshot.h"
#include "ShellCommand.h"
#include "core/Detached.h"
#include "core/Failure.h"
#include "core/SignalWait.h"
#include "daytona/CommandLogFollower.h"
#include "github/GitHubHost.h"
#include "sandbox/GitEnvironment.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QPointer>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QUuid>
#include <optional>
#include <stdexcept>

using namespace Qt::StringLiterals;
using namespace std::chrono_literals;

namespace forge {

namespace {

using daytona::DaytonaError;

// The folder the repository is cloned into, under the sandbox's work dir.
const QString ProjectFolder = u"project"_s;
// The dev server runs until stopped; a week stands for "no limit" in the log follower.
constexpr auto Unlimited = std::chrono::hours(24 * 7);
// A clone made on this machine goes up in parts of this size (HostClone, uploadClone).
constexpr qint64 UploadPartBytes = 16 * 1024 * 1024;
constexpr int UnpackTimeoutSeconds = 600;
// $1: the folder of uploaded parts, $2: the project folder. --no-same-owner: the files belong to the
// sandbox's user, not to this computer's user id (tar keeps ids when it runs as root).
constexpr auto UnpackScript = R"(set -e
mkdir -p -- "$2"
cat -- "$1"/part-* | tar --no-same-owner -xzf - -C "$2"
rm -rf -- "$1"
)";

Failure failureFrom(const DaytonaError& error, const QString& advice = {})
{
    Failure failure(error.isTransient() ? FailureKind::Transient : FailureKind::Permanent,
                    error.userMessage(), advice);
    if (error.retryAfter())
        failure.withRetryAfter(int(error.retryAfter()->count()));
    return failure;
}

// Awaits a client call, turning its DaytonaError into the Failure the workflow understands.
template<typename T>
QCoro::Task<T> translated(QCoro::Task<T> call)
{
    try {
        co_return co_await std::move(call);
    } catch (const DaytonaError& error) {
        throw failureFrom(error);
    }
}

QCoro::Task<> translated(QCoro::Task<> call)
{
    try {
        co_await std::move(call);
    } catch (const DaytonaError& error) {
        throw failureFrom(error);
    }
}

// Read by where the sandbox is going (`desiredState`), not only where it is: `stopping` and
// `archiving` end stopped and need a start, they are not on their way to `started`.
SandboxState stateOf(const daytona::Sandbox& sandbox)
{
    namespace State = daytona::SandboxState;
    const auto is = [&sandbox](const char* state) { return sandbox.state == QLatin1StringView(state); };
    const auto wants = [&sandbox](const char* state) {
        return sandbox.desiredState == QLatin1StringView(state);
    };
    if (sandbox.isFailed())
        return SandboxState::Error;
    if (is(State::Destroyed) || is(State::Destroying) || wants(State::Destroyed))
        return SandboxState::Gone;
    if (is(State::Started) && sandbox.isSettled())
        return SandboxState::Started;
    if (wants(State::Started))
        return SandboxState::Creating; // creating, starting, restoring, pending_build, ...
    if (wants(State::Stopped) || wants(State::Archived) || wants(State::Paused) || sandbox.isStartable())
        return SandboxState::Stopped; // stopping, archiving, pausing, or there
    return SandboxState::Creating;
}

const QString OwnerLabel = u"forge.owner"_s;
const QString GenerationLabel = u"forge.generation"_s;
// Names tried when the next ones are taken by failed sandboxes or by someone else's.
constexpr int MaxNameAttempts = 5;

// PreviewRequest::sandboxName() is forge-<project>-<generation>: its base and number.
std::pair<QString, int> splitGeneration(const QString& name)
{
    static const QRegularExpression numbered(u"\\A(.+)-(\\d{1,6})\\z"_s);
    const QRegularExpressionMatch match = numbered.match(name);
    if (!match.hasMatch())
        return {name, 1};
    return {match.captured(1), std::max(1, match.captured(2).toInt())};
}

int generationOf(const daytona::Sandbox& sandbox)
{
    bool ok = false;
    const int labelled = sandbox.labels.value(GenerationLabel).toInt(&ok);
    return ok ? labelled : splitGeneration(sandbox.name).second;
}

// A quota refusal (validateOrganizationQuotas in apps/api sandbox.service.ts, daytonaio/daytona
// v0.190.0: "Disk request 20GB exceeds maximum allowed per sandbox (10GB)") says what to change.
std::optional<Failure> quotaFailure(const DaytonaError& error)
{
    if (error.kind() != DaytonaError::Kind::InvalidState ||
        !error.serverMessage().contains(u"exceeds maximum allowed per"_s))
        return std::nullopt;
    const QString refusal = error.serverMessage().section(u'\n', 0, 0).trimmed();
    return Failure::permanent(
        u"Daytona refused to make a sandbox this big: %1."_s.arg(refusal),
        u"Choose a smaller size (or snapshot) in Settings > Daytona, or --size small or medium with "
        u"forge-preview-cli; or ask your Daytona organisation's admin to raise its per-sandbox limits."_s);
}

SandboxInfo infoOf(const daytona::Sandbox& sandbox)
{
    return SandboxInfo{sandbox.id, sandbox.name, sandbox.labels, stateOf(sandbox)};
}

// `relative` inside `root`: no absolute paths and no way out through "..".
QString insideProject(const QString& root, const QString& relative)
{
    const QString cleaned = QDir::cleanPath(relative);
    if (relative.isEmpty() || cleaned == u"."_s)
        return root;
    if (QDir::isAbsolutePath(cleaned) || cleaned == u".."_s || cleaned.startsWith(u"../"_s)) {
        throw Failure::permanent(u"The folder “%1” is outside the project."_s.arg(relative),
                                 u"Use a folder inside the repository in the run plan."_s);
    }
    return root + u'/' + cleaned;
}

// Host and port both count: another service on the same machine is another git host.
bool sameHost(const QUrl& url, const QString& host)
{
    const auto gitHub = github::GitHubHost::parse(host);
    return gitHub && gitHub->serves(url);
}

// The project's own variables (CommandSpec::privateEnvironment) may be secrets: a Stripe key, a
// DATABASE_URL. None of their values is ever put in a command line, a URL or a header sent to
// Daytona: a session command's text is kept by Daytona (GET /process/session/{id} returns it) and
// the sandbox's sessions are open to the organisation's members. Instead environmentFile() names a
// file of `export NAME='value'` lines (shell::exportScript) that is uploaded (POST
// /files/bulk-upload) into a folder only the sandbox's user may enter, and the command line
// (shell::commandLine with the file) reads and deletes it before anything else runs, exporting the
// values in a subshell that becomes the program, so the session's own shell never holds them. When
// the command never starts, the provider deletes the file through the toolbox.
//
// What remains visible, and to whom:
// - the values travel in the bulk-upload request's body, over HTTPS to Daytona's toolbox proxy and
//   on to the sandbox's daemon (as every file upload does);
// - they are in the file, in the sandbox, for the moment between the upload and the command's
//   start (normally one request's round trip);
// - the running program's environment (/proc/<pid>/environ) is readable by anything in the sandbox
//   that runs as the same user: the repository's own code, which is meant to have them, and
//   whatever an earlier run of it left behind;
// - Daytona organisation members with access to the sandbox can run commands in it, and so read
//   the environment of its running processes.
// Daytona's sandbox-level variables (the create API's `env`) are not used: they are stored with the
// sandbox and returned by the API to every member of the organisation.
//
// The file goes beside the project folder, in the work dir (the toolbox has no call for the home
// here; uploadClone stages its parts there too): <work dir>/.forge-env/<128 random bits>.sh.
QString environmentFile(const QString& projectPath)
{
    const QString workDir = projectPath.section(u'/', 0, -2);
    quint32 bits[4];
    QRandomGenerator::system()->fillRange(bits);
    QString name;
    for (const quint32 part : bits)
        name += u"%1"_s.arg(part, 8, 16, QLatin1Char('0'));
    return workDir + u"/.forge-env/"_s + name + u".sh"_s;
}

// The file's content; a variable no shell can carry is refused, saying which and what to do.
QByteArray environmentScript(const QMap<QString, QString>& variables)
{
    for (auto it = variables.cbegin(); it != variables.cend(); ++it) {
        if (!shell::isVariableName(it.key())) {
            throw Failure::permanent(
                u"The project variable name “%1” cannot be passed to a command."_s.arg(it.key()),
                u"Rename it in the project's environment: letters, digits and underscores, not "
                u"starting with a digit."_s);
        }
        if (it.value().contains(QChar(0))) {
            throw Failure::permanent(
                u"The value of the project variable %1 contains a NUL character, which no "
                u"environment can carry."_s.arg(it.key()),
                u"Edit %1 in the project's environment and remove the NUL character (often the "
                u"remains of pasting binary data)."_s.arg(it.key()));
        }
    }
    return shell::exportScript(variables);
}

QString commandLineFor(const CommandSpec& spec, const QString& directory, const QString& environmentFile = {})
{
    // The project's variables come after `environment` (as on the local back end): a name both set
    // takes the project's value, which only the file carries.
    QMap<QString, QString> environment = spec.environment;
    for (auto it = spec.privateEnvironment.cbegin(); it != spec.privateEnvironment.cend(); ++it)
        environment.remove(it.key());
    try {
        return shell::commandLine(spec.argv, directory, environment, spec.toolDirectories, environmentFile);
    } catch (const std::invalid_argument& invalid) {
        throw Failure::permanent(u"The command cannot run: %1."_s.arg(QString::fromUtf8(invalid.what())),
                                 u"Fix the command or its environment in the run plan."_s);
    }
}

// Uploads environmentFile()'s content into its folder, made for the sandbox's user only. The folder
// is made on every upload: a repository's code may have removed it.
QCoro::Task<> uploadEnvironmentFile(std::shared_ptr<daytona::ToolboxApi> toolbox, QString path,
                                    QByteArray content)
{
    co_await toolbox->createFolder(path.section(u'/', 0, -2), u"0700"_s);
    const QList<daytona::UploadFile> upload{{path, content}};
    co_await toolbox->uploadFiles(upload);
}

// When the command never started, nothing else deletes the file. Best effort: when the sandbox
// cannot be reached either, the file stays in its folder, which only the sandbox's user can enter.
QCoro::Task<> discardEnvironmentFile(std::shared_ptr<daytona::ToolboxApi> toolbox, QString path)
{
    try {
        co_await toolbox->deleteFile(path);
    } catch (const DaytonaError&) {
        // Never written, or the sandbox cannot be reached.
    }
}

// The follower's two streams, handed to an OutputSink one channel at a time.
daytona::CommandLogFollower::Sink splitInto(OutputSink sink)
{
    return [sink = std::move(sink)](const QByteArray& out, const QByteArray& err) {
        if (!sink)
            return;
        if (!out.isEmpty())
            sink(OutputChannel::Stdout, out);
        if (!err.isEmpty())
            sink(OutputChannel::Stderr, err);
    };
}

QString newSessionId(const QString& purpose)
{
    return u"forge-%1-%2"_s.arg(purpose, QUuid::createUuid().toString(QUuid::WithoutBraces));
}

} // namespace

// --- DaytonaSandboxOptions ---

QString DaytonaSandboxOptions::toString(Size size)
{
    switch (size) {
    case Size::Small:
        return u"small"_s;
    case Size::Medium:
        return u"medium"_s;
    case Size::Large:
        return u"large"_s;
    }
    return u"small"_s;
}

std::optional<DaytonaSandboxOptions::Size> DaytonaSandboxOptions::sizeFromString(const QString& text)
{
    for (Size size : {Size::Small, Size::Medium, Size::Large}) {
        if (text.compare(toString(size), Qt::CaseInsensitive) == 0)
            return size;
    }
    return std::nullopt;
}

DaytonaSandboxOptions::Resources DaytonaSandboxOptions::resourcesFor(Size size)
{
    switch (size) {
    case Size::Small:
        return {1, 2, 5};
    case Size::Medium:
        return {2, 4, 10};
    case Size::Large:
        return {4, 8, 10};
    }
    return {1, 2, 5};
}

// --- The dev server in a toolbox session ---

namespace {

// What the follower coroutine and the process object share: the process object can go away while
// the log stream is still open.
struct SessionCommand
{
    std::shared_ptr<daytona::DaytonaClient> client; // keeps the HTTP layer alive for the follower
    std::shared_ptr<daytona::ToolboxApi> toolbox;
    QString sessionId;
    QString commandId;
    bool running = true;
    int exitCode = -1;
};

class DaytonaBackgroundProcess : public BackgroundProcess
{
public:
    DaytonaBackgroundProcess(std::shared_ptr<SessionCommand> command, std::chrono::milliseconds pollInterval)
        : m_command(std::move(command))
    {
        detach(follow(m_command, QPointer<DaytonaBackgroundProcess>(this), pollInterval), this,
               "following the dev server's log");
    }

    ~DaytonaBackgroundProcess() override
    {
        // Gone without stop(): the session still has to end, or the server would run on unseen.
        if (m_command->running)
            detach(endSession(m_command), QCoreApplication::instance(), "ending the dev server's session");
    }

    bool isRunning() const override { return m_command->running; }

    CommandResult result() const override
    {
        CommandResult result;
        result.exitCode = m_command->exitCode;
        return result;
    }

    QCoro::Task<> stop(std::chrono::milliseconds grace) override
    {
        if (!m_command->running)
            co_return;
        // Deleting the session ends its processes (the daemon kills the session's shell and what it
        // started); the log stream then closes and follow() reports the end.
        const auto command = m_command;
        QPointer<DaytonaBackgroundProcess> self(this);
        try {
            co_await command->toolbox->deleteSession(command->sessionId);
        } catch (const DaytonaError&) {
            // Already gone with the sandbox, or unreachable: either way it no longer serves us.
        }
        if (self && command->running)
            co_await waitForSignal(self.data(), &BackgroundProcess::finished, grace);
        if (self && command->running)
            self->markFinished(-1);
    }

private:
    void markFinished(int exitCode)
    {
        if (!m_command->running)
            return;
        m_command->running = false;
        m_command->exitCode = exitCode;
        Q_EMIT finished();
    }

    static QCoro::Task<> endSession(std::shared_ptr<SessionCommand> command)
    {
        try {
            co_await command->toolbox->deleteSession(command->sessionId);
        } catch (const DaytonaError&) {
            // Already gone with the sandbox, or unreachable: nothing more to do.
        }
    }

    static QCoro::Task<> follow(std::shared_ptr<SessionCommand> command,
                                QPointer<DaytonaBackgroundProcess> self,
                                std::chrono::milliseconds pollInterval)
    {
        daytona::CommandLogFollower follower(command->client->http(), *command->toolbox);
        follower.setPollInterval(pollInterval);
        int exitCode = -1;
        // A local, not a temporary in the co_await expression: GCC 12 miscompiles those.
        const daytona::CommandLogFollower::Sink sink = [self](const QByteArray& out, const QByteArray& err) {
            if (!self)
                return;
            if (!out.isEmpty())
                Q_EMIT self->output(OutputChannel::Stdout, out);
            if (!err.isEmpty())
                Q_EMIT self->output(OutputChannel::Stderr, err);
        };
        const std::chrono::milliseconds limit = Unlimited;
        try {
            exitCode = co_await follower.follow(command->sessionId, command->commandId, sink, limit);
        } catch (const DaytonaError& error) {
            // The session is gone (stopped, deleted with the sandbox) or the toolbox is unreachable.
            if (self) {
                Q_EMIT self->output(
                    OutputChannel::Stderr,
                    u"Lost the dev server's output: %1\n"_s.arg(error.userMessage()).toUtf8());
            }
        }
        if (self)
            self->markFinished(exitCode);
        else
            command->running = false;
    }

    std::shared_ptr<SessionCommand> m_command;
};

} // namespace

// --- DaytonaProvider ---

struct DaytonaProvider::SandboxContext
{
    daytona::Sandbox sandbox;
    std::shared_ptr<daytona::ToolboxApi> toolbox;
    QString projectPath; // absolute, once the work dir is known
    // Preview links per port. A token is valid until the sandbox restarts (docs/daytona-api.md §6),
    // and the whole context is dropped when it starts or stops.
    QHash<int, daytona::PreviewLink> previews;
};

DaytonaProvider::DaytonaProvider(daytona::DaytonaConfig config, DaytonaSandboxOptions options,
                                 QObject* parent)
    : SandboxProvider(parent)
    , m_client(std::make_shared<daytona::DaytonaClient>(std::move(config)))
    , m_options(std::move(options))
    , m_ownerId(m_options.ownerId.trimmed())
{
    if (QUuid::fromString(m_ownerId).isNull())
        m_ownerId = QUuid::createUuid().toString(QUuid::WithoutBraces);
}

DaytonaProvider::~DaytonaProvider() = default;

QCoro::Task<std::shared_ptr<DaytonaProvider::SandboxContext>> DaytonaProvider::context(QString id)
{
    if (const auto known = m_contexts.value(id))
        co_return known;
    auto context = std::make_shared<SandboxContext>();
    context->sandbox = co_await translated(m_client->sandboxes().get(id));
    if (stateOf(context->sandbox) != SandboxState::Started) {
        throw Failure::transient(u"The Daytona sandbox %1 is %2, not started."_s.arg(context->sandbox.name,
                                                                                     context->sandbox.state),
                                 u"Run the preview again; it starts the sandbox first."_s);
    }
    if (context->sandbox.toolboxProxyUrl.isEmpty()) {
        // Some answers carry no toolboxProxyUrl; the SDKs then ask for it
        // (_ensure_toolbox_proxy_url in sdk-python, daytona/clients v0.205.1).
        context->sandbox.toolboxProxyUrl =
            co_await translated(m_client->sandboxes().toolboxProxyUrl(context->sandbox.id));
    }
    try {
        context->toolbox = std::shared_ptr<daytona::ToolboxApi>(m_client->toolbox(context->sandbox));
    } catch (const DaytonaError& error) {
        throw failureFrom(error);
    }
    m_contexts.insert(id, context);
    co_return context;
}

QCoro::Task<QString> DaytonaProvider::projectPath(std::shared_ptr<SandboxContext> sandbox)
{
    if (sandbox->projectPath.isEmpty()) {
        QString workDir = co_await translated(sandbox->toolbox->workDir());
        while (workDir.size() > 1 && workDir.endsWith(u'/'))
            workDir.chop(1);
        if (!workDir.startsWith(u'/')) {
            throw Failure::permanent(u"The sandbox reported an unusable work folder “%1”."_s.arg(workDir),
                                     u"Recreate the sandbox; if it happens again, report it to Daytona."_s);
        }
        sandbox->projectPath = (workDir == u"/"_s ? QString() : workDir) + u'/' + ProjectFolder;
    }
    // A copy: QCoro 0.8's return_value moves from a non-const lvalue, which would empty the cache.
    const QString path = sandbox->projectPath;
    co_return path;
}

daytona::CreateSandboxParams DaytonaProvider::createParams(const SandboxSpec& spec) const
{
    daytona::CreateSandboxParams params;
    params.name = spec.name;
    params.labels = spec.labels;
    params.isPublic = m_options.publicPreview;
    params.autoStopInterval = m_options.autoStopMinutes;
    if (!m_options.snapshot.isEmpty()) {
        params.snapshot = m_options.snapshot;
    } else {
        params.image = m_options.image.isEmpty() ? QString::fromLatin1(DaytonaSandboxOptions::DefaultImage)
                                                 : m_options.image;
        const auto resources = DaytonaSandboxOptions::resourcesFor(m_options.size);
        params.cpu = resources.cpu;
        params.memory = resources.memoryGiB;
        params.disk = resources.diskGiB;
    }
    return params;
}

QCoro::Task<daytona::Sandbox> DaytonaProvider::waitUntilStarted(QString id)
{
    // Built outside the co_await: GCC 12 miscompiles braced temporaries inside co_await expressions.
    const QStringList wanted{QString::fromLatin1(daytona::SandboxState::Started)};
    try {
        co_return co_await m_client->sandboxes().waitForState(id, wanted, m_options.startTimeout);
    } catch (const DaytonaError& error) {
        if (error.kind() == DaytonaError::Kind::SandboxFailed) {
            throw failureFrom(error, u"Check the image or snapshot in the Daytona settings, then run again; "
                                     u"a sandbox in error can also be recovered from Daytona's dashboard."_s);
        }
        throw failureFrom(error);
    }
}

QCoro::Task<std::optional<SandboxInfo>> DaytonaProvider::findSandbox(QMap<QString, QString> labels)
{
    // Labels are listed organisation-wide: only this installation's sandboxes count.
    labels.insert(OwnerLabel, m_ownerId);
    const QList<daytona::Sandbox> found = co_await translated(m_client->sandboxes().listAll(labels));
    std::optional<SandboxInfo> best;
    for (const daytona::Sandbox& sandbox : found) {
        const SandboxInfo info = infoOf(sandbox);
        if (info.state == SandboxState::Gone || !isOurs(sandbox, labels))
            continue;
        if (!best || (info.state == SandboxState::Started && best->state != SandboxState::Started))
            best = info;
    }
    co_return best;
}

bool DaytonaProvider::isOurs(const daytona::Sandbox& sandbox, const QMap<QString, QString>& labels) const
{
    if (sandbox.labels.value(OwnerLabel) != m_ownerId)
        return false;
    for (auto it = labels.constBegin(); it != labels.constEnd(); ++it) {
        if (it.key() != GenerationLabel && sandbox.labels.value(it.key()) != it.value())
            return false;
    }
    return true;
}

QCoro::Task<int> DaytonaProvider::clearFailedSandboxes(QMap<QString, QString> labels, int generation)
{
    const QList<daytona::Sandbox> found = co_await translated(m_client->sandboxes().listAll(labels));
    int next = generation;
    for (const daytona::Sandbox& sandbox : found) {
        if (!sandbox.isFailed() || !isOurs(sandbox, labels))
            continue;
        // A failed sandbox never starts again ("Sandbox is in an errored state") and keeps its name
        // for up to a week; deleting frees the name at once, the new one gets the next generation.
        Q_EMIT notice(u"The Daytona sandbox %1 failed (%2: %3); deleting it and making a new one."_s.arg(
            sandbox.name, sandbox.state,
            sandbox.errorReason.isEmpty() ? u"no reason given"_s : sandbox.errorReason));
        co_await deleteSandbox(sandbox.id);
        next = std::max(next, generationOf(sandbox) + 1);
    }
    co_return next;
}

QCoro::Task<daytona::Sandbox> DaytonaProvider::createNamed(SandboxSpec spec, QString base, int generation)
{
    QStringList taken;
    for (int attempt = 0; attempt < MaxNameAttempts; ++attempt, ++generation) {
        // The owner's first 8 hex digits keep teammates' names apart; the labels decide.
        spec.name = u"%1-%2-%3"_s.arg(base, m_ownerId.left(8)).arg(generation);
        spec.labels.insert(GenerationLabel, QString::number(generation));
        const daytona::CreateSandboxParams params = createParams(spec);
        try {
            co_return co_await m_client->sandboxes().create(params);
        } catch (const DaytonaError& error) {
            if (const auto quota = quotaFailure(error))
                throw *quota;
            if (error.kind() != DaytonaError::Kind::Conflict)
                throw failureFrom(error);
        }
        // The name is taken: an earlier create that answered too late, a failed sandbox of ours,
        // or a sandbox someone else made. Only the first is adopted.
        const daytona::Sandbox existing = co_await translated(m_client->sandboxes().get(spec.name));
        if (isOurs(existing, spec.labels) && !existing.isFailed()) {
            Q_EMIT notice(u"Reusing the existing Daytona sandbox %1."_s.arg(spec.name));
            co_return existing;
        }
        if (isOurs(existing, spec.labels)) {
            Q_EMIT notice(u"The Daytona sandbox %1 failed (%2); deleting it and making a new one."_s.arg(
                spec.name, existing.errorReason.isEmpty() ? existing.state : existing.errorReason));
            co_await deleteSandbox(existing.id);
        } else {
            Q_EMIT notice(u"The name %1 belongs to a Daytona sandbox this installation did not make; "
                          u"trying the next one."_s.arg(spec.name));
        }
        taken << spec.name;
    }
    throw Failure::permanent(
        u"No free name for this project's Daytona sandbox: %1 are taken by sandboxes that are not "
        u"this installation's, or that failed and could not be deleted."_s.arg(taken.join(u", "_s)),
        u"Delete or rename those sandboxes in Daytona's dashboard, then run again."_s);
}

QCoro::Task<SandboxInfo> DaytonaProvider::createSandbox(SandboxSpec spec)
{
    spec.labels.insert(OwnerLabel, m_ownerId);
    const daytona::CreateSandboxParams params = createParams(spec);
    if (const QString invalid = params.validationError(); !invalid.isEmpty())
        throw Failure::permanent(invalid, u"Change the sandbox settings (Daytona) and run again."_s);

    const std::pair<QString, int> named = splitGeneration(spec.name);
    const int generation = co_await clearFailedSandboxes(spec.labels, named.second);
    daytona::Sandbox sandbox = co_await createNamed(spec, named.first, generation);
    if (stateOf(sandbox) == SandboxState::Creating)
        sandbox = co_await waitUntilStarted(sandbox.id);
    co_return infoOf(sandbox);
}

QCoro::Task<SandboxInfo> DaytonaProvider::getSandbox(QString id)
{
    try {
        const daytona::Sandbox sandbox = co_await m_client->sandboxes().get(id);
        co_return infoOf(sandbox);
    } catch (const DaytonaError& error) {
        if (error.kind() != DaytonaError::Kind::NotFound)
            throw failureFrom(error);
    }
    m_contexts.remove(id);
    co_return SandboxInfo{id, {}, {}, SandboxState::Gone};
}

QCoro::Task<> DaytonaProvider::startSandbox(QString id)
{
    m_contexts.remove(id); // a restart brings a new preview token
    daytona::Sandbox current = co_await translated(m_client->sandboxes().get(id));
    // SandboxService.start (apps/api, daytonaio/daytona v0.190.0) answers 409 while a transition
    // runs, except towards `archived` from stopped or archiving: wait for the others to end.
    const bool startsNow =
        current.isStartable() &&
        (current.isSettled() || current.desiredState == QLatin1StringView(daytona::SandboxState::Archived));
    if (!current.isSettled() && !startsNow && !current.isFailed())
        current = co_await translated(m_client->sandboxes().waitUntilSettled(id, m_options.startTimeout));
    if (current.isFailed() && current.recoverable) {
        co_await translated(m_client->sandboxes().recover(id));
    } else if (current.isFailed()) {
        throw Failure::permanent(
            u"The Daytona sandbox %1 failed (%2) and cannot be started again."_s.arg(
                current.name, current.errorReason.isEmpty() ? current.state : current.errorReason),
            u"Run the preview again: a failed sandbox is deleted and made anew."_s);
    } else if (current.isStartable()) {
        co_await translated(m_client->sandboxes().start(id));
    }
    co_await waitUntilStarted(id);
}

QCoro::Task<> DaytonaProvider::stopSandbox(QString id)
{
    m_contexts.remove(id);
    try {
        co_await m_client->sandboxes().stop(id);
    } catch (const DaytonaError& error) {
        // Already stopped, gone, or stopping: the goal is reached.
        if (error.kind() != DaytonaError::Kind::NotFound &&
            error.kind() != DaytonaError::Kind::InvalidState &&
            error.kind() != DaytonaError::Kind::StateChangeInProgress)
            throw failureFrom(error);
    }
}

QCoro::Task<> DaytonaProvider::deleteSandbox(QString id)
{
    m_contexts.remove(id);
    try {
        co_await m_client->sandboxes().remove(id);
    } catch (const DaytonaError& error) {
        if (error.kind() != DaytonaError::Kind::NotFound)
            throw failureFrom(error);
    }
}

QCoro::Task<CommandResult> DaytonaProvider::cloneRepository(QString id, CloneSpec spec, OutputSink sink)
{
    if (spec.url.isLocalFile() || spec.url.scheme().isEmpty()) {
        throw Failure::permanent(
            u"A Daytona sandbox runs in the cloud and cannot reach a folder on this computer."_s,
            u"Push the repository to a git host and open its URL, or preview this folder on the local back end."_s);
    }
    const auto sandbox = co_await context(id);
    const QString path = co_await projectPath(sandbox);

    co_await deleteProjectFolder(sandbox, path); // what an earlier clone left there

    // The token belongs to the GitHub host; another git host never sees it. A clone that carries it
    // is made on this machine and uploaded: the token never enters the sandbox (HostClone.h says why).
    // That is kept over a clone in the sandbox with the token in a session command's environment or
    // in an askpass file removed afterwards: on a rerun, repository code has run in the sandbox as
    // the same user, and whatever it left running (a dev server of an earlier run, a planted
    // background process) can read a git process's environment (/proc/<pid>/environ) or the file
    // while the clone runs. So the clones below never carry a credential.
    if (!spec.authToken.isEmpty() && sameHost(spec.url, m_options.gitHubHost))
        co_return co_await cloneHereAndUpload(sandbox, path, spec, sink);
    const CommandResult cloned = co_await cloneWithSandboxGit(id, sandbox, path, spec, sink);
    if (cloned.exitCode != ExitGitMissing)
        co_return cloned;
    if (sink) {
        sink(OutputChannel::Stderr, u"The sandbox has no git; cloning with Daytona's toolbox instead, which "
                                    u"fetches the whole history.\n"_s.toUtf8());
    }
    co_await deleteProjectFolder(sandbox, path);
    co_return co_await cloneInSandbox(sandbox, path, spec, sink);
}

QCoro::Task<> DaytonaProvider::deleteProjectFolder(std::shared_ptr<SandboxContext> sandbox, QString path)
{
    try {
        co_await sandbox->toolbox->deleteFile(path, true);
    } catch (const DaytonaError& error) {
        if (error.kind() != DaytonaError::Kind::NotFound && error.kind() != DaytonaError::Kind::InvalidState)
            throw failureFrom(error);
    }
}

// `git clone --depth` by the sandbox's own git in a session command, so its progress streams into
// the clone step's output. Not the toolbox's git clone first: the daemon ignores `depth` and clones
// the whole history inside its own process, which on a small sandbox (1 vCPU, 1 GiB) can run out of
// memory or outlast the proxy, answering 502 after about 60 s (daytonaio/daytona#4544, #4667). git
// runs as GitEnvironment sets it up for a local clone: no configuration file (the home folder's
// belongs to whatever ran in the sandbox before), https only, no hooks, no prompts. Exit code
// ExitGitMissing when the image has no git.
QCoro::Task<CommandResult> DaytonaProvider::cloneWithSandboxGit(QString id,
                                                                std::shared_ptr<SandboxContext> sandbox,
                                                                QString path, CloneSpec spec, OutputSink sink)
{
    QString reason;
    if (!GitEnvironment::isAllowedUrl(spec.url, &reason))
        throw Failure::permanent(u"This repository address cannot be cloned."_s, reason);
    // Into the empty project folder, from inside it: runCommand's folders are the project's.
    co_await translated(sandbox->toolbox->createFolder(path, u"0755"_s));
    const QUrl url = spec.url.adjusted(QUrl::RemoveUserInfo);
    // One git clone, its arguments handed to git as "$@" (`forge-clone` names the shell in a process
    // list); or the commands that check out a pull request's head, each argument quoted.
    const QString gitCheck = u"command -v git >/dev/null 2>&1 || exit %1\n"_s.arg(ExitGitMissing);
    CommandSpec clone;
    if (spec.pullRequest > 0) {
        QStringList invocations;
        for (const QStringList& arguments :
             GitEnvironment::pullRequestArguments(url, spec.pullRequest, spec.depth, u"."_s)) {
            QStringList quoted{u"git"_s};
            for (const QString& argument : arguments)
                quoted << shell::quote(argument);
            invocations << quoted.join(u' ');
        }
        clone.argv = QStringList{u"sh"_s, u"-c"_s, gitCheck + invocations.join(u" &&\n"_s), u"forge-clone"_s};
    } else {
        clone.argv = QStringList{u"sh"_s, u"-c"_s, gitCheck + u"exec git \"$@\""_s, u"forge-clone"_s};
        clone.argv += GitEnvironment::cloneArguments(url, spec.branch, spec.depth, u"."_s);
    }
    QProcessEnvironment base;
    base.insert(u"LC_ALL"_s, u"C"_s); // git's words in English: the clone step's advice reads them
    // A stalled transfer ends the clone: below 1 byte/s for a minute (as HostClone).
    base.insert(u"GIT_HTTP_LOW_SPEED_LIMIT"_s, u"1"_s);
    base.insert(u"GIT_HTTP_LOW_SPEED_TIME"_s, u"60"_s);
    const QProcessEnvironment environment = GitEnvironment::forClone(base, url, QString());
    for (const QString& name : environment.keys())
        clone.environment.insert(name, environment.value(name));
    clone.timeout = std::chrono::hours(1);
    if (sink)
        sink(OutputChannel::Stdout,
             u"Cloning %1 into %2 (git clone in the sandbox)\n"_s.arg(url.toString(), path).toUtf8());
    co_return co_await runCommand(id, clone, sink);
}

QCoro::Task<CommandResult> DaytonaProvider::cloneInSandbox(std::shared_ptr<SandboxContext> sandbox,
                                                           QString path, CloneSpec spec, OutputSink sink)
{
    if (spec.pullRequest > 0) {
        throw Failure::permanent(
            u"The sandbox has no git, and Daytona's toolbox clones branches only: pull request #%1 cannot be "
            u"fetched."_s.arg(spec.pullRequest),
            u"Use an image or snapshot that has git (node:22-bookworm has it) in the Daytona settings, then "
            u"run "
            u"again."_s);
    }
    daytona::GitCloneParams params;
    params.url = spec.url.toString(QUrl::RemoveUserInfo);
    params.path = path;
    params.branch = spec.branch;
    if (spec.depth > 0)
        params.depth = spec.depth;
    if (sink) {
        sink(OutputChannel::Stdout, u"Cloning %1 into %2\n"_s.arg(params.url, path).toUtf8());
    }
    bool failed = false;
    try {
        co_await sandbox->toolbox->gitClone(params);
    } catch (const DaytonaError& error) {
        // The daemon clones the whole history in its own process: a 502 or a timeout is that clone
        // outgrowing the sandbox or the proxy (daytonaio/daytona#4544, #4667), and trying again
        // would only repeat it.
        if (error.kind() == DaytonaError::Kind::ServerError || error.kind() == DaytonaError::Kind::Timeout) {
            throw Failure::permanent(
                u"Daytona's toolbox could not finish the clone (%1); it fetches the whole history "
                u"in one request, which this repository outgrows."_s.arg(
                    error.statusCode() > 0 ? u"HTTP %1"_s.arg(error.statusCode()) : u"no answer in time"_s),
                u"Use an image or snapshot that has git (node:22-bookworm has it) in the Daytona settings, "
                u"so that the sandbox's own git makes a shallow clone, or choose a larger sandbox size; "
                u"then run again."_s);
        }
        if (error.isTransient())
            throw failureFrom(error);
        // git's own words (not found, authentication, unknown branch) are in the server's message;
        // they go to the output so the clone step's advice can read them.
        failed = true;
        if (sink) {
            const QString text =
                error.serverMessage().isEmpty() ? error.userMessage() : error.serverMessage();
            sink(OutputChannel::Stderr, (text + u'\n').toUtf8());
        }
    }
    CommandResult result;
    result.exitCode = failed ? 128 : 0;
    co_return result;
}

QCoro::Task<CommandResult> DaytonaProvider::cloneHereAndUpload(std::shared_ptr<SandboxContext> sandbox,
                                                               QString path, CloneSpec spec, OutputSink sink)
{
    if (sink) {
        sink(
            OutputChannel::Stdout,
            u"Cloning %1 on this computer, so that the GitHub token stays here; the clone then goes to %2\n"_s
                .arg(spec.url.toString(QUrl::RemoveUserInfo), path)
                .toUtf8());
    }
    HostClone clone;
    const CommandResult cloned = co_await clone.clone(spec, sink);
    if (!cloned.succeeded())
        co_return cloned; // git's words are in the output, for the clone step's advice
    const QString archive = co_await clone.pack();
    co_await uploadClone(sandbox, archive, path, sink);
    co_return cloned;
}

QCoro::Task<> DaytonaProvider::uploadClone(std::shared_ptr<SandboxContext> sandbox, QString archive,
                                           QString path, OutputSink sink)
{
    QFile file(archive);
    if (!file.open(QIODevice::ReadOnly)) {
        throw Failure::permanent(
            u"Could not read the packed clone %1: %2."_s.arg(archive, file.errorString()),
            u"Run again; if it happens again, check the temporary folder's disk."_s);
    }
    if (sink) {
        sink(
            OutputChannel::Stdout,
            u"Uploading the clone (%1 MiB)\n"_s.arg(double(file.size()) / (1024 * 1024), 0, 'f', 1).toUtf8());
    }
    // Beside the project folder, under a name no repository file has; gone once unpacked.
    const QString parent = path.section(u'/', 0, -2);
    const QString folder = parent + u"/.forge-upload-"_s + QUuid::createUuid().toString(QUuid::Id128);
    std::optional<Failure> failure;
    try {
        co_await translated(sandbox->toolbox->createFolder(folder, u"0700"_s));
        // In parts: no single request grows with the repository (nor outlasts a proxy's limits).
        for (int part = 0; !file.atEnd(); ++part) {
            const QByteArray bytes = file.read(UploadPartBytes);
            if (bytes.isEmpty()) {
                throw Failure::permanent(
                    u"Could not read the packed clone %1: %2."_s.arg(archive, file.errorString()),
                    u"Run again; if it happens again, check the temporary folder's disk."_s);
            }
            const QList<daytona::UploadFile> upload{
                {folder + u"/part-%1"_s.arg(part, 6, 10, QLatin1Char('0')), bytes}};
            co_await translated(sandbox->toolbox->uploadFiles(upload));
        }
        CommandSpec unpack;
        unpack.argv =
            QStringList{u"sh"_s, u"-c"_s, QString::fromLatin1(UnpackScript), u"forge-unpack"_s, folder, path};
        const QString line = commandLineFor(unpack, parent.isEmpty() ? u"/"_s : parent);
        const daytona::ExecuteResult unpacked =
            co_await translated(sandbox->toolbox->execute(line, {}, {}, UnpackTimeoutSeconds));
        if (unpacked.exitCode != 0) {
            throw Failure::permanent(
                u"The clone could not be unpacked in the sandbox (exit code %1): %2"_s.arg(unpacked.exitCode)
                    .arg(unpacked.result.trimmed().right(500)),
                u"The sandbox's image needs sh, cat, tar and gzip (node:22-bookworm has them); choose an "
                u"image or snapshot that has them in the Daytona settings, then run again."_s);
        }
    } catch (const Failure& caught) {
        failure = caught;
    }
    if (failure) {
        // The parts can be large: they do not stay behind in the work folder.
        try {
            co_await sandbox->toolbox->deleteFile(folder, true);
        } catch (const DaytonaError&) {
            // Never created, or the sandbox is unreachable; the next upload uses another name anyway.
        }
        throw *failure;
    }
}

QCoro::Task<ProjectSnapshot> DaytonaProvider::snapshotProject(QString id, QString directory)
{
    const auto sandbox = co_await context(id);
    const QString project = co_await projectPath(sandbox);
    const QString root = insideProject(project, directory);
    const QString relative = root == project ? QString() : root.mid(project.size() + 1);
    co_return co_await translated(readRemoteSnapshot(sandbox->toolbox, project, relative));
}

QCoro::Task<CommandResult> DaytonaProvider::runCommand(QString id, CommandSpec spec, OutputSink sink)
{
    const auto sandbox = co_await context(id);
    const QString project = co_await projectPath(sandbox);
    const QString directory = insideProject(project, spec.workingDirectory);
    // The project's variables: in a file the command reads and deletes (see environmentFile).
    const QByteArray script = environmentScript(spec.privateEnvironment);
    const QString file = spec.privateEnvironment.isEmpty() ? QString() : environmentFile(project);
    QString line = commandLineFor(spec, directory, file);
    // A working copy's first command (emptying the workspace, PreviewWorkflow::copyWorkingCopy) comes
    // before anything made the project folder, as a clone does: the folder is made when missing.
    if (directory == project)
        line = u"mkdir -p -- %1 && %2"_s.arg(shell::quote(project), line);

    // One session per command: its output streams (the plain execute call returns it only at the
    // end), and deleting the session ends whatever the command left running.
    const QString sessionId = newSessionId(u"run"_s);
    const std::shared_ptr<daytona::ToolboxApi> toolbox = sandbox->toolbox;
    co_await translated(toolbox->createSession(sessionId));
    CommandResult result;
    std::optional<Failure> failure;
    bool commandStarted = false;
    try {
        if (!file.isEmpty())
            co_await uploadEnvironmentFile(toolbox, file, script);
        const daytona::SessionCommandResult started = co_await toolbox->sessionExec(sessionId, line, true);
        commandStarted = true;
        daytona::CommandLogFollower follower(m_client->http(), *toolbox);
        follower.setPollInterval(m_logPollInterval);
        // A step the user waits on is the sandbox in use: auto-stop must not end a long install.
        // The dev server's follower (DaytonaBackgroundProcess) does not count; see CommandLogFollower.h.
        follower.setCountsAsActivity(true);
        // Locals, not temporaries in the co_await expression: GCC 12 miscompiles those.
        const daytona::CommandLogFollower::Sink split = splitInto(sink);
        const std::chrono::milliseconds limit =
            spec.timeout > 0ms ? spec.timeout : std::chrono::milliseconds(Unlimited);
        result.exitCode = co_await follower.follow(sessionId, started.cmdId, split, limit);
    } catch (const DaytonaError& error) {
        // Only the command's own time can run out: a request that timed out before it started
        // (the upload, the exec) is a failure.
        if (commandStarted && error.kind() == DaytonaError::Kind::Timeout && spec.timeout > 0ms)
            result.timedOut = true;
        else
            failure = failureFrom(error);
    }
    if (!file.isEmpty() && !commandStarted)
        co_await discardEnvironmentFile(toolbox, file);
    try {
        co_await toolbox->deleteSession(sessionId);
    } catch (const DaytonaError&) {
        // The command has ended (or the sandbox is gone); a leftover idle session costs nothing.
    }
    if (failure)
        throw *failure;
    co_return result;
}

QCoro::Task<std::unique_ptr<BackgroundProcess>> DaytonaProvider::startBackground(QString id, CommandSpec spec)
{
    const auto sandbox = co_await context(id);
    const QString project = co_await projectPath(sandbox);
    const QString directory = insideProject(project, spec.workingDirectory);
    // The project's variables: in a file the command reads and deletes (see environmentFile).
    const QByteArray script = environmentScript(spec.privateEnvironment);
    const QString file = spec.privateEnvironment.isEmpty() ? QString() : environmentFile(project);
    const QString line = commandLineFor(spec, directory, file);

    auto command = std::make_shared<SessionCommand>();
    command->client = m_client;
    command->toolbox = sandbox->toolbox;
    command->sessionId = newSessionId(u"server"_s);
    co_await translated(command->toolbox->createSession(command->sessionId));
    std::optional<Failure> failure;
    try {
        if (!file.isEmpty())
            co_await translated(uploadEnvironmentFile(command->toolbox, file, script));
        const daytona::SessionCommandResult started =
            co_await translated(command->toolbox->sessionExec(command->sessionId, line, true));
        command->commandId = started.cmdId;
    } catch (const Failure& caught) {
        failure = caught;
    }
    if (failure) {
        if (!file.isEmpty())
            co_await discardEnvironmentFile(command->toolbox, file);
        throw *failure;
    }
    co_return std::make_unique<DaytonaBackgroundProcess>(command, m_logPollInterval);
}

QCoro::Task<int> DaytonaProvider::allocatePort(QString id, int preferred)
{
    const std::optional<QList<int>> taken = co_await listeningPorts(id);
    const int first = preferred > 0 && preferred <= 65535 ? preferred : 3000;
    const int last = std::min(first + 100, 65535);
    for (int port = first; port <= last; ++port) {
        if (!taken || !taken->contains(port))
            co_return port;
    }
    throw Failure::transient(u"Ports %1 to %2 are all taken in the sandbox."_s.arg(first).arg(last),
                             u"Stop what else runs in the sandbox, or recreate it."_s);
}

QCoro::Task<PreviewEndpoint> DaytonaProvider::previewEndpoint(QString id, int port)
{
    const auto sandbox = co_await context(id);
    if (!sandbox->previews.contains(port)) {
        const daytona::PreviewLink link = co_await translated(m_client->sandboxes().previewUrl(id, port));
        sandbox->previews.insert(port, link);
    }
    const daytona::PreviewLink& link = sandbox->previews[port];
    PreviewEndpoint endpoint;
    endpoint.url = link.url;
    // A browser gets Daytona's warning page first unless told to skip it (docs/daytona-api.md §6).
    endpoint.headers.insert("X-Daytona-Skip-Preview-Warning", "true");
    // Neither the readiness probe nor the preview pane (its page, its hot-reload WebSocket, which
    // the proxy would count every 50 s while open) keeps the sandbox awake: only Keep Awake While
    // Shown does (SandboxManager), so a hidden or let-sleep project can auto-stop.
    endpoint.headers.insert(daytona::DaytonaHttp::SkipActivityHeader, "true");
    if (!sandbox->sandbox.isPublic && !link.token.isEmpty())
        endpoint.headers.insert("x-daytona-preview-token", link.token.toUtf8());
    co_return endpoint;
}

QCoro::Task<std::optional<QList<int>>> DaytonaProvider::listeningPorts(QString id)
{
    try {
        const auto sandbox = co_await context(id);
        co_return co_await sandbox->toolbox->listeningPorts();
    } catch (const DaytonaError&) {
    } catch (const Failure&) {
    }
    co_return std::nullopt; // cannot tell; the caller treats every port as possibly free
}

QMap<QByteArray, QByteArray> DaytonaProvider::healthProbeHeaders() const
{
    return {{daytona::DaytonaHttp::SkipActivityHeader, "true"}};
}

QCoro::Task<> DaytonaProvider::writeWorkspaceFile(QString id, QString name, QByteArray content)
{
    if (name.isEmpty() || name == u"."_s || name == u".."_s || name.contains(u'/') ||
        name.contains(QChar(0))) {
        throw Failure::permanent(u"“%1” is not a file name for the sandbox's workspace."_s.arg(name),
                                 u"This is a bug in Forge Preview; please report it."_s);
    }
    const auto sandbox = co_await context(id);
    const QString project = co_await projectPath(sandbox);
    const QString path = project + u'/' + name;
    const QList<daytona::UploadFile> upload{{path, std::move(content)}};
    std::optional<Failure> failure;
    try {
        co_await translated(sandbox->toolbox->uploadFiles(upload));
    } catch (const Failure& caught) {
        failure = caught;
    }
    if (failure) {
        // A part of the archive may have arrived; it does not stay in the project folder.
        try {
            co_await sandbox->toolbox->deleteFile(path);
        } catch (const DaytonaError&) {
            // Never written, or the sandbox cannot be reached.
        }
        throw *failure;
    }
}

QCoro::Task<> DaytonaProvider::refreshActivity(QString id)
{
    co_await translated(m_client->sandboxes().refreshActivity(id));
}

QCoro::Task<QUrl> DaytonaProvider::signedPreviewUrl(QString id, int port, std::chrono::minutes validFor)
{
    const int seconds = int(std::chrono::seconds(validFor).count());
    const daytona::PreviewLink link =
        co_await translated(m_client->sandboxes().signedPreviewUrl(id, port, seconds));
    co_return link.url;
}

QCoro::Task<> DaytonaProvider::testConnection()
{
    if (const QString invalid = m_client->http().config().validationError(); !invalid.isEmpty())
        throw Failure::permanent(invalid, u"Set the API key and URL, then test again."_s);
    daytona::ListSandboxesQuery query;
    query.limit = 1;
    try {
        co_await m_client->sandboxes().list(query);
    } catch (const DaytonaError& error) {
        if (error.kind() == DaytonaError::Kind::Unauthorized) {
            // The error already says to check the key; add only what it cannot know.
            throw failureFrom(error, u"The API key must belong to the organization of this API URL."_s);
        }
        if (error.kind() == DaytonaError::Kind::NotFound ||
            error.kind() == DaytonaError::Kind::MalformedResponse) {
            throw failureFrom(error, u"Check the API URL: it should end in /api, for example "
                                     u"https://app.daytona.io/api."_s);
        }
        throw failureFrom(error);
    }
}

} // namespace forge
