// Comparing two previews (issue 21) against real pages: two recording HTTP servers on 127.0.0.1
// play a pull request's preview (head) and its base's; a third plays "another origin". Every check
// reads real state (the pages' own scripts, the requests the servers saw, the diff's regions set
// against the element's box the page reports), never only what the view claims.
#include "../GuiTestHelpers.h"
#include "FixtureRepository.h"
#include "PreviewTestServer.h"
#include "app/AppContext.h"
#include "core/RepoRef.h"
#include "ui/common/Theme.h"
#include "ui/compare/CompareSide.h"
#include "ui/compare/CompareTargets.h"
#include "ui/compare/CompareView.h"
#include "ui/compare/DiffPanel.h"
#include "ui/window/WindowActions.h"
#include "workflow/ProjectSession.h"

#include <QAction>
#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QFile>
#include <QInputDialog>
#include <QLineEdit>
#include <QMenu>
#include <QPushButton>
#include <QScopeGuard>
#include <QSettings>
#include <QSignalSpy>
#include <QSlider>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QWebEnginePage>
#include <QWebEngineView>
#include <algorithm>
#include <memory>

using namespace Qt::StringLiterals;
using forge::test::PreviewTestServer;
using forge::ui::CompareCandidate;
using forge::ui::CompareSide;
using forge::ui::CompareSource;
using forge::ui::CompareView;
using forge::ui::VisualDiffResult;
namespace comparetargets = forge::ui::comparetargets;

namespace {

constexpr int timeoutMs = 20'000;
constexpr int diffTimeoutMs = 60'000;
constexpr int runTimeoutMs = 300'000; // a cold npm install of the fixture on a slow machine
const QByteArray tokenName = "x-daytona-preview-token";

// A small but real-looking app page: a bar, a heading, text, a button.
QByteArray page(const QByteArray& body, const QByteArray& style = {})
{
    return "<!doctype html><html><head><meta charset=utf-8><title>Shop</title><style>"
           "body{margin:0;font:16px/1.5 sans-serif;color:#1f2937;background:#fff}"
           "nav{background:#111827;color:#fff;padding:12px 24px;font-weight:bold}"
           "main{padding:24px}h1{margin:0 0 12px;font-size:34px;color:#1f2937}"
           "button{background:#2563eb;color:#fff;border:0;border-radius:6px;padding:10px "
           "18px;font-size:16px}" +
           style + "</style></head><body><nav>Acme Shop</nav><main>" + body + "</main></body></html>";
}

QByteArray pricing(const QByteArray& headingColor)
{
    return page("<h1 id=heading>Plans and pricing</h1><p>Simple plans for teams of every size. Start free, "
                "upgrade when "
                "you grow.</p><button>Start free trial</button>",
                "#heading{color:" + headingColor + "}");
}

QByteArray animated()
{
    return page("<h1>Loading offers</h1><div id=box></div><p>Below the animation, nothing moves.</p>",
                "#box{width:60px;height:60px;background:#2563eb;border-radius:8px;"
                "animation:slide 1.3s linear infinite alternate}"
                "@keyframes slide{from{transform:translateX(0)}to{transform:translateX(320px)}}");
}

// 3000 pixels tall; the block at 2000 pixels is the one change between the two sides.
QByteArray tall(const QByteArray& blockColor)
{
    return page("<h1>Changelog</h1><div style='height:1900px;background:linear-gradient(#f3f4f6,#e5e7eb)'>"
                "</div><div id=block style='height:120px;background:" +
                blockColor + "'></div><div style='height:900px'></div>");
}

// A link over the whole page, so a click anywhere in the view follows it.
QByteArray linkPage()
{
    return page("<a id=c href='/target?x=1' style='position:fixed;inset:0;display:block;font-size:40px'>"
                "Go to target</a>");
}

struct Box
{
    QRectF css;         // the element's box in the page (CSS pixels, from its top)
    double innerHeight; // the viewport's height (CSS pixels)
};

} // namespace

