#pragma once

#include <QJsonObject>
#include <QMap>
#include <QString>
#include <QStringList>
#include <optional>

namespace forge {

enum class PackageManager { None, Npm, Pnpm, YarnClassic, YarnBerry, Bun };

enum class Framework {
    StaticHtml,
    NodeServer, // Express or any plain Node.js server started by a script
    NextJs,
    Vite,
    VueCli,
    Nuxt,
    Astro,
    SvelteKit,
    Angular,
    CreateReactApp,
};

enum class RunMode { Dev, Production };

QString toString(PackageManager pm);
QString toString(Framework framework);
QString toString(RunMode mode);
// Names for people ("Next.js", "Yarn (Berry)"), as opposed to the stable identifiers above.
QString displayName(Framework framework);
QString displayName(PackageManager pm);
std::optional<PackageManager> packageManagerFromString(const QString& text);
std::optional<Framework> frameworkFromString(const QString& text);
std::optional<RunMode> runModeFromString(const QString& text);

// How to run a project: what detect-framework produces, what the user may edit, what the install,
// build and start steps execute. Commands are argument vectors, never shell strings: values from
// the repository are never spliced into a command line of ours. The literal token `${PORT}` in an
// argument or environment value is replaced by the port chosen at start time (see withPort()).
//
// Working directories: installCommand and installFallbackCommand run at the repository root (in a
// monorepo the root lockfile installs every workspace package); devCommand, buildCommand and
// startCommand run in projectDirectory (the chosen workspace package, or the root when empty).
struct RunPlan
{
    static constexpr auto PortPlaceholder = "${PORT}";

    PackageManager packageManager = PackageManager::None;
    // Exact ("9.15.9") from package.json's packageManager field, or a range the lockfile implies
    // ("8" for a pnpm-lock.yaml of lockfileVersion 6.0); may be empty.
    QString packageManagerVersion;
    QString packageManagerVersionSource; // "packageManager", "pnpm-lock.yaml", "yarn.lock"…; may be empty
    Framework framework = Framework::StaticHtml;
    QString frameworkVariant;           // e.g. "React" for a Vite React template; may be empty
    QString projectDirectory;           // relative to the repository root; empty means the root
    QStringList installCommand;         // frozen-lockfile install; empty when nothing to install
    QStringList installFallbackCommand; // non-frozen install, tried only when the lockfile is out of date
    QStringList devCommand;
    QStringList buildCommand;           // empty when the project has no build
    QStringList startCommand;           // production server, after buildCommand
    QMap<QString, QString> environment; // extra environment for dev/start (PORT, HOST, BROWSER…)
    int expectedPort = 3000;            // the framework's default port, used as the first choice
    QString nodeVersion; // wanted Node.js version range, as the project states it; may be empty
    // Where nodeVersion comes from: ".nvmrc", ".node-version", "package.json engines.node",
    // "package.json volta.node" (a workspace package's path instead of package.json); may be empty.
    QString nodeVersionSource;
    QStringList notes;   // human remarks from detection (e.g. "monorepo: using apps/web")

    // A label such as "Vite (React) · pnpm".
    QString summary() const;

    // The plan with every `${PORT}` replaced by `port`.
    RunPlan withPort(int port) const;

    QJsonObject toJson() const;
    // Reads what toJson() wrote (a saved, possibly user-edited plan); nullopt with `error` set when
    // the object is not a valid plan.
    static std::optional<RunPlan> fromJson(const QJsonObject& object, QString* error = nullptr);

    // `node -e <script> -- <root> ${PORT} [--spa]`: a static file server using Node built-ins only,
    // bound to 0.0.0.0, serving `root` (relative to the command's working directory). With
    // `spaFallback`, unknown extension-less paths get root/index.html (client-side routing, as for a
    // built Create React App or Angular app). Prints `Serving <root> at http://0.0.0.0:<port>/`
    // once listening; exits non-zero with a message when the port is taken.
    static QStringList staticServerCommand(const QString& root, bool spaFallback = false);
    // The JavaScript passed to `node -e` by staticServerCommand().
    static QString staticServerScript();

    friend bool operator==(const RunPlan&, const RunPlan&) = default;
};

} // namespace forge
