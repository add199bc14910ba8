#include "core/ExpectedEnvironment.h"

#include "core/EnvFile.h"

#include <QHash>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <algorithm>
#include <tuple>

using namespace Qt::StringLiterals;

namespace forge {

namespace {

const QStringList& publicPrefixes()
{
    // Next.js, Vite, Nuxt, SvelteKit and Astro, Create React App.
    static const QStringList prefixes{u"NEXT_PUBLIC_"_s, u"VITE_"_s, u"NUXT_PUBLIC_"_s, u"PUBLIC_"_s,
                                      u"REACT_APP_"_s};
    return prefixes;
}

// The leading identifier of each comma-separated item: `A`, `B: alias`, `C = 'default'`, `D as e`.
QStringList leadingIdentifiers(QStringView list)
{
    static const QRegularExpression identifier(u"^\\s*([A-Za-z_$][A-Za-z0-9_$]*)"_s);
    QStringList names;
    for (const QStringView item : list.split(u',')) {
        const QRegularExpressionMatch match = identifier.match(item);
        if (match.hasMatch())
            names.append(match.captured(1));
    }
    return names;
}

// Every match of `pattern` in `source`: its position and the names its first capture holds
// (split as a list when `list`).
void collect(QList<std::pair<qsizetype, QString>>& found, QStringView source,
             const QRegularExpression& pattern, bool list)
{
    QRegularExpressionMatchIterator it = pattern.globalMatch(source);
    while (it.hasNext()) {
        const QRegularExpressionMatch match = it.next();
        const QStringList names =
            list ? leadingIdentifiers(match.capturedView(1)) : QStringList{match.captured(1)};
        for (const QString& name : names)
            found.append({match.capturedStart(1), name});
    }
}

// Example files are read as their authors wrote them; only what a project cannot have, or what
// every tool sets anyway, is left out.
bool keptFromExample(const QString& name)
{
    return ProjectEnvironment::nameProblem(name).isEmpty() && name != u"NODE_ENV"_s;
}

QStringList dependencyNames(const QByteArray& packageJson)
{
    const QJsonObject manifest = QJsonDocument::fromJson(packageJson).object();
    QStringList names;
    for (const auto field : {"dependencies"_L1, "devDependencies"_L1, "optionalDependencies"_L1})
        names += manifest.value(field).toObject().keys();
    return names;
}

// The folders whose source the project runs, each with a trailing '/': its own and the workspace
// packages it depends on, directly or through another one (a monorepo's shared `packages/ui`), but
// not its sibling apps. Everything ("") for the root.
QStringList sourceFolders(const ProjectSnapshot& snapshot, const QString& projectDirectory)
{
    if (projectDirectory.isEmpty())
        return {QString()};
    const QStringList patterns = snapshot.workspacePatterns();
    QHash<QString, QString> packages; // name to folder
    for (const QString& path : snapshot.paths()) {
        if (!path.endsWith(u"/package.json"_s))
            continue;
        const QString folder = path.chopped(qsizetype(qstrlen("/package.json")));
        if (ProjectSnapshot::matchesWorkspacePattern(folder, patterns)) {
            const QJsonObject manifest = QJsonDocument::fromJson(snapshot.content(path)).object();
            packages.insert(manifest.value("name"_L1).toString(), folder);
        }
    }
    QStringList folders{projectDirectory};
    for (qsizetype i = 0; i < folders.size(); ++i) {
        for (const QString& dependency :
             dependencyNames(snapshot.content(folders.at(i) + u"/package.json"_s))) {
            const QString folder = packages.value(dependency);
            if (!folder.isEmpty() && !folders.contains(folder))
                folders.append(folder);
        }
    }
    for (QString& folder : folders)
        folder += u'/';
    return folders;
}

class Collector
{
public:
    // Adds `variable` unless its name is there already; an example file's hint fills an empty one.
    void offer(const ExpectedVariable& variable, bool fromExample)
    {
        const auto existing = m_positions.constFind(variable.name);
        if (existing == m_positions.cend()) {
            m_positions.insert(variable.name, m_variables.size());
            m_variables.append({variable, fromExample});
        } else if (ExpectedVariable& kept = m_variables[*existing].first;
                   kept.hint.isEmpty() && fromExample) {
            kept.hint = variable.hint;
        }
    }