class TestCompareView : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanup();

    void identicalPagesHaveNoDifferences();
    void changedHeadingIsTheOneRegion();
    void animationIsNotADifference();
    void changeBelowTheFoldIsFound();
    void pathBarNavigatesBoth();
    void clickedLinkTakesTheOtherSideAlong();
    void scrollingIsLinked();
    void deviceSizeAppliesToBoth();
    void comparedPagesAreConfined();
    void defaultTargetIsThePullRequestsBase();
    void compareWithIsInTheProjectMenu();
    void compareWithOpensOnTwoLiveProjects();
    void screenshots_data();
    void screenshots();

private:
    CompareView* open(const QString& path);
    VisualDiffResult diff();
    static void keep(const VisualDiffResult& result);
    static QVariant js(QWebEnginePage* page, const QString& script);
    static Box boxOf(QWebEnginePage* page, const QString& selector);
    static QString pathOf(CompareSide* side);
    void shoot(QWidget* widget, const QString& name);

    PreviewTestServer m_base;
    PreviewTestServer m_head;
    PreviewTestServer m_other;
    std::unique_ptr<CompareView> m_view;
};

void TestCompareView::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QApplication::setOrganizationName(u"forge-preview-test"_s);
    QApplication::setApplicationName(u"forge-preview-compare"_s);
    qputenv("FORGE_PREVIEW_THEME", "light");
    forge::ui::Theme::install();
    QDir().mkpath(QStringLiteral(FORGE_ARTIFACTS_DIR));
    QVERIFY(m_base.listen());
    QVERIFY(m_head.listen());
    QVERIFY(m_other.listen());
    for (PreviewTestServer* server : {&m_base, &m_head}) {
        server->setPage("/same", pricing("#1f2937"));
        server->setPage("/animated", animated());
        server->setPage("/links", linkPage());
        server->setPage("/target", page("<h1>Target</h1>"));
        server->setPage("/typed", page("<h1>Typed</h1>"));
        server->setPage("/scroll", tall("#9ca3af"));
        server->setPage("/offsite", page("<h1>Offsite</h1><img src='http://127.0.0.1:" +
                                         QByteArray::number(m_other.port()) + "/pixel.gif'>"));
    }
    m_base.setPage("/heading", pricing("#1f2937"));
    m_head.setPage("/heading", pricing("#c2410c"));
    m_base.setPage("/tall", tall("#2563eb"));
    m_head.setPage("/tall", tall("#f97316"));
    m_other.setPage("/pixel.gif", "");
}

void TestCompareView::cleanup()
{
    m_view.reset();
}

CompareView* TestCompareView::open(const QString& path)
{
    CompareSource base{u"acme/shop (main)"_s, {m_base.url(path), {{tokenName, "base-token"}}}};
    CompareSource head{u"acme/shop #42"_s, {m_head.url(path), {{tokenName, "head-token"}}}};
    m_view = std::make_unique<CompareView>(base, head);
    m_view->resize(1200, 800);
    m_view->show();
    m_view->activateWindow();
    if (!QTest::qWaitForWindowExposed(m_view.get()))
        return nullptr;
    for (CompareSide* side : {m_view->baseSide(), m_view->headSide()}) {
        if (!QTest::qWaitFor([side] { return side->isSettled(); }, timeoutMs))
            return nullptr;
    }
    return m_view.get();
}

VisualDiffResult TestCompareView::diff()
{
    QSignalSpy finished(m_view.get(), &CompareView::diffFinished);
    m_view->diffButton()->click();
    if (!finished.wait(diffTimeoutMs))
        return {};
    const auto result = finished.first().first().value<VisualDiffResult>();
    keep(result);
    return result;
}

void TestCompareView::keep(const VisualDiffResult& result)
{
    // What was compared and what was found, to look at when a check fails.
    const QString name = u"%1/compare-%2-"_s.arg(QStringLiteral(FORGE_ARTIFACTS_DIR),
                                                 QString::fromLatin1(QTest::currentTestFunction()));
    result.base.save(name + u"base.png"_s);
    result.head.save(name + u"head.png"_s);
    for (const QRect& region : result.diff.regions)
        qInfo("region %d,%d %dx%d", region.x(), region.y(), region.width(), region.height());
}

QVariant TestCompareView::js(QWebEnginePage* page, const QString& script)
{
    return forge::test::evaluate(page, script);
}

