#include "ProjectSnapshot.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <algorithm>

using namespace Qt::StringLiterals;

namespace forge {

namespace {

// Root files detection looks at. The server-ish .js names let a plain Node project without a
// `main` field or scripts still be recognised.
const QStringList& snapshotRootFileNames()
{
    static const QStringList names{
        u"package.json"_s,
        u"package-lock.json"_s,
        u"npm-shrinkwrap.json"_s,
        u"pnpm-lock.yaml"_s,
        u"pnpm-workspace.yaml"_s,
        u"yarn.lock"_s,
        u".yarnrc.yml"_s,
        u"bun.lockb"_s,
        u"bun.lock"_s,
        u".nvmrc"_s,
        u".node-version"_s,
        u"index.html"_s,
        u"angular.json"_s,
        u"index.js"_s,
        u"server.js"_s,
        u"app.js"_s,
        u"main.js"_s,
    };
    return names;
}

// Files read in each workspace package.
const QStringList& snapshotPackageFileNames()
{
    static const QStringList names{u"package.json"_s, u"index.html"_s, u"angular.json"_s};
    return names;
}

QByteArray withoutBom(const QByteArray& content)
{
    return content.startsWith("\xEF\xBB\xBF") ? content.mid(3) : content;
}

bool isInside(const QString& canonicalRoot, const QString& canonicalPath)
{
    return canonicalPath == canonicalRoot || canonicalPath.startsWith(canonicalRoot + u'/');
}

// Keeps `dir/*` and `dir/name` style patterns (normalised), drops everything else.
QString simplePattern(QString pattern)
{
    pattern = pattern.trimmed();
    while (pattern.startsWith(u"./"_s))
        pattern.remove(0, 2);
    while (pattern.endsWith(u'/'))
        pattern.chop(1);
    if (pattern.endsWith(u"/**"_s))
        pattern.chop(1); // one level is what we read; deeper packages are rare
    static const QRegularExpression valid(u"\\A([A-Za-z0-9@_.-]+/)*([A-Za-z0-9@_.-]+|\\*)\\z"_s);
    if (!valid.match(pattern).hasMatch() || pattern == u"*"_s)
        return {};
    const QStringList segments = pattern.split(u'/');
    if (segments.contains(u".."_s) || segments.contains(u"."_s))
        return {};
    return pattern;
}

QStringList patternsFromPackageJson(const QByteArray& content)
{
    const QJsonDocument document = QJsonDocument::fromJson(withoutBom(content));
    if (!document.isObject())
        return {};
    QJsonValue workspaces = document.object().value("workspaces"_L1);
    if (workspaces.isObject())
        workspaces = workspaces.toObject().value("packages"_L1);
    QStringList patterns;
    for (const QJsonValue item : workspaces.toArray()) {
        if (item.isString())
            patterns.append(item.toString());
    }
    return patterns;
}

QString unquoted(QString value)
{
    value = value.trimmed();
    if (value.size() >= 2 && (value.front() == u'\'' || value.front() == u'"') &&
        value.back() == value.front())
        return value.mid(1, value.size() - 2);
    return value;
}

// Just enough YAML for pnpm-workspace.yaml's `packages:` list, block or flow style.
QStringList patternsFromPnpmWorkspace(const QByteArray& content)
{
    QStringList patterns;
    bool inPackages = false;
    const QStringList lines = QString::fromUtf8(withoutBom(content)).split(u'\n');
    static const QRegularExpression comment(u"\\s+#.*$"_s);
    for (QString line : lines) {
        line.remove(comment);
        if (line.trimmed().isEmpty() || line.trimmed().startsWith(u'#'))
            continue;
        const bool indented = line.front().isSpace();
        const QString trimmed = line.trimmed();
        if (!indented) {
            inPackages = trimmed.startsWith(u"packages:"_s);
            if (inPackages) {
                const QString rest = trimmed.mid(9).trimmed();
                if (rest.startsWith(u'[') && rest.endsWith(u']')) {
                    for (const QString& item : rest.mid(1, rest.size() - 2).split(u','))
                        patterns.append(unquoted(item));
                    inPackages = false;
                }
            }
            continue;
        }
        if (inPackages && trimmed.startsWith(u'-'))
            patterns.append(unquoted(trimmed.mid(1)));
    }
    return patterns;
}

class SnapshotReader
{
public:
    SnapshotReader(ProjectSnapshot& snapshot, QString canonicalRoot)
        : m_snapshot(snapshot)
        , m_root(std::move(canonicalRoot))
    {}

