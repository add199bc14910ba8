#include "ToolPackages.h"

#include <QFile>
#include <QSysInfo>

using namespace Qt::StringLiterals;

namespace forge {
namespace {

// Node.js's names for this platform ("linux", "darwin", "win"; "x64", "arm64"), as its binary
// packages on npm use them.
QString nodePlatform()
{
    const QString kernel = QSysInfo::kernelType();
    if (kernel == u"linux"_s)
        return u"linux"_s;
    if (kernel == u"darwin"_s)
        return u"darwin"_s;
    if (kernel == u"winnt"_s)
        return u"win"_s;
    return {};
}

QString nodeArchitecture()
{
    const QString cpu = QSysInfo::currentCpuArchitecture();
    if (cpu == u"x86_64"_s)
        return u"x64"_s;
    if (cpu == u"arm64"_s)
        return u"arm64"_s;
    return {};
}

// Bun's x64 build needs AVX2; its "baseline" build runs on older processors.
bool hasAvx2()
{
    QFile cpuinfo(u"/proc/cpuinfo"_s);
    if (!cpuinfo.open(QIODevice::ReadOnly))
        return true; // not Linux: macOS and Windows builds check at run time
    return cpuinfo.readAll().contains(" avx2");
}

QString bunPackage()
{
    const QString platform = nodePlatform() == u"win"_s ? u"windows"_s : nodePlatform();
    const QString cpu = nodeArchitecture() == u"arm64"_s ? u"aarch64"_s : nodeArchitecture();
    if (platform.isEmpty() || cpu.isEmpty())
        return {};
    const QString baseline = cpu == u"x64"_s && !hasAvx2() ? u"-baseline"_s : QString();
    return u"@oven/bun-%1-%2%3"_s.arg(platform, cpu, baseline);
}

} // namespace

QString toString(Tool tool)
{
    switch (tool) {
    case Tool::Node:
        return u"node"_s;
    case Tool::Npm:
        return u"npm"_s;
    case Tool::Pnpm:
        return u"pnpm"_s;
    case Tool::YarnClassic:
    case Tool::YarnBerry:
        return u"yarn"_s;
    case Tool::Bun:
        return u"bun"_s;
    }
    return {};
}

QString displayName(Tool tool)
{
    switch (tool) {
    case Tool::Node:
        return u"Node.js"_s;
    case Tool::Npm:
        return u"npm"_s;
    case Tool::Pnpm:
        return u"pnpm"_s;
    case Tool::YarnClassic:
    case Tool::YarnBerry:
        return u"Yarn"_s;
    case Tool::Bun:
        return u"Bun"_s;
    }
    return {};
}

QString packageName(Tool tool)
{
    switch (tool) {
    case Tool::Node:
        if (nodePlatform().isEmpty() || nodeArchitecture().isEmpty())
            return {};
        return u"node-%1-%2"_s.arg(nodePlatform(), nodeArchitecture());
    case Tool::Npm:
        return u"npm"_s;
    case Tool::Pnpm:
        return u"pnpm"_s;
    case Tool::YarnClassic:
        return u"yarn"_s;
    case Tool::YarnBerry:
        return u"@yarnpkg/cli-dist"_s;
    case Tool::Bun:
        return bunPackage();
    }
    return {};
}

} // namespace forge
