#include "NpmRegistry.h"

#include "core/Failure.h"

#include <QCoroNetworkReply>
#include <QCryptographicHash>
#include <QFile>
#include <QHostAddress>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QRegularExpression>
#include <memory>

using namespace Qt::StringLiterals;

namespace forge {
namespace {

// Idle time after which a transfer is given up (Qt counts from the last byte received, so a slow
// but moving download of a 50 MB Node.js package is not cut off).
constexpr int MetadataTimeoutMs = 30'000;
constexpr int TarballTimeoutMs = 60'000;

bool isLoopback(const QUrl& url)
{
    const QString host = url.host();
    if (host.compare("localhost"_L1, Qt::CaseInsensitive) == 0)
        return true;
    const QHostAddress address(host);
    return !address.isNull() && address.isLoopback();
}

// The registry and tarball URLs as they may appear in messages and requests: no user name or
// password (Forge Preview does not log in to registries, and never repeats a credential).
QUrl withoutCredentials(QUrl url)
{
    url.setUserInfo({});
    return url;
}

QString hostOf(const QUrl& url)
{
    return url.port() > 0 ? u"%1:%2"_s.arg(url.host()).arg(url.port()) : url.host();
}

// A registry URL that requests can be appended to, or an invalid URL for anything else.
QUrl registryUrl(const QString& text)
{
    QUrl url(text.trimmed(), QUrl::StrictMode);
    if (!url.isValid() || url.host().isEmpty() || (url.scheme() != "https"_L1 && url.scheme() != "http"_L1))
        return {};
    url = withoutCredentials(url);
    if (!url.path().endsWith(u'/'))
        url.setPath(url.path() + u'/');
    return url;
}

// `${NAME}` in an .npmrc value is the environment variable NAME, as npm reads it.
QString expandEnvironment(QString value, const QProcessEnvironment& environment)
{
    static const QRegularExpression variable(u"\\$\\{([^}]+)\\}"_s);
    QRegularExpressionMatch match;
    qsizetype from = 0;
    while ((match = variable.match(value, from)).hasMatch()) {
        const QString replacement = environment.value(match.captured(1));
        value.replace(match.capturedStart(), match.capturedLength(), replacement);
        from = match.capturedStart() + replacement.size();
    }
    return value;
}

// The last top-level `registry=` of an .npmrc (later lines win, as in npm's ini reading). Scoped
// (`@scope:registry=`) and credential lines (`//host/:_authToken=`) are not ours to read.
QString npmrcRegistry(const QString& path, const QProcessEnvironment& environment)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly | QIODevice::Text))
        return {};
    QString registry;
    while (!file.atEnd()) {
        const QString line = QString::fromUtf8(file.readLine()).trimmed();
        if (line.isEmpty() || line.startsWith(u'#') || line.startsWith(u';'))
            continue;
        const qsizetype equals = line.indexOf(u'=');
        if (equals < 0 || line.left(equals).trimmed() != "registry"_L1)
            continue;
        QString value = line.mid(equals + 1).trimmed();
        if (value.size() >= 2 && (value.startsWith(u'"') || value.startsWith(u'\'')) &&
            value.endsWith(value.front()))
            value = value.mid(1, value.size() - 2);
        registry = expandEnvironment(value, environment);
    }
    return registry;
}

QString environmentRegistry(const QProcessEnvironment& environment)
{
    // npm reads its npm_config_* variables whatever their case.
    for (const QString& key : environment.keys()) {
        if (key.compare("npm_config_registry"_L1, Qt::CaseInsensitive) == 0)
            return environment.value(key);
    }
    return {};
}

QString unreachableAdvice()
{
    return u"Check the network connection (and a proxy, if one is needed), or point npm_config_registry "
           u"(or registry= in ~/.npmrc) at a registry this machine can reach, then try again."_s;
}

// "sha512-<base64>" of `bytes`.
QString sha512Integrity(const QByteArray& bytes)
{
    return "sha512-"_L1 +
           QString::fromLatin1(QCryptographicHash::hash(bytes, QCryptographicHash::Sha512).toBase64());
}

