#pragma once

#include "daytona/DaytonaConfig.h"
#include "sandbox/daytona/DaytonaProvider.h"
#include "secrets/SecretKey.h"

#include <QList>
#include <QProcessEnvironment>
#include <QString>

class QSettings;

namespace forge {

// The user's Daytona choices, kept with QSettings under "daytona/": where the API is, which target
// (region), and how new sandboxes are made. Never the API key: that lives in the keychain under
// keychainKey() and is carried here in `apiKey` only while the app runs. DAYTONA_API_KEY (or
// DAYTONA_JWT_TOKEN with DAYTONA_ORGANIZATION_ID), DAYTONA_API_URL and DAYTONA_TARGET, when set, win
// over the stored values, the way Daytona's own SDKs read them.
struct DaytonaSettings
{
    enum class Field { ApiUrl, Target, Snapshot, Image, AutoStop };
    struct Problem
    {
        Field field;
        QString message; // one sentence: what is wrong and what to enter instead
    };

    // Where the credentials come from, for the Settings page and the repository picker.
    struct KeySource
    {
        bool usable = false;
        QString description; // "from DAYTONA_API_KEY" or "not set: …what to set…"
    };

    static constexpr int MaxAutoStopMinutes = 7 * 24 * 60; // a week; 0 means never

    QString apiUrl = QString::fromLatin1(daytona::DaytonaConfig::DefaultApiUrl);
    QString target; // empty: the organization's default
    DaytonaSandboxOptions::Size size = DaytonaSandboxOptions::Size::Small;
    QString snapshot; // empty: build from `image`
    QString image = QString::fromLatin1(DaytonaSandboxOptions::DefaultImage);
    bool publicPreview = false;
    int autoStopMinutes = 30;
    // The API key read from (or to be written to) the keychain; never saved with the settings.
    QString apiKey;

    // What is stored, each missing or unreadable value replaced by its default. Values that are
    // stored but invalid are kept (problems() names them) so nothing the user typed is lost.
    static DaytonaSettings load(const QSettings& settings);
    static DaytonaSettings load(); // from the application's QSettings
    void save(QSettings& settings) const;
    void save() const;

    // Every invalid value with its reason; empty when the settings can be used.
    QList<Problem> problems() const;
    QString problem(Field field) const; // empty when that field is fine
    bool isValid() const { return problems().isEmpty(); }

    // The client configuration: credentials, and DAYTONA_API_URL / DAYTONA_TARGET when set, from
    // `environment` (as DaytonaConfig::fromEnvironment reads them); URL and target from these
    // settings otherwise.
    daytona::DaytonaConfig
    config(const QProcessEnvironment& environment = QProcessEnvironment::systemEnvironment()) const;
    // How new sandboxes are made.
    DaytonaSandboxOptions sandboxOptions() const;
    // Empty when a DaytonaProvider can be made from these settings and `environment`; otherwise
    // what is wrong and what to do, for the user.
    QString
    unusableReason(const QProcessEnvironment& environment = QProcessEnvironment::systemEnvironment()) const;

    KeySource
    keySource(const QProcessEnvironment& environment = QProcessEnvironment::systemEnvironment()) const;
    // Where the API key of the stored API URL is kept in the keychain (one per Daytona host).
    SecretKey keychainKey() const;
    static SecretKey keychainKeyFor(const QString& apiUrl);
    // This installation's owner id (DaytonaSandboxOptions::ownerId): a uuid made on first use and
    // kept in the per-user settings (never in a file a repository can write), so every later run,
    // of the app or the CLI, finds the same sandboxes and a teammate's stay theirs.
    static QString ownerId(QSettings& settings);
    static QString ownerId(); // in the application's QSettings
    // Whether Settings stored a key in the keychain (so it is worth asking the keychain at start).
    static bool isApiKeyInKeychain();
    static void setApiKeyInKeychain(bool stored);
    // The environment variable's value that overrides the stored URL or target; empty when unset.
    static QString
    environmentApiUrl(const QProcessEnvironment& environment = QProcessEnvironment::systemEnvironment());
    static QString
    environmentTarget(const QProcessEnvironment& environment = QProcessEnvironment::systemEnvironment());

    // Whether `url` may carry the API key: https, or http only to this machine (127.0.0.1, ::1,
    // localhost). Empty when fine, else why not.
    static QString apiUrlProblem(const QString& url);

    bool operator==(const DaytonaSettings& other) const = default;
};

} // namespace forge