Box TestCompareView::boxOf(QWebEnginePage* page, const QString& selector)
{
    const QVariantList values =
        js(page, u"(function(){const r=document.querySelector('%1').getBoundingClientRect();"
                 "return [r.left, r.top + window.scrollY, r.width, r.height, window.innerHeight];})()"_s.arg(
                     selector))
            .toList();
    if (values.size() < 5)
        return {};
    return {QRectF(values.at(0).toDouble(), values.at(1).toDouble(), values.at(2).toDouble(),
                   values.at(3).toDouble()),
            values.at(4).toDouble()};
}

QString TestCompareView::pathOf(CompareSide* side)
{
    const QUrl url = side->page()->url();
    return url.path() + (url.hasQuery() ? u'?' + url.query() : QString());
}

void TestCompareView::shoot(QWidget* widget, const QString& name)
{
    QVERIFY(forge::test::saveShot(widget, name));
    qInfo("Screenshot: %s/%s", FORGE_ARTIFACTS_DIR, qPrintable(name));
}

// ---- the visual diff --------------------------------------------------------------------------

void TestCompareView::identicalPagesHaveNoDifferences()
{
    QVERIFY(open(u"/same"_s));
    const VisualDiffResult result = diff();
    QVERIFY2(result.failure.isEmpty(), qPrintable(result.failure));
    QVERIFY(!result.head.isNull());
    QCOMPARE(result.diff.regions.size(), 0);
    QCOMPARE(result.diff.changedPixels, 0);
    QVERIFY(m_view->isDiffShown());
    QCOMPARE(m_view->diffPanel()->summary(), u"No visual differences"_s);

    // Esc closes the overlay and gives the pages back.
    QTest::keyClick(m_view->diffPanel()->slider(), Qt::Key_Escape);
    QVERIFY(!m_view->isDiffShown());
    QVERIFY(m_view->pathBar()->isEnabled());
}

void TestCompareView::changedHeadingIsTheOneRegion()
{
    QVERIFY(open(u"/heading"_s));
    const VisualDiffResult result = diff();
    QVERIFY2(result.failure.isEmpty(), qPrintable(result.failure));
    QCOMPARE(result.diff.regions.size(), 1);
    QVERIFY(result.diff.changedPixels > 100);
    QVERIFY(m_view->diffPanel()->summary().startsWith(u"1 region changed, "_s));

    // The region lies within the heading's box (the glyphs' pixels, so inside it, not all of it).
    const Box heading = boxOf(m_view->headSide()->page(), u"#heading"_s);
    const double scale = result.head.height() / heading.innerHeight;
    const QRect box = QRectF(heading.css.topLeft() * scale, heading.css.size() * scale).toAlignedRect();
    const QRect region = result.diff.regions.first();
    QVERIFY2(box.adjusted(-2, -2, 2, 2).contains(region),
             qPrintable(u"region %1,%2 %3x%4 outside the heading %5,%6 %7x%8"_s.arg(region.x())
                            .arg(region.y())
                            .arg(region.width())
                            .arg(region.height())
                            .arg(box.x())
                            .arg(box.y())
                            .arg(box.width())
                            .arg(box.height())));
    QVERIFY(region.width() > box.width() / 10 && region.height() > box.height() / 3);

    // The slider fades to the base page; the outline marks what changed on every picture.
    QVERIFY(m_view->diffPanel()->outlineToggle()->isChecked());
    const QPoint inside = region.center();
    const QColor headPixel = result.head.pixelColor(inside);
    m_view->diffPanel()->outlineToggle()->setChecked(false);
    m_view->diffPanel()->slider()->setValue(0);
    QCOMPARE(m_view->diffPanel()->picture().pixelColor(inside), result.base.pixelColor(inside));
    m_view->diffPanel()->slider()->setValue(100);
    QCOMPARE(m_view->diffPanel()->picture().pixelColor(inside), headPixel);
    m_view->diffPanel()->outlineToggle()->setChecked(true);
    const QPoint frame(region.left() - 1, region.center().y());
    QCOMPARE(m_view->diffPanel()->picture().pixelColor(frame), forge::ui::DiffPanel::markColor());
}

