#include "AwaitCatching.h"
#include "NpmRegistryStub.h"
#include "core/Failure.h"
#include "toolchain/NpmRegistry.h"
#include "toolchain/ToolCache.h"

#include <QCoroTask>
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <memory>

using namespace forge;
using namespace Qt::StringLiterals;
using forge::test::NpmRegistryStub;

namespace {

// Every task is awaited through AwaitCatching.h (QCoro::waitFor hangs when a task throws).
template<typename T>
forge::test::Caught<Failure, T> run(QCoro::Task<T> task)
{
    return forge::test::awaitCatching<Failure>(std::move(task));
}

const QString Hello = u"@forge-test/hello"_s;

QMap<QString, QByteArray> helloFiles(const QByteArray& greeting)
{
    return {{u"bin/hello"_s, "#!/bin/sh\necho " + greeting + "\n"}, {u"README.md"_s, "A tool for tests.\n"}};
}

// Two ensure() calls for one entry started together, awaited together.
QCoro::Task<QList<ToolCacheEntry>> ensureTwice(ToolCache& cache, NpmRegistry& registry,
                                               PackageVersion version)
{
    QCoro::Task<ToolCacheEntry> first = cache.ensure(registry, Hello, version);
    QCoro::Task<ToolCacheEntry> second = cache.ensure(registry, Hello, version);
    const ToolCacheEntry firstEntry = co_await std::move(first);
    const ToolCacheEntry secondEntry = co_await std::move(second);
    co_return QList<ToolCacheEntry>{firstEntry, secondEntry};
}

// Everything under `folder`, hidden entries included, as paths relative to it.
QStringList contentsOf(const QString& folder)
{
    QStringList paths;
    QDirIterator it(folder, QDir::AllEntries | QDir::Hidden | QDir::System | QDir::NoDotAndDotDot,
                    QDirIterator::Subdirectories);
    while (it.hasNext())
        paths << it.next().mid(folder.size() + 1);
    return paths;
}

void setLastUsed(const ToolCacheEntry& entry, const QDateTime& when)
{
    QFile file(entry.path + u"/tool.json"_s);
    QVERIFY(file.open(QIODevice::ReadWrite));
    QVERIFY(file.setFileTime(when, QFileDevice::FileModificationTime));
}

} // namespace

class TestToolCache : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<QTemporaryDir> m_folder;
    std::unique_ptr<NpmRegistryStub> m_stub;
    std::unique_ptr<NpmRegistry> m_registry;
    std::unique_ptr<ToolCache> m_cache;

    QString cacheRoot() const { return m_folder->filePath(u"toolchains"_s); }

    PackageVersion published(const QString& name, const QString& version)
    {
        const auto packument = run(m_registry->packument(name));
        if (!packument.value)
            qWarning("packument of %s: %s", qPrintable(name), qPrintable(packument.describe()));
        return packument.value ? packument.value->versions.value(version) : PackageVersion{};
    }

    std::optional<ToolCacheEntry> ensure(const QString& name, const QString& version)
    {
        const auto entry = run(m_cache->ensure(*m_registry, name, published(name, version)));
        if (!entry.value)
            qWarning("ensure %s %s: %s", qPrintable(name), qPrintable(version), qPrintable(entry.describe()));
        return entry.value;
    }

    void addHello(const QString& version, const QByteArray& greeting = "hello from the cache")
    {
        QString error;
        QVERIFY2(m_stub->addPackage(Hello, version, helloFiles(greeting),
                                    {{u"hello"_s, u"bin/hello"_s}, {u"outside"_s, u"../../etc/passwd"_s}},
                                    &error),
                 qPrintable(error));
    }

    // A package whose archive `pack` makes from a folder holding package/package.json.
    void addCrafted(const QString& name, const std::function<QByteArray(const QString& folder)>& pack)
    {
        QTemporaryDir source;
        QVERIFY(QDir().mkpath(source.filePath(u"package"_s)));
        QFile manifest(source.filePath(u"package/package.json"_s));
        QVERIFY(manifest.open(QIODevice::WriteOnly));
        manifest.write(R"({"name":")" + name.toUtf8() + R"(","version":"1.0.0"})");
        manifest.close();
        const QByteArray tarball = pack(source.path());
        QVERIFY(!tarball.isEmpty());
        m_stub->addRawTarball(name, u"1.0.0"_s, tarball);
    }

