#include "ui/compare/CompareLauncher.h"

#include "app/ProjectRegistry.h"
#include "ui/compare/CompareView.h"

#include <QAction>
#include <QInputDialog>
#include <QMenu>
#include <QMessageBox>

using namespace Qt::StringLiterals;

namespace forge::ui {

CompareLauncher::CompareLauncher(ProjectRegistry& registry, QWidget* window)
    : QObject(window)
    , m_registry(registry)
    , m_window(window)
    , m_action(new QAction(tr("Co&mpare With…"), this))
{
    m_action->setObjectName(u"compareWithAction"_s);
    m_action->setShortcut(Qt::CTRL | Qt::SHIFT | Qt::Key_K);
    m_action->setToolTip(tr("Show this preview next to another live project's, with a visual diff "
                            "(Ctrl+Shift+K)"));
    m_action->setEnabled(false);
    window->addAction(m_action); // the shortcut works wherever the focus is in the window
    connect(m_action, &QAction::triggered, this, &CompareLauncher::ask);
}

void CompareLauncher::placeBefore(QAction* neighbour)
{
    for (QObject* object : neighbour->associatedObjects()) {
        if (auto* menu = qobject_cast<QMenu*>(object)) {
            menu->insertAction(neighbour, m_action);
            menu->insertSeparator(neighbour);
            return;
        }
    }
}

QInputDialog* CompareLauncher::picker() const
{
    return m_picker;
}

void CompareLauncher::setShownProject(const QString& projectId)
{
    m_shown = projectId;
    m_action->setEnabled(isLive(projectId) && !m_registry.isShuttingDown());
}

bool CompareLauncher::isLive(const QString& projectId) const
{
    const ProjectSession* session = m_registry.session(projectId);
    return session && session->status() == ProjectStatus::Live && !session->isRestoring() &&
           !m_registry.isSleeping(projectId) && !m_registry.hasGivenUp(projectId) &&
           session->previewUrl().isValid();
}

CompareCandidate CompareLauncher::candidate(const QString& projectId) const
{
    const Project& project = m_registry.session(projectId)->project();
    return {projectId, project.repository, project.branch, m_registry.displayName(projectId)};
}

QList<CompareCandidate> CompareLauncher::candidates() const
{
    QList<CompareCandidate> live;
    for (const QString& id : m_registry.ids()) {
        if (id != m_shown && isLive(id))
            live.append(candidate(id));
    }
    return live;
}

void CompareLauncher::ask()
{
    if (!isLive(m_shown) || m_picker)
        return;
    const QList<CompareCandidate> others = candidates();
    if (others.isEmpty()) {
        QMessageBox::information(m_window, tr("Compare With"),
                                 tr("No other project is live. Run the one to compare with first: for a "
                                    "pull request, its repository on the base branch."));
        return;
    }
    const CompareCandidate shown = candidate(m_shown);
    QStringList titles;
    for (const CompareCandidate& other : others)
        titles.append(comparetargets::title(other.name, other.repository, other.branch));

    auto* picker = new QInputDialog(m_window);
    picker->setAttribute(Qt::WA_DeleteOnClose);
    picker->setWindowTitle(tr("Compare With"));
    picker->setLabelText(
        tr("Compare %1 with:").arg(comparetargets::title(shown.name, shown.repository, shown.branch)));
    picker->setComboBoxItems(titles);
    picker->setTextValue(titles.value(comparetargets::defaultFor(shown.repository, others)));
    picker->setOkButtonText(tr("Compare"));
    m_picker = picker;
    connect(picker, &QInputDialog::textValueSelected, this, [this, others, titles](const QString& title) {
        const qsizetype index = titles.indexOf(title);
        if (index >= 0)
            compareWith(others.at(index).id);
    });
    picker->open();
}

CompareView* CompareLauncher::compareWith(const QString& otherId)
{
    if (!isLive(m_shown) || !isLive(otherId) || otherId == m_shown)
        return nullptr;
    const CompareCandidate shown = candidate(m_shown);
    const CompareCandidate other = candidate(otherId);
    auto source = [this](const CompareCandidate& project) {
        return CompareSource{comparetargets::title(project.name, project.repository, project.branch),
                             m_registry.session(project.id)->previewEndpoint()};
    };
    const bool shownIsHead = comparetargets::shownIsHead(shown.repository, other.repository);
    auto* view =
        new CompareView(source(shownIsHead ? other : shown), source(shownIsHead ? shown : other), m_window);
    view->setAttribute(Qt::WA_DeleteOnClose);
    view->show();
    return view;
}

} // namespace forge::ui
