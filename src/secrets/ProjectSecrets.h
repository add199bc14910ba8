#pragma once

#include "core/ProjectEnvironment.h"
#include "secrets/SecretResult.h"

#include <QCoro/QCoroTask>
#include <QString>

namespace forge {

class SecretStore;

// The values of a project's secret variables (issue 20), one keychain entry per project and name
// (SecretKey::projectSecret). Everything else about a variable (its name, that it is a secret, the
// steps it reaches) is kept with the project in the database; only the value lives here.
class ProjectSecrets final
{
public:
    explicit ProjectSecrets(SecretStore& store);

    QCoro::Task<SecretResult> write(QString projectId, QString name, QString value);
    QCoro::Task<SecretResult> read(QString projectId, QString name);
    QCoro::Task<SecretResult> remove(QString projectId, QString name);
    // Removes the entry of every secret of `environment` (a project removed from the list).
    QCoro::Task<SecretResult> removeAll(QString projectId, ProjectEnvironment environment);

    // `environment` with each secret's value read from the keychain. On failure `problem` says
    // which secret could not be read and what to do (the keychain's own message: locked, no
    // service…), and the result must not be used: a run never goes ahead without a secret the user
    // set (it would start the app with less than the user chose).
    QCoro::Task<ResolvedEnvironment> resolve(QString projectId, ProjectEnvironment environment);

private:
    SecretStore& m_store;
};

} // namespace forge
