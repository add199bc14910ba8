#include "RunsSettingsPage.h"

#include "ui/common/Theme.h"
#include "workflow/RunQueue.h"
#include "workflow/SandboxManager.h"

#include <QFormLayout>
#include <QLabel>
#include <QSettings>
#include <QSpinBox>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace forge::ui {

namespace {

int defaultCheckMinutes()
{
    using namespace std::chrono;
    return int(duration_cast<minutes>(SandboxManager::DefaultInterval).count());
}

} // namespace

RunsSettingsPage::RunsSettingsPage(QWidget* parent)
    : QWidget(parent)
{
    auto* layout = new QVBoxLayout(this);
    auto* form = new QFormLayout;
    m_maxConcurrent = new QSpinBox;
    m_maxConcurrent->setObjectName(u"maxConcurrentRuns"_s);
    m_maxConcurrent->setRange(1, 20);
    m_maxConcurrent->setToolTip(tr("Projects beyond this wait as queued and start in order"));
    form->addRow(tr("&Builds at once:"), m_maxConcurrent);

    m_checkInterval = new QSpinBox;
    m_checkInterval->setObjectName(u"checkIntervalMinutes"_s);
    m_checkInterval->setRange(1, 60);
    m_checkInterval->setSuffix(tr(" min"));
    m_checkInterval->setToolTip(tr("How often a live preview's sandbox and dev server are checked"));
    form->addRow(tr("&Check live previews every:"), m_checkInterval);
    layout->addLayout(form);

    auto* note = new QLabel(tr("A check reads the sandbox's state and asks the preview for a page without "
                               "keeping the sandbox awake. A dead dev server is started again; a stopped "
                               "sandbox is started; a sandbox that is gone is made again. After three "
                               "failed restores in a row the preview says why and offers Retry."));
    note->setWordWrap(true);
    QPalette palette = note->palette();
    palette.setColor(QPalette::WindowText, Theme::mutedTextColor());
    note->setPalette(palette);
    layout->addWidget(note);
    layout->addStretch(1);
    load();
}

void RunsSettingsPage::load()
{
    const QSettings settings;
    m_maxConcurrent->setValue(RunQueue::configuredLimit(settings));
    using namespace std::chrono;
    const auto interval = SandboxManager::configuredInterval(settings);
    m_checkInterval->setValue(int(std::max<qint64>(1, duration_cast<minutes>(interval).count())));
}

void RunsSettingsPage::save() const
{
    QSettings settings;
    settings.setValue(QString::fromLatin1(RunQueue::LimitKey), m_maxConcurrent->value());
    settings.setValue(QString::fromLatin1(SandboxManager::IntervalKey),
                      qint64(m_checkInterval->value()) * 60'000);
}

void RunsSettingsPage::restoreDefaults()
{
    m_maxConcurrent->setValue(RunQueue::DefaultLimit);
    m_checkInterval->setValue(defaultCheckMinutes());
}

int RunsSettingsPage::maxConcurrentRuns() const
{
    return m_maxConcurrent->value();
}

int RunsSettingsPage::checkIntervalMinutes() const
{
    return m_checkInterval->value();
}

} // namespace forge::ui
