#pragma once

#include <QProcessEnvironment>
#include <QString>
#include <QUrl>
#include <chrono>

namespace forge::daytona {

// Where and as whom the client talks to Daytona. Read from the environment the way the official
// SDKs do (docs/daytona-api.md §12): DAYTONA_API_KEY, DAYTONA_API_URL (legacy DAYTONA_SERVER_URL),
// DAYTONA_TARGET, or DAYTONA_JWT_TOKEN + DAYTONA_ORGANIZATION_ID.
struct DaytonaConfig
{
    enum class AuthMode { ApiKey, Jwt };

    static constexpr auto DefaultApiUrl = "https://app.daytona.io/api";

    QString apiKey;
    QString jwtToken;
    QString organizationId;
    QUrl apiUrl = QUrl(QString::fromLatin1(DefaultApiUrl));
    QString target;
    // Applied to every request as QNetworkRequest::setTransferTimeout: the longest the server may
    // stay silent before the request fails with DaytonaError::Kind::Timeout.
    std::chrono::milliseconds requestTimeout{30000};
    // For create, start and recover, which the server holds until the sandbox has started or 30 s
    // have passed (waitForSandboxStarted(…, 30) in apps/api sandbox.controller.ts, daytonaio/daytona
    // v0.190.0): the request timeout would race that wait. The SDKs allow these calls 60 s
    // (create and start in sdk-typescript, daytona/clients v0.205.1).
    std::chrono::milliseconds lifecycleTimeout{60000};

    static DaytonaConfig
    fromEnvironment(const QProcessEnvironment& env = QProcessEnvironment::systemEnvironment());

    // An API key wins over a JWT when both are set: it needs no organization id.
    AuthMode authMode() const
    {
        return apiKey.isEmpty() && !jwtToken.isEmpty() ? AuthMode::Jwt : AuthMode::ApiKey;
    }
    QString bearerToken() const { return authMode() == AuthMode::Jwt ? jwtToken : apiKey; }

    // Empty when usable; otherwise one sentence saying what to set.
    QString validationError() const;
    bool isValid() const { return validationError().isEmpty(); }

    // Safe for logs: the key and token are masked, only their last 4 characters are kept.
    QString redacted() const;
};

} // namespace forge::daytona
