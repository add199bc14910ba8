#include "ToolchainText.h"

#include <QCoreApplication>
#include <QStringList>

using namespace Qt::StringLiterals;

namespace forge::ui {

namespace {

QString tr(const char* text)
{
    return QCoreApplication::translate("ToolchainText", text);
}

// "Node ^18 (from .nvmrc)", "Node 20", "Node (system)".
QString nodeText(const ToolchainRequest& request)
{
    if (request.node.isEmpty())
        return tr("Node (system)");
    if (request.nodeSource.isEmpty())
        return tr("Node %1").arg(request.node);
    return tr("Node %1 (from %2)").arg(request.node, request.nodeSource);
}

// "pnpm 9.15.9 (from packageManager)", "Yarn (newest 4.x)", "npm (with Node)"; empty for a project
// with no package manager.
QString packageManagerText(const ToolchainRequest& request)
{
    if (request.packageManager == PackageManager::Npm)
        return tr("npm (with Node)");
    const std::optional<Tool> tool =
        ToolchainResolver::toolFor(request.packageManager, request.packageManagerVersion);
    if (!tool)
        return {};
    const QString name = displayName(*tool);
    if (request.packageManagerVersion.isEmpty())
        return tr("%1 (newest %2.x)").arg(name, ToolchainResolver::knownGoodRange(*tool));
    if (request.packageManagerSource.isEmpty())
        return tr("%1 %2").arg(name, request.packageManagerVersion);
    return tr("%1 %2 (from %3)").arg(name, request.packageManagerVersion, request.packageManagerSource);
}

} // namespace

QString requestedToolchainText(const RunPlan& plan)
{
    const ToolchainRequest request = ToolchainRequest::fromPlan(plan);
    QStringList parts{nodeText(request)};
    if (const QString packageManager = packageManagerText(request); !packageManager.isEmpty())
        parts << packageManager;
    return parts.join(u" · "_s);
}

QString toolchainText(const RunPlan& plan, const std::optional<ToolchainChoice>& chosen)
{
    return chosen ? chosen->summary() : requestedToolchainText(plan);
}

} // namespace forge::ui
