// Issue 22, hot reload of a working copy as the user sees it: for each framework with a hot-reload
// client (tests/fixtures/hmr: Vite, Next.js, Nuxt, Astro, SvelteKit, Angular), the folder is
// previewed as its working copy, its page is shown in the app's own preview pane (the preview's
// headers, its request rules), a component is saved in the folder, and the new text is read from
// the page's DOM. The page is not loaded again: a mark set on `window` before the save is still
// there after it, except for Astro, whose dev server reloads the page for a change to an .astro
// page by design (it renders .astro on the server). Locally with bubblewrap, and on Daytona (the
// emulator, whose preview proxy forwards the HMR WebSocket as Daytona's does) for Vite and Next.js.

#include "EmulatorFixture.h"
#include "FixtureRepository.h"
#include "Fixtures.h"
#include "sandbox/LocalProvider.h"
#include "sandbox/daytona/DaytonaProvider.h"
#include "toolchain/NpmRegistry.h"
#include "toolchain/Toolchains.h"
#include "ui/preview/PreviewPane.h"
#include "workflow/ProjectSession.h"
#include "workflow/WorkingCopySync.h"

#include <QApplication>
#include <QDir>
#include <QFile>
#include <QProcessEnvironment>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QWebEnginePage>

using namespace Qt::StringLiterals;
using forge::ProjectSession;
using forge::ProjectStatus;

namespace {

constexpr int LiveTimeoutMs = 10 * 60 * 1000;      // a cold install of Angular or Nuxt on a slow machine
constexpr int FirstPaintTimeoutMs = 3 * 60 * 1000; // the first request compiles the page
constexpr int HotReloadTimeoutMs = 60 * 1000;
constexpr int StopTimeoutMs = 60 * 1000;
constexpr auto DaytonaApiKey = "working-copy-hmr-key";

// Runs `script` in `page` and returns its result; an invalid QVariant when it did not answer.
QVariant evaluate(QWebEnginePage* page, const QString& script)
{
    QVariant result;
    bool done = false;
    page->runJavaScript(script, [&](const QVariant& value) {
        result = value;
        done = true;
    });
    if (!QTest::qWaitFor([&done] { return done; }, 10'000))
        qWarning("the page did not answer: %s", qPrintable(script));
    return result;
}

QString shownText(QWebEnginePage* page)
{
    if (!page)
        return {};
    return evaluate(page, u"(document.querySelector('#text') || {}).textContent || ''"_s)
        .toString()
        .trimmed();
}

bool replaceInFile(const QString& path, const QByteArray& before, const QByteArray& after)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return false;
    QByteArray content = file.readAll();
    file.close();
    if (!content.contains(before))
        return false;
    content.replace(before, after);
    // Written in place, as an editor's plain save does.
    return file.open(QIODevice::WriteOnly | QIODevice::Truncate) && file.write(content) == content.size();
}

} // namespace

class TestWorkingCopyHmr : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanup();
    void aSavedComponentHotReloadsInThePane_data();
    void aSavedComponentHotReloadsInThePane();

private:
    std::unique_ptr<forge::SandboxProvider> provider(const QString& backEnd, const QString& data);
    // The session's run, live; false (with a warning) otherwise.
    bool startLive(ProjectSession& session);

    QTemporaryDir m_work;
    forge::test::EmulatorFixture m_emulator;
    // One tool cache for every row: Node.js 24 (the .nvmrc of Angular, Astro and Nuxt) is fetched once.
    std::unique_ptr<forge::Toolchains> m_toolchains;
};

void TestWorkingCopyHmr::initTestCase()
{
    QVERIFY(m_work.isValid());
    m_toolchains = std::make_unique<forge::Toolchains>(
        m_work.filePath(u"tools"_s),
        forge::NpmRegistry::configured(QProcessEnvironment::systemEnvironment(), QDir::homePath()));
}

void TestWorkingCopyHmr::cleanup()
{
    m_emulator.stop();
}

