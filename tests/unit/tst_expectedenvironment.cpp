// ExpectedEnvironment and the part of ProjectSnapshot it reads: the example files and the public
// variables source files refer to, in the fake repositories of tests/fixtures/env/repos (links out
// of the repository not followed, node_modules and build output skipped), the scan's bounds, and
// the install cache key, which the new files must not change.

#include "core/ExpectedEnvironment.h"
#include "core/InstallCacheKey.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;
using forge::EnvironmentStep;
using forge::ExpectedEnvironment;
using forge::ExpectedVariable;
using forge::ProjectEnvironment;
using forge::ProjectSnapshot;

namespace {

QString repository(const QString& name)
{
    return QStringLiteral(FORGE_FIXTURES_DIR) + u"/env/repos/"_s + name;
}

bool writeFile(const QString& path, const QByteArray& content)
{
    if (!QDir().mkpath(QFileInfo(path).absolutePath()))
        return false;
    QFile file(path);
    return file.open(QIODevice::WriteOnly) && file.write(content) == content.size();
}

QString installKey(const ProjectSnapshot& snapshot)
{
    forge::RunPlan plan;
    plan.packageManager = forge::PackageManager::Npm;
    plan.installCommand = {u"npm"_s, u"ci"_s};
    return forge::InstallCacheKey::compute(snapshot, plan, u"v20.19.0"_s, u"local"_s,
                                           u"remote:https://github.com/owner/app"_s);
}

} // namespace

class TestExpectedEnvironment : public QObject
{
    Q_OBJECT

private slots:
    void referencesInSource_data()
    {
        QTest::addColumn<QString>("source");
        QTest::addColumn<QStringList>("names");

        QTest::newRow("process.env") << u"fetch(process.env.NEXT_PUBLIC_API_URL + '/x')"_s
                                     << QStringList{u"NEXT_PUBLIC_API_URL"_s};
        QTest::newRow("subscripts") << u"process.env['REACT_APP_A']; import.meta.env[\"VITE_B\"]; "
                                       "process.env[`NUXT_PUBLIC_C`]"_s
                                    << QStringList{u"REACT_APP_A"_s, u"VITE_B"_s, u"NUXT_PUBLIC_C"_s};
        QTest::newRow("optional chaining") << u"import.meta.env?.VITE_A"_s << QStringList{u"VITE_A"_s};
        QTest::newRow("server variables are not public")
            << u"process.env.DATABASE_URL; process.env.STRIPE_SECRET_KEY"_s << QStringList();
        QTest::newRow("what the framework sets")
            << u"import.meta.env.MODE; import.meta.env.VITE_USER_NODE_ENV; process.env.PUBLIC_URL; "
               "process.env.NEXT_PUBLIC_VERCEL_URL; process.env.NODE_ENV"_s
            << QStringList();
        QTest::newRow("a prefix alone") << u"import.meta.env.VITE_"_s << QStringList();
        QTest::newRow("destructured")
            << u"const { VITE_A, VITE_B: b, VITE_C = 'c', MODE } = import.meta.env"_s
            << QStringList{u"VITE_A"_s, u"VITE_B"_s, u"VITE_C"_s};
        QTest::newRow("SvelteKit static")
            << u"import {\n  PUBLIC_A,\n  PUBLIC_B as b\n} from \"$env/static/public\";"_s
            << QStringList{u"PUBLIC_A"_s, u"PUBLIC_B"_s};
        QTest::newRow("SvelteKit dynamic")
            << u"import { env } from '$env/dynamic/public'\nenv.PUBLIC_A"_s << QStringList{u"PUBLIC_A"_s};
        QTest::newRow("env. without the dynamic import") << u"env.PUBLIC_A"_s << QStringList();
        QTest::newRow("private SvelteKit imports")
            << u"import { SECRET } from '$env/static/private'"_s << QStringList();
        QTest::newRow("once, in order") << u"import.meta.env.VITE_B; import.meta.env.VITE_A; "
                                           "import.meta.env.VITE_B"_s
                                        << QStringList{u"VITE_B"_s, u"VITE_A"_s};
        QTest::newRow("a longer identifier")
            << u"myprocess.env.VITE_A; process.environment.VITE_B"_s << QStringList();
    }

