#include "InstallCacheKey.h"

#include <QCryptographicHash>
#include <QFileInfo>
#include <QRegularExpression>
#include <QUrl>

using namespace Qt::StringLiterals;

namespace forge {

namespace {

// Bumped when what the key covers changes, so old cache entries are never taken for new ones.
constexpr auto KeyFormat = "forge-install-cache/2";

void addField(QCryptographicHash& hash, QByteArrayView name, QByteArrayView value)
{
    // Length-prefixed, so no two different field lists hash the same bytes.
    hash.addData(name);
    const QByteArray length = QByteArray::number(value.size()) + ':';
    hash.addData(length);
    hash.addData(value);
    hash.addData("\n");
}

} // namespace

const QStringList& InstallCacheKey::inputFileNames()
{
    return ProjectSnapshot::installInputFileNames();
}

QString InstallCacheKey::repositoryIdentity(const RepoRef& repository)
{
    if (!repository.isRemote()) {
        const QString canonical = QFileInfo(repository.localPath()).canonicalFilePath();
        return u"local:"_s + (canonical.isEmpty() ? repository.localPath() : canonical);
    }
    QUrl url = repository.url().adjusted(QUrl::RemoveUserInfo | QUrl::RemoveQuery | QUrl::RemoveFragment |
                                         QUrl::StripTrailingSlash);
    url.setHost(url.host().toLower());
    if (url.path().endsWith(u".git"_s))
        url.setPath(url.path().chopped(4));
    QString identity = url.toString(QUrl::FullyEncoded);
    if (url.host() == u"github.com"_s)
        identity = identity.toLower(); // github.com/Owner/Repo and github.com/owner/repo are one repository
    return u"remote:"_s + identity;
}

QString InstallCacheKey::compute(const ProjectSnapshot& snapshot, const RunPlan& plan,
                                 const QString& nodeVersion, const QString& platform,
                                 const QString& repository)
{
    if (repository.isEmpty())
        return {};
    QCryptographicHash hash(QCryptographicHash::Sha256);
    addField(hash, "format", KeyFormat);
    // The repository's identity separates forks. A fork has the original's lockfile and
    // package.json, but anyone can make one, with its own install scripts and whatever files they
    // read, which no key can list (a postinstall may read any file); without the identity, a
    // stranger's fork previewed first fills the entry the original then restores (and the other way
    // round). Branches of one repository share entries on purpose: only the repository's own
    // collaborators push them, a branch that changes an install input gets its own key anyway, and a
    // new branch previews as fast as the default one. The branch is therefore not in the key.
    addField(hash, "repository", repository.toUtf8());
    addField(hash, "platform", platform.toUtf8());
    addField(hash, "node", nodeVersion.trimmed().toUtf8());
    addField(hash, "package-manager", toString(plan.packageManager).toUtf8());
    addField(hash, "package-manager-version", plan.packageManagerVersion.toUtf8());
    addField(hash, "install", plan.installCommand.join(QChar(0)).toUtf8());
    for (const QString& path : snapshot.installInputPaths()) { // sorted: reading order does not count
        const QByteArray digest = snapshot.digest(path);
        if (digest.isEmpty())
            return {}; // an input the key cannot see
        addField(hash, path.toUtf8(), digest);
    }
    return QString::fromLatin1(hash.result().toHex());
}

QStringList InstallCacheKey::unreadableInputs(const ProjectSnapshot& snapshot)
{
    QStringList unreadable;
    for (const QString& path : snapshot.installInputPaths()) {
        if (snapshot.digest(path).isEmpty())
            unreadable.append(path);
    }
    return unreadable;
}

QStringList InstallCacheKey::dependencyDirectories(const RunPlan& plan)
{
    QStringList directories{u"node_modules"_s};
    if (!plan.projectDirectory.isEmpty())
        directories.append(plan.projectDirectory + u"/node_modules"_s);
    return directories;
}

bool InstallCacheKey::isValid(const QString& key)
{
    static const QRegularExpression hex(u"\\A[0-9a-f]{64}\\z"_s);
    return hex.match(key).hasMatch();
}

} // namespace forge
