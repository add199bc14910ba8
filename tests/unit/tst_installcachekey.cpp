// The install cache key: what changes it (every install input, package manager, Node.js, the
// install command, the back end, the repository) and what does not (the rest of the repository,
// reading order, the branch); and the install inputs ProjectSnapshot reads from a real folder,
// without following links and within bounds.

#include "core/InstallCacheKey.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>
#include <functional>
#include <sys/stat.h>

using namespace Qt::StringLiterals;
using forge::InstallCacheKey;
using forge::ProjectSnapshot;
using forge::RunPlan;

namespace {

ProjectSnapshot expressSnapshot()
{
    ProjectSnapshot snapshot;
    snapshot.addFile(u"package.json"_s, R"({"name":"app","dependencies":{"express":"4.21.2"}})");
    snapshot.addFile(u"package-lock.json"_s, R"({"lockfileVersion":3,"packages":{}})");
    snapshot.addFile(u"index.html"_s, "<h1>hello</h1>");
    return snapshot;
}

RunPlan npmPlan()
{
    RunPlan plan;
    plan.packageManager = forge::PackageManager::Npm;
    plan.installCommand = {u"npm"_s, u"ci"_s};
    return plan;
}

const QString Repository = u"remote:https://github.com/owner/app"_s;

QString keyOf(const ProjectSnapshot& snapshot, const RunPlan& plan = npmPlan(),
              const QString& node = u"v20.19.0"_s, const QString& platform = u"local"_s,
              const QString& repository = Repository)
{
    return InstallCacheKey::compute(snapshot, plan, node, platform, repository);
}

forge::RepoRef repo(const QString& input)
{
    auto parsed = forge::RepoRef::parse(input, QString());
    if (!std::holds_alternative<forge::RepoRef>(parsed))
        qFatal("not a repository: %s", qPrintable(input));
    return std::get<forge::RepoRef>(parsed);
}

bool writeFile(const QString& path, const QByteArray& content)
{
    if (!QDir().mkpath(QFileInfo(path).absolutePath()))
        return false;
    QFile file(path);
    return file.open(QIODevice::WriteOnly) && file.write(content) == content.size();
}

// A Yarn project with an install input of every kind, in a real folder.
void writeYarnProject(const QString& root)
{
    const QMap<QString, QByteArray> files{
        {u"package.json"_s, R"({"name":"app","packageManager":"yarn@4.5.0",
            "dependencies":{"left-pad":"patch:left-pad@npm%3A1.3.0#~/.yarn/patches/left-pad.patch",
                            "vendored":"file:./vendor/vendored-1.0.0.tgz"},
            "pnpm":{"patchedDependencies":{"is-odd@3.0.1":"custom-patches/is-odd.patch"}}})"},
        {u"yarn.lock"_s, "__metadata:\n  version: 8\n"},
        {u".yarnrc.yml"_s, "yarnPath: tools/yarn-4.5.0.cjs\nplugins:\n  - path: tools/plugin-hello.cjs\n"
                           "    spec: hello\n"},
        {u".npmrc"_s, "registry=https://registry.npmjs.org/\npnpmfile=hooks/pnpmfile.cjs\n"},
        {u".yarnrc"_s, "yarn-path \"tools/yarn-1.22.22.js\"\n"},
        {u".pnpmfile.cjs"_s, "module.exports = {hooks: {}};\n"},
        {u"bunfig.toml"_s, "[install]\n"},
        {u".corepack.env"_s, "COREPACK_NPM_REGISTRY=https://registry.npmjs.org\n"},
        {u".yarn/releases/yarn-4.5.0.cjs"_s, "// a Yarn release\n"},
        {u".yarn/plugins/@yarnpkg/plugin-workspace-tools.cjs"_s, "// a plugin\n"},
        {u".yarn/patches/left-pad.patch"_s, "--- a\n+++ b\n"},
        {u"patches/react+18.3.1.patch"_s, "--- a\n+++ b\n"},
        {u"custom-patches/is-odd.patch"_s, "--- a\n+++ b\n"},
        {u"tools/yarn-4.5.0.cjs"_s, "// the yarnPath release\n"},
        {u"tools/plugin-hello.cjs"_s, "// a plugin by path\n"},
        {u"tools/yarn-1.22.22.js"_s, "// yarn 1\n"},
        {u"hooks/pnpmfile.cjs"_s, "module.exports = {};\n"},
        {u"vendor/vendored-1.0.0.tgz"_s, "tarball"},
        {u"src/index.js"_s, "console.log('not an install input')\n"},
    };
    for (auto it = files.cbegin(); it != files.cend(); ++it) {
        if (!writeFile(root + u'/' + it.key(), it.value()))
            qFatal("cannot write %s", qPrintable(it.key()));
    }
}