    QList<ExpectedVariable> sorted()
    {
        std::sort(m_variables.begin(), m_variables.end(), [](const auto& a, const auto& b) {
            // Example files first: they are what the repository documents.
            return std::tuple(!a.second, a.first.source, a.first.name) <
                   std::tuple(!b.second, b.first.source, b.first.name);
        });
        QList<ExpectedVariable> result;
        for (const auto& [variable, fromExample] : std::as_const(m_variables))
            result.append(variable);
        return result;
    }

private:
    QList<std::pair<ExpectedVariable, bool>> m_variables; // with whether it came from an example
    QHash<QString, qsizetype> m_positions;
};

} // namespace

const QStringList& ExpectedEnvironment::exampleFileNames()
{
    static const QStringList names{u".env.example"_s, u".env.sample"_s, u".env.template"_s};
    return names;
}

QList<ExpectedVariable> ExpectedEnvironment::fromSnapshot(const ProjectSnapshot& snapshot,
                                                          const QString& projectDirectory)
{
    Collector collector;
    const QStringList exampleFolders =
        projectDirectory.isEmpty() ? QStringList{QString()} : QStringList{projectDirectory + u'/', QString()};
    for (const QString& folder : exampleFolders) {
        for (const QString& name : exampleFileNames()) {
            const QString path = folder + name;
            if (!snapshot.isReadable(path))
                continue;
            for (const EnvEntry& entry :
                 EnvFile::parse(snapshot.content(path), EnvFile::Kind::Example).entries) {
                if (keptFromExample(entry.name))
                    collector.offer({entry.name, entry.hint, path}, true);
            }
        }
    }

    const QStringList folders = sourceFolders(snapshot, projectDirectory);
    const auto inSource = [&folders](const QString& path) {
        return std::any_of(folders.cbegin(), folders.cend(),
                           [&path](const QString& folder) { return path.startsWith(folder); });
    };
    const QMap<QString, QStringList> references = snapshot.variableReferences();
    for (auto it = references.cbegin(); it != references.cend(); ++it) {
        if (!isPublicName(it.key()))
            continue;
        const auto file = std::find_if(it->cbegin(), it->cend(), inSource);
        if (file != it->cend())
            collector.offer({it.key(), QString(), *file}, false);
    }
    return collector.sorted();
}

QList<ExpectedVariable> ExpectedEnvironment::missingFrom(const QList<ExpectedVariable>& expected,
                                                         const ProjectEnvironment& environment)
{
    QList<ExpectedVariable> missing;
    for (const ExpectedVariable& variable : expected) {
        if (!environment.find(variable.name))
            missing.append(variable);
    }
    return missing;
}

bool ExpectedEnvironment::isPublicName(const QString& name)
{
    if (!ProjectEnvironment::isValidName(name) || isSetByFramework(name))
        return false;
    return std::any_of(publicPrefixes().cbegin(), publicPrefixes().cend(), [&name](const QString& prefix) {
        return name.size() > prefix.size() && name.startsWith(prefix);
    });
}

bool ExpectedEnvironment::isSetByFramework(const QString& name)
{
    static const QStringList names{
        u"NODE_ENV"_s,
        u"BASE_URL"_s,
        u"MODE"_s,
        u"DEV"_s,
        u"PROD"_s,
        u"SSR"_s,
        u"VITE_USER_NODE_ENV"_s,
        u"VITE_CJS_IGNORE_WARNING"_s,
        u"VITE_CJS_TRACE"_s,
        u"PUBLIC_URL"_s,
    };
    if (names.contains(name))
        return true;
    // Vercel exposes its system variables under each framework's prefix (NEXT_PUBLIC_VERCEL_URL,
    // VITE_VERCEL_ENV…); they are the host's, not something the user has.
    return std::any_of(publicPrefixes().cbegin(), publicPrefixes().cend(),
                       [&name](const QString& prefix) { return name.startsWith(prefix + u"VERCEL_"_s); });
}

QStringList ExpectedEnvironment::publicNamesReferencedIn(QStringView source)
{
    static const QRegularExpression member(
        u"\\b(?:process\\.env|import\\.meta\\.env)\\s*\\??\\.\\s*([A-Za-z_][A-Za-z0-9_]*)"_s);
    static const QRegularExpression subscript(
        u"\\b(?:process\\.env|import\\.meta\\.env)\\s*(?:\\?\\.)?\\[\\s*(?|'([^']*)'|\"([^\"]*)\"|`([^`$]*)`)\\s*\\]"_s);
    static const QRegularExpression destructured(
        u"\\{([^{}]*)\\}\\s*=\\s*(?:process\\.env|import\\.meta\\.env)\\b"_s);
    static const QRegularExpression staticImport(
        u"\\bimport\\s*\\{([^{}]*)\\}\\s*from\\s*['\"]\\$env/static/public['\"]"_s);
    static const QRegularExpression dynamicEnv(u"\\benv\\s*\\??\\.\\s*([A-Za-z_][A-Za-z0-9_]*)"_s);

    QList<std::pair<qsizetype, QString>> found;
    collect(found, source, member, false);
    collect(found, source, subscript, false);
    collect(found, source, destructured, true);
    collect(found, source, staticImport, true);
    if (source.contains(u"$env/dynamic/public"_s))
        collect(found, source, dynamicEnv, false);
    std::stable_sort(found.begin(), found.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });

    QStringList names;
    for (const auto& [position, name] : std::as_const(found)) {
        if (isPublicName(name) && !names.contains(name))
            names.append(name);
    }
    return names;
}

} // namespace forge