private slots:
    void init()
    {
        m_folder = std::make_unique<QTemporaryDir>();
        QVERIFY(m_folder->isValid());
        m_stub = std::make_unique<NpmRegistryStub>();
        QVERIFY(m_stub->listen());
        m_registry = std::make_unique<NpmRegistry>(m_stub->url());
        m_cache = std::make_unique<ToolCache>(cacheRoot());
    }

    void cleanup()
    {
        m_cache.reset();
        m_registry.reset();
        m_stub.reset();
        m_folder.reset();
    }

    void ensureMakesAnEntryWithWorkingBinLinks()
    {
        addHello(u"1.0.0"_s);
        const std::optional<ToolCacheEntry> entry = ensure(Hello, u"1.0.0"_s);
        QVERIFY(entry);
        QCOMPARE(entry->path, cacheRoot() + u"/@forge-test+hello/1.0.0"_s);
        QCOMPARE(entry->packageName, Hello);
        QVERIFY(QFileInfo::exists(entry->path + u"/package/README.md"_s));
        QVERIFY(QFileInfo::exists(entry->path + u"/tool.json"_s));
        QVERIFY(entry->bytes > 0);

        // The packument was asked for in npm's abbreviated form, the scope's '/' escaped.
        const auto requests =
            m_stub->requestsTo("/@forge-test%2Fhello") + m_stub->requestsTo("/@forge-test%2fhello");
        QCOMPARE(requests.size(), 1);
        QVERIFY(requests.first().header("accept").startsWith("application/vnd.npm.install-v1+json"));

        // A relative link, made executable (the archive's file is not), that runs.
        const QFileInfo link(entry->binDirectory() + u"/hello"_s);
        QVERIFY(link.isSymLink());
        QCOMPARE(QFile::symLinkTarget(link.filePath()), entry->path + u"/package/bin/hello"_s);
        QCOMPARE(QFileInfo(link.filePath()).dir().relativeFilePath(link.symLinkTarget()),
                 u"../package/bin/hello"_s);
        QProcess hello;
        hello.start(link.filePath(), {});
        QVERIFY(hello.waitForFinished(10'000));
        QCOMPARE(hello.readAllStandardOutput().trimmed(), QByteArray("hello from the cache"));
        // A bin entry leading out of the package gets no link.
        QVERIFY(!QFileInfo(entry->binDirectory() + u"/outside"_s).exists());
        QVERIFY(!QFileInfo(entry->binDirectory() + u"/outside"_s).isSymLink());

        // Cached: found, listed, offered offline as a version, and never downloaded again.
        QVERIFY(m_cache->find(Hello, u"1.0.0"_s));
        QCOMPARE(m_cache->entries().size(), 1);
        QCOMPARE(m_cache->cachedPackument(Hello).versions.keys(), QStringList{u"1.0.0"_s});
        QCOMPARE(m_cache->cachedPackument(Hello).versions.value(u"1.0.0"_s).bin.value(u"hello"_s),
                 u"bin/hello"_s);
        QVERIFY(ensure(Hello, u"1.0.0"_s));
        QCOMPARE(m_stub->tarballRequests(Hello, u"1.0.0"_s), 1);
    }

    void corruptTarballIsRefusedAndLeavesNothing()
    {
        addHello(u"1.0.0"_s);
        m_stub->corruptTarball(Hello, u"1.0.0"_s);
        const auto entry = run(m_cache->ensure(*m_registry, Hello, published(Hello, u"1.0.0"_s)));
        QVERIFY(entry.error);
        QVERIFY(!entry.error->isTransient());
        QVERIFY2(entry.error->message().contains(Hello) && entry.error->message().contains(u"1.0.0"_s) &&
                     entry.error->message().contains(u"integrity"_s) &&
                     entry.error->message().contains(u"sha512-"_s),
                 qPrintable(entry.error->message()));
        QVERIFY2(entry.error->advice().contains(u"cache"_s), qPrintable(entry.error->advice()));
        QCOMPARE(contentsOf(cacheRoot()), QStringList());
        QVERIFY(m_cache->entries().isEmpty());
    }

    void concurrentEnsuresShareOneDownload()
    {
        addHello(u"1.0.0"_s);
        const PackageVersion version = published(Hello, u"1.0.0"_s);
        const auto entries = run(ensureTwice(*m_cache, *m_registry, version));
        QVERIFY2(entries.value, qPrintable(entries.describe()));
        QCOMPARE(entries.value->at(0).path, entries.value->at(1).path);
        QCOMPARE(m_stub->tarballRequests(Hello, u"1.0.0"_s), 1);
    }

    void offlineUsesTheCacheAndNamesWhatIsMissing()
    {
        addHello(u"1.0.0"_s);
        addHello(u"2.0.0"_s);
        QVERIFY(ensure(Hello, u"1.0.0"_s));
        const PackageVersion missing = published(Hello, u"2.0.0"_s);
        const PackageVersion cached = published(Hello, u"1.0.0"_s);
        m_stub->stop();

        const auto fromCache = run(m_cache->ensure(*m_registry, Hello, cached));
        QVERIFY2(fromCache.value, qPrintable(fromCache.describe()));
        QCOMPARE(m_stub->tarballRequests(Hello, u"1.0.0"_s), 1);

        const auto notCached = run(m_cache->ensure(*m_registry, Hello, missing));
        QVERIFY(notCached.error);
        QVERIFY(notCached.error->isTransient());
        QVERIFY2(notCached.error->message().contains(Hello) &&
                     notCached.error->message().contains(u"2.0.0"_s) &&
                     notCached.error->message().contains(u"could not be reached"_s),
                 qPrintable(notCached.error->message()));
        QVERIFY(!notCached.error->advice().isEmpty());
        QVERIFY(!m_cache->find(Hello, u"2.0.0"_s));

        const auto packument = run(m_registry->packument(Hello));
        QVERIFY(packument.error);
        QVERIFY(packument.error->isTransient());
    }

    void pruneRemovesLeastRecentlyUsedBeyondTheCap()
    {
        for (const QString& name : {u"tool-a"_s, u"tool-b"_s, u"tool-c"_s}) {
            QString error;
            QVERIFY2(m_stub->addPackage(name, u"1.0.0"_s, {{u"index.js"_s, name.toUtf8().repeated(100)}}, {},
                                        &error),
                     qPrintable(error));
            QVERIFY(ensure(name, u"1.0.0"_s));
        }
        const auto entryOf = [this](const QString& name) { return *m_cache->find(name, u"1.0.0"_s); };
        setLastUsed(entryOf(u"tool-a"_s), QDateTime::currentDateTime().addSecs(-3 * 3600));
        setLastUsed(entryOf(u"tool-b"_s), QDateTime::currentDateTime().addSecs(-2 * 3600));
        QCOMPARE(m_cache->entries().last().packageName, u"tool-a"_s);

        // Room for two: the least recently used goes.
        m_cache->setSizeCap(entryOf(u"tool-b"_s).bytes + entryOf(u"tool-c"_s).bytes);
        QVERIFY(!m_cache->find(u"tool-a"_s, u"1.0.0"_s));
        QVERIFY(m_cache->find(u"tool-b"_s, u"1.0.0"_s));
        QVERIFY(m_cache->find(u"tool-c"_s, u"1.0.0"_s));

        // Room for none: what was used within the hour stays all the same.
        m_cache->use(entryOf(u"tool-b"_s));
        setLastUsed(entryOf(u"tool-c"_s), QDateTime::currentDateTime().addSecs(-2 * 3600));
        m_cache->setSizeCap(1);
        QVERIFY(m_cache->find(u"tool-b"_s, u"1.0.0"_s));
        QVERIFY(!m_cache->find(u"tool-c"_s, u"1.0.0"_s));
        QCOMPARE(m_cache->entries().size(), 1);
    }

    void removeDeletesAnEntry()
    {
        addHello(u"1.0.0"_s);
        const std::optional<ToolCacheEntry> entry = ensure(Hello, u"1.0.0"_s);
        QVERIFY(entry);
        QSignalSpy changed(m_cache.get(), &ToolCache::entriesChanged);
        QString error;
        QVERIFY2(m_cache->remove(Hello, u"1.0.0"_s, &error), qPrintable(error));
        QCOMPARE(changed.size(), 1);
        QVERIFY(!QFileInfo::exists(entry->path));
        QVERIFY(!m_cache->find(Hello, u"1.0.0"_s));
        QCOMPARE(contentsOf(cacheRoot()), QStringList());
        QVERIFY(!m_cache->remove(Hello, u"1.0.0"_s, &error));
        QVERIFY2(error.contains(u"not in the tool cache"_s), qPrintable(error));
    }

    void escapingArchivesAreRefused_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<QString>("link"); // a symbolic link package/evil -> this, when set
        QTest::addColumn<bool>("dotDot");  // a member package/../../escape
        QTest::newRow("member with ..") << u"dot-dot"_s << QString() << true;
        QTest::newRow("link out of the package") << u"relative-link"_s << u"../../outside"_s << false;
        QTest::newRow("absolute link") << u"absolute-link"_s << u"/etc"_s << false;
    }

    void escapingArchivesAreRefused()
    {
        QFETCH(QString, name);
        QFETCH(QString, link);
        QFETCH(bool, dotDot);
        addCrafted(name, [&](const QString& folder) {
            if (!link.isEmpty())
                QFile::link(link, folder + u"/package/evil"_s);
            if (!dotDot)
                return NpmRegistryStub::pack(folder, {u"package"_s});
            QFile escape(folder + u"/escape"_s);
            escape.open(QIODevice::WriteOnly);
            escape.write("escaped\n");
            escape.close();
            return NpmRegistryStub::pack(folder, {u"package"_s, u"escape"_s},
                                         {u"-P"_s, u"--transform=s,^escape,package/../../escape,"_s});
        });
        const auto entry = run(m_cache->ensure(*m_registry, name, published(name, u"1.0.0"_s)));
        QVERIFY(entry.error);
        QVERIFY(!entry.error->isTransient());
        QVERIFY2(entry.error->message().contains(u"refused"_s) && entry.error->message().contains(name),
                 qPrintable(entry.error->message()));
        QCOMPARE(contentsOf(cacheRoot()), QStringList());
        QVERIFY(!QFileInfo::exists(m_folder->filePath(u"escape"_s)));
    }

    void notInTheRegistryIsPermanent()
    {
        const auto packument = run(m_registry->packument(u"no-such-tool"_s));
        QVERIFY(packument.error);
        QVERIFY(!packument.error->isTransient());
        QVERIFY2(packument.error->message().contains(u"no-such-tool is not in the registry at 127.0.0.1"_s),
                 qPrintable(packument.error->message()));
    }

    void plainHttpIsRefusedBeyondLoopback()
    {
        NpmRegistry registry(QUrl(u"http://registry.example.test/"_s));
        const auto packument = run(registry.packument(u"pnpm"_s));
        QVERIFY(packument.error);
        QVERIFY(!packument.error->isTransient());
        QVERIFY2(packument.error->message().contains(u"not HTTPS"_s), qPrintable(packument.error->message()));
    }

    void configuredRegistry()
    {
        QTemporaryDir home;
        QProcessEnvironment environment;
        QCOMPARE(NpmRegistry::configured(environment, home.path()), QUrl(u"https://registry.npmjs.org/"_s));

        QFile npmrc(home.filePath(u".npmrc"_s));
        QVERIFY(npmrc.open(QIODevice::WriteOnly));
        npmrc.write("# registry=https://commented.example.test/\n"
                    "; registry=https://also-commented.example.test/\n"
                    "@scope:registry=https://scoped.example.test/\n"
                    "//mirror.example.test/npm/:_authToken=not-a-real-token\n"
                    "registry = https://mirror.example.test/npm\n");
        npmrc.close();
        QCOMPARE(NpmRegistry::configured(environment, home.path()),
                 QUrl(u"https://mirror.example.test/npm/"_s));

        environment.insert(u"NPM_CONFIG_REGISTRY"_s, u"https://user:secret@env.example.test/"_s);
        QCOMPARE(NpmRegistry::configured(environment, home.path()), QUrl(u"https://env.example.test/"_s));
        environment.remove(u"NPM_CONFIG_REGISTRY"_s);
        environment.insert(u"npm_config_registry"_s, u"not a registry"_s);
        QCOMPARE(NpmRegistry::configured(environment, home.path()),
                 QUrl(u"https://mirror.example.test/npm/"_s));
    }

    void realPnpmRunsFromTheCache()
    {
        const QString tarball = QStringLiteral(FORGE_TEST_TARBALLS_DIR) + u"/pnpm-9.15.9.tgz"_s;
        if (!QFileInfo::exists(tarball))
            QFAIL(
                qPrintable(u"%1 is missing: run scripts/test, which fetches it (forge_fetch_test_tarballs in "
                           u"scripts/lib/common.sh)"_s.arg(tarball)));
        QString error;
        QCOMPARE(m_stub->addTarball(tarball, &error), u"pnpm@9.15.9"_s);
        const std::optional<ToolCacheEntry> entry = ensure(u"pnpm"_s, u"9.15.9"_s);
        QVERIFY(entry);
        QVERIFY(QFileInfo(entry->binDirectory() + u"/pnpx"_s).isSymLink());

        const QString node = QStandardPaths::findExecutable(u"node"_s);
        QVERIFY2(!node.isEmpty(), "the system's Node.js runs pnpm");
        QProcess pnpm;
        QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
        environment.insert(u"PATH"_s, QFileInfo(node).path());
        environment.insert(u"HOME"_s, m_folder->path());
        pnpm.setProcessEnvironment(environment);
        pnpm.start(entry->binDirectory() + u"/pnpm"_s, {u"--version"_s});
        QVERIFY(pnpm.waitForFinished(60'000));
        QCOMPARE(pnpm.readAllStandardOutput().trimmed(), QByteArray("9.15.9"));
    }
};

QTEST_GUILESS_MAIN(TestToolCache)
#include "tst_toolcache.moc"
