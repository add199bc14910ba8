#pragma once

#include <QByteArray>
#include <QString>
#include <QUrl>
#include <chrono>

namespace forge::github {

// Where GitHub is and how to talk to it: the REST API base (https://api.github.com, or
// https://HOST/api/v3 on GitHub Enterprise Server), the web base that serves the OAuth device flow
// (https://github.com or https://HOST) and the OAuth app's client id. Plain http is accepted only
// for loopback hosts, which is how tests point the client at a local fake server.
struct GitHubConfig
{
    QUrl apiUrl = QUrl(QStringLiteral("https://api.github.com"));
    QUrl webUrl = QUrl(QStringLiteral("https://github.com"));
    QString clientId;
    QByteArray userAgent = "forge-preview";
    // Restarts on every byte received; bounds a request to a server that went silent.
    std::chrono::milliseconds requestTimeout{30000};
    qint64 maxBodyBytes = 32 * 1024 * 1024;

    static GitHubConfig gitHubCom(const QString& clientId);
    // `host` is a bare host name, optionally with a port: github.example.com[:8443].
    static GitHubConfig enterprise(const QString& host, const QString& clientId);
    // Both bases on one server, e.g. http://127.0.0.1:PORT (tests).
    static GitHubConfig singleServer(const QUrl& base, const QString& clientId);

    // Empty when usable; otherwise a sentence saying what to fix.
    QString validationError() const;
    static bool isLoopback(const QUrl& url);
};

} // namespace forge::github
