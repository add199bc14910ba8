#include "HostClone.h"

#include "core/Failure.h"
#include "sandbox/GitEnvironment.h"
#include "sandbox/HostCommand.h"

#include <QDir>

using namespace Qt::StringLiterals;
using namespace std::chrono_literals;

namespace forge {

namespace {

// git stops a stalled transfer itself (GIT_HTTP_LOW_SPEED_*, as LocalProvider's clone); this only
// ends a process that hangs for another reason.
constexpr auto ProcessLimit = std::chrono::hours(2);

} // namespace

HostClone::HostClone()
    : m_scratch(QDir::tempPath() + u"/forge-clone-XXXXXX"_s)
{
    if (!m_scratch.isValid()) {
        throw Failure::permanent(u"Could not create a folder for the clone in %1: %2."_s.arg(
                                     QDir::tempPath(), m_scratch.errorString()),
                                 u"Check that the disk is not full, then run again."_s);
    }
}

QString HostClone::treePath() const
{
    return m_scratch.filePath(u"tree"_s);
}

QCoro::Task<CommandResult> HostClone::clone(CloneSpec spec, OutputSink sink)
{
    QString reason;
    if (!GitEnvironment::isAllowedUrl(spec.url, &reason))
        throw Failure::permanent(u"This repository address cannot be cloned."_s, reason);
    const QString git = requiredProgram(
        u"git"_s, u"A private repository is cloned on this computer and uploaded to the Daytona sandbox, "
                  u"so that the GitHub token never enters the sandbox."_s);

    // This user's own environment (proxies and CA settings as curl reads them), cleaned by
    // GitEnvironment, which also has git read no configuration file (GIT_CONFIG_GLOBAL=/dev/null,
    // GIT_CONFIG_NOSYSTEM). An empty home of its own all the same, as LocalProvider's clone has: git
    // older than 2.32 ignores GIT_CONFIG_GLOBAL.
    const QString home = m_scratch.filePath(u"home"_s);
    if (!QDir().mkpath(home))
        throw Failure::permanent(u"Could not create %1."_s.arg(home), u"Check that the disk is not full."_s);
    QProcessEnvironment base = QProcessEnvironment::systemEnvironment();
    base.insert(u"HOME"_s, home);
    // git's messages in English: the clone step's advice reads them (FailureAdvice::cloneFailed).
    base.insert(u"LC_ALL"_s, u"C"_s);
    // A stalled transfer ends the clone: below 1 byte/s for a minute.
    base.insert(u"GIT_HTTP_LOW_SPEED_LIMIT"_s, u"1"_s);
    base.insert(u"GIT_HTTP_LOW_SPEED_TIME"_s, u"60"_s);
    const QProcessEnvironment environment = GitEnvironment::forClone(base, spec.url, spec.authToken);

    if (spec.pullRequest > 0 && !QDir().mkpath(treePath()))
        throw Failure::permanent(u"Could not create %1."_s.arg(treePath()),
                                 u"Check that the disk is not full."_s);
    CommandResult result;
    for (const QStringList& arguments :
         GitEnvironment::checkoutArguments(spec.url, spec.branch, spec.pullRequest, spec.depth, treePath())) {
        result = co_await runOnThisMachine(git, arguments, environment, m_scratch.path(), sink, ProcessLimit);
        if (!result.succeeded())
            break;
    }
    co_return result;
}

QCoro::Task<QString> HostClone::pack()
{
    const QString tar = requiredProgram(
        u"tar"_s, u"The clone of a private repository is packed with tar to be uploaded to the sandbox."_s);
    const QString archive = m_scratch.filePath(u"clone.tar.gz"_s);
    QByteArray errors;
    const OutputSink collect = [&errors](OutputChannel, const QByteArray& bytes) {
        if (errors.size() < 4096)
            errors += bytes;
    };
    // -C: every member is relative ("./src/..."), whatever the scratch folder is called.
    const QStringList arguments{u"-czf"_s, archive, u"-C"_s, treePath(), u"."_s};
    const CommandResult packed = co_await runOnThisMachine(
        tar, arguments, QProcessEnvironment::systemEnvironment(), m_scratch.path(), collect, ProcessLimit);
    if (!packed.succeeded()) {
        throw Failure::permanent(
            u"Could not pack the clone for the upload: %1"_s.arg(QString::fromUtf8(errors.trimmed())),
            u"Check that the disk is not full (the clone is in %1 while it runs), then run again."_s.arg(
                QDir::tempPath()));
    }
    co_return archive;
}

} // namespace forge