QString shortHash(const QString& integrity)
{
    return integrity.left(QStringLiteral("sha512-").size() + 12) + u'…';
}

// The package a tarball belongs to, from the registry's URL form <registry>/<name>/-/<file>.tgz
// (PackageVersion does not carry the name; messages need it).
QString packageNameOf(const PackageVersion& version)
{
    const QString path = version.tarball.path();
    const qsizetype dash = path.lastIndexOf("/-/"_L1);
    if (dash < 0)
        return version.tarball.fileName().section(u'-', 0, -2);
    const QStringList segments = path.left(dash).split(u'/', Qt::SkipEmptyParts);
    if (segments.isEmpty())
        return version.tarball.fileName();
    if (segments.size() >= 2 && segments.at(segments.size() - 2).startsWith(u'@'))
        return segments.at(segments.size() - 2) + u'/' + segments.last();
    return segments.last();
}

} // namespace

NpmRegistry::NpmRegistry(const QUrl& baseUrl, QObject* parent)
    : QObject(parent)
    , m_baseUrl(registryUrl(baseUrl.toString()))
    , m_network(new QNetworkAccessManager(this))
{
    // A registry may send its tarballs from a CDN on another host; never from https to http.
    m_network->setRedirectPolicy(QNetworkRequest::NoLessSafeRedirectPolicy);
    if (!m_baseUrl.isValid())
        m_baseUrl = withoutCredentials(baseUrl);
}

NpmRegistry::~NpmRegistry() = default;

QUrl NpmRegistry::configured(const QProcessEnvironment& environment, const QString& homeDirectory)
{
    for (const QString& candidate :
         {environmentRegistry(environment), npmrcRegistry(homeDirectory + "/.npmrc"_L1, environment)}) {
        const QUrl url = registryUrl(candidate);
        if (url.isValid())
            return url;
    }
    return QUrl(QString::fromLatin1(DefaultUrl));
}

void NpmRegistry::checkSecure(const QUrl& url, const QString& what) const
{
    if (!url.isValid() || url.host().isEmpty())
        throw Failure::permanent(u"The address of %1 (“%2”) is not a valid URL."_s.arg(what, url.toString()),
                                 u"Set npm_config_registry (or registry= in ~/.npmrc) to the registry's "
                                 u"https:// address."_s);
    if (url.scheme() == "https"_L1 || (url.scheme() == "http"_L1 && isLoopback(url)))
        return;
    throw Failure::permanent(
        u"%1 is at %2, which is not HTTPS; Forge Preview only fetches tools over HTTPS."_s.arg(
            what, withoutCredentials(url).toString()),
        u"Use the registry's https:// address in npm_config_registry or ~/.npmrc."_s);
}

QUrl NpmRegistry::packumentUrl(const QString& name) const
{
    // npm's own form: the scope's '/' escaped, so "@yarnpkg/cli-dist" is one path segment.
    QString escaped = name;
    escaped.replace(u'/', "%2f"_L1);
    QUrl url = m_baseUrl;
    url.setPath(m_baseUrl.path() + escaped, QUrl::TolerantMode);
    return url;
}

