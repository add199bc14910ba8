#pragma once

#include "core/RunPlan.h"

#include <QWidget>
#include <optional>

namespace forge::ui {

// One way of choosing a repository in the picker (a URL, a folder on this computer; the GitHub
// account comes with sign-in). The picker shows each source as a tab and asks the current one for
// the choice.
class RepositorySource : public QWidget
{
    Q_OBJECT
public:
    using QWidget::QWidget;

    virtual QString title() const = 0;
    // What RepoRef::parse() accepts; valid only when problem() is empty.
    virtual QString repository() const = 0;
    virtual QString branch() const = 0;
    // Why the current input cannot be opened yet, in words for the user; empty when it can.
    virtual QString problem() const = 0;
    // A plan detected before any clone (a local folder can be examined at once).
    virtual std::optional<RunPlan> detectedPlan() const { return std::nullopt; }
    // Moves the keyboard focus to the main field.
    virtual void focusInput() = 0;

Q_SIGNALS:
    void changed();
    // The user confirmed this source's choice (Enter in its main field).
    void activated();
};

} // namespace forge::ui
