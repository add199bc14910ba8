#include "RunPlanDetector.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonParseError>
#include <QRegularExpression>
#include <algorithm>
#include <functional>

using namespace Qt::StringLiterals;

namespace forge {

namespace {

const QString Port = QLatin1StringView(RunPlan::PortPlaceholder);
const QString AnyHost = u"0.0.0.0"_s;
// Long or hostile values quoted in notes are cut to this many characters.
constexpr qsizetype MaxQuotedLength = 80;

QString quoted(const QString& value)
{
    QString text = value;
    if (text.size() > MaxQuotedLength)
        text = text.left(MaxQuotedLength) + u'…';
    // Notes are shown as plain text, but keep control characters out of them anyway.
    for (QChar& c : text) {
        if (c.category() == QChar::Other_Control)
            c = u'?';
    }
    return u'"' + text + u'"';
}

QString describeType(const QJsonValue& value)
{
    switch (value.type()) {
    case QJsonValue::Null:
        return u"null"_s;
    case QJsonValue::Bool:
        return u"a boolean"_s;
    case QJsonValue::Double:
        return u"a number"_s;
    case QJsonValue::String:
        return u"a string"_s;
    case QJsonValue::Array:
        return u"an array"_s;
    case QJsonValue::Object:
        return u"an object"_s;
    case QJsonValue::Undefined:
        break;
    }
    return u"nothing"_s;
}

QByteArray withoutBom(const QByteArray& content)
{
    return content.startsWith("\xEF\xBB\xBF") ? content.mid(3) : content;
}

// ---------------------------------------------------------------------------------------------
// package.json, parsed and type-checked

struct PackageJson
{
    QString path; // e.g. "apps/web/package.json"
    QString name;
    QString main;
    QMap<QString, QString> scripts;
    QMap<QString, QString> dependencies; // dependencies and devDependencies together
    QString packageManager;
    QString enginesNode;
    QString voltaNode;
    bool hasWorkspaces = false;

