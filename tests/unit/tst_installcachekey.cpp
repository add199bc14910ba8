// The install cache key: what changes it (lockfiles, manifests, package manager, Node.js, the
// install command, the back end) and what does not (the rest of the repository, reading order).

#include "core/InstallCacheKey.h"

#include <QTest>

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

QString keyOf(const ProjectSnapshot& snapshot, const RunPlan& plan = npmPlan(),
              const QString& node = u"v20.19.0"_s, const QString& platform = u"local"_s)
{
    return InstallCacheKey::compute(snapshot, plan, node, platform);
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

        ProjectSnapshot tooLarge = expressSnapshot();
        tooLarge.addUnreadableFile(u"yarn.lock"_s);
        QVERIFY(keyOf(tooLarge) != key);

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
