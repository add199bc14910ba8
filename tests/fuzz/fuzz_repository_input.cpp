// What a user types as a repository, and "Open in Forge Preview" links from web pages: everything
// that reaches git must be refused or made safe here. One input is tried as a repository, as a
// link, and as a branch name.

#include "FuzzInput.h"
#include "core/BranchName.h"
#include "core/DeepLink.h"
#include "core/RepoRef.h"

#include <QDir>

using namespace forge;
using namespace Qt::StringLiterals;

namespace {

void checkRemote(const RepoRef& repository)
{
    const QUrl& url = repository.url();
    fuzz::check(url.isValid(), "an accepted repository with an invalid URL");
    fuzz::check(url.scheme() == u"https"_s || url.scheme() == u"http"_s,
                "a remote repository that is not http(s)");
    fuzz::check(url.userInfo().isEmpty(), "credentials kept in a repository URL");
    fuzz::check(url.fragment().isEmpty(), "a fragment kept in a repository URL");
    fuzz::check(!url.host().isEmpty(), "a remote repository without a host");
    const QString text = url.toString(QUrl::FullyEncoded);
    fuzz::check(!text.startsWith(u'-'), "a repository URL that reads as an option");
    fuzz::check(!repository.displayName().isEmpty(), "an accepted repository without a name");
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    const QString input =
        QString::fromUtf8(reinterpret_cast<const char*>(data), static_cast<qsizetype>(size));

    // A working directory that does not exist: local paths are judged without touching anything.
    const auto repository = RepoRef::parse(input, QDir::tempPath() + u"/forge-fuzz-no-such-folder"_s);
    if (const auto* accepted = std::get_if<RepoRef>(&repository)) {
        if (accepted->isRemote())
            checkRemote(*accepted);
        else
            fuzz::check(QDir::isAbsolutePath(accepted->localPath()),
                        "a local repository with a relative path");
    } else {
        fuzz::check(!std::get<RepoRefError>(repository).message.isEmpty(), "a refusal without a message");
    }

    const auto link = DeepLink::parse(input);
    if (const auto* accepted = std::get_if<DeepLink>(&link)) {
        fuzz::check(DeepLink::looksLikeLink(input), "a link accepted without our scheme");
        fuzz::check(accepted->repository.isRemote(), "a link that opens a local folder");
        fuzz::check(accepted->repository.url().scheme() == u"https"_s,
                    "a link to a repository that is not https");
        checkRemote(accepted->repository);
        fuzz::check(accepted->branch.isEmpty() || !branchNameProblem(accepted->branch),
                    "a link with an invalid branch");
        fuzz::check(!accepted->branch.startsWith(u'-'), "a link with a branch that reads as an option");
    } else {
        fuzz::check(!std::get<RepoRefError>(link).message.isEmpty(), "a refused link without a message");
    }

    if (!branchNameProblem(input))
        fuzz::check(!input.isEmpty() && !input.startsWith(u'-') && !input.contains(u".."),
                    "an accepted branch name git would refuse");
    return 0;
}