    // Records `relativePath` when it exists: its content when it is a regular file inside the root
    // and not larger than MaxFileSize, otherwise as unreadable.
    void readFile(const QString& relativePath)
    {
        const QFileInfo info(m_root + u'/' + relativePath);
        if (!info.exists() && !info.isSymLink())
            return;
        // A symlink may point anywhere, e.g. a hostile package.json -> /etc/shadow: refuse it unless
        // it resolves inside the checkout.
        const QString canonical = info.canonicalFilePath();
        if (canonical.isEmpty() || !isInside(m_root, canonical) || !info.isFile() ||
            info.size() > ProjectSnapshot::MaxFileSize) {
            m_snapshot.addUnreadableFile(relativePath);
            return;
        }
        QFile file(canonical);
        if (!file.open(QIODevice::ReadOnly)) {
            m_snapshot.addUnreadableFile(relativePath);
            return;
        }
        // Read at most one byte past the limit: the file may have grown since it was measured.
        const QByteArray content = file.read(ProjectSnapshot::MaxFileSize + 1);
        if (content.size() > ProjectSnapshot::MaxFileSize || file.error() != QFileDevice::NoError)
            m_snapshot.addUnreadableFile(relativePath);
        else
            m_snapshot.addFile(relativePath, content);
    }

    // A real directory (not a symlink) inside the root.
    bool isDirectoryInside(const QString& relativePath) const
    {
        const QFileInfo info(m_root + u'/' + relativePath);
        return info.isDir() && !info.isSymLink() && isInside(m_root, info.canonicalFilePath());
    }

    // Directories matched by the workspace patterns, in a stable order, at most the cap.
    QStringList workspaceDirectories(const QStringList& patterns) const
    {
        QStringList directories;
        for (const QString& pattern : patterns) {
            if (pattern.endsWith(u"/*"_s)) {
                const QString parent = pattern.chopped(2);
                if (!isDirectoryInside(parent))
                    continue;
                const QStringList children =
                    QDir(m_root + u'/' + parent)
                        .entryList(QDir::Dirs | QDir::NoDotAndDotDot | QDir::NoSymLinks, QDir::Name);
                for (const QString& child : children)
                    directories.append(parent + u'/' + child);
            } else {
                directories.append(pattern);
            }
        }
        directories.removeDuplicates();
        directories.erase(
            std::remove_if(directories.begin(), directories.end(),
                           [this](const QString& directory) { return !isDirectoryInside(directory); }),
            directories.end());
        if (directories.size() > ProjectSnapshot::MaxWorkspacePackages)
            directories.resize(ProjectSnapshot::MaxWorkspacePackages);
        return directories;
    }

private:
    ProjectSnapshot& m_snapshot;
    QString m_root;
};

} // namespace

const QStringList& ProjectSnapshot::rootFileNames()
{
    return snapshotRootFileNames();
}

const QStringList& ProjectSnapshot::packageFileNames()
{
    return snapshotPackageFileNames();
}

ProjectSnapshot ProjectSnapshot::fromDirectory(const QString& rootPath)
{
    ProjectSnapshot snapshot;
    const QString root = QFileInfo(rootPath).canonicalFilePath();
    if (root.isEmpty() || !QFileInfo(root).isDir())
        return snapshot;

    SnapshotReader reader(snapshot, root);
    for (const QString& name : ProjectSnapshot::rootFileNames())
        reader.readFile(name);

    for (const QString& directory : reader.workspaceDirectories(snapshot.workspacePatterns())) {
        for (const QString& name : ProjectSnapshot::packageFileNames())
            reader.readFile(directory + u'/' + name);
    }
    return snapshot;
}

void ProjectSnapshot::addFile(const QString& relativePath, const QByteArray& content)
{
    m_unreadable.removeAll(relativePath);
    m_files.insert(relativePath, content);
}

void ProjectSnapshot::addUnreadableFile(const QString& relativePath)
{
    m_files.remove(relativePath);
    if (!m_unreadable.contains(relativePath))
        m_unreadable.append(relativePath);
}

bool ProjectSnapshot::contains(const QString& relativePath) const
{
    return m_files.contains(relativePath) || m_unreadable.contains(relativePath);
}

QByteArray ProjectSnapshot::content(const QString& relativePath) const
{
    return m_files.value(relativePath);
}

bool ProjectSnapshot::isReadable(const QString& relativePath) const
{
    return m_files.contains(relativePath);
}

QStringList ProjectSnapshot::paths() const
{
    QStringList all = m_files.keys() + m_unreadable;
    all.sort();
    return all;
}

QStringList ProjectSnapshot::workspacePatterns() const
{
    const QStringList declared = patternsFromPackageJson(content(u"package.json"_s)) +
                                 patternsFromPnpmWorkspace(content(u"pnpm-workspace.yaml"_s));
    QStringList patterns;
    for (const QString& pattern : declared) {
        const QString simple = simplePattern(pattern);
        if (!simple.isEmpty() && !patterns.contains(simple))
            patterns.append(simple);
    }
    return patterns;
}

bool ProjectSnapshot::matchesWorkspacePattern(const QString& directory, const QStringList& patterns)
{
    for (const QString& pattern : patterns) {
        if (pattern.endsWith(u"/*"_s)) {
            const QString parent = pattern.chopped(1); // keeps the '/'
            if (directory.startsWith(parent) && directory.size() > parent.size() &&
                !directory.mid(parent.size()).contains(u'/'))
                return true;
        } else if (directory == pattern) {
            return true;
        }
    }
    return false;
}

} // namespace forge
