#pragma once

#include "core/DeepLink.h"

#include <QDialog>

class QPushButton;

namespace forge::ui {

// The confirmation an "Open in Forge Preview" link always gets: it shows exactly what would be
// cloned (the full repository address and the branch, or "pull request #N of owner/repo" for a
// link with pr=N) and where it would run, warns that the
// repository's own scripts will run, and starts nothing unless the user presses "Clone and Run".
// Cancel is the default button, so Enter or Esc on a link nobody expected does nothing.
class OpenLinkDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(OpenLinkDialog)
public:
    // `backendTitle`: where the run would happen ("this computer", "Daytona").
    OpenLinkDialog(const DeepLink& link, const QString& backendTitle, QWidget* parent = nullptr);

    QPushButton* runButton() const { return m_runButton; }
    QPushButton* cancelButton() const { return m_cancelButton; }

private:
    QPushButton* m_runButton = nullptr;
    QPushButton* m_cancelButton = nullptr;
};

} // namespace forge::ui
