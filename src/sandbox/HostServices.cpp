#include "HostServices.h"

#include "GitEnvironment.h"

#include <QDir>
#include <QFile>
#include <QHostAddress>
#include <QUrl>

using namespace Qt::StringLiterals;

namespace forge {

namespace {

bool isLoopbackHost(const QString& host)
{
    if (host.compare(u"localhost"_s, Qt::CaseInsensitive) == 0)
        return true;
    const QHostAddress address(host);
    return !address.isNull() && address.isLoopback();
}

// The loopback port of a proxy or registry URL; 0 when it is not on this machine's loopback.
int loopbackPort(const QString& value)
{
    QUrl url(value.trimmed());
    if (url.scheme().isEmpty() || url.host().isEmpty())
        url = QUrl(u"http://"_s + value.trimmed()); // proxies are often given as host:port
    if (!url.isValid() || !isLoopbackHost(url.host()))
        return 0;
    const int fallback = url.scheme() == u"https"_s ? 443 : url.scheme() == u"socks5"_s ? 1080 : 80;
    return url.port(fallback);
}

// `registry=` from an npmrc ("key = value" lines; ';' and '#' start comments).
QString npmrcRegistry(const QByteArray& npmrc)
{
    QString registry;
    const QList<QByteArray> lines = npmrc.split('\n');
    for (const QByteArray& raw : lines) {
        const QByteArray line = raw.trimmed();
        if (line.startsWith(';') || line.startsWith('#'))
            continue;
        const qsizetype equals = line.indexOf('=');
        if (equals > 0 && line.left(equals).trimmed() == "registry")
            registry = QString::fromUtf8(line.mid(equals + 1).trimmed());
    }
    return registry;
}

} // namespace

HostServices HostServices::read(const QProcessEnvironment& environment, const QByteArray& npmrc)
{
    HostServices services;
    const auto add = [&services](const QString& setting, const QString& value) {
        if (const int port = loopbackPort(value); port > 0) {
            const LoopbackService service{setting, port};
            if (!services.loopback.contains(service))
                services.loopback.append(service);
        }
    };
    // The names curl reads (GitEnvironment::proxyVariables), for git and the package managers alike.
    const QProcessEnvironment proxies = GitEnvironment::proxyVariables(environment);
    const QStringList names = proxies.keys();
    for (const QString& name : names) {
        const QString value = proxies.value(name);
        if (value.isEmpty())
            continue;
        services.variables.insert(name, value);
        if (!name.startsWith(u"no_"_s, Qt::CaseInsensitive))
            add(name, value);
    }
    QString registry = environment.value(u"npm_config_registry"_s);
    QString setting = u"npm_config_registry"_s;
    if (registry.isEmpty()) {
        registry = npmrcRegistry(npmrc);
        setting = u"registry in ~/.npmrc"_s;
    }
    if (!registry.isEmpty()) {
        services.variables.insert(u"npm_config_registry"_s, registry);
        add(setting, registry);
    }
    return services;
}

HostServices HostServices::ofThisUser()
{
    const QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    QString path = environment.value(u"NPM_CONFIG_USERCONFIG"_s);
    if (path.isEmpty())
        path = QDir::homePath() + u"/.npmrc"_s;
    QFile npmrc(path);
    QByteArray text;
    if (npmrc.open(QIODevice::ReadOnly))
        text = npmrc.read(1024 * 1024);
    return read(environment, text);
}

QList<int> HostServices::loopbackPorts() const
{
    QList<int> ports;
    for (const LoopbackService& service : loopback) {
        if (!ports.contains(service.port))
            ports.append(service.port);
    }
    return ports;
}

QString HostServices::describeLoopback() const
{
    QStringList parts;
    for (const LoopbackService& service : loopback)
        parts << u"127.0.0.1:%1 (%2)"_s.arg(service.port).arg(service.setting);
    return parts.join(u", "_s);
}

} // namespace forge
