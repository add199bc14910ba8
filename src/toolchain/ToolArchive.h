#pragma once

#include <QByteArray>
#include <QCoroTask>
#include <QString>

namespace forge {

// Unpacks an npm tarball (already verified against its integrity) with the system's GNU tar into
// `<folder>/package/`, the archive's top folder stripped as npm does. The archive is checked before
// anything is written: a member with an absolute path or a `..`, a link leading out of the package,
// or a device or other special file refuses the whole archive; and after unpacking, every symbolic
// link is checked again where it really leads. Throws forge::Failure::permanent naming `what`
// ("pnpm 9.15.9").
class ToolArchive final
{
public:
    static QCoro::Task<> unpack(QByteArray tarball, QString folder, QString what);

    // Why `listing` (the output of `tar -tzv`, LC_ALL=C) is not safe to unpack; empty when it is.
    static QString unsafeMember(const QString& listing);
    // Why the symbolic links under `packageFolder` are not safe; empty when every one stays inside.
    static QString escapingLink(const QString& packageFolder);
};

} // namespace forge
