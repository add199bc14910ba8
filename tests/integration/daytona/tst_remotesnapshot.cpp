// The Daytona back end reads a project's install inputs (RemoteSnapshot, through the toolbox file
// API) exactly as the local back end does (ProjectSnapshot::fromDirectory): the same files, the
// same content, the same symbolic links refused, so the install cache key covers the same inputs on
// both (issue 16). Repositories are cloned into the emulator's sandboxes with real git.

#include "AwaitCatching.h"
#include "DaytonaEmulator.h"
#include "EmulatorFixture.h"
#include "FixtureRepository.h"
#include "GitHttpServer.h"
#include "core/Failure.h"
#include "core/InstallCacheKey.h"
#include "sandbox/daytona/DaytonaProvider.h"

#include <QCoroTask>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace std::chrono_literals;
using forge::DaytonaProvider;
using forge::Failure;
using forge::InstallCacheKey;
using forge::ProjectSnapshot;
using forge::test::DaytonaEmulator;
using forge::test::EmulatorFixture;
using forge::test::FixtureRepository;
using forge::test::GitHttpServer;

namespace {

constexpr auto ApiKey = "remote-snapshot-test-key";

template<typename T>
forge::test::Caught<Failure, T> await(QCoro::Task<T> task)
{
    return forge::test::awaitCatching<Failure>(std::move(task));
}

// A Yarn project with an install input of every kind: by name, in the install-input folders, and
// named by other files (yarnPath, a plugin path, pnpmfile, patchedDependencies, a tarball).
const QMap<QString, QByteArray> YarnProject{
    {u"package.json"_s, R"({"name":"app","packageManager":"yarn@4.5.0",
        "dependencies":{"vendored":"file:./vendor/vendored-1.0.0.tgz"},
        "pnpm":{"patchedDependencies":{"is-odd@3.0.1":"custom-patches/is-odd.patch"}}})"},
    {u"yarn.lock"_s, "__metadata:\n  version: 8\n"},
    {u".yarnrc.yml"_s, "yarnPath: tools/yarn-4.5.0.cjs\nplugins:\n  - path: tools/plugin-hello.cjs\n"},
    {u".npmrc"_s, "pnpmfile=hooks/pnpmfile.cjs\n"},
    {u".pnpmfile.cjs"_s, "module.exports = {hooks: {}};\n"},
    {u".corepack.env"_s, "COREPACK_NPM_REGISTRY=https://registry.npmjs.org\n"},
    {u".yarn/releases/yarn-4.5.0.cjs"_s, "// a Yarn release\n"},
    {u".yarn/plugins/@yarnpkg/plugin-workspace-tools.cjs"_s, "// a plugin\n"},
    {u"patches/react+18.3.1.patch"_s, "--- a\n+++ b\n"},
    {u"custom-patches/is-odd.patch"_s, "--- a\n+++ b\n"},
    {u"tools/yarn-4.5.0.cjs"_s, "// the yarnPath release\n"},
    {u"tools/plugin-hello.cjs"_s, "// a plugin by path\n"},
    {u"hooks/pnpmfile.cjs"_s, "module.exports = {};\n"},
    {u"vendor/vendored-1.0.0.tgz"_s, "tarball"},
    {u"src/index.js"_s, "console.log('not an install input')\n"},
};

} // namespace

class TestRemoteSnapshot : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();

    void readsTheSameInstallInputsAsALocalFolder();
    void refusesTheSameLinks();
    void refusesLinksTheListingFollows();

private:
    // Commits `files` (and the symbolic links `links`: path -> target) as repository `name`, serves
    // it, and returns its work tree.
    QString serve(const QString& name, const QMap<QString, QByteArray>& files,
                  const QMap<QString, QString>& links = {});
    // The snapshot the Daytona back end reads of repository `name` cloned into a new sandbox;
    // `beside` files are put in the sandbox's work folder, next to the project folder, first.
    std::optional<ProjectSnapshot> remoteSnapshot(const QString& name,
                                                  const QMap<QString, QByteArray>& beside = {});

    QTemporaryDir m_work;
    std::unique_ptr<GitHttpServer> m_git;
    EmulatorFixture m_emulator;
};

void TestRemoteSnapshot::initTestCase()
{
    QVERIFY(m_work.isValid());
    m_git = std::make_unique<GitHttpServer>(m_work.filePath(u"served"_s));
    QString error;
    QVERIFY2(m_git->listen(&error), qPrintable(error));
}

void TestRemoteSnapshot::init()
{
    const QString started = m_emulator.start(QString::fromLatin1(ApiKey));
    QVERIFY2(started.isEmpty(), qPrintable(started));
}

void TestRemoteSnapshot::cleanup()
{
    m_emulator.stop();
}

QString TestRemoteSnapshot::serve(const QString& name, const QMap<QString, QByteArray>& files,
                                  const QMap<QString, QString>& links)
{
    FixtureRepository repo(m_work.filePath(name));
    if (!repo.initializeWithFiles(files))
        qFatal("%s", qPrintable(repo.errorString()));
    for (auto it = links.cbegin(); it != links.cend(); ++it) {
        QFile::remove(repo.path() + u'/' + it.key());
        if (!QFile::link(it.value(), repo.path() + u'/' + it.key()))
            qFatal("cannot link %s", qPrintable(it.key()));
    }
    if (!links.isEmpty() && (!repo.git({u"add"_s, u"-A"_s}) || !repo.git({u"commit"_s, u"-m"_s, u"links"_s})))
        qFatal("%s", qPrintable(repo.errorString()));
    if (!repo.createBareClone(m_work.filePath(u"served"_s), name))
        qFatal("%s", qPrintable(repo.errorString()));
    return repo.path();
}

