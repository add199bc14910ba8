#include "ui/compare/CompareView.h"

#include "ui/common/Icons.h"
#include "ui/compare/CompareSide.h"
#include "ui/compare/DiffPanel.h"
#include "ui/compare/EqualColumns.h"
#include "ui/compare/NavigationLink.h"
#include "ui/compare/ScrollLink.h"
#include "ui/preview/PreviewOrigin.h"

#include <QCheckBox>
#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QShortcut>
#include <QStackedWidget>
#include <QToolButton>
#include <QVBoxLayout>
#include <QWebEnginePage>

using namespace Qt::StringLiterals;

namespace forge::ui {

namespace {

CompareSide::HeaderList headersOf(const PreviewEndpoint& endpoint)
{
    CompareSide::HeaderList headers;
    for (auto header = endpoint.headers.cbegin(); header != endpoint.headers.cend(); ++header)
        headers.append({header.key(), header.value()});
    return headers;
}

QToolButton* toolButton(QWidget* parent, const QString& iconName, const QString& text)
{
    auto* button = new QToolButton(parent);
    button->setIcon(icon(iconName));
    button->setToolTip(text);
    button->setAutoRaise(true);
    return button;
}

} // namespace

CompareView::CompareView(const CompareSource& base, const CompareSource& head, QWidget* parent)
    : QWidget(parent, Qt::Window)
    , m_base(new CompareSide(tr("Base"), base.title))
    , m_head(new CompareSide(tr("Head"), head.title))
    , m_panel(new DiffPanel)
    , m_status(new QLabel)
{
    setObjectName(u"compareView"_s);
    setFocusPolicy(Qt::ClickFocus); // see parkFocus()
    setWindowTitle(tr("Compare %1 with %2").arg(head.title, base.title));
    m_navigationLink = new NavigationLink(m_base, m_head, this);
    m_scrollLink = new ScrollLink(m_base, m_head, this);
    m_run = new VisualDiffRun(m_base, m_head, this);
    m_pages = new EqualColumns(m_base, m_head);
    m_stack = new QStackedWidget;
    m_stack->addWidget(m_pages);
    m_stack->addWidget(m_panel);
    m_status->setObjectName(u"compareStatus"_s);
    m_status->setTextFormat(Qt::PlainText);
    m_status->setContentsMargins(8, 3, 8, 3);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    layout->addWidget(createToolbar());
    layout->addWidget(m_stack, 1);
    layout->addWidget(m_status);
    connectSides();
    auto* close = new QShortcut(QKeySequence::Close, this);
    connect(close, &QShortcut::activated, this, &QWidget::close);
    resize(1400, 860);

    m_base->open(base.endpoint.url, headersOf(base.endpoint));
    m_head->open(head.endpoint.url, headersOf(head.endpoint));
    // The path bar says where the head is; the base is on the same path unless it refused to go.
    if (m_head->page())
        connect(m_head->page(), &QWebEnginePage::urlChanged, this, &CompareView::showPath);
    showPath(head.endpoint.url);
    updateControls();
    // Not a page: a page given the focus by the window's activation focuses its first control.
    m_pathBar->setFocus(Qt::OtherFocusReason);
    showStatus(tr("Visual Diff (Ctrl+D) marks what differs between the two pages."));
}

CompareView::~CompareView()
{
    // The run waits on both sides' pages: it goes first.
    delete m_run;
    m_run = nullptr;
}

QWidget* CompareView::createToolbar()
{
    auto* toolbar = new QWidget(this);
    toolbar->setObjectName(u"compareToolbar"_s);
    m_back = toolButton(toolbar, u"back"_s, tr("Back on both sides"));
    m_forward = toolButton(toolbar, u"forward"_s, tr("Forward on both sides"));
    m_reload = toolButton(toolbar, u"refresh"_s, tr("Reload both sides"));
    connect(m_back, &QToolButton::clicked, this, [this] {
        m_base->back();
        m_head->back();
    });
    connect(m_forward, &QToolButton::clicked, this, [this] {
        m_base->forward();
        m_head->forward();
    });
    connect(m_reload, &QToolButton::clicked, this, [this] {
        m_base->reload();
        m_head->reload();
    });

    m_pathBar = new QLineEdit(toolbar);
    m_pathBar->setObjectName(u"comparePathBar"_s);
    m_pathBar->setPlaceholderText(tr("/path on both previews"));
    m_pathBar->setToolTip(tr("Path on both previews. Press Enter to go there on both sides."));
    connect(m_pathBar, &QLineEdit::returnPressed, this, [this] { navigateBoth(m_pathBar->text()); });

    createDeviceChoice();
    m_linkScrolling = new QCheckBox(tr("&Link scrolling"), toolbar);
    m_linkScrolling->setChecked(true);
    m_linkScrolling->setToolTip(tr("Scrolling one side scrolls the other to the same place"));
    connect(m_linkScrolling, &QCheckBox::toggled, m_scrollLink, &ScrollLink::setEnabled);

    m_diffButton = new QPushButton(tr("&Visual Diff"), toolbar);
    m_diffButton->setObjectName(u"visualDiffButton"_s);
    m_diffButton->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_D));
    m_diffButton->setToolTip(tr("Capture both pages once they are idle and mark what differs (Ctrl+D)"));
    connect(m_diffButton, &QPushButton::clicked, this, &CompareView::startVisualDiff);

    auto* bar = new QHBoxLayout(toolbar);
    bar->setContentsMargins(6, 4, 6, 4);
    bar->setSpacing(4);
    for (QWidget* widget : std::initializer_list<QWidget*>{m_back, m_forward, m_reload})
        bar->addWidget(widget);
    bar->addWidget(m_pathBar, 1);
    bar->addWidget(m_device);
    bar->addWidget(m_linkScrolling);
    bar->addWidget(m_diffButton);
    return toolbar;
}

