#pragma once

#include "ui/preview/VisualDiff.h"

#include <QElapsedTimer>
#include <QImage>
#include <QObject>
#include <QStringList>
#include <QTimer>
#include <array>

namespace forge::ui {

class CompareSide;
class PageCapture;
class PageProbe;

// What a visual diff found, for the overlay.
struct VisualDiffResult
{
    VisualDiff diff;
    QImage base; // the base page, whole (stitched from its viewport captures)
    QImage head;
    // Parts of a page that moved between two captures of it (animations) were left out.
    bool animationsMasked = false;
    // What the user should know about how the captures went (a page still busy, a page cut short).
    QStringList notes;
    // Why nothing could be compared (a page that could not be captured); empty when it could.
    QString failure;
};

// One visual diff of two sides of a comparison, as a sequence of waits on both pages at once:
// each has loaded and painted (PaintWatcher) and is idle (document complete, images and fonts
// loaded, no resource finished in the last two animation frames); both are captured top to bottom;
// a moment later (animation frames, not a clock) both are captured again, so what moved between
// the two captures of a page (a carousel, a spinner) is masked out (unstableMask); then the first
// captures are compared (compareTiles). Nothing is compared until both pages have answered.
class VisualDiffRun final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(VisualDiffRun)
public:
    VisualDiffRun(CompareSide* base, CompareSide* head, QObject* parent = nullptr);

    void start();
    void cancel();
    bool isRunning() const { return m_stage != Stage::Idle; }

    // How long a page may stay busy before it is captured as it is.
    static constexpr int SettleTimeoutMs = 10'000;
    // Frames between the two captures of a page: long enough for an animation to move.
    static constexpr int FramesBetweenCaptures = 12;

Q_SIGNALS:
    void progress(const QString& text);
    void finished(const forge::ui::VisualDiffResult& result);

private:
    enum class Stage { Idle, Settling, FirstCapture, Pause, SecondCapture };
    struct Side
    {
        CompareSide* side = nullptr;
        PageProbe* probe = nullptr;
        PageCapture* capture = nullptr;
        QList<PageTile> first;
        QList<PageTile> second;
        bool waitingForPaint = false;
    };

    void enter(Stage stage);
    void settle(Side& side);
    void probeIdle(Side& side);
    void onDeadline();
    void onProbeAnswered(Side& side, const QVariant& answer);
    void onCaptured(Side& side, const QList<PageTile>& tiles, bool complete);
    void sideDone();
    void advance();
    void compare();
    QString name(const Side& side) const;

    std::array<Side, 2> m_sides; // base, head
    Stage m_stage = Stage::Idle;
    int m_waiting = 0; // sides still to answer in this stage
    QStringList m_notes;
    QElapsedTimer m_clock;
    QTimer m_deadline; // for a page that never ends loading
};

} // namespace forge::ui
