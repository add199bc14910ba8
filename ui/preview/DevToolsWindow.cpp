#include "ui/preview/DevToolsWindow.h"

#include <QCloseEvent>
#include <QVBoxLayout>
#include <QWebEnginePage>
#include <QWebEngineProfile>
#include <QWebEngineView>

using namespace Qt::StringLiterals;

namespace forge::ui {

DevToolsWindow::DevToolsWindow(QWidget* parent)
    : QWidget(parent, Qt::Window)
    , m_view(new QWebEngineView(this))
    , m_page(new QWebEnginePage(QWebEngineProfile::defaultProfile(), this))
{
    setObjectName(u"previewDevTools"_s);
    setWindowTitle(tr("Preview developer tools"));
    resize(900, 640);
    m_view->setPage(m_page);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_view);
}

DevToolsWindow::~DevToolsWindow()
{
    if (QWebEnginePage* inspected = m_page->inspectedPage())
        inspected->setDevToolsPage(nullptr);
    delete m_view;
    delete m_page;
}

void DevToolsWindow::inspect(QWebEnginePage* inspected)
{
    if (m_page->inspectedPage() == inspected)
        return;
    if (inspected)
        inspected->setDevToolsPage(m_page);
    else
        m_page->setInspectedPage(nullptr);
}

void DevToolsWindow::closeEvent(QCloseEvent* event)
{
    QWidget::closeEvent(event);
    Q_EMIT closed();
}

} // namespace forge::ui
