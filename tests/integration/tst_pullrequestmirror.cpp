// forge::PullRequestMirror against a real git smart-HTTP server (git http-backend behind
// GitHttpServer): the first fetch of a pull request preview's commit and an update to the pull
// request's new head, the changes between them (added, modified, deleted, a file turned into a
// link) and an archive of the changed files that unpacks to exactly the new contents; a second
// fetch that brings only the new objects, not the base tree again; a private repository's token
// kept out of the mirror's files, the output and every command line; git's own words when a pull
// request or a commit does not exist; and a ~/.gitconfig in the caller's home that the mirror's git
// never reads.
#include "AwaitCatching.h"
#include "FixtureRepository.h"
#include "GitHttpServer.h"
#include "HttpServer.h"
#include "SecretLeakScanner.h"
#include "core/Failure.h"
#include "sandbox/PullRequestMirror.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QRandomGenerator>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <algorithm>
#include <memory>
#include <unistd.h>

using namespace Qt::StringLiterals;
using forge::Failure;
using forge::OutputChannel;
using forge::PullRequestMirror;
using forge::SourceChange;
using forge::test::awaitCatching;
using forge::test::FixtureRepository;
using forge::test::GitHttpServer;
using forge::test::HttpExchange;
using forge::test::HttpResponse;
using forge::test::HttpServer;
using forge::test::RecordedRequest;
using forge::test::SecretLeakScanner;