// Every install input of writeYarnProject(), as installInputPaths() lists them.
const QStringList YarnProjectInputs{
    u".corepack.env"_s,
    u".npmrc"_s,
    u".pnpmfile.cjs"_s,
    u".yarn/patches/left-pad.patch"_s,
    u".yarn/plugins/@yarnpkg/plugin-workspace-tools.cjs"_s,
    u".yarn/releases/yarn-4.5.0.cjs"_s,
    u".yarnrc"_s,
    u".yarnrc.yml"_s,
    u"bunfig.toml"_s,
    u"custom-patches/is-odd.patch"_s,
    u"hooks/pnpmfile.cjs"_s,
    u"package.json"_s,
    u"patches/react+18.3.1.patch"_s,
    u"tools/plugin-hello.cjs"_s,
    u"tools/yarn-1.22.22.js"_s,
    u"tools/yarn-4.5.0.cjs"_s,
    u"vendor/vendored-1.0.0.tgz"_s,
    u"yarn.lock"_s,
};

// A workspace package naming a tarball, a folder, a patch (with the parameters a lockfile adds) and a
// tarball outside the repository. (Kept out of the test class: moc misreads '#' in raw strings.)
const QByteArray WorkspacePackageWithReferences =
    R"({"dependencies":{"a":"file:../../vendor/a.tgz","b":"file:../b","c":"^1.0.0",
        "d":"patch:d@npm%3A1.0.0#./d.patch::version=1.0.0&hash=1","e":"file:../../../../x.tgz"}})";

QString folderKey(const QString& root)
{
    return keyOf(ProjectSnapshot::fromDirectory(root));
}

} // namespace

class TestInstallCacheKey : public QObject
{
    Q_OBJECT

private slots:
    void sameInputsSameKey()
    {
        const QString key = keyOf(expressSnapshot());
        QVERIFY(InstallCacheKey::isValid(key));
        QCOMPARE(keyOf(expressSnapshot()), key);
        // Node prints a newline after its version; it does not count.
        QCOMPARE(keyOf(expressSnapshot(), npmPlan(), u"v20.19.0\n"_s), key);
    }

    void whatChangesTheKey()
    {
        const QString key = keyOf(expressSnapshot());

        ProjectSnapshot lockfile = expressSnapshot();
        lockfile.addFile(u"package-lock.json"_s, R"({"lockfileVersion":3,"packages":{"x":{}}})");
        QVERIFY(keyOf(lockfile) != key);

        ProjectSnapshot manifest = expressSnapshot();
        manifest.addFile(u"package.json"_s, R"({"name":"app","dependencies":{"express":"5.0.0"}})");
        QVERIFY(keyOf(manifest) != key);

        ProjectSnapshot npmrc = expressSnapshot();
        npmrc.addFile(u".npmrc"_s, "registry=https://registry.example/");
        QVERIFY(keyOf(npmrc) != key);

        ProjectSnapshot workspacePackage = expressSnapshot();
        workspacePackage.addFile(u"packages/web/package.json"_s, R"({"name":"web"})");
        QVERIFY(keyOf(workspacePackage) != key);

        ProjectSnapshot hashed = expressSnapshot();
        hashed.addFileDigest(u"yarn.lock"_s, QByteArray(32, 'x'));
        QVERIFY(keyOf(hashed) != key);

        // Another repository (a fork) with the same files.
        QVERIFY(keyOf(expressSnapshot(), npmPlan(), u"v20.19.0"_s, u"local"_s,
                      u"remote:https://github.com/someone-else/app"_s) != key);

        QVERIFY(keyOf(expressSnapshot(), npmPlan(), u"v22.3.0"_s) != key);
        QVERIFY(keyOf(expressSnapshot(), npmPlan(), u"v20.19.0"_s, u"daytona"_s) != key);

        RunPlan pnpm = npmPlan();
        pnpm.packageManager = forge::PackageManager::Pnpm;
        QVERIFY(keyOf(expressSnapshot(), pnpm) != key);
        RunPlan pinned = npmPlan();
        pinned.packageManagerVersion = u"10.2.0"_s;
        QVERIFY(keyOf(expressSnapshot(), pinned) != key);
        RunPlan install = npmPlan();
        install.installCommand = {u"npm"_s, u"install"_s};
        QVERIFY(keyOf(expressSnapshot(), install) != key);
        // Arguments are not joined into one string: ["npm", "ci x"] is not ["npm ci", "x"].
        RunPlan a = npmPlan();
        a.installCommand = {u"npm"_s, u"ci x"_s};
        RunPlan b = npmPlan();
        b.installCommand = {u"npm ci"_s, u"x"_s};
        QVERIFY(keyOf(expressSnapshot(), a) != keyOf(expressSnapshot(), b));
    }