std::optional<ProjectSnapshot> TestRemoteSnapshot::remoteSnapshot(const QString& name,
                                                                  const QMap<QString, QByteArray>& beside)
{
    forge::daytona::DaytonaConfig config;
    config.apiKey = QString::fromLatin1(ApiKey);
    config.apiUrl = m_emulator->apiUrl();
    config.requestTimeout = 20s;
    DaytonaProvider daytona(config, {});
    const auto sandbox = await(daytona.createSandbox({u"forge-snapshot-1"_s, {{u"forge.project"_s, name}}}));
    if (!sandbox.value)
        return std::nullopt;
    const QString workDir =
        m_emulator->provider().workspacePath(m_emulator->localSandboxName(sandbox.value->id));
    for (auto it = beside.cbegin(); it != beside.cend(); ++it) {
        QFile file(workDir + u'/' + it.key());
        if (!file.open(QIODevice::WriteOnly) || file.write(it.value()) != it.value().size())
            return std::nullopt;
    }
    forge::CloneSpec clone;
    clone.url = m_git->repositoryUrl(name);
    const auto cloned = await(daytona.cloneRepository(sandbox.value->id, clone, {}));
    if (!cloned.value || !cloned.value->succeeded())
        return std::nullopt;
    return await(daytona.snapshotProject(sandbox.value->id, {})).value;
}

void TestRemoteSnapshot::readsTheSameInstallInputsAsALocalFolder()
{
    const QString local = serve(u"inputs"_s, YarnProject);
    const std::optional<ProjectSnapshot> remote = remoteSnapshot(u"inputs"_s);
    QVERIFY(remote);
    const ProjectSnapshot here = ProjectSnapshot::fromDirectory(local);

    QCOMPARE(remote->installInputPaths(), here.installInputPaths());
    QCOMPARE(remote->installInputPaths().size(), YarnProject.size() - 1); // all but src/index.js
    for (const QString& path : here.installInputPaths())
        QVERIFY2(!remote->digest(path).isEmpty() && remote->digest(path) == here.digest(path),
                 qPrintable(path));

    forge::RunPlan plan;
    plan.packageManager = forge::PackageManager::YarnBerry;
    plan.installCommand = {u"yarn"_s, u"install"_s, u"--immutable"_s};
    const QString repository = u"remote:https://github.com/owner/app"_s;
    const QString key = InstallCacheKey::compute(*remote, plan, u"v20.19.0"_s, u"daytona"_s, repository);
    QVERIFY(InstallCacheKey::isValid(key));
    QCOMPARE(InstallCacheKey::compute(here, plan, u"v20.19.0"_s, u"daytona"_s, repository), key);
}

void TestRemoteSnapshot::refusesTheSameLinks()
{
    // A .npmrc that points out of the repository, a link among the patches and a yarnPath behind a
    // linked folder: neither back end reads them, so neither has a key for this project.
    QMap<QString, QByteArray> files = YarnProject;
    files.insert(u"real-tools/yarn-4.5.0.cjs"_s, "// behind a link\n");
    files.remove(u"tools/yarn-4.5.0.cjs"_s);
    files.remove(u"tools/plugin-hello.cjs"_s);
    const QString local = serve(u"linked"_s, files,
                                {{u".npmrc"_s, u"/etc/hostname"_s},
                                 {u"patches/linked.patch"_s, u"../package.json"_s},
                                 {u"tools"_s, u"real-tools"_s}});
    const std::optional<ProjectSnapshot> remote = remoteSnapshot(u"linked"_s);
    QVERIFY(remote);
    const ProjectSnapshot here = ProjectSnapshot::fromDirectory(local);

    const QStringList unreadable = InstallCacheKey::unreadableInputs(here);
    QCOMPARE(InstallCacheKey::unreadableInputs(*remote), unreadable);
    for (const QString& path : {u".npmrc"_s, u"patches"_s, u"tools/yarn-4.5.0.cjs"_s})
        QVERIFY2(unreadable.contains(path), qPrintable(unreadable.join(u", "_s)));
    QVERIFY(remote->content(u".npmrc"_s).isEmpty());
    forge::RunPlan plan;
    QVERIFY(InstallCacheKey::compute(*remote, plan, u"v20"_s, u"daytona"_s, u"remote:x"_s).isEmpty());
}

void TestRemoteSnapshot::refusesLinksTheListingFollows()
{
    // Issue 17: Daytona's daemon lists files with os.Stat, which follows links, so a listing shows a
    // hostile repository's links as the files they point to. Before the sandbox's realpath was
    // asked, package.json was downloaded from /etc/passwd and .npmrc from the sandbox's work folder,
    // outside the project.
    const QString secret = u"secret-beside-the-project"_s;
    serve(u"hostile"_s, YarnProject,
          {{u"package.json"_s, u"/etc/passwd"_s}, {u".npmrc"_s, u"../outside.txt"_s}});
    const std::optional<ProjectSnapshot> remote =
        remoteSnapshot(u"hostile"_s, {{u"outside.txt"_s, secret.toUtf8()}});
    QVERIFY(remote);

    QVERIFY2(!remote->content(u"package.json"_s).contains("root:"),
             remote->content(u"package.json"_s).left(80).constData());
    QVERIFY(remote->content(u".npmrc"_s).isEmpty());
    const QStringList unreadable = InstallCacheKey::unreadableInputs(*remote);
    for (const QString& path : {u"package.json"_s, u".npmrc"_s})
        QVERIFY2(unreadable.contains(path), qPrintable(unreadable.join(u", "_s)));
    // Files that are no links still come through.
    QCOMPARE(remote->content(u"yarn.lock"_s), YarnProject.value(u"yarn.lock"_s));
}

QTEST_GUILESS_MAIN(TestRemoteSnapshot)
#include "tst_remotesnapshot.moc"