namespace {

const QString Canary = u"ghp_CANARYprmirror0123456789abcdefABCDEFG"_s;
constexpr int BaseFiles = 300;
constexpr qsizetype BigFileBytes = 1024 * 1024;

QByteArray incompressibleBytes(qsizetype size)
{
    QByteArray bytes(size, Qt::Uninitialized);
    QRandomGenerator::global()->fillRange(reinterpret_cast<quint32*>(bytes.data()), size / 4);
    return bytes;
}

QString describeChange(const SourceChange& change)
{
    static const char* const kinds[] = {"A", "M", "D", "T"};
    return QString::fromLatin1(kinds[static_cast<int>(change.kind)]) + u' ' + change.path;
}

QStringList describeChanges(const QList<SourceChange>& changes)
{
    QStringList lines;
    for (const SourceChange& change : changes)
        lines.append(describeChange(change));
    std::sort(lines.begin(), lines.end());
    return lines;
}

// A link's target as stored (QFileInfo::symLinkTarget() makes it absolute).
QByteArray linkTarget(const QString& path)
{
    QByteArray target(4096, '\0');
    const ssize_t length = ::readlink(QFile::encodeName(path).constData(), target.data(), target.size());
    return length < 0 ? "<unreadable link>"_ba : target.left(length);
}

// Every file and link under `root`: relative path -> content, or "-> target" for a link.
QMap<QString, QByteArray> treeOf(const QString& root)
{
    QMap<QString, QByteArray> tree;
    QDirIterator it(root, QDir::AllEntries | QDir::Hidden | QDir::System | QDir::NoDotAndDotDot,
                    QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString path = it.next();
        const QFileInfo info = it.fileInfo();
        const QString relative = QDir(root).relativeFilePath(path);
        if (info.isSymLink()) {
            tree.insert(relative, "-> " + linkTarget(path));
        } else if (info.isFile()) {
            QFile file(path);
            tree.insert(relative, file.open(QIODevice::ReadOnly) ? file.readAll() : "<unreadable>"_ba);
        }
    }
    return tree;
}

// Unpacks `archive` with tar into `target`; tar's complaint, or empty.
QString untar(const QByteArray& archive, const QString& target)
{
    QDir().mkpath(target);
    QProcess tar;
    tar.start(u"tar"_s, {u"-xf"_s, u"-"_s, u"-C"_s, target});
    tar.write(archive);
    tar.closeWriteChannel();
    if (!tar.waitForFinished(60'000))
        return u"tar did not finish"_s;
    if (tar.exitStatus() != QProcess::NormalExit || tar.exitCode() != 0)
        return u"tar failed: "_s + QString::fromUtf8(tar.readAllStandardError());
    return {};
}

// The mirror's size on disk as git counts it, loose objects and packs, in KiB.
qint64 mirrorKiB(FixtureRepository& repository, const QString& mirror)
{
    QByteArray output;
    if (!repository.git({u"--git-dir="_s + mirror, u"count-objects"_s, u"-v"_s}, {}, &output))
        return -1;
    qint64 total = 0;
    for (const QByteArray& line : output.split('\n')) {
        if (line.startsWith("size: ") || line.startsWith("size-pack: "))
            total += line.mid(line.indexOf(' ') + 1).toLongLong();
    }
    return total;
}

// A proxy that proxies nothing: it records what reaches it and answers 502.
class RecordingProxy : public HttpServer
{
public:
    RecordingProxy()
    {
        setHandler([](const RecordedRequest&, const std::shared_ptr<HttpExchange>& exchange) {
            exchange->send(HttpResponse{502, {}, {}});
        });
    }
};

// Sets an environment variable for one scope, and puts the old value back.
class ScopedVariable
{
public:
    ScopedVariable(const char* name, const QByteArray& value)
        : m_name(name)
        , m_had(qEnvironmentVariableIsSet(name))
        , m_old(qgetenv(name))
    {
        if (value.isNull())
            qunsetenv(name);
        else
            qputenv(name, value);
    }
    ~ScopedVariable()
    {
        if (m_had)
            qputenv(m_name, m_old);
        else
            qunsetenv(m_name);
    }
    Q_DISABLE_COPY_MOVE(ScopedVariable)

private:
    const char* m_name;
    bool m_had;
    QByteArray m_old;
};

} // namespace

class TestPullRequestMirror : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_servedRoot;
    std::unique_ptr<FixtureRepository> m_repository;
    std::unique_ptr<GitHttpServer> m_server;
    std::unique_ptr<GitHttpServer> m_private; // asks for the canary token
    int m_mirrors = 0;

    QString newMirrorDirectory() { return m_dir.filePath(u"data/pull-requests/%1.git"_s.arg(++m_mirrors)); }

    // fetchHead, its Failure caught; the output the sink received goes to `output`.
    forge::test::Caught<Failure, QString> fetch(PullRequestMirror& mirror, const QUrl& url, int number,
                                                const QString& knownHead, const QString& token = {},
                                                QByteArray* output = nullptr)
    {
        auto received = std::make_shared<QByteArray>();
        const forge::OutputSink sink = [received](OutputChannel, const QByteArray& bytes) {
            received->append(bytes);
        };
        auto caught = awaitCatching<Failure>(mirror.fetchHead(url, number, knownHead, token, sink));
        if (output)
            *output = *received;
        return caught;
    }

    QString pullRequestHead(int number) { return m_repository->commitId(u"pr-%1"_s.arg(number)); }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_servedRoot = m_dir.filePath(u"served"_s);
        // A base tree worth not fetching twice: many files and one incompressible megabyte.
        QMap<QString, QByteArray> files{
            {u"README.md"_s, "# App\n"_ba},
            {u"src/app.js"_s, "console.log('v0');\n"_ba},
            {u"a file with spaces.txt"_s, "spaces\n"_ba},
            {u"to-delete.txt"_s, "doomed\n"_ba},
            {u"to-link.txt"_s, "a file for now\n"_ba},
            {u"assets/big.bin"_s, incompressibleBytes(BigFileBytes)},
        };
        for (int i = 0; i < BaseFiles; ++i)
            files.insert(u"base/file-%1.txt"_s.arg(i),
                         "base file %1\n"_ba.replace("%1", QByteArray::number(i)));
        m_repository = std::make_unique<FixtureRepository>(m_dir.filePath(u"work/app"_s));
        QVERIFY2(m_repository->initializeWithFiles(files), qPrintable(m_repository->errorString()));
        QVERIFY2(m_repository->createBareClone(m_servedRoot, u"app"_s),
                 qPrintable(m_repository->errorString()));
        for (int number : {7, 8, 9}) {
            QVERIFY2(m_repository->addPullRequest(number, u"src/app.js"_s, "console.log('v1');\n"_ba),
                     qPrintable(m_repository->errorString()));
        }

        m_server = std::make_unique<GitHttpServer>(m_servedRoot);
        m_private = std::make_unique<GitHttpServer>(m_servedRoot);
        QString error;
        QVERIFY2(m_server->listen(&error), qPrintable(error));
        QVERIFY2(m_private->listen(&error), qPrintable(error));
        // The header GitEnvironment sends (tests/e2e/tst_privateclone.cpp expects the same).
        m_private->requireAuthorization("Basic " +
                                        QByteArray("x-access-token:" + Canary.toUtf8()).toBase64());
    }