    void whatDoesNotChangeTheKey()
    {
        const QString key = keyOf(expressSnapshot());
        ProjectSnapshot page = expressSnapshot();
        page.addFile(u"index.html"_s, "<h1>changed</h1>");
        QCOMPARE(keyOf(page), key);

        // The same files added in another order.
        ProjectSnapshot reordered;
        reordered.addFile(u"index.html"_s, "<h1>hello</h1>");
        reordered.addFile(u"package-lock.json"_s, R"({"lockfileVersion":3,"packages":{}})");
        reordered.addFile(u"package.json"_s, R"({"name":"app","dependencies":{"express":"4.21.2"}})");
        QCOMPARE(keyOf(reordered), key);
    }

    void anUnreadableInputMeansNoKey()
    {
        // A key that cannot see an input could hand out another install's folders.
        ProjectSnapshot tooLarge = expressSnapshot();
        tooLarge.addUnreadableFile(u"yarn.lock"_s);
        QVERIFY(keyOf(tooLarge).isEmpty());
        QCOMPARE(InstallCacheKey::unreadableInputs(tooLarge), QStringList{u"yarn.lock"_s});
        // An unreadable file that is no install input does not matter.
        ProjectSnapshot page = expressSnapshot();
        page.addUnreadableFile(u"index.html"_s);
        QVERIFY(!keyOf(page).isEmpty());
        QVERIFY(InstallCacheKey::unreadableInputs(page).isEmpty());
        // Nor is there a key without the repository.
        QVERIFY(keyOf(expressSnapshot(), npmPlan(), u"v20.19.0"_s, u"local"_s, QString()).isEmpty());
    }

    void repositoryIdentity()
    {
        using forge::RepoRef;
        const QString github = InstallCacheKey::repositoryIdentity(repo(u"https://github.com/Owner/App"_s));
        QCOMPARE(github, u"remote:https://github.com/owner/app"_s);
        // The same repository however it was written.
        QCOMPARE(InstallCacheKey::repositoryIdentity(repo(u"owner/app"_s)), github);
        QCOMPARE(InstallCacheKey::repositoryIdentity(repo(u"https://github.com/owner/app.git"_s)), github);
        // A fork is another repository.
        QVERIFY(InstallCacheKey::repositoryIdentity(repo(u"https://github.com/fork/app"_s)) != github);
        // Other hosts keep their path's case; the host name does not count.
        QCOMPARE(InstallCacheKey::repositoryIdentity(repo(u"https://GitLab.example/Group/App"_s)),
                 u"remote:https://gitlab.example/Group/App"_s);

        // A local repository is its folder, however the path was written.
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        QVERIFY(QDir().mkpath(dir.filePath(u"repo/.git"_s)));
        const QString local = InstallCacheKey::repositoryIdentity(repo(dir.filePath(u"repo"_s)));
        QCOMPARE(local, u"local:"_s + QFileInfo(dir.filePath(u"repo"_s)).canonicalFilePath());
        QVERIFY(QFile::link(dir.filePath(u"repo"_s), dir.filePath(u"alias"_s)));
        QCOMPARE(InstallCacheKey::repositoryIdentity(repo(dir.filePath(u"alias"_s))), local);
    }

