#include "secrets/PlainTextSecretFile.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonParseError>
#include <QSaveFile>

using namespace Qt::StringLiterals;

namespace forge {

namespace {

constexpr auto OwnerOnly = QFileDevice::ReadOwner | QFileDevice::WriteOwner;

SecretResult failed(const QString& message)
{
    return SecretResult::failure(SecretResult::Status::Failed, message);
}

} // namespace

PlainTextSecretFile::PlainTextSecretFile(QString directory)
    : m_directory(std::move(directory))
{}

QString PlainTextSecretFile::path() const
{
    return QDir(m_directory).filePath(u"secrets.json"_s);
}

SecretResult PlainTextSecretFile::load(QJsonObject& secrets) const
{
    secrets = {};
    QFile file(path());
    if (!file.exists())
        return SecretResult::done();
    if (!file.open(QIODevice::ReadOnly))
        return failed(u"Cannot read the plain-text secrets file %1: %2."_s.arg(path(), file.errorString()));
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(file.readAll(), &error);
    const QJsonValue entries = document.object().value(u"secrets"_s);
    if (error.error != QJsonParseError::NoError || !document.isObject() || !entries.isObject()) {
        return failed(u"The plain-text secrets file %1 is damaged. Forge Preview leaves it as it is: "
                      "fix or delete it, then sign in again."_s.arg(path()));
    }
    secrets = entries.toObject();
    return SecretResult::done();
}

SecretResult PlainTextSecretFile::save(const QJsonObject& secrets) const
{
    if (!QDir().mkpath(m_directory))
        return failed(u"Cannot create the directory %1 for the plain-text secrets file."_s.arg(m_directory));
    QFile::setPermissions(m_directory, OwnerOnly | QFileDevice::ExeOwner);

    QSaveFile file(path());
    if (!file.open(QIODevice::WriteOnly))
        return failed(u"Cannot write the plain-text secrets file %1: %2."_s.arg(path(), file.errorString()));
    // Restrict the temporary file before any secret is written to it; the rename keeps the mode.
    if (!file.setPermissions(OwnerOnly)) {
        file.cancelWriting();
        return failed(u"Cannot make the plain-text secrets file %1 private to you."_s.arg(path()));
    }
    QJsonObject root;
    root.insert(u"version"_s, 1);
    root.insert(u"secrets"_s, secrets);
    file.write(QJsonDocument(root).toJson(QJsonDocument::Indented));
    if (!file.commit())
        return failed(u"Cannot write the plain-text secrets file %1: %2."_s.arg(path(), file.errorString()));
    return SecretResult::done();
}

SecretResult PlainTextSecretFile::read(const SecretKey& key) const
{
    QJsonObject secrets;
    if (const SecretResult loaded = load(secrets); !loaded.ok())
        return loaded;
    const QJsonValue value = secrets.value(key.toKeychainKey());
    if (!value.isString())
        return SecretResult::notFound();
    return SecretResult::found(value.toString());
}

SecretResult PlainTextSecretFile::write(const SecretKey& key, const QString& secret) const
{
    QJsonObject secrets;
    if (const SecretResult loaded = load(secrets); !loaded.ok())
        return loaded;
    secrets.insert(key.toKeychainKey(), secret);
    return save(secrets);
}

SecretResult PlainTextSecretFile::remove(const SecretKey& key) const
{
    QJsonObject secrets;
    if (const SecretResult loaded = load(secrets); !loaded.ok())
        return loaded;
    if (!secrets.contains(key.toKeychainKey()))
        return SecretResult::done();
    secrets.remove(key.toKeychainKey());
    return save(secrets);
}

} // namespace forge
