#include "InstallCacheKey.h"

#include <QCryptographicHash>
#include <QRegularExpression>

using namespace Qt::StringLiterals;

namespace forge {

namespace {

// Bumped when what the key covers changes, so old cache entries are never taken for new ones.
constexpr auto KeyFormat = "forge-install-cache/1";

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
    static const QStringList names{
        u"package.json"_s,  u"package-lock.json"_s, u"npm-shrinkwrap.json"_s,
        u"yarn.lock"_s,     u"pnpm-lock.yaml"_s,    u"pnpm-workspace.yaml"_s,
        u"bun.lockb"_s,     u"bun.lock"_s,          u".npmrc"_s,
        u".yarnrc"_s,       u".yarnrc.yml"_s,       u".nvmrc"_s,
        u".node-version"_s,
    };
    return names;
}

QString InstallCacheKey::compute(const ProjectSnapshot& snapshot, const RunPlan& plan,
                                 const QString& nodeVersion, const QString& platform)
{
    QCryptographicHash hash(QCryptographicHash::Sha256);
    addField(hash, "format", KeyFormat);
    addField(hash, "platform", platform.toUtf8());
    addField(hash, "node", nodeVersion.trimmed().toUtf8());
    addField(hash, "package-manager", toString(plan.packageManager).toUtf8());
    addField(hash, "package-manager-version", plan.packageManagerVersion.toUtf8());
    addField(hash, "install", plan.installCommand.join(QChar(0)).toUtf8());
    for (const QString& path : snapshot.paths()) { // sorted: the key does not depend on reading order
        const QString name = path.section(u'/', -1);
        if (!inputFileNames().contains(name))
            continue;
        // A file too large to read still changes the key when it appears or goes.
        addField(hash, path.toUtf8(),
                 snapshot.isReadable(path) ? snapshot.content(path) : QByteArrayView("<unreadable>"));
    }
    return QString::fromLatin1(hash.result().toHex());
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