    void referencesInSource()
    {
        QFETCH(QString, source);
        QFETCH(QStringList, names);
        QCOMPARE(ExpectedEnvironment::publicNamesReferencedIn(source), names);
    }

    void publicNames()
    {
        QVERIFY(ExpectedEnvironment::isPublicName(u"NEXT_PUBLIC_X"_s));
        QVERIFY(ExpectedEnvironment::isPublicName(u"PUBLIC_X"_s));
        QVERIFY(!ExpectedEnvironment::isPublicName(u"NEXT_PUBLIC_"_s));
        QVERIFY(!ExpectedEnvironment::isPublicName(u"vite_x"_s));
        QVERIFY(!ExpectedEnvironment::isPublicName(u"REACT_APP_VERCEL_ENV"_s));
        QVERIFY(ExpectedEnvironment::isSetByFramework(u"SSR"_s));
        QVERIFY(!ExpectedEnvironment::isSetByFramework(u"VITE_API_URL"_s));
    }

    void snapshotRecordsReferencesNotFiles()
    {
        const QString root = repository(u"vite-supabase"_s);
        // The fixture's links must be there for this test to mean anything.
        QVERIFY(QFileInfo(root + u"/src/outside-link"_s).isSymLink());
        QVERIFY(QFileInfo(root + u"/src/linked.ts"_s).isSymLink());

        const ProjectSnapshot snapshot = ProjectSnapshot::fromDirectory(root);
        const QMap<QString, QStringList> expected{
            {u"VITE_APP_TITLE"_s, {u"src/main.tsx"_s}},
            {u"VITE_DOCS_URL"_s, {u"src/App.tsx"_s}},
            {u"VITE_SENTRY_DSN"_s, {u"src/main.tsx"_s}},
            {u"VITE_SUPABASE_ANON_KEY"_s, {u"src/lib/supabase.ts"_s}},
            {u"VITE_SUPABASE_URL"_s, {u"src/lib/supabase.ts"_s}},
        };
        // Not VITE_OUTSIDE_LEAK (behind links), VITE_FROM_NODE_MODULES, VITE_FROM_DIST,
        // VITE_FROM_MARKDOWN (not source) or VITE_TYPED_ONLY (a type, not a read).
        QCOMPARE(snapshot.variableReferences(), expected);
        QVERIFY(snapshot.isReadable(u".env.example"_s));
        QVERIFY(!snapshot.contains(u"src/main.tsx"_s)); // scanned, not kept
    }

    void fromARepository()
    {
        const ProjectSnapshot snapshot = ProjectSnapshot::fromDirectory(repository(u"vite-supabase"_s));
        const QList<ExpectedVariable> expected{
            {u"VITE_SUPABASE_ANON_KEY"_s, u"Supabase anon key"_s, u".env.example"_s},
            {u"VITE_SUPABASE_URL"_s, u"Supabase project URL (Settings > API)"_s, u".env.example"_s},
            {u"VITE_DOCS_URL"_s, QString(), u"src/App.tsx"_s},
            {u"VITE_APP_TITLE"_s, QString(), u"src/main.tsx"_s},
            {u"VITE_SENTRY_DSN"_s, QString(), u"src/main.tsx"_s},
        };
        QCOMPARE(ExpectedEnvironment::fromSnapshot(snapshot, QString()), expected);
    }

