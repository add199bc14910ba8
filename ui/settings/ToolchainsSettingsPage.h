#pragma once

#include <QPointer>
#include <QWidget>

class QLabel;
class QMessageBox;
class QPushButton;
class QSpinBox;
class QTreeView;

namespace forge {
class ToolCache;
struct ToolCacheEntry;
} // namespace forge

namespace forge::ui {

class ToolCacheModel;

// Settings > Toolchains: the Node.js and package-manager versions in the per-user tool cache, their
// sizes and last use, Remove (asks first; acts at once, not with OK) and the cache's size limit
// (stored with OK under ToolCacheSettings::SizeCapKey; AppContext::applySettings gives it to the
// cache). Follows the cache as runs add to it.
class ToolchainsSettingsPage final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ToolchainsSettingsPage)

public:
    explicit ToolchainsSettingsPage(ToolCache& cache, QWidget* parent = nullptr);

    void load();
    void save() const;
    void restoreDefaults();
    qint64 sizeCapBytes() const;

    // The Remove confirmation while it is open (tests answer it); null otherwise.
    QMessageBox* confirmation() const;
    // Why the last Remove failed (what and what to do); empty when it did not.
    QString errorText() const;

    static constexpr qint64 BytesPerGigabyte = qint64(1024) * 1024 * 1024;

public Q_SLOTS:
    // Asks whether to remove the selected entries and removes them when the user agrees.
    void removeSelected();

private:
    QWidget* createTable();
    QLayout* createActionRow();
    void updateState();
    void removeEntries(const QList<ToolCacheEntry>& entries);
    void openFolder();
    void showError(const QString& text);

    ToolCache& m_cache;
    ToolCacheModel* m_model = nullptr;
    QTreeView* m_view = nullptr;
    QLabel* m_empty = nullptr;
    QLabel* m_total = nullptr;
    QPushButton* m_remove = nullptr;
    QSpinBox* m_sizeCap = nullptr;
    QLabel* m_error = nullptr;
    QPointer<QMessageBox> m_confirmation;
};

} // namespace forge::ui