    void init()
    {
        m_server->clearRequests();
        m_private->clearRequests();
    }

    void fetchUpdateChangesAndArchive()
    {
        const QUrl url = m_server->repositoryUrl(u"app"_s);
        const QString known = pullRequestHead(7);
        PullRequestMirror mirror(newMirrorDirectory());
        const auto first = fetch(mirror, url, 7, known);
        QVERIFY2(first.value, qPrintable(first.describe()));
        QCOMPARE(*first.value, known);
        QCOMPARE(QFileInfo(mirror.directory()).permissions() & 0x0077, QFile::Permissions{});

        const QMap<QString, QByteArray> written{
            {u"src/app.js"_s, "console.log('v2');\n"_ba},
            // Archived as committed, whatever the pull request's own attributes ask of git archive.
            {u".gitattributes"_s, "src/*.js export-ignore\n*.txt export-subst\n"_ba},
            {u"a file with spaces.txt"_s, "spaces, changed $Format:%H$\n"_ba},
            {u"src/new\nline.js"_s, "a name with a newline\n"_ba},
            {u"*"_s, "a star, not a pattern\n"_ba},
            {u":colon.txt"_s, "a colon, not magic\n"_ba},
        };
        QVERIFY2(m_repository->updatePullRequest(7, written, {u"to-delete.txt"_s},
                                                 {{u"to-link.txt"_s, u"README.md"_s}}),
                 qPrintable(m_repository->errorString()));
        const QString head = pullRequestHead(7);
        QVERIFY(head != known);

        const auto second = fetch(mirror, url, 7, known);
        QVERIFY2(second.value, qPrintable(second.describe()));
        QCOMPARE(*second.value, head);

        const auto changes = awaitCatching<Failure>(mirror.changes(known, head));
        QVERIFY2(changes.value, qPrintable(changes.describe()));
        QCOMPARE(describeChanges(*changes.value),
                 QStringList({u"A *"_s, u"A .gitattributes"_s, u"A :colon.txt"_s, u"A src/new\nline.js"_s,
                              u"D to-delete.txt"_s, u"M a file with spaces.txt"_s, u"M src/app.js"_s,
                              u"T to-link.txt"_s}));

        QStringList paths;
        for (const SourceChange& change : *changes.value) {
            if (!change.removesFile())
                paths.append(change.path);
        }
        const auto archive = awaitCatching<Failure>(mirror.archive(head, paths));
        QVERIFY2(archive.value, qPrintable(archive.describe()));
        const QString unpacked = m_dir.filePath(u"unpacked-%1"_s.arg(m_mirrors));
        const QString complaint = untar(*archive.value, unpacked);
        QVERIFY2(complaint.isEmpty(), qPrintable(complaint));
        QMap<QString, QByteArray> expected = written;
        expected.insert(u"to-link.txt"_s, "-> README.md"_ba);
        QCOMPARE(treeOf(unpacked), expected);
    }

    void archiveEdges()
    {
        const QUrl url = m_server->repositoryUrl(u"app"_s);
        PullRequestMirror mirror(newMirrorDirectory());
        const auto fetched = fetch(mirror, url, 9, {});
        QVERIFY2(fetched.value, qPrintable(fetched.describe()));
        const QString head = *fetched.value;

        const auto empty = awaitCatching<Failure>(mirror.archive(head, {}));
        QVERIFY2(empty.value, qPrintable(empty.describe()));
        const QString unpacked = m_dir.filePath(u"unpacked-empty"_s);
        const QString complaint = untar(*empty.value, unpacked);
        QVERIFY2(complaint.isEmpty(), qPrintable(complaint));
        QVERIFY(treeOf(unpacked).isEmpty());

        const auto missing = awaitCatching<Failure>(mirror.archive(head, {u"no-such-file.txt"_s}));
        QVERIFY(missing.error);
        QVERIFY2(missing.error->message().contains(u"did not match"_s), qPrintable(missing.describe()));

        const QString absent = u"0123456789abcdef0123456789abcdef01234567"_s;
        const auto compared = awaitCatching<Failure>(mirror.changes(head, absent));
        QVERIFY(compared.error);
        QVERIFY2(compared.error->message().contains(absent.left(12)), qPrintable(compared.describe()));
    }

