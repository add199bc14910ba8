#include "secrets/PlainTextSecretFile.h"
#include "secrets/SecretKey.h"
#include "secrets/SecretStore.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QTest>
#include <qt6keychain/keychain.h>

using namespace Qt::StringLiterals;

namespace forge {

namespace {

constexpr auto NotOwnerOnly = QFileDevice::ReadGroup | QFileDevice::WriteGroup | QFileDevice::ExeGroup |
                              QFileDevice::ReadOther | QFileDevice::WriteOther | QFileDevice::ExeOther |
                              QFileDevice::ExeOwner;

QByteArray contents(const QString& path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

} // namespace

class SecretKeyAndFileTest : public QObject
{
    Q_OBJECT

private slots:
    void keyRendering()
    {
        const SecretKey github{SecretKind::GitHubToken, u"github.com"_s, u"octocat"_s};
        QCOMPARE(github.toKeychainKey(), u"github-token/github.com/octocat"_s);
        const SecretKey upper{SecretKind::GitHubToken, u" GitHub.COM "_s, u"octocat"_s};
        QCOMPARE(upper.toKeychainKey(), github.toKeychainKey());
        const SecretKey daytona{SecretKind::DaytonaApiKey, u"app.daytona.io"_s, {}};
        QCOMPARE(daytona.toKeychainKey(), u"daytona-api-key/app.daytona.io/"_s);
        // A slash in a part cannot make two keys collide.
        const SecretKey a{SecretKind::GitHubToken, u"h/x"_s, u"y"_s};
        const SecretKey b{SecretKind::GitHubToken, u"h"_s, u"x/y"_s};
        QVERIFY(a.toKeychainKey() != b.toKeychainKey());
        QCOMPARE(a.toKeychainKey(), u"github-token/h%2Fx/y"_s);
        QCOMPARE(github.describe(), u"the GitHub token for octocat on github.com"_s);
        QCOMPARE(daytona.describe(), u"the Daytona API key on app.daytona.io"_s);
        QCOMPARE(QString::fromLatin1(SecretKey::Service), u"forge-preview"_s);
    }

    void errorMapping()
    {
        const SecretKey key{SecretKind::GitHubToken, u"github.com"_s, u"octocat"_s};
        using Op = SecretStore::Operation;
        using Status = SecretResult::Status;

        QCOMPARE(SecretStore::mapError(Op::Read, QKeychain::EntryNotFound, {}, key).status(),
                 Status::NotFound);
        QCOMPARE(SecretStore::mapError(Op::Remove, QKeychain::EntryNotFound, {}, key).status(), Status::Done);

        for (const QString& text :
             {u"The name org.freedesktop.secrets was not provided by any .service files"_s,
              u"org.freedesktop.DBus.Error.ServiceUnknown"_s}) {
            const SecretResult result = SecretStore::mapError(Op::Write, QKeychain::OtherError, text, key);
            QCOMPARE(result.status(), Status::NoService);
            QVERIFY2(result.message().startsWith(
                         u"No keychain service is running: install and unlock GNOME Keyring or KWallet"_s),
                     qPrintable(result.message()));
        }
        QCOMPARE(SecretStore::mapError(Op::Read, QKeychain::NoBackendAvailable, {}, key).status(),
                 Status::NoService);

        for (const int error : {int(QKeychain::AccessDenied), int(QKeychain::AccessDeniedByUser)}) {
            const SecretResult result = SecretStore::mapError(Op::Read, error, u"Cannot unlock"_s, key);
            QCOMPARE(result.status(), Status::AccessDenied);
            QVERIFY(result.message().contains(u"locked or access to it was refused"_s));
            QVERIFY(result.message().contains(u"Unlock the keychain"_s));
        }

        const SecretResult other =
            SecretStore::mapError(Op::Remove, QKeychain::CouldNotDeleteEntry, u"boom"_s, key);
        QCOMPARE(other.status(), Status::Failed);
        QCOMPARE(other.message(),
                 u"The keychain could not remove the GitHub token for octocat on github.com: boom"_s);
    }