std::unique_ptr<forge::SandboxProvider> TestWorkingCopyHmr::provider(const QString& backEnd,
                                                                     const QString& data)
{
    if (backEnd == u"local"_s) {
        auto local = std::make_unique<forge::LocalProvider>(
            forge::LocalProvider::Options{data, forge::LocalProvider::Isolation::Bubblewrap, {}});
        local->setToolchains(m_toolchains.get());
        return local;
    }
    const QString started = m_emulator.start(QString::fromLatin1(DaytonaApiKey));
    if (!started.isEmpty()) {
        qWarning("the Daytona emulator did not start: %s", qPrintable(started));
        return nullptr;
    }
    // Daytona's proxy passes its own host name on to the dev server.
    m_emulator->setPreviewHostTemplate(u"{port}-{id}.proxy.daytona.test"_s);
    forge::daytona::DaytonaConfig config;
    config.apiKey = QString::fromLatin1(DaytonaApiKey);
    config.apiUrl = m_emulator->apiUrl();
    return std::make_unique<forge::DaytonaProvider>(config, forge::DaytonaSandboxOptions{});
}

bool TestWorkingCopyHmr::startLive(ProjectSession& session)
{
    QSignalSpy ready(&session, &ProjectSession::previewReady);
    QSignalSpy failed(&session, &ProjectSession::failed);
    session.start();
    if (!QTest::qWaitFor([&] { return !ready.isEmpty() || !failed.isEmpty(); }, LiveTimeoutMs))
        qWarning("the preview neither went live nor failed in time");
    if (session.status() != ProjectStatus::Live) {
        qWarning("the preview did not go live: %s",
                 session.failure() ? qPrintable(session.failure()->message()) : "no failure");
        return false;
    }
    return true;
}

void TestWorkingCopyHmr::aSavedComponentHotReloadsInThePane_data()
{
    QTest::addColumn<QString>("fixture");
    QTest::addColumn<QString>("component"); // the file saved, relative to the folder
    QTest::addColumn<QString>("backEnd");
    QTest::addColumn<bool>("reloadsThePage");
    // A module the page must have loaded before the save counts (empty: none): SvelteKit hydrates
    // the server's HTML only once its route module has arrived, and Svelte leaves a text that
    // changed meanwhile as the server rendered it.
    QTest::addColumn<QString>("loadedModule");

    QTest::newRow("vite, local") << u"vite"_s << u"text.js"_s << u"local"_s << false << QString();
    QTest::newRow("next.js, local") << u"next"_s << u"app/page.js"_s << u"local"_s << false << QString();
    QTest::newRow("nuxt, local") << u"nuxt"_s << u"app/app.vue"_s << u"local"_s << false << QString();
    QTest::newRow("astro, local") << u"astro"_s << u"src/pages/index.astro"_s << u"local"_s << true
                                  << QString();
    QTest::newRow("sveltekit, local")
        << u"sveltekit"_s << u"src/routes/+page.svelte"_s << u"local"_s << false << u"+page.svelte"_s;
    QTest::newRow("angular, local") << u"angular"_s << u"src/app/app.html"_s << u"local"_s << false
                                    << QString();
    QTest::newRow("vite, daytona") << u"vite"_s << u"text.js"_s << u"daytona"_s << false << QString();
    QTest::newRow("next.js, daytona") << u"next"_s << u"app/page.js"_s << u"daytona"_s << false << QString();
}