    // The observable: the mirror's size on disk. The base tree holds an incompressible megabyte, so
    // each copy of it a fetch brings adds about that much, and a fetch that brings only new commits
    // a few KiB. As in the app, the mirror is made at the first update, when the pull request has
    // already moved on from the commit the preview runs: that commit's tree is fetched once, and the
    // new head's only for what differs (without the preview's commit as a "have", the new head's
    // fetch brought the whole tree a second time). The control, a mirror that fetches the head
    // alone, shows the measure sees a whole tree arrive.
    void fetchesBringOnlyNewObjects()
    {
        const QUrl url = m_server->repositoryUrl(u"app"_s);
        const qint64 treeKiB = BigFileBytes / 1024;
        const QString previewed = pullRequestHead(8);
        QVERIFY2(m_repository->updatePullRequest(8, {{u"src/app.js"_s, "console.log('v2');\n"_ba}}),
                 qPrintable(m_repository->errorString()));
        PullRequestMirror mirror(newMirrorDirectory());
        const auto first = fetch(mirror, url, 8, previewed);
        QVERIFY2(first.value, qPrintable(first.describe()));
        QCOMPARE(*first.value, pullRequestHead(8));
        const qint64 afterFirst = mirrorKiB(*m_repository, mirror.directory());
        QVERIFY2(afterFirst >= treeKiB && afterFirst < treeKiB + treeKiB / 2,
                 qPrintable(u"the first update's mirror holds %1 KiB"_s.arg(afterFirst)));

        const QString updated = *first.value;
        QVERIFY2(m_repository->updatePullRequest(8, {{u"src/app.js"_s, "console.log('v3');\n"_ba}}),
                 qPrintable(m_repository->errorString()));
        const auto second = fetch(mirror, url, 8, updated);
        QVERIFY2(second.value, qPrintable(second.describe()));
        QCOMPARE(*second.value, pullRequestHead(8));
        const qint64 added = mirrorKiB(*m_repository, mirror.directory()) - afterFirst;
        QVERIFY2(added < 64, qPrintable(u"the second update added %1 KiB"_s.arg(added)));

        PullRequestMirror control(newMirrorDirectory());
        const auto whole = fetch(control, url, 8, {});
        QVERIFY2(whole.value, qPrintable(whole.describe()));
        QVERIFY(mirrorKiB(*m_repository, control.directory()) >= treeKiB);
    }

    void privateRepositoryKeepsTheTokenOut()
    {
        const QUrl url = m_private->repositoryUrl(u"app"_s);
        PullRequestMirror mirror(newMirrorDirectory());
        SecretLeakScanner scanner(SecretLeakScanner::formsOf(Canary));
        scanner.startSamplingCommandLines();
        QByteArray output;
        const auto fetched = fetch(mirror, url, 7, pullRequestHead(7), Canary, &output);
        scanner.stop();
        QVERIFY2(fetched.value, qPrintable(fetched.describe()));
        QCOMPARE(*fetched.value, pullRequestHead(7));
        QVERIFY(m_private->requestsWithAuthorization() > 0);
        QVERIFY(scanner.samplesTaken() > 0);
        QVERIFY2(scanner.commandLineLeaks().isEmpty(), qPrintable(scanner.commandLineLeaks().join(u'\n')));
        const QStringList leakingFiles = scanner.filesContainingSecrets(mirror.directory());
        QVERIFY2(leakingFiles.isEmpty(), qPrintable(leakingFiles.join(u'\n')));
        QVERIFY(!scanner.contains(output));
        // No remote is recorded at all, so no address (with or without credentials) is kept.
        QFile config(mirror.directory() + u"/config"_s);
        QVERIFY(config.open(QIODevice::ReadOnly));
        const QByteArray text = config.readAll();
        QVERIFY2(!text.contains("url") && !text.contains("extraheader"), text.constData());

        // Without the token: refused, in git's words, and not worth retrying.
        PullRequestMirror anonymous(newMirrorDirectory());
        const auto refused = fetch(anonymous, url, 7, {});
        QVERIFY(refused.error);
        QVERIFY2(!refused.error->isTransient(), qPrintable(refused.describe()));
        QVERIFY2(refused.error->message().contains(u"git:"_s), qPrintable(refused.describe()));
    }

