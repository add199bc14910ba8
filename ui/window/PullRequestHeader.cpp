#include "PullRequestHeader.h"

#include "app/ProjectRegistry.h"
#include "app/PullRequestWatcher.h"
#include "ui/common/Theme.h"

#include <QApplication>
#include <QDesktopServices>
#include <QEvent>
#include <QHBoxLayout>
#include <QLabel>
#include <QPainter>
#include <QPushButton>
#include <QVBoxLayout>
#include <algorithm>

using namespace Qt::StringLiterals;

namespace forge::ui {

namespace {

// A colour `amount` of the way from `from` to `to`.
QColor mix(const QColor& from, const QColor& to, float amount)
{
    return QColor::fromRgbF(from.redF() * (1 - amount) + to.redF() * amount,
                            from.greenF() * (1 - amount) + to.greenF() * amount,
                            from.blueF() * (1 - amount) + to.blueF() * amount);
}

// GitHub's colour for a merged pull request, readable on either palette.
QColor mergedColor()
{
    return Theme::current() == Theme::Scheme::Dark ? QColor(0xa3, 0x71, 0xf7) : QColor(0x82, 0x50, 0xdf);
}

// A small rounded chip in `color` (text) on a light wash of it.
void styleBadge(QLabel* badge, const QColor& color)
{
    const QColor fill = mix(QApplication::palette().color(QPalette::Window), color, 0.16f);
    badge->setStyleSheet(u"QLabel { color: %1; background: %2; border-radius: 8px; padding: 1px 8px; }"_s.arg(
        color.name(), fill.name()));
}

QString shortSha(const QString& sha)
{
    return sha.left(7);
}

} // namespace

PullRequestHeader::PullRequestHeader(const PullRequestWatcher& watcher, const ProjectRegistry& registry,
                                     QWidget* parent)
    : QFrame(parent)
    , m_watcher(watcher)
    , m_registry(registry)
    , m_openLink([](const QUrl& url) { QDesktopServices::openUrl(url); })
    , m_title(new QLabel)
    , m_draft(new QLabel(tr("Draft")))
    , m_state(new QLabel)
    , m_note(new QLabel)
    , m_banner(new QFrame)
    , m_bannerText(new QLabel)
    , m_update(new QPushButton(tr("Update")))
{
    setObjectName(u"pullRequestHeader"_s);
    m_title->setObjectName(u"pullRequestTitle"_s);
    m_title->setTextFormat(Qt::RichText); // every part from GitHub is escaped
    m_title->setTextInteractionFlags(Qt::LinksAccessibleByMouse | Qt::LinksAccessibleByKeyboard);
    m_title->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred); // elided, never widens the pane
    connect(m_title, &QLabel::linkActivated, this, [this] {
        const auto pull = m_watcher.pullRequest(m_projectId);
        if (pull && (pull->htmlUrl.scheme() == u"https"_s || pull->htmlUrl.scheme() == u"http"_s))
            m_openLink(pull->htmlUrl);
    });
    m_draft->setObjectName(u"pullRequestDraft"_s);
    m_state->setObjectName(u"pullRequestState"_s);
    m_note->setObjectName(u"pullRequestNote"_s);
    m_note->setWordWrap(true);
    m_note->setTextFormat(Qt::PlainText); // may carry what a server said
    m_note->setTextInteractionFlags(Qt::TextSelectableByMouse);

    m_banner->setObjectName(u"pullRequestBanner"_s);
    m_banner->setFrameShape(QFrame::StyledPanel);
    m_banner->setAutoFillBackground(true);
    m_bannerText->setObjectName(u"pullRequestBannerText"_s);
    m_bannerText->setWordWrap(true);
    m_bannerText->setTextFormat(Qt::PlainText);
    m_update->setObjectName(u"pullRequestUpdate"_s);
    m_update->setToolTip(tr("Bring the preview up to the pull request's new commits (Ctrl+Shift+U)"));
    connect(m_update, &QPushButton::clicked, this, &PullRequestHeader::updateRequested);
    auto* bannerLayout = new QHBoxLayout(m_banner);
    bannerLayout->setContentsMargins(10, 4, 10, 4);
    bannerLayout->addWidget(m_bannerText, 1);
    bannerLayout->addWidget(m_update, 0, Qt::AlignVCenter);

    auto* titleRow = new QHBoxLayout;
    titleRow->setSpacing(6);
    titleRow->addWidget(m_title, 1);
    titleRow->addWidget(m_draft);
    titleRow->addWidget(m_state);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(10, 6, 10, 6);
    layout->setSpacing(4);
    layout->addLayout(titleRow);
    layout->addWidget(m_note);
    layout->addWidget(m_banner);
    applyColours();
    hide();
}

void PullRequestHeader::showProject(const QString& projectId)
{
    m_projectId = projectId;
    refresh();
}

