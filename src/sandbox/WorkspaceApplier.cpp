#include "WorkspaceApplier.h"

#include <QCoroSignal>
#include <QFile>
#include <QPointer>

using namespace Qt::StringLiterals;

namespace forge {

namespace {

// What applying changes is, in one place for both ways: the same tar as SandboxProvider's, the
// archive removed whatever tar did, then the deletions. $1: the archive's name at the workspace
// root, or empty; then the paths to remove. Its status is the first failure's.
constexpr auto ApplyFunction =
    "apply_changes() {\n"
    "  archive=$1; shift\n"
    "  status=0\n"
    "  if [ -n \"$archive\" ]; then\n"
    "    tar -x -f \"$archive\" --no-same-owner --no-same-permissions --no-overwrite-dir -m || status=$?\n"
    "    rm -f -- \"$archive\" || [ \"$status\" -ne 0 ] || status=1\n"
    "  fi\n"
    "  [ \"$status\" -eq 0 ] || return \"$status\"\n"
    "  [ \"$#\" -eq 0 ] || rm -f -- \"$@\"\n"
    "}\n";

// The applier: apply_changes for each request read from stdin (see the class comment).
constexpr auto ApplierLoop = "while IFS= read -r request_archive && IFS= read -r count; do\n"
                             "  set -- \"$request_archive\"\n"
                             "  while [ \"$count\" -gt 0 ]; do IFS= read -r path; set -- \"$@\" \"$path\"; "
                             "count=$((count - 1)); done\n"
                             "  apply_changes \"$@\"\n"
                             "  echo \"forge-applied $?\"\n"
                             "done\n";

constexpr QByteArrayView AnswerPrefix = "forge-applied ";

} // namespace

QStringList WorkspaceApplier::command()
{
    return {u"/bin/sh"_s, u"-c"_s, QString::fromLatin1(ApplyFunction) + QString::fromLatin1(ApplierLoop),
            u"sh"_s};
}

QStringList WorkspaceApplier::oneShotCommand(const QString& archiveName, const QStringList& deletions)
{
    return QStringList{u"/bin/sh"_s, u"-c"_s,
                       QString::fromLatin1(ApplyFunction) + u"apply_changes \"$@\"\n"_s, u"sh"_s,
                       archiveName} +
           deletions;
}

WorkspaceApplier::WorkspaceApplier(std::shared_ptr<LocalProcess> process, QObject* parent)
    : QObject(parent)
    , m_process(std::move(process))
{
    connect(m_process.get(), &LocalProcess::output, this, &WorkspaceApplier::onOutput);
    connect(m_process.get(), &LocalProcess::finished, this, [this] { Q_EMIT answered(-1); });
}

WorkspaceApplier::~WorkspaceApplier()
{
    m_process->disconnect(this);
    m_process->killTree();
}

QCoro::Task<CommandResult> WorkspaceApplier::apply(QString archiveName, QStringList deletions,
                                                   OutputSink sink, std::chrono::milliseconds timeout)
{
    while (m_busy)
        co_await qCoro(this, &WorkspaceApplier::idle);
    if (!isAlive())
        co_return CommandResult{-1, false, true};
    m_busy = true;
    m_sink = std::move(sink);
    QByteArray request = QFile::encodeName(archiveName) + '\n' + QByteArray::number(deletions.size()) + '\n';
    for (const QString& path : std::as_const(deletions))
        request += QFile::encodeName(path) + '\n';
    m_process->writeInput(request);
    QPointer<WorkspaceApplier> self(this);
    const std::optional<int> status = co_await qCoro(this, &WorkspaceApplier::answered, timeout);
    if (!self) // the sandbox was deleted meanwhile
        co_return CommandResult{-1, false, true};
    m_sink = {};
    m_busy = false;
    Q_EMIT idle();
    if (!status) {
        m_process->killTree(); // a shell that does not answer is not asked again
        co_return CommandResult{-1, true, false};
    }
    if (*status < 0)
        co_return CommandResult{-1, false, true};
    co_return CommandResult{*status, false, false};
}

void WorkspaceApplier::onOutput(OutputChannel channel, const QByteArray& bytes)
{
    if (channel == OutputChannel::Stderr) {
        if (m_sink)
            m_sink(channel, bytes);
        return;
    }
    m_stdout += bytes;
    qsizetype end;
    while ((end = m_stdout.indexOf('\n')) >= 0) {
        const QByteArray line = m_stdout.left(end);
        m_stdout.remove(0, end + 1);
        if (line.startsWith(AnswerPrefix))
            Q_EMIT answered(line.mid(AnswerPrefix.size()).toInt());
        else if (m_sink)
            m_sink(OutputChannel::Stdout, line + '\n');
    }
}

} // namespace forge
