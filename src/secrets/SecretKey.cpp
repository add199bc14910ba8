#include "secrets/SecretKey.h"

#include <QUrl>

using namespace Qt::StringLiterals;

namespace forge {

namespace {

QString kindName(SecretKind kind)
{
    switch (kind) {
    case SecretKind::GitHubToken:
        return u"github-token"_s;
    case SecretKind::DaytonaApiKey:
        return u"daytona-api-key"_s;
    case SecretKind::ProjectSecret:
        return u"project-secret"_s;
    }
    return u"secret"_s;
}

QString encode(const QString& part)
{
    return QString::fromLatin1(QUrl::toPercentEncoding(part));
}

} // namespace

QString SecretKey::toKeychainKey() const
{
    return kindName(kind) + u'/' + encode(host.trimmed().toLower()) + u'/' + encode(account);
}

SecretKey SecretKey::projectSecret(const QString& projectId, const QString& name)
{
    return SecretKey{SecretKind::ProjectSecret, projectId, name};
}

QString SecretKey::describe() const
{
    if (kind == SecretKind::ProjectSecret)
        return u"the project secret %1"_s.arg(account);
    const QString what = kind == SecretKind::GitHubToken ? u"GitHub token"_s : u"Daytona API key"_s;
    QString text = u"the "_s + what;
    // A Daytona key is one per host; its account name is only a slot, not a person.
    if (!account.isEmpty() && kind == SecretKind::GitHubToken)
        text += u" for "_s + account;
    if (!host.isEmpty())
        text += u" on "_s + host.trimmed().toLower();
    return text;
}

} // namespace forge