void TestCompareView::animationIsNotADifference()
{
    QVERIFY(open(u"/animated"_s));
    const VisualDiffResult result = diff();
    QVERIFY2(result.failure.isEmpty(), qPrintable(result.failure));
    QVERIFY2(result.diff.identical(), qPrintable(forge::ui::DiffPanel::describe(result.diff)));
    QVERIFY(result.animationsMasked);
    QCOMPARE(m_view->diffPanel()->summary(), u"No visual differences"_s);
}

void TestCompareView::changeBelowTheFoldIsFound()
{
    QVERIFY(open(u"/tall"_s));
    const Box block = boxOf(m_view->headSide()->page(), u"#block"_s);
    QVERIFY(block.css.top() > block.innerHeight); // below the fold
    const int viewportPixels = m_view->headSide()->view()->height();
    const VisualDiffResult result = diff();
    QVERIFY2(result.failure.isEmpty(), qPrintable(result.failure));
    QVERIFY(result.head.height() > 3 * viewportPixels); // the whole page, stitched
    QCOMPARE(result.diff.regions.size(), 1);
    const double scale = double(viewportPixels) / block.innerHeight;
    const QRect box = QRectF(block.css.topLeft() * scale, block.css.size() * scale).toAlignedRect();
    const QRect region = result.diff.regions.first();
    QVERIFY2(box.adjusted(-2, -2, 2, 2).contains(region) && region.height() >= box.height() - 4,
             qPrintable(u"region at %1, block at %2"_s.arg(region.top()).arg(box.top())));
    // The pages are back where they were.
    QCOMPARE(js(m_view->headSide()->page(), u"window.scrollY"_s).toInt(), 0);
}

// ---- navigating and scrolling together ---------------------------------------------------------

void TestCompareView::pathBarNavigatesBoth()
{
    QVERIFY(open(u"/same"_s));
    QCOMPARE(m_view->pathBar()->text(), u"/same"_s);
    m_view->pathBar()->setFocus();
    m_view->pathBar()->selectAll();
    QTest::keyClicks(m_view->pathBar(), u"/typed?from=bar"_s);
    QTest::keyClick(m_view->pathBar(), Qt::Key_Return);
    for (CompareSide* side : {m_view->baseSide(), m_view->headSide()}) {
        QTRY_COMPARE_WITH_TIMEOUT(pathOf(side), u"/typed?from=bar"_s, timeoutMs);
        QTRY_COMPARE_WITH_TIMEOUT(js(side->page(), u"document.querySelector('h1').textContent"_s).toString(),
                                  u"Typed"_s, timeoutMs);
    }
    QCOMPARE(m_base.requestsFor("/typed").size(), 1);
    QCOMPARE(m_head.requestsFor("/typed").size(), 1);
    // Each origin got its own token only.
    QCOMPARE(m_base.requestsFor("/typed").first().header(tokenName), QByteArray("base-token"));
    QCOMPARE(m_head.requestsFor("/typed").first().header(tokenName), QByteArray("head-token"));

    // Another origin's address is not a path on both.
    m_view->navigateBoth(u"http://127.0.0.1:%1/elsewhere"_s.arg(m_other.port()));
    QVERIFY(!m_view->statusText().isEmpty());
    QVERIFY(m_other.requestsFor("/elsewhere").isEmpty());
}

void TestCompareView::clickedLinkTakesTheOtherSideAlong()
{
    QVERIFY(open(u"/links"_s));
    m_base.clearRequests();
    m_head.clearRequests();
    for (CompareSide* clicked : {m_view->baseSide(), m_view->headSide()}) {
        CompareSide* other = clicked == m_view->baseSide() ? m_view->headSide() : m_view->baseSide();
        QWidget* target = clicked->view()->focusProxy();
        QVERIFY(target);
        QTest::mouseClick(target, Qt::LeftButton, {}, target->rect().center());
        QTRY_COMPARE_WITH_TIMEOUT(pathOf(clicked), u"/target?x=1"_s, timeoutMs);
        QTRY_COMPARE_WITH_TIMEOUT(pathOf(other), u"/target?x=1"_s, timeoutMs);
        QTRY_COMPARE_WITH_TIMEOUT(m_view->pathBar()->text(), u"/target?x=1"_s, timeoutMs);
        QTRY_VERIFY_WITH_TIMEOUT(other->isSettled(), timeoutMs);
        // Back to the links on both, by the path bar this time.
        m_view->navigateBoth(u"/links"_s);
        QTRY_VERIFY_WITH_TIMEOUT(pathOf(clicked) == u"/links"_s && pathOf(other) == u"/links"_s, timeoutMs);
        QTRY_VERIFY_WITH_TIMEOUT(clicked->isSettled() && other->isSettled(), timeoutMs);
    }
    // Each side loaded the target once: following does not bounce back and forth.
    QCOMPARE(m_base.requestsFor("/target").size(), 2);
    QCOMPARE(m_head.requestsFor("/target").size(), 2);
}

