#pragma once

#include "sandbox/SandboxProvider.h"
#include "ui/compare/VisualDiffRun.h"
#include "ui/preview/PreviewPane.h"

#include <QWidget>

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QStackedWidget;
class QToolButton;

namespace forge::ui {

class CompareSide;
class DiffPanel;
class NavigationLink;
class ScrollLink;

// One side of a comparison as the caller names it: a live project's preview and its title.
struct CompareSource
{
    QString title;
    PreviewEndpoint endpoint;
};

// Two live previews side by side (issue 21), the base on the left and the head (a pull request) on
// the right, each as confined as the main preview (CompareSide). One path bar drives both, and a
// page that goes somewhere by itself takes the other along (NavigationLink); scrolling can be
// linked (ScrollLink); one device size applies to both, so both lay out alike. Visual Diff
// captures both pages once they are idle (VisualDiffRun) and lays the result over them (DiffPanel).
class CompareView final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(CompareView)
public:
    CompareView(const CompareSource& base, const CompareSource& head, QWidget* parent = nullptr);
    ~CompareView() override;

    CompareSide* baseSide() const { return m_base; }
    CompareSide* headSide() const { return m_head; }
    QLineEdit* pathBar() const { return m_pathBar; }
    QComboBox* deviceChoice() const { return m_device; }
    QCheckBox* linkScrolling() const { return m_linkScrolling; }
    QPushButton* diffButton() const { return m_diffButton; }
    DiffPanel* diffPanel() const { return m_panel; }
    bool isDiffShown() const;
    bool isDiffRunning() const;
    QString statusText() const;

    void setDevice(PreviewPane::Device device);
    // Goes to `typed` (a path, or an address on either side's origin) on both sides.
    void navigateBoth(const QString& typed);
    void startVisualDiff();

Q_SIGNALS:
    void diffFinished(const forge::ui::VisualDiffResult& result);

private:
    QWidget* createToolbar();
    void createDeviceChoice();
    void connectSides();
    void onDiffFinished(const VisualDiffResult& result);
    void showPages();
    void parkFocus();
    void updateControls();
    void showPath(const QUrl& url);
    void showStatus(const QString& text);

    CompareSide* m_base = nullptr;
    CompareSide* m_head = nullptr;
    NavigationLink* m_navigationLink = nullptr;
    ScrollLink* m_scrollLink = nullptr;
    VisualDiffRun* m_run = nullptr;
    QToolButton* m_back = nullptr;
    QToolButton* m_forward = nullptr;
    QToolButton* m_reload = nullptr;
    QLineEdit* m_pathBar = nullptr;
    QComboBox* m_device = nullptr;
    QCheckBox* m_linkScrolling = nullptr;
    QPushButton* m_diffButton = nullptr;
    QStackedWidget* m_stack = nullptr;
    QWidget* m_pages = nullptr;
    DiffPanel* m_panel = nullptr;
    QLabel* m_status = nullptr;
};

} // namespace forge::ui
