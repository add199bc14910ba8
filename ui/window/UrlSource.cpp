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
    m_url->setPlaceholderText(u"https://github.com/owner/repository"_s);
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
    connect(m_branch, &QLineEdit::textChanged, this, &UrlSource::changed);
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

void UrlSource::validate()
{
    const QString text = repository();
    if (text.isEmpty()) {
        m_problem = tr("Enter the https address of a git repository, or owner/repository for GitHub.");
        m_status->setText(QString());
        Q_EMIT changed();
        return;
    }
    const auto parsed = RepoRef::parse(text, QDir::homePath());
    if (const auto* error = std::get_if<RepoRefError>(&parsed)) {
        m_problem = error->explanation();
    } else if (!std::get<RepoRef>(parsed).isRemote()) {
        m_problem = tr("That is a folder on this computer: use the Local folder tab.");
    } else {
        m_problem.clear();
    }
    const QString okText = m_problem.isEmpty()
                               ? tr("Will clone %1").arg(std::get<RepoRef>(parsed).url().toDisplayString())
                               : QString();
    showInputStatus(m_status, m_problem, okText);
    Q_EMIT changed();
}

} // namespace forge::ui