void TestWorkingCopyHmr::aSavedComponentHotReloadsInThePane()
{
    QFETCH(QString, fixture);
    QFETCH(QString, component);
    QFETCH(QString, backEnd);
    QFETCH(bool, reloadsThePage);
    QFETCH(QString, loadedModule);

    const QString folder = m_work.filePath(fixture + u'-' + backEnd);
    forge::test::FixtureRepository repository(folder);
    QVERIFY2(repository.initialize(QStringLiteral(FORGE_FIXTURES_DIR) + u"/hmr/"_s + fixture),
             qPrintable(repository.errorString()));
    QTemporaryDir data;
    std::unique_ptr<forge::SandboxProvider> sandboxes = provider(backEnd, data.path());
    QVERIFY(sandboxes);
    const forge::Project project = forge::newProject(
        std::get<forge::RepoRef>(forge::RepoRef::parse(folder, QString())), {}, forge::RunMode::Dev);
    QVERIFY(project.source == forge::ProjectSource::WorkingCopy);
    ProjectSession session(*sandboxes, project);
    // What the dev server, the session and the page said, for a failure's message.
    QStringList said;
    connect(&session, &ProjectSession::stepOutput, this,
            [&said](forge::StepId step, forge::OutputChannel, const QString& line) {
                said.append(forge::stepName(step) + u": "_s + line);
            });
    connect(&session, &ProjectSession::notice, this,
            [&said](const QString& text) { said.append(u"notice: "_s + text); });
    connect(&session, &ProjectSession::restoring, this,
            [&said](const QString& reason) { said.append(u"restoring: "_s + reason); });
    const auto tellOnFailure = qScopeGuard([&said] {
        if (!QTest::currentTestFailed())
            return;
        for (const QString& line : std::as_const(said))
            qInfo("%s", qPrintable(line));
    });
    QSignalSpy ended(&session, &ProjectSession::runEnded);
    const auto stop = qScopeGuard([&session, &ended] {
        if (ended.isEmpty()) {
            session.stop();
            (void)QTest::qWaitFor([&ended] { return !ended.isEmpty(); }, StopTimeoutMs);
        }
    });
    QVERIFY(startLive(session));

    forge::ui::PreviewPane pane;
    pane.resize(1024, 700);
    pane.show();
    forge::ui::PreviewPane::HeaderList headers;
    const auto endpoint = session.previewEndpoint();
    for (auto header = endpoint.headers.cbegin(); header != endpoint.headers.cend(); ++header)
        headers.append({header.key(), header.value()});
    bool hotReloadConnected = false;
    connect(&pane, &forge::ui::PreviewPane::consoleMessage, this,
            [&said, &hotReloadConnected](const forge::ui::ConsoleMessage& message) {
                said.append(u"console: "_s + message.message);
                // "[vite] connected." (Vite and the frameworks on it), "[HMR] connected" (Next.js).
                hotReloadConnected = hotReloadConnected || message.message.contains(u"] connected"_s);
            });
    pane.showPreview(project.id, endpoint.url, headers);
    QTRY_COMPARE_WITH_TIMEOUT(shownText(pane.page()), u"first version"_s, FirstPaintTimeoutMs);
    // A save before the page's hot-reload socket is up is caught up by a reload (Next.js compares
    // build hashes when it connects), so the save waits for it, as the mark needs.
    QTRY_VERIFY_WITH_TIMEOUT(hotReloadConnected, FirstPaintTimeoutMs);
    if (!loadedModule.isEmpty()) {
        const QString loaded =
            u"performance.getEntriesByType('resource').some((entry) => entry.name.includes('%1'))"_s.arg(
                loadedModule);
        QTRY_VERIFY_WITH_TIMEOUT(evaluate(pane.page(), loaded).toBool(), FirstPaintTimeoutMs);
    }
    evaluate(pane.page(), u"window.forgeMark = 'before the save'"_s);
    QSignalSpy restoring(&session, &ProjectSession::restoring);

    QVERIFY(replaceInFile(folder + u'/' + component, "first version", "second version"));
    QTRY_COMPARE_WITH_TIMEOUT(shownText(pane.page()), u"second version"_s, HotReloadTimeoutMs);
    const QString mark = evaluate(pane.page(), u"window.forgeMark || 'gone'"_s).toString();
    QCOMPARE(mark, reloadsThePage ? u"gone"_s : u"before the save"_s);
    QVERIFY(session.workingCopySync().has_value());
    QCOMPARE(restoring.count(), 0); // hot reload: the dev server was not restarted
}

QTEST_MAIN(TestWorkingCopyHmr)
#include "tst_workingcopyhmr.moc"