    void fromAWorkspacePackage()
    {
        const ProjectSnapshot snapshot = ProjectSnapshot::fromDirectory(repository(u"monorepo"_s));
        QVERIFY(snapshot.isReadable(u"apps/web/.env.sample"_s));
        const QList<ExpectedVariable> expected{
            {u"TURBO_TOKEN"_s, u"Remote caching (optional)"_s, u".env.example"_s},
            // The package's own example file wins; the root's fills the hint it lacks.
            {u"DATABASE_URL"_s, u"Shared by every app: the Postgres connection string"_s,
             u"apps/web/.env.sample"_s},
            {u"NEXT_PUBLIC_SUPABASE_ANON_KEY"_s, QString(), u"apps/web/.env.sample"_s},
            {u"NEXT_PUBLIC_SUPABASE_URL"_s, u"The Supabase project the web app talks to"_s,
             u"apps/web/.env.sample"_s},
            {u"NEXT_PUBLIC_SITE_URL"_s, QString(), u"apps/web/app/page.tsx"_s},
            // From packages/ui, which apps/web depends on; not NEXT_PUBLIC_FROM_BUILD (.next), nor
            // the other apps' variables.
            {u"NEXT_PUBLIC_UI_CDN"_s, QString(), u"packages/ui/src/index.ts"_s},
        };
        QCOMPARE(ExpectedEnvironment::fromSnapshot(snapshot, u"apps/web"_s), expected);

        const QList<ExpectedVariable> kit{
            {u"DATABASE_URL"_s, u"Shared by every app: the Postgres connection string"_s, u".env.example"_s},
            {u"NEXT_PUBLIC_SUPABASE_URL"_s, QString(), u".env.example"_s},
            {u"TURBO_TOKEN"_s, u"Remote caching (optional)"_s, u".env.example"_s},
            {u"PUBLIC_KIT_FLAGS"_s, QString(), u"apps/kit/src/lib/flags.ts"_s},
            {u"PUBLIC_KIT_ANALYTICS_ID"_s, QString(), u"apps/kit/src/routes/+page.svelte"_s},
            {u"PUBLIC_KIT_API_URL"_s, QString(), u"apps/kit/src/routes/+page.svelte"_s},
        };
        QCOMPARE(ExpectedEnvironment::fromSnapshot(snapshot, u"apps/kit"_s), kit);

        // The root as the project: every app's references count.
        QStringList rootNames;
        for (const ExpectedVariable& variable : ExpectedEnvironment::fromSnapshot(snapshot, QString()))
            rootNames.append(variable.name);
        QCOMPARE(rootNames,
                 (QStringList{u"DATABASE_URL"_s, u"NEXT_PUBLIC_SUPABASE_URL"_s, u"TURBO_TOKEN"_s,
                              u"PUBLIC_ALGOLIA_APP_ID"_s, u"PUBLIC_KIT_FLAGS"_s, u"PUBLIC_KIT_ANALYTICS_ID"_s,
                              u"PUBLIC_KIT_API_URL"_s, u"NEXT_PUBLIC_SITE_URL"_s, u"NEXT_PUBLIC_UI_CDN"_s}));
    }

    void exampleFilesLeaveOutWhatAProjectCannotSet()
    {
        ProjectSnapshot snapshot;
        snapshot.addFile(u".env.template"_s, "PORT=3000\nNODE_ENV=development\nFORGE_X=1\nAPI_URL=\n");
        snapshot.addFile(u".env.sample"_s, "# The API\nAPI_URL=http://localhost:8080\n");
        const QList<ExpectedVariable> expected{{u"API_URL"_s, u"The API"_s, u".env.sample"_s}};
        QCOMPARE(ExpectedEnvironment::fromSnapshot(snapshot, QString()), expected);
    }

    void missingFrom()
    {
        const QList<ExpectedVariable> expected{
            {u"A_URL"_s, QString(), u".env.example"_s},
            {u"B_KEY"_s, QString(), u".env.example"_s},
            {u"C_EMPTY"_s, QString(), u".env.example"_s},
        };
        ProjectEnvironment environment;
        environment.set({u"B_KEY"_s, QString(), true, EnvironmentStep::Run}); // a secret: no value here
        environment.set({u"C_EMPTY"_s, QString(), false, EnvironmentStep::Run});
        environment.set({u"OTHER"_s, u"1"_s, false, EnvironmentStep::Run});
        QCOMPARE(ExpectedEnvironment::missingFrom(expected, environment), expected.mid(0, 1));
        QCOMPARE(ExpectedEnvironment::missingFrom(expected, ProjectEnvironment()), expected);
    }

