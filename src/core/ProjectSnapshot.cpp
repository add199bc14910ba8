#include "ProjectSnapshot.h"

#include "ExpectedEnvironment.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <algorithm>
#include <cerrno>
#include <dirent.h>
#include <fcntl.h>
#include <functional>
#include <sys/stat.h>
#include <unistd.h>

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
        // The variables the repository expects (ExpectedEnvironment); not install inputs.
        u".env.example"_s,
        u".env.sample"_s,
        u".env.template"_s,
    };
    return names;
}

// Files read in each workspace package.
const QStringList& snapshotPackageFileNames()
{
    static const QStringList names{u"package.json"_s, u"index.html"_s,  u"angular.json"_s,
                                   u".env.example"_s, u".env.sample"_s, u".env.template"_s};
    return names;
}

const QStringList& snapshotInstallInputFileNames()
{
    static const QStringList names{
        u"package.json"_s,  u"package-lock.json"_s, u"npm-shrinkwrap.json"_s,
        u"yarn.lock"_s,     u"pnpm-lock.yaml"_s,    u"pnpm-workspace.yaml"_s,
        u"bun.lockb"_s,     u"bun.lock"_s,          u".npmrc"_s,
        u".yarnrc"_s,       u".yarnrc.yml"_s,       u".pnpmfile.cjs"_s,
        u".pnpmfile.mjs"_s, u"bunfig.toml"_s,       u".corepack.env"_s,
        u".nvmrc"_s,        u".node-version"_s,
    };
    return names;
}

