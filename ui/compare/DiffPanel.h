#pragma once

#include "ui/compare/VisualDiffRun.h"

#include <QWidget>

class QCheckBox;
class QLabel;
class QPushButton;
class QScrollArea;
class QSlider;

namespace forge::ui {

// The visual diff's result over the comparison: a summary ("3 regions changed, 12,480 pixels" or
// "No visual differences"), the head page with what changed tinted and framed, and a slider that
// fades between the base page (left) and the head page (right). Esc or Close hides it.
class DiffPanel final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(DiffPanel)
public:
    explicit DiffPanel(QWidget* parent = nullptr);

    void showResult(const VisualDiffResult& result);
    const VisualDiffResult& result() const { return m_result; }

    QString summary() const;
    QSlider* slider() const { return m_slider; }
    QCheckBox* outlineToggle() const { return m_outline; }
    // The picture shown now (the slider's blend, outlined or not).
    QImage picture() const { return m_picture; }

    // "3 regions changed, 12,480 pixels", "No visual differences" (the summary's words).
    static QString describe(const VisualDiff& diff);
    // The colour changed regions are marked in: bright on light and dark pages alike.
    static QColor markColor();

Q_SIGNALS:
    void closed();

private:
    void updatePicture();
    void scrollToFirstRegion();

    VisualDiffResult m_result;
    QImage m_picture;
    QLabel* m_summary = nullptr;
    QLabel* m_notes = nullptr;
    QSlider* m_slider = nullptr;
    QCheckBox* m_outline = nullptr;
    QPushButton* m_close = nullptr;
    QScrollArea* m_scroll = nullptr;
    QLabel* m_image = nullptr;
};

} // namespace forge::ui