void TestCompareView::scrollingIsLinked()
{
    QVERIFY(open(u"/scroll"_s));
    QVERIFY(m_view->linkScrolling()->isChecked());
    QWebEnginePage* base = m_view->baseSide()->page();
    QWebEnginePage* head = m_view->headSide()->page();
    js(base, u"window.scrollTo(0, 1200)"_s);
    QTRY_COMPARE_WITH_TIMEOUT(js(head, u"window.scrollY"_s).toInt(), 1200, timeoutMs);
    js(head, u"window.scrollTo(0, 400)"_s);
    QTRY_COMPARE_WITH_TIMEOUT(js(base, u"window.scrollY"_s).toInt(), 400, timeoutMs);

    // Off: the other side stays. Its scroll event has been seen once the next scroll of the same
    // page is seen, and the head has been asked nothing by then.
    m_view->linkScrolling()->setChecked(false);
    QSignalSpy scrolled(m_view->baseSide(), &CompareSide::scrolled);
    js(base, u"window.scrollTo(0, 900)"_s);
    QVERIFY(scrolled.wait(timeoutMs));
    js(base, u"window.scrollTo(0, 901)"_s);
    QVERIFY(scrolled.wait(timeoutMs));
    QCOMPARE(js(head, u"window.scrollY"_s).toInt(), 400);

    // On again: the head joins the base where it is.
    m_view->linkScrolling()->setChecked(true);
    QTRY_COMPARE_WITH_TIMEOUT(js(head, u"window.scrollY"_s).toInt(), 901, timeoutMs);
}

void TestCompareView::deviceSizeAppliesToBoth()
{
    QVERIFY(open(u"/same"_s));
    const int responsive = js(m_view->headSide()->page(), u"window.innerWidth"_s).toInt();
    QCOMPARE(js(m_view->baseSide()->page(), u"window.innerWidth"_s).toInt(), responsive);
    m_view->setDevice(forge::ui::PreviewPane::Device::Phone);
    for (CompareSide* side : {m_view->baseSide(), m_view->headSide()}) {
        QTRY_VERIFY_WITH_TIMEOUT(qAbs(js(side->page(), u"window.innerWidth"_s).toInt() - 390) <= 2,
                                 timeoutMs);
        QTRY_VERIFY_WITH_TIMEOUT(qAbs(js(side->page(), u"window.innerHeight"_s).toInt() - 844) <= 2,
                                 timeoutMs);
    }
    QCOMPARE(m_view->baseSide()->view()->size(), m_view->headSide()->view()->size());
    // A diff at this size compares like with like.
    const VisualDiffResult result = diff();
    QVERIFY2(result.diff.identical(), qPrintable(forge::ui::DiffPanel::describe(result.diff)));
    QVERIFY(!result.diff.sizesDiffer);
}

void TestCompareView::comparedPagesAreConfined()
{
    m_other.clearRequests();
    QVERIFY(open(u"/offsite"_s));
    // The image on another local origin was refused on both sides, and said so.
    QTRY_VERIFY_WITH_TIMEOUT(m_view->statusText().contains(u"blocked"_s), timeoutMs);
    QVERIFY(m_other.requestsFor("/pixel.gif").isEmpty());
    // Neither token went anywhere but its own origin.
    for (const auto& request : m_other.requests())
        QVERIFY(request.header(tokenName).isEmpty());
}