    void exampleFilesDoNotChangeTheInstallCacheKey()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString root = dir.path();
        QVERIFY(writeFile(root + u"/package.json"_s, "{\"name\":\"app\",\"workspaces\":[\"apps/*\"]}"));
        QVERIFY(writeFile(root + u"/package-lock.json"_s, "{\"lockfileVersion\":3,\"packages\":{}}"));
        QVERIFY(writeFile(root + u"/apps/web/package.json"_s, "{\"name\":\"web\"}"));
        const ProjectSnapshot before = ProjectSnapshot::fromDirectory(root);
        const QString key = installKey(before);
        QVERIFY(forge::InstallCacheKey::isValid(key));

        for (const QString& folder : QStringList{root, root + u"/apps/web"_s}) {
            for (const QString& name : ExpectedEnvironment::exampleFileNames())
                QVERIFY(writeFile(folder + u'/' + name, "VITE_API_URL=\n"));
            QVERIFY(writeFile(folder + u"/src/main.ts"_s, "import.meta.env.VITE_API_URL"));
        }
        const ProjectSnapshot after = ProjectSnapshot::fromDirectory(root);
        QVERIFY(after.isReadable(u".env.example"_s));
        QVERIFY(after.isReadable(u"apps/web/.env.template"_s));
        QCOMPARE(after.variableReferences().value(u"VITE_API_URL"_s),
                 (QStringList{u"apps/web/src/main.ts"_s, u"src/main.ts"_s}));
        QCOMPARE(after.installInputPaths(), before.installInputPaths());
        QCOMPARE(installKey(after), key);
    }

    void scanBounds()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString root = dir.path();
        // MaxReferenceScanDepth folders down is scanned, one more is not.
        QString deep = root;
        for (int depth = 1; depth <= ProjectSnapshot::MaxReferenceScanDepth; ++depth)
            deep += u"/d"_s + QString::number(depth);
        QVERIFY(writeFile(deep + u"/a.ts"_s, "import.meta.env.VITE_DEEP"));
        QVERIFY(writeFile(deep + u"/d9/a.ts"_s, "import.meta.env.VITE_TOO_DEEP"));
        // A file above the size bound is skipped; one at it is read.
        QByteArray large = "import.meta.env.VITE_LARGE\n";
        large.append(QByteArray(ProjectSnapshot::MaxReferenceScanFileSize + 1 - large.size(), ' '));
        QVERIFY(writeFile(root + u"/large.js"_s, large));
        QVERIFY(writeFile(root + u"/limit.js"_s, large.chopped(1).replace("LARGE", "LIMIT")));
        // Extensions: source only, in any case.
        QVERIFY(writeFile(root + u"/upper.VUE"_s, "import.meta.env.VITE_UPPER"));
        QVERIFY(writeFile(root + u"/notes.txt"_s, "import.meta.env.VITE_TEXT"));

        const QStringList names = ProjectSnapshot::fromDirectory(root).variableReferences().keys();
        QCOMPARE(names, (QStringList{u"VITE_DEEP"_s, u"VITE_LIMIT"_s, u"VITE_UPPER"_s}));
    }

    void scanStopsAfterMaxFiles()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        // Read in name order, so the files past the bound are the last ones.
        for (int i = 0; i < ProjectSnapshot::MaxReferenceScanFiles + 2; ++i) {
            const QString name = u"f%1.js"_s.arg(i, 5, 10, QChar(u'0'));
            QVERIFY(writeFile(dir.filePath(name), "process.env.VITE_F" + QByteArray::number(i)));
        }
        const QMap<QString, QStringList> references =
            ProjectSnapshot::fromDirectory(dir.path()).variableReferences();
        QCOMPARE(references.size(), ProjectSnapshot::MaxReferenceScanFiles);
        QVERIFY(references.contains(u"VITE_F%1"_s.arg(ProjectSnapshot::MaxReferenceScanFiles - 1)));
        QVERIFY(!references.contains(u"VITE_F%1"_s.arg(ProjectSnapshot::MaxReferenceScanFiles)));
    }
};

QTEST_GUILESS_MAIN(TestExpectedEnvironment)
#include "tst_expectedenvironment.moc"