QCoro::Task<QByteArray> NpmRegistry::fetch(QNetworkRequest request, QString what, QString packageName,
                                           DownloadProgress progress)
{
    request.setRawHeader("User-Agent", "forge-preview");
    std::unique_ptr<QNetworkReply> reply(m_network->get(request));
    if (progress)
        connect(reply.get(), &QNetworkReply::downloadProgress, reply.get(), progress);
    co_await qCoro(reply.get()).waitForFinished();

    const QString host = hostOf(request.url());
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    if (status == 0) {
        const bool timedOut = reply->error() == QNetworkReply::OperationCanceledError ||
                              reply->error() == QNetworkReply::TimeoutError;
        const QString reason = timedOut ? u"nothing arrived for %1 s"_s.arg(request.transferTimeout() / 1000)
                                        : reply->errorString();
        throw Failure::transient(
            u"The npm registry at %1 could not be reached for %2: %3."_s.arg(host, what, reason),
            unreachableAdvice());
    }
    if (status == 404)
        throw Failure::permanent(u"%1 is not in the registry at %2."_s.arg(packageName, host),
                                 u"Check the name and version the project asks for, and that "
                                 u"npm_config_registry (or ~/.npmrc) names the registry that has it."_s);
    if (status == 408 || status == 429 || status >= 500)
        throw Failure::transient(
            u"The npm registry at %1 answered %2 with HTTP %3."_s.arg(host, what).arg(status),
            u"The registry is busy or failing; try again in a few minutes."_s);
    if (status == 401 || status == 403)
        throw Failure::permanent(
            u"The npm registry at %1 refused %2 (HTTP %3): it asks for a login."_s.arg(host, what)
                .arg(status),
            u"Forge Preview fetches tools without registry credentials: point npm_config_registry at a "
            u"registry that serves them publicly (e.g. https://registry.npmjs.org/)."_s);
    if (status < 200 || status >= 300)
        throw Failure::permanent(
            u"The npm registry at %1 answered %2 with HTTP %3."_s.arg(host, what).arg(status),
            u"Check npm_config_registry (or ~/.npmrc); if it is right, report it."_s);
    co_return reply->readAll();
}

QCoro::Task<Packument> NpmRegistry::packument(QString name)
{
    checkSecure(m_baseUrl, u"The npm registry"_s);
    QNetworkRequest request(packumentUrl(name));
    request.setRawHeader("Accept", "application/vnd.npm.install-v1+json; q=1.0, application/json; q=0.8");
    request.setTransferTimeout(MetadataTimeoutMs);
    const QByteArray json = co_await fetch(request, u"the metadata of %1"_s.arg(name), name, {});
    QString error;
    std::optional<Packument> packument = Packument::fromJson(json, name, &error);
    if (!packument)
        throw Failure::permanent(
            u"The npm registry at %1 sent unusable metadata for %2: %3."_s.arg(hostOf(m_baseUrl), name,
                                                                               error),
            u"Check that npm_config_registry (or ~/.npmrc) names an npm registry; try again later."_s);
    co_return *packument;
}

void NpmRegistry::checkTarballHost(const QUrl& tarball, const QString& what) const
{
    checkSecure(tarball, what);
    // Plain HTTP passed checkSecure only on loopback: allowed for a loopback registry (the tests'),
    // never as a way out of an HTTPS one.
    if (tarball.scheme() == "http"_L1 && !isLoopback(m_baseUrl))
        throw Failure::permanent(u"%1 is offered at %2, which is not HTTPS."_s.arg(what, tarball.toString()),
                                 u"Report it to the registry's operators."_s);
}

QCoro::Task<QByteArray> NpmRegistry::tarball(PackageVersion version, DownloadProgress progress)
{
    const QString what = u"the tarball of %1 %2"_s.arg(packageNameOf(version), version.version);
    checkSecure(m_baseUrl, u"The npm registry"_s);
    checkTarballHost(version.tarball, what);
    if (!version.integrity.startsWith("sha512-"_L1))
        throw Failure::permanent(
            u"The registry gives no sha512 integrity for %1; it cannot be verified."_s.arg(what),
            u"Choose another version, or report it to the registry's operators."_s);
    QNetworkRequest request(withoutCredentials(version.tarball));
    request.setRawHeader("Accept", "application/octet-stream");
    request.setTransferTimeout(TarballTimeoutMs);
    const QByteArray bytes =
        co_await fetch(request, what, u"%1 %2"_s.arg(packageNameOf(version), version.version), progress);

    const QString actual = sha512Integrity(bytes);
    if (actual != version.integrity)
        throw Failure::permanent(
            u"The tarball of %1 %2 from %3 does not match its integrity (expected %4, got %5); it was not "
            u"used."_s.arg(packageNameOf(version), version.version, hostOf(version.tarball),
                           shortHash(version.integrity), shortHash(actual)),
            u"Clear the cache of the registry or proxy in between, then try again; if it happens again, "
            u"report it to the registry's operators."_s);
    co_return bytes;
}

} // namespace forge
