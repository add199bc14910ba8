// What a live preview needs after its source changed (issue 21: a pull request's new commits):
// sourceUpdateAction() reinstalls only for install inputs, rebuilds in production mode, trusts hot
// reload only where the framework has it and no dev-server configuration changed.

#include "core/SourceChange.h"

#include <QTest>

using namespace Qt::StringLiterals;
using forge::Framework;
using forge::RunMode;
using forge::RunPlan;
using forge::SourceChange;
using forge::SourceUpdateAction;

Q_DECLARE_METATYPE(SourceUpdateAction)

namespace {

RunPlan plan(Framework framework, bool hasInstall = true, bool hasBuild = true)
{
    RunPlan result;
    result.framework = framework;
    if (hasInstall)
        result.installCommand = {u"npm"_s, u"ci"_s};
    result.devCommand = {u"npm"_s, u"run"_s, u"dev"_s};
    if (hasBuild)
        result.buildCommand = {u"npm"_s, u"run"_s, u"build"_s};
    result.startCommand = {u"npm"_s, u"start"_s};
    return result;
}

QList<SourceChange> modified(const QStringList& paths)
{
    QList<SourceChange> changes;
    for (const QString& path : paths)
        changes.append({path, SourceChange::Kind::Modified});
    return changes;
}

} // namespace

class TestSourceChange : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void actions_data()
    {
        QTest::addColumn<QStringList>("paths");
        QTest::addColumn<int>("framework");
        QTest::addColumn<bool>("production");
        QTest::addColumn<SourceUpdateAction>("expected");

        const int vite = int(Framework::Vite);
        const int next = int(Framework::NextJs);
        const int express = int(Framework::NodeServer);
        const int staticSite = int(Framework::StaticHtml);
        QTest::newRow("nothing") << QStringList{} << vite << false << SourceUpdateAction::None;
        QTest::newRow("a component, Vite")
            << QStringList{u"src/App.jsx"_s} << vite << false << SourceUpdateAction::HotReload;
        QTest::newRow("a page, Next.js") << QStringList{u"app/page.tsx"_s, u"app/globals.css"_s} << next
                                         << false << SourceUpdateAction::HotReload;
        QTest::newRow("the lockfile") << QStringList{u"src/App.jsx"_s, u"package-lock.json"_s} << vite
                                      << false << SourceUpdateAction::Reinstall;
        QTest::newRow("a workspace package's manifest")
            << QStringList{u"packages/web/package.json"_s} << vite << false << SourceUpdateAction::Reinstall;
        QTest::newRow("pnpm's lockfile")
            << QStringList{u"pnpm-lock.yaml"_s} << next << false << SourceUpdateAction::Reinstall;
        QTest::newRow("a patch") << QStringList{u"patches/left-pad+1.3.0.patch"_s} << next << false
                                 << SourceUpdateAction::Reinstall;
        QTest::newRow(".nvmrc") << QStringList{u".nvmrc"_s} << vite << false << SourceUpdateAction::Reinstall;
        QTest::newRow("the Vite config")
            << QStringList{u"vite.config.ts"_s} << vite << false << SourceUpdateAction::RestartServer;
        QTest::newRow("next.config.mjs")
            << QStringList{u"next.config.mjs"_s} << next << false << SourceUpdateAction::RestartServer;
        QTest::newRow(".env.local") << QStringList{u".env.local"_s} << next << false
                                    << SourceUpdateAction::RestartServer;
        QTest::newRow("a look-alike is source")
            << QStringList{u"src/vite.config.ts.md"_s} << vite << false << SourceUpdateAction::HotReload;
        QTest::newRow("an Express server")
            << QStringList{u"server.js"_s} << express << false << SourceUpdateAction::RestartServer;
        QTest::newRow("a static page")
            << QStringList{u"index.html"_s} << staticSite << false << SourceUpdateAction::ReloadPage;
        QTest::newRow("production") << QStringList{u"src/App.jsx"_s} << vite << true
                                    << SourceUpdateAction::Rebuild;
        QTest::newRow("production, the lockfile")
            << QStringList{u"package-lock.json"_s} << vite << true << SourceUpdateAction::Reinstall;
        QTest::newRow("a static page in production")
            << QStringList{u"index.html"_s} << staticSite << true << SourceUpdateAction::ReloadPage;
    }

    void actions()
    {
        QFETCH(QStringList, paths);
        QFETCH(int, framework);
        QFETCH(bool, production);
        QFETCH(SourceUpdateAction, expected);
        const RunMode mode = production ? RunMode::Production : RunMode::Dev;
        QCOMPARE(forge::sourceUpdateAction(modified(paths), plan(Framework(framework)), mode), expected);
    }

    void aDeletedLockfileAlsoInstallsAgain()
    {
        const QList<SourceChange> changes{{u"yarn.lock"_s, SourceChange::Kind::Deleted}};
        QCOMPARE(forge::sourceUpdateAction(changes, plan(Framework::Vite), RunMode::Dev),
                 SourceUpdateAction::Reinstall);
        QCOMPARE(forge::installInputsAmong(changes), QStringList{u"yarn.lock"_s});
    }

    void aProjectWithoutAnInstallHasNothingToReinstall()
    {
        // A plan whose install step is empty (a plain Node server without dependencies) restarts.
        QCOMPARE(forge::sourceUpdateAction(modified({u"package.json"_s}),
                                           plan(Framework::NodeServer, /*hasInstall=*/false), RunMode::Dev),
                 SourceUpdateAction::RestartServer);
    }

    void aProductionPlanWithoutABuildRestarts()
    {
        QCOMPARE(forge::sourceUpdateAction(modified({u"server.js"_s}),
                                           plan(Framework::NodeServer, true, /*hasBuild=*/false),
                                           RunMode::Production),
                 SourceUpdateAction::RestartServer);
    }

    void everyFrameworkWithAnHmrClientHotReloads()
    {
        for (Framework framework :
             {Framework::NextJs, Framework::Vite, Framework::VueCli, Framework::Nuxt, Framework::Astro,
              Framework::SvelteKit, Framework::Angular, Framework::CreateReactApp})
            QVERIFY2(forge::hasHotReload(framework), qPrintable(forge::toString(framework)));
        QVERIFY(!forge::hasHotReload(Framework::NodeServer));
        QVERIFY(!forge::hasHotReload(Framework::StaticHtml));
    }
};

QTEST_GUILESS_MAIN(TestSourceChange)
#include "tst_sourcechange.moc"