void CompareView::createDeviceChoice()
{
    m_device = new QComboBox;
    m_device->setObjectName(u"compareDevice"_s);
    m_device->setToolTip(tr("Device size of both sides"));
    // The main preview's sizes, so a comparison lays pages out as the preview does.
    m_device->addItem(icon(u"responsive"_s), tr("Responsive"), int(PreviewPane::Device::Responsive));
    m_device->addItem(icon(u"phone"_s), tr("Phone (390 × 844)"), int(PreviewPane::Device::Phone));
    m_device->addItem(icon(u"tablet"_s), tr("Tablet (820 × 1180)"), int(PreviewPane::Device::Tablet));
    m_device->addItem(icon(u"desktop"_s), tr("Desktop (1440 × 900)"), int(PreviewPane::Device::Desktop));
    connect(m_device, &QComboBox::currentIndexChanged, this, [this] {
        const auto device = PreviewPane::Device(m_device->currentData().toInt());
        m_base->setDeviceSize(PreviewPane::cssSize(device));
        m_head->setDeviceSize(PreviewPane::cssSize(device));
    });
}

void CompareView::connectSides()
{
    for (CompareSide* side : {m_base, m_head}) {
        connect(side, &CompareSide::refused, this, [this, side](const QUrl& url, const QString& reason) {
            showStatus(tr("%1: blocked %2 (%3)").arg(side->role(), url.toDisplayString(), reason));
        });
    }
    connect(m_navigationLink, &NavigationLink::followed, this,
            [this](CompareSide* follower, const QString& path) {
                showStatus(tr("%1 followed to %2").arg(follower->role(), path));
            });
    connect(m_run, &VisualDiffRun::progress, this, &CompareView::showStatus);
    connect(m_run, &VisualDiffRun::finished, this, &CompareView::onDiffFinished);
    connect(m_panel, &DiffPanel::closed, this, &CompareView::showPages);
}

bool CompareView::isDiffShown() const
{
    return m_stack->currentWidget() == m_panel;
}

bool CompareView::isDiffRunning() const
{
    return m_run->isRunning();
}

QString CompareView::statusText() const
{
    return m_status->text();
}

void CompareView::setDevice(PreviewPane::Device device)
{
    m_device->setCurrentIndex(m_device->findData(int(device)));
}

void CompareView::navigateBoth(const QString& typed)
{
    // An address on either origin names a path; the path is what both sides go to.
    QString path = typed.trimmed();
    const QUrl url(path);
    if (url.scheme().startsWith(u"http"_s) && (previeworigin::isSameOrigin(url, m_base->origin()) ||
                                               previeworigin::isSameOrigin(url, m_head->origin())))
        path = previeworigin::pathOf(url);
    QString why;
    for (CompareSide* side : {m_base, m_head}) {
        if (!side->navigate(path, &why)) {
            showStatus(why.isEmpty() ? tr("The pages are not loaded yet.") : why);
            return;
        }
    }
    m_pathBar->setModified(false);
    showStatus({});
}

void CompareView::startVisualDiff()
{
    if (m_run->isRunning())
        return;
    parkFocus();
    m_stack->setCurrentWidget(m_pages); // the pages must show to draw frames
    m_scrollLink->setSuspended(true);
    m_navigationLink->setEnabled(false);
    m_run->start();
    updateControls();
}

void CompareView::onDiffFinished(const VisualDiffResult& result)
{
    m_scrollLink->setSuspended(false);
    m_navigationLink->setEnabled(true);
    m_stack->setCurrentWidget(m_panel); // shown first: the panel scrolls to a region in its real size
    m_panel->showResult(result);
    showStatus(tr("Visual diff: %1. Esc goes back to the pages.").arg(m_panel->summary()));
    updateControls();
    Q_EMIT diffFinished(result);
}

void CompareView::showPages()
{
    if (isDiffShown()) {
        parkFocus(); // before the panel's slider goes away with the focus
        m_stack->setCurrentWidget(m_pages);
    }
    updateControls();
    if (!m_run->isRunning())
        m_pathBar->setFocus(Qt::OtherFocusReason);
}

void CompareView::parkFocus()
{
    // A control that is disabled or hidden while it has the focus hands it to the next one in the
    // tab order, which may be a page: Chromium then focuses the page's first control and draws its
    // focus ring, on one side only, and the diff would report it. The window holds it instead.
    setFocus(Qt::OtherFocusReason);
}

void CompareView::updateControls()
{
    // While a diff captures, the pages stay where it put them; over the diff, the pages are hidden.
    const bool pagesUsable = !m_run->isRunning() && !isDiffShown();
    for (QWidget* control :
         std::initializer_list<QWidget*>{m_back, m_forward, m_reload, m_pathBar, m_device, m_linkScrolling})
        control->setEnabled(pagesUsable);
    m_diffButton->setEnabled(!m_run->isRunning());
}

void CompareView::showPath(const QUrl& url)
{
    // What the user is typing stays.
    if (m_pathBar->hasFocus() && m_pathBar->isModified())
        return;
    if (!previeworigin::isSameOrigin(url, m_head->origin()))
        return;
    m_pathBar->setText(previeworigin::pathOf(url));
    m_pathBar->setCursorPosition(0);
}

void CompareView::showStatus(const QString& text)
{
    m_status->setText(text);
}

} // namespace forge::ui