const QStringList& snapshotInstallInputFolders()
{
    static const QStringList folders{u".yarn/releases"_s, u".yarn/plugins"_s, u".yarn/patches"_s,
                                     u"patches"_s};
    return folders;
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

// A path that a file of the repository names, made relative to the repository root: `raw` is
// relative to the folder `base` ("" for the root) or, with `~/`, to the root (Yarn's notation).
// Empty when it is absolute, leaves the repository or is not a file path at all.
QString referencedPath(const QString& base, QString raw)
{
    raw = unquoted(raw);
    if (raw.startsWith(u"~/"_s))
        return referencedPath(QString(), raw.mid(2));
    if (raw.isEmpty() || QDir::isAbsolutePath(raw) || raw.contains(QChar(0)) || raw.contains(u'\\'))
        return {};
    const QString clean = QDir::cleanPath(base.isEmpty() ? raw : base + u'/' + raw);
    if (clean.isEmpty() || clean == u"."_s || clean == u".."_s || clean.startsWith(u"../"_s) ||
        clean.startsWith(u'/'))
        return {};
    return clean;
}

// The values of the lines of `content` (a YAML, .npmrc or .yarnrc file) that `pattern` matches
// (its first capture), comments removed.
QStringList matchingValues(const QByteArray& content, const QRegularExpression& pattern)
{
    QStringList values;
    for (const QString& line : QString::fromUtf8(withoutBom(content)).split(u'\n')) {
        const QRegularExpressionMatch match = pattern.match(line);
        if (match.hasMatch())
            values.append(match.captured(1).trimmed());
    }
    return values;
}

// The values of the indented `key: value` lines of a top-level YAML mapping `block:`.
QStringList yamlBlockValues(const QByteArray& content, const QString& block)
{
    QStringList values;
    bool inBlock = false;
    static const QRegularExpression comment(u"\\s+#.*$"_s);
    for (QString line : QString::fromUtf8(withoutBom(content)).split(u'\n')) {
        line.remove(comment);
        if (line.trimmed().isEmpty() || line.trimmed().startsWith(u'#'))
            continue;
        if (!line.front().isSpace()) {
            inBlock = line.trimmed() == block + u':';
            continue;
        }
        const qsizetype colon = line.lastIndexOf(u": "_s);
        if (inBlock && colon > 0)
            values.append(line.mid(colon + 2).trimmed());
    }
    return values;
}

// The files a package.json names as install inputs, relative to its own folder: `patch:`
// dependencies (`patch:<package>#<patch file>`, Yarn) and `file:` tarballs, wherever a dependency
// or override is declared; and pnpm's patchedDependencies.
QStringList referencesOfPackageJson(const QByteArray& content)
{
    const QJsonDocument document = QJsonDocument::fromJson(withoutBom(content));
    if (!document.isObject())
        return {};
    QStringList references;
    std::function<void(const QJsonValue&)> scan = [&](const QJsonValue& value) {
        if (value.isObject()) {
            for (const QJsonValue child : value.toObject())
                scan(child);
            return;
        }
        const QString text = value.toString();
        if (text.startsWith(u"patch:"_s) && text.contains(u'#')) {
            // The patch file follows the last '#', before any `::` parameters a lockfile adds.
            references.append(text.section(u'#', -1).section(u"::"_s, 0, 0));
        } else if (text.startsWith(u"file:"_s)) {
            const QString target = text.mid(5);
            if (target.endsWith(u".tgz"_s) || target.endsWith(u".tar.gz"_s) || target.endsWith(u".tar"_s))
                references.append(target);
        }
    };
    const QJsonObject root = document.object();
    for (const auto* field : {"dependencies", "devDependencies", "optionalDependencies", "peerDependencies",
                              "resolutions", "overrides"})
        scan(root.value(QLatin1StringView(field)));
    const QJsonObject pnpm = root.value("pnpm"_L1).toObject();
    scan(pnpm.value("overrides"_L1));
    for (const QJsonValue patch : pnpm.value("patchedDependencies"_L1).toObject()) {
        if (patch.isString())
            references.append(patch.toString());
    }
    return references;
}

using FileStatus = struct stat;

// A file descriptor closed when it goes out of scope.
class FileDescriptor
{
public:
    explicit FileDescriptor(int fd = -1)
        : m_fd(fd)
    {}
    FileDescriptor(const FileDescriptor&) = delete;
    FileDescriptor& operator=(const FileDescriptor&) = delete;
    ~FileDescriptor() { reset(); }
    void reset(int fd = -1)
    {
        if (m_fd >= 0)
            ::close(m_fd);
        m_fd = fd;
    }
    int get() const { return m_fd; }
    bool isOpen() const { return m_fd >= 0; }

private:
    int m_fd;
};

// Opens `relativePath` below the folder `rootFd` one component at a time, each with O_NOFOLLOW, so
// a symbolic link anywhere on the way fails the open (ELOOP, or ENOTDIR where a folder is
// expected): the repository controls every name on the way, and a link could lead out of it or
// swap what was checked for something else. Returns -1 with errno set (ENOENT: nothing there).
int openBeneath(int rootFd, const QString& relativePath, int flags)
{
    const QStringList parts = relativePath.split(u'/');
    for (const QString& part : parts) {
        if (part.isEmpty() || part == u"."_s || part == u".."_s) {
            errno = EINVAL;
            return -1;
        }
    }
    FileDescriptor folder;
    int parent = rootFd;
    for (qsizetype i = 0; i + 1 < parts.size(); ++i) {
        const int next = ::openat(parent, QFile::encodeName(parts.at(i)).constData(),
                                  O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (next < 0)
            return -1;
        folder.reset(next);
        parent = next;
    }
    return ::openat(parent, QFile::encodeName(parts.constLast()).constData(), flags | O_NOFOLLOW | O_CLOEXEC);
}

class SnapshotReader
{
public:
    SnapshotReader(ProjectSnapshot& snapshot, QString canonicalRoot)
        : m_snapshot(snapshot)
        , m_root(std::move(canonicalRoot))
        , m_rootFd(::open(QFile::encodeName(m_root).constData(), O_RDONLY | O_DIRECTORY | O_CLOEXEC))
    {}

    // Reads an install input: kept when at most MaxFileSize, hashed when at most MaxHashedFileSize,
    // otherwise (or when it is a symbolic link, has one on the way, or is no regular file) recorded
    // as unreadable. Nothing is recorded when it does not exist. Counts against the bounds on install
    // inputs; false once they are exceeded.
    bool readInstallInput(const QString& relativePath)
    {
        if (++m_inputFiles > ProjectSnapshot::MaxInstallInputFiles)
            return false;
        // O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer.
        const FileDescriptor file(openBeneath(m_rootFd.get(), relativePath, O_RDONLY | O_NONBLOCK));
        if (!file.isOpen()) {
            if (errno != ENOENT)
                m_snapshot.addUnreadableFile(relativePath);
            return true;
        }
        FileStatus status{};
        if (::fstat(file.get(), &status) != 0 || !S_ISREG(status.st_mode) ||
            status.st_size > ProjectSnapshot::MaxHashedFileSize) {
            m_snapshot.addUnreadableFile(relativePath);
            return true;
        }
        QCryptographicHash hash(QCryptographicHash::Sha256);
        QByteArray content;
        qint64 total = 0;
        char buffer[64 * 1024];
        for (;;) {
            const ssize_t got = ::read(file.get(), buffer, sizeof buffer);
            if (got < 0 && errno == EINTR)
                continue;
            if (got < 0 || total + got > ProjectSnapshot::MaxHashedFileSize ||
                m_inputBytes + got > ProjectSnapshot::MaxInstallInputBytes) {
                m_snapshot.addUnreadableFile(relativePath);
                return got >= 0 && m_inputBytes + got <= ProjectSnapshot::MaxInstallInputBytes;
            }
            if (got == 0)
                break;
            hash.addData(QByteArrayView(buffer, got));
            if (total + got <= ProjectSnapshot::MaxFileSize)
                content.append(buffer, got);
            total += got;
            m_inputBytes += got;
        }
        if (total <= ProjectSnapshot::MaxFileSize)
            m_snapshot.addFile(relativePath, content);
        else
            m_snapshot.addFileDigest(relativePath, hash.result());
        return true;
    }

    // Reads every file under `folder` (an install-input folder) as readInstallInput() does, at most
    // MaxInstallInputDepth folders deep. A symbolic link, anything that is neither file nor folder,
    // or exceeded bounds leave `folder` recorded as unreadable.
    void readInstallFolder(const QString& folder) { readInstallFolder(folder, folder, 0); }

    // Records `relativePath` when it exists: its content when it is a regular file inside the root
    // and not larger than MaxFileSize, otherwise as unreadable.
    void readFile(const QString& relativePath)
    {
        const QFileInfo info(m_root + u'/' + relativePath);
        if (!info.exists() && !info.isSymLink())
            return;
        // An install input too large to keep is still hashed for the install cache key.
        if (info.size() > ProjectSnapshot::MaxFileSize &&
            ProjectSnapshot::installInputFileNames().contains(info.fileName())) {
            readInstallInput(relativePath);
            return;
        }

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

    // Records the public variables the source files refer to (ProjectSnapshot::addVariableReference),
    // breadth first so that the bounds cut the deepest files, never following a link.
    void scanVariableReferences()
    {
        QList<std::pair<QString, int>> folders{{QString(), 0}}; // relative path, depth
        for (qsizetype i = 0; i < folders.size() && !scanBoundReached(); ++i) {
            const auto [folder, depth] = folders.at(i);
            for (const QString& child : scanFolder(folder, depth < ProjectSnapshot::MaxReferenceScanDepth))
                folders.append({child, depth + 1});
        }
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
    bool scanBoundReached() const
    {
        return m_scanFiles >= ProjectSnapshot::MaxReferenceScanFiles ||
               m_scanEntries >= ProjectSnapshot::MaxReferenceScanEntries ||
               m_scanBytes >= ProjectSnapshot::MaxReferenceScanBytes;
    }

    // Scans the source files of `folder` and returns its subfolders worth scanning (none unless
    // `descend`).
    QStringList scanFolder(const QString& folder, bool descend)
    {
        const FileDescriptor directory(folder.isEmpty()
                                           ? ::dup(m_rootFd.get())
                                           : openBeneath(m_rootFd.get(), folder, O_RDONLY | O_DIRECTORY));
        if (!directory.isOpen())
            return {};
        QStringList subfolders;
        for (const QString& name : sortedEntries(directory.get())) {
            if (++m_scanEntries > ProjectSnapshot::MaxReferenceScanEntries)
                break;
            FileStatus status{};
            if (::fstatat(directory.get(), QFile::encodeName(name).constData(), &status,
                          AT_SYMLINK_NOFOLLOW) != 0)
                continue;
            const QString path = folder.isEmpty() ? name : folder + u'/' + name;
            if (S_ISDIR(status.st_mode) && descend && !isSkippedFolder(name))
                subfolders.append(path);
            else if (S_ISREG(status.st_mode) && isScannedSource(name) &&
                     status.st_size <= ProjectSnapshot::MaxReferenceScanFileSize)
                scanSource(directory.get(), name, path);
            if (scanBoundReached())
                break;
        }
        return subfolders;
    }

    void scanSource(int directory, const QString& name, const QString& path)
    {
        ++m_scanFiles;
        const FileDescriptor file(::openat(directory, QFile::encodeName(name).constData(),
                                           O_RDONLY | O_NONBLOCK | O_NOFOLLOW | O_CLOEXEC));
        FileStatus status{};
        if (!file.isOpen() || ::fstat(file.get(), &status) != 0 || !S_ISREG(status.st_mode))
            return;
        QByteArray content;
        char buffer[64 * 1024];
        while (content.size() <= ProjectSnapshot::MaxReferenceScanFileSize) {
            const ssize_t got = ::read(file.get(), buffer, sizeof buffer);
            if (got < 0 && errno == EINTR)
                continue;
            if (got <= 0)
                break;
            content.append(buffer, got);
        }
        m_scanBytes += content.size();
        // The file may have grown since it was measured; and most files never mention "env".
        if (content.size() > ProjectSnapshot::MaxReferenceScanFileSize || !content.contains("env"))
            return;
        for (const QString& variable :
             ExpectedEnvironment::publicNamesReferencedIn(QString::fromUtf8(content)))
            m_snapshot.addVariableReference(variable, path);
    }

    static QStringList sortedEntries(int directory)
    {
        QStringList names;
        DIR* listing = ::fdopendir(::dup(directory));
        if (!listing)
            return names;
        while (const dirent* entry = ::readdir(listing)) {
            const QString name = QFile::decodeName(entry->d_name);
            if (name != u"."_s && name != u".."_s)
                names.append(name);
        }
        ::closedir(listing);
        names.sort(); // a stable order, so the bounds cut the same files every time
        return names;
    }

    // Dependencies, version control, build output and package manager code: not the app's source.
    static bool isSkippedFolder(const QString& name)
    {
        static const QStringList skipped{u"node_modules"_s, u".git"_s,   u"dist"_s,        u"build"_s,
                                         u".next"_s,        u".nuxt"_s,  u".svelte-kit"_s, u".output"_s,
                                         u".vercel"_s,      u".turbo"_s, u".yarn"_s};
        return skipped.contains(name);
    }

    static bool isScannedSource(const QString& name)
    {
        static const QStringList extensions{u"js"_s,  u"jsx"_s, u"ts"_s,     u"tsx"_s,  u"mjs"_s,
                                            u"cjs"_s, u"vue"_s, u"svelte"_s, u"astro"_s};
        const qsizetype dot = name.lastIndexOf(u'.');
        return dot > 0 && extensions.contains(name.mid(dot + 1).toLower());
    }

    void readInstallFolder(const QString& top, const QString& folder, int depth)
    {
        FileDescriptor directory(openBeneath(m_rootFd.get(), folder, O_RDONLY | O_DIRECTORY));
        if (!directory.isOpen()) {
            if (errno != ENOENT)
                m_snapshot.addUnreadableFile(top);
            return;
        }
        QStringList names;
        {
            DIR* listing = ::fdopendir(::dup(directory.get()));
            if (!listing) {
                m_snapshot.addUnreadableFile(top);
                return;
            }
            while (const dirent* entry = ::readdir(listing)) {
                const QString name = QFile::decodeName(entry->d_name);
                if (name != u"."_s && name != u".."_s)
                    names.append(name);
            }
            ::closedir(listing);
        }
        names.sort(); // a stable order, so the bounds cut the same files every time
        for (const QString& name : std::as_const(names)) {
            const QString path = folder + u'/' + name;
            FileStatus status{};
            if (::fstatat(directory.get(), QFile::encodeName(name).constData(), &status,
                          AT_SYMLINK_NOFOLLOW) != 0) {
                m_snapshot.addUnreadableFile(top);
                return;
            }
            if (S_ISDIR(status.st_mode) && depth + 1 < ProjectSnapshot::MaxInstallInputDepth) {
                readInstallFolder(top, path, depth + 1);
            } else if (S_ISREG(status.st_mode)) {
                if (!readInstallInput(path)) {
                    m_snapshot.addUnreadableFile(top);
                    return;
                }
            } else {
                m_snapshot.addUnreadableFile(top); // a link, a device, or a folder too deep
                return;
            }
        }
    }

    ProjectSnapshot& m_snapshot;
    QString m_root;
    FileDescriptor m_rootFd;
    int m_inputFiles = 0;
    qint64 m_inputBytes = 0;
    int m_scanFiles = 0;
    int m_scanEntries = 0;
    qint64 m_scanBytes = 0;
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

const QStringList& ProjectSnapshot::installInputFileNames()
{
    return snapshotInstallInputFileNames();
}

const QStringList& ProjectSnapshot::installInputFolders()
{
    return snapshotInstallInputFolders();
}

QStringList ProjectSnapshot::referencedInstallInputs() const
{
    QStringList raw;
    // .yarnrc.yml: `yarnPath: .yarn/releases/yarn-4.5.0.cjs` and `plugins:` entries
    // (`- path: .yarn/plugins/…` or `path:` under a `- spec:` item).
    static const QRegularExpression yarnPath(u"^\\s*(?:-\\s+)?(?:yarnPath|path)\\s*:\\s*([^#]+)"_s);
    raw += matchingValues(content(u".yarnrc.yml"_s), yarnPath);
    // .yarnrc (Yarn 1): `yarn-path ".yarn/releases/yarn-1.22.22.cjs"`.
    static const QRegularExpression classicYarnPath(u"^\\s*\"?yarn-path\"?\\s*[ =]\\s*([^#]+)"_s);
    raw += matchingValues(content(u".yarnrc"_s), classicYarnPath);
    // pnpm: `pnpmfile=…` in .npmrc, `pnpmfile: …` and `patchedDependencies:` in pnpm-workspace.yaml.
    static const QRegularExpression npmrcPnpmfile(u"^\\s*pnpmfile\\s*=\\s*([^#;]+)"_s);
    raw += matchingValues(content(u".npmrc"_s), npmrcPnpmfile);
    static const QRegularExpression yamlPnpmfile(u"^pnpmfile\\s*:\\s*([^#]+)"_s);
    raw += matchingValues(content(u"pnpm-workspace.yaml"_s), yamlPnpmfile);
    raw += yamlBlockValues(content(u"pnpm-workspace.yaml"_s), u"patchedDependencies"_s);

    QStringList references;
    for (const QString& path : std::as_const(raw))
        references.append(referencedPath(QString(), path));
    // Every package.json read (the root's and the workspace packages'), relative to its folder.
    for (auto it = m_files.cbegin(); it != m_files.cend(); ++it) {
        if (it.key() != u"package.json"_s && !it.key().endsWith(u"/package.json"_s))
            continue;
        const QString folder = it.key().contains(u'/') ? it.key().section(u'/', 0, -2) : QString();
        for (const QString& path : referencesOfPackageJson(it.value()))
            references.append(referencedPath(folder, path));
    }
    references.removeAll(QString());
    references.removeDuplicates();
    references.sort();
    return references;
}

QStringList ProjectSnapshot::installInputPaths() const
{
    const QStringList referenced = referencedInstallInputs();
    QStringList inputs;
    for (const QString& path : paths()) {
        const bool inFolder = std::any_of(
            installInputFolders().cbegin(), installInputFolders().cend(),
            [&path](const QString& folder) { return path == folder || path.startsWith(folder + u'/'); });
        if (inFolder || referenced.contains(path) || installInputFileNames().contains(path.section(u'/', -1)))
            inputs.append(path);
    }
    return inputs;
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

    // The install inputs detection does not look at, read without following any link.
    for (const QString& name : ProjectSnapshot::installInputFileNames()) {
        if (!snapshot.contains(name) && !ProjectSnapshot::rootFileNames().contains(name))
            reader.readInstallInput(name);
    }
    for (const QString& folder : ProjectSnapshot::installInputFolders())
        reader.readInstallFolder(folder);
    for (const QString& path : snapshot.referencedInstallInputs()) {
        if (!snapshot.contains(path) && !reader.readInstallInput(path))
            snapshot.addUnreadableFile(path); // beyond the bounds: the key cannot cover it
    }
    reader.scanVariableReferences();
    return snapshot;
}

void ProjectSnapshot::addVariableReference(const QString& name, const QString& relativePath)
{
    QStringList& files = m_references[name];
    const auto at = std::lower_bound(files.begin(), files.end(), relativePath);
    if (at == files.end() || *at != relativePath)
        files.insert(at, relativePath);
}

void ProjectSnapshot::addFile(const QString& relativePath, const QByteArray& content)
{
    m_unreadable.removeAll(relativePath);
    m_digests.remove(relativePath);
    m_files.insert(relativePath, content);
}

void ProjectSnapshot::addFileDigest(const QString& relativePath, const QByteArray& sha256)
{
    m_unreadable.removeAll(relativePath);
    m_files.remove(relativePath);
    m_digests.insert(relativePath, sha256);
}

void ProjectSnapshot::addUnreadableFile(const QString& relativePath)
{
    m_files.remove(relativePath);
    m_digests.remove(relativePath);
    if (!m_unreadable.contains(relativePath))
        m_unreadable.append(relativePath);
}

bool ProjectSnapshot::contains(const QString& relativePath) const
{
    return m_files.contains(relativePath) || m_digests.contains(relativePath) ||
           m_unreadable.contains(relativePath);
}

QByteArray ProjectSnapshot::digest(const QString& relativePath) const
{
    if (const auto file = m_files.constFind(relativePath); file != m_files.cend())
        return QCryptographicHash::hash(*file, QCryptographicHash::Sha256);
    return m_digests.value(relativePath);
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
    QStringList all = m_files.keys() + m_digests.keys() + m_unreadable;
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