void TestCompareView::defaultTargetIsThePullRequestsBase()
{
    const QList<CompareCandidate> candidates = {
        {u"1"_s, u"https://github.com/acme/other"_s, {}, u"acme/other"_s},
        {u"2"_s, u"https://github.com/acme/shop"_s, u"feature"_s, u"acme/shop"_s},
        {u"3"_s, u"https://github.com/acme/shop"_s, {}, u"acme/shop"_s},
        {u"4"_s, u"https://github.com/acme/shop/pull/7"_s, {}, u"acme/shop"_s},
    };
    // A pull request: its repository on the default branch, else on a branch, else the first.
    QCOMPARE(comparetargets::defaultFor(u"https://github.com/acme/shop/pull/42"_s, candidates), 2);
    QCOMPARE(comparetargets::defaultFor(u"https://github.com/acme/shop/pull/42"_s, candidates.mid(0, 2)), 1);
    QCOMPARE(comparetargets::defaultFor(u"https://github.com/acme/blog/pull/1"_s, candidates), 0);
    // The repository: one of its pull requests.
    QCOMPARE(comparetargets::defaultFor(u"https://github.com/acme/shop"_s, candidates), 3);
    QCOMPARE(comparetargets::defaultFor(u"https://github.com/acme/shop"_s, {}), -1);
    // The pull request is the head, whichever of the two is shown.
    QVERIFY(comparetargets::shownIsHead(u"https://github.com/acme/shop/pull/42"_s,
                                        u"https://github.com/acme/shop"_s));
    QVERIFY(!comparetargets::shownIsHead(u"https://github.com/acme/shop"_s,
                                         u"https://github.com/acme/shop/pull/42"_s));
    QVERIFY(
        comparetargets::shownIsHead(u"https://github.com/acme/shop"_s, u"https://github.com/acme/blog"_s));
    QCOMPARE(comparetargets::title(u"acme/shop"_s, u"https://github.com/acme/shop/pull/42"_s, {}),
             u"acme/shop #42"_s);
    QCOMPARE(comparetargets::title(u"acme/shop"_s, u"https://github.com/acme/shop"_s, u"main"_s),
             u"acme/shop (main)"_s);
}

void TestCompareView::compareWithIsInTheProjectMenu()
{
    QTemporaryDir root;
    QVERIFY(root.isValid());
    QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, root.filePath(u"settings"_s));
    forge::AppContext context(root.filePath(u"data"_s));
    forge::ui::MainWindow window(context);
    auto* compare = window.findChild<QAction*>(u"compareWithAction"_s);
    QVERIFY(compare);
    QCOMPARE(compare->shortcut(), QKeySequence(u"Ctrl+Shift+K"_s));
    // Next to the project's other commands, and no other command of the window has its shortcut.
    const QList<QObject*> menus = compare->associatedObjects();
    QVERIFY(std::any_of(menus.cbegin(), menus.cend(), [](QObject* object) {
        auto* menu = qobject_cast<QMenu*>(object);
        return menu && menu->title() == u"&Project"_s;
    }));
    for (const QAction* action : window.findChildren<QAction*>()) {
        if (action != compare)
            QVERIFY2(!action->shortcuts().contains(compare->shortcut()), qPrintable(action->text()));
    }
    // Nothing is live: nothing to compare.
    QVERIFY(!compare->isEnabled());
}

