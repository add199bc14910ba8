#pragma once

#include <QByteArray>
#include <QList>
#include <QMap>
#include <QProcessEnvironment>
#include <QString>

namespace forge {

// The network settings of the user's that installs inside a sandbox must keep: proxies (as curl
// reads them from the environment) and npm's registry (the environment, else ~/.npmrc).
// A service among them on this machine's loopback (a local registry mirror, a proxy on
// 127.0.0.1:3128) is the one thing on this machine a sandbox may reach: exactly its port, forwarded
// on purpose and named in the log (SandboxNetwork's hostLoopbackPorts). Sandboxes never see the
// user's files, so the settings travel as environment variables.
struct HostServices
{
    struct LoopbackService
    {
        QString setting; // where it was configured, for the log: "HTTPS_PROXY", "registry in ~/.npmrc"
        int port = 0;
        bool operator==(const LoopbackService&) const = default;
    };

    QMap<QString, QString> variables; // for the sandbox's environment (never its argv: may hold a password)
    QList<LoopbackService> loopback;

    // `npmrc` is the user's own npm configuration file (~/.npmrc), read by the caller.
    static HostServices read(const QProcessEnvironment& environment, const QByteArray& npmrc);
    // Reads this process's environment and the user's ~/.npmrc (or $NPM_CONFIG_USERCONFIG).
    static HostServices ofThisUser();

    QList<int> loopbackPorts() const;
    // "127.0.0.1:3128 (HTTPS_PROXY), 127.0.0.1:4873 (registry in ~/.npmrc)"; empty when none.
    QString describeLoopback() const;
};

} // namespace forge