void PullRequestHeader::refresh()
{
    if (!m_watcher.isPullRequest(m_projectId)) {
        hide();
        return;
    }
    const int number = m_watcher.number(m_projectId);
    const auto pull = m_watcher.pullRequest(m_projectId);
    const QString problem = m_watcher.problem(m_projectId);

    if (pull) {
        m_titleText = u"#%1 %2"_s.arg(number).arg(pull->title.simplified());
        QStringList html;
        QStringList plain;
        if (!pull->authorLogin.isEmpty()) {
            html << pull->authorLogin.toHtmlEscaped();
            plain << pull->authorLogin;
        }
        // A fork's branch is named with its owner, as GitHub does ("alice:feature/login").
        QString head = pull->head.ref;
        const QString headOwner = pull->head.repoFullName.section(u'/', 0, 0);
        const QString baseOwner = pull->base.repoFullName.section(u'/', 0, 0);
        if (pull->isFromFork() && !headOwner.isEmpty() && headOwner != baseOwner)
            head = headOwner + u':' + head;
        const QString branches = tr("%1 → %2").arg(head, pull->base.ref);
        html << branches.toHtmlEscaped();
        plain << branches;
        if (pull->htmlUrl.isValid()) {
            html << u"<a href=\"#github\">%1</a>"_s.arg(tr("Open on GitHub").toHtmlEscaped());
            plain << tr("Open on GitHub");
        }
        m_restHtml = html.join(u" · "_s);
        m_restPlain = plain.join(u" · "_s);
    } else {
        m_titleText = tr("Pull request #%1").arg(number);
        m_restHtml.clear();
        m_restPlain.clear();
    }
    layoutTitle();
    m_title->setToolTip(pull ? pull->title : QString());

    m_draft->setVisible(pull && pull->draft && pull->isOpen());
    m_state->setVisible(pull && !pull->isOpen());
    m_state->setText(pull && pull->merged ? tr("Merged") : tr("Closed"));

    QString note;
    m_noteIsProblem = false;
    if (pull && pull->merged)
        note = tr("This pull request was merged; no longer checking for new commits.");
    else if (pull && !pull->isOpen())
        note = tr("This pull request was closed; no longer checking for new commits.");
    if (!problem.isEmpty()) {
        note = note.isEmpty() ? problem : note + u' ' + problem;
        m_noteIsProblem = true;
    }
    m_note->setText(note);
    m_note->setVisible(!note.isEmpty());

    const ProjectSession* session = m_registry.session(m_projectId);
    const bool updating = session && session->isUpdating();
    const QString failure = m_watcher.updateFailure(m_projectId);
    const bool available = m_watcher.updateAvailable(m_projectId);
    if (updating) {
        m_bannerText->setText(tr("PR updated — bringing the preview up to its new commits…"));
        m_update->setText(tr("Updating…"));
        m_update->setEnabled(false);
    } else if (!failure.isEmpty() && available) {
        m_bannerText->setText(tr("PR updated, but the preview could not be updated: %1").arg(failure));
        m_update->setText(tr("Update"));
        m_update->setEnabled(true);
    } else if (available) {
        m_bannerText->setText(
            tr("PR updated — new commits on %1 (now at %2).").arg(pull->head.ref, shortSha(pull->head.sha)));
        m_update->setText(tr("Update"));
        m_update->setEnabled(true);
    }
    m_banner->setVisible(updating || available);
    applyColours();
    show();
}

void PullRequestHeader::layoutTitle()
{
    QFont bold = m_title->font();
    bold.setBold(true);
    const QFontMetrics boldMetrics(bold);
    const QString separator = m_restPlain.isEmpty() ? QString() : u" · "_s;
    const int restWidth = m_title->fontMetrics().horizontalAdvance(separator + m_restPlain);
    const int available = std::max(80, m_title->width() - restWidth - 4);
    const QString title = boldMetrics.elidedText(m_titleText, Qt::ElideRight, available);
    m_title->setText(u"<b>%1</b>%2%3"_s.arg(title.toHtmlEscaped(), separator, m_restHtml));
}

QString PullRequestHeader::headerText() const
{
    const QString separator = m_restPlain.isEmpty() ? QString() : u" · "_s;
    return m_titleText + separator + m_restPlain;
}

QString PullRequestHeader::badgeText() const
{
    QStringList badges;
    if (!m_draft->isHidden())
        badges << m_draft->text();
    if (!m_state->isHidden())
        badges << m_state->text();
    return badges.join(u' ');
}

QString PullRequestHeader::noteText() const
{
    return m_note->isHidden() ? QString() : m_note->text();
}

QString PullRequestHeader::bannerText() const
{
    return m_banner->isHidden() ? QString() : m_bannerText->text();
}

bool PullRequestHeader::isBannerShown() const
{
    return !m_banner->isHidden();
}

void PullRequestHeader::changeEvent(QEvent* event)
{
    if ((event->type() == QEvent::PaletteChange || event->type() == QEvent::ApplicationPaletteChange) &&
        !m_applyingColours)
        applyColours();
    QFrame::changeEvent(event);
}

void PullRequestHeader::resizeEvent(QResizeEvent* event)
{
    QFrame::resizeEvent(event);
    layoutTitle();
}

void PullRequestHeader::paintEvent(QPaintEvent* event)
{
    QFrame::paintEvent(event);
    // A hairline under it, like the one under the preview's toolbar, sets it apart from the toolbar.
    QPainter painter(this);
    painter.setPen(palette().color(QPalette::Mid));
    painter.drawLine(rect().bottomLeft(), rect().bottomRight());
}

void PullRequestHeader::applyColours()
{
    m_applyingColours = true; // setPalette and setStyleSheet below send PaletteChange again
    styleBadge(m_draft, Theme::mutedTextColor());
    styleBadge(m_state, m_state->text() == tr("Merged") ? mergedColor() : Theme::failureColor());
    QPalette notePalette = m_note->palette();
    notePalette.setColor(QPalette::WindowText,
                         m_noteIsProblem ? Theme::warningColor() : Theme::mutedTextColor());
    m_note->setPalette(notePalette);
    // The banner: a light wash of the highlight colour, like the other offers above the preview.
    const QColor window = QApplication::palette().color(QPalette::Window);
    QPalette bannerPalette = m_banner->palette();
    bannerPalette.setColor(QPalette::Window,
                           mix(window, QApplication::palette().color(QPalette::Highlight), 0.18f));
    m_banner->setPalette(bannerPalette);
    m_applyingColours = false;
}

} // namespace forge::ui