    void unknownPullRequestOrCommit()
    {
        const QUrl url = m_server->repositoryUrl(u"app"_s);
        PullRequestMirror mirror(newMirrorDirectory());
        const auto unknown = fetch(mirror, url, 999, {});
        QVERIFY(unknown.error);
        QVERIFY2(!unknown.error->isTransient(), qPrintable(unknown.describe()));
        QVERIFY2(unknown.error->message().contains(u"couldn't find remote ref refs/pull/999/head"_s),
                 qPrintable(unknown.describe()));

        // A commit the server never had (a force-push would leave the preview's commit so).
        const QString gone = u"deadbeefdeadbeefdeadbeefdeadbeefdeadbeef"_s;
        const auto missing = fetch(mirror, url, 7, gone);
        QVERIFY(missing.error);
        QVERIFY2(!missing.error->isTransient(), qPrintable(missing.describe()));
        QVERIFY2(missing.error->message().contains(u"git:"_s), qPrintable(missing.describe()));
        QVERIFY2(missing.error->message().contains(gone.left(12)), qPrintable(missing.describe()));

        // Nothing that is not a full commit id reaches git (it could be an option).
        const auto option = fetch(mirror, url, 7, u"--upload-pack=touch"_s);
        QVERIFY(option.error);
    }

    // A ~/.gitconfig (and $XDG_CONFIG_HOME/git/config) in the caller's home that points git at a
    // proxy: the mirror's git has a home of its own and reads no configuration file, so the proxy
    // gets nothing. The control, plain git with the same home, shows the planted file would work.
    void callersGitConfigIsIgnored()
    {
        RecordingProxy proxy;
        QVERIFY(proxy.listen());
        const QUrl url = m_server->repositoryUrl(u"app"_s);
        const QString home = m_dir.filePath(u"hostile-home"_s);
        QVERIFY(QDir().mkpath(home + u"/.config/git"_s));
        const QByteArray proxyUrl = "http://127.0.0.1:" + QByteArray::number(proxy.port());
        const QByteArray config = "[http]\n\tproxy = " + proxyUrl + "\n[http \"" + url.toEncoded() +
                                  "\"]\n\tproxy = " + proxyUrl + "\n";
        for (const QString& file : QStringList{home + u"/.gitconfig"_s, home + u"/.config/git/config"_s}) {
            QFile out(file);
            QVERIFY(out.open(QIODevice::WriteOnly) && out.write(config) == config.size());
        }
        const ScopedVariable homeVariable("HOME", QFile::encodeName(home));
        const ScopedVariable xdgVariable("XDG_CONFIG_HOME", QFile::encodeName(home + u"/.config"_s));
        // Proxy exceptions of the test's own environment would hide the control's request.
        const ScopedVariable noProxy("no_proxy", QByteArray());
        const ScopedVariable noProxyUpper("NO_PROXY", QByteArray());

        // Waited for through the event loop: the proxy answers in this thread.
        QProcess plainGit;
        QSignalSpy plainGitEnded(&plainGit, &QProcess::finished);
        plainGit.start(u"git"_s, {u"ls-remote"_s, u"--"_s, url.toString()});
        QVERIFY(plainGitEnded.wait(60'000));
        QVERIFY2(proxy.connectionCount() > 0, "the planted configuration does not steer plain git");
        const int beforeMirror = proxy.connectionCount();

        PullRequestMirror mirror(newMirrorDirectory());
        const auto fetched = fetch(mirror, url, 7, pullRequestHead(7));
        QVERIFY2(fetched.value, qPrintable(fetched.describe()));
        QCOMPARE(proxy.connectionCount(), beforeMirror);
        QVERIFY(!m_server->requests().isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestPullRequestMirror)
#include "tst_pullrequestmirror.moc"
