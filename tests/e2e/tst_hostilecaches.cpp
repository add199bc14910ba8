// Repositories that attack through what Forge Preview does before and around the user's plan, run
// through forge-preview-cli exactly as a user would (issue 16):
// - package-manager detection must not run repository code: Yarn obeys `yarnPath` in the
//   repository's .yarnrc.yml, so `yarn --version` (or `corepack yarn --version`) in the workspace
//   runs whatever script the repository names there;
// - a fork with the same lockfile and package.json, but its own .npmrc and install script, must not
//   fill the install cache entry the original repository then restores.

#include "CliProcesses.h"
#include "FixtureRepository.h"
#include "NpmRegistryStub.h"

#include <QDir>
#include <QFile>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;
using forge::test::CliRun;
using forge::test::FixtureRepository;

namespace {

// Yarn 1.22.22 pinned the way `corepack use` writes it (with the tarball's SHA-512), so the tool
// cache fetches exactly that Yarn. Yarn 1.22 hands every command to the script that .yarnrc.yml's
// `yarnPath` names, exactly as Yarn 2+ does.
const QByteArray YarnPathPackageJson = R"({ "name": "yarnpath", "version": "1.0.0", "private": true,
  "packageManager": "yarn@1.22.22+sha512.a6b2f7906b721bba3d67d4aff083df04dad64c399707841b7acf00f6b133b7ac24255f2652fa22ae3534329dc6180534e98d17432037ff6fd140556e2bb3137e",
  "scripts": { "dev": "node server.js" } }
)";

// The "Yarn release" the repository ships: it notes every call in the workspace, pretends to
// install, and on `yarn run dev` prints the calls it saw and starts the server.
const QByteArray YarnPathScript = R"(const fs = require('fs');
const path = require('path');
const calls = path.join(__dirname, 'yarnpath-calls.txt');
const args = process.argv.slice(2);
fs.appendFileSync(calls, args.join(' ') + '\n');
if (args[0] === '--version') { console.log('1.22.22'); process.exit(0); }
if (args[0] === 'install') { console.log('installed nothing'); process.exit(0); }
console.log('YARNPATH CALLS [' + fs.readFileSync(calls, 'utf8').trim().split('\n').join(' | ') + ']');
require('./server.js');
)";

// A server on the port Forge Preview gives, so a preview can go live.
const QByteArray Server = R"(const http = require('http');
const fs = require('fs');
let installedBy = 'nobody';
try { installedBy = fs.readFileSync('node_modules/installed-by.txt', 'utf8'); } catch (e) {}
console.log('INSTALLED BY ' + installedBy);
const port = Number(process.env.PORT || 3000);
http.createServer((req, res) => res.end('served')).listen(port, '0.0.0.0', () => {
  console.log(`listening on port ${port}`);
});
)";

// The original repository and its fork share package.json, the lockfile and this install script;
// what node_modules ends up holding depends on the environment the install script runs in.
const QByteArray CachedPackageJson = R"({ "name": "cached", "version": "1.0.0", "private": true,
  "scripts": { "postinstall": "node postinstall.js", "dev": "node server.js" } }
)";
const QByteArray CachedLockfile = R"({
  "name": "cached",
  "version": "1.0.0",
  "lockfileVersion": 3,
  "requires": true,
  "packages": {
    "": {
      "name": "cached",
      "version": "1.0.0",
      "hasInstallScript": true
    }
  }
}
)";
const QByteArray PostInstall = R"(const fs = require('fs');
fs.mkdirSync('node_modules', { recursive: true });
fs.writeFileSync('node_modules/installed-by.txt', process.env.FORK_WAS_HERE ? 'the fork' : 'the original');
)";
// The fork's own additions: npm passes .npmrc's node-options to every install script, so the
// fork's hook runs inside the shared postinstall.js.
const QByteArray ForkNpmrc = "node-options=--require=./fork-hook.cjs\n";
const QByteArray ForkHook = "process.env.FORK_WAS_HERE = '1';\n";

} // namespace

class TestHostileCaches : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void detectionDoesNotRunTheRepositorysYarnPath();
    void aForkDoesNotFillTheOriginalsInstallCache();

private:
    // A repository made of `files` under the test's folder; its path.
    QString repository(const QString& name, const QMap<QString, QByteArray>& files);
    // Whether the run went through bubblewrap (the CLI gives a notice when it cannot).
    static bool isolated(const CliRun& run);

    QTemporaryDir m_work;
    // Serves yarn@1.22.22 to the tool cache.
    forge::test::NpmRegistryStub m_registry;
};

void TestHostileCaches::initTestCase()
{
    // The attack needs a real Yarn: the tool cache's (issue 19), from a registry stub serving the
    // real yarn@1.22.22 tarball (scripts/test fetches it into build/test-tarballs).
    const QString tarball = QStringLiteral(FORGE_TEST_TARBALLS_DIR) + u"/yarn-1.22.22.tgz"_s;
    QString error;
    QVERIFY2(!m_registry.addTarball(tarball, &error).isEmpty(),
             qPrintable(error + u" (run scripts/test, which fetches the test tarballs)"_s));
    QVERIFY(m_registry.listen());
}

