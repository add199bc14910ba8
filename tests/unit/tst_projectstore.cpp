#include "store/ProjectStore.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace forge;

class TestProjectStore : public QObject
{
    Q_OBJECT

private:
    static void writeFile(const QString& path, const QByteArray& content)
    {
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(content);
    }

    static Project sample()
    {
        Project project;
        project.id = u"0f8fad5b-d9cb-469f-a165-70867728950e"_s;
        project.repository = u"https://github.com/octo/app"_s;
        project.branch = u"main"_s;
        project.mode = RunMode::Production;
        project.added = QDateTime(QDate(2026, 11, 23), QTime(12, 0), Qt::UTC);
        RunPlan plan;
        plan.packageManager = PackageManager::Npm;
        plan.framework = Framework::Vite;
        plan.installCommand = {u"npm"_s, u"ci"_s};
        plan.devCommand = {u"npm"_s, u"run"_s, u"dev"_s, u"--"_s, u"--port"_s, u"${PORT}"_s};
        plan.expectedPort = 5173;
        project.plan = plan;
        return project;
    }

private Q_SLOTS:
    void roundTrip()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(u"nested/projects.json"_s);
        ProjectStore store(path);
        QVERIFY(store.load()); // no file yet: an empty list
        store.put(sample());
        QVERIFY2(store.save(), qPrintable(store.errorString()));
        QCOMPARE(QFile(path).permissions() & (QFileDevice::ReadOther | QFileDevice::ReadGroup),
                 QFileDevice::Permissions());

        ProjectStore reloaded(path);
        QVERIFY(reloaded.load());
        QCOMPARE(reloaded.projects().size(), 1);
        const Project& project = reloaded.projects().first();
        QCOMPARE(project.repository, sample().repository);
        QCOMPARE(project.branch, u"main"_s);
        QCOMPARE(toString(project.mode), u"production"_s);
        QVERIFY(project.plan);
        QVERIFY(*project.plan == *sample().plan);
        QCOMPARE(project.added, sample().added);
    }

    void putReplacesAndRemoveDeletes()
    {
        QTemporaryDir dir;
        ProjectStore store(dir.filePath(u"projects.json"_s));
        Project project = sample();
        store.put(project);
        project.branch = u"dev"_s;
        store.put(project);
        QCOMPARE(store.projects().size(), 1);
        QCOMPARE(store.find(project.id)->branch, u"dev"_s);
        store.remove(project.id);
        QVERIFY(store.projects().isEmpty());
        QVERIFY(!store.find(project.id));
    }

    void corruptFileIsSetAsideNotOverwritten()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(u"projects.json"_s);
        writeFile(path, "{ \"version\": 1, \"projects\": [ trunc");
        ProjectStore store(path);
        QVERIFY(!store.load());
        QVERIFY(store.errorString().contains(u"could not be read"_s));
        QVERIFY(store.projects().isEmpty());
        const QStringList aside = QDir(dir.path()).entryList({u"projects.json.broken-*"_s});
        QCOMPARE(aside.size(), 1);
        QFile kept(dir.filePath(aside.first()));
        QVERIFY(kept.open(QIODevice::ReadOnly));
        QCOMPARE(kept.readAll(), QByteArray("{ \"version\": 1, \"projects\": [ trunc"));
        QVERIFY(store.errorString().contains(aside.first()));
    }

    void newerFormatIsLeftUntouched()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(u"projects.json"_s);
        const QByteArray newer = "{\"version\": 99, \"projects\": []}";
        writeFile(path, newer);
        ProjectStore store(path);
        QVERIFY(!store.load());
        QVERIFY(store.errorString().contains(u"newer version"_s));
        store.put(sample());
        QVERIFY(!store.save());
        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadOnly));
        QCOMPARE(file.readAll(), newer);
    }

    void invalidEntriesAreSkippedWithAReason()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(u"projects.json"_s);
        writeFile(path, "{\"version\":1,\"projects\":["
                        "{\"id\":\"a\",\"repository\":\"https://github.com/a/b\",\"mode\":\"dev\"},"
                        "{\"id\":\"\",\"repository\":\"x\"},"
                        "{\"id\":\"c\",\"repository\":\"https://github.com/c/d\",\"mode\":\"turbo\"},"
                        "{\"id\":\"e\",\"repository\":\"https://github.com/e/"
                        "f\",\"plan\":{\"packageManager\":\"cobol\"}}]}");
        ;
        ProjectStore store(path);
        QVERIFY(store.load());
        QCOMPARE(store.projects().size(), 1);
        QCOMPARE(store.projects().first().id, u"a"_s);
        QCOMPARE(store.warnings().size(), 3);
        QVERIFY(store.warnings().at(1).contains(u"unknown mode"_s));
        QVERIFY(store.warnings().at(2).contains(u"run plan"_s));
    }
};

QTEST_GUILESS_MAIN(TestProjectStore)
#include "tst_projectstore.moc"
