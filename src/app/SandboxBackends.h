#pragma once

#include "store/DaytonaSettings.h"
#include "store/Project.h"

#include <QObject>
#include <QString>
#include <memory>

namespace forge {
class LocalProvider;
class SandboxProvider;

// The back ends the window runs projects on: "local" and "daytona" (a DaytonaProvider made from the
// stored Settings and the key from the environment or the keychain). On this computer every project
// runs isolated (a LocalProvider that fails closed where isolation does not work), except those
// whose owner chose to run them without isolation (Project::runWithoutIsolation): those share a
// second LocalProvider that runs plain processes, over the same sandboxes and caches. Each new run
// asks for its provider here, so changed settings and choices apply from the next run, while a run
// already going keeps the provider it started with (the shared pointer keeps it alive).
class Toolchains;

class SandboxBackends : public QObject
{
    Q_OBJECT
public:
    // Every provider it makes takes its runs' tools from `toolchains` (SandboxProvider::toolchains()).
    SandboxBackends(const QString& dataDirectory, Toolchains* toolchains, QObject* parent = nullptr);
    ~SandboxBackends() override;

    // The isolated local provider (the one every local project uses unless its owner chose otherwise).
    LocalProvider& local() const { return *m_local; }

    // The provider a run of `project` uses now: its back end, and on this computer isolated unless
    // the project runs without isolation. When Daytona cannot be used (no key, invalid settings) or
    // the back end is unknown, a provider whose every operation fails with what to set, so the run
    // fails at its first step with that message instead of not starting.
    std::shared_ptr<SandboxProvider> providerFor(const Project& project);
    // Whether `provider` runs plain processes on this computer (a project's choice).
    bool isWithoutIsolation(const std::shared_ptr<SandboxProvider>& provider) const;

    // Why a project cannot be put on Daytona right now (empty: it can), for the picker and menus.
    QString daytonaUnavailableReason() const;

    // The Daytona API key read from the keychain (empty: none stored); the environment's wins.
    void setDaytonaApiKey(const QString& key) { m_daytonaApiKey = key; }
    // The GitHub host whose token a Daytona clone may carry (host[:port]).
    void setGitHubHost(const QString& host) { m_gitHubHost = host; }
    // The stored settings with the keychain's key.
    DaytonaSettings daytonaSettings() const;
    // "this computer" / "Daytona" (for lists and menus).
    static QString title(Backend backend);

Q_SIGNALS:
    // Something a provider wants the user to know.
    void notice(const QString& message);

private:
    std::shared_ptr<SandboxProvider> adopt(SandboxProvider* provider);

    std::shared_ptr<LocalProvider> makeLocal(bool isolated);

    QString m_dataDirectory;
    Toolchains* m_toolchains;
    std::shared_ptr<LocalProvider> m_local;
    std::shared_ptr<LocalProvider> m_withoutIsolation;
    // The Daytona provider of the current settings, and what it was made from.
    std::shared_ptr<SandboxProvider> m_daytona;
    DaytonaSettings m_daytonaSettings;
    QString m_daytonaIdentity;
    QString m_daytonaGitHubHost;
    QString m_daytonaApiKey;
    QString m_gitHubHost = QStringLiteral("github.com");
};

} // namespace forge
