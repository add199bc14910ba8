#include "LocalFolderSource.h"

#include "SourceStatusLabel.h"
#include "core/ProjectSnapshot.h"
#include "core/RepoRef.h"
#include "core/RunPlanDetector.h"

#include <QDir>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRadioButton>

using namespace Qt::StringLiterals;

namespace forge::ui {

LocalFolderSource::LocalFolderSource(QWidget* parent)
    : RepositorySource(parent)
{
    auto* form = new QFormLayout(this);
    m_folder = new QLineEdit;
    m_folder->setObjectName(u"repositoryFolder"_s);
    m_folder->setPlaceholderText(tr("A folder with a git repository"));
    m_folder->setClearButtonEnabled(true);
    auto* browseButton = new QPushButton(tr("&Choose…"));
    auto* row = new QHBoxLayout;
    row->addWidget(m_folder, 1);
    row->addWidget(browseButton);
    // What of the folder is previewed: the radio buttons are the rows' labels, so each has its
    // mnemonic, and the arrow keys move between them.
    m_workingCopy = new QRadioButton(tr("&Working copy (files as they are now, kept in sync)"));
    m_workingCopy->setObjectName(u"workingCopySource"_s);
    m_workingCopy->setToolTip(tr("Tracked files and untracked ones git does not ignore, as they are on disk "
                                 "now, uncommitted edits included; saved changes reach the preview"));
    m_workingCopy->setChecked(true);
    m_branchSource = new QRadioButton(tr("Bra&nch:"));
    m_branchSource->setObjectName(u"branchSource"_s);
    m_branchSource->setToolTip(tr("A branch's committed state, copied once when the preview starts"));
    m_branch = new QLineEdit;
    m_branch->setObjectName(u"folderBranch"_s);
    m_branch->setPlaceholderText(tr("the folder's current branch"));
    m_branch->setAccessibleName(tr("Branch"));
    auto* branchRow = new QHBoxLayout;
    branchRow->addWidget(m_branchSource);
    branchRow->addWidget(m_branch, 1);
    m_status = new QLabel;
    m_status->setWordWrap(true);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto* folderLabel = new QLabel(tr("&Folder:"));
    folderLabel->setBuddy(m_folder); // the row holds a layout, so the form cannot set the buddy itself
    form->addRow(folderLabel, row);
    form->addRow(QString(), m_status);
    form->addRow(tr("Source:"), m_workingCopy);
    form->addRow(QString(), branchRow);
    connect(browseButton, &QPushButton::clicked, this, &LocalFolderSource::browse);
    connect(m_folder, &QLineEdit::textChanged, this, &LocalFolderSource::validate);
    connect(m_branch, &QLineEdit::textChanged, this, &LocalFolderSource::changed);
    connect(m_branchSource, &QRadioButton::toggled, this, &LocalFolderSource::updateSource);
    updateSource();
    connect(m_folder, &QLineEdit::returnPressed, this, &LocalFolderSource::activated);
    validate();
}

QString LocalFolderSource::title() const
{
    return tr("Local folder");
}

QString LocalFolderSource::repository() const
{
    return m_folder->text().trimmed();
}

QString LocalFolderSource::branch() const
{
    return m_branchSource->isChecked() ? m_branch->text().trimmed() : QString();
}

ProjectSource LocalFolderSource::source() const
{
    return m_branchSource->isChecked() ? ProjectSource::Branch : ProjectSource::WorkingCopy;
}

void LocalFolderSource::setSource(ProjectSource source)
{
    (source == ProjectSource::Branch ? m_branchSource : m_workingCopy)->setChecked(true);
}

void LocalFolderSource::updateSource()
{
    // The branch matters only for Branch; its name stays for when the user comes back to it.
    m_branch->setEnabled(m_branchSource->isChecked());
    Q_EMIT changed();
}

QString LocalFolderSource::problem() const
{
    return m_problem;
}

void LocalFolderSource::focusInput()
{
    m_folder->setFocus();
    m_folder->selectAll();
}

void LocalFolderSource::setFolder(const QString& path)
{
    m_folder->setText(QDir::toNativeSeparators(path));
}

void LocalFolderSource::setBranch(const QString& branch)
{
    m_branch->setText(branch);
}

void LocalFolderSource::browse()
{
    const QString start = repository().isEmpty() ? QDir::homePath() : repository();
    const QString chosen = QFileDialog::getExistingDirectory(this, tr("Choose a Repository Folder"), start);
    if (!chosen.isEmpty())
        setFolder(chosen);
}

void LocalFolderSource::validate()
{
    const QString text = repository();
    m_plan.reset();
    if (text.isEmpty()) {
        m_problem = tr("Choose a folder that holds a git repository.");
        m_status->setText(QString());
        Q_EMIT changed();
        return;
    }
    const auto parsed = RepoRef::parse(QDir::fromNativeSeparators(text), QDir::homePath());
    if (const auto* error = std::get_if<RepoRefError>(&parsed)) {
        m_problem = error->explanation();
    } else if (std::get<RepoRef>(parsed).isRemote()) {
        m_problem = tr("That is an address: use the URL tab.");
    } else {
        m_problem.clear();
        // Examining the folder reads a few small files (package.json, lockfiles), so it is cheap
        // enough to do as the user types.
        const QString path = std::get<RepoRef>(parsed).localPath();
        const auto detected = RunPlanDetector::detect(ProjectSnapshot::fromDirectory(path));
        if (const auto* plan = std::get_if<RunPlan>(&detected))
            m_plan = *plan;
        else
            m_problem = std::get<DetectionError>(detected).message;
    }
    showInputStatus(m_status, m_problem, m_plan ? tr("Detected: %1").arg(m_plan->summary()) : QString());
    Q_EMIT changed();
}

} // namespace forge::ui