    void resultDebugHidesSecret()
    {
        const QString secret = u"ghp_debugcanary1234567890abcdefghijklmn"_s;
        QString printed;
        QDebug(&printed) << SecretResult::found(secret);
        QVERIFY(!printed.contains(secret));
        QVERIFY(printed.contains(u"characters"_s));
    }

    void fallbackRoundTripIsOwnerOnly()
    {
        QTemporaryDir temp;
        QVERIFY(temp.isValid());
        const QString dir = temp.filePath(u"state/forge"_s);
        const PlainTextSecretFile file(dir);
        const SecretKey one{SecretKind::GitHubToken, u"github.com"_s, u"octocat"_s};
        const SecretKey two{SecretKind::GitHubToken, u"github.com"_s, u"hubot"_s};

        QCOMPARE(file.read(one).status(), SecretResult::Status::NotFound);
        QVERIFY(file.write(one, u"first-secret-value"_s).ok());
        QVERIFY(file.write(two, u"second-secret-välue ✓"_s).ok());
        QCOMPARE(file.read(one).secret(), u"first-secret-value"_s);
        QCOMPARE(file.read(two).secret(), u"second-secret-välue ✓"_s);

        const QFileInfo info(file.path());
        QVERIFY(info.exists());
        QVERIFY(info.permissions().testFlags(QFileDevice::ReadOwner | QFileDevice::WriteOwner));
        QCOMPARE(info.permissions() & NotOwnerOnly, QFileDevice::Permissions());
        const QFileInfo dirInfo(dir);
        QCOMPARE(dirInfo.permissions() & (NotOwnerOnly & ~QFileDevice::ExeOwner), QFileDevice::Permissions());
        // Atomic replacement leaves no temporary files behind.
        QCOMPARE(QDir(dir).entryList(QDir::Files | QDir::Hidden), QStringList{u"secrets.json"_s});

        QVERIFY(file.write(one, u"overwritten"_s).ok());
        QCOMPARE(file.read(one).secret(), u"overwritten"_s);
        QVERIFY(file.remove(one).ok());
        QCOMPARE(file.read(one).status(), SecretResult::Status::NotFound);
        QCOMPARE(file.read(two).secret(), u"second-secret-välue ✓"_s);
        QVERIFY(file.remove(one).ok());
    }

    void existingLooseFileIsTightened()
    {
        QTemporaryDir temp;
        const PlainTextSecretFile file(temp.path());
        QFile loose(file.path());
        QVERIFY(loose.open(QIODevice::WriteOnly));
        loose.write(R"({"version":1,"secrets":{}})");
        loose.close();
        QVERIFY(loose.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner |
                                     QFileDevice::ReadGroup | QFileDevice::ReadOther));
        QVERIFY(file.write(SecretKey{SecretKind::DaytonaApiKey, u"app.daytona.io"_s, {}}, u"k"_s).ok());
        QCOMPARE(QFileInfo(file.path()).permissions() & NotOwnerOnly, QFileDevice::Permissions());
    }

    void corruptFileIsReportedAndKept()
    {
        QTemporaryDir temp;
        const PlainTextSecretFile file(temp.path());
        const QByteArray garbage = "{\"version\":1,\"secrets\":{\"github-token/github.com/x\": \"half";
        {
            QFile broken(file.path());
            QVERIFY(broken.open(QIODevice::WriteOnly));
            broken.write(garbage);
        }
        const SecretKey key{SecretKind::GitHubToken, u"github.com"_s, u"x"_s};
        const SecretResult read = file.read(key);
        QCOMPARE(read.status(), SecretResult::Status::Failed);
        QVERIFY(read.message().contains(u"is damaged"_s));
        QVERIFY(read.message().contains(file.path()));

        const SecretResult written = file.write(key, u"new-secret-value"_s);
        QCOMPARE(written.status(), SecretResult::Status::Failed);
        QVERIFY(!written.message().contains(u"new-secret-value"_s));
        QCOMPARE(file.remove(key).status(), SecretResult::Status::Failed);
        QCOMPARE(contents(file.path()), garbage);
    }
};

} // namespace forge

QTEST_GUILESS_MAIN(forge::SecretKeyAndFileTest)
#include "tst_secretkeyandfile.moc"