// The hook end to end, on the real local back end: the fixture app on main and on a branch that
// recolours its heading, both live; Compare With… offers the other one and opens on the two.
void TestCompareView::compareWithOpensOnTwoLiveProjects()
{
    QTemporaryDir root;
    QVERIFY(root.isValid());
    QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, root.filePath(u"settings"_s));
    const QString folder = root.filePath(u"express-app"_s);
    forge::test::FixtureRepository repository(folder);
    QVERIFY2(repository.initialize(QStringLiteral(FORGE_FIXTURES_DIR) + u"/projects/express-app"_s),
             qPrintable(repository.errorString()));
    QFile server(folder + u"/server.js"_s);
    QVERIFY(server.open(QIODevice::ReadOnly));
    const QByteArray recoloured = server.readAll().replace("<h1>", "<h1 style=\"color:#c2410c\">");
    QVERIFY(recoloured.contains("c2410c"));
    QVERIFY2(repository.addBranch(u"redesign"_s, u"server.js"_s, recoloured),
             qPrintable(repository.errorString()));

    forge::AppContext context(root.filePath(u"data"_s));
    forge::ui::MainWindow window(context);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    auto stop = qScopeGuard([&window] { forge::test::shutDown(window); });
    auto* compare = window.findChild<QAction*>(u"compareWithAction"_s);
    const auto reference = std::get<forge::RepoRef>(forge::RepoRef::parse(folder, {}));
    const forge::Project base = forge::newProject(reference, {}, forge::RunMode::Dev);
    const forge::Project head = forge::newProject(reference, u"redesign"_s, forge::RunMode::Dev);
    for (const forge::Project& project : {base, head}) {
        window.openProject(project); // shown: the head, opened last
        forge::ProjectSession* session = window.session(project.id);
        QTRY_VERIFY_WITH_TIMEOUT(session->status() == forge::ProjectStatus::Live ||
                                     session->status() == forge::ProjectStatus::Failed,
                                 runTimeoutMs);
        QVERIFY2(session->status() == forge::ProjectStatus::Live,
                 qPrintable(session->failure() ? session->failure()->message() : QString()));
    }
    QCOMPARE(window.currentProjectId(), head.id);
    QVERIFY(compare->isEnabled());

    compare->trigger();
    QInputDialog* picker = window.findChild<QInputDialog*>();
    QVERIFY(picker);
    QCOMPARE(picker->textValue(), u"express-app (default branch)"_s);
    picker->accept();
    CompareView* view = nullptr;
    QTRY_VERIFY((view = window.findChild<CompareView*>()) != nullptr);
    auto closeView = qScopeGuard([view] { view->close(); });
    // The project shown is the head; each side is its project's own preview.
    QCOMPARE(view->headSide()->origin().port(), window.session(head.id)->previewUrl().port());
    QCOMPARE(view->baseSide()->origin().port(), window.session(base.id)->previewUrl().port());
    QCOMPARE(view->headSide()->title(), u"express-app (redesign)"_s);
    for (CompareSide* side : {view->baseSide(), view->headSide()})
        QTRY_VERIFY_WITH_TIMEOUT(side->isSettled(), timeoutMs);
    QSignalSpy finished(view, &CompareView::diffFinished);
    view->startVisualDiff();
    QVERIFY(finished.wait(diffTimeoutMs));
    const auto result = finished.first().first().value<VisualDiffResult>();
    keep(result);
    QCOMPARE(result.diff.regions.size(), 1); // the heading
    QVERIFY(view->diffPanel()->summary().startsWith(u"1 region changed"_s));

    // Stopped, the head has nothing to compare.
    window.actions()->stop()->trigger();
    QTRY_VERIFY_WITH_TIMEOUT(!compare->isEnabled(), timeoutMs);
}

// ---- pictures -----------------------------------------------------------------------------------

void TestCompareView::screenshots_data()
{
    forge::test::addColourSchemeRows();
}

void TestCompareView::screenshots()
{
    QFETCH(QByteArray, scheme);
    const auto lightAgain = forge::test::useColourScheme(scheme);
    QVERIFY(open(u"/heading"_s));
    const QString suffix = scheme == "dark" ? u"-dark"_s : QString();
    shoot(m_view.get(), u"compare-view"_s + suffix + u".png"_s);
    const VisualDiffResult result = diff();
    QCOMPARE(result.diff.regions.size(), 1);
    shoot(m_view.get(), u"compare-diff"_s + suffix + u".png"_s);
    m_view->diffPanel()->slider()->setValue(50);
    shoot(m_view.get(), u"compare-diff-blend"_s + suffix + u".png"_s);
}

int main(int argc, char** argv)
{
    QCoreApplication::setAttribute(Qt::AA_ShareOpenGLContexts);
    QApplication app(argc, argv);
    qRegisterMetaType<VisualDiffResult>();
    TestCompareView test;
    return QTest::qExec(&test, argc, argv);
}

#include "tst_compareview.moc"
