#include "DeviceFlow.h"

#include <QCoroTimer>
#include <QElapsedTimer>
#include <QJsonObject>

using namespace Qt::StringLiterals;
using Outcome = forge::github::DeviceFlowResult::Outcome;

namespace forge::github {

DeviceFlow::DeviceFlow(GitHubHttp& http)
    : m_http(http)
{}

QCoro::Task<DeviceCode> DeviceFlow::start(QString scope)
{
    *m_cancelled = false;
    QUrlQuery form;
    form.addQueryItem(u"client_id"_s, m_http.config().clientId);
    form.addQueryItem(u"scope"_s, scope);
    const QUrl url = m_http.webUrl(u"/login/device/code"_s);
    const GitHubReply reply = co_await m_http.postForm(url, form);
    const QString what = u"POST /login/device/code"_s;
    const QJsonValue json = m_http.decodeJson(reply.body, what);
    const QJsonObject object = json.toObject();
    const QString error = object.value(u"error"_s).toString();
    if (!error.isEmpty()) {
        const Outcome outcome = outcomeFor(error);
        const QString description = m_http.redactor().redact(object.value(u"error_description"_s).toString());
        throw GitHubError(
            outcome == Outcome::Failed ? GitHubError::Kind::Http : GitHubError::Kind::InvalidConfig,
            messageFor(outcome, description.isEmpty() ? error : description), {}, reply.statusCode);
    }
    if (reply.statusCode < 200 || reply.statusCode >= 300)
        throw GitHubError::fromHttp(reply.statusCode, reply.body, reply.headers, what);
    DeviceCode code;
    code.deviceCode = object.value(u"device_code"_s).toString();
    code.userCode = object.value(u"user_code"_s).toString();
    code.verificationUri = QUrl(object.value(u"verification_uri"_s).toString());
    code.expiresInSeconds = object.value(u"expires_in"_s).toInt(900);
    code.intervalSeconds = qMax(1, object.value(u"interval"_s).toInt(5));
    if (code.deviceCode.isEmpty() || code.userCode.isEmpty() || !code.verificationUri.isValid())
        throw GitHubError(GitHubError::Kind::MalformedResponse,
                          u"GitHub's answer to %1 has no user code."_s.arg(what),
                          u"Check the GitHub address in the settings, then try again."_s);
    co_return code;
}

Outcome DeviceFlow::outcomeFor(const QString& error)
{
    if (error == u"expired_token"_s)
        return Outcome::Expired;
    if (error == u"access_denied"_s)
        return Outcome::Denied;
    if (error == u"device_flow_disabled"_s)
        return Outcome::Disabled;
    if (error == u"incorrect_client_credentials"_s)
        return Outcome::BadClient;
    if (error == u"unsupported_grant_type"_s)
        return Outcome::UnsupportedGrant;
    if (error == u"incorrect_device_code"_s)
        return Outcome::IncorrectDeviceCode;
    return Outcome::Failed;
}

QString DeviceFlow::messageFor(Outcome outcome, const QString& description)
{
    switch (outcome) {
    case Outcome::Authorized:
        return {};
    case Outcome::Expired:
        return u"The sign-in code expired before it was entered on GitHub. Start signing in again to get a "
               u"new code."_s;
    case Outcome::Denied:
        return u"Sign-in was cancelled on GitHub. Start signing in again and choose Authorize to connect "
               u"your account."_s;
    case Outcome::Disabled:
        return u"Device sign-in is turned off for this app on GitHub. The app's owner must enable \"Device "
               u"Flow\" in the OAuth app's settings; until then, sign in with a personal access token."_s;
    case Outcome::BadClient:
        return u"GitHub does not recognise this app's client id. Check the client id in the settings (on "
               u"GitHub Enterprise, the OAuth app must be registered on that server)."_s;
    case Outcome::UnsupportedGrant:
        return u"GitHub refused the sign-in request type. Update Forge Preview, then sign in again."_s;
    case Outcome::IncorrectDeviceCode:
        return u"GitHub did not recognise the sign-in code. Start signing in again."_s;
    case Outcome::Cancelled:
        return u"Sign-in was cancelled."_s;
    case Outcome::Failed:
        return u"Signing in to GitHub failed (%1). Try again."_s.arg(description);
    }
    return {};
}

QCoro::Task<bool> DeviceFlow::sleepUnits(int units, std::shared_ptr<bool> cancelled)
{
    using namespace std::chrono;
    const milliseconds total = m_unit * units;
    const milliseconds slice = qMin(total, milliseconds(100));
    QElapsedTimer clock;
    clock.start();
    while (!*cancelled && clock.elapsed() < total.count()) {
        const milliseconds left = milliseconds(total.count() - clock.elapsed());
        co_await QCoro::sleepFor(qMin(left, slice));
    }
    const bool wasCancelled = *cancelled;
    co_return !wasCancelled;
}

QCoro::Task<DeviceFlowResult> DeviceFlow::waitForAuthorization(DeviceCode code)
{
    DeviceFlowResult result;
    try {
        result = co_await poll(std::move(code));
    } catch (const GitHubError& error) {
        result.outcome = Outcome::Failed;
        result.message = m_http.redactor().redact(messageFor(Outcome::Failed, error.userMessage()));
    } catch (const std::exception& error) {
        result.outcome = Outcome::Failed;
        result.message =
            m_http.redactor().redact(messageFor(Outcome::Failed, QString::fromUtf8(error.what())));
    }
    co_return result;
}

QCoro::Task<DeviceFlowResult> DeviceFlow::poll(DeviceCode code)
{
    DeviceFlowResult result;
    std::shared_ptr<bool> cancelled = m_cancelled;
    int interval = qMax(1, code.intervalSeconds);
    int waited = 0;
    const QUrl url = m_http.webUrl(u"/login/oauth/access_token"_s);
    const QString what = u"POST /login/oauth/access_token"_s;
    QUrlQuery form;
    form.addQueryItem(u"client_id"_s, m_http.config().clientId);
    form.addQueryItem(u"device_code"_s, code.deviceCode);
    form.addQueryItem(u"grant_type"_s, u"urn:ietf:params:oauth:grant-type:device_code"_s);

    while (true) {
        if (waited >= code.expiresInSeconds) {
            result.outcome = Outcome::Expired;
            result.message = messageFor(Outcome::Expired, {});
            co_return result;
        }
        result.waits << interval;
        const bool awake = co_await sleepUnits(interval, cancelled);
        waited += interval;
        if (!awake) {
            result.outcome = Outcome::Cancelled;
            result.message = messageFor(Outcome::Cancelled, {});
            co_return result;
        }
        const GitHubReply reply = co_await m_http.postForm(url, form);
        if (*cancelled) {
            result.outcome = Outcome::Cancelled;
            result.message = messageFor(Outcome::Cancelled, {});
            co_return result;
        }
        if (reply.statusCode >= 500)
            throw GitHubError::fromHttp(reply.statusCode, reply.body, reply.headers, what);
        const QJsonObject object = m_http.decodeJson(reply.body, what).toObject();
        const QString error = object.value(u"error"_s).toString();
        if (error.isEmpty()) {
            const QString token = object.value(u"access_token"_s).toString();
            if (token.isEmpty()) {
                if (reply.statusCode >= 300)
                    throw GitHubError::fromHttp(reply.statusCode, reply.body, reply.headers, what);
                throw GitHubError(GitHubError::Kind::MalformedResponse,
                                  u"GitHub's answer to %1 has neither a token nor an error."_s.arg(what));
            }
            m_http.setToken(token); // registers it with the redactor before anything can log it
            result.outcome = Outcome::Authorized;
            result.accessToken = token;
            result.scope = object.value(u"scope"_s).toString();
            co_return result;
        }
        if (error == u"authorization_pending"_s)
            continue;
        if (error == u"slow_down"_s) {
            const int suggested = object.value(u"interval"_s).toInt(0);
            interval = suggested > interval ? suggested : interval + 5;
            continue;
        }
        result.outcome = outcomeFor(error);
        const QString description =
            m_http.redactor().redact(object.value(u"error_description"_s).toString(error));
        result.message = messageFor(result.outcome, description);
        co_return result;
    }
}

} // namespace forge::github
