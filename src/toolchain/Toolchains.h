#pragma once

#include "NpmRegistry.h"
#include "ToolCache.h"
#include "ToolchainResolver.h"

#include <QCoroTask>
#include <QDateTime>
#include <QHash>
#include <QObject>
#include <optional>

namespace forge {

// The tool cache as the runs use it: the registry the user's npm uses, the per-user cache, and
// the choice of versions for a run (ToolchainResolver) from the registry's metadata. That metadata
// is kept beside the cache for a day, so that choosing for a repository whose tools are cached
// costs no request; offline, a stale copy or the cache's own versions are used, and a tool that is
// missing is named.
class Toolchains final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(Toolchains)
public:
    static constexpr auto MetadataLifetime = std::chrono::hours(24);

    Toolchains(QString cacheRoot, const QUrl& registry, QObject* parent = nullptr);
    ~Toolchains() override;

    NpmRegistry& registry() { return *m_registry; }
    ToolCache& cache() { return *m_cache; }

    // The tools a run with `request` uses, given the Node.js version the sandbox has (what `node
    // --version` printed; nullopt when it has none). Throws forge::Failure saying what is missing.
    QCoro::Task<ToolchainChoice> choose(ToolchainRequest request, std::optional<QString> systemNode);

    // The package's metadata: remembered (MetadataLifetime), else from the registry, else (offline)
    // a stale copy or the versions in the cache. Throws when none of these has it.
    QCoro::Task<Packument> packument(QString name);

    // For tests and benchmarks: the date "lts/*" is resolved against.
    void setToday(QDate today) { m_today = today; }

private:
    QCoro::Task<> chooseNode(const ToolchainRequest& request, std::optional<QString> systemNode,
                             ToolchainChoice& choice);
    QCoro::Task<> choosePackageManager(const ToolchainRequest& request, ToolchainChoice& choice);
    QCoro::Task<> chooseNpm(const ToolchainRequest& request, ToolchainChoice& choice);
    std::optional<Packument> rememberedPackument(const QString& name, bool freshOnly) const;
    void remember(const Packument& packument);
    QString metadataPath(const QString& name) const;

    QString m_root;
    NpmRegistry* m_registry;
    ToolCache* m_cache;
    QDate m_today;
};

} // namespace forge
