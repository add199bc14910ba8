#include "RunPlan.h"

#include <QJsonArray>
#include <QJsonValue>
#include <QRegularExpression>
#include <array>
#include <utility>

using namespace Qt::StringLiterals;

namespace forge {

namespace {

// Stable identifiers used in saved plans; never change one without a migration.
constexpr std::array packageManagerNames{
    std::pair{PackageManager::None, "none"},
    std::pair{PackageManager::Npm, "npm"},
    std::pair{PackageManager::Pnpm, "pnpm"},
    std::pair{PackageManager::YarnClassic, "yarn-classic"},
    std::pair{PackageManager::YarnBerry, "yarn-berry"},
    std::pair{PackageManager::Bun, "bun"},
};

constexpr std::array frameworkNames{
    std::pair{Framework::StaticHtml, "static-html"},
    std::pair{Framework::NodeServer, "node-server"},
    std::pair{Framework::NextJs, "nextjs"},
    std::pair{Framework::Vite, "vite"},
    std::pair{Framework::VueCli, "vue-cli"},
    std::pair{Framework::Nuxt, "nuxt"},
    std::pair{Framework::Astro, "astro"},
    std::pair{Framework::SvelteKit, "sveltekit"},
    std::pair{Framework::Angular, "angular"},
    std::pair{Framework::CreateReactApp, "create-react-app"},
};

constexpr std::array runModeNames{
    std::pair{RunMode::Dev, "dev"},
    std::pair{RunMode::Production, "production"},
};

template<typename Enum, std::size_t N>
QString nameOf(const std::array<std::pair<Enum, const char*>, N>& names, Enum value)
{
    for (const auto& [candidate, name] : names) {
        if (candidate == value)
            return QString::fromLatin1(name);
    }
    return {};
}

template<typename Enum, std::size_t N>
std::optional<Enum> valueOf(const std::array<std::pair<Enum, const char*>, N>& names, const QString& text)
{
    for (const auto& [candidate, name] : names) {
        if (text == QLatin1StringView(name))
            return candidate;
    }
    return std::nullopt;
}

QStringList replacePort(QStringList arguments, const QString& port)
{
    for (QString& argument : arguments)
        argument.replace(QLatin1StringView(RunPlan::PortPlaceholder), port);
    return arguments;
}

// Reads an optional string member; false (with `error` set) when present with another type.
bool readString(const QJsonObject& object, QLatin1StringView key, QString& out, QString* error)
{
    const QJsonValue value = object.value(key);
    if (value.isUndefined())
        return true;
    if (!value.isString()) {
        if (error)
            *error = u"Saved run plan: \"%1\" must be a string."_s.arg(key);
        return false;
    }
    out = value.toString();
    return true;
}

bool readStringList(const QJsonObject& object, QLatin1StringView key, QStringList& out, QString* error)
{
    const QJsonValue value = object.value(key);
    if (value.isUndefined())
        return true;
    const auto fail = [&] {
        if (error)
            *error = u"Saved run plan: \"%1\" must be an array of strings."_s.arg(key);
        return false;
    };
    if (!value.isArray())
        return fail();
    QStringList list;
    for (const QJsonValue item : value.toArray()) {
        if (!item.isString())
            return fail();
        list.append(item.toString());
    }
    out = list;
    return true;
}

bool readEnvironment(const QJsonObject& object, QMap<QString, QString>& out, QString* error)
{
    const QJsonValue value = object.value("environment"_L1);
    if (value.isUndefined())
        return true;
    if (!value.isObject()) {
        if (error)
            *error = u"Saved run plan: \"environment\" must be an object of strings."_s;
        return false;
    }
    // A name the shell could not export is a sign of a corrupted or tampered plan.
    static const QRegularExpression validName(u"\\A[A-Za-z_][A-Za-z0-9_]*\\z"_s);
    QMap<QString, QString> environment;
    const QJsonObject variables = value.toObject();
    for (auto it = variables.begin(); it != variables.end(); ++it) {
        if (!validName.match(it.key()).hasMatch()) {
            if (error)
                *error = u"Saved run plan: \"%1\" is not a valid environment variable name."_s.arg(it.key());
            return false;
        }
        if (!it.value().isString()) {
            if (error)
                *error = u"Saved run plan: environment variable \"%1\" must be a string."_s.arg(it.key());
            return false;
        }
        environment.insert(it.key(), it.value().toString());
    }
    out = environment;
    return true;
}

// projectDirectory is joined to the checkout path: it must stay inside it.
bool isSafeRelativeDirectory(const QString& directory)
{
    if (directory.isEmpty())
        return true;
    if (directory.startsWith(u'/') || directory.contains(u'\\') || directory.contains(QChar(0)))
        return false;
    const QStringList segments = directory.split(u'/');
    return !segments.contains(u".."_s);
}

} // namespace

// Names for people, as opposed to the stable identifiers above.
QString displayName(Framework framework)
{
    switch (framework) {
    case Framework::StaticHtml:
        return u"Static HTML"_s;
    case Framework::NodeServer:
        return u"Node.js server"_s;
    case Framework::NextJs:
        return u"Next.js"_s;
    case Framework::Vite:
        return u"Vite"_s;
    case Framework::VueCli:
        return u"Vue CLI"_s;
    case Framework::Nuxt:
        return u"Nuxt"_s;
    case Framework::Astro:
        return u"Astro"_s;
    case Framework::SvelteKit:
        return u"SvelteKit"_s;
    case Framework::Angular:
        return u"Angular"_s;
    case Framework::CreateReactApp:
        return u"Create React App"_s;
    }
    return {};
}

QString displayName(PackageManager pm)
{
    switch (pm) {
    case PackageManager::None:
        return {};
    case PackageManager::Npm:
        return u"npm"_s;
    case PackageManager::Pnpm:
        return u"pnpm"_s;
    case PackageManager::YarnClassic:
        return u"Yarn classic"_s;
    case PackageManager::YarnBerry:
        return u"Yarn Berry"_s;
    case PackageManager::Bun:
        return u"Bun"_s;
    }
    return {};
}

QString toString(PackageManager pm)
{
    return nameOf(packageManagerNames, pm);
}

QString toString(Framework framework)
{
    return nameOf(frameworkNames, framework);
}

QString toString(RunMode mode)
{
    return nameOf(runModeNames, mode);
}

std::optional<PackageManager> packageManagerFromString(const QString& text)
{
    return valueOf(packageManagerNames, text);
}

std::optional<Framework> frameworkFromString(const QString& text)
{
    return valueOf(frameworkNames, text);
}

std::optional<RunMode> runModeFromString(const QString& text)
{
    return valueOf(runModeNames, text);
}

QString RunPlan::summary() const
{
    QString text = displayName(framework);
    if (!frameworkVariant.isEmpty())
        text += u" ("_s + frameworkVariant + u')';
    if (packageManager != PackageManager::None)
        text += u" · "_s + displayName(packageManager);
    if (!projectDirectory.isEmpty())
        text += u" · "_s + projectDirectory;
    return text;
}

RunPlan RunPlan::withPort(int port) const
{
    const QString value = QString::number(port);
    RunPlan plan = *this;
    plan.installCommand = replacePort(plan.installCommand, value);
    plan.installFallbackCommand = replacePort(plan.installFallbackCommand, value);
    plan.devCommand = replacePort(plan.devCommand, value);
    plan.buildCommand = replacePort(plan.buildCommand, value);
    plan.startCommand = replacePort(plan.startCommand, value);
    for (auto it = plan.environment.begin(); it != plan.environment.end(); ++it)
        it.value().replace(QLatin1StringView(PortPlaceholder), value);
    return plan;
}

QJsonObject RunPlan::toJson() const
{
    QJsonObject environmentObject;
    for (auto it = environment.begin(); it != environment.end(); ++it)
        environmentObject.insert(it.key(), it.value());
    return QJsonObject{
        {u"version"_s, 1},
        {u"packageManager"_s, toString(packageManager)},
        {u"packageManagerVersion"_s, packageManagerVersion},
        {u"packageManagerVersionSource"_s, packageManagerVersionSource},
        {u"framework"_s, toString(framework)},
        {u"frameworkVariant"_s, frameworkVariant},
        {u"projectDirectory"_s, projectDirectory},
        {u"installCommand"_s, QJsonArray::fromStringList(installCommand)},
        {u"installFallbackCommand"_s, QJsonArray::fromStringList(installFallbackCommand)},
        {u"devCommand"_s, QJsonArray::fromStringList(devCommand)},
        {u"buildCommand"_s, QJsonArray::fromStringList(buildCommand)},
        {u"startCommand"_s, QJsonArray::fromStringList(startCommand)},
        {u"environment"_s, environmentObject},
        {u"expectedPort"_s, expectedPort},
        {u"nodeVersion"_s, nodeVersion},
        {u"nodeVersionSource"_s, nodeVersionSource},
        {u"notes"_s, QJsonArray::fromStringList(notes)},
    };
}

std::optional<RunPlan> RunPlan::fromJson(const QJsonObject& object, QString* error)
{
    const auto fail = [error](const QString& message) -> std::optional<RunPlan> {
        if (error)
            *error = message;
        return std::nullopt;
    };

    const QJsonValue version = object.value("version"_L1);
    if (!version.isUndefined() && (!version.isDouble() || version.toDouble() != 1.0))
        return fail(u"Saved run plan: unsupported \"version\" (expected 1)."_s);

    RunPlan plan;
    QString pmText;
    QString frameworkText;
    if (!readString(object, "packageManager"_L1, pmText, error) ||
        !readString(object, "framework"_L1, frameworkText, error))
        return std::nullopt;
    if (frameworkText.isEmpty())
        return fail(u"Saved run plan: \"framework\" is missing."_s);
    const auto framework = frameworkFromString(frameworkText);
    if (!framework)
        return fail(u"Saved run plan: unknown framework \"%1\"."_s.arg(frameworkText));
    plan.framework = *framework;
    if (!pmText.isEmpty()) {
        const auto pm = packageManagerFromString(pmText);
        if (!pm)
            return fail(u"Saved run plan: unknown package manager \"%1\"."_s.arg(pmText));
        plan.packageManager = *pm;
    }

    if (!readString(object, "packageManagerVersion"_L1, plan.packageManagerVersion, error) ||
        !readString(object, "packageManagerVersionSource"_L1, plan.packageManagerVersionSource, error) ||
        !readString(object, "frameworkVariant"_L1, plan.frameworkVariant, error) ||
        !readString(object, "projectDirectory"_L1, plan.projectDirectory, error) ||
        !readString(object, "nodeVersion"_L1, plan.nodeVersion, error) ||
        !readString(object, "nodeVersionSource"_L1, plan.nodeVersionSource, error) ||
        !readStringList(object, "installCommand"_L1, plan.installCommand, error) ||
        !readStringList(object, "installFallbackCommand"_L1, plan.installFallbackCommand, error) ||
        !readStringList(object, "devCommand"_L1, plan.devCommand, error) ||
        !readStringList(object, "buildCommand"_L1, plan.buildCommand, error) ||
        !readStringList(object, "startCommand"_L1, plan.startCommand, error) ||
        !readStringList(object, "notes"_L1, plan.notes, error) ||
        !readEnvironment(object, plan.environment, error))
        return std::nullopt;

    if (!isSafeRelativeDirectory(plan.projectDirectory))
        return fail(
            u"Saved run plan: \"projectDirectory\" must be a path inside the repository, got \"%1\"."_s.arg(
                plan.projectDirectory));

    const QJsonValue port = object.value("expectedPort"_L1);
    if (!port.isUndefined()) {
        const double number = port.toDouble(-1);
        if (!port.isDouble() || number != static_cast<double>(static_cast<int>(number)) || number < 1 ||
            number > 65535)
            return fail(u"Saved run plan: \"expectedPort\" must be a whole number from 1 to 65535."_s);
        plan.expectedPort = static_cast<int>(number);
    }
    return plan;
}

QStringList RunPlan::staticServerCommand(const QString& root, bool spaFallback)
{
    QStringList command{u"node"_s, u"-e"_s, staticServerScript(),
                        u"--"_s,   root,    QLatin1StringView(PortPlaceholder)};
    if (spaFallback)
        command.append(u"--spa"_s);
    return command;
}

namespace {

// The static file server that staticServerCommand() hands to `node -e`: script text, kept here as
// data rather than inside staticServerScript(). Node built-ins only, so it runs before (or without)
// any install. Arguments: <root> <port> [--spa].
constexpr char StaticServerJs[] = R"JS('use strict';
const http = require('http');
const fs = require('fs');
const path = require('path');

const [rootArg, portArg, mode] = process.argv.slice(1);
const fail = (message, code) => { console.error(message); process.exit(code); };
if (!rootArg || portArg === undefined) fail('usage: node -e <script> -- <root> <port> [--spa]', 2);
const port = Number(portArg);
if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`Invalid port "${portArg}": expected 0-65535.`, 2);
let root;
try {
  root = fs.realpathSync(path.resolve(rootArg));
  if (!fs.statSync(root).isDirectory()) throw new Error('not a directory');
} catch (error) {
  fail(`Cannot serve "${rootArg}": ${error.message}`, 2);
}
const spa = mode === '--spa';
const types = {
  '.html': 'text/html; charset=utf-8', '.htm': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8', '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8', '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml', '.png': 'image/png', '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg',
  '.gif': 'image/gif', '.webp': 'image/webp', '.ico': 'image/x-icon', '.avif': 'image/avif',
  '.woff': 'font/woff', '.woff2': 'font/woff2', '.ttf': 'font/ttf', '.otf': 'font/otf',
  '.wasm': 'application/wasm', '.xml': 'application/xml', '.webmanifest': 'application/manifest+json',
  '.mp4': 'video/mp4', '.webm': 'video/webm', '.mp3': 'audio/mpeg', '.pdf': 'application/pdf',
};
const inside = (file) => file === root || file.startsWith(root + path.sep);
const reply = (response, status, text, headers = {}) => {
  response.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', ...headers });
  response.end(text + '\n');
};
// A URL path to a regular file inside the root (directories give their index.html); symlinks are
// followed only while they stay inside the root. null when there is no such file.
const resolveFile = (urlPath) => {
  let file = path.resolve(root, '.' + urlPath);
  if (!inside(file)) return null;
  try {
    file = fs.realpathSync(file);
    if (!inside(file)) return null;
    let stat = fs.statSync(file);
    const directory = stat.isDirectory();
    if (directory) {
      file = fs.realpathSync(path.join(file, 'index.html'));
      if (!inside(file)) return null;
      stat = fs.statSync(file);
    }
    return stat.isFile() ? { file, size: stat.size, directory } : null;
  } catch {
    return null;
  }
};
const server = http.createServer((request, response) => {
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    return reply(response, 405, 'Method not allowed', { Allow: 'GET, HEAD' });
  }
  let urlPath;
  try {
    urlPath = decodeURIComponent(request.url.split(/[?#]/)[0]);
  } catch {
    return reply(response, 400, 'Bad request');
  }
  if (!urlPath.startsWith('/') || urlPath.includes('\0') || urlPath.split(/[\\/]/).includes('..')) {
    return reply(response, 403, 'Forbidden');
  }
  let found = resolveFile(urlPath);
  if (found && found.directory && !urlPath.endsWith('/')) {
    // Redirect so that the page's relative links resolve against the directory.
    response.writeHead(301, { Location: encodeURI(urlPath) + '/' });
    return response.end();
  }
  if (!found && spa && path.extname(urlPath) === '') found = resolveFile('/');
  if (!found) return reply(response, 404, 'Not found');
  response.writeHead(200, {
    'Content-Type': types[path.extname(found.file).toLowerCase()] || 'application/octet-stream',
    'Content-Length': found.size,
    'Cache-Control': 'no-cache',
    'X-Content-Type-Options': 'nosniff',
  });
  if (request.method === 'HEAD') return response.end();
  fs.createReadStream(found.file).on('error', () => response.destroy()).pipe(response);
});
server.on('error', (error) => {
  if (error.code === 'EADDRINUSE') fail(`Port ${port} is already in use: stop the other server or choose another port.`, 1);
  if (error.code === 'EACCES') fail(`Not allowed to listen on port ${port}: choose a port above 1023.`, 1);
  fail(`Static server failed: ${error.message}`, 1);
});
server.listen(port, '0.0.0.0', () => {
  console.log(`Serving ${rootArg} at http://0.0.0.0:${server.address().port}/`);
});
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => process.exit(0));
)JS";

} // namespace

QString RunPlan::staticServerScript()
{
    static const QString script = QString::fromUtf8(StaticServerJs);
    return script;
}

} // namespace forge
