#include "SourceChange.h"

#include "ProjectSnapshot.h"

#include <QRegularExpression>
#include <algorithm>

using namespace Qt::StringLiterals;

namespace forge {

namespace {

bool isInstallInput(const QString& path)
{
    const QStringList& folders = ProjectSnapshot::installInputFolders();
    const bool inFolder = std::any_of(folders.cbegin(), folders.cend(), [&path](const QString& folder) {
        return path == folder || path.startsWith(folder + u'/');
    });
    return inFolder || ProjectSnapshot::installInputFileNames().contains(path.section(u'/', -1));
}

// Files a dev server reads once, when it starts: the frameworks' configuration (vite.config.ts,
// next.config.mjs, angular.json…), TypeScript's, and .env files (the frameworks load them at start).
bool configuresDevServer(const QString& path)
{
    static const QRegularExpression config(
        u"^(?:(?:vite|vitest|next|nuxt|astro|svelte|vue|postcss|tailwind|webpack|babel)\\.config\\.[cm]?[jt]s"
        u"|angular\\.json|tsconfig(?:\\.[^/]*)?\\.json|jsconfig\\.json|\\.env(?:\\.[^/]*)?|\\.babelrc)$"_s);
    return config.match(path.section(u'/', -1)).hasMatch();
}

} // namespace

bool hasHotReload(Framework framework)
{
    switch (framework) {
    case Framework::NextJs:
    case Framework::Vite:
    case Framework::VueCli:
    case Framework::Nuxt:
    case Framework::Astro:
    case Framework::SvelteKit:
    case Framework::Angular:
    case Framework::CreateReactApp:
        return true;
    case Framework::StaticHtml:
    case Framework::NodeServer:
        return false;
    }
    return false;
}

QStringList installInputsAmong(const QList<SourceChange>& changes)
{
    QStringList inputs;
    for (const SourceChange& change : changes) {
        if (isInstallInput(change.path))
            inputs.append(change.path);
    }
    return inputs;
}

SourceUpdateAction sourceUpdateAction(const QList<SourceChange>& changes, const RunPlan& plan, RunMode mode)
{
    if (changes.isEmpty())
        return SourceUpdateAction::None;
    if (!installInputsAmong(changes).isEmpty() && !plan.installCommand.isEmpty())
        return SourceUpdateAction::Reinstall;
    if (plan.framework == Framework::StaticHtml)
        return SourceUpdateAction::ReloadPage;
    if (mode == RunMode::Production)
        return plan.buildCommand.isEmpty() ? SourceUpdateAction::RestartServer : SourceUpdateAction::Rebuild;
    const bool configChanged = std::any_of(changes.cbegin(), changes.cend(), [](const SourceChange& change) {
        return configuresDevServer(change.path);
    });
    if (hasHotReload(plan.framework) && !configChanged)
        return SourceUpdateAction::HotReload;
    return SourceUpdateAction::RestartServer;
}

} // namespace forge
