#include "core/Failure.h"
#include "ui/buildlog/AnsiTextFormatter.h"
#include "ui/buildlog/BuildLogPanel.h"
#include "ui/buildlog/FailureBox.h"
#include "ui/buildlog/FindBar.h"
#include "ui/buildlog/LogTextView.h"
#include "ui/buildlog/StepTimeline.h"
#include "ui/common/Theme.h"

#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QDir>
#include <QElapsedTimer>
#include <QFileDialog>
#include <QLabel>
#include <QLineEdit>
#include <QScrollBar>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QTextBlock>
#include <QTimer>

using namespace Qt::StringLiterals;
using namespace forge;
using namespace forge::ui;

namespace {

const QString Esc = QString(QChar(0x1b));

StepTimeline* timelineOf(BuildLogPanel& panel)
{
    return panel.findChild<StepTimeline*>(u"stepTimeline"_s);
}

LogTextView* viewOf(BuildLogPanel& panel)
{
    return panel.findChild<LogTextView*>(u"logView"_s);
}

QString iconOf(BuildLogPanel& panel, StepId step)
{
    return timelineOf(panel)->item(LogRowId::forStep(step))->data(0, StepTimeline::IconNameRole).toString();
}

QString rowText(BuildLogPanel& panel, LogRowId row, int column)
{
    return timelineOf(panel)->item(row)->text(column);
}

QString selectedRowTitle(BuildLogPanel& panel)
{
    return timelineOf(panel)->currentItem()->text(0);
}

// Picks a row with the mouse, as a user would.
void clickRow(BuildLogPanel& panel, LogRowId row)
{
    StepTimeline* timeline = timelineOf(panel);
    const QRect rect = timeline->visualItemRect(timeline->item(row));
    QTest::mouseClick(timeline->viewport(), Qt::LeftButton, {}, rect.center());
}

// What the log view shows once it has rendered everything pending.
QString shownText(BuildLogPanel& panel)
{
    viewOf(panel)->renderAll();
    return viewOf(panel)->toPlainText();
}

void showAndWait(BuildLogPanel& panel)
{
    panel.resize(900, 640);
    panel.show();
    QVERIFY(QTest::qWaitForWindowExposed(&panel));
    // Keyboard shortcuts and focus need the active window (Xvfb has no window manager to give it).
    panel.activateWindow();
    QVERIFY(QTest::qWaitForWindowActive(&panel));
}

QString npmLine(int i)
{
    return Esc + u"[32m✔"_s + Esc + u"[0m "_s + Esc + u"[1mpackage-%1"_s.arg(i) + Esc + u"[22m added "_s +
           Esc + u"[38;5;244m(%1 ms)"_s.arg(i % 977) + Esc + u"[0m"_s;
}

} // namespace

