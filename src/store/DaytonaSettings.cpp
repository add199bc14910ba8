#include "DaytonaSettings.h"

#include <QCoreApplication>
#include <QHostAddress>
#include <QRegularExpression>
#include <QSettings>
#include <QUrl>
#include <QUuid>

using namespace Qt::StringLiterals;

namespace forge {

namespace {

constexpr auto KeyApiUrl = "daytona/apiUrl";
constexpr auto KeyTarget = "daytona/target";
constexpr auto KeySize = "daytona/size";
constexpr auto KeySnapshot = "daytona/snapshot";
constexpr auto KeyImage = "daytona/image";
constexpr auto KeyPublicPreview = "daytona/publicPreview";
constexpr auto KeyAutoStop = "daytona/autoStopMinutes";

QString key(const char* name)
{
    return QString::fromLatin1(name);
}

QString stripTrailingSlashes(QString text)
{
    text = text.trimmed();
    while (text.endsWith(u'/'))
        text.chop(1);
    return text;
}

bool isLoopbackHost(const QString& host)
{
    if (host.compare(u"localhost"_s, Qt::CaseInsensitive) == 0)
        return true;
    const QHostAddress address(host);
    return !address.isNull() && address.isLoopback();
}

// Snapshot and image names: a registry reference or a snapshot name, never a shell word list.
bool isPlainName(const QString& text)
{
    static const QRegularExpression re(u"\\A[A-Za-z0-9][A-Za-z0-9._:/@+-]{0,254}\\z"_s);
    return re.match(text).hasMatch();
}

} // namespace

DaytonaSettings DaytonaSettings::load(const QSettings& settings)
{
    DaytonaSettings loaded;
    loaded.apiUrl = settings.value(key(KeyApiUrl), loaded.apiUrl).toString();
    loaded.target = settings.value(key(KeyTarget)).toString();
    if (const auto size = DaytonaSandboxOptions::sizeFromString(settings.value(key(KeySize)).toString()))
        loaded.size = *size;
    loaded.snapshot = settings.value(key(KeySnapshot)).toString();
    loaded.image = settings.value(key(KeyImage), loaded.image).toString();
    const QVariant publicPreview = settings.value(key(KeyPublicPreview));
    if (publicPreview.isValid())
        loaded.publicPreview = publicPreview.toBool();
    bool ok = false;
    const int minutes = settings.value(key(KeyAutoStop)).toInt(&ok);
    if (ok)
        loaded.autoStopMinutes = minutes;
    return loaded;
}

DaytonaSettings DaytonaSettings::load()
{
    return load(QSettings());
}

void DaytonaSettings::save(QSettings& settings) const
{
    settings.setValue(key(KeyApiUrl), apiUrl.trimmed());
    settings.setValue(key(KeyTarget), target.trimmed());
    settings.setValue(key(KeySize), DaytonaSandboxOptions::toString(size));
    settings.setValue(key(KeySnapshot), snapshot.trimmed());
    settings.setValue(key(KeyImage), image.trimmed());
    settings.setValue(key(KeyPublicPreview), publicPreview);
    settings.setValue(key(KeyAutoStop), autoStopMinutes);
}

void DaytonaSettings::save() const
{
    QSettings settings;
    save(settings);
}

QString DaytonaSettings::apiUrlProblem(const QString& text)
{
    const QString trimmed = stripTrailingSlashes(text);
    if (trimmed.isEmpty())
        return QCoreApplication::translate("DaytonaSettings",
                                           "Enter the Daytona API address, for example %1.")
            .arg(QString::fromLatin1(daytona::DaytonaConfig::DefaultApiUrl));
    const QUrl url(trimmed, QUrl::StrictMode);
    const QString scheme = url.scheme().toLower();
    if (!url.isValid() || url.host().isEmpty() || (scheme != u"https"_s && scheme != u"http"_s))
        return QCoreApplication::translate("DaytonaSettings", "Not an http(s) address: enter one like %1.")
            .arg(QString::fromLatin1(daytona::DaytonaConfig::DefaultApiUrl));
    if (!url.userInfo().isEmpty())
        return QCoreApplication::translate("DaytonaSettings",
                                           "Leave the user name and password out of the address: the API "
                                           "key is sent as a header.");
    if (url.hasQuery() || url.hasFragment())
        return QCoreApplication::translate("DaytonaSettings",
                                           "Leave the query (?…) and fragment (#…) out of the address.");
    if (scheme == u"http"_s && !isLoopbackHost(url.host()))
        return QCoreApplication::translate("DaytonaSettings",
                                           "Use https: the API key must not travel unencrypted (http is "
                                           "accepted only for 127.0.0.1, ::1 and localhost).");
    return {};
}

QList<DaytonaSettings::Problem> DaytonaSettings::problems() const
{
    QList<Problem> found;
    if (const QString urlProblem = apiUrlProblem(apiUrl); !urlProblem.isEmpty())
        found.append({Field::ApiUrl, urlProblem});
    static const QRegularExpression targetPattern(u"\\A[A-Za-z0-9_-]{0,64}\\z"_s);
    if (!targetPattern.match(target.trimmed()).hasMatch())
        found.append(
            {Field::Target, QCoreApplication::translate("DaytonaSettings",
                                                        "A target is a region name such as \"us\" or \"eu\" "
                                                        "(letters, digits, - and _); leave it empty for your "
                                                        "organization's default.")});
    const QString snapshotName = snapshot.trimmed();
    if (!snapshotName.isEmpty() && !isPlainName(snapshotName))
        found.append({Field::Snapshot,
                      QCoreApplication::translate(
                          "DaytonaSettings", "A snapshot is a single name without spaces; leave it empty "
                                             "to build sandboxes from the image.")});
    const QString imageName = image.trimmed();
    if (imageName.isEmpty() && snapshotName.isEmpty())
        found.append({Field::Image,
                      QCoreApplication::translate("DaytonaSettings", "Enter an image (for example %1) or a "
                                                                     "snapshot to create sandboxes from.")
                          .arg(QString::fromLatin1(DaytonaSandboxOptions::DefaultImage))});
    else if (!imageName.isEmpty() && !isPlainName(imageName))
        found.append(
            {Field::Image, QCoreApplication::translate("DaytonaSettings",
                                                       "An image is a registry reference without spaces, for "
                                                       "example %1.")
                               .arg(QString::fromLatin1(DaytonaSandboxOptions::DefaultImage))});
    if (autoStopMinutes < 0 || autoStopMinutes > MaxAutoStopMinutes)
        found.append({Field::AutoStop,
                      QCoreApplication::translate("DaytonaSettings", "Auto-stop is between 0 (never) and "
                                                                     "%1 minutes (a week).")
                          .arg(MaxAutoStopMinutes)});
    return found;
}

QString DaytonaSettings::problem(Field field) const
{
    for (const Problem& candidate : problems()) {
        if (candidate.field == field)
            return candidate.message;
    }
    return {};
}

daytona::DaytonaConfig DaytonaSettings::config(const QProcessEnvironment& environment) const
{
    daytona::DaytonaConfig config = daytona::DaytonaConfig::fromEnvironment(environment);
    if (config.apiKey.isEmpty() && config.jwtToken.isEmpty())
        config.apiKey = apiKey.trimmed();
    if (environmentApiUrl(environment).isEmpty())
        config.apiUrl = QUrl(stripTrailingSlashes(apiUrl), QUrl::StrictMode);
    if (environmentTarget(environment).isEmpty())
        config.target = target.trimmed();
    return config;
}

DaytonaSandboxOptions DaytonaSettings::sandboxOptions() const
{
    DaytonaSandboxOptions options;
    options.size = size;
    options.snapshot = snapshot.trimmed();
    options.image = image.trimmed();
    options.publicPreview = publicPreview;
    options.autoStopMinutes = autoStopMinutes;
    return options;
}

QString DaytonaSettings::unusableReason(const QProcessEnvironment& environment) const
{
    const KeySource key = keySource(environment);
    if (!key.usable && !environment.value(u"DAYTONA_JWT_TOKEN"_s).trimmed().isEmpty())
        return QCoreApplication::translate("DaytonaSettings",
                                           "DAYTONA_JWT_TOKEN is set but DAYTONA_ORGANIZATION_ID is not: "
                                           "set it (or DAYTONA_API_KEY) before starting Forge Preview.");
    if (!key.usable)
        return QCoreApplication::translate(
            "DaytonaSettings", "Daytona needs an API key: enter it in Settings (Ctrl+,), where it "
                               "is kept in the keychain, or set DAYTONA_API_KEY.");
    const QString environmentUrl = environmentApiUrl(environment);
    if (!environmentUrl.isEmpty()) {
        if (const QString urlProblem = apiUrlProblem(environmentUrl); !urlProblem.isEmpty())
            return QCoreApplication::translate("DaytonaSettings", "DAYTONA_API_URL (%1): %2")
                .arg(environmentUrl, urlProblem);
    }
    for (const Problem& found : problems()) {
        // The environment's URL and target replace the stored ones, so their problems do not count.
        if (found.field == Field::ApiUrl && !environmentUrl.isEmpty())
            continue;
        if (found.field == Field::Target && !environmentTarget(environment).isEmpty())
            continue;
        return QCoreApplication::translate("DaytonaSettings",
                                           "Daytona settings: %1 Fix it in Settings (Ctrl+,).")
            .arg(found.message);
    }
    return config(environment).validationError();
}

SecretKey DaytonaSettings::keychainKey() const
{
    return keychainKeyFor(apiUrl);
}

SecretKey DaytonaSettings::keychainKeyFor(const QString& apiUrl)
{
    const QUrl url(stripTrailingSlashes(apiUrl));
    QString host = url.host().toLower();
    if (url.port(-1) >= 0)
        host += u':' + QString::number(url.port());
    return {SecretKind::DaytonaApiKey, host, u"default"_s};
}

QString DaytonaSettings::ownerId(QSettings& settings)
{
    const QString key = u"daytona/ownerId"_s;
    const QString stored = settings.value(key).toString().trimmed();
    if (!QUuid::fromString(stored).isNull())
        return stored;
    const QString made = QUuid::createUuid().toString(QUuid::WithoutBraces);
    settings.setValue(key, made);
    settings.sync();
    return made;
}

QString DaytonaSettings::ownerId()
{
    QSettings settings;
    return ownerId(settings);
}

bool DaytonaSettings::isApiKeyInKeychain()
{
    return QSettings().value(u"daytona/apiKeyInKeychain"_s, false).toBool();
}

void DaytonaSettings::setApiKeyInKeychain(bool stored)
{
    QSettings().setValue(u"daytona/apiKeyInKeychain"_s, stored);
}

DaytonaSettings::KeySource DaytonaSettings::keySource(const QProcessEnvironment& environment) const
{
    const bool hasKey = !environment.value(u"DAYTONA_API_KEY"_s).trimmed().isEmpty();
    const bool hasJwt = !environment.value(u"DAYTONA_JWT_TOKEN"_s).trimmed().isEmpty();
    const bool hasOrganization = !environment.value(u"DAYTONA_ORGANIZATION_ID"_s).trimmed().isEmpty();
    if (hasKey)
        return {true, QCoreApplication::translate("DaytonaSettings", "from DAYTONA_API_KEY")};
    if (hasJwt && hasOrganization)
        return {true, QCoreApplication::translate("DaytonaSettings",
                                                  "from DAYTONA_JWT_TOKEN with DAYTONA_ORGANIZATION_ID")};
    if (hasJwt)
        return {false, QCoreApplication::translate(
                           "DaytonaSettings",
                           "not usable: DAYTONA_JWT_TOKEN is set but DAYTONA_ORGANIZATION_ID is not; set "
                           "it (or DAYTONA_API_KEY) before starting Forge Preview")};
    if (!apiKey.trimmed().isEmpty())
        return {true, QCoreApplication::translate("DaytonaSettings", "kept in the keychain")};
    return {false, QCoreApplication::translate("DaytonaSettings",
                                               "not set: enter your API key (from Daytona's dashboard, "
                                               "Keys), or set DAYTONA_API_KEY")};
}

QString DaytonaSettings::environmentApiUrl(const QProcessEnvironment& environment)
{
    QString url = environment.value(u"DAYTONA_API_URL"_s).trimmed();
    if (url.isEmpty())
        url = environment.value(u"DAYTONA_SERVER_URL"_s).trimmed(); // the SDKs' legacy name
    return url;
}

QString DaytonaSettings::environmentTarget(const QProcessEnvironment& environment)
{
    return environment.value(u"DAYTONA_TARGET"_s).trimmed();
}

} // namespace forge