    void referencedInstallInputs()
    {
        ProjectSnapshot snapshot;
        snapshot.addFile(u".yarnrc.yml"_s, "yarnPath: '.yarn/releases/yarn-4.5.0.cjs' # pinned\n"
                                           "plugins:\n  - path: ../outside.cjs\n  - path: /etc/passwd\n"
                                           "  - path: plugins/ok.cjs\n");
        snapshot.addFile(u"pnpm-workspace.yaml"_s,
                         "packages:\n  - apps/web\npnpmfile: config/pnpmfile.cjs\n"
                         "patchedDependencies:\n  is-odd@3.0.1: fixes/is-odd.patch\n");
        snapshot.addFile(u"apps/web/package.json"_s, WorkspacePackageWithReferences);
        QCOMPARE(
            snapshot.referencedInstallInputs(),
            (QStringList{u".yarn/releases/yarn-4.5.0.cjs"_s, u"apps/web/d.patch"_s, u"config/pnpmfile.cjs"_s,
                         u"fixes/is-odd.patch"_s, u"plugins/ok.cjs"_s, u"vendor/a.tgz"_s}));
    }

    void snapshotReadsEveryInstallInputFromAFolder()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        writeYarnProject(dir.path());
        const ProjectSnapshot snapshot = ProjectSnapshot::fromDirectory(dir.path());
        QCOMPARE(snapshot.installInputPaths(), YarnProjectInputs);
        QVERIFY(InstallCacheKey::unreadableInputs(snapshot).isEmpty());
        const QString key = keyOf(snapshot);
        QVERIFY(InstallCacheKey::isValid(key));