class TestBuildLogPanel : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        qputenv("FORGE_PREVIEW_THEME", "light");
        Theme::install();
    }

    void startsWithEveryStepPending()
    {
        BuildLogPanel panel;
        for (StepId step : AllSteps) {
            QCOMPARE(toString(panel.stepStatus(step)), toString(StepStatus::Pending));
            QCOMPARE(iconOf(panel, step), u"status-pending"_s);
            QCOMPARE(rowText(panel, LogRowId::forStep(step), 0), stepTitle(step));
        }
        QCOMPARE(selectedRowTitle(panel), u"All output"_s);
        QVERIFY(panel.plainText().isEmpty());
    }

    void stepLifecycleShowsStatusAttemptAndDuration()
    {
        BuildLogPanel panel;
        showAndWait(panel);
        panel.stepStarted(StepId::CloneRepository, 1);
        QCOMPARE(toString(panel.stepStatus(StepId::CloneRepository)), toString(StepStatus::Running));
        QCOMPARE(iconOf(panel, StepId::CloneRepository), u"status-running"_s);
        // The duration ticks while the step runs.
        QTRY_VERIFY(rowText(panel, LogRowId::forStep(StepId::CloneRepository), 2).endsWith(u" s"_s));

        panel.stepRetrying(StepId::CloneRepository, 2, 2000, u"The network went away."_s);
        QCOMPARE(iconOf(panel, StepId::CloneRepository), u"status-queued"_s);
        QVERIFY(panel.plainText(StepId::CloneRepository).contains(u"Retrying in 2.0 s (attempt 2)"_s));

        panel.stepStarted(StepId::CloneRepository, 2);
        QCOMPARE(rowText(panel, LogRowId::forStep(StepId::CloneRepository), 0),
                 u"Clone repository · attempt 2"_s);
        panel.stepFinished(StepId::CloneRepository, StepStatus::Succeeded, 1234, u"main at 3f9c2ab"_s);
        QCOMPARE(toString(panel.stepStatus(StepId::CloneRepository)), toString(StepStatus::Succeeded));
        QCOMPARE(iconOf(panel, StepId::CloneRepository), u"status-succeeded"_s);
        QCOMPARE(rowText(panel, LogRowId::forStep(StepId::CloneRepository), 1), u"main at 3f9c2ab"_s);
        QCOMPARE(rowText(panel, LogRowId::forStep(StepId::CloneRepository), 2), u"1.2 s"_s);

        panel.stepFinished(StepId::BuildProject, StepStatus::Skipped, 0, {});
        QCOMPARE(iconOf(panel, StepId::BuildProject), u"status-skipped"_s);
        QCOMPARE(rowText(panel, LogRowId::forStep(StepId::BuildProject), 2), QString());

        panel.stepStarted(StepId::StartDevServer, 1);
        panel.runStopped();
        QCOMPARE(iconOf(panel, StepId::StartDevServer), u"status-stopped"_s);
    }

    void eachRowShowsItsOwnOutput()
    {
        BuildLogPanel panel;
        showAndWait(panel);
        panel.stepStarted(StepId::CloneRepository, 1);
        panel.appendOutput(StepId::CloneRepository, OutputChannel::Stderr, u"Cloning into '/workspace'..."_s,
                           false);
        panel.stepFinished(StepId::CloneRepository, StepStatus::Succeeded, 800, {});
        panel.stepStarted(StepId::InstallDependencies, 1);
        panel.appendOutput(StepId::InstallDependencies, OutputChannel::Stdout, u"added 120 packages"_s,
                           false);

        QCOMPARE(panel.plainText(StepId::CloneRepository), u"Cloning into '/workspace'..."_s);
        QCOMPARE(panel.plainText(StepId::InstallDependencies), u"added 120 packages"_s);
        QCOMPARE(
            panel.plainText(),
            u"▸ Clone repository\nCloning into '/workspace'...\n▸ Install dependencies\nadded 120 packages"_s);

        // The running step is shown; another row shows only its own lines.
        QCOMPARE(shownText(panel), u"added 120 packages"_s);
        QSignalSpy selected(&panel, &BuildLogPanel::stepSelected);
        clickRow(panel, LogRowId::forStep(StepId::CloneRepository));
        QCOMPARE(selected.size(), 1);
        QCOMPARE(stepName(*selected.first().first().value<std::optional<StepId>>()), u"clone-repository"_s);
        QCOMPARE(shownText(panel), u"Cloning into '/workspace'..."_s);
        clickRow(panel, {LogRow::All});
        QVERIFY(!selected.last().first().value<std::optional<StepId>>().has_value());
        QCOMPARE(shownText(panel), panel.plainText());
    }

    void coloursAreRenderedNotShownRaw()
    {
        BuildLogPanel panel;
        showAndWait(panel);
        panel.stepStarted(StepId::InstallDependencies, 1);
        panel.appendOutput(
            StepId::InstallDependencies, OutputChannel::Stdout,
            Esc + u"[31mnpm ERR!"_s + Esc + u"[0m code "_s + Esc + u"[1mE404"_s + Esc + u"[0m"_s, true);
        panel.appendOutput(StepId::InstallDependencies, OutputChannel::Stdout,
                           u"<b>not bold</b> "_s + Esc + u"]8;;https://evil.example/"_s + QChar(0x07) +
                               u"link"_s + Esc + u"]8;;"_s + QChar(0x07) + Esc + u"[2K"_s,
                           false);
        QCOMPARE(shownText(panel), u"npm ERR! code E404\n<b>not bold</b> link"_s);
        QVERIFY(!panel.plainText().contains(Esc));

        const QTextBlock first = viewOf(panel)->document()->firstBlock();
        QTextCursor cursor(first);
        cursor.setPosition(first.position() + 1);
        QCOMPARE(cursor.charFormat().foreground().color(), AnsiTextFormatter::baseColor(1));
        cursor.setPosition(first.position() + 16);
        QCOMPARE(cursor.charFormat().fontWeight(), int(QFont::Bold));
    }

    void runningStepIsSelectedUntilTheUserPicksAnotherRow()
    {
        BuildLogPanel panel;
        showAndWait(panel);
        panel.stepStarted(StepId::CreateSandbox, 1);
        QCOMPARE(selectedRowTitle(panel), u"Create sandbox"_s);
        panel.stepFinished(StepId::CreateSandbox, StepStatus::Succeeded, 10, {});
        panel.stepStarted(StepId::CloneRepository, 1);
        QCOMPARE(selectedRowTitle(panel), u"Clone repository"_s);

        // Picking the running step itself keeps auto-selection going.
        clickRow(panel, LogRowId::forStep(StepId::CloneRepository));
        panel.stepFinished(StepId::CloneRepository, StepStatus::Succeeded, 10, {});
        panel.stepStarted(StepId::DetectFramework, 1);
        QCOMPARE(selectedRowTitle(panel), u"Detect framework"_s);

        clickRow(panel, LogRowId::forStep(StepId::CreateSandbox));
        panel.stepFinished(StepId::DetectFramework, StepStatus::Succeeded, 10, {});
        panel.stepStarted(StepId::InstallDependencies, 1);
        QCOMPARE(selectedRowTitle(panel), u"Create sandbox"_s);

        // A new run auto-selects again.
        panel.reset();
        panel.stepStarted(StepId::CreateSandbox, 1);
        QCOMPARE(selectedRowTitle(panel), u"Create sandbox"_s);
    }

    void failureSelectsTheStepAndShowsTheBox()
    {
        BuildLogPanel panel;
        showAndWait(panel);
        panel.stepStarted(StepId::InstallDependencies, 1);
        for (int i = 0; i < 300; ++i)
            panel.appendOutput(StepId::InstallDependencies, OutputChannel::Stdout, npmLine(i), false);
        panel.appendOutput(StepId::InstallDependencies, OutputChannel::Stderr, u"npm ERR! 404 Not Found"_s,
                           true);
        clickRow(panel, {LogRow::Notices}); // the user looks elsewhere
        auto* box = panel.findChild<FailureBox*>(u"failureBox"_s);
        QVERIFY(!box->isVisible());

        panel.stepFinished(StepId::InstallDependencies, StepStatus::Failed, 5200, {});
        panel.showFailure(
            StepFailure(StepId::InstallDependencies,
                        Failure::permanent(u"npm install exited with code 1."_s,
                                           u"Check that every package in package.json exists."_s,
                                           {Esc + u"[31mnpm ERR!"_s + Esc + u"[0m code E404"_s,
                                            u"npm ERR! 404 Not Found - GET https://registry/x"_s})));
        QCOMPARE(selectedRowTitle(panel), u"Install dependencies"_s);
        QCOMPARE(iconOf(panel, StepId::InstallDependencies), u"status-failed"_s);
        QCOMPARE(toString(panel.stepStatus(StepId::InstallDependencies)), toString(StepStatus::Failed));
        QVERIFY(box->isVisible());
        QCOMPARE(box->message(), u"npm install exited with code 1."_s);
        QCOMPARE(box->advice(), u"What to do: Check that every package in package.json exists."_s);
        QCOMPARE(box->evidence(), u"npm ERR! code E404\nnpm ERR! 404 Not Found - GET https://registry/x"_s);
        // The box sits above the output, which opens at its top.
        QVERIFY(box->geometry().bottom() <= viewOf(panel)->geometry().top());
        QCOMPARE(viewOf(panel)->verticalScrollBar()->value(), 0);

        clickRow(panel, LogRowId::forStep(StepId::CreateSandbox));
        QVERIFY(!box->isVisible());
        panel.reset();
        clickRow(panel, LogRowId::forStep(StepId::InstallDependencies));
        QVERIFY(!box->isVisible());
        QCOMPARE(iconOf(panel, StepId::InstallDependencies), u"status-pending"_s);
        QVERIFY(shownText(panel).isEmpty());
    }

    void jumpToFirstErrorRevealsTheLine()
    {
        BuildLogPanel panel;
        showAndWait(panel);
        panel.stepStarted(StepId::BuildProject, 1);
        for (int i = 0; i < 3000; ++i) {
            const bool error = i == 1500 || i == 2500;
            panel.appendOutput(StepId::BuildProject, OutputChannel::Stdout,
                               error ? u"src/App.tsx(12,5): error TS2322: line %1"_s.arg(i) : npmLine(i),
                               error);
        }
        LogTextView* view = viewOf(panel);
        QTRY_VERIFY(!view->hasPendingLines());
        QScrollBar* bar = view->verticalScrollBar();
        QTRY_COMPARE(bar->value(), bar->maximum()); // following the tail

        panel.setFocus();
        QTest::keyClick(&panel, Qt::Key_F8);
        QCOMPARE(view->textCursor().block().text(), u"src/App.tsx(12,5): error TS2322: line 1500"_s);
        QVERIFY(view->viewport()->rect().contains(view->cursorRect().center()));
        QVERIFY(bar->value() < bar->maximum());
        QVERIFY(!view->isFollowingTail());

        // From a row without errors it goes to the failed step.
        panel.showFailure(StepFailure(StepId::BuildProject, Failure::permanent(u"tsc failed."_s)));
        clickRow(panel, LogRowId::forStep(StepId::CreateSandbox));
        QVERIFY(panel.jumpToFirstErrorAction()->isEnabled());
        panel.jumpToFirstErrorAction()->trigger();
        QCOMPARE(selectedRowTitle(panel), u"Build project"_s);
        QCOMPARE(view->textCursor().block().text(), u"src/App.tsx(12,5): error TS2322: line 1500"_s);
    }

    void followsTheTailUnlessTheUserScrolledUp()
    {
        BuildLogPanel panel;
        showAndWait(panel);
        panel.stepStarted(StepId::StartDevServer, 1);
        LogTextView* view = viewOf(panel);
        QScrollBar* bar = view->verticalScrollBar();
        for (int i = 0; i < 500; ++i)
            panel.appendOutput(StepId::StartDevServer, OutputChannel::Stdout, u"line %1"_s.arg(i), false);
        QTRY_VERIFY(!view->hasPendingLines());
        QTRY_VERIFY(bar->maximum() > 0);
        QTRY_COMPARE(bar->value(), bar->maximum());

        // The user scrolls up (wheel): following stops, new lines do not move the view.
        QWheelEvent wheel(QPointF(50, 50), view->viewport()->mapToGlobal(QPointF(50, 50)), QPoint(),
                          QPoint(0, 1200), Qt::NoButton, Qt::NoModifier, Qt::NoScrollPhase, false);
        QApplication::sendEvent(view->viewport(), &wheel);
        QVERIFY(bar->value() < bar->maximum());
        const int scrolledTo = bar->value();
        QVERIFY(!view->isFollowingTail());
        for (int i = 500; i < 1000; ++i)
            panel.appendOutput(StepId::StartDevServer, OutputChannel::Stdout, u"line %1"_s.arg(i), false);
        QTRY_VERIFY(!view->hasPendingLines());
        QCOMPARE(view->document()->blockCount(), 1000);
        QCOMPARE(bar->value(), scrolledTo);

        // Back at the bottom, it follows again.
        bar->setValue(bar->maximum());
        QVERIFY(view->isFollowingTail());
        for (int i = 1000; i < 1500; ++i)
            panel.appendOutput(StepId::StartDevServer, OutputChannel::Stdout, u"line %1"_s.arg(i), false);
        QTRY_VERIFY(!view->hasPendingLines());
        QTRY_COMPARE(bar->value(), bar->maximum());
        QCOMPARE(view->document()->lastBlock().text(), u"line 1499"_s);
    }

    void findBarCountsAndStepsThroughMatches()
    {
        BuildLogPanel panel;
        showAndWait(panel);
        panel.stepStarted(StepId::InstallDependencies, 1);
        for (int i = 0; i < 200; ++i) {
            panel.appendOutput(StepId::InstallDependencies, OutputChannel::Stdout,
                               i % 50 == 7 ? u"warn: Needle in line %1"_s.arg(i) : npmLine(i), false);
        }
        viewOf(panel)->setFocus();
        QTest::keyClick(viewOf(panel), Qt::Key_F, Qt::ControlModifier);
        auto* bar = panel.findChild<FindBar*>(u"findBar"_s);
        QVERIFY(bar->isVisible());
        auto* field = panel.findChild<QLineEdit*>(u"findField"_s);
        QCOMPARE(QApplication::focusWidget(), field);
        QTest::keyClicks(field, u"needle"_s);
        LogTextView* view = viewOf(panel);
        QTRY_COMPARE(bar->matchCountText(), u"1 of 4"_s);
        QCOMPARE(view->textCursor().block().text(), u"warn: Needle in line 7"_s);
        QVERIFY(!view->extraSelections().isEmpty() || !view->viewport()->rect().contains(view->cursorRect()));

        QTest::keyClick(field, Qt::Key_Return);
        QCOMPARE(bar->matchCountText(), u"2 of 4"_s);
        QCOMPARE(view->textCursor().block().text(), u"warn: Needle in line 57"_s);
        QTest::keyClick(field, Qt::Key_F3);
        QCOMPARE(bar->matchCountText(), u"3 of 4"_s);
        QTest::keyClick(field, Qt::Key_Return, Qt::ShiftModifier);
        QCOMPARE(bar->matchCountText(), u"2 of 4"_s);
        QTest::keyClick(field, Qt::Key_F3, Qt::ShiftModifier);
        QTest::keyClick(field, Qt::Key_F3, Qt::ShiftModifier); // wraps to the last
        QCOMPARE(bar->matchCountText(), u"4 of 4"_s);
        QCOMPARE(view->textCursor().block().text(), u"warn: Needle in line 157"_s);

        field->clear();
        QTest::keyClicks(field, u"no such text"_s);
        QTRY_COMPARE(bar->matchCountText(), u"No matches"_s);

        QTest::keyClick(field, Qt::Key_Escape);
        QVERIFY(!bar->isVisible());
        QVERIFY(view->extraSelections().isEmpty());
    }

    void copiesSelectionOrTheWholeRow()
    {
        BuildLogPanel panel;
        showAndWait(panel);
        panel.stepStarted(StepId::CloneRepository, 1);
        panel.appendOutput(StepId::CloneRepository, OutputChannel::Stdout, Esc + u"[33mfirst"_s, false);
        panel.appendOutput(StepId::CloneRepository, OutputChannel::Stdout, u"second line"_s, false);
        LogTextView* view = viewOf(panel);
        view->renderAll();
        QApplication::clipboard()->clear();

        timelineOf(panel)->setFocus();
        QTest::keyClick(timelineOf(panel), Qt::Key_C, Qt::ControlModifier);
        QTRY_COMPARE(QApplication::clipboard()->text(), u"first\nsecond line"_s);

        view->setFocus();
        QTextCursor cursor(view->document()->lastBlock());
        cursor.movePosition(QTextCursor::EndOfWord, QTextCursor::KeepAnchor);
        view->setTextCursor(cursor);
        QTest::keyClick(view, Qt::Key_C, Qt::ControlModifier);
        QTRY_COMPARE(QApplication::clipboard()->text(), u"second"_s);

        view->selectAll();
        panel.copyAction()->trigger();
        QTRY_COMPARE(QApplication::clipboard()->text(), u"first\nsecond line"_s);
    }

    void savesThePlainTextOfTheSelectedRow()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        BuildLogPanel panel;
        showAndWait(panel);
        panel.stepStarted(StepId::InstallDependencies, 1);
        for (int i = 0; i < 3; ++i)
            panel.appendOutput(StepId::InstallDependencies, OutputChannel::Stdout, npmLine(i), false);

        const QString path = dir.filePath(u"install.log"_s);
        QVERIFY(panel.saveTo(path));
        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QString saved = QString::fromUtf8(file.readAll());
        QCOMPARE(saved, u"✔ package-0 added (0 ms)\n✔ package-1 added (1 ms)\n✔ package-2 added (2 ms)\n"_s);

        // Through the action and its file dialog.
        const QString viaDialog = dir.filePath(u"via-dialog.log"_s);
        QTimer answer;
        answer.setInterval(20);
        connect(&answer, &QTimer::timeout, this, [&] {
            if (auto* dialog = qobject_cast<QFileDialog*>(QApplication::activeModalWidget())) {
                answer.stop();
                // Typed like a user: selectFile() races with the dialog's asynchronous folder listing.
                auto* name = dialog->findChild<QLineEdit*>(u"fileNameEdit"_s);
                QVERIFY(name);
                name->setText(viaDialog);
                QMetaObject::invokeMethod(dialog, "accept", Qt::QueuedConnection);
            }
        });
        answer.start();
        panel.saveAction()->trigger();
        QVERIFY(QFile::exists(viaDialog));
        QFile second(viaDialog);
        QVERIFY(second.open(QIODevice::ReadOnly));
        QCOMPARE(QString::fromUtf8(second.readAll()), saved);
        QVERIFY(!panel.saveTo(dir.filePath(u"missing-folder/x.log"_s)));
    }

    void keepsAtMostTheLineCapAndTheFirstErrors()
    {
        BuildLogPanel panel;
        showAndWait(panel);
        panel.stepStarted(StepId::InstallDependencies, 1);
        const int total = BuildLogPanel::StepLineLimit + 10'000;
        for (int i = 0; i < total; ++i) {
            const bool error = i == 10;
            panel.appendOutput(StepId::InstallDependencies, OutputChannel::Stdout,
                               error ? u"npm ERR! the first error"_s : u"line %1"_s.arg(i), error);
        }
        const QStringList kept = panel.plainText(StepId::InstallDependencies).split(u'\n');
        QCOMPARE(kept.size(), BuildLogPanel::StepLineLimit);
        QCOMPARE(kept.first(), u"line 10000"_s);
        QCOMPARE(kept.last(), u"line %1"_s.arg(total - 1));
        LogTextView* view = viewOf(panel);
        QTRY_VERIFY_WITH_TIMEOUT(!view->hasPendingLines(), 30000);
        QCOMPARE(view->document()->blockCount(), BuildLogPanel::StepLineLimit);
        QCOMPARE(view->document()->lastBlock().text(), kept.last());
        QCOMPARE(view->document()->firstBlock().text(), kept.first());
        QVERIFY(view->document()->firstBlock().userState() != 1); // not marked as an error line

        auto* banner = panel.findChild<QLabel*>(u"droppedBanner"_s);
        QTRY_VERIFY(banner->isVisible());
        QVERIFY2(banner->text().contains(u"10,000 earlier lines were dropped"_s), qPrintable(banner->text()));
        QVERIFY(banner->text().contains(u"npm ERR! the first error"_s));
        // Jumping to the first error shows the banner that keeps it.
        panel.jumpToFirstError();
        QCOMPARE(view->verticalScrollBar()->value(), 0);
    }

    void stallStaysShortUnderHeavyOutput()
    {
        BuildLogPanel panel;
        showAndWait(panel);
        panel.stepStarted(StepId::InstallDependencies, 1);
        LogTextView* view = viewOf(panel);

        constexpr int Total = 200'000;
        constexpr int Chunk = 1'000;
        const QString longTail = u" "_s + QString(1'200, u'#');
        int produced = 0;
        QElapsedTimer clock;
        qint64 lastTick = 0;
        qint64 worstLateness = 0;

        // A 16 ms timer measures how late it fires: the event loop's worst stall.
        QTimer probe;
        probe.setTimerType(Qt::PreciseTimer);
        probe.setInterval(16);
        connect(&probe, &QTimer::timeout, this, [&] {
            const qint64 now = clock.elapsed();
            worstLateness = std::max(worstLateness, now - lastTick - 16);
            lastTick = now;
        });
        // The producer: as fast as possible, a chunk per event-loop turn.
        QTimer producer;
        producer.setInterval(0);
        connect(&producer, &QTimer::timeout, this, [&] {
            for (int i = 0; i < Chunk && produced < Total; ++i, ++produced) {
                const bool error = produced % 9973 == 0;
                QString line = npmLine(produced);
                if (produced % 40 == 0)
                    line += longTail;
                panel.appendOutput(StepId::InstallDependencies,
                                   produced % 3 ? OutputChannel::Stdout : OutputChannel::Stderr, line, error);
            }
            if (produced >= Total)
                producer.stop();
        });
        clock.start();
        probe.start();
        producer.start();
        QTRY_VERIFY_WITH_TIMEOUT(produced >= Total, 120'000);
        const qint64 producedAfter = clock.elapsed();
        QTRY_VERIFY_WITH_TIMEOUT(!view->hasPendingLines(), 120'000);
        probe.stop();
        qInfo("200,000 lines: appended in %lld ms, shown after %lld ms; worst event-loop stall %lld ms",
              producedAfter, clock.elapsed(), worstLateness);
        QVERIFY2(worstLateness < 250, qPrintable(u"worst stall %1 ms"_s.arg(worstLateness)));

        const QString last = AnsiTextFormatter::stripped(npmLine(Total - 1));
        const QStringList kept = panel.plainText(StepId::InstallDependencies).split(u'\n');
        QCOMPARE(kept.size(), BuildLogPanel::StepLineLimit);
        QCOMPARE(kept.last(), last);
        QVERIFY(view->document()->blockCount() <= BuildLogPanel::StepLineLimit);
        QCOMPARE(view->document()->lastBlock().text(), last);
        QTRY_COMPARE(view->verticalScrollBar()->value(), view->verticalScrollBar()->maximum());
    }

    void consoleMessagesAndNoticesHaveTheirRows()
    {
        BuildLogPanel panel;
        showAndWait(panel);
        panel.appendNotice(u"Running without isolation: bubblewrap is not available."_s);
        panel.appendConsoleMessage({ConsoleMessage::Level::Error, u"Uncaught TypeError: x is undefined"_s, 12,
                                    u"http://127.0.0.1:5173/src/main.ts"_s});
        panel.appendConsoleMessage({ConsoleMessage::Level::Info, u"[vite] connected."_s, 0, {}});
        QCOMPARE(rowText(panel, {LogRow::Console}, 2), u"2"_s);
        QCOMPARE(rowText(panel, {LogRow::Notices}, 2), u"1"_s);

        clickRow(panel, {LogRow::Console});
        QCOMPARE(shownText(panel),
                 u"[error] Uncaught TypeError: x is undefined  (http://127.0.0.1:5173/src/main.ts:12)\n"
                 "[info] [vite] connected."_s);
        clickRow(panel, {LogRow::Notices});
        QCOMPARE(shownText(panel), u"! Running without isolation: bubblewrap is not available."_s);
        QVERIFY(panel.plainText().contains(u"console: [error] Uncaught TypeError"_s));
        QVERIFY(panel.plainText().contains(u"! Running without isolation"_s));
    }

    // A working copy's Sync row: out of the way until a run syncs, then each batch with its files
    // (a big batch names the first SyncPathsListed and counts the rest), and gone again at the next
    // run's reset.
    void syncRowListsWhatWasSent()
    {
        BuildLogPanel panel;
        showAndWait(panel);
        QVERIFY(timelineOf(panel)->item({LogRow::Sync})->isHidden());
        panel.appendSyncStarted();
        QVERIFY(!timelineOf(panel)->item({LogRow::Sync})->isHidden());
        QCOMPARE(rowText(panel, {LogRow::Sync}, 2), QString());
        panel.appendSyncBatch({u"src/App.tsx"_s}, {u"src/old.css"_s});
        QStringList many;
        for (int i = 0; i < BuildLogPanel::SyncPathsListed + 20; ++i)
            many << u"src/file-%1.js"_s.arg(i);
        panel.appendSyncBatch(many, {});
        QCOMPARE(rowText(panel, {LogRow::Sync}, 2), u"2"_s);

        clickRow(panel, {LogRow::Sync});
        const QStringList lines = shownText(panel).split(u'\n');
        QVERIFY2(lines.first().endsWith(
                     u"Watching the working copy: saved files go to the sandbox as they change."_s),
                 qPrintable(lines.first()));
        QVERIFY2(lines.at(1).endsWith(u"Sent 1 file, removed 1"_s), qPrintable(lines.at(1)));
        QCOMPARE(lines.at(2), u"    + src/App.tsx"_s);
        QCOMPARE(lines.at(3), u"    − src/old.css"_s);
        QVERIFY2(lines.at(4).endsWith(u"Sent 120 files, removed 0"_s), qPrintable(lines.at(4)));
        QCOMPARE(lines.last(), u"    … and 20 more"_s);
        QCOMPARE(lines.size(), 5 + BuildLogPanel::SyncPathsListed + 1);
        QVERIFY(panel.plainText().contains(u"sync:     + src/App.tsx"_s));

        panel.reset();
        QVERIFY(timelineOf(panel)->item({LogRow::Sync})->isHidden());
    }

    void screenshots()
    {
        const QString folder = qEnvironmentVariable("FORGE_SCREENSHOT_DIR");
        if (folder.isEmpty())
            QSKIP("Set FORGE_SCREENSHOT_DIR to write screenshots.");
        QDir().mkpath(folder);
        for (const char* scheme : {"light", "dark"}) {
            qputenv("FORGE_PREVIEW_THEME", scheme);
            Theme::install();
            BuildLogPanel panel;
            panel.resize(760, 620);
            panel.show();
            QVERIFY(QTest::qWaitForWindowExposed(&panel));
            panel.appendNotice(u"Running without isolation: bubblewrap cannot create a namespace here."_s);
            panel.stepStarted(StepId::CreateSandbox, 1);
            panel.stepFinished(StepId::CreateSandbox, StepStatus::Succeeded, 40, u"sandbox forge-6f1d-1"_s);
            panel.stepStarted(StepId::CloneRepository, 1);
            panel.appendOutput(StepId::CloneRepository, OutputChannel::Stderr,
                               u"Cloning into '/workspace'..."_s, false);
            panel.stepFinished(StepId::CloneRepository, StepStatus::Succeeded, 1200, u"main at 3f9c2ab"_s);
            panel.stepStarted(StepId::DetectFramework, 1);
            panel.stepFinished(StepId::DetectFramework, StepStatus::Succeeded, 12, u"Vite · npm"_s);
            panel.stepStarted(StepId::InstallDependencies, 2);
            for (int i = 0; i < 12; ++i)
                panel.appendOutput(StepId::InstallDependencies, OutputChannel::Stdout, npmLine(i), false);
            QString palette;
            for (int c = 30; c <= 37; ++c)
                palette += Esc + u"[%1m %1 "_s.arg(c);
            for (int c = 90; c <= 97; ++c)
                palette += Esc + u"[%1m %1 "_s.arg(c);
            panel.appendOutput(StepId::InstallDependencies, OutputChannel::Stdout, palette, false);
            panel.appendOutput(StepId::InstallDependencies, OutputChannel::Stdout,
                               Esc + u"[41m FAIL "_s + Esc + u"[0m "_s + Esc + u"[42m PASS "_s + Esc +
                                   u"[0m "_s + Esc + u"[1mbold "_s + Esc + u"[2mdim "_s + Esc +
                                   u"[0;3mitalic "_s + Esc + u"[4munderline"_s + Esc + u"[0m "_s + Esc +
                                   u"[38;2;255;128;0mtruecolor"_s,
                               false);
            panel.appendOutput(StepId::InstallDependencies, OutputChannel::Stderr,
                               Esc + u"[31mnpm ERR!"_s + Esc +
                                   u"[0m 404 Not Found - GET https://registry.npmjs.org/nope"_s,
                               true);
            viewOf(panel)->renderAll();
            QVERIFY(panel.grab().save(folder + u"/buildlog-running-%1.png"_s.arg(QLatin1StringView(scheme))));

            panel.stepFinished(StepId::InstallDependencies, StepStatus::Failed, 5200, {});
            panel.showFailure(StepFailure(
                StepId::InstallDependencies,
                Failure::permanent(
                    u"Installing the dependencies failed: npm exited with code 1."_s,
                    u"A package in package.json does not exist. Fix its name or version and run again."_s,
                    {u"npm ERR! code E404"_s,
                     u"npm ERR! 404 Not Found - GET https://registry.npmjs.org/nope"_s})));
            panel.findAction()->trigger();
            QTest::keyClicks(panel.findChild<QLineEdit*>(u"findField"_s), u"package"_s);
            QTRY_VERIFY(!panel.findChild<FindBar*>()->matchCountText().isEmpty());
            QVERIFY(panel.grab().save(folder + u"/buildlog-failed-%1.png"_s.arg(QLatin1StringView(scheme))));
        }
        qputenv("FORGE_PREVIEW_THEME", "light");
        Theme::install();
    }
};

QTEST_MAIN(TestBuildLogPanel)
#include "tst_buildlogpanel.moc"
