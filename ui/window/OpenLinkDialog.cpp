#include "OpenLinkDialog.h"

#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QPushButton>
#include <QVBoxLayout>

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

    auto* intro = new QLabel(tr("<b>A link asks Forge Preview to clone and run this repository.</b>"));
    intro->setTextFormat(Qt::RichText);
    intro->setWordWrap(true);

    auto* form = new QFormLayout;
    form->addRow(tr("Repository:"),
                 valueLabel(link.repository.url().toString(), QStringLiteral("linkRepository")));
    form->addRow(tr("Branch:"),
                 valueLabel(link.branch.isEmpty() ? tr("the repository's default branch") : link.branch,
                            QStringLiteral("linkBranch")));
    form->addRow(tr("Runs on:"), valueLabel(backendTitle, QStringLiteral("linkBackend"), false));

    auto* warning = new QLabel(
        tr("Installing and starting it runs the repository's own scripts (its install and dev commands). "
           "Only continue if you trust where the link came from and recognise the repository."));
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
