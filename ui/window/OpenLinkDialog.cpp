#include "OpenLinkDialog.h"

#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QPushButton>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace forge::ui {

namespace {

// A value the user must be able to read in full and copy: never elided, never rich text (a link
// could otherwise style its own text).
QLabel* valueLabel(const QString& text, const QString& objectName, bool monospace = true)
{
    auto* label = new QLabel(text);
    label->setObjectName(objectName);
    label->setTextFormat(Qt::PlainText);
    label->setWordWrap(true);
    label->setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);
    if (monospace) {
        QFont font = label->font();
        font.setFamily(QStringLiteral("monospace"));
        font.setStyleHint(QFont::Monospace);
        label->setFont(font);
    }
    return label;
}

} // namespace

OpenLinkDialog::OpenLinkDialog(const DeepLink& link, const QString& backendTitle, QWidget* parent)
    : QDialog(parent)
{
    setWindowTitle(tr("Open Link in Forge Preview"));
    setObjectName(QStringLiteral("openLinkDialog"));

    const int pullRequest = link.repository.pullRequest();
    // The link's own text is escaped (a link must not style what it asks); a word joiner after the
    // slash keeps "owner/repo" on one line (rich text ignores <nobr> inside a paragraph).
    QString name = link.repository.displayName().toHtmlEscaped();
    name.replace(u'/', u"/\u2060"_s);
    const QString subject =
        pullRequest > 0 ? tr("pull request #%1 of %2").arg(pullRequest).arg(name) : tr("this repository");
    auto* intro = new QLabel(tr("<b>A link asks Forge Preview to clone and run %1.</b>").arg(subject));
    intro->setObjectName(QStringLiteral("linkIntro"));
    intro->setTextFormat(Qt::RichText);
    intro->setWordWrap(true);

    auto* form = new QFormLayout;
    form->addRow(tr("Repository:"),
                 valueLabel(link.repository.url().toString(), QStringLiteral("linkRepository")));
    if (pullRequest > 0) {
        form->addRow(tr("Pull request:"), valueLabel(tr("#%1 of %2, at its latest commit (its head)")
                                                         .arg(pullRequest)
                                                         .arg(link.repository.displayName()),
                                                     QStringLiteral("linkPullRequest"), false));
    } else {
        form->addRow(tr("Branch:"),
                     valueLabel(link.branch.isEmpty() ? tr("the repository's default branch") : link.branch,
                                QStringLiteral("linkBranch")));
    }
    form->addRow(tr("Runs on:"), valueLabel(backendTitle, QStringLiteral("linkBackend"), false));

    // A pull request's code is its author's, often from a fork: trusting the repository is not enough.
    const QString trust =
        pullRequest > 0
            ? tr("Only continue if you trust where the link came from and the pull request's author: its "
                 "code "
                 "may come from a fork that anyone could have made.")
            : tr("Only continue if you trust where the link came from and recognise the repository.");
    auto* warning = new QLabel(
        tr("Installing and starting it runs the repository's own scripts (its install and dev commands). %1")
            .arg(trust));
    warning->setObjectName(QStringLiteral("linkWarning"));
    warning->setWordWrap(true);

    auto* buttons = new QDialogButtonBox;
    m_runButton = buttons->addButton(tr("Clone and &Run"), QDialogButtonBox::AcceptRole);
    m_cancelButton = buttons->addButton(QDialogButtonBox::Cancel);
    // Enter must not start a run nobody asked for.
    m_runButton->setAutoDefault(false);
    m_cancelButton->setDefault(true);
    m_cancelButton->setFocus();
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto* layout = new QVBoxLayout(this);
    layout->addWidget(intro);
    layout->addLayout(form);
    layout->addWidget(warning);
    layout->addWidget(buttons);
    setMinimumWidth(520);
}

} // namespace forge::ui
