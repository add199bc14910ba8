#pragma once

#include "GitHubHttp.h"

#include <chrono>
#include <memory>

namespace forge::github {

struct DeviceCode
{
    QString deviceCode;
    QString userCode;     // show this to the user
    QUrl verificationUri; // and open this page
    int expiresInSeconds = 900;
    int intervalSeconds = 5; // the least wait between polls
};

struct DeviceFlowResult
{
    enum class Outcome {
        Authorized,
        Expired,             // expired_token, or the code's lifetime passed
        Denied,              // access_denied: the user pressed Cancel on GitHub
        Disabled,            // device_flow_disabled in the OAuth app's settings
        BadClient,           // incorrect_client_credentials
        UnsupportedGrant,    // unsupported_grant_type
        IncorrectDeviceCode, // incorrect_device_code
        Cancelled,           // cancel() was called
        Failed,              // network, server or unreadable answer
    };
    Outcome outcome = Outcome::Failed;
    QString accessToken;
    QString scope;
    // What happened and what to do; empty when authorized. Never contains the token.
    QString message;
    // The wait before each poll, in GitHub's seconds (grows by 5 after each slow_down).
    QList<int> waits;
};

// GitHub's OAuth device flow (RFC 8628 as GitHub implements it): start() asks for a user code,
// waitForAuthorization() polls the token endpoint at the interval GitHub set, slowing down when told,
// until the user approves, denies or the code expires. Timer-driven; cancel() ends it at the next tick.
class DeviceFlow final
{
    Q_DISABLE_COPY_MOVE(DeviceFlow)
public:
    static constexpr auto DefaultScope = "repo read:org";

    explicit DeviceFlow(GitHubHttp& http);

    // The length of one of GitHub's "seconds"; tests shrink it to milliseconds.
    void setIntervalUnit(std::chrono::milliseconds unit) { m_unit = unit; }

    // POST {web}/login/device/code. Throws GitHubError (a typed error, or Http with GitHub's message).
    QCoro::Task<DeviceCode> start(QString scope = QString::fromLatin1(DefaultScope));
    // Polls POST {web}/login/oauth/access_token; never throws.
    QCoro::Task<DeviceFlowResult> waitForAuthorization(DeviceCode code);
    void cancel() { *m_cancelled = true; }

    static DeviceFlowResult::Outcome outcomeFor(const QString& error);
    static QString messageFor(DeviceFlowResult::Outcome outcome, const QString& description);

private:
    QCoro::Task<bool> sleepUnits(int units, std::shared_ptr<bool> cancelled);
    QCoro::Task<DeviceFlowResult> poll(DeviceCode code);

    GitHubHttp& m_http;
    std::chrono::milliseconds m_unit{1000};
    std::shared_ptr<bool> m_cancelled = std::make_shared<bool>(false);
};

} // namespace forge::github
