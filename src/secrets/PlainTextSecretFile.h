#pragma once

#include "secrets/SecretKey.h"
#include "secrets/SecretResult.h"

#include <QJsonObject>
#include <QString>

namespace forge {

// The opt-in plain-text fallback: a JSON file `secrets.json` in a directory the caller chooses,
// readable and writable by the user alone (0600, directory 0700), replaced atomically (QSaveFile).
// A damaged file is reported and never silently overwritten. Only used when the user asked for it.
class PlainTextSecretFile final
{
public:
    explicit PlainTextSecretFile(QString directory);

    QString path() const;

    SecretResult read(const SecretKey& key) const;
    SecretResult write(const SecretKey& key, const QString& secret) const;
    SecretResult remove(const SecretKey& key) const;

private:
    // The secrets in the file (empty when there is no file yet), or a failure saying why not.
    SecretResult load(QJsonObject& secrets) const;
    SecretResult save(const QJsonObject& secrets) const;

    QString m_directory;
};

} // namespace forge