        // Each of them changes the key; a file that is no install input does not.
        for (const QString& input : YarnProjectInputs) {
            QFile file(dir.filePath(input));
            QVERIFY(file.open(QIODevice::Append));
            file.write("\n# changed\n");
            file.close();
            QVERIFY2(folderKey(dir.path()) != key, qPrintable(input));
            writeYarnProject(dir.path()); // back to the original content
            QCOMPARE(folderKey(dir.path()), key);
        }
        QVERIFY(writeFile(dir.filePath(u"src/index.js"_s), "changed"));
        QCOMPARE(folderKey(dir.path()), key);
    }

    void largeInputsAreHashed()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        QVERIFY(writeFile(dir.filePath(u"package.json"_s), R"({"name":"big"})"));
        QByteArray lockfile(ProjectSnapshot::MaxFileSize + 1, 'a');
        QVERIFY(writeFile(dir.filePath(u"package-lock.json"_s), lockfile));
        const ProjectSnapshot snapshot = ProjectSnapshot::fromDirectory(dir.path());
        QVERIFY(!snapshot.isReadable(u"package-lock.json"_s)); // detection does not parse it
        QCOMPARE(snapshot.digest(u"package-lock.json"_s).size(), 32);
        const QString key = keyOf(snapshot);
        QVERIFY(InstallCacheKey::isValid(key));
        lockfile[lockfile.size() - 1] = 'b'; // same size, other content
        QVERIFY(writeFile(dir.filePath(u"package-lock.json"_s), lockfile));
        QVERIFY(folderKey(dir.path()) != key);
    }

    void linksAndOddFilesAreNotFollowed()
    {
        QTemporaryDir outside;
        QVERIFY(outside.isValid());
        QVERIFY(writeFile(outside.filePath(u"npmrc"_s), "registry=https://evil.example/\n"));
        QVERIFY(writeFile(outside.filePath(u"releases/yarn.cjs"_s), "// not the repository's\n"));

        struct Case
        {
            const char* name;
            std::function<bool(const QString&)> plant;
            QString unreadable;
        };
        const QList<Case> cases{
            {"linked .npmrc",
             [&](const QString& root) {
                 return QFile::link(outside.filePath(u"npmrc"_s), root + u"/.npmrc"_s);
             },
             u".npmrc"_s},
            {"linked folder on the way",
             [&](const QString& root) {
                 return QDir().mkpath(root + u"/.yarn"_s) &&
                        QFile::link(outside.filePath(u"releases"_s), root + u"/.yarn/releases"_s);
             },
             u".yarn/releases"_s},
            {"link inside a folder",
             [&](const QString& root) {
                 return QDir().mkpath(root + u"/patches"_s) &&
                        QFile::link(outside.filePath(u"npmrc"_s), root + u"/patches/x.patch"_s);
             },
             u"patches"_s},
            {"linked yarnPath",
             [&](const QString& root) {
                 return writeFile(root + u"/.yarnrc.yml"_s, "yarnPath: tools/yarn.cjs\n") &&
                        QDir().mkpath(root + u"/tools"_s) &&
                        QFile::link(outside.filePath(u"releases/yarn.cjs"_s), root + u"/tools/yarn.cjs"_s);
             },
             u"tools/yarn.cjs"_s},
            {"a FIFO (reading it would wait for a writer)",
             [](const QString& root) {
                 return QDir().mkpath(root + u"/patches"_s) &&
                        ::mkfifo(QFile::encodeName(root + u"/patches/fifo.patch"_s).constData(), 0600) == 0;
             },
             u"patches"_s},
        };
        for (const Case& test : cases) {
            QTemporaryDir dir;
            QVERIFY(dir.isValid());
            QVERIFY(writeFile(dir.filePath(u"package.json"_s), R"({"name":"app"})"));
            QVERIFY2(test.plant(dir.path()), test.name);
            const ProjectSnapshot snapshot = ProjectSnapshot::fromDirectory(dir.path());
            QVERIFY2(InstallCacheKey::unreadableInputs(snapshot).contains(test.unreadable),
                     qPrintable(InstallCacheKey::unreadableInputs(snapshot).join(u", "_s)));
            QVERIFY2(keyOf(snapshot).isEmpty(), test.name);
            QVERIFY2(!snapshot.content(test.unreadable).contains("evil"), test.name);
        }
    }

    void foldersAreBounded()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        QVERIFY(writeFile(dir.filePath(u"package.json"_s), R"({"name":"app"})"));
        for (int i = 0; i <= ProjectSnapshot::MaxInstallInputFiles; ++i)
            QVERIFY(writeFile(dir.filePath(u"patches/%1.patch"_s.arg(i, 4, 10, QChar(u'0'))), "x"));
        const ProjectSnapshot snapshot = ProjectSnapshot::fromDirectory(dir.path());
        QVERIFY(InstallCacheKey::unreadableInputs(snapshot).contains(u"patches"_s));
        QVERIFY(keyOf(snapshot).isEmpty());

        // Too deep is the same.
        QTemporaryDir deep;
        QVERIFY(deep.isValid());
        QVERIFY(writeFile(deep.filePath(u"package.json"_s), R"({"name":"app"})"));
        QVERIFY(writeFile(deep.filePath(u".yarn/plugins/a/b/c/d/plugin.cjs"_s), "x"));
        QVERIFY(InstallCacheKey::unreadableInputs(ProjectSnapshot::fromDirectory(deep.path()))
                    .contains(u".yarn/plugins"_s));
    }

    void dependencyDirectories()
    {
        RunPlan plan = npmPlan();
        QCOMPARE(InstallCacheKey::dependencyDirectories(plan), QStringList{u"node_modules"_s});
        plan.projectDirectory = u"apps/web"_s;
        QCOMPARE(InstallCacheKey::dependencyDirectories(plan),
                 (QStringList{u"node_modules"_s, u"apps/web/node_modules"_s}));
    }

    void validKeys()
    {
        QVERIFY(!InstallCacheKey::isValid(QString()));
        QVERIFY(!InstallCacheKey::isValid(u"../../etc"_s));
        QVERIFY(!InstallCacheKey::isValid(QString(64, u'A')));
        QVERIFY(InstallCacheKey::isValid(QString(64, u'a')));
    }
};

QTEST_GUILESS_MAIN(TestInstallCacheKey)
#include "tst_installcachekey.moc"