void TestHostileCaches::init()
{
    QVERIFY(m_work.isValid());
    QVERIFY2(QFile::exists(QStringLiteral(FORGE_CLI_PATH)), FORGE_CLI_PATH);
}

QString TestHostileCaches::repository(const QString& name, const QMap<QString, QByteArray>& files)
{
    FixtureRepository repo(m_work.filePath(name));
    if (!repo.initializeWithFiles(files))
        qFatal("%s", qPrintable(repo.errorString()));
    return repo.path();
}

bool TestHostileCaches::isolated(const CliRun& run)
{
    for (const QJsonObject& event : run.events()) {
        if (event.value(u"event"_s) == u"notice"_s &&
            event.value(u"message"_s).toString().contains(u"bubblewrap"_s))
            return false;
    }
    return true;
}

void TestHostileCaches::detectionDoesNotRunTheRepositorysYarnPath()
{
    const QString path = repository(u"yarnpath"_s, {{u"package.json"_s, YarnPathPackageJson},
                                                    {u"yarn.lock"_s, "# yarn lockfile v1\n\n\n"},
                                                    {u".yarnrc.yml"_s, "yarnPath: evil.cjs\n"},
                                                    {u"evil.cjs"_s, YarnPathScript},
                                                    {u"server.js"_s, Server}});
    QTemporaryDir data;
    CliRun run(data.path(), {{u"FORGE_PREVIEW_TOOL_REGISTRY"_s, m_registry.url().toString()}});
    QString failure;
    const bool live = run.previewToReady(path, &failure);
    if (!isolated(run))
        QSKIP("bubblewrap cannot run here, so the CLI ran without isolation");
    QVERIFY2(live, qPrintable(failure));

    // The repository's script ran for the user's plan (install, then the dev server) and for
    // nothing else: in particular not for a `--version` before the install.
    const QString output = run.outputLines();
    const QRegularExpression callsLine(u"YARNPATH CALLS \\[(.*)\\]"_s);
    const QStringList calls = callsLine.match(output).captured(1).split(u" | "_s);
    const QStringList plan{u"install --frozen-lockfile"_s, u"run dev"_s};
    QVERIFY2(calls == plan,
             qPrintable(u"the repository's yarnPath script ran for: "_s + calls.join(u" | "_s)));
}

void TestHostileCaches::aForkDoesNotFillTheOriginalsInstallCache()
{
    const QMap<QString, QByteArray> original{{u"package.json"_s, CachedPackageJson},
                                             {u"package-lock.json"_s, CachedLockfile},
                                             {u"postinstall.js"_s, PostInstall},
                                             {u"server.js"_s, Server}};
    QMap<QString, QByteArray> fork = original;
    fork.insert(u".npmrc"_s, ForkNpmrc);
    fork.insert(u"fork-hook.cjs"_s, ForkHook);
    const QString originalPath = repository(u"original"_s, original);
    const QString forkPath = repository(u"fork"_s, fork);
    QTemporaryDir data; // one data folder, so one install cache, for every run below
    QString failure;

    // The fork is previewed first; its install fills the cache.
    CliRun forkRun(data.path());
    const bool forkLive = forkRun.previewToReady(forkPath, &failure);
    if (!isolated(forkRun))
        QSKIP("bubblewrap cannot run here, so the CLI ran without isolation");
    QVERIFY2(forkLive, qPrintable(failure));
    QVERIFY2(forkRun.outputLines().contains(u"INSTALLED BY the fork"_s), qPrintable(forkRun.transcript()));

    // The original installs for itself instead of taking the fork's node_modules.
    CliRun originalRun(data.path());
    QVERIFY2(originalRun.previewToReady(originalPath, &failure), qPrintable(failure));
    const QString originalOutput = originalRun.outputLines();
    QVERIFY2(!originalOutput.contains(u"from the install cache"_s), qPrintable(originalOutput));
    QVERIFY2(originalOutput.contains(u"INSTALLED BY the original"_s), qPrintable(originalOutput));

    // The cache still works for the original itself: a rerun restores what it installed.
    CliRun rerun(data.path());
    QVERIFY2(rerun.previewToReady(originalPath, &failure), qPrintable(failure));
    const QString rerunOutput = rerun.outputLines();
    QVERIFY2(rerunOutput.contains(u"from the install cache"_s), qPrintable(rerunOutput));
    QVERIFY2(rerunOutput.contains(u"INSTALLED BY the original"_s), qPrintable(rerunOutput));
}

QTEST_GUILESS_MAIN(TestHostileCaches)
#include "tst_hostilecaches.moc"
