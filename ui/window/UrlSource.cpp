#include "UrlSource.h"

#include "SourceStatusLabel.h"
#include "core/RepoRef.h"

#include <QDir>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>

using namespace Qt::StringLiterals;

namespace forge::ui {

UrlSource::UrlSource(QWidget* parent)
    : RepositorySource(parent)
{
    auto* form = new QFormLayout(this);
    m_url = new QLineEdit;
    m_url->setObjectName(u"repositoryUrl"_s);
    m_url->setPlaceholderText(tr("https://github.com/owner/repository, or a pull request's …/pull/42"));
    m_url->setToolTip(tr("A repository's https address (owner/repository for GitHub), or a pull request's "
                         "address to preview its head"));
    m_url->setClearButtonEnabled(true);
    m_branch = new QLineEdit;
    m_branch->setObjectName(u"repositoryBranch"_s);
    m_branch->setPlaceholderText(tr("default branch"));
    m_status = new QLabel;
    m_status->setWordWrap(true);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
    form->addRow(tr("Repository &URL:"), m_url);
    form->addRow(QString(), m_status);
    form->addRow(tr("&Branch:"), m_branch);
    connect(m_url, &QLineEdit::textChanged, this, &UrlSource::validate);
    // A pull request goes without a branch, so the branch is checked with the address.
    connect(m_branch, &QLineEdit::textChanged, this, &UrlSource::validate);
    connect(m_url, &QLineEdit::returnPressed, this, &UrlSource::activated);
    connect(m_branch, &QLineEdit::returnPressed, this, &UrlSource::activated);
    validate();
}

QString UrlSource::title() const
{
    return tr("URL");
}

QString UrlSource::repository() const
{
    return m_url->text().trimmed();
}

QString UrlSource::branch() const
{
    return m_branch->text().trimmed();
}

QString UrlSource::problem() const
{
    return m_problem;
}

void UrlSource::focusInput()
{
    m_url->setFocus();
    m_url->selectAll();
}

void UrlSource::setRepository(const QString& text)
{
    m_url->setText(text);
}

void UrlSource::setBranch(const QString& branch)
{
    m_branch->setText(branch);
}

QString UrlSource::willClone(const RepoRef& reference)
{
    const QString url = reference.url().toDisplayString();
    if (reference.pullRequest() > 0)
        return tr("Will clone pull request #%1 of %2 (its head)").arg(reference.pullRequest()).arg(url);
    return tr("Will clone %1").arg(url);
}

void UrlSource::validate()
{
    const QString text = repository();
    if (text.isEmpty()) {
        m_problem = tr("Enter the https address of a git repository (owner/repository for GitHub), or of "
                       "a pull request (https://github.com/owner/repository/pull/42).");
        m_status->setText(QString());
        Q_EMIT changed();
        return;
    }
    const auto parsed = RepoRef::parse(text, QDir::homePath());
    if (const auto* error = std::get_if<RepoRefError>(&parsed)) {
        m_problem = error->explanation();
    } else if (!std::get<RepoRef>(parsed).isRemote()) {
        m_problem = tr("That is a folder on this computer: use the Local folder tab.");
    } else if (std::get<RepoRef>(parsed).pullRequest() > 0 && !branch().isEmpty()) {
        m_problem = tr("A pull request is previewed at its head: leave the branch empty.");
    } else {
        m_problem.clear();
    }
    const QString okText = m_problem.isEmpty() ? willClone(std::get<RepoRef>(parsed)) : QString();
    showInputStatus(m_status, m_problem, okText);
    Q_EMIT changed();
}

} // namespace forge::ui
