#include "secrets/ProjectSecrets.h"

#include "secrets/SecretKey.h"
#include "secrets/SecretStore.h"

using namespace Qt::StringLiterals;

namespace forge {

ProjectSecrets::ProjectSecrets(SecretStore& store)
    : m_store(store)
{}

QCoro::Task<SecretResult> ProjectSecrets::write(QString projectId, QString name, QString value)
{
    co_return co_await m_store.write(SecretKey::projectSecret(projectId, name), value);
}

QCoro::Task<SecretResult> ProjectSecrets::read(QString projectId, QString name)
{
    co_return co_await m_store.read(SecretKey::projectSecret(projectId, name));
}

QCoro::Task<SecretResult> ProjectSecrets::remove(QString projectId, QString name)
{
    co_return co_await m_store.remove(SecretKey::projectSecret(projectId, name));
}

QCoro::Task<SecretResult> ProjectSecrets::removeAll(QString projectId, ProjectEnvironment environment)
{
    SecretResult last = SecretResult::done();
    for (const QString& name : environment.secretNames()) {
        const SecretResult removed = co_await m_store.remove(SecretKey::projectSecret(projectId, name));
        if (!removed.ok())
            last = removed;
    }
    co_return last;
}

QCoro::Task<ResolvedEnvironment> ProjectSecrets::resolve(QString projectId, ProjectEnvironment environment)
{
    ResolvedEnvironment resolved;
    for (EnvironmentVariable& variable : environment.variables) {
        if (!variable.secret)
            continue;
        const SecretResult result = co_await m_store.read(SecretKey::projectSecret(projectId, variable.name));
        if (!result.ok()) {
            resolved.problem = u"The secret %1 could not be read from the keychain: %2"_s.arg(
                variable.name, result.message());
            co_return resolved;
        }
        if (!result.isFound()) {
            resolved.problem =
                u"The secret %1 has no value in the keychain (it was removed, or saved on another computer). "
                u"Set it again in the Run Plan's Environment, or remove the variable."_s.arg(variable.name);
            co_return resolved;
        }
        variable.value = result.secret();
    }
    resolved.environment = std::move(environment);
    co_return resolved;
}

} // namespace forge