    bool hasDependency(const QString& dependency) const { return dependencies.contains(dependency); }
    bool hasAnyDependency(std::initializer_list<QString> names) const
    {
        return std::any_of(names.begin(), names.end(), [this](const QString& n) { return hasDependency(n); });
    }
};

DetectionError packageJsonError(const QString& path, const QString& problem)
{
    return DetectionError{
        path + u": "_s + problem,
        u"Fix %1 in the repository (npm would reject it as well) and run the preview again, or edit the "
        u"run plan by hand."_s.arg(path),
    };
}

DetectionError syntaxError(const QString& path, const QByteArray& content, int bomLength,
                           const QJsonParseError& parseError)
{
    if (parseError.error == QJsonParseError::DeepNesting)
        return packageJsonError(path, u"the JSON is nested too deeply to be read (more levels of arrays or "
                                      u"objects than any package.json needs)."_s);
    const qsizetype offset =
        std::clamp<qsizetype>(qsizetype(parseError.offset) + bomLength, 0, content.size());
    const QByteArray before = content.left(offset);
    const qsizetype line = before.count('\n') + 1;
    const qsizetype column = offset - (before.lastIndexOf('\n') + 1) + 1;
    return packageJsonError(path, u"not valid JSON: %1 at line %2, column %3 (byte offset %4)."_s.arg(
                                      parseError.errorString(), QString::number(line),
                                      QString::number(column), QString::number(offset)));
}

std::optional<DetectionError> readOptionalString(const QJsonObject& object, const QString& path,
                                                 const QString& key, QString& out)
{
    const QJsonValue value = object.value(key);
    if (value.isUndefined())
        return std::nullopt;
    if (!value.isString())
        return packageJsonError(path, u"\"%1\" must be a string, found %2."_s.arg(key, describeType(value)));
    out = value.toString();
    return std::nullopt;
}

// An object whose values are all strings (scripts, dependencies); `values` says what the values are,
// `value` what one of them is.
std::optional<DetectionError> readStringMap(const QJsonObject& object, const QString& path,
                                            const QString& key, const QString& values, const QString& value,
                                            QMap<QString, QString>& out)
{
    const QJsonValue member = object.value(key);
    if (member.isUndefined())
        return std::nullopt;
    if (!member.isObject())
        return packageJsonError(path, u"\"%1\" must be an object mapping names to %2, found %3."_s.arg(
                                          key, values, describeType(member)));
    const QJsonObject map = member.toObject();
    for (auto it = map.begin(); it != map.end(); ++it) {
        if (!it.value().isString())
            return packageJsonError(path, u"\"%1\" → %2 must be a string (%3), found %4."_s.arg(
                                              key, quoted(it.key()), value, describeType(it.value())));
        out.insert(it.key(), it.value().toString());
    }
    return std::nullopt;
}

// `engines.node` and `volta.node`: the container must be an object, `node` a string.
std::optional<DetectionError> readNodeField(const QJsonObject& object, const QString& path,
                                            const QString& key, QString& out)
{
    const QJsonValue value = object.value(key);
    if (value.isUndefined())
        return std::nullopt;
    if (!value.isObject())
        return packageJsonError(path, u"\"%1\" must be an object, found %2."_s.arg(key, describeType(value)));
    const QJsonValue node = value.toObject().value("node"_L1);
    if (node.isUndefined())
        return std::nullopt;
    if (!node.isString())
        return packageJsonError(path,
                                u"\"%1.node\" must be a string, found %2."_s.arg(key, describeType(node)));
    out = node.toString();
    return std::nullopt;
}

std::optional<DetectionError> readWorkspaces(const QJsonObject& object, const QString& path,
                                             bool& hasWorkspaces)
{
    QJsonValue value = object.value("workspaces"_L1);
    if (value.isUndefined())
        return std::nullopt;
    if (value.isObject())
        value = value.toObject().value("packages"_L1);
    const bool valid = value.isArray() && std::all_of(value.toArray().begin(), value.toArray().end(),
                                                      [](const QJsonValue& item) { return item.isString(); });
    if (!valid)
        return packageJsonError(path, u"\"workspaces\" must be an array of folder patterns or an object with "
                                      u"a \"packages\" array, found %1."_s.arg(describeType(value)));
    hasWorkspaces = !value.toArray().isEmpty();
    return std::nullopt;
}

std::variant<PackageJson, DetectionError> parsePackageJson(const ProjectSnapshot& snapshot,
                                                           const QString& path)
{
    if (!snapshot.isReadable(path))
        return DetectionError{
            path +
                u" could not be read: it is larger than %1 MB or not a readable file inside the repository."_s
                    .arg(ProjectSnapshot::MaxFileSize / (1024 * 1024)),
            u"A package.json is a few kilobytes: check that the file in the repository is the real manifest "
            u"(not generated data or a symlink out of the repository)."_s,
        };
    const QByteArray raw = snapshot.content(path);
    const QByteArray content = withoutBom(raw);
    if (content.trimmed().isEmpty())
        return packageJsonError(path, u"the file is empty."_s);

    QJsonParseError parseError{};
    const QJsonDocument document = QJsonDocument::fromJson(content, &parseError);
    if (parseError.error != QJsonParseError::NoError)
        return syntaxError(path, raw, int(raw.size() - content.size()), parseError);
    if (!document.isObject())
        return packageJsonError(path, u"the top level must be a JSON object, found %1."_s.arg(
                                          document.isArray() ? u"an array"_s : u"a plain value"_s));

    const QJsonObject object = document.object();
    PackageJson package;
    package.path = path;
    const std::optional<DetectionError> errors[] = {
        readOptionalString(object, path, u"name"_s, package.name),
        readOptionalString(object, path, u"main"_s, package.main),
        readOptionalString(object, path, u"packageManager"_s, package.packageManager),
        readStringMap(object, path, u"scripts"_s, u"commands"_s, u"a command"_s, package.scripts),
        readStringMap(object, path, u"dependencies"_s, u"version ranges"_s, u"a version range"_s,
                      package.dependencies),
        readStringMap(object, path, u"devDependencies"_s, u"version ranges"_s, u"a version range"_s,
                      package.dependencies),
        readNodeField(object, path, u"engines"_s, package.enginesNode),
        readNodeField(object, path, u"volta"_s, package.voltaNode),
        readWorkspaces(object, path, package.hasWorkspaces),
    };
    for (const auto& error : errors) {
        if (error)
            return *error;
    }
    return package;
}

// ---------------------------------------------------------------------------------------------
// Scripts

// The commands of a script body, each split into words (shell quoting is not interpreted: we only
// look for well-known binaries, we never run the text ourselves).
QList<QStringList> scriptCommands(const QString& body)
{
    static const QRegularExpression separators(u"&&|\\|\\||[;&|\\n]"_s);
    static const QRegularExpression spaces(u"\\s+"_s);
    QList<QStringList> commands;
    for (const QString& part : body.split(separators, Qt::SkipEmptyParts)) {
        QStringList words = part.split(spaces, Qt::SkipEmptyParts);
        for (QString& word : words) {
            word.remove(u'"');
            word.remove(u'\'');
        }
        if (!words.isEmpty())
            commands.append(words);
    }
    return commands;
}

// Whether the script's last command runs `binary` with one of `subcommands` (or bare, when
// `bareToo`): e.g. "vite", "vite dev --open", "tsc && next dev", "./node_modules/.bin/vite". Only
// the last command counts because that is where the options we append end up.
bool runsBinary(const QString& body, const QStringList& binaries, const QStringList& subcommands,
                bool bareToo)
{
    const QList<QStringList> commands = scriptCommands(body);
    if (commands.isEmpty())
        return false;
    const QStringList& words = commands.last();
    for (qsizetype i = 0; i < words.size(); ++i) {
        const QString binary = words[i].section(u'/', -1);
        if (!binaries.contains(binary))
            continue;
        const QString next = i + 1 < words.size() ? words[i + 1] : QString();
        if (subcommands.contains(next) || (bareToo && (next.isEmpty() || next.startsWith(u'-'))))
            return true;
    }
    return false;
}

// Script names we are willing to put into a command line: nothing that could read as an option.
bool isPlainScriptName(const QString& name)
{
    static const QRegularExpression plain(u"\\A[A-Za-z0-9][A-Za-z0-9_:.-]{0,63}\\z"_s);
    return plain.match(name).hasMatch();
}

// The first script, preferred names first and then any other in name order, whose body satisfies
// `accepts`; empty when none does.
QString findScript(const PackageJson& package, const QStringList& preferred,
                   const std::function<bool(const QString&)>& accepts)
{
    for (const QString& name : preferred) {
        if (package.scripts.contains(name) && accepts(package.scripts.value(name)))
            return name;
    }
    for (auto it = package.scripts.begin(); it != package.scripts.end(); ++it) {
        if (isPlainScriptName(it.key()) && accepts(it.value()))
            return it.key();
    }
    return {};
}

// Scripts of a monorepo root that only fan out to the workspace packages.
bool isWorkspaceOrchestrator(const QString& body)
{
    static const QRegularExpression pattern(
        u"(^|[\\s;&|(])(turbo|nx|lerna|concurrently|npm-run-all|run-p|run-s|wireit)(\\s|$)"
        u"|\\s(-r|--recursive|--filter|-F|--workspaces?|-w|-ws|--parallel)(\\s|=|$)"
        u"|\\byarn\\s+workspaces?\\b"_s);
    return pattern.match(body).hasMatch();
}

// ---------------------------------------------------------------------------------------------
// Package manager

struct PackageManagerChoice
{
    PackageManager manager = PackageManager::Npm;
    QString version;       // exact from the packageManager field, else a range from the lockfile
    QString versionSource; // "packageManager", "pnpm-lock.yaml", "yarn.lock", "bun.lock", "bun.lockb"
    bool hasLockfile = false;
};

QStringList lockfilesOf(PackageManager pm)
{
    switch (pm) {
    case PackageManager::Npm:
        return {u"package-lock.json"_s, u"npm-shrinkwrap.json"_s};
    case PackageManager::Pnpm:
        return {u"pnpm-lock.yaml"_s};
    case PackageManager::YarnClassic:
    case PackageManager::YarnBerry:
        return {u"yarn.lock"_s};
    case PackageManager::Bun:
        return {u"bun.lockb"_s, u"bun.lock"_s};
    case PackageManager::None:
        break;
    }
    return {};
}

bool hasLockfile(const ProjectSnapshot& snapshot, PackageManager pm)
{
    const QStringList files = lockfilesOf(pm);
    return std::any_of(files.begin(), files.end(),
                       [&](const QString& file) { return snapshot.contains(file); });
}

// Yarn 2+ ("berry") keeps its settings in .yarnrc.yml and writes a `__metadata:` block in yarn.lock.
bool looksLikeYarnBerry(const ProjectSnapshot& snapshot)
{
    return snapshot.contains(u".yarnrc.yml"_s) || snapshot.content(u"yarn.lock"_s).contains("\n__metadata:");
}

// The pnpm majors that write a pnpm-lock.yaml `lockfileVersion`; empty for one we do not know.
QString pnpmRangeForLockfile(const ProjectSnapshot& snapshot)
{
    static const QRegularExpression field(u"^lockfileVersion:\\s*['\"]?([0-9.]+)['\"]?\\s*$"_s,
                                          QRegularExpression::MultilineOption);
    const QString text = QString::fromUtf8(withoutBom(snapshot.content(u"pnpm-lock.yaml"_s)));
    const QString version = field.match(text).captured(1);
    static const QMap<QString, QString> majors{
        {u"5.3"_s, u"6"_s}, {u"5.4"_s, u"7"_s},       {u"6.0"_s, u"8"_s},
        {u"6.1"_s, u"8"_s}, {u"7.0"_s, u">=9 <11"_s}, {u"9.0"_s, u">=9 <11"_s},
    };
    return majors.value(version);
}

// The Yarn majors that write a yarn.lock: `# yarn lockfile v1` is Yarn 1; Yarn 2+ writes
// `__metadata: version: N`. Empty for a format we do not know.
QString yarnRangeForLockfile(const ProjectSnapshot& snapshot)
{
    const QString text = QString::fromUtf8(withoutBom(snapshot.content(u"yarn.lock"_s)));
    static const QRegularExpression metadata(
        u"^__metadata:\\s*\\n(?:[ \\t]+.*\\n)*?[ \\t]+version:\\s*['\"]?([0-9]+)"_s,
        QRegularExpression::MultilineOption);
    const QRegularExpressionMatch match = metadata.match(text);
    if (!match.hasMatch())
        return text.contains(u"# yarn lockfile v1"_s) ? u"1"_s : QString();
    const int version = match.captured(1).toInt();
    if (version == 4)
        return u"2"_s;
    if (version == 5 || version == 6)
        return u"3"_s;
    if (version == 7 || version == 8)
        return u"4"_s;
    return {};
}

// When package.json does not pin the package manager, the lockfile still tells which majors wrote
// it (and can read it back with a frozen install). Only the files' text is read.
void versionFromLockfile(const ProjectSnapshot& snapshot, PackageManagerChoice& choice)
{
    switch (choice.manager) {
    case PackageManager::Pnpm:
        choice.version = pnpmRangeForLockfile(snapshot);
        choice.versionSource = u"pnpm-lock.yaml"_s;
        break;
    case PackageManager::YarnClassic:
    case PackageManager::YarnBerry: {
        const QString range = yarnRangeForLockfile(snapshot);
        // A classic lockfile in a project set up for Berry (.yarnrc.yml) is one Berry migrates;
        // it says nothing about which Berry to use.
        const bool classicLock = range == u"1"_s;
        if (classicLock == (choice.manager == PackageManager::YarnClassic))
            choice.version = range;
        choice.versionSource = u"yarn.lock"_s;
        break;
    }
    case PackageManager::Bun:
        // bun.lock (text) arrived with Bun 1.2; bun.lockb is what every Bun 1 reads.
        choice.version = snapshot.contains(u"bun.lock"_s) ? u">=1.2"_s : u"1"_s;
        choice.versionSource = snapshot.contains(u"bun.lock"_s) ? u"bun.lock"_s : u"bun.lockb"_s;
        break;
    case PackageManager::Npm:
    case PackageManager::None:
        break;
    }
    if (choice.version.isEmpty())
        choice.versionSource.clear();
}

PackageManagerChoice choosePackageManager(const ProjectSnapshot& snapshot, const PackageJson& root,
                                          QStringList& notes)
{
    PackageManagerChoice choice;
    bool fromField = false;
    if (!root.packageManager.isEmpty()) {
        static const QRegularExpression valid(
            u"\\A(npm|pnpm|yarn|bun)@(\\d+)\\.\\d+\\.\\d+([-+][\\w.]+)?\\z"_s);
        const QRegularExpressionMatch match = valid.match(root.packageManager);
        if (match.hasMatch()) {
            const QString name = match.captured(1);
            fromField = true;
            choice.version = root.packageManager.mid(name.size() + 1);
            choice.versionSource = u"packageManager"_s;
            if (name == u"npm"_s)
                choice.manager = PackageManager::Npm;
            else if (name == u"pnpm"_s)
                choice.manager = PackageManager::Pnpm;
            else if (name == u"bun"_s)
                choice.manager = PackageManager::Bun;
            else
                choice.manager =
                    match.captured(2).toInt() >= 2 ? PackageManager::YarnBerry : PackageManager::YarnClassic;
        } else {
            notes.append(u"Ignored the packageManager field %1 in package.json: it is not of the form "
                         u"<npm|pnpm|yarn|bun>@<major.minor.patch>."_s.arg(quoted(root.packageManager)));
        }
    }

    // Lockfiles, the non-npm ones first: a stale package-lock.json next to another manager's
    // lockfile is a common leftover, the opposite is rare.
    QList<PackageManager> found;
    if (hasLockfile(snapshot, PackageManager::Pnpm))
        found.append(PackageManager::Pnpm);
    if (hasLockfile(snapshot, PackageManager::Bun))
        found.append(PackageManager::Bun);
    if (snapshot.contains(u"yarn.lock"_s))
        found.append(looksLikeYarnBerry(snapshot) ? PackageManager::YarnBerry : PackageManager::YarnClassic);
    if (hasLockfile(snapshot, PackageManager::Npm))
        found.append(PackageManager::Npm);

    if (!fromField) {
        if (!found.isEmpty())
            choice.manager = found.first();
        else if (snapshot.contains(u".yarnrc.yml"_s))
            choice.manager = PackageManager::YarnBerry;
        if (found.size() > 1)
            notes.append(u"Several lockfiles were found; using %1. Remove the others from the repository "
                         u"to make this unambiguous."_s.arg(toString(choice.manager)));
    } else if (!found.isEmpty() && !hasLockfile(snapshot, choice.manager)) {
        notes.append(
            u"package.json's packageManager field says %1, which wins over the lockfile of %2."_s.arg(
                root.packageManager, toString(found.first())));
    }
    choice.hasLockfile = hasLockfile(snapshot, choice.manager);
    if (!fromField && choice.hasLockfile)
        versionFromLockfile(snapshot, choice);
    return choice;
}

QString packageManagerCommand(PackageManager pm)
{
    switch (pm) {
    case PackageManager::Pnpm:
        return u"pnpm"_s;
    case PackageManager::YarnClassic:
    case PackageManager::YarnBerry:
        return u"yarn"_s;
    case PackageManager::Bun:
        return u"bun"_s;
    case PackageManager::None:
    case PackageManager::Npm:
        break;
    }
    return u"npm"_s;
}

QStringList frozenInstall(PackageManager pm)
{
    switch (pm) {
    case PackageManager::Npm:
        return {u"npm"_s, u"ci"_s};
    case PackageManager::YarnBerry:
        return {u"yarn"_s, u"install"_s, u"--immutable"_s};
    case PackageManager::Pnpm:
    case PackageManager::YarnClassic:
    case PackageManager::Bun:
        return {packageManagerCommand(pm), u"install"_s, u"--frozen-lockfile"_s};
    case PackageManager::None:
        break;
    }
    return {};
}

QStringList plainInstall(PackageManager pm)
{
    return {packageManagerCommand(pm), u"install"_s};
}

// `<pm> run <script> <args>`: npm needs `--` before the script's own options; pnpm 7+, yarn and bun
// pass everything after the script name through (pnpm would forward a `--` verbatim, and Vite or
// Next would then ignore the options after it).
QStringList runScript(PackageManager pm, const QString& script, const QStringList& arguments = {})
{
    QStringList command{packageManagerCommand(pm), u"run"_s, script};
    if (!arguments.isEmpty() && (pm == PackageManager::Npm || pm == PackageManager::None))
        command.append(u"--"_s);
    return command + arguments;
}

// Runs a binary installed in node_modules/.bin when the project has no script for it.
QStringList execBinary(PackageManager pm, const QString& binary, const QStringList& arguments = {})
{
    switch (pm) {
    case PackageManager::Pnpm:
        return QStringList{u"pnpm"_s, u"exec"_s, binary} + arguments;
    case PackageManager::YarnClassic:
    case PackageManager::YarnBerry:
        return QStringList{u"yarn"_s, u"run"_s, binary} + arguments;
    case PackageManager::Bun:
        return QStringList{u"bun"_s, u"run"_s, binary} + arguments;
    case PackageManager::None:
    case PackageManager::Npm:
        break;
    }
    return QStringList{u"npm"_s, u"exec"_s, u"--"_s, binary} + arguments;
}

// ---------------------------------------------------------------------------------------------
// Node.js version

std::optional<QString> plausibleNodeVersion(const QString& text)
{
    static const QRegularExpression allowed(u"\\A[0-9A-Za-z.*^~<>=|/ xX-]{1,64}\\z"_s);
    static const QRegularExpression alias(u"\\A(lts/[A-Za-z*-]+|node|stable|latest|current)\\z"_s);
    static const QRegularExpression digit(u"[0-9]"_s);
    if (!allowed.match(text).hasMatch())
        return std::nullopt;
    if (!digit.match(text).hasMatch() && !alias.match(text).hasMatch())
        return std::nullopt;
    return text;
}

// .nvmrc / .node-version: the first line that is not empty or a comment.
QString versionFileValue(const QByteArray& content)
{
    const QStringList lines = QString::fromUtf8(withoutBom(content)).split(u'\n');
    for (QString line : lines) {
        line = line.section(u'#', 0, 0).trimmed();
        if (!line.isEmpty())
            return line;
    }
    return {};
}

struct NodeVersion
{
    QString value;
    QString source; // ".nvmrc", "package.json engines.node", …; empty when value is
};

NodeVersion detectNodeVersion(const ProjectSnapshot& snapshot, const QList<const PackageJson*>& packages,
                              QStringList& notes)
{
    struct Source
    {
        QString label;
        QString value;
    };
    QList<Source> sources;
    for (const QString& file : {u".nvmrc"_s, u".node-version"_s}) {
        if (!snapshot.contains(file))
            continue;
        if (!snapshot.isReadable(file)) {
            notes.append(u"Ignored %1: the file could not be read."_s.arg(file));
            continue;
        }
        sources.append({file, versionFileValue(snapshot.content(file))});
    }
    for (const PackageJson* package : packages) {
        if (!package->enginesNode.isNull())
            sources.append({package->path + u" engines.node"_s, package->enginesNode.trimmed()});
    }
    for (const PackageJson* package : packages) {
        if (!package->voltaNode.isNull())
            sources.append({package->path + u" volta.node"_s, package->voltaNode.trimmed()});
    }
    for (const Source& source : sources) {
        if (const auto version = plausibleNodeVersion(source.value))
            return {*version, source.label};
        notes.append(u"Ignored the Node.js version %1 from %2: not a version or version range."_s.arg(
            quoted(source.value), source.label));
    }
    return {};
}

// ---------------------------------------------------------------------------------------------
// Frameworks

struct FrameworkMatch
{
    Framework framework = Framework::NodeServer;
    QString variant;
    bool nuxt2 = false;
};

QString viteVariant(const PackageJson& package)
{
    // Plugins first: they say what the template is; the libraries alone can be incidental.
    const QList<std::pair<QStringList, QString>> byPlugin{
        {{u"@preact/preset-vite"_s}, u"Preact"_s},
        {{u"vite-plugin-solid"_s}, u"Solid"_s},
        {{u"@sveltejs/vite-plugin-svelte"_s}, u"Svelte"_s},
        {{u"@vitejs/plugin-vue"_s, u"@vitejs/plugin-vue-jsx"_s}, u"Vue"_s},
        {{u"@vitejs/plugin-react"_s, u"@vitejs/plugin-react-swc"_s}, u"React"_s},
    };
    const QList<std::pair<QStringList, QString>> byLibrary{
        {{u"preact"_s}, u"Preact"_s}, {{u"solid-js"_s}, u"Solid"_s}, {{u"svelte"_s}, u"Svelte"_s},
        {{u"vue"_s}, u"Vue"_s},       {{u"react"_s}, u"React"_s},    {{u"lit"_s}, u"Lit"_s},
    };
    for (const auto* table : {&byPlugin, &byLibrary}) {
        for (const auto& [names, variant] : *table) {
            if (std::any_of(names.begin(), names.end(),
                            [&](const QString& n) { return package.hasDependency(n); }))
                return variant;
        }
    }
    return u"Vanilla"_s;
}

bool isNuxt2(const PackageJson& package)
{
    static const QRegularExpression major2(u"\\A[\\^~>=v ]*2(\\.|\\z)"_s);
    return package.hasDependency(u"nuxt"_s) && major2.match(package.dependencies.value(u"nuxt"_s)).hasMatch();
}

bool scriptsRun(const PackageJson& package, const QStringList& binaries, const QStringList& subcommands)
{
    return std::any_of(package.scripts.begin(), package.scripts.end(),
                       [&](const QString& body) { return runsBinary(body, binaries, subcommands, false); });
}

// Meta-frameworks first: SvelteKit, Astro and Nuxt depend on Vite, Next on React.
std::optional<FrameworkMatch> detectFramework(const PackageJson& package)
{
    if (package.hasDependency(u"next"_s))
        return FrameworkMatch{Framework::NextJs, {}, false};
    if (package.hasAnyDependency({u"nuxt"_s, u"nuxt3"_s}))
        return FrameworkMatch{Framework::Nuxt, {}, isNuxt2(package)};
    if (package.hasDependency(u"astro"_s))
        return FrameworkMatch{Framework::Astro, {}, false};
    if (package.hasDependency(u"@sveltejs/kit"_s))
        return FrameworkMatch{Framework::SvelteKit, {}, false};
    if (package.hasDependency(u"@angular/core"_s) &&
        (package.hasDependency(u"@angular/cli"_s) || scriptsRun(package, {u"ng"_s}, {u"serve"_s, u"s"_s})))
        return FrameworkMatch{Framework::Angular, {}, false};
    if (package.hasDependency(u"@vue/cli-service"_s))
        return FrameworkMatch{Framework::VueCli, {}, false};
    if (package.hasDependency(u"react-scripts"_s))
        return FrameworkMatch{Framework::CreateReactApp, {}, false};
    if (package.hasDependency(u"vite"_s))
        return FrameworkMatch{Framework::Vite, viteVariant(package), false};
    return std::nullopt;
}

bool hasNodeServerDependency(const PackageJson& package)
{
    return package.hasAnyDependency({u"express"_s, u"fastify"_s, u"koa"_s, u"@hapi/hapi"_s, u"hono"_s,
                                     u"@nestjs/core"_s, u"polka"_s, u"restify"_s});
}

const QStringList DevScriptNames{u"dev"_s, u"develop"_s, u"serve"_s, u"start"_s};

// A script that starts something on its own (not an orchestrator fanning out to workspaces when
// `monorepoRoot`): the generic "Node.js server" case.
QString genericServerScript(const PackageJson& package, bool monorepoRoot)
{
    for (const QString& name : DevScriptNames) {
        if (package.scripts.contains(name) &&
            !(monorepoRoot && isWorkspaceOrchestrator(package.scripts.value(name))))
            return name;
    }
    return {};
}

// A path from package.json's `main`, accepted when it is plainly a file inside the project.
QString safeMainPath(const QString& main)
{
    static const QRegularExpression plain(u"\\A[A-Za-z0-9_./@-]{1,200}\\z"_s);
    QString path = main.trimmed();
    while (path.startsWith(u"./"_s))
        path.remove(0, 2);
    if (!plain.match(path).hasMatch() || path.startsWith(u'/') || path.startsWith(u'-') ||
        path.split(u'/').contains(u".."_s))
        return {};
    return path;
}

// The file `node` should run for a server without scripts: `main`, else a conventional name.
QString nodeEntryPoint(const ProjectSnapshot& snapshot, const PackageJson& package, const QString& directory)
{
    if (const QString main = safeMainPath(package.main); !main.isEmpty())
        return main;
    for (const QString& name : {u"server.js"_s, u"index.js"_s, u"app.js"_s, u"main.js"_s}) {
        if (snapshot.contains(directory.isEmpty() ? name : directory + u'/' + name))
            return name;
    }
    return {};
}

// ---------------------------------------------------------------------------------------------
// Plans

struct PackageContext
{
    const ProjectSnapshot& snapshot;
    const PackageJson& package;
    QString directory; // relative to the repository root, empty for the root
    PackageManager pm;
    bool monorepoRoot = false;

    QString file(const QString& name) const { return directory.isEmpty() ? name : directory + u'/' + name; }
};

// How a framework's CLI is found in scripts and run when no script runs it.
struct Cli
{
    QStringList binaries;    // names of the executable in node_modules/.bin
    QStringList subcommands; // e.g. {"dev"}
    bool bareToo = false;    // `vite` alone starts the dev server
    QString fallbackBinary;
    QStringList fallbackSubcommand;
};

// `<pm> run <script> <arguments>` for the script that runs `cli`, else the CLI through the
// package manager's exec.
QStringList commandFor(const PackageContext& context, const QStringList& preferredScripts, const Cli& cli,
                       const QStringList& arguments, QStringList& notes, const QString& purpose)
{
    const QString script = findScript(context.package, preferredScripts, [&](const QString& body) {
        return runsBinary(body, cli.binaries, cli.subcommands, cli.bareToo);
    });
    if (!script.isEmpty())
        return runScript(context.pm, script, arguments);
    notes.append(u"No script runs `%1` for the %2; running it directly."_s.arg(
        (QStringList{cli.fallbackBinary} + cli.fallbackSubcommand).join(u' '), purpose));
    return execBinary(context.pm, cli.fallbackBinary, cli.fallbackSubcommand + arguments);
}

QStringList buildFor(const PackageContext& context, const QString& binary, const QStringList& subcommand)
{
    if (context.package.scripts.contains(u"build"_s))
        return runScript(context.pm, u"build"_s);
    if (binary.isEmpty())
        return {};
    return execBinary(context.pm, binary, subcommand);
}

const QStringList HostPort{u"--host"_s, AnyHost, u"--port"_s, Port};

const QString ViteHostNote =
    u"Vite 5.4.12/6.0.9 and later answer \"Blocked request\" (403) for host names not in "
    u"server.allowedHosts: "
    u"a preview behind a proxy needs the proxy's host allowed (vite.config server.allowedHosts, or the "
    u"environment variable __VITE_ADDITIONAL_SERVER_ALLOWED_HOSTS=<preview host> at start time)."_s;

QString angularOutputDirectory(const PackageContext& context, QStringList& notes)
{
    static const QRegularExpression newBuilder(u":(application|browser-esbuild)\\z"_s);
    const QString fallbackBase = u"dist/"_s + context.package.name.section(u'/', -1);
    const QJsonDocument document =
        QJsonDocument::fromJson(withoutBom(context.snapshot.content(context.file(u"angular.json"_s))));
    const QJsonObject projects = document.object().value("projects"_L1).toObject();
    for (auto it = projects.begin(); it != projects.end(); ++it) {
        const QJsonObject project = it.value().toObject();
        if (project.value("projectType"_L1).toString() != u"application"_s)
            continue;
        const QJsonObject build = project.value("architect"_L1).toObject().value("build"_L1).toObject();
        const QJsonValue outputPath = build.value("options"_L1).toObject().value("outputPath"_L1);
        const bool application = newBuilder.match(build.value("builder"_L1).toString()).hasMatch();
        QString base = u"dist/"_s + it.key();
        QString browser = application ? u"browser"_s : QString();
        if (outputPath.isString()) {
            base = outputPath.toString();
        } else if (outputPath.isObject()) {
            base = outputPath.toObject().value("base"_L1).toString(base);
            browser = outputPath.toObject().value("browser"_L1).toString(browser);
        }
        const QString directory = safeMainPath(browser.isEmpty() ? base : base + u'/' + browser);
        if (!directory.isEmpty())
            return directory;
    }
    notes.append(u"angular.json gives no usable output path; serving %1 in production."_s.arg(fallbackBase));
    return fallbackBase;
}

// The scripts that serve a production build, in the order they are tried.
const QStringList PreviewScripts{u"preview"_s, u"start"_s, u"serve"_s};

// The commands of one framework, filled into `plan` (one function per framework below).
void fillNextJs(const PackageContext& context, RunPlan& plan, QStringList& notes)
{
    const QStringList args{u"-H"_s, AnyHost, u"-p"_s, Port};
    plan.devCommand =
        commandFor(context, DevScriptNames, {{u"next"_s}, {u"dev"_s}, true, u"next"_s, {u"dev"_s}}, args,
                   notes, u"dev server"_s);
    plan.buildCommand = buildFor(context, u"next"_s, {u"build"_s});
    plan.startCommand =
        commandFor(context, {u"start"_s}, {{u"next"_s}, {u"start"_s}, false, u"next"_s, {u"start"_s}}, args,
                   notes, u"production server"_s);
    plan.expectedPort = 3000;
}

void fillNuxt(const PackageContext& context, bool nuxt2, RunPlan& plan, QStringList& notes)
{
    const QStringList args = nuxt2 ? QStringList{u"--hostname"_s, AnyHost, u"--port"_s, Port} : HostPort;
    plan.devCommand =
        commandFor(context, DevScriptNames,
                   {{u"nuxt"_s, u"nuxi"_s, u"nuxt3"_s}, {u"dev"_s}, true, u"nuxt"_s, {u"dev"_s}}, args, notes,
                   u"dev server"_s);
    plan.buildCommand = buildFor(context, u"nuxt"_s, {u"build"_s});
    if (nuxt2)
        plan.startCommand =
            commandFor(context, {u"start"_s}, {{u"nuxt"_s}, {u"start"_s}, false, u"nuxt"_s, {u"start"_s}},
                       args, notes, u"production server"_s);
    else
        plan.startCommand = {u"node"_s, u".output/server/index.mjs"_s};
    plan.environment = {{u"HOST"_s, AnyHost}, {u"PORT"_s, Port}};
    plan.expectedPort = 3000;
}

// Astro and Vite (SvelteKit too) run on Vite: the dev server from `devCli`, `<binary> build` and
// `<binary> preview`, Vite's host check.
void fillViteBased(const PackageContext& context, const Cli& devCli, int port, RunPlan& plan,
                   QStringList& notes)
{
    const QString& binary = devCli.fallbackBinary;
    plan.devCommand = commandFor(context, DevScriptNames, devCli, HostPort, notes, u"dev server"_s);
    plan.buildCommand = buildFor(context, binary, {u"build"_s});
    plan.startCommand =
        commandFor(context, PreviewScripts, {{binary}, {u"preview"_s}, false, binary, {u"preview"_s}},
                   HostPort, notes, u"production server"_s);
    plan.expectedPort = port;
    notes.append(ViteHostNote);
}

void fillAngular(const PackageContext& context, RunPlan& plan, QStringList& notes)
{
    plan.devCommand = commandFor(context, {u"start"_s, u"dev"_s, u"serve"_s},
                                 {{u"ng"_s}, {u"serve"_s, u"s"_s}, false, u"ng"_s, {u"serve"_s}}, HostPort,
                                 notes, u"dev server"_s);
    plan.buildCommand = buildFor(context, u"ng"_s, {u"build"_s});
    plan.startCommand = RunPlan::staticServerCommand(angularOutputDirectory(context, notes), true);
    plan.expectedPort = 4200;
    notes.append(u"The Angular dev server checks the Host header: behind a preview proxy it may need "
                 u"`--allowed-hosts` (Angular 17+) or `--disable-host-check` added to the dev command."_s);
}

void fillVueCli(const PackageContext& context, RunPlan& plan, QStringList& notes)
{
    plan.devCommand =
        commandFor(context, {u"serve"_s, u"dev"_s, u"start"_s},
                   {{u"vue-cli-service"_s}, {u"serve"_s}, false, u"vue-cli-service"_s, {u"serve"_s}},
                   HostPort, notes, u"dev server"_s);
    plan.buildCommand = buildFor(context, u"vue-cli-service"_s, {u"build"_s});
    plan.startCommand = RunPlan::staticServerCommand(u"dist"_s, true);
    plan.expectedPort = 8080;
    notes.append(u"The Vue CLI dev server checks the Host header: behind a preview proxy it may need "
                 u"devServer.allowedHosts set in vue.config.js."_s);
}

void fillCreateReactApp(const PackageContext& context, RunPlan& plan, QStringList& notes)
{
    // react-scripts takes no host/port options, only the environment.
    plan.devCommand = commandFor(context, {u"start"_s, u"dev"_s},
                                 {{u"react-scripts"_s, u"craco"_s, u"react-app-rewired"_s},
                                  {u"start"_s},
                                  false,
                                  u"react-scripts"_s,
                                  {u"start"_s}},
                                 {}, notes, u"dev server"_s);
    plan.buildCommand = buildFor(context, u"react-scripts"_s, {u"build"_s});
    plan.startCommand = RunPlan::staticServerCommand(u"build"_s, true);
    plan.environment = {{u"PORT"_s, Port}, {u"HOST"_s, AnyHost}, {u"BROWSER"_s, u"none"_s}};
    plan.expectedPort = 3000;
}

RunPlan frameworkPlan(const PackageContext& context, const FrameworkMatch& match, QStringList& notes)
{
    RunPlan plan;
    plan.framework = match.framework;
    plan.frameworkVariant = match.variant;
    switch (match.framework) {
    case Framework::NextJs:
        fillNextJs(context, plan, notes);
        break;
    case Framework::Nuxt:
        fillNuxt(context, match.nuxt2, plan, notes);
        break;
    case Framework::Astro:
        fillViteBased(context, {{u"astro"_s}, {u"dev"_s}, false, u"astro"_s, {u"dev"_s}}, 4321, plan, notes);
        break;
    case Framework::SvelteKit:
    case Framework::Vite:
        fillViteBased(context, {{u"vite"_s}, {u"dev"_s, u"serve"_s}, true, u"vite"_s, {}}, 5173, plan, notes);
        break;
    case Framework::Angular:
        fillAngular(context, plan, notes);
        break;
    case Framework::VueCli:
        fillVueCli(context, plan, notes);
        break;
    case Framework::CreateReactApp:
        fillCreateReactApp(context, plan, notes);
        break;
    case Framework::NodeServer:
    case Framework::StaticHtml:
        break;
    }
    return plan;
}

// Express & co., or any project whose dev/start script is all we know about.
std::optional<RunPlan> nodeServerPlan(const PackageContext& context, QStringList& notes)
{
    const PackageJson& package = context.package;
    const QString devScript = genericServerScript(package, context.monorepoRoot);
    const QString entryPoint = hasNodeServerDependency(package) || package.scripts.isEmpty()
                                   ? nodeEntryPoint(context.snapshot, package, context.directory)
                                   : QString();
    if (devScript.isEmpty() && (entryPoint.isEmpty() || !hasNodeServerDependency(package)))
        return std::nullopt;

    RunPlan plan;
    plan.framework = Framework::NodeServer;
    const QStringList nodeCommand{u"node"_s, entryPoint};
    plan.devCommand = devScript.isEmpty() ? nodeCommand : runScript(context.pm, devScript);
    if (package.scripts.contains(u"start"_s) &&
        !(context.monorepoRoot && isWorkspaceOrchestrator(package.scripts.value(u"start"_s))))
        plan.startCommand = runScript(context.pm, u"start"_s);
    else if (!entryPoint.isEmpty())
        plan.startCommand = nodeCommand;
    else
        plan.startCommand = plan.devCommand;
    plan.buildCommand = buildFor(context, {}, {});
    plan.environment = {{u"PORT"_s, Port}, {u"HOST"_s, AnyHost}};
    plan.expectedPort = 3000;
    if (!hasNodeServerDependency(package))
        notes.append(
            u"No known framework in %1; running its \"%2\" script with PORT and HOST set. The server "
            u"must listen on $PORT on 0.0.0.0."_s.arg(package.path, devScript));
    else
        notes.append(
            u"The server must read PORT and HOST from the environment (or listen on 0.0.0.0:3000)."_s);
    return plan;
}

RunPlan staticPlan(PackageManager pm)
{
    RunPlan plan;
    plan.packageManager = pm;
    plan.framework = Framework::StaticHtml;
    plan.devCommand = RunPlan::staticServerCommand(u"."_s);
    plan.startCommand = plan.devCommand;
    plan.expectedPort = 8080;
    return plan;
}

// The plan for one package (the root or a workspace package), without install commands;
// nullopt when nothing in it can be run.
std::optional<RunPlan> packagePlan(const PackageContext& context, QStringList& notes)
{
    QStringList localNotes;
    std::optional<RunPlan> plan;
    if (const auto match = detectFramework(context.package))
        plan = frameworkPlan(context, *match, localNotes);
    else
        plan = nodeServerPlan(context, localNotes);
    if (!plan && context.snapshot.contains(context.file(u"index.html"_s))) {
        plan = staticPlan(context.pm);
        localNotes.append(
            u"%1 has nothing to run; serving index.html as a static site."_s.arg(context.package.path));
    }
    if (plan) {
        plan->packageManager = context.pm;
        plan->projectDirectory = context.directory;
        notes += localNotes;
    }
    return plan;
}

DetectionError nothingRunnable(const QString& where)
{
    return DetectionError{
        u"Nothing runnable found in %1."_s.arg(where),
        u"Forge Preview looks for a package.json with a known framework (Next.js, Nuxt, Astro, SvelteKit, "
        u"Angular, Vue CLI, Create React App, Vite, Express…) or a dev/start script, or an index.html, at "
        u"the "
        u"repository root or, in a monorepo, in a workspace package. Add one, or edit the run plan by hand."_s,
    };
}

struct WorkspaceCandidate
{
    QString directory;
    PackageJson package;
    RunPlan plan;
    QStringList notes;
};

// apps/web first, then apps/*, then packages/*, then anything else; web frameworks before plain
// servers within a tier; then by name.
int workspaceRank(const WorkspaceCandidate& candidate)
{
    int tier = 3;
    if (candidate.directory == u"apps/web"_s)
        tier = 0;
    else if (candidate.directory.startsWith(u"apps/"_s))
        tier = 1;
    else if (candidate.directory.startsWith(u"packages/"_s))
        tier = 2;
    const bool webFramework = candidate.plan.framework != Framework::NodeServer;
    return tier * 2 + (webFramework ? 0 : 1);
}

std::variant<RunPlan, DetectionError> monorepoPlan(const ProjectSnapshot& snapshot, PackageManager pm,
                                                   QStringList& notes)
{
    const QStringList patterns = snapshot.workspacePatterns();
    QList<WorkspaceCandidate> candidates;
    QStringList broken;
    for (const QString& path : snapshot.paths()) {
        if (!path.endsWith(u"/package.json"_s))
            continue;
        const QString directory = path.chopped(int(qstrlen("/package.json")));
        if (!ProjectSnapshot::matchesWorkspacePattern(directory, patterns))
            continue;
        auto parsed = parsePackageJson(snapshot, path);
        if (auto* error = std::get_if<DetectionError>(&parsed)) {
            broken.append(error->message);
            continue;
        }
        WorkspaceCandidate candidate{directory, std::get<PackageJson>(parsed), {}, {}};
        const PackageContext context{snapshot, candidate.package, directory, pm, false};
        if (auto plan = packagePlan(context, candidate.notes)) {
            candidate.plan = *plan;
            candidates.append(candidate);
        }
    }
    for (const QString& message : broken)
        notes.append(u"Skipped a workspace package: "_s + message);
    if (candidates.isEmpty())
        return nothingRunnable(
            u"the monorepo root or its workspace packages (%1)"_s.arg(patterns.join(u", "_s)));

    std::stable_sort(candidates.begin(), candidates.end(), [](const auto& a, const auto& b) {
        const int rankA = workspaceRank(a);
        const int rankB = workspaceRank(b);
        return rankA != rankB ? rankA < rankB : a.directory < b.directory;
    });
    const WorkspaceCandidate& chosen = candidates.first();
    QStringList others;
    for (qsizetype i = 1; i < candidates.size(); ++i)
        others.append(candidates[i].directory);
    QString note =
        u"Monorepo: using the workspace package %1; install runs at the repository root, dev, build "
        u"and start in %1."_s.arg(chosen.directory);
    if (!others.isEmpty())
        note += u" Other runnable packages: %1."_s.arg(others.join(u", "_s));
    notes.append(note);
    notes += chosen.notes;
    return chosen.plan;
}

void applyInstall(RunPlan& plan, const PackageManagerChoice& choice)
{
    plan.packageManager = choice.manager;
    plan.packageManagerVersion = choice.version;
    plan.packageManagerVersionSource = choice.versionSource;
    if (choice.hasLockfile) {
        plan.installCommand = frozenInstall(choice.manager);
        plan.installFallbackCommand = plainInstall(choice.manager);
    } else {
        // Frozen installs refuse to run without a lockfile; there is nothing to fall back from.
        plan.installCommand = plainInstall(choice.manager);
        plan.installFallbackCommand.clear();
    }
}

} // namespace

std::variant<RunPlan, DetectionError> RunPlanDetector::detect(const ProjectSnapshot& snapshot)
{
    const QString manifest = u"package.json"_s;
    if (!snapshot.contains(manifest)) {
        if (!snapshot.contains(u"index.html"_s))
            return nothingRunnable(u"the repository root"_s);
        RunPlan plan = staticPlan(PackageManager::None);
        const NodeVersion node = detectNodeVersion(snapshot, {}, plan.notes);
        plan.nodeVersion = node.value;
        plan.nodeVersionSource = node.source;
        return plan;
    }

    auto parsed = parsePackageJson(snapshot, manifest);
    if (auto* error = std::get_if<DetectionError>(&parsed))
        return *error;
    const PackageJson& root = std::get<PackageJson>(parsed);

    QStringList notes;
    const PackageManagerChoice choice = choosePackageManager(snapshot, root, notes);
    const bool monorepo = root.hasWorkspaces || snapshot.contains(u"pnpm-workspace.yaml"_s);

    QList<const PackageJson*> versionSources{&root};
    std::optional<RunPlan> plan;
    std::optional<PackageJson> chosenPackage;
    if (monorepo && !detectFramework(root) && genericServerScript(root, true).isEmpty()) {
        auto result = monorepoPlan(snapshot, choice.manager, notes);
        if (auto* error = std::get_if<DetectionError>(&result))
            return *error;
        plan = std::get<RunPlan>(result);
        auto package = parsePackageJson(snapshot, plan->projectDirectory + u"/package.json"_s);
        if (auto* workspacePackage = std::get_if<PackageJson>(&package))
            chosenPackage = *workspacePackage;
        if (chosenPackage)
            versionSources.append(&*chosenPackage);
    } else {
        plan = packagePlan({snapshot, root, {}, choice.manager, monorepo}, notes);
        if (!plan)
            return nothingRunnable(
                u"the repository root: package.json has no known framework dependency and no "
                u"dev or start script, and there is no index.html"_s);
    }

    // A static site whose package.json declares no dependencies needs no install at all.
    const bool staticWithoutDependencies =
        plan->framework == Framework::StaticHtml && root.dependencies.isEmpty();
    if (staticWithoutDependencies)
        plan->packageManager = PackageManager::None;
    else
        applyInstall(*plan, choice);
    const NodeVersion node = detectNodeVersion(snapshot, versionSources, notes);
    plan->nodeVersion = node.value;
    plan->nodeVersionSource = node.source;
    plan->notes = notes;
    return *plan;
}

} // namespace forge
